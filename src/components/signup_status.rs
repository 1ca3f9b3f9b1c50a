//! Sign-up in one ICS: how many of the agencies it needs have signed, who has
//! signed, and who has not yet.

use crate::model::organisations::{IcsSignUpView, NamedOrganisation};
use leptos::prelude::*;

#[component]
pub fn IcsSignUpSection(
    signup: IcsSignUpView,
    /// The heading's level: 2 on an ICS page, 3 under the London summary's ICS headings.
    #[prop(default = false)]
    nested: bool,
) -> impl IntoView {
    let heading_id = format!("signup-{}", signup.ics);
    let heading_text =
        format!("Concordat sign-up: {} of {} required agencies", signup.required_signed, signup.required);
    let heading = if nested {
        view! { <h3 id=heading_id.clone()>{heading_text}</h3> }.into_any()
    } else {
        view! { <h2 id=heading_id.clone()>{heading_text}</h2> }.into_any()
    };
    view! {
        <section aria-labelledby=heading_id class="signup">
            {heading}
            <p class="signup-missing-heading"><strong>{format!("Required agencies that have not signed ({})", signup.missing.len())}</strong></p>
            <NamedList organisations=signup.missing empty="None: every required agency has signed." />
            <p><strong>{format!("Signatories ({})", signup.signatories.len())}</strong></p>
            <NamedList organisations=signup.signatories empty="No one has signed for this ICS yet." />
        </section>
    }
}

#[component]
fn NamedList(organisations: Vec<NamedOrganisation>, empty: &'static str) -> impl IntoView {
    if organisations.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    view! {
        <ul class="organisations">
            {organisations.into_iter().map(|org| view! {
                <li>
                    <a class="org-name" href=format!("/organisations/{}", org.id)>{org.name}</a>
                    <span class="org-kind">{org.kind_label}</span>
                    {org.signed_on.map(|on| view! { <span class="org-signed">{format!("signed {on}")}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
