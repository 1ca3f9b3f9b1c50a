//! `/metrics/{id}`: one metric's Making Data Count XmR chart in each ICS, with
//! the variation and assurance icons and the numbers; board reviewers rebase a
//! chart from a period on.

use super::{route_params, IdParams};
use crate::api::spc::{get_metric_charts, AddRebase, RemoveRebase};
use crate::components::form::{last_error, succeeded, ErrorSummary, FieldError, QueryError, SuccessNotice};
use crate::components::loaded::Loaded;
use crate::components::session::CsrfField;
use crate::components::spc_chart::XmrChart;
use crate::domain::frequency::Frequency;
use crate::domain::metric::format_value;
use crate::model::spc::{MetricCharts, RebaseView};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MetricTrendPage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let id = move || params().id.unwrap_or_default();
    let add = ServerAction::<AddRebase>::new();
    let remove = ServerAction::<RemoveRebase>::new();
    let data =
        Resource::new(move || (id(), add.version().get(), remove.version().get()), |(id, _, _)| get_metric_charts(id));
    view! {
        <QueryError />
        <Loaded resource=data show=move |charts| view! { <MetricChartsView charts add remove /> }.into_any() />
    }
}

#[component]
fn MetricChartsView(
    charts: MetricCharts,
    add: ServerAction<AddRebase>,
    remove: ServerAction<RemoveRebase>,
) -> impl IntoView {
    let MetricCharts { metric, charts, rebases, editor_csrf } = charts;
    let unit = if metric.kind == "percent" {
        "%".to_string()
    } else {
        metric.unit.clone().map(|u| format!(" {u}")).unwrap_or_default()
    };
    let frequency = match metric.frequency {
        Frequency::Monthly => format!("Reported monthly; a quarter's figure for RAG is {}.", metric.rollup.label()),
        Frequency::Quarterly => "Reported quarterly.".to_string(),
    };
    let ics_codes: Vec<String> = charts.iter().map(|c| c.ics.to_string()).collect();
    view! {
        <Title text=metric.name.clone() />
        <p class="breadcrumb"><a href="/metrics">"Metric catalogue"</a></p>
        <h1>{metric.name.clone()}</h1>
        <p class="lede">
            {format!("Feeds commitment {}. {frequency} ", metric.commitment_id)}
            {match (metric.target, metric.amber) {
                (Some(t), Some(a)) => format!("Target {}{unit}; amber edge {}{unit}; {} is better.", format_value(t), format_value(a), metric.direction.clone().unwrap_or_default()),
                _ => "No target yet: charted, but not rated.".to_string(),
            }}
        </p>
        <p class="hint">
            "Making Data Count XmR charts (the NHS-R NHSRplotthedots rules): process limits are the mean ± 2.66 × the mean moving range; "
            "special causes are points outside the limits, runs of 7 rising or falling points, 7 points on one side of the mean, and 2 of 3 points near a limit. "
            "The variation icon reads the latest point; the assurance icon compares the target with the current limits."
        </p>
        <div class="charts">
            {charts.into_iter().map(|chart| {
                let ics = chart.ics.to_string();
                view! { <XmrChart id=format!("xmr-{ics}") title=format!("{ics}: {}", metric.name) spc=chart.spc unit=unit.clone() /> }
            }).collect_view()}
        </div>
        <RebaseList rebases=rebases csrf=editor_csrf.clone() metric_id=metric.id.clone() remove />
        {editor_csrf.map(|csrf| view! { <RebaseForm csrf metric_id=metric.id.clone() frequency=metric.frequency ics_codes add /> })}
    }
}

#[component]
fn RebaseList(
    rebases: Vec<RebaseView>,
    csrf: Option<String>,
    metric_id: String,
    remove: ServerAction<RemoveRebase>,
) -> impl IntoView {
    let error = last_error(remove.value());
    view! {
        <section aria-labelledby="rebases-heading">
            <h2 id="rebases-heading">"Rebased charts"</h2>
            <ErrorSummary error />
            {if rebases.is_empty() {
                view! { <p>"No chart has been rebased: each uses all its points for its limits."</p> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <thead><tr>
                            <th scope="col">"ICS"</th><th scope="col">"New limits from"</th><th scope="col">"Reason"</th><th scope="col">"Recorded"</th>
                            {csrf.is_some().then(|| view! { <th scope="col">"Remove"</th> })}
                        </tr></thead>
                        <tbody>
                            {rebases.into_iter().map(|r| {
                                let (metric_id, ics, period) = (metric_id.clone(), r.ics.clone(), r.period.clone());
                                let form = csrf.clone().map(|token| view! {
                                    <td>
                                        <ActionForm action=remove>
                                            <CsrfField token />
                                            <input type="hidden" name="metric_id" value=metric_id />
                                            <input type="hidden" name="ics" value=ics.clone() />
                                            <input type="hidden" name="period" value=period.clone() />
                                            <button type="submit" class="secondary">{format!("Remove the {ics} rebase at {period}")}</button>
                                        </ActionForm>
                                    </td>
                                });
                                view! {
                                    <tr>
                                        <td>{r.ics.clone()}</td>
                                        <td>{r.period.clone()}</td>
                                        <td>{r.reason.clone()}</td>
                                        <td>{r.created_at.chars().take(10).collect::<String>()}</td>
                                        {form}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn RebaseForm(
    csrf: String,
    metric_id: String,
    frequency: Frequency,
    ics_codes: Vec<String>,
    add: ServerAction<AddRebase>,
) -> impl IntoView {
    let error = last_error(add.value());
    let example = frequency.example();
    view! {
        <section aria-labelledby="rebase-heading">
            <h2 id="rebase-heading">"Rebase a chart"</h2>
            <p class="hint">"After a change to the service, recalculate an ICS's limits from the first period it affects. The points before keep their own limits."</p>
            <ErrorSummary error />
            <SuccessNotice show=succeeded(add)>"Rebased."</SuccessNotice>
            <ActionForm action=add>
                <CsrfField token=csrf />
                <input type="hidden" name="metric_id" value=metric_id />
                <div class="field">
                    <label for="rebase-ics">"ICS"</label>
                    <select id="rebase-ics" name="ics">
                        {ics_codes.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                    <FieldError error field="ics" />
                </div>
                <div class="field">
                    <label for="rebase-period">{format!("New limits from ({example})")}</label>
                    <input id="rebase-period" name="period" required />
                    <FieldError error field="period" />
                </div>
                <div class="field">
                    <label for="rebase-reason">"Reason"</label>
                    <textarea id="rebase-reason" name="reason" required rows="3"></textarea>
                    <FieldError error field="reason" />
                </div>
                <button type="submit">"Rebase"</button>
            </ActionForm>
        </section>
    }
}
