//! A user's own API tokens, and the admin's user management.

use crate::error::AppError;
use crate::model::account::{NewToken, TokensPage};
use leptos::prelude::*;

#[server(endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<TokensPage, AppError> {
    let session = crate::server::auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::tokens::page(&pool, session).await
}

#[server(endpoint = "tokens/create")]
pub async fn create_token(csrf: String, name: String) -> Result<NewToken, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::tokens::create(&pool, &session.principal, &name).await
}

#[server(endpoint = "tokens/revoke")]
pub async fn revoke_token(csrf: String, id: String) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::tokens::revoke(&pool, &session.principal, &id).await
}

#[server(endpoint = "users/create")]
pub async fn create_user(
    csrf: String,
    email: String,
    display_name: String,
    password: String,
    role: String,
    organisation_id: String,
    lead_ics: String,
) -> Result<String, AppError> {
    use crate::domain::permission::{Action, Role};
    use crate::server::accounts::{self, NewAccount};
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    crate::server::auth::authorise(&session.principal, &Action::ManageUsers)?;
    let role = Role::parse(&role)?;
    let pool = crate::server::state::pool()?;
    let account = NewAccount { email, display_name, password, role, organisation_id, lead_ics: Some(lead_ics) };
    accounts::create_user(&pool, crate::db::audit::Actor::User(&session.principal), &account).await?;
    Ok(account.email.trim().to_lowercase())
}
