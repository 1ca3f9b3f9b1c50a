//! The London matrix: every commitment (rows, by principle) in every ICS
//! (columns), each cell a RAG label and shape linking to its reasons. The
//! status page and the board pack show it.
//!
//! It is built from small components, each erased to `AnyView`: as one nested
//! view its type was so deep that the release hydrate build failed with
//! "queries overflow the depth limit" (debug builds erase component types,
//! which hid it).

use crate::components::rag_badge::{MismatchFlag, RagBadge};
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::model::status::{Matrix, MatrixCell as Cell, MatrixRow};
use leptos::prelude::*;

/// The matrix, as `model::status::Matrix` describes it.
#[component]
pub fn MatrixTable(matrix: Matrix) -> impl IntoView {
    let Matrix { period, icss, principles } = matrix;
    let codes: Vec<IcsCode> = icss.iter().map(|i| i.ics.clone()).collect();
    let columns = codes.len() + 1;
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
                {principles.into_iter().map(|principle| {
                    let rows = principle.rows.into_iter().map(|row| {
                        view! { <CommitmentRow row codes=codes.clone() period /> }
                    }).collect_view();
                    view! {
                        <tr class="principle-row"><th colspan=columns scope="colgroup">{principle.heading}</th></tr>
                        {rows}
                    }
                }).collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row">"ICS overall"</th>
                    {icss.into_iter().map(|ics| view! {
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
fn CommitmentRow(row: MatrixRow, codes: Vec<IcsCode>, period: ReportingPeriod) -> impl IntoView {
    let MatrixRow { commitment_id, short_text, cells } = row;
    view! {
        <tr>
            <th scope="row">
                <a href=format!("/commitments/{commitment_id}")>{commitment_id.clone()}</a>
                " "<span class="row-text">{short_text}</span>
            </th>
            {codes.into_iter().zip(cells).map(|(ics, cell)| {
                cell.map(|cell| view! { <MatrixCell ics commitment_id=commitment_id.clone() cell period /> })
            }).collect_view()}
        </tr>
    }
    .into_any()
}

/// One ICS × commitment cell: its status as a label and shape, linking to its reasons.
#[component]
fn MatrixCell(ics: IcsCode, commitment_id: String, cell: Cell, period: ReportingPeriod) -> impl IntoView {
    let href = format!("/status/{ics}/{commitment_id}?period={period}");
    let reviewed = cell.review_label().map(|label| format!(", {label}")).unwrap_or_default();
    let label = format!(
        "{ics} {commitment_id}: {}{}{reviewed}",
        cell.rag.label(),
        if cell.overridden { " (overridden)" } else { "" }
    );
    // A shape as well as the words in the label: ✓ all accepted, ○ not yet.
    let mark = cell.review.map(|(accepted, total)| if accepted == total { " ✓" } else { " ○" });
    view! {
        <td data-ics=ics.to_string() data-commitment=commitment_id>
            <a href=href aria-label=label>
                <RagBadge rag=cell.rag />
                {cell.overridden.then(|| view! { <span class="override-mark" aria-hidden="true">" ✎"</span> })}
                {mark.map(|mark| view! { <span class="review-mark" aria-hidden="true">{mark}</span> })}
            </a>
            {cell.mismatch.then(|| view! { <MismatchFlag /> })}
        </td>
    }
    .into_any()
}
