//! `/account`: the signed-in user's password and API tokens (created with an
//! expiry, shown once; their last use; revoke).

use crate::api::account::{list_tokens, ChangePassword, CreateToken, RevokeToken};
use crate::components::form::{
    island_action, last_error, succeeded, ErrorSummary, FieldError, NewPasswordFields, QueryError, SuccessNotice,
};
use crate::components::loaded::Loaded;
use crate::components::session::CsrfField;
use crate::components::token_table::TokenTable;
use crate::model::account::{NewToken, DEFAULT_TOKEN_DAYS, TOKEN_LIFETIME_CHOICES};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeToken>::new();
    let page = Resource::new(|| (), |_| list_tokens());
    let revoke_error = last_error(revoke.value());
    view! {
        <Title text="Your account" />
        <h1>"Your account"</h1>
        <QueryError />
        <ErrorSummary error=revoke_error />
        <Loaded resource=page show=move |page| view! {
            <p>{format!("Signed in as {} ({}).", page.email, page.role_label)}</p>
            <ChangePasswordForm csrf=page.csrf.clone() />
            <section aria-labelledby="tokens-heading">
                <h2 id="tokens-heading">"API tokens"</h2>
                <p>"A token lets a script post readings to " <code>"/api/v1/readings"</code> " as you. It is shown once; keep it secret."</p>
                <CreateTokenForm csrf=page.csrf.clone() shown=page.new_token />
                <TokenTable csrf=page.csrf tokens=page.tokens revoke empty="You have no tokens." />
            </section>
        }.into_any() />
    }
}

/// An island: with JavaScript, the form answers in place and keeps what was
/// typed. Without it, a refusal comes back named beside its field.
#[island]
pub fn ChangePasswordForm(csrf: String) -> impl IntoView {
    let change = island_action::<ChangePassword>();
    let error = last_error(change.value());
    view! {
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <p>"Your other signed-in browsers are signed out when you change it."</p>
            <ErrorSummary error />
            <SuccessNotice show=succeeded(change)>"Your password has been changed."</SuccessNotice>
            <ActionForm action=change>
                <CsrfField token=csrf />
                <div class="field">
                    <label for="current_password">"Current password"</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
                    <FieldError error field="current_password" />
                </div>
                <NewPasswordFields error field="new_password" />
                <button type="submit">"Change password"</button>
            </ActionForm>
        </section>
    }
}

/// An island: the new token's secret is shown once, in place. (The list
/// below shows it from the next visit.) Without JavaScript the page comes back
/// with it as `shown`.
#[island]
pub fn CreateTokenForm(csrf: String, shown: Option<NewToken>) -> impl IntoView {
    let create = island_action::<CreateToken>();
    let error = last_error(create.value());
    view! {
        <ErrorSummary error />
        {move || create.value().get().and_then(|r| r.ok()).or_else(|| shown.clone()).map(|token| view! {
            <div class="success" role="status">
                <p>{format!("New token \u{201c}{}\u{201d}. Copy it now; it will not be shown again:", token.name)}</p>
                <p><code class="secret">{token.secret}</code></p>
            </div>
        })}
        <ActionForm action=create>
            <CsrfField token=csrf />
            <div class="field">
                <label for="token-name">"Name (what the token is for)"</label>
                <input id="token-name" name="name" required maxlength="100" />
                <FieldError error field="name" />
            </div>
            <div class="field">
                <label for="token-expiry">"Expires after"</label>
                <select id="token-expiry" name="expires_in_days">
                    {TOKEN_LIFETIME_CHOICES.into_iter().map(|(days, label)| view! {
                        <option value=days.to_string() selected=days == DEFAULT_TOKEN_DAYS>{label}</option>
                    }).collect_view()}
                </select>
                <FieldError error field="expires_in_days" />
            </div>
            <button type="submit">"Create token"</button>
        </ActionForm>
    }
}
