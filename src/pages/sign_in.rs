//! `/sign-in`

use crate::components::form::{last_error, ErrorSummary, FieldError, QueryError};
use crate::components::session::use_session;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let error = last_error(session.sign_in.value());
    let query = use_query_map().read_untracked();
    let next = query.get("next").unwrap_or_else(|| "/me".into());
    let password_set = query.get("password-set").is_some();
    view! {
        <Title text="Sign in" />
        <h1>"Sign in"</h1>
        {password_set.then(|| view! { <p class="success" role="status">"Your password is set. Sign in with it now."</p> })}
        <QueryError />
        <ErrorSummary error />
        <ActionForm action=session.sign_in>
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
