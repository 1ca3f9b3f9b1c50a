//! The board pack's sections, in a board paper's order: summary, matrix,
//! exceptions, overrides, returns not received or accepted, decisions on
//! returns, sign-up gaps, the key metrics' trends and Making Data Count.
//! Shared by the live and the frozen pack.

use crate::components::rag_badge::{MismatchFlag, RagBadge};
use crate::components::spc_chart::SpcGridTable;
use crate::components::status_matrix::MatrixTable;
use crate::components::submission_state::SubmissionStateLabel;
use crate::components::trend_chart::TrendChart;
use crate::model::board_pack::{BoardPack, Decision, Exception, OverrideInForce};
use crate::model::organisations::IcsSignUpView;
use crate::model::readings::MetricTrend;
use crate::model::status::{short, Matrix, SpcGrid};
use crate::model::submissions::SubmissionView;
use leptos::prelude::*;

#[component]
pub fn BoardPackSections(pack: BoardPack, matrix: Matrix, spc: SpcGrid) -> impl IntoView {
    let BoardPack { status, exceptions, overrides, outstanding, decisions, signup, trends, .. } = pack;
    view! {
        <section class="pack-section" aria-labelledby="pack-summary">
            <h2 id="pack-summary">"1. Summary"</h2>
            <p>"London overall: " <RagBadge rag=status.rollup.rag /> {format!(" — {}.", status.rollup.summary())}</p>
            <table class="data">
                <thead><tr><th scope="col">"ICS"</th><th scope="col">"Status"</th><th scope="col">"Commitments"</th></tr></thead>
                <tbody>{status.icss.iter().map(|ics| view! {
                    <tr><th scope="row">{ics.ics.to_string()}</th><td><RagBadge rag=ics.rollup.rag /></td><td>{ics.rollup.summary()}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </section>
        <section class="pack-section" aria-labelledby="pack-matrix">
            <h2 id="pack-matrix">"2. The London matrix"</h2>
            <div class="matrix-wrap"><MatrixTable matrix /></div>
            <p class="hint">"✎ marks a status set by the board (an override). ✓ marks a cell whose returns the board had all accepted, ○ one with returns not yet accepted."</p>
        </section>
        <Exceptions exceptions />
        <Overrides overrides />
        <Outstanding outstanding />
        <Decisions decisions />
        <SignUpGaps signup />
        <Trends trends />
        <section class="pack-section" aria-labelledby="pack-mdc">
            <h2 id="pack-mdc">"9. Making Data Count"</h2>
            <SpcGridTable grid=spc caption="Variation and assurance by metric and ICS".to_string() />
        </section>
    }
}

#[component]
fn Exceptions(exceptions: Vec<Exception>) -> impl IntoView {
    view! {
        <section class="pack-section" aria-labelledby="pack-exceptions">
            <h2 id="pack-exceptions">{format!("3. Exceptions ({})", exceptions.len())}</h2>
            <p>"Every Red commitment, and every one green on paper but red in results, with its reasons."</p>
            {if exceptions.is_empty() { view! { <p>"None."</p> }.into_any() } else {
                exceptions.into_iter().map(|e| view! {
                    <article class="exception">
                        <h3>{format!("{} {}: ", e.ics, e.commitment_id)} <RagBadge rag=e.rag /> {e.mismatch.then(|| view! { " " <MismatchFlag /> })}</h3>
                        <p>{short(&e.commitment_text)}</p>
                        <ul>{e.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                    </article>
                }).collect_view().into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Overrides(overrides: Vec<OverrideInForce>) -> impl IntoView {
    view! {
        <section class="pack-section" aria-labelledby="pack-overrides">
            <h2 id="pack-overrides">{format!("4. Overrides in force ({})", overrides.len())}</h2>
            {if overrides.is_empty() { view! { <p>"None."</p> }.into_any() } else { view! {
                <table class="data">
                    <thead><tr><th scope="col">"Cell"</th><th scope="col">"Set to"</th><th scope="col">"Computed"</th><th scope="col">"Rationale"</th><th scope="col">"Until"</th></tr></thead>
                    <tbody>{overrides.into_iter().map(|o| view! {
                        <tr><td>{format!("{} {}", o.ics, o.commitment_id)}</td><td><RagBadge rag=o.rag /></td><td><RagBadge rag=o.computed /></td><td>{o.rationale}</td><td>{o.expires_after}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any() }}
        </section>
    }
    .into_any()
}

#[component]
fn Outstanding(outstanding: Vec<SubmissionView>) -> impl IntoView {
    view! {
        <section class="pack-section" aria-labelledby="pack-returns">
            <h2 id="pack-returns">{format!("5. Returns not received or not accepted ({})", outstanding.len())}</h2>
            {if outstanding.is_empty() { view! { <p>"Every return has been accepted."</p> }.into_any() } else { view! {
                <table class="data">
                    <thead><tr><th scope="col">"Organisation"</th><th scope="col">"ICS"</th><th scope="col">"State"</th></tr></thead>
                    <tbody>{outstanding.into_iter().map(|s| view! {
                        <tr><td>{s.organisation_name.clone()}</td><td>{s.ics.clone().unwrap_or_else(|| "London-wide".into())}</td><td><SubmissionStateLabel submission=s /></td></tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any() }}
        </section>
    }
    .into_any()
}

/// Who decided each return: nobody decides on their own organisation's.
#[component]
fn Decisions(decisions: Vec<Decision>) -> impl IntoView {
    view! {
        <section class="pack-section" aria-labelledby="pack-decisions">
            <h2 id="pack-decisions">{format!("6. Decisions on returns ({})", decisions.len())}</h2>
            {if decisions.is_empty() { view! { <p>"No return has been decided yet."</p> }.into_any() } else { view! {
                <table class="data">
                    <thead><tr><th scope="col">"Organisation"</th><th scope="col">"Decision"</th><th scope="col">"Decided by"</th><th scope="col">"When"</th></tr></thead>
                    <tbody>{decisions.into_iter().map(|d| view! {
                        <tr><td>{d.organisation_name}</td><td>{decision_label(&d.step)}</td><td>{d.decided_by}</td><td>{d.at.chars().take(10).collect::<String>()}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any() }}
        </section>
    }
}

fn decision_label(step: &str) -> &'static str {
    match step {
        "accept" => "Accepted",
        "query" => "Queried",
        _ => "Returned",
    }
}

#[component]
fn SignUpGaps(signup: Vec<IcsSignUpView>) -> impl IntoView {
    view! {
        <section class="pack-section" aria-labelledby="pack-signup">
            <h2 id="pack-signup">"7. Concordat sign-up gaps"</h2>
            <ul>{signup.into_iter().map(|ics| {
                let missing: Vec<String> = ics.missing.iter().map(|o| o.name.clone()).collect();
                view! {
                    <li>
                        <strong>{format!("{}: {} of {} required agencies signed. ", ics.ics_name, ics.required_signed, ics.required)}</strong>
                        {if missing.is_empty() { "None missing.".to_string() } else { format!("Not yet signed: {}.", missing.join("; ")) }}
                    </li>
                }
            }).collect_view()}</ul>
        </section>
    }
    .into_any()
}

#[component]
fn Trends(trends: Vec<MetricTrend>) -> impl IntoView {
    view! {
        <section class="pack-section" aria-labelledby="pack-trends">
            <h2 id="pack-trends">"8. Key metrics"</h2>
            {trends.into_iter().map(|trend| {
                let periods: Vec<String> = trend.periods.iter().map(ToString::to_string).collect();
                let metric = trend.metric;
                let unit = crate::domain::metric::unit_suffix(metric.unit.as_deref());
                view! {
                    <h3>{metric.name.clone()}</h3>
                    <div class="charts">
                        {trend.series.into_iter().map(|(ics, values)| view! {
                            <TrendChart id=format!("pack-{}-{ics}", metric.id) title=format!("{ics}: {}", metric.name) periods=periods.clone()
                                values target=metric.target amber=metric.amber unit=unit.clone() />
                        }).collect_view()}
                    </div>
                }
            }).collect_view()}
        </section>
    }
    .into_any()
}
