//! A set-password link, shown once to the admin who made it, to pass on.

use crate::model::account::{PasswordLink, PASSWORD_LINK_HOURS};
use leptos::prelude::*;

#[component]
pub fn PasswordLinkNotice(link: PasswordLink) -> impl IntoView {
    let path = link.path();
    let href = path.clone();
    view! {
        <div class="success" role="status">
            <p>{format!(
                "Send this link to {} so they can set their password. It works once, for {PASSWORD_LINK_HOURS} hours, and will not be shown again:",
                link.email
            )}</p>
            <p><a class="secret" href=href>{path}</a></p>
            <p>"Copy the link's address (not the page's) and send it by a channel you trust."</p>
        </div>
    }
}
