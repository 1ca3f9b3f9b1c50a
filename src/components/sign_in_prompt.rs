//! What a page for signed-in users shows to anyone else, with a 401.

use leptos::prelude::*;

#[component]
pub fn SignInPrompt() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::UNAUTHORIZED);
    }
    view! {
        <div class="notice" role="status">
            <h1>"Please sign in"</h1>
            <p>"This page is for signed-in partners, ICS leads and board members. " <a href="/sign-in">"Sign in"</a> "."</p>
        </div>
    }
}
