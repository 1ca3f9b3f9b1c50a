//! `/commitments/{id}`: one commitment, all evidence by ICS and period, and the form to add more.

use super::{route_params, IdParams};
use crate::api::evidence::get_commitment_evidence;
use crate::components::evidence_form::EvidenceForm;
use crate::components::evidence_list::EvidenceCard;
use crate::components::form::QueryError;
use crate::components::ics_status::CommitmentStatusRow;
use crate::components::loaded::Loaded;
use crate::domain::london::IcsCode;
use crate::model::evidence::CommitmentEvidence;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CommitmentPage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let id = move || params().id.unwrap_or_default();
    let data = Resource::new(id, get_commitment_evidence);
    view! {
        <QueryError />
        <Loaded resource=data show=move |data| view! { <CommitmentView data /> }.into_any() />
    }
}

#[component]
fn CommitmentView(data: CommitmentEvidence) -> impl IntoView {
    let CommitmentEvidence {
        commitment,
        principle_title,
        entries,
        ics_codes,
        current_period,
        can_add_for,
        editable,
        csrf,
        status_by_ics,
        sparklines,
    } = data;
    let trends = (!sparklines.is_empty()).then(|| view! { <MetricSparklineTable sparklines /> });
    let status_row = view! {
        <CommitmentStatusRow commitment_id=commitment.id.clone() period=current_period.to_string() cells=status_by_ics />
    };
    let title = format!("Commitment {}", commitment.id);
    let by_ics: Vec<(IcsCode, Vec<_>)> = ics_codes
        .iter()
        .map(|code| (code.clone(), entries.iter().filter(|e| &e.ics_code == code).cloned().collect::<Vec<_>>()))
        .collect();
    let form = csrf.filter(|_| !can_add_for.is_empty()).map(|csrf| {
        view! {
            <EvidenceForm csrf commitment=commitment.clone() existing=None organisations=can_add_for
                default_period=current_period.to_string() ics_codes=ics_codes.clone() />
        }
    });
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb">{principle_title}</p>
        <h1>{title}</h1>
        <p class="lede">{commitment.text.clone()}</p>
        {(!commitment.actions.is_empty()).then(|| view! {
            <ol class="actions">{commitment.actions.iter().map(|a| view! { <li>{a.text.clone()}</li> }).collect_view()}</ol>
        })}
        {status_row}
        {trends}
        <section aria-labelledby="evidence-heading">
            <h2 id="evidence-heading">"Evidence by ICS"</h2>
            {by_ics.into_iter().map(|(code, entries)| {
                let heading = format!("{code} ({} entries)", entries.len());
                let label = heading.clone();
                view! {
                    <section class="ics-evidence" aria-label=label>
                        <h3>{heading}</h3>
                        {if entries.is_empty() {
                            view! { <p class="empty">"No evidence recorded yet."</p> }.into_any()
                        } else {
                            entries.into_iter().map(|entry| {
                                let can_edit = editable.contains(&entry.id);
                                view! { <EvidenceCard entry can_edit /> }
                            }).collect_view().into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </section>
        {form}
    }
}

#[component]
fn MetricSparklineTable(sparklines: Vec<crate::model::evidence::MetricSparklines>) -> impl IntoView {
    use crate::components::trend_chart::Sparkline;
    use crate::domain::metric::format_value;
    let codes: Vec<IcsCode> =
        sparklines.first().map(|s| s.per_ics.iter().map(|(c, _)| c.clone()).collect()).unwrap_or_default();
    view! {
        <section aria-labelledby="metrics-heading">
            <h2 id="metrics-heading">"Metrics, recent periods"</h2>
            <table class="data">
                <thead><tr><th scope="col">"Metric"</th>{codes.iter().map(|c| view! { <th scope="col">{c.to_string()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {sparklines.into_iter().map(|s| {
                        let first = s.periods.first().map(ToString::to_string).unwrap_or_default();
                        let last = s.periods.last().map(ToString::to_string).unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row"><a href=format!("/metrics/{}", s.metric_id)>{s.name.clone()}</a></th>
                                {s.per_ics.into_iter().map(|(ics, values)| {
                                    let shown: Vec<String> = s.periods.iter().zip(&values)
                                        .filter_map(|(p, v)| v.map(|v| format!("{p} {}", format_value(v)))).collect();
                                    let label = if shown.is_empty() {
                                        format!("{ics}: no readings {first} to {last}")
                                    } else {
                                        format!("{ics}: {}", shown.join(", "))
                                    };
                                    view! { <td><Sparkline label values /></td> }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
