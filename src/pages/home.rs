//! `/`: the concordat itself.

use crate::api::concordat::get_concordat;
use crate::components::loaded::Loaded;
use crate::components::principle_section::PrincipleSection;
use crate::domain::concordat::Concordat;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let concordat = Resource::new(|| (), |_| get_concordat());
    view! {
        <Title text="The concordat" />
        <Loaded resource=concordat loading="Loading the concordat…" show=move |concordat| view! { <ConcordatView concordat /> }.into_any() />
    }
}

#[component]
fn ConcordatView(concordat: Concordat) -> impl IntoView {
    let Concordat { title, status, owner, review, vision, emphases, aims, principles } = concordat;
    view! {
        <h1>{title}</h1>
        <p class="lede">{format!("Owned by the {owner}. Status: {status}.")}</p>
        <section aria-labelledby="vision-heading">
            <h2 id="vision-heading">"Vision"</h2>
            <ul>{vision.into_iter().map(|v| view! { <li>{v}</li> }).collect_view()}</ul>
            <h3>"Services and support are to be"</h3>
            <ul class="emphases">{emphases.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
            <h3>"Aims"</h3>
            <ul>{aims.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
            <p>{review}</p>
        </section>
        <section aria-labelledby="principles-heading">
            <h2 id="principles-heading">"Principles and commitments"</h2>
            {principles.into_iter().map(|principle| view! { <PrincipleSection principle /> }).collect_view()}
        </section>
    }
}
