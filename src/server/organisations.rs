//! Organisations and the sign-up register: reading them (open to everyone;
//! people's names only to signed-in users), and the changes admins and board
//! reviewers make, each versioned or audited in its transaction.

use super::auth::{authorise, Session};
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::london::{slug, validate_organisation, Organisation, OrganisationInput};
use crate::domain::permission::{self, Action, Principal};
use crate::domain::signup::{ics_sign_up, validate as validate_sign_up, SignUp, SignUpInput};
use crate::error::AppError;
use crate::model::organisations::{
    IcsSignUpView, NamedOrganisation, OrganisationPage, OrganisationRow, OrganisationVersionEntry, OrganisationsPage,
    SignUpSummary,
};
use std::collections::HashMap;

/// Everything the organisation pages read: every organisation, every ICS code
/// and the register.
struct Register {
    organisations: Vec<Organisation>,
    ics_codes: Vec<String>,
    signups: HashMap<String, SignUp>,
}

async fn load(pool: &Pool) -> Result<Register, AppError> {
    Ok(Register {
        organisations: db::london::list_organisations(pool).await?,
        ics_codes: db::london::ics_codes(pool).await?.into_iter().map(String::from).collect(),
        signups: db::signup::register(pool).await?,
    })
}

impl Register {
    fn row(&self, org: &Organisation, show_people: bool) -> OrganisationRow {
        let today = db::today();
        OrganisationRow {
            kind_label: org.kind.label().to_string(),
            icss: org.icss(&self.ics_codes),
            retired: org.is_retired_on(&today),
            successor_name: org
                .successor_id
                .as_deref()
                .and_then(|id| self.organisations.iter().find(|o| o.id == id))
                .map(|o| o.name.clone()),
            signed_up: self.signups.get(&org.id).cloned().map(|mut signup| {
                if !show_people {
                    signup.signatory_name = String::new();
                }
                signup
            }),
            organisation: org.clone(),
        }
    }

    fn named(&self, id: &str) -> Option<NamedOrganisation> {
        self.organisations.iter().find(|o| o.id == id).map(|o| NamedOrganisation {
            id: o.id.clone(),
            name: o.name.clone(),
            kind_label: o.kind.label().to_string(),
            signed_on: self.signups.get(&o.id).map(|s| s.signed_on.clone()),
        })
    }

    fn ics_view(&self, ics: &str, ics_name: &str) -> IcsSignUpView {
        let status = ics_sign_up(ics, &self.organisations, &self.signups, &db::today());
        IcsSignUpView {
            ics: ics.to_string(),
            ics_name: ics_name.to_string(),
            required: status.required,
            required_signed: status.required_signed(),
            signatories: status.signatories.iter().filter_map(|id| self.named(id)).collect(),
            missing: status.missing.iter().filter_map(|id| self.named(id)).collect(),
        }
    }
}

fn may(session: Option<&Session>, action: &Action) -> Option<String> {
    session.filter(|s| permission::authorise(&s.principal, action).is_ok()).map(|s| s.csrf_token.clone())
}

/// `/organisations`
pub async fn list_page(pool: &Pool, session: Option<&Session>) -> Result<OrganisationsPage, AppError> {
    let register = load(pool).await?;
    let rows = register.organisations.iter().map(|org| register.row(org, session.is_some())).collect();
    Ok(OrganisationsPage { rows, editor_csrf: may(session, &Action::ManageOrganisations) })
}

/// `/organisations/{id}`
pub async fn page(pool: &Pool, session: Option<&Session>, id: &str) -> Result<OrganisationPage, AppError> {
    let register = load(pool).await?;
    let org = register
        .organisations
        .iter()
        .find(|o| o.id == id.trim())
        .ok_or_else(|| AppError::NotFound(format!("organisation {:?}", id.trim())))?;
    let version = db::london::organisation_version(pool, &org.id).await?.unwrap_or(1);
    let versions = db::london::organisation_versions(pool, &org.id)
        .await?
        .into_iter()
        .map(|(version, by, at, snapshot)| OrganisationVersionEntry {
            version,
            // Public pages name organisations, not people.
            saved_by: if session.is_some() { by } else { "the London recovery board".to_string() },
            saved_at: at,
            name: snapshot.name,
        })
        .collect();
    Ok(OrganisationPage {
        row: register.row(org, session.is_some()),
        version,
        versions,
        editor_csrf: may(session, &Action::ManageOrganisations),
        signup_csrf: may(session, &Action::RecordSignUp),
    })
}

/// `GET /api/v1/organisations`: every organisation, retired ones included.
pub async fn api_list(pool: &Pool, show_people: bool) -> Result<Vec<OrganisationRow>, AppError> {
    let register = load(pool).await?;
    Ok(register.organisations.iter().map(|org| register.row(org, show_people)).collect())
}

