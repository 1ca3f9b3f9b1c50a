//! Organisations and the concordat's sign-up register.
// A server function takes a form's fields as its arguments.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::model::organisations::{OrganisationPage, OrganisationsPage, SignUpSummary};
use leptos::prelude::*;

#[server(endpoint = "organisations/list")]
pub async fn list_organisations() -> Result<OrganisationsPage, AppError> {
    let session = crate::server::auth::current_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::organisations::list_page(&pool, session.as_ref()).await
}

#[server(endpoint = "organisations/get")]
pub async fn get_organisation(id: String) -> Result<OrganisationPage, AppError> {
    let session = crate::server::auth::current_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::organisations::page(&pool, session.as_ref(), &id).await
}

/// Adds an organisation (blank `id`) or saves an edit; returns its id. ICS
/// codes it also serves come as one text, separated by commas or spaces.
#[server(endpoint = "organisations/save")]
pub async fn save_organisation(
    csrf: String,
    id: String,
    version: String,
    name: String,
    short_name: String,
    kind: String,
    ics: String,
    also_serves: String,
    ods: String,
    ons: String,
    started_on: String,
    retired_on: String,
    successor_id: String,
) -> Result<String, AppError> {
    use crate::domain::london::OrganisationInput;
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let input = OrganisationInput {
        name,
        short_name,
        kind,
        ics,
        also_serves: codes(&also_serves),
        ods,
        ons,
        started_on,
        retired_on,
        successor_id,
    };
    let saved = crate::server::organisations::save(&pool, &session.principal, &id, &version, &input).await?;
    if id.trim().is_empty() {
        // A new organisation: go to its page (with or without JavaScript).
        leptos_axum::redirect(&format!("/organisations/{saved}"));
    }
    Ok(saved)
}

/// Records who signed the concordat for an organisation. `icss`: ICS codes
/// separated by commas or spaces; blank for every ICS the organisation serves.
#[server(endpoint = "signup/record")]
pub async fn record_sign_up(
    csrf: String,
    organisation_id: String,
    signed_on: String,
    signatory_name: String,
    signatory_role: String,
    icss: String,
) -> Result<(), AppError> {
    use crate::domain::signup::SignUpInput;
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let input = SignUpInput { signed_on, signatory_name, signatory_role, icss: codes(&icss) };
    crate::server::organisations::record_sign_up(&pool, &session.principal, &organisation_id, &input).await
}

#[server(endpoint = "signup/withdraw")]
pub async fn withdraw_sign_up(csrf: String, organisation_id: String) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::organisations::withdraw_sign_up(&pool, &session.principal, &organisation_id).await
}

#[server(endpoint = "signup/summary")]
pub async fn get_sign_up_summary() -> Result<SignUpSummary, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::organisations::sign_up_summary(&pool).await
}

/// `"SEL, swl NCL"` → `["SEL", "swl", "NCL"]`: codes as typed, checked later.
#[cfg(feature = "ssr")]
fn codes(text: &str) -> Vec<String> {
    text.split([',', ' ', ';']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}
