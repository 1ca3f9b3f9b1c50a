//! A table of API tokens (never their secrets) with a revoke button on each
//! live one: the user's own on `/account`, any user's on the admin's page.

use crate::api::account::RevokeToken;
use crate::components::session::CsrfField;
use crate::model::account::ApiToken;
use leptos::prelude::*;

#[component]
pub fn TokenTable(
    csrf: String,
    tokens: Vec<ApiToken>,
    revoke: ServerAction<RevokeToken>,
    /// What to say when there are none.
    empty: &'static str,
) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    view! {
        <table class="data">
            <caption class="visually-hidden">"API tokens"</caption>
            <thead><tr>
                <th scope="col">"Name"</th>
                <th scope="col">"Created"</th>
                <th scope="col">"Expires"</th>
                <th scope="col">"Last used"</th>
                <th scope="col">"State"</th>
            </tr></thead>
            <tbody>
                {tokens.into_iter().map(|token| view! { <TokenRow csrf=csrf.clone() token revoke /> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn TokenRow(csrf: String, token: ApiToken, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let revoke_label = format!("Revoke {}", token.name);
    let state = match token.revoked_at {
        Some(at) => view! { <span>{format!("Revoked {}", day(&at))}</span> }.into_any(),
        None => view! {
            <ActionForm action=revoke>
                <CsrfField token=csrf />
                <input type="hidden" name="id" value=token.id />
                <button type="submit" class="secondary" aria-label=revoke_label>"Revoke"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <tr>
            <td>{token.name}</td>
            <td>{day(&token.created_at)}</td>
            <td>{token.expires_at.as_deref().map(day).unwrap_or_else(|| "Never".into())}</td>
            <td>{token.last_used_at.as_deref().map(minute).unwrap_or_else(|| "Never".into())}</td>
            <td>{state}</td>
        </tr>
    }
}

/// `2026-11-26T10:15:00.000000Z` as `2026-11-26`.
fn day(stored: &str) -> String {
    stored.get(..10).unwrap_or(stored).to_string()
}

/// `2026-11-26T10:15:00.000000Z` as `2026-11-26 10:15 UTC`.
fn minute(stored: &str) -> String {
    match (stored.get(..10), stored.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => stored.to_string(),
    }
}
