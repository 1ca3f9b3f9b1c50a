//! `/sign-in`

use crate::api::auth::SignIn;
use crate::components::form::{island_action, last_error, ErrorSummary, FieldError, QueryError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map().read_untracked();
    let next = query.get("next").unwrap_or_else(|| "/me".into());
    let password_set = query.get("password-set").is_some();
    view! {
        <Title text="Sign in" />
        <h1>"Sign in"</h1>
        {password_set.then(|| view! { <p class="success" role="status">"Your password is set. Sign in with it now."</p> })}
        <QueryError />
        <SignInForm next />
    }
}

/// Without JavaScript a refused sign-in comes back as `?error=`; with it, the
/// form answers in place and keeps the email address typed.
#[island]
pub fn SignInForm(next: String) -> impl IntoView {
    let action = island_action::<SignIn>();
    let error = last_error(action.value());
    view! {
        <ErrorSummary error />
        <ActionForm action>
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="email">"Email address"</label>
                <input id="email" name="email" type="email" autocomplete="username" required />
                <FieldError error field="email" />
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <FieldError error field="password" />
            </div>
            <button type="submit">"Sign in"</button>
        </ActionForm>
    }
}
