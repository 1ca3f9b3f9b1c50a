//! Accounts from creation to deactivation: creating them (the admin command,
//! the admin page and demo mode), set-password links, password changes,
//! switching accounts off and on, and the admin's view of them. Every change is
//! audited in the transaction that makes it.

use super::auth::{authorise, Session};
use super::secrets;
use super::throttle::Attempt;
use crate::db::audit::{self, Actor, Change};
use crate::db::users::{self, NewUser, UserRow};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::permission::{Action, Principal, Role};
use crate::domain::validation::{clean_text, FieldError, FieldErrors};
use crate::error::AppError;
use crate::model::account::{PasswordLink, UserDetail, UserSummary, UsersPage, PASSWORD_LINK_HOURS};
use chrono::{Duration, Utc};
use sqlx::{Any, Transaction};

pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    /// `None`: the user sets it through a one-time link, so no one else ever
    /// knows it (the admin page). The command line and demo mode give one.
    pub password: Option<String>,
    pub role: Role,
    pub organisation_id: String,
    pub lead_ics: Option<String>,
}

/// A new account's id, and its set-password link when it was made without one.
pub struct CreatedAccount {
    pub id: String,
    pub email: String,
    pub password_link: Option<PasswordLink>,
}

fn check_email(email: &str) -> Result<String, FieldError> {
    let email = clean_text("email", email, true, 254)?.to_lowercase();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
    }) && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(FieldError::new("email", format!("{email:?} is not an email address")))
    }
}

/// Validates and creates a user, audited as done by `actor` (an admin, the
/// command line, demo mode).
pub async fn create_user(pool: &Pool, actor: Actor<'_>, account: &NewAccount) -> Result<CreatedAccount, AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.take(check_email(&account.email));
    let name = errors.take(clean_text("display_name", &account.display_name, true, 200));
    if let Some(password) = &account.password {
        errors.take(secrets::check_new_password("password", password));
    }
    let lead_ics = match (account.role, account.lead_ics.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (Role::IcsLead, Some(code)) => match super::reference::known_ics(pool, "lead_ics", code).await {
            Ok(code) => Some(code.to_string()),
            Err(AppError::Invalid { field, message }) => {
                errors.push(FieldError::new(field, message));
                None
            }
            Err(other) => return Err(other),
        },
        (Role::IcsLead, None) => {
            errors.push(FieldError::new("lead_ics", "an ICS lead needs the ICS they lead"));
            None
        }
        _ => None,
    };
    let organisation = db::london::get_organisation(pool, &account.organisation_id).await?;
    if organisation.is_none() {
        errors.push(FieldError::new(
            "organisation_id",
            format!("there is no organisation {:?}", account.organisation_id),
        ));
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return Err(errors.into());
    };
    if users::email_exists(pool, &email).await? {
        return Err(AppError::invalid("email", format!("{email} already has an account")));
    }
    let hash = match &account.password {
        Some(password) => secrets::hash_password_queued(password.clone()).await?,
        None => secrets::NO_PASSWORD.to_string(),
    };
    let id = crate::db::new_id();
    let mut tx = crate::db::begin_write(pool).await?;
    users::insert_user(
        &mut tx,
        &NewUser {
            id: &id,
            email: &email,
            display_name: &name,
            password_hash: &hash,
            role: account.role,
            organisation_id: &account.organisation_id,
            lead_ics: lead_ics.as_deref(),
        },
    )
    .await?;
    let after = serde_json::json!({ "email": email, "role": account.role.as_str(), "organisation_id": account.organisation_id, "lead_ics": lead_ics });
    let change = Change {
        action: AuditAction::Create,
        entity: AuditEntity::User,
        entity_id: &id,
        before: None,
        after: Some(after),
    };
    audit::record(&mut tx, actor, change).await?;
    let password_link = match account.password {
        Some(_) => None,
        None => Some(add_password_link(&mut tx, actor, &id, &email).await?),
    };
    tx.commit().await?;
    Ok(CreatedAccount { id, email, password_link })
}

/// Stores a new one-time link for `user_id` (the older one stops working) and
/// audits that it was issued; the link itself is never logged.
async fn add_password_link(
    tx: &mut Transaction<'_, Any>,
    actor: Actor<'_>,
    user_id: &str,
    email: &str,
) -> Result<PasswordLink, AppError> {
    let secret = secrets::random_token();
    let expires_at = db::timestamp(Utc::now() + Duration::hours(PASSWORD_LINK_HOURS));
    users::insert_password_link(tx, &secrets::token_hash(&secret), user_id, &expires_at).await?;
    let change = Change {
        action: AuditAction::IssuePasswordLink,
        entity: AuditEntity::User,
        entity_id: user_id,
        before: None,
        after: Some(serde_json::json!({ "expires_at": expires_at })),
    };
    audit::record(tx, actor, change).await?;
    Ok(PasswordLink { user_id: user_id.to_string(), email: email.to_string(), token: secret, expires_at })
}

