//! Demo mode (`CONCORDAT_DEMO=1`): known accounts and API tokens for trying the
//! app and for the browser tests. Never the default; a deployment must not set it.

use super::accounts::{change_active, create_user, NewAccount};
use super::secrets;
use crate::db::audit::{self, Actor, Change};
use crate::db::users;
use crate::db::Pool;
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::permission::Role;

pub const DEMO_PASSWORD: &str = "demo-password";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub organisation_id: &'static str,
    pub lead_ics: Option<&'static str>,
}

pub const ACCOUNTS: [DemoAccount; 6] = [
    DemoAccount {
        email: "admin@demo.test",
        name: "Demo Admin",
        role: Role::Admin,
        organisation_id: "london-uec-mental-health-recovery-board",
        lead_ics: None,
    },
    DemoAccount {
        email: "board@demo.test",
        name: "Demo Board Reviewer",
        role: Role::BoardReviewer,
        organisation_id: "london-uec-mental-health-recovery-board",
        lead_ics: None,
    },
    DemoAccount {
        email: "sel.lead@demo.test",
        name: "Demo SEL Lead",
        role: Role::IcsLead,
        organisation_id: "nhs-south-east-london-icb",
        lead_ics: Some("SEL"),
    },
    DemoAccount {
        email: "slam@demo.test",
        name: "Demo SLaM Editor",
        role: Role::PartnerEditor,
        organisation_id: "south-london-and-maudsley-nhs-foundation-trust",
        lead_ics: None,
    },
    DemoAccount {
        email: "oxleas@demo.test",
        name: "Demo Oxleas Editor",
        role: Role::PartnerEditor,
        organisation_id: "oxleas-nhs-foundation-trust",
        lead_ics: None,
    },
    DemoAccount {
        email: "viewer@demo.test",
        name: "Demo ICP Viewer",
        role: Role::Viewer,
        organisation_id: "nhs-south-east-london-icb",
        lead_ics: None,
    },
];

/// (token, owner's email)
pub const TOKENS: [(&str, &str); 2] = [("demo-token-slam", "slam@demo.test"), ("demo-token-board", "board@demo.test")];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Account(#[from] crate::error::AppError),
}

/// Creates whichever demo accounts and tokens are missing, and switches back
/// on any that were switched off when the app last ran without demo mode.
pub async fn seed(pool: &Pool) -> Result<(), DemoError> {
    for account in &ACCOUNTS {
        if let Some(id) = users::user_id_by_email(pool, account.email).await? {
            let mut tx = crate::db::begin_write(pool).await?;
            change_active(&mut tx, Actor::System("demo mode"), &id, true).await?;
            tx.commit().await?;
            continue;
        }
        let new = NewAccount {
            email: account.email.to_string(),
            display_name: account.name.to_string(),
            password: Some(DEMO_PASSWORD.to_string()),
            role: account.role,
            organisation_id: account.organisation_id.to_string(),
            lead_ics: account.lead_ics.map(str::to_string),
        };
        create_user(pool, Actor::System("demo mode"), &new).await?;
    }
    for (token, email) in TOKENS {
        let hash = secrets::token_hash(token);
        if users::token_hash_exists(pool, &hash).await? {
            continue;
        }
        let Some(owner) = users::principal_by_email(pool, email).await? else { continue };
        let id = crate::db::new_id();
        let mut tx = crate::db::begin_write(pool).await?;
        users::insert_api_token(&mut tx, &id, &owner.user_id, "demo token", &hash, None).await?;
        audit::record(
            &mut tx,
            Actor::System("demo mode"),
            Change {
                action: AuditAction::Create,
                entity: AuditEntity::ApiToken,
                entity_id: &id,
                before: None,
                after: Some(serde_json::json!({ "user": email, "name": "demo token" })),
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Without demo mode, the demo accounts (known passwords, known tokens) must not
/// work: any left in the database from an earlier demo run are switched off,
/// their sessions ended and their tokens stopped. Run at every start.
pub async fn deactivate_accounts(pool: &Pool) -> Result<usize, DemoError> {
    let mut switched_off = 0;
    for account in &ACCOUNTS {
        let Some(id) = users::user_id_by_email(pool, account.email).await? else { continue };
        let mut tx = crate::db::begin_write(pool).await?;
        if change_active(&mut tx, Actor::System("start-up: demo mode is off"), &id, false).await? {
            switched_off += 1;
        }
        tx.commit().await?;
    }
    Ok(switched_off)
}
