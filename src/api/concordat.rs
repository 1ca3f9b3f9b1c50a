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
    crate::db::london::ics_detail(&pool, code.as_str()).await?.ok_or_else(|| AppError::NotFound(format!("ICS {code}")))
}

/// The ICS page: the ICS and this period's status for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IcsPageData {
    pub detail: IcsDetail,
    pub status: crate::domain::status::IcsStatus,
    pub period: String,
    pub period_label: String,
    pub principle_numbers: Vec<(String, i64)>,
    pub latest_evidence: Vec<crate::api::evidence::EvidenceEntry>,
}

#[server(endpoint = "ics/page")]
pub async fn get_ics_page(code: String) -> Result<IcsPageData, AppError> {
    use crate::domain::period::ReportingPeriod;
    let detail = get_ics(code).await?;
    let pool = crate::server::state::pool()?;
    let period = ReportingPeriod::containing(crate::server::status::today());
    let (london, concordat) = crate::server::status::london(&pool, period).await?;
    let status = london.icss.into_iter().find(|i| i.ics == detail.ics.code).ok_or(AppError::Internal)?;
    let principle_numbers = concordat.principles.iter().map(|p| (p.id.clone(), p.number)).collect();
    let latest_evidence = crate::db::evidence::latest_for_ics(&pool, &detail.ics.code, 5).await?;
    Ok(IcsPageData {
        detail,
        status,
        period: period.to_string(),
        period_label: period.label(),
        principle_numbers,
        latest_evidence,
    })
}
