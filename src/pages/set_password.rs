//! `/set-password?token=…`: the owner of a new account (or one whose admin
//! issued a new link) sets their password. No session needed: the link's
//! one-time secret is the proof.

use super::query_params;
use crate::api::account::{password_link_email, SetPassword};
use crate::components::form::{last_error, ErrorSummary, FieldError, QueryError};
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
        <p>{format!("Choose a password for {email}. It needs 12 characters or more; a few unrelated words make a good one.")}</p>
        <ErrorSummary error />
        <ActionForm action>
            <input type="hidden" name="token" value=token />
            // Lets password managers save the new password against the account.
            <input type="hidden" name="username" autocomplete="username" value=email />
            <div class="field">
                <label for="password">"New password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" />
                <FieldError error field="password" />
            </div>
            <div class="field">
                <label for="confirm_password">"New password again"</label>
                <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required />
                <FieldError error field="confirm_password" />
            </div>
            <button type="submit">"Set password"</button>
        </ActionForm>
    }
}
