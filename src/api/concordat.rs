//! Reading the concordat and London's ICSs: open to everyone.

use crate::domain::concordat::Concordat;
use crate::domain::london::{Ics, IcsDetail};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "concordat/get")]
pub async fn get_concordat() -> Result<Concordat, AppError> {
    let pool = crate::server::state::pool()?;
    Ok(crate::db::concordat::load(&pool).await?)
}

#[server(endpoint = "ics/list")]
pub async fn list_ics() -> Result<Vec<Ics>, AppError> {
    let pool = crate::server::state::pool()?;
    Ok(crate::db::london::list_ics(&pool).await?)
}

#[server(endpoint = "ics/get")]
pub async fn get_ics(code: String) -> Result<IcsDetail, AppError> {
    use crate::domain::london::IcsCode;
    let code = IcsCode::parse(&code).map_err(|message| AppError::invalid("code", message))?;
    let pool = crate::server::state::pool()?;
    crate::db::london::ics_detail(&pool, code.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("ICS {code}")))
}
