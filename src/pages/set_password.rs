//! `/set-password?token=…`: the owner of a new account (or one whose admin
//! issued a new link) sets their password. No session needed: the link's
//! one-time secret is the proof.

use super::query_params;
use crate::api::account::{password_link_email, SetPassword};
use crate::components::form::{last_error, ErrorSummary, NewPasswordFields, QueryError};
use crate::components::loaded::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

#[derive(Params, Clone, Debug, Default, PartialEq)]
struct TokenQuery {
    token: Option<String>,
}

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let query = query_params::<TokenQuery>();
    let email = Resource::new(move || query().token.unwrap_or_default(), password_link_email);
    view! {
        <Title text="Set your password" />
        <h1>"Set your password"</h1>
        <QueryError />
        <Loaded resource=email show=move |email| {
            view! { <SetPasswordForm email token=query().token.unwrap_or_default() /> }.into_any()
        } />
    }
}

#[component]
fn SetPasswordForm(email: String, token: String) -> impl IntoView {
    let action = ServerAction::<SetPassword>::new();
    let error = last_error(action.value());
    view! {
        <p>{format!("Choose a password for {email}. A few unrelated words make a good one.")}</p>
        <ErrorSummary error />
        <ActionForm action>
            <input type="hidden" name="token" value=token />
            // Lets password managers save the new password against the account.
            <input type="hidden" name="username" autocomplete="username" value=email />
            <NewPasswordFields error field="password" />
            <button type="submit">"Set password"</button>
        </ActionForm>
    }
}
