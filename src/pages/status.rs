//! `/status`: the London matrix (ICS × commitment) for a period.

use crate::api::status::{get_status, StatusPage};
use crate::components::error_panel::ErrorPanel;
use crate::components::rag_badge::{MismatchFlag, RagBadge};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StatusMatrixPage() -> impl IntoView {
    let query = use_query_map();
    let period = move || query.read().get("period").unwrap_or_default();
    let data = Resource::new(period, get_status);
    view! {
        <Title text="London status" />
        <h1>"London status"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Matrix page /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// First sentence (or 90 characters) of a commitment, for a row heading.
fn short(text: &str) -> String {
    let first = text.split(['.', ':']).next().unwrap_or(text);
    if first.chars().count() > 90 {
        format!("{}…", first.chars().take(89).collect::<String>())
    } else {
        first.to_string()
    }
}

#[component]
fn Matrix(page: StatusPage) -> impl IntoView {
    let StatusPage { status, periods, concordat } = page;
    let period = status.period.to_string();
    let codes: Vec<String> = status.icss.iter().map(|i| i.ics.clone()).collect();
    view! {
        <form method="get" action="/status" class="filters">
            <div class="field">
                <label for="period">"Reporting period"</label>
                <select id="period" name="period">
                    {periods.into_iter().map(|p| {
                        let selected = p == period;
                        let value = p.clone();
                        view! { <option value=value selected=selected>{p}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Show"</button>
        </form>
        <p class="lede">
            {format!("{} ({}), judged as at {}. London overall: ", status.period, status.period.label(), status.as_at)}
            <RagBadge rag=status.rollup.rag />
            {format!(" — {}.", status.rollup.summary())}
        </p>
        <div class="matrix-wrap">
            <table class="matrix">
                <caption>{format!("Status of each commitment in each ICS, {}. Each cell links to its reasons.", status.period)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Commitment"</th>
                        {codes.iter().map(|c| view! { <th scope="col"><a href=format!("/ics/{c}")>{c.clone()}</a></th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {concordat.principles.iter().map(|principle| {
                        let heading = format!("Principle {}: {}", principle.number, short(&principle.title));
                        view! {
                            <tr class="principle-row"><th colspan=codes.len() + 1 scope="colgroup">{heading}</th></tr>
                            {principle.commitments.iter().map(|commitment| {
                                view! {
                                    <tr>
                                        <th scope="row">
                                            <a href=format!("/commitments/{}", commitment.id)>{commitment.id.clone()}</a>
                                            " "<span class="row-text">{short(&commitment.text)}</span>
                                        </th>
                                        {status.icss.iter().map(|ics| {
                                            let cell = ics.cell(&commitment.id).cloned();
                                            let href = format!("/status/{}/{}?period={}", ics.ics, commitment.id, status.period);
                                            cell.map(|cell| {
                                                let label = format!("{} {}: {}{}", ics.ics, commitment.id, cell.rag.label(),
                                                    if cell.overridden.is_some() { " (overridden)" } else { "" });
                                                view! {
                                                    <td data-ics=ics.ics.clone() data-commitment=commitment.id.clone()>
                                                        <a href=href aria-label=label>
                                                            <RagBadge rag=cell.rag />
                                                            {cell.overridden.is_some().then(|| view! { <span class="override-mark" aria-hidden="true">" ✎"</span> })}
                                                        </a>
                                                        {cell.computed.mismatch.then(|| view! { <MismatchFlag /> })}
                                                    </td>
                                                }
                                            })
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"ICS overall"</th>
                        {status.icss.iter().map(|ics| view! {
                            <td><RagBadge rag=ics.rollup.rag /><br /><span class="summary">{ics.rollup.summary()}</span></td>
                        }).collect_view()}
                    </tr>
                </tfoot>
            </table>
        </div>
        <p class="hint">"✎ marks a status set by the board (an override); the computed status and the reason are on the cell's page."</p>
    }
}
