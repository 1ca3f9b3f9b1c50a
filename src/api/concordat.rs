//! Reading the concordat and London's ICSs: open to everyone.

use crate::domain::concordat::Concordat;
use crate::domain::london::{Ics, IcsDetail};
use crate::error::AppError;
use crate::model::concordat::IcsPageData;
use leptos::prelude::*;

#[server(endpoint = "concordat/get")]
pub async fn get_concordat() -> Result<Concordat, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::london::concordat(&pool).await
}

#[server(endpoint = "ics/list")]
pub async fn list_ics() -> Result<Vec<Ics>, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::london::list_ics(&pool).await
}

#[server(endpoint = "ics/get")]
pub async fn get_ics(code: String) -> Result<IcsDetail, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::london::ics_detail(&pool, &code).await
}

#[server(endpoint = "ics/page")]
pub async fn get_ics_page(code: String) -> Result<IcsPageData, AppError> {
    let pool = crate::server::state::pool()?;
    let signed_in = crate::server::auth::current_session().await?.is_some();
    crate::server::london::ics_page(&pool, &code, signed_in).await
}
