//! API tokens: created by their owner, shown once, stored hashed, revocable.

use super::auth::authorise;
use super::secrets;
use crate::api::account::NewToken;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::permission::{Action, Principal};
use crate::domain::validation::clean_text;
use crate::error::AppError;

pub async fn create(pool: &Pool, principal: &Principal, name: &str) -> Result<NewToken, AppError> {
    authorise(principal, &Action::ManageOwnTokens)?;
    let name = clean_text("name", name, true, 100)?;
    let secret = format!("ct_{}", secrets::random_token());
    let id = secrets::new_id();
    let mut tx = crate::db::begin_write(pool).await?;
    db::users::insert_api_token(&mut tx, &id, &principal.user_id, &name, &secrets::token_hash(&secret)).await?;
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: "create",
            entity: "api_token",
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
        Change { action: "revoke", entity: "api_token", entity_id: id, before: None, after: None },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
