//! A user's own API tokens, and the admin's user management.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub secret: String,
}

/// The account page: who you are, and your tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub email: String,
    pub role_label: String,
    pub csrf: String,
    pub tokens: Vec<ApiToken>,
}

#[server(endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<TokensPage, AppError> {
    let session = crate::server::auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    let rows = crate::db::users::list_api_tokens(&pool, &session.principal.user_id).await?;
    Ok(TokensPage {
        email: session.principal.email,
        role_label: session.principal.role.label().to_string(),
        csrf: session.csrf_token,
        tokens: rows
            .into_iter()
            .map(|r| ApiToken { id: r.id, name: r.name, created_at: r.created_at, revoked_at: r.revoked_at })
            .collect(),
    })
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
