//! The evidence form, for a new entry or an edit. Posts to `save_evidence`;
//! works without JavaScript and keeps what was typed when the server refuses it.

use crate::api::evidence::SaveEvidence;
use crate::components::form::{island_action, last_error, ErrorSummary, FieldError};
use crate::components::session::CsrfField;
use crate::domain::concordat::Commitment;
use crate::domain::london::IcsCode;
use crate::domain::rag::DeliveryStatus;
use crate::model::evidence::{EvidenceEntry, OrganisationChoice};
use leptos::prelude::*;

/// An island: with JavaScript, a save or a refusal is answered in place.
#[island]
pub fn EvidenceForm(
    csrf: String,
    commitment: Commitment,
    /// `None` for a new entry.
    existing: Option<EvidenceEntry>,
    /// Organisations the user may record for (only used for new entries).
    organisations: Vec<OrganisationChoice>,
    default_period: String,
    ics_codes: Vec<IcsCode>,
) -> impl IntoView {
    let action = island_action::<SaveEvidence>();
    let error = last_error(action.value());
    let saved = move || action.value().get().and_then(|r| r.ok());
    let is_new = existing.is_none();
    let e = existing.clone();
    let text = move |f: fn(&EvidenceEntry) -> String| e.as_ref().map(f).unwrap_or_default();
    let id = text(|e| e.id.clone());
    let version = existing.as_ref().map(|e| e.version).unwrap_or(0).to_string();
    let period = existing.as_ref().map(|e| e.period.to_string()).unwrap_or(default_period);
    let narrative = text(|e| e.narrative.clone());
    let status = existing.as_ref().and_then(|e| e.delivery_status).map(DeliveryStatus::as_str).unwrap_or("");
    let milestone = text(|e| e.milestone.clone().unwrap_or_default());
    let due = text(|e| e.milestone_due.map(|d| d.to_string()).unwrap_or_default());
    let completed = text(|e| e.milestone_completed.map(|d| d.to_string()).unwrap_or_default());
    let links = text(|e| e.links.join("\n"));
    let action_id = text(|e| e.action_id.clone().unwrap_or_default());
    let any_london_wide = organisations.iter().any(|o| o.ics.is_none());
    let heading = if is_new { "Add evidence" } else { "Edit this evidence" };
    let button = if is_new { "Save evidence" } else { "Save changes" };

    view! {
        <section class="evidence-form" aria-labelledby="evidence-form-heading">
            <h2 id="evidence-form-heading">{heading}</h2>
            <ErrorSummary error />
            {move || saved().map(|entry| view! {
                <p class="success" role="status">{format!("Saved version {} of the evidence for {}.", entry.version, entry.organisation_name)}</p>
            })}
            <ActionForm action>
                <CsrfField token=csrf />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="commitment_id" value=commitment.id.clone() />
                {if is_new {
                    view! {
                        <div class="field">
                            <label for="organisation_id">"Organisation"</label>
                            <select id="organisation_id" name="organisation_id">
                                {organisations.iter().map(|o| view! { <option value=o.id.clone()>{o.name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }.into_any()
                } else {
                    view! { <input type="hidden" name="organisation_id" value="" /> }.into_any()
                }}
                {if is_new && any_london_wide {
                    view! {
                        <div class="field">
                            <label for="ics">"ICS (for London-wide organisations)"</label>
                            <select id="ics" name="ics">
                                <option value="">"Not needed"</option>
                                {ics_codes.iter().map(|c| view! { <option value=c.to_string()>{c.to_string()}</option> }).collect_view()}
                            </select>
                            <FieldError error field="ics" />
                        </div>
                    }.into_any()
                } else {
                    view! { <input type="hidden" name="ics" value="" /> }.into_any()
                }}
                <div class="field">
                    <label for="period">"Reporting period"</label>
                    <p class="hint" id="period-hint">"Financial-year quarter, e.g. 2023-24-Q1 (April to June 2023)."</p>
                    <input id="period" name="period" value=period required aria-describedby="period-hint" />
                    <FieldError error field="period" />
                </div>
                {(!commitment.actions.is_empty()).then(|| view! {
                    <div class="field">
                        <label for="action_id">"Which action (optional)"</label>
                        <select id="action_id" name="action_id">
                            <option value="">"The commitment as a whole"</option>
                            {commitment.actions.iter().map(|a| {
                                let selected = a.id == action_id;
                                view! { <option value=a.id.clone() selected=selected>{format!("{}. {}", a.number, a.text)}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError error field="action_id" />
                    </div>
                })}
                {commitment.actions.is_empty().then(|| view! { <input type="hidden" name="action_id" value="" /> })}
                <div class="field">
                    <label for="narrative">"What has been done"</label>
                    <p class="hint" id="narrative-hint">"Plain text, up to 10,000 characters. Leave a blank line between paragraphs."</p>
                    <textarea id="narrative" name="narrative" rows="8" required
                        aria-describedby="narrative-hint narrative-error">
                        {narrative}
                    </textarea>
                    <FieldError error field="narrative" />
                </div>
                <div class="field">
                    <label for="delivery_status">"Self-assessed delivery status"</label>
                    <select id="delivery_status" name="delivery_status">
                        <option value="" selected=status.is_empty()>"Not given"</option>
                        {DeliveryStatus::ALL.into_iter().map(|option| view! {
                            <option value=option.as_str() selected=status == option.as_str()>{option.label()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error field="delivery_status" />
                </div>
                <fieldset>
                    <legend>"Milestone (optional)"</legend>
                    <div class="field">
                        <label for="milestone">"What will be delivered"</label>
                        <input id="milestone" name="milestone" value=milestone />
                        <FieldError error field="milestone" />
                    </div>
                    <div class="field">
                        <label for="milestone_due">"Due date (YYYY-MM-DD)"</label>
                        <input id="milestone_due" name="milestone_due" value=due inputmode="numeric" placeholder="2024-03-31" />
                        <FieldError error field="milestone_due" />
                    </div>
                    <div class="field">
                        <label for="milestone_completed">"Completed on (YYYY-MM-DD, if done)"</label>
                        <input id="milestone_completed" name="milestone_completed" value=completed inputmode="numeric" />
                        <FieldError error field="milestone_completed" />
                    </div>
                </fieldset>
                <div class="field">
                    <label for="links">"Links (one per line, https://…)"</label>
                    <textarea id="links" name="links" rows="3">{links}</textarea>
                    <FieldError error field="links" />
                </div>
                <button type="submit">{button}</button>
            </ActionForm>
        </section>
    }
}
