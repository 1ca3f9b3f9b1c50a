//! `/review/{organisation}/{period}`: one organisation's return: its evidence
//! and readings, its history, and the form for the next step (the partner's
//! submit or answer, the reviewer's accept, query or return).

use crate::api::submissions::{get_review_page, TakeSubmissionStep};
use crate::components::evidence_list::EvidenceCard;
use crate::components::form::{last_error, ErrorSummary, FieldError, QueryError};
use crate::components::loaded::Loaded;
use crate::components::session::CsrfField;
use crate::components::submission_state::{SubmissionHistory, SubmissionStateLabel};
use crate::domain::submission::SubmissionState;
use crate::model::review::{ReviewPage, ReviewedReading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

#[derive(Params, Clone, Debug, Default, PartialEq)]
struct ReviewParams {
    organisation: Option<String>,
    period: Option<String>,
}

/// `?version=N`: an accepted version as it was accepted.
#[derive(Params, Clone, Debug, Default, PartialEq)]
struct VersionQuery {
    version: Option<String>,
}

#[component]
pub fn ReviewSubmissionPage() -> impl IntoView {
    let params = super::route_params::<ReviewParams>();
    let query = super::query_params::<VersionQuery>();
    let step = ServerAction::<TakeSubmissionStep>::new();
    let page = Resource::new(
        move || (params(), query().version, step.version().get()),
        |(p, version, _)| get_review_page(p.organisation.unwrap_or_default(), p.period.unwrap_or_default(), version),
    );
    view! {
        <QueryError />
        <Loaded resource=page show=move |page| view! { <Review page step /> }.into_any() />
    }
}

#[component]
fn Review(page: ReviewPage, step: ServerAction<TakeSubmissionStep>) -> impl IntoView {
    let ReviewPage { submission, evidence, readings, accepted_versions, showing_version, reviewer_csrf, partner_csrf } =
        page;
    let (reviewer_csrf, partner_csrf) = match showing_version {
        // An accepted version is for reading; the forms act on the return as it is now.
        Some(_) => (None, None),
        None => (reviewer_csrf, partner_csrf),
    };
    let live_href = format!("/review/{}/{}", submission.organisation_id, submission.period);
    let title = format!("{}: return for {}", submission.organisation_name, submission.period);
    let state = submission.state;
    let (organisation, period) = (submission.organisation_id.clone(), submission.period.clone());
    let forms = StepForms { organisation, period, state, step };
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p>"State: " <SubmissionStateLabel submission=submission.clone() /> {format!(" · version {} · due {}", submission.version, submission.due)}</p>
        {showing_version.map(|v| view! {
            <div class="notice" role="status"><p>{format!("Showing version {v} exactly as it was accepted. ")}<a href=live_href.clone()>"See the return as it is now"</a></p></div>
        })}
        {(!accepted_versions.is_empty()).then(|| view! {
            <p>"Accepted versions: "
                {accepted_versions.iter().map(|(v, at)| view! {
                    <a href=format!("{live_href}?version={v}")>{format!("version {v} ({})", at.get(..10).unwrap_or(at))}</a>" "
                }).collect_view()}
            </p>
        })}
        {submission.open_question().map(|q| view! { <div class="notice"><h2>"Question from the reviewer"</h2><p>{q.to_string()}</p></div> })}
        {submission.return_reasons().map(|r| view! { <div class="notice"><h2>"Returned because"</h2><p>{r.to_string()}</p></div> })}
        {partner_csrf.map(|csrf| forms.clone().partner(csrf))}
        {reviewer_csrf.map(|csrf| forms.clone().reviewer(csrf))}
        <section aria-labelledby="evidence-heading">
            <h2 id="evidence-heading">{format!("Evidence ({})", evidence.len())}</h2>
            {if evidence.is_empty() {
                view! { <p>"No evidence for this period."</p> }.into_any()
            } else {
                evidence.into_iter().map(|entry| view! {
                    <p class="evidence-for"><a href=format!("/commitments/{}", entry.commitment_id)>{format!("Commitment {}", entry.commitment_id)}</a></p>
                    <EvidenceCard entry can_edit=false />
                }).collect_view().into_any()
            }}
        </section>
        <ReadingsTable readings />
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <SubmissionHistory history=submission.history />
        </section>
    }
}

