//! `/status/{ics}/{commitment}?period=…`: why a cell has its status, and the board's override.

use super::{query_params, route_params, PeriodQuery};
use crate::api::status::{get_status_cell, SetOverride};
use crate::components::form::{last_error, succeeded, ErrorSummary, FieldError, QueryError, SuccessNotice};
use crate::components::loaded::Loaded;
use crate::components::rag_badge::{MismatchFlag, RagBadge};
use crate::components::session::CsrfField;
use crate::model::status::CellDetail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

/// `/status/{ics}/{commitment}`
#[derive(Params, Clone, Debug, Default, PartialEq)]
struct CellParams {
    ics: Option<String>,
    commitment: Option<String>,
}

#[component]
pub fn StatusCellPage() -> impl IntoView {
    let params = route_params::<CellParams>();
    let query = query_params::<PeriodQuery>();
    let set_override = ServerAction::<SetOverride>::new();
    let key = move || {
        (
            params().ics.unwrap_or_default(),
            params().commitment.unwrap_or_default(),
            query().period.unwrap_or_default(),
            set_override.version().get(),
        )
    };
    let data = Resource::new(key, |(ics, commitment, period, _)| get_status_cell(ics, commitment, period));
    view! {
        <QueryError />
        <Loaded resource=data show=move |detail| view! { <CellView detail set_override /> }.into_any() />
    }
}

#[component]
fn CellView(detail: CellDetail, set_override: ServerAction<SetOverride>) -> impl IntoView {
    let CellDetail { ics, period, commitment, cell, can_override, csrf, basis, partner_figures } = detail;
    let title = format!("{} in {ics}, {period}", commitment.id);
    let computed = cell.computed.clone();
    let form = csrf.filter(|_| can_override).map(|csrf| {
        view! { <OverrideForm csrf ics=ics.to_string() commitment_id=commitment.id.clone() period=period.to_string() action=set_override /> }
    });
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb"><a href=format!("/status?period={period}")>"London status"</a></p>
        <h1>{title}</h1>
        <p class="lede">{commitment.text.clone()}</p>
        <section aria-labelledby="status-heading" class="cell-status">
            <h2 id="status-heading">"Status: " <RagBadge rag=cell.rag /></h2>
            {cell.overridden.clone().map(|ov| view! {
                <div class="override" role="note">
                    <p>{format!("Set by {} in place of the computed status, until {}.", ov.set_by(), ov.expires_after())}</p>
                    <p>"Computed status: " <RagBadge rag=computed.rag /></p>
                    <p class="rationale">{format!("Rationale: {}", ov.rationale())}</p>
                </div>
            })}
            <dl class="lenses">
                <div><dt>"Delivery (milestones, self-assessment, evidence)"</dt><dd><RagBadge rag=computed.delivery /></dd></div>
                <div><dt>"Outcome (metrics against targets)"</dt><dd><RagBadge rag=computed.outcome /></dd></div>
            </dl>
            {computed.mismatch.then(|| view! { <p><MismatchFlag /></p> })}
            <h3>"Why"</h3>
            {if computed.reasons.is_empty() {
                view! { <p>"Nothing was submitted for this commitment in this ICS and period."</p> }.into_any()
            } else {
                view! { <ul class="reasons">{computed.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <PartnerFigures figures=partner_figures />
        <ReviewBasis basis period=period.to_string() />
        {form}
    }
}

/// What partners reported for the commitment's metrics in the ICS and period.
#[component]
fn PartnerFigures(figures: Vec<crate::model::status::PartnerFigure>) -> impl IntoView {
    (!figures.is_empty()).then(|| view! {
        <section aria-labelledby="partner-figures-heading">
            <h2 id="partner-figures-heading">"Partners' figures"</h2>
            <table class="data">
                <caption class="visually-hidden">"Figures partners recorded for this commitment's metrics"</caption>
                <thead><tr><th scope="col">"Metric"</th><th scope="col">"Organisation"</th><th scope="col">"Period"</th><th scope="col">"Value"</th></tr></thead>
                <tbody>
                    {figures.into_iter().map(|f| view! {
                        <tr>
                            <td><a href=format!("/metrics/{}", f.metric_id)>{f.metric_name}</a></td>
                            <td>{f.organisation_name}</td>
                            <td>{f.period}</td>
                            <td>{crate::domain::metric::format_value(f.value)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    })
}

/// Whether what the status rests on has been accepted by the board.
#[component]
fn ReviewBasis(basis: Vec<crate::model::status::ReturnBasis>, period: String) -> impl IntoView {
    use crate::domain::submission::SubmissionState;
    let accepted = basis.iter().filter(|b| b.state == SubmissionState::Accepted).count();
    let summary = match (basis.len(), accepted) {
        (0, _) => "No organisation's evidence or readings are recorded for it.".to_string(),
        (all, done) if all == done => format!("Accepted: every return it rests on ({all}) has been accepted."),
        (all, done) => format!("Not yet accepted: {done} of the {all} returns it rests on accepted so far."),
    };
    view! {
        <section aria-labelledby="basis-heading">
            <h2 id="basis-heading">"Reviewed?"</h2>
            <p>{summary}</p>
            <ul>{basis.into_iter().map(|b| view! {
                <li><a href=format!("/review/{}/{period}", b.organisation_id)>{b.organisation_name}</a>{format!(": {}", b.state.label())}</li>
            }).collect_view()}</ul>
        </section>
    }
}

#[component]
fn OverrideForm(
    csrf: String,
    ics: String,
    commitment_id: String,
    period: String,
    action: ServerAction<SetOverride>,
) -> impl IntoView {
    let error = last_error(action.value());
    let done = view! {
        <SuccessNotice show=succeeded(action)>"Override saved."</SuccessNotice>
    };
    view! {
        <section aria-labelledby="override-heading">
            <h2 id="override-heading">"Override the status"</h2>
            <p class="hint">"Board reviewers only. The computed status stays visible beside yours, and the change is audited."</p>
            <ErrorSummary error />
            {done}
            <ActionForm action>
                <CsrfField token=csrf />
                <input type="hidden" name="ics" value=ics />
                <input type="hidden" name="commitment_id" value=commitment_id />
                <input type="hidden" name="period" value=period.clone() />
                <div class="field">
                    <label for="rag">"Status"</label>
                    <select id="rag" name="rag">
                        <option value="red">"Red"</option>
                        <option value="amber">"Amber"</option>
                        <option value="green">"Green"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="rationale">"Rationale (required)"</label>
                    <textarea id="rationale" name="rationale" rows="3" required></textarea>
                    <FieldError error field="rationale" />
                </div>
                <div class="field">
                    <label for="expires_after">"In force until the end of (period)"</label>
                    <input id="expires_after" name="expires_after" value=period />
                    <FieldError error field="expires_after" />
                </div>
                <button type="submit">"Save override"</button>
            </ActionForm>
        </section>
    }
}
