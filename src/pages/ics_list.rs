//! `/ics`: London's five Integrated Care Systems.

use crate::api::concordat::list_ics;
use crate::components::loaded::Loaded;
use crate::domain::london::Ics;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn IcsListPage() -> impl IntoView {
    let icss = Resource::new(|| (), |_| list_ics());
    view! {
        <Title text="London ICSs" />
        <h1>"London's Integrated Care Systems"</h1>
        <Loaded resource=icss show=move |icss| view! {
                        <ul class="card-list">
                            {icss.into_iter().map(|ics| view! { <IcsCard ics /> }).collect_view()}
                        </ul>
                    }.into_any() />
    }
}

#[component]
fn IcsCard(ics: Ics) -> impl IntoView {
    let href = format!("/ics/{}", ics.code);
    let boroughs = format!("{} boroughs: {}", ics.boroughs.len(), ics.boroughs.join(", "));
    view! {
        <li class="card">
            <h2><a href=href>{format!("{} ({})", ics.name, ics.code)}</a></h2>
            <p>{boroughs}</p>
        </li>
    }
}
