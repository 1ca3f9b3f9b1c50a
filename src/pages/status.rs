//! `/status`: the London matrix (ICS × commitment) for a period.

use super::{query_params, PeriodQuery};
use crate::api::status::get_status;
use crate::components::loaded::Loaded;
use crate::components::rag_badge::{MismatchFlag, RagBadge};
use crate::domain::concordat::{Commitment, Concordat};
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::domain::status::{CommitmentCell, LondonStatus};
use crate::model::status::StatusPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StatusMatrixPage() -> impl IntoView {
    let query = query_params::<PeriodQuery>();
    let period = move || query().period.unwrap_or_default();
    let data = Resource::new(period, get_status);
    view! {
        <Title text="London status" />
        <h1>"London status"</h1>
        <Loaded resource=data show=move |page| view! { <Matrix page /> }.into_any() />
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

// The matrix is built from small components, each erased to `AnyView`: as one
// nested view its type was so deep that the release hydrate build failed with
// "queries overflow the depth limit" (debug builds erase component types, which
// hid it).

#[component]
fn Matrix(page: StatusPage) -> impl IntoView {
    let StatusPage { status, periods, concordat } = page;
    let period = status.period.to_string();
    view! {
        <PeriodPicker periods=periods.iter().map(ToString::to_string).collect() selected=period />
        <p class="lede">
            {format!("{} ({}), judged as at {}. London overall: ", status.period, status.period.label(), status.as_at)}
            <RagBadge rag=status.rollup.rag />
            {format!(" — {}.", status.rollup.summary())}
        </p>
        <div class="matrix-wrap">
            <MatrixTable status concordat />
        </div>
        <p class="hint">"✎ marks a status set by the board (an override); the computed status and the reason are on the cell's page."</p>
    }
    .into_any()
}

#[component]
fn PeriodPicker(periods: Vec<String>, selected: String) -> impl IntoView {
    view! {
        <form method="get" action="/status" class="filters">
            <div class="field">
                <label for="period">"Reporting period"</label>
                <select id="period" name="period">
                    {periods.into_iter().map(|p| {
                        let is_selected = p == selected;
                        let value = p.clone();
                        view! { <option value=value selected=is_selected>{p}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Show"</button>
        </form>
    }
    .into_any()
}

#[component]
fn MatrixTable(status: LondonStatus, concordat: Concordat) -> impl IntoView {
    let codes: Vec<IcsCode> = status.icss.iter().map(|i| i.ics.clone()).collect();
    let columns = codes.len() + 1;
    let period = status.period;
    view! {
        <table class="matrix">
            <caption>{format!("Status of each commitment in each ICS, {period}. Each cell links to its reasons.")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Commitment"</th>
                    {codes.iter().map(|c| view! { <th scope="col"><a href=format!("/ics/{c}")>{c.to_string()}</a></th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {concordat.principles.into_iter().map(|principle| {
                    let heading = format!("Principle {}: {}", principle.number, short(&principle.title));
                    let rows = principle.commitments.into_iter().map(|commitment| {
                        let cells = status.icss.iter().map(|ics| (ics.ics.clone(), ics.cell(&commitment.id).cloned())).collect();
                        view! { <CommitmentRow commitment cells period /> }
                    }).collect_view();
                    view! {
                        <tr class="principle-row"><th colspan=columns scope="colgroup">{heading}</th></tr>
                        {rows}
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
    }
    .into_any()
}

/// One commitment's row: its id and text, then its cell in each ICS.
#[component]
fn CommitmentRow(
    commitment: Commitment,
    cells: Vec<(IcsCode, Option<CommitmentCell>)>,
    period: ReportingPeriod,
) -> impl IntoView {
    let commitment_id = commitment.id.clone();
    view! {
        <tr>
            <th scope="row">
                <a href=format!("/commitments/{}", commitment.id)>{commitment.id.clone()}</a>
                " "<span class="row-text">{short(&commitment.text)}</span>
            </th>
            {cells.into_iter().map(|(ics, cell)| {
                cell.map(|cell| view! { <MatrixCell ics=ics.clone() commitment_id=commitment_id.clone() cell period /> })
            }).collect_view()}
        </tr>
    }
    .into_any()
}

/// One ICS × commitment cell: its status as a label and shape, linking to its reasons.
#[component]
fn MatrixCell(ics: IcsCode, commitment_id: String, cell: CommitmentCell, period: ReportingPeriod) -> impl IntoView {
    let href = format!("/status/{ics}/{commitment_id}?period={period}");
    let overridden = cell.overridden.is_some();
    let label = format!("{ics} {commitment_id}: {}{}", cell.rag.label(), if overridden { " (overridden)" } else { "" });
    view! {
        <td data-ics=ics.to_string() data-commitment=commitment_id>
            <a href=href aria-label=label>
                <RagBadge rag=cell.rag />
                {overridden.then(|| view! { <span class="override-mark" aria-hidden="true">" ✎"</span> })}
            </a>
            {cell.computed.mismatch.then(|| view! { <MismatchFlag /> })}
        </td>
    }
    .into_any()
}
