//! Creating accounts: the admin command, the admin page and demo mode share it.

use super::secrets;
use crate::db::audit::{self, Actor, Change};
use crate::db::users::{self, NewUser};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::permission::Role;
use crate::domain::validation::{clean_text, FieldError, FieldErrors};
use crate::error::AppError;

pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub organisation_id: String,
    pub lead_ics: Option<String>,
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
/// command line, demo mode). Returns the new user's id.
pub async fn create_user(pool: &Pool, actor: Actor<'_>, account: &NewAccount) -> Result<String, AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.take(check_email(&account.email));
    let name = errors.take(clean_text("display_name", &account.display_name, true, 200));
    let length = account.password.chars().count();
    if length < secrets::MIN_PASSWORD_CHARS {
        errors
            .push(FieldError::new("password", format!("must be at least {} characters", secrets::MIN_PASSWORD_CHARS)));
    } else if length > secrets::MAX_PASSWORD_CHARS {
        errors.push(FieldError::new("password", format!("must be at most {} characters", secrets::MAX_PASSWORD_CHARS)));
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
    let password = account.password.clone();
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            AppError::Internal
        })?;
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
    audit::record(
        &mut tx,
        actor,
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::User,
            entity_id: &id,
            before: None,
            after: Some(after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
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
