//! Reading the concordat and London's ICSs: open to everyone.

use crate::db::{self, Pool};
use crate::domain::concordat::Concordat;
use crate::domain::london::{Ics, IcsCode, IcsDetail};
use crate::domain::period::ReportingPeriod;
use crate::error::AppError;
use crate::model::concordat::IcsPageData;
use crate::model::evidence::EvidenceEntry;

/// The concordat, kept in memory until it changes (see `status::reference`).
pub async fn concordat(pool: &Pool) -> Result<Concordat, AppError> {
    super::status::concordat(pool).await
}

pub async fn list_ics(pool: &Pool) -> Result<Vec<Ics>, AppError> {
    Ok(db::london::list_ics(pool).await?)
}

/// One ICS with its boroughs and partners: 400 for a malformed code, 404 for an unknown one.
pub async fn ics_detail(pool: &Pool, code: &str) -> Result<IcsDetail, AppError> {
    let code = IcsCode::parse(code).map_err(|message| AppError::invalid("code", message))?;
    db::london::ics_detail(pool, code.as_str()).await?.ok_or_else(|| AppError::NotFound(format!("ICS {code}")))
}

/// The ICS page: the ICS, this period's status for it and its latest evidence.
pub async fn ics_page(pool: &Pool, code: &str, signed_in: bool) -> Result<IcsPageData, AppError> {
    let detail = ics_detail(pool, code).await?;
    let period = ReportingPeriod::containing(super::status::today());
    let judged = super::status::london(pool, period).await?;
    // The page shows each cell's main reason; the rest are on the cell's page.
    let status = judged
        .status
        .icss
        .iter()
        .find(|i| i.ics == detail.ics.code)
        .cloned()
        .ok_or(AppError::Internal)?
        .keeping_reasons(1);
    let spc = judged.spc.iter().filter(|row| row.ics == detail.ics.code).cloned().collect();
    let principle_numbers = judged.concordat.principles.iter().map(|p| (p.id.clone(), p.number)).collect();
    let latest_evidence = db::evidence::latest_for_ics(pool, &detail.ics.code, 5).await?;
    let (status, latest_evidence) = if signed_in {
        (status, latest_evidence)
    } else {
        (status.without_names(), latest_evidence.into_iter().map(EvidenceEntry::without_names).collect())
    };
    let signup = super::organisations::ics_sign_up_view(pool, &detail.ics.code, &detail.ics.name).await?;
    Ok(IcsPageData { detail, status, period, principle_numbers, latest_evidence, signup, spc })
}
