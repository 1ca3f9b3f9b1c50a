//! Status widgets for the ICS and commitment pages (current period). They take
//! loaded data, not resources (see `pages` on one resource per page).

use crate::components::rag_badge::{MismatchFlag, RagBadge};
use crate::domain::london::IcsCode;
use crate::domain::rag::Rag;
use crate::domain::status::IcsStatus;
use leptos::prelude::*;

/// An ICS's commitments this period: status, the main reason, and what is missing.
#[component]
pub fn IcsStatusSection(
    status: IcsStatus,
    period: String,
    period_label: String,
    principle_numbers: Vec<(String, i64)>,
) -> impl IntoView {
    let missing: Vec<String> = status
        .principles
        .iter()
        .flat_map(|p| p.commitments.iter())
        .filter(|c| c.rag == Rag::NoData)
        .map(|c| c.commitment_id.clone())
        .collect();
    view! {
        <section aria-labelledby="status-heading">
            <h2 id="status-heading">{format!("Status, {period} ({period_label})")}</h2>
            <p>"Overall: " <RagBadge rag=status.rollup.rag /> {format!(" — {}. ", status.rollup.summary())}
                <a href=format!("/status?period={period}")>"See the London matrix"</a></p>
            {status.principles.iter().map(|p| {
                let number = principle_numbers.iter().find(|(id, _)| *id == p.principle_id).map(|(_, n)| *n).unwrap_or_default();
                view! {
                    <h3>{format!("Principle {number} ")} <RagBadge rag=p.rollup.rag /></h3>
                    <ul class="status-list">
                        {p.commitments.iter().map(|c| view! {
                            <li>
                                <a href=format!("/status/{}/{}?period={}", status.ics, c.commitment_id, period)>{c.commitment_id.clone()}</a>
                                " " <RagBadge rag=c.rag />
                                {c.computed.mismatch.then(|| view! { <MismatchFlag /> })}
                                " "<span class="reason">{c.computed.reasons.first().cloned().unwrap_or_else(|| "Nothing submitted this period.".into())}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }
            }).collect_view()}
            <h3>"Missing this period"</h3>
            {if missing.is_empty() {
                view! { <p>"Every commitment has evidence or readings this period."</p> }.into_any()
            } else {
                view! { <p>{format!("No evidence or readings yet for {}.", missing.join(", "))}</p> }.into_any()
            }}
        </section>
    }
}

/// One commitment in the five ICSs, side by side, this period.
#[component]
pub fn CommitmentStatusRow(commitment_id: String, period: String, cells: Vec<(IcsCode, Rag)>) -> impl IntoView {
    view! {
        <section aria-labelledby="ics-status-heading">
            <h2 id="ics-status-heading">{format!("Status by ICS, {period}")}</h2>
            <table class="data">
                <thead><tr>{cells.iter().map(|(ics, _)| view! { <th scope="col">{ics.to_string()}</th> }).collect_view()}</tr></thead>
                <tbody><tr>
                    {cells.iter().map(|(ics, rag)| {
                        let href = format!("/status/{ics}/{commitment_id}?period={period}");
                        let label = format!("{ics} {commitment_id}: {}", rag.label());
                        view! { <td><a href=href aria-label=label><RagBadge rag=*rag /></a></td> }
                    }).collect_view()}
                </tr></tbody>
            </table>
        </section>
    }
}
