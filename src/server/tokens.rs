//! API tokens: created by their owner, shown once, stored hashed, revocable.

use super::auth::authorise;
use super::secrets;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::permission::{Action, Principal};
use crate::domain::validation::clean_text;
use crate::error::AppError;
use crate::model::account::{ApiToken, NewToken, TokensPage};

/// The account page: who is signed in, and their tokens (never the secrets).
pub async fn page(pool: &Pool, session: super::auth::Session) -> Result<TokensPage, AppError> {
    let rows = db::users::list_api_tokens(pool, &session.principal.user_id).await?;
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

pub async fn create(pool: &Pool, principal: &Principal, name: &str) -> Result<NewToken, AppError> {
    authorise(principal, &Action::ManageOwnTokens)?;
    let name = clean_text("name", name, true, 100)?;
    let secret = format!("ct_{}", secrets::random_token());
    let id = crate::db::new_id();
    let mut tx = crate::db::begin_write(pool).await?;
    db::users::insert_api_token(&mut tx, &id, &principal.user_id, &name, &secrets::token_hash(&secret)).await?;
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::ApiToken,
            entity_id: &id,
            before: None,
            after: Some(serde_json::json!({ "name": name })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewToken { name, secret })
}

pub async fn revoke(pool: &Pool, principal: &Principal, id: &str) -> Result<(), AppError> {
    authorise(principal, &Action::ManageOwnTokens)?;
    let mut tx = crate::db::begin_write(pool).await?;
    if !db::users::revoke_api_token(&mut tx, &principal.user_id, id).await? {
        return Err(AppError::NotFound("a live token of yours with that id".into()));
    }
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change { action: AuditAction::Revoke, entity: AuditEntity::ApiToken, entity_id: id, before: None, after: None },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