/// Sign-up in every ICS (`/sign-up`).
pub async fn sign_up_summary(pool: &Pool) -> Result<SignUpSummary, AppError> {
    let register = load(pool).await?;
    let icss = db::london::list_ics(pool).await?;
    Ok(SignUpSummary {
        as_at: db::today(),
        icss: icss.iter().map(|ics| register.ics_view(&ics.code, &ics.name)).collect(),
    })
}

/// Sign-up in one ICS, for its page.
pub async fn ics_sign_up_view(pool: &Pool, ics: &str, ics_name: &str) -> Result<IcsSignUpView, AppError> {
    Ok(load(pool).await?.ics_view(ics, ics_name))
}

/// Adds an organisation (`id` blank) or saves an edit made against `version`.
/// Returns its id.
pub async fn save(
    pool: &Pool,
    principal: &Principal,
    id: &str,
    version: &str,
    input: &OrganisationInput,
) -> Result<String, AppError> {
    authorise(principal, &Action::ManageOrganisations)?;
    let register = load(pool).await?;
    let existing = match id.trim() {
        "" => None,
        id => Some(
            register
                .organisations
                .iter()
                .find(|o| o.id == id)
                .ok_or_else(|| AppError::NotFound(format!("organisation {id:?}")))?,
        ),
    };
    let new_id = existing.map(|o| o.id.clone()).unwrap_or_else(|| slug(&input.name));
    let exists = |id: &str| register.organisations.iter().any(|o| o.id == id);
    let org = validate_organisation(&new_id, input, &register.ics_codes, exists)?;
    let name_taken = register.organisations.iter().any(|o| o.name.eq_ignore_ascii_case(&org.name) && o.id != org.id);
    if name_taken || (existing.is_none() && exists(&org.id)) {
        return Err(AppError::invalid("name", format!("there is already an organisation called {:?}", org.name)));
    }
    let mut tx = db::begin_write(pool).await?;
    let (action, version, before) = match existing {
        None => {
            db::london::insert_organisation(&mut tx, &org).await?;
            (AuditAction::Create, 1, None)
        }
        Some(before) => {
            let expected: i64 = version
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("version", format!("{version:?} is not a version number")))?;
            let Some(saved) = db::london::update_organisation(&mut tx, &org, expected).await? else {
                return Err(AppError::Conflict(format!(
                    "{} was changed by someone else since you opened it; reload to see their version",
                    before.name
                )));
            };
            (AuditAction::Update, saved, serde_json::to_value(before).ok())
        }
    };
    db::london::record_version(&mut tx, &org, version, &principal.email).await?;
    let change = Change {
        action,
        entity: AuditEntity::Organisation,
        entity_id: &org.id,
        before,
        after: serde_json::to_value(&org).ok(),
    };
    audit::record(&mut tx, Actor::User(principal), change).await?;
    tx.commit().await?;
    Ok(org.id)
}

/// Records (or replaces) an organisation's signature. Board reviewers only.
pub async fn record_sign_up(
    pool: &Pool,
    principal: &Principal,
    organisation_id: &str,
    input: &SignUpInput,
) -> Result<(), AppError> {
    authorise(principal, &Action::RecordSignUp)?;
    let register = load(pool).await?;
    let org = register
        .organisations
        .iter()
        .find(|o| o.id == organisation_id.trim())
        .ok_or_else(|| AppError::NotFound(format!("organisation {:?}", organisation_id.trim())))?;
    let signup = validate_sign_up(input, org, &register.ics_codes, super::status::today())?;
    let before = register.signups.get(&org.id).and_then(|s| serde_json::to_value(s).ok());
    let mut tx = db::begin_write(pool).await?;
    db::signup::record(&mut tx, &org.id, &signup).await?;
    let change = Change {
        action: AuditAction::Set,
        entity: AuditEntity::SignUp,
        entity_id: &org.id,
        before,
        after: serde_json::to_value(&signup).ok(),
    };
    audit::record(&mut tx, Actor::User(principal), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a signature recorded in error. Board reviewers only.
pub async fn withdraw_sign_up(pool: &Pool, principal: &Principal, organisation_id: &str) -> Result<(), AppError> {
    authorise(principal, &Action::RecordSignUp)?;
    let register = load(pool).await?;
    let id = organisation_id.trim();
    let before = register.signups.get(id).ok_or_else(|| AppError::NotFound(format!("a signature of {id:?}")))?;
    let mut tx = db::begin_write(pool).await?;
    db::signup::withdraw(&mut tx, id).await?;
    let change = Change {
        action: AuditAction::Remove,
        entity: AuditEntity::SignUp,
        entity_id: id,
        before: serde_json::to_value(before).ok(),
        after: None,
    };
    audit::record(&mut tx, Actor::User(principal), change).await?;
    tx.commit().await?;
    Ok(())
}
