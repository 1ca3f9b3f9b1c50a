//! `/board-pack?period=…` (live), `/board-packs` (frozen packs) and
//! `/board-packs/{id}` (one, exactly as frozen). Prints as a board paper.

use super::{query_params, route_params, IdParams, PeriodQuery};
use crate::api::board_pack::{get_board_pack, get_frozen_board_pack, list_board_packs, FreezeBoardPack};
use crate::components::board_pack::BoardPackSections;
use crate::components::form::{last_error, ErrorSummary, FieldError, QueryError};
use crate::components::loaded::Loaded;
use crate::components::session::CsrfField;
use crate::model::board_pack::BoardPackPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BoardPackPage() -> impl IntoView {
    let query = query_params::<PeriodQuery>();
    let page = Resource::new(move || query().period.unwrap_or_default(), get_board_pack);
    view! {
        <QueryError />
        <Loaded resource=page show=move |page| view! { <Pack page /> }.into_any() />
    }
}

#[component]
pub fn FrozenBoardPackPage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let page = Resource::new(move || params().id.unwrap_or_default(), get_frozen_board_pack);
    view! { <Loaded resource=page show=move |page| view! { <Pack page /> }.into_any() /> }
}

#[component]
fn Pack(page: BoardPackPage) -> impl IntoView {
    let BoardPackPage { pack, matrix, spc, snapshot, freeze_csrf } = page;
    let title = format!("Board pack: {}", pack.period_label);
    let period = pack.period.to_string();
    let provenance = match &snapshot {
        Some(s) => format!(
            "As presented to the meeting of {}: frozen on {} by {}. Later changes do not alter it.",
            s.meeting_date,
            s.saved_at.get(..10).unwrap_or(&s.saved_at),
            s.saved_by
        ),
        None => format!(
            "Drawn up from the live data at {}; judged as at {}.",
            pack.generated_at.get(..16).unwrap_or(&pack.generated_at).replace('T', " "),
            pack.status.as_at
        ),
    };
    view! {
        <Title text=title.clone() />
        <article class="board-pack">
            <h1>{title}</h1>
            <p class="lede">{provenance}</p>
            {snapshot.is_none().then(|| view! {
                <form method="get" action="/board-pack" class="filters no-print">
                    <div class="field"><label for="pack-period">"Reporting period"</label>
                        <input id="pack-period" name="period" value=period.clone() /></div>
                    <button type="submit">"Show"</button>
                </form>
            })}
            {freeze_csrf.map(|csrf| view! { <FreezeForm csrf period=period.clone() /> })}
            <BoardPackSections pack matrix spc />
        </article>
    }
}

#[component]
fn FreezeForm(csrf: String, period: String) -> impl IntoView {
    let freeze = ServerAction::<FreezeBoardPack>::new();
    let error = last_error(freeze.value());
    view! {
        <section class="no-print" aria-labelledby="freeze-heading">
            <h2 id="freeze-heading">"Freeze for a meeting"</h2>
            <p>"A frozen pack keeps exactly what it shows now, whatever changes later. "<a href="/board-packs">"Frozen packs"</a></p>
            <ErrorSummary error />
            <ActionForm action=freeze>
                <CsrfField token=csrf />
                <input type="hidden" name="period" value=period />
                <div class="field"><label for="meeting_date">"Meeting date"</label>
                    <input id="meeting_date" name="meeting_date" type="date" required /><FieldError error field="meeting_date" /></div>
                <button type="submit">"Freeze this pack"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn BoardPacksPage() -> impl IntoView {
    let packs = Resource::new(|| (), |_| list_board_packs());
    view! {
        <Title text="Frozen board packs" />
        <h1>"Frozen board packs"</h1>
        <p><a href="/board-pack">"Today's board pack"</a></p>
        <Loaded resource=packs show=move |packs| {
            if packs.is_empty() {
                view! { <p>"No pack has been frozen yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <thead><tr><th scope="col">"Meeting"</th><th scope="col">"Period"</th><th scope="col">"Frozen by"</th></tr></thead>
                        <tbody>{packs.into_iter().map(|p| view! {
                            <tr><td><a href=format!("/board-packs/{}", p.id)>{p.meeting_date.clone()}</a></td><td>{p.period.clone()}</td><td>{p.saved_by.clone()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }
        } />
    }
}
