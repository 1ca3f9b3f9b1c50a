use crate::domain::london::Organisation;
use leptos::prelude::*;

#[component]
pub fn OrganisationList(organisations: Vec<Organisation>, empty: &'static str) -> impl IntoView {
    if organisations.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    view! {
        <ul class="organisations">
            {organisations
                .into_iter()
                .map(|org| {
                    let name = match &org.short_name {
                        Some(short) => format!("{} ({short})", org.name),
                        None => org.name.clone(),
                    };
                    view! {
                        <li>
                            <a class="org-name" href=format!("/organisations/{}", org.id)>{name}</a>
                            <span class="org-kind">{org.kind.label()}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
