//! `/status`: the London matrix (ICS × commitment) for a period.

use super::{query_params, PeriodQuery};
use crate::api::status::get_status;
use crate::components::loaded::Loaded;
use crate::components::rag_badge::RagBadge;
use crate::components::spc_chart::SpcGridTable;
use crate::components::status_matrix::MatrixTable;
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

// The matrix table itself is `components::status_matrix`.

#[component]
fn Matrix(page: StatusPage) -> impl IntoView {
    let StatusPage { matrix, as_at, rollup, periods, spc } = page;
    let period = matrix.period;
    let period_text = period.to_string();
    view! {
        <PeriodPicker periods=periods.iter().map(ToString::to_string).collect() selected=period_text.clone() />
        <p class="lede">
            {format!("{period} ({}), judged as at {as_at}. London overall: ", period.label())}
            <RagBadge rag=rollup.rag />
            {format!(" — {}.", rollup.summary())}
        </p>
        <div class="matrix-wrap">
            <MatrixTable matrix />
        </div>
        <p class="hint">"✎ marks a status set by the board (an override); the computed status and the reason are on the cell's page. ✓ marks a cell whose returns the board has all accepted, ○ one with returns not yet accepted."</p>
        <section aria-labelledby="mdc-heading">
            <h2 id="mdc-heading">"Making Data Count"</h2>
            <p class="hint">"Beside RAG: whether each metric's latest point shows special-cause variation, and whether its process will reliably meet its target, from an XmR chart of its readings up to this period. Each metric's page has the charts."</p>
            <SpcGridTable grid=spc caption=format!("Variation and assurance by metric and ICS, to {period_text}") />
        </section>
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