/// A new set-password link for an existing account (a forgotten password, or a
/// first link that expired). Admins only.
pub async fn issue_password_link(pool: &Pool, admin: &Principal, user_id: &str) -> Result<PasswordLink, AppError> {
    authorise(admin, &Action::ManageUsers)?;
    let user = existing_user(pool, user_id).await?;
    if user.active == 0 {
        return Err(AppError::Conflict(format!("{} is deactivated; reactivate the account first", user.email)));
    }
    let mut tx = db::begin_write(pool).await?;
    // A reset is what an admin does when an account may be in the wrong
    // hands: nothing signed in with it before carries on.
    let revoked = end_everything_signed_in(&mut tx, &user.id, None).await?;
    let link = add_password_link(&mut tx, Actor::User(admin), &user.id, &user.email).await?;
    if revoked > 0 {
        let change = Change {
            action: AuditAction::Revoke,
            entity: AuditEntity::User,
            entity_id: &user.id,
            before: None,
            after: Some(serde_json::json!({ "api_tokens_revoked": revoked, "reason": "password reset" })),
        };
        audit::record(&mut tx, Actor::User(admin), change).await?;
    }
    tx.commit().await?;
    Ok(link)
}

/// Ends every session of an account (but `keep`, the one asking) and
/// revokes every API token it has: after a new password nothing made with the
/// old one carries on. Returns how many tokens were revoked.
async fn end_everything_signed_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &str,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    users::end_sessions(tx, user_id, keep).await?;
    users::revoke_all_api_tokens(tx, user_id).await
}

const DEAD_LINK: &str = "this link has expired or has already been used; ask an admin for a new one";

/// The email address a live set-password link is for, so the page can say
/// whose password is being set (and say at once when the link is dead).
pub async fn password_link_email(pool: &Pool, secret: &str) -> Result<String, AppError> {
    users::password_link_user(pool, &secrets::token_hash(secret.trim()))
        .await?
        .map(|(_, email)| email)
        .ok_or_else(|| AppError::invalid("token", DEAD_LINK))
}

/// Sets a password through a one-time link. The link is used up, and any
/// session the account had is ended.
pub async fn set_password_with_link(
    pool: &Pool,
    secret: &str,
    password: &str,
    confirmation: &str,
) -> Result<String, AppError> {
    check_new_pair("password", password, "confirm_password", confirmation)?;
    let token_hash = secrets::token_hash(secret.trim());
    let (user_id, email) =
        users::password_link_user(pool, &token_hash).await?.ok_or_else(|| AppError::invalid("token", DEAD_LINK))?;
    let hash = secrets::hash_password_queued(password.to_string()).await?;
    let mut tx = db::begin_write(pool).await?;
    if !users::use_password_link(&mut tx, &token_hash).await? {
        return Err(AppError::invalid("token", DEAD_LINK));
    }
    users::set_password_hash(&mut tx, &user_id, &hash).await?;
    let revoked = end_everything_signed_in(&mut tx, &user_id, None).await?;
    let change = Change {
        action: AuditAction::SetPassword,
        entity: AuditEntity::User,
        entity_id: &user_id,
        before: None,
        after: Some(serde_json::json!({ "api_tokens_revoked": revoked })),
    };
    audit::record(&mut tx, Actor::Account { id: &user_id, email: &email }, change).await?;
    tx.commit().await?;
    Ok(email)
}

/// A new password and its confirmation: long enough, and typed the same twice.
fn check_new_pair(field: &str, password: &str, confirm_field: &str, confirmation: &str) -> Result<(), AppError> {
    secrets::check_new_password(field, password)?;
    if password != confirmation {
        return Err(AppError::invalid(confirm_field, "does not match the new password"));
    }
    Ok(())
}

