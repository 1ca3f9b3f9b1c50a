//! The London matrix: every commitment (rows, by principle) in every ICS
//! (columns), each cell a RAG label and shape linking to its reasons. The
//! status page and the board pack show it.
//!
//! It is built from small components, each erased to `AnyView`: as one nested
//! view its type was so deep that the release hydrate build failed with
//! "queries overflow the depth limit" (debug builds erase component types,
//! which hid it).

use crate::components::rag_badge::{MismatchFlag, RagBadge};
use crate::domain::concordat::{Commitment, Concordat};
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::domain::status::{CommitmentCell, LondonStatus};
use crate::model::status::CellReview;
use leptos::prelude::*;

/// First sentence (or 90 characters) of a commitment, for a row heading.
pub fn short(text: &str) -> String {
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

/// The matrix; `reviews` marks the cells whose returns have (or have not yet)
/// been accepted (the board pack passes none).
#[component]
pub fn MatrixTable(status: LondonStatus, concordat: Concordat, reviews: Vec<CellReview>) -> impl IntoView {
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
                        let cells = status
                            .icss
                            .iter()
                            .map(|ics| {
                                let review = reviews
                                    .iter()
                                    .find(|r| r.ics == ics.ics.as_str() && r.commitment_id == commitment.id)
                                    .cloned();
                                (ics.ics.clone(), ics.cell(&commitment.id).cloned(), review)
                            })
                            .collect();
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
    cells: Vec<(IcsCode, Option<CommitmentCell>, Option<CellReview>)>,
    period: ReportingPeriod,
) -> impl IntoView {
    let commitment_id = commitment.id.clone();
    view! {
        <tr>
            <th scope="row">
                <a href=format!("/commitments/{}", commitment.id)>{commitment.id.clone()}</a>
                " "<span class="row-text">{short(&commitment.text)}</span>
            </th>
            {cells.into_iter().map(|(ics, cell, review)| {
                cell.map(|cell| view! { <MatrixCell ics=ics.clone() commitment_id=commitment_id.clone() cell period review /> })
            }).collect_view()}
        </tr>
    }
    .into_any()
}

/// One ICS × commitment cell: its status as a label and shape, linking to its reasons.
#[component]
fn MatrixCell(
    ics: IcsCode,
    commitment_id: String,
    cell: CommitmentCell,
    period: ReportingPeriod,
    review: Option<CellReview>,
) -> impl IntoView {
    let href = format!("/status/{ics}/{commitment_id}?period={period}");
    let overridden = cell.overridden.is_some();
    let reviewed = review.as_ref().map(|r| format!(", {}", r.label())).unwrap_or_default();
    let label = format!(
        "{ics} {commitment_id}: {}{}{reviewed}",
        cell.rag.label(),
        if overridden { " (overridden)" } else { "" }
    );
    // A shape as well as the words in the label: ✓ all accepted, ○ not yet.
    let mark = review.map(|r| if r.accepted == r.total { " ✓" } else { " ○" });
    view! {
        <td data-ics=ics.to_string() data-commitment=commitment_id>
            <a href=href aria-label=label>
                <RagBadge rag=cell.rag />
                {overridden.then(|| view! { <span class="override-mark" aria-hidden="true">" ✎"</span> })}
                {mark.map(|mark| view! { <span class="review-mark" aria-hidden="true">{mark}</span> })}
            </a>
            {cell.computed.mismatch.then(|| view! { <MismatchFlag /> })}
        </td>
    }
    .into_any()
}
