//! The sign-up register: who has signed the concordat, for which ICSs.

use super::{Pool, Write};
use crate::domain::freshness::{Scope, Topic};
use crate::domain::signup::SignUp;
use sqlx::FromRow;
use std::collections::HashMap;

#[derive(FromRow)]
struct SqlSignUp {
    organisation_id: String,
    signed_on: String,
    signatory_name: String,
    signatory_role: String,
}

/// The whole register by organisation id, in two queries.
pub async fn register(pool: &Pool) -> Result<HashMap<String, SignUp>, sqlx::Error> {
    let rows: Vec<SqlSignUp> =
        sqlx::query_as("SELECT organisation_id, signed_on, signatory_name, signatory_role FROM concordat_signup")
            .fetch_all(pool)
            .await?;
    let icss: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.organisation_id, s.ics_code FROM concordat_signup_ics s JOIN ics i ON i.code = s.ics_code
         ORDER BY i.position",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let signed_for = icss.iter().filter(|(id, _)| *id == row.organisation_id).map(|(_, ics)| ics.clone());
            let signup = SignUp {
                signed_on: row.signed_on,
                signatory_name: row.signatory_name,
                signatory_role: row.signatory_role,
                icss: signed_for.collect(),
            };
            (row.organisation_id, signup)
        })
        .collect())
}

/// Records (or replaces) an organisation's signature.
pub async fn record(tx: &mut Write, organisation_id: &str, signup: &SignUp) -> Result<(), sqlx::Error> {
    // Sign-up is kept with the organisations (the register and the ICS pages read both).
    tx.changed(Scope::whole(Topic::Organisations));
    let now = super::now();
    sqlx::query(
        "INSERT INTO concordat_signup (organisation_id, signed_on, signatory_name, signatory_role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (organisation_id) DO UPDATE SET signed_on = excluded.signed_on,
             signatory_name = excluded.signatory_name, signatory_role = excluded.signatory_role,
             updated_at = excluded.updated_at",
    )
    .bind(organisation_id)
    .bind(&signup.signed_on)
    .bind(&signup.signatory_name)
    .bind(&signup.signatory_role)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    sqlx::query("DELETE FROM concordat_signup_ics WHERE organisation_id = $1")
        .bind(organisation_id)
        .execute(tx.conn())
        .await?;
    for ics in &signup.icss {
        sqlx::query(
            "INSERT INTO concordat_signup_ics (organisation_id, ics_code, created_at, updated_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(organisation_id)
        .bind(ics)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Removes an organisation's signature (recorded in error); `false` if it had none.
pub async fn withdraw(tx: &mut Write, organisation_id: &str) -> Result<bool, sqlx::Error> {
    tx.changed(Scope::whole(Topic::Organisations));
    sqlx::query("DELETE FROM concordat_signup_ics WHERE organisation_id = $1")
        .bind(organisation_id)
        .execute(tx.conn())
        .await?;
    let result = sqlx::query("DELETE FROM concordat_signup WHERE organisation_id = $1")
        .bind(organisation_id)
        .execute(tx.conn())
        .await?;
    Ok(result.rows_affected() == 1)
}
