//! `/ics/{code}`: one ICS, its boroughs and its partners.

use crate::api::concordat::get_ics;
use crate::components::error_panel::ErrorPanel;
use crate::components::organisation_list::OrganisationList;
use crate::domain::london::IcsDetail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn IcsPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let detail = Resource::new(code, get_ics);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <IcsDetailView detail /> }.into_any(),
                    Err(error) => view! { <Title text="ICS not found" /><ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn IcsDetailView(detail: IcsDetail) -> impl IntoView {
    let IcsDetail { ics, partners } = detail;
    let (own, london_wide): (Vec<_>, Vec<_>) = partners.into_iter().partition(|p| !p.is_london_wide());
    let title = format!("{} ICS", ics.name);
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="lede">{format!("Code {}", ics.code)}</p>
        <section aria-labelledby="boroughs-heading">
            <h2 id="boroughs-heading">{format!("Boroughs ({})", ics.boroughs.len())}</h2>
            <ul class="boroughs">{ics.boroughs.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}</ul>
        </section>
        <section aria-labelledby="partners-heading">
            <h2 id="partners-heading">"Partners"</h2>
            <OrganisationList organisations=own empty="No partner organisations are recorded for this ICS yet." />
            <h3>"London-wide partners"</h3>
            <OrganisationList organisations=london_wide empty="None." />
        </section>
    }
}
