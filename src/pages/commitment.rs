//! `/commitments/{id}`: one commitment, its evidence by ICS (each ICS's newest,
//! or one ICS a page at a time, optionally one period), and the form to add more.

use super::{query_params, route_params, IdParams};
use crate::api::evidence::get_commitment_evidence;
use crate::components::evidence_form::EvidenceForm;
use crate::components::evidence_list::EvidenceCard;
use crate::components::form::QueryError;
use crate::components::ics_status::CommitmentStatusRow;
use crate::components::loaded::Loaded;
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::model::evidence::{CommitmentEvidence, EvidenceEntry, EvidenceSlice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

/// `?period=…&ics=…&page=…`: which evidence to show (see `EvidenceSlice`).
#[derive(Params, Clone, Debug, Default, PartialEq)]
struct EvidenceQuery {
    period: Option<String>,
    ics: Option<String>,
    page: Option<String>,
}

#[component]
pub fn CommitmentPage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let query = query_params::<EvidenceQuery>();
    let data = Resource::new(
        move || (params().id.unwrap_or_default(), query()),
        |(id, q)| {
            get_commitment_evidence(
                id,
                q.period.unwrap_or_default(),
                q.ics.unwrap_or_default(),
                q.page.unwrap_or_default(),
            )
        },
    );
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
        shown,
        ics_codes,
        current_period,
        periods,
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
    let shown_icss: Vec<IcsCode> = match &shown.ics {
        Some(ics) => vec![ics.clone()],
        None => ics_codes.clone(),
    };
    let by_ics: Vec<(IcsCode, Vec<EvidenceEntry>)> = shown_icss
        .into_iter()
        .map(|code| {
            let in_ics = entries.iter().filter(|e| e.ics_code == code).cloned().collect();
            (code, in_ics)
        })
        .collect();
    let base = format!("/commitments/{}", commitment.id);
    let filters = view! {
        <EvidenceFilters action=base.clone() periods ics_codes=ics_codes.clone() shown=shown.clone() />
    };
    let pager = shown.ics.is_some().then(|| view! { <Pager base=base.clone() shown=shown.clone() /> });
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
            {filters}
            {by_ics.into_iter().map(|(code, entries)| {
                let total = shown.count(&code);
                let heading = match shown.period {
                    Some(period) => format!("{code} ({total} entries in {period})"),
                    None => format!("{code} ({total} entries)"),
                };
                let label = heading.clone();
                // The overview shows each ICS's newest few; the rest are a link away.
                let more = (shown.ics.is_none() && total > entries.len() as i64).then(|| {
                    let href = format!("{base}{}", shown.query(Some(&code), 1));
                    view! { <p><a href=href>{format!("All {total} {code} entries, newest first")}</a></p> }
                });
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
                        {more}
                    </section>
                }
            }).collect_view()}
            {pager}
        </section>
        {form}
    }
}

/// Choose a period and an ICS; a plain GET form, so it works without JavaScript.
#[component]
fn EvidenceFilters(
    action: String,
    periods: Vec<ReportingPeriod>,
    ics_codes: Vec<IcsCode>,
    shown: EvidenceSlice,
) -> impl IntoView {
    view! {
        <form method="get" action=action class="filters">
            <div class="field">
                <label for="evidence-period">"Period"</label>
                <select id="evidence-period" name="period">
                    <option value="" selected=shown.period.is_none()>"Every period"</option>
                    {periods.into_iter().map(|p| {
                        let selected = shown.period == Some(p);
                        view! { <option value=p.to_string() selected=selected>{p.to_string()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="evidence-ics">"ICS"</label>
                <select id="evidence-ics" name="ics">
                    <option value="" selected=shown.ics.is_none()>"Every ICS (newest few of each)"</option>
                    {ics_codes.into_iter().map(|code| {
                        let selected = shown.ics.as_ref() == Some(&code);
                        view! { <option value=code.to_string() selected=selected>{code.to_string()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Show evidence"</button>
        </form>
    }
    .into_any()
}

/// Previous and next pages of one ICS's evidence, and the way back to every ICS.
#[component]
fn Pager(base: String, shown: EvidenceSlice) -> impl IntoView {
    let ics = shown.ics.clone();
    let link = |page: u32| format!("{base}{}", shown.query(ics.as_ref(), page));
    let previous = (shown.page > 1).then(|| link(shown.page - 1));
    let next = (shown.page < shown.page_count).then(|| link(shown.page + 1));
    let all = format!("{base}{}", shown.query(None, 1));
    view! {
        <nav class="pager" aria-label="Pages of evidence">
            <p>{format!("Page {} of {}", shown.page, shown.page_count)}</p>
            <ul>
                {previous.map(|href| view! { <li><a href=href rel="prev">"Previous page"</a></li> })}
                {next.map(|href| view! { <li><a href=href rel="next">"Next page"</a></li> })}
                <li><a href=all>"Every ICS"</a></li>
            </ul>
        </nav>
    }
    .into_any()
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