/// A signed-in user changes their own password: the current one is required
/// (and wrong guesses count towards the sign-in throttle), every other
/// session of theirs ends and every API token of theirs is revoked.
pub async fn change_own_password(
    pool: &Pool,
    session: &Session,
    current: &str,
    new: &str,
    confirmation: &str,
    client_address: &str,
) -> Result<(), AppError> {
    check_new_pair("new_password", new, "confirm_password", confirmation)?;
    if current == new {
        return Err(AppError::invalid("new_password", "must differ from the current password"));
    }
    let principal = &session.principal;
    let device = super::auth::request_device_token();
    let attempt = Attempt::new(&principal.email, client_address).from_device(pool, device.as_deref()).await?;
    // Counted before the check, as a sign-in is: a stolen session cannot
    // guess the current password faster than the sign-in form could.
    let reservation = attempt.reserve(pool).await?;
    let stored = users::password_hash(pool, &principal.user_id).await?.ok_or(AppError::Unauthorized)?;
    if !secrets::verify_password_queued(current.to_string(), stored).await? {
        return Err(AppError::invalid("current_password", "is not your current password"));
    }
    let hash = secrets::hash_password_queued(new.to_string()).await?;
    let mut tx = db::begin_write(pool).await?;
    reservation.settle_success(&mut tx).await?;
    users::set_password_hash(&mut tx, &principal.user_id, &hash).await?;
    let revoked = end_everything_signed_in(&mut tx, &principal.user_id, Some(&session.token_hash)).await?;
    let change = Change {
        action: AuditAction::ChangePassword,
        entity: AuditEntity::User,
        entity_id: &principal.user_id,
        before: None,
        after: Some(serde_json::json!({ "api_tokens_revoked": revoked })),
    };
    audit::record(&mut tx, Actor::User(principal), change).await?;
    tx.commit().await?;
    Ok(())
}

async fn existing_user(pool: &Pool, user_id: &str) -> Result<UserRow, AppError> {
    users::get_user(pool, user_id.trim()).await?.ok_or_else(|| AppError::NotFound(format!("user {user_id:?}")))
}

/// An admin switches an account off (its sessions end and its tokens stop
/// working at once) or on again. Admins cannot switch themselves off, so there
/// is always someone left to switch accounts on.
pub async fn set_active(pool: &Pool, admin: &Principal, user_id: &str, active: bool) -> Result<(), AppError> {
    authorise(admin, &Action::ManageUsers)?;
    let user = existing_user(pool, user_id).await?;
    if !active && user.id == admin.user_id {
        return Err(AppError::Conflict("you cannot deactivate your own account; ask another admin".into()));
    }
    let mut tx = db::begin_write(pool).await?;
    change_active(&mut tx, Actor::User(admin), &user.id, active).await?;
    tx.commit().await?;
    Ok(())
}

/// Switches an account, ending its sessions when it goes off; audited. Does
/// nothing (and logs nothing) if it already was so; says whether it changed.
pub async fn change_active(
    tx: &mut Transaction<'_, Any>,
    actor: Actor<'_>,
    user_id: &str,
    active: bool,
) -> Result<bool, sqlx::Error> {
    if !users::set_active(tx, user_id, active).await? {
        return Ok(false);
    }
    if !active {
        users::end_sessions(tx, user_id, None).await?;
    }
    let change = Change {
        action: if active { AuditAction::Reactivate } else { AuditAction::Deactivate },
        entity: AuditEntity::User,
        entity_id: user_id,
        before: Some(serde_json::json!({ "active": !active })),
        after: Some(serde_json::json!({ "active": active })),
    };
    audit::record(tx, actor, change).await?;
    Ok(true)
}

fn summary(row: UserRow) -> UserSummary {
    UserSummary {
        role_label: Role::parse(&row.role).map(|r| r.label().to_string()).unwrap_or(row.role),
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        organisation_name: row.organisation_name,
        lead_ics: row.lead_ics,
        active: row.active == 1,
        has_password: row.has_password == 1,
        created_at: row.created_at,
    }
}

/// Every account, for the admin's list.
pub async fn list(pool: &Pool, admin: &Session) -> Result<UsersPage, AppError> {
    authorise(&admin.principal, &Action::ManageUsers)?;
    let users = users::list_users(pool).await?.into_iter().map(summary).collect();
    Ok(UsersPage { csrf: admin.csrf_token.clone(), users })
}

/// One account and its tokens, for the admin's page about it.
pub async fn detail(pool: &Pool, admin: &Session, user_id: &str) -> Result<UserDetail, AppError> {
    authorise(&admin.principal, &Action::ManageUsers)?;
    let user = existing_user(pool, user_id).await?;
    let tokens = users::list_api_tokens(pool, &user.id).await?;
    Ok(UserDetail {
        csrf: admin.csrf_token.clone(),
        is_self: user.id == admin.principal.user_id,
        user: summary(user),
        tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::check_email;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(check_email(" Slam@Demo.Test ").as_deref().ok(), Some("slam@demo.test"));
        for bad in ["", "slam", "slam@", "@demo.test", "slam@demo", "sl am@demo.test", "slam@.test"] {
            assert!(check_email(bad).is_err(), "{bad:?} accepted");
        }
    }
}
