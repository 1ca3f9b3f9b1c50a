//! A partner's figures for a quarter: the period form at `/me/figures`.

use crate::error::AppError;
use crate::model::figures::{FiguresSaved, PeriodFigures};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The form: `organisation` blank for the user's own, `period` blank for the
/// current quarter, `typed` what a refused save carried back.
#[server(endpoint = "figures/get")]
pub async fn get_figures(
    organisation: String,
    period: String,
    #[server(default)] typed: Option<BTreeMap<String, String>>,
) -> Result<PeriodFigures, AppError> {
    let session = crate::server::auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::figures::load(&pool, &session, &organisation, &period, typed.unwrap_or_default()).await
}

/// Saves every figure typed (`values[<key>]`) or none. Without JavaScript the
/// browser comes back to the form with what was typed, so nothing is lost.
#[server(endpoint = "figures/save")]
pub async fn save_figures(
    csrf: String,
    organisation: String,
    period: String,
    #[server(default)] values: Option<BTreeMap<String, String>>,
) -> Result<FiguresSaved, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let values = values.unwrap_or_default();
    let result = crate::server::figures::save(&pool, &session.principal, &organisation, &period, &values).await;
    if crate::server::errors::is_plain_form_post() {
        use crate::server::figures::form_address;
        let address = match &result {
            Ok(saved) => form_address(
                &organisation,
                &period,
                &BTreeMap::new(),
                Some(saved.inserted + saved.updated + saved.unchanged),
            ),
            Err(_) => form_address(&organisation, &period, &values, None),
        };
        leptos_axum::redirect(&address);
    }
    result
}
