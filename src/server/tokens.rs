//! API tokens: created by their owner, shown once, stored hashed, expiring,
//! revocable by their owner or an admin.

use super::auth::{authorise, CookieSpec};
use super::secrets;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::permission::{self, Action, Principal};
use crate::domain::validation::clean_text;
use crate::error::AppError;
use crate::model::account::{NewToken, TokensPage, DEFAULT_TOKEN_DAYS, TOKEN_LIFETIME_CHOICES};
use axum::http::HeaderValue;
use chrono::{Duration, Utc};

/// Without JavaScript the create form is a plain post, answered by a redirect
/// back to `/account`. The new secret travels there in this cookie — never in
/// the address, which lands in logs and history — and the page shows it once
/// and clears it. HttpOnly, for `/account` only, same-site, and gone in five
/// minutes if the page is never reached.
pub const NEW_TOKEN_COOKIE: &str = "concordat_new_token";
const NEW_TOKEN: CookieSpec = CookieSpec { name: NEW_TOKEN_COOKIE, path: "/account", same_site: "Strict" };
const NEW_TOKEN_COOKIE_SECONDS: i64 = 300;

pub fn new_token_cookie(secret: &str, secure: bool) -> Result<HeaderValue, AppError> {
    NEW_TOKEN.set(secret, NEW_TOKEN_COOKIE_SECONDS, secure)
}

pub fn clear_new_token_cookie(secure: bool) -> HeaderValue {
    NEW_TOKEN.clear(secure)
}

/// The account page: who is signed in, their tokens, and a token just created
/// without JavaScript (`shown_secret`, from `NEW_TOKEN_COOKIE`) if it is one
/// of theirs and still live.
pub async fn page(
    pool: &Pool,
    session: super::auth::Session,
    shown_secret: Option<&str>,
) -> Result<TokensPage, AppError> {
    let rows = db::users::list_api_tokens(pool, &session.principal.user_id).await?;
    let new_token = match shown_secret.filter(|secret| !secret.is_empty()) {
        Some(secret) => db::users::live_api_token_name(pool, &session.principal.user_id, &secrets::token_hash(secret))
            .await?
            .map(|name| NewToken { name, secret: secret.to_string() }),
        None => None,
    };
    Ok(TokensPage {
        email: session.principal.email,
        role_label: session.principal.role.label().to_string(),
        csrf: session.csrf_token,
        tokens: rows,
        new_token,
    })
}

/// The lifetime the form sent, in days: one of the offered choices (0: none);
/// the default when the request names none.
fn lifetime_days(text: Option<&str>) -> Result<u32, AppError> {
    let Some(text) = text.map(str::trim) else {
        return Ok(DEFAULT_TOKEN_DAYS);
    };
    text.parse::<u32>().ok().filter(|days| TOKEN_LIFETIME_CHOICES.iter().any(|(d, _)| d == days)).ok_or_else(|| {
        let offered: Vec<String> = TOKEN_LIFETIME_CHOICES.iter().map(|(d, _)| d.to_string()).collect();
        AppError::invalid("expires_in_days", format!("{text:?} is not one of {} (0: no expiry)", offered.join(", ")))
    })
}

pub async fn create(
    pool: &Pool,
    principal: &Principal,
    name: &str,
    expires_in_days: Option<&str>,
) -> Result<NewToken, AppError> {
    authorise(principal, &Action::ManageOwnTokens)?;
    let name = clean_text("name", name, true, 100)?;
    let days = lifetime_days(expires_in_days)?;
    let expires_at = (days > 0).then(|| db::timestamp(Utc::now() + Duration::days(i64::from(days))));
    let secret = format!("ct_{}", secrets::random_token());
    let id = crate::db::new_id();
    let mut tx = crate::db::begin_write(pool).await?;
    db::users::insert_api_token(
        &mut tx,
        &id,
        &principal.user_id,
        &name,
        &secrets::token_hash(&secret),
        expires_at.as_deref(),
    )
    .await?;
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::ApiToken,
            entity_id: &id,
            before: None,
            after: Some(serde_json::json!({ "name": name, "expires_at": expires_at })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewToken { name, secret })
}

/// Revokes a token: one's own, or anyone's for an admin.
pub async fn revoke(pool: &Pool, principal: &Principal, id: &str) -> Result<(), AppError> {
    authorise(principal, &Action::ManageOwnTokens)?;
    let any_owner = permission::authorise(principal, &Action::ManageUsers).is_ok();
    let owner = (!any_owner).then_some(principal.user_id.as_str());
    let mut tx = crate::db::begin_write(pool).await?;
    let Some(owner_id) = db::users::revoke_api_token(&mut tx, id.trim(), owner).await? else {
        let whose = if any_owner { "a live token" } else { "a live token of yours" };
        return Err(AppError::NotFound(format!("{whose} with id {:?}", id.trim())));
    };
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Revoke,
            entity: AuditEntity::ApiToken,
            entity_id: id.trim(),
            before: None,
            after: Some(serde_json::json!({ "owner": owner_id })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::lifetime_days;

    #[test]
    fn only_offered_lifetimes_are_accepted() {
        assert_eq!(lifetime_days(Some("30")).ok(), Some(30));
        assert_eq!(lifetime_days(Some(" 0 ")).ok(), Some(0));
        assert_eq!(lifetime_days(None).ok(), Some(90), "the default when none is named");
        for bad in ["", "7", "-1", "ninety", "99999999999"] {
            let error = lifetime_days(Some(bad)).expect_err(bad);
            assert!(error.message_for("expires_in_days").is_some(), "{bad}");
        }
    }
}
