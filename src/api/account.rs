//! A user's own account (password, API tokens), the admin's user management,
//! and setting a password through a one-time link.

use crate::error::AppError;
use crate::model::account::{NewToken, PasswordLink, TokensPage, UserDetail, UsersPage};
use leptos::prelude::*;

#[server(endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<TokensPage, AppError> {
    use crate::server::{auth, tokens};
    let session = auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    let shown_secret = auth::request_cookie(tokens::NEW_TOKEN_COOKIE);
    if shown_secret.is_some() {
        // Shown once: the page that shows it clears it.
        let response = expect_context::<leptos_axum::ResponseOptions>();
        response.append_header(http::header::SET_COOKIE, tokens::clear_new_token_cookie(auth::request_is_https()));
    }
    tokens::page(&pool, session, shown_secret.as_deref()).await
}

#[server(endpoint = "tokens/create")]
pub async fn create_token(csrf: String, name: String, expires_in_days: Option<String>) -> Result<NewToken, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let token = crate::server::tokens::create(&pool, &session.principal, &name, expires_in_days.as_deref()).await?;
    show_secret_without_javascript(&token)?;
    Ok(token)
}

/// With JavaScript the form shows the returned secret in place. A plain form
/// post is answered by a redirect back to `/account`, so the secret goes there
/// in a short-lived cookie (`server::tokens::NEW_TOKEN_COOKIE`).
#[cfg(feature = "ssr")]
fn show_secret_without_javascript(token: &NewToken) -> Result<(), AppError> {
    use crate::server::{auth, tokens};
    if crate::server::errors::is_plain_form_post() {
        let cookie = tokens::new_token_cookie(&token.secret, auth::request_is_https())?;
        expect_context::<leptos_axum::ResponseOptions>().append_header(http::header::SET_COOKIE, cookie);
    }
    Ok(())
}

/// Revokes one of the caller's tokens, or (for an admin) anyone's.
#[server(endpoint = "tokens/revoke")]
pub async fn revoke_token(csrf: String, id: String) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::tokens::revoke(&pool, &session.principal, &id).await
}

#[server(endpoint = "account/password")]
pub async fn change_password(
    csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::server::auth;
    let session = auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let client = auth::request_client_address()?;
    crate::server::accounts::change_own_password(
        &pool,
        &session,
        &current_password,
        &new_password,
        &confirm_password,
        &client,
    )
    .await
}

/// Creates an account without a password and returns the one-time link with
/// which its owner sets one (the admin never knows it).
#[server(endpoint = "users/create")]
pub async fn create_user(
    csrf: String,
    email: String,
    display_name: String,
    role: String,
    organisation_id: String,
    lead_ics: String,
) -> Result<PasswordLink, AppError> {
    use crate::domain::permission::{Action, Role};
    use crate::server::accounts::{self, NewAccount};
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    crate::server::auth::authorise(&session.principal, &Action::ManageUsers)?;
    let role = Role::parse(&role)?;
    let pool = crate::server::state::pool()?;
    let account = NewAccount { email, display_name, password: None, role, organisation_id, lead_ics: Some(lead_ics) };
    let created = accounts::create_user(&pool, crate::db::audit::Actor::User(&session.principal), &account).await?;
    let link = created.password_link.ok_or(AppError::Internal)?;
    show_link_without_javascript(&link);
    Ok(link)
}

/// With JavaScript the form shows the returned link in place. A plain form post
/// is answered by a redirect, so the link goes to the user's admin page in its
/// address (never cached: signed-in pages are `no-store`).
#[cfg(feature = "ssr")]
fn show_link_without_javascript(link: &PasswordLink) {
    if crate::server::errors::is_plain_form_post() {
        leptos_axum::redirect(&format!("/admin/users/{}?new_link={}", link.user_id, link.token));
    }
}

#[server(endpoint = "users/list")]
pub async fn list_users() -> Result<UsersPage, AppError> {
    let session = crate::server::auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::accounts::list(&pool, &session).await
}

#[server(endpoint = "users/get")]
pub async fn get_user(id: String) -> Result<UserDetail, AppError> {
    let session = crate::server::auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::accounts::detail(&pool, &session, &id).await
}

#[server(endpoint = "users/deactivate")]
pub async fn deactivate_user(csrf: String, id: String) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::accounts::set_active(&pool, &session.principal, &id, false).await
}

#[server(endpoint = "users/reactivate")]
pub async fn reactivate_user(csrf: String, id: String) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::accounts::set_active(&pool, &session.principal, &id, true).await
}

#[server(endpoint = "users/password-link")]
pub async fn issue_password_link(csrf: String, id: String) -> Result<PasswordLink, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let link = crate::server::accounts::issue_password_link(&pool, &session.principal, &id).await?;
    show_link_without_javascript(&link);
    Ok(link)
}

/// Whose password a set-password link sets (an error if the link is dead).
#[server(endpoint = "password-link/email")]
pub async fn password_link_email(token: String) -> Result<String, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::accounts::password_link_email(&pool, &token).await
}

/// Sets a password through a one-time link, then sends the user to sign in.
#[server(endpoint = "password-link/set")]
pub async fn set_password(token: String, password: String, confirm_password: String) -> Result<(), AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::accounts::set_password_with_link(&pool, &token, &password, &confirm_password).await?;
    leptos_axum::redirect("/sign-in?password-set=1");
    Ok(())
}