#[component]
fn ReadingsTable(readings: Vec<ReviewedReading>) -> impl IntoView {
    view! {
        <section aria-labelledby="readings-heading">
            <h2 id="readings-heading">{format!("Readings ({})", readings.len())}</h2>
            {if readings.is_empty() {
                view! { <p>"No readings for this period."</p> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <thead><tr><th scope="col">"Metric"</th><th scope="col">"ICS"</th><th scope="col">"Value"</th><th scope="col">"Target"</th></tr></thead>
                        <tbody>{readings.into_iter().map(|r| view! {
                            <tr><td><a href=format!("/metrics/{}", r.metric_id)>{r.metric_name}</a></td><td>{r.ics}</td><td>{r.value}</td><td>{r.target.unwrap_or_default()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[derive(Clone)]
struct StepForms {
    organisation: String,
    period: String,
    state: SubmissionState,
    step: ServerAction<TakeSubmissionStep>,
}

impl StepForms {
    /// The partner's form: submit (from draft or returned) or answer (a query).
    fn partner(self, csrf: String) -> AnyView {
        let (action, label, note_label) = match self.state {
            SubmissionState::Draft | SubmissionState::Returned => {
                ("submit", "Submit the return as complete", "Note for the reviewer (optional)")
            }
            SubmissionState::Queried => ("answer", "Send the answer", "Your answer"),
            _ => return ().into_any(),
        };
        let error = last_error(self.step.value());
        view! {
            <section aria-labelledby="partner-heading">
                <h2 id="partner-heading">"Your return"</h2>
                <ErrorSummary error />
                <ActionForm action=self.step>
                    <ReturnFields csrf organisation=self.organisation period=self.period />
                    <input type="hidden" name="action" value=action />
                    <div class="field"><label for="partner-note">{note_label}</label>
                        <textarea id="partner-note" name="note" rows="3" maxlength="4000"></textarea>
                        <FieldError error field="note" /></div>
                    <button type="submit">{label}</button>
                </ActionForm>
            </section>
        }
        .into_any()
    }

    /// The reviewer's decision: accept, query or return (only once submitted).
    fn reviewer(self, csrf: String) -> AnyView {
        if self.state != SubmissionState::Submitted {
            return ().into_any();
        }
        let error = last_error(self.step.value());
        view! {
            <section aria-labelledby="decision-heading">
                <h2 id="decision-heading">"Decision"</h2>
                <ErrorSummary error />
                <ActionForm action=self.step>
                    <ReturnFields csrf organisation=self.organisation period=self.period />
                    <fieldset>
                        <legend>"Decision"</legend>
                        <div><input type="radio" id="d-accept" name="action" value="accept" checked=true /><label for="d-accept">"Accept"</label></div>
                        <div><input type="radio" id="d-query" name="action" value="query" /><label for="d-query">"Query (ask a question)"</label></div>
                        <div><input type="radio" id="d-return" name="action" value="return" /><label for="d-return">"Return for correction"</label></div>
                    </fieldset>
                    <div class="field"><label for="decision-note">"Question or reasons (needed to query or return)"</label>
                        <textarea id="decision-note" name="note" rows="3" maxlength="4000"></textarea>
                        <FieldError error field="note" /></div>
                    <button type="submit">"Record decision"</button>
                </ActionForm>
            </section>
        }
        .into_any()
    }
}

/// The hidden fields every step form carries: which return, and the CSRF token.
#[component]
fn ReturnFields(csrf: String, organisation: String, period: String) -> impl IntoView {
    view! {
        <CsrfField token=csrf />
        <input type="hidden" name="organisation" value=organisation />
        <input type="hidden" name="period" value=period />
    }
}
