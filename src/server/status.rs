//! Status use cases: compute a period's status, and set overrides.

use super::auth::authorise;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::concordat::Concordat;
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{Action, Principal};
use crate::domain::rag::{Override, Rag};
use crate::domain::status::{london_status, LondonStatus};
use crate::domain::validation::{clean_text, FieldError, FieldErrors};
use crate::error::AppError;
use crate::model::status::{CellDetail, StatusPage};

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The period asked for, or the current one when none is given. A period before
/// the concordat's first or one that has not started has no status: 400.
pub fn period_or_current(text: &str) -> Result<ReportingPeriod, AppError> {
    if text.trim().is_empty() {
        return Ok(ReportingPeriod::containing(today()));
    }
    super::reference::reported_period("period", text, today())
}

/// Every ICS × commitment for one period, judged as at the period's end (or
/// today), and the concordat it was judged against, so callers need not load it again.
pub async fn london(pool: &Pool, period: ReportingPeriod) -> Result<(LondonStatus, Concordat), AppError> {
    let data = db::status::load(pool, period, period.judgement_date(today())).await?;
    Ok((london_status(&data), data.concordat))
}

/// The matrix page: every ICS × commitment for a period (blank: the current
/// one), and the periods one can choose, newest first.
pub async fn status_page(pool: &Pool, period: &str, signed_in: bool) -> Result<StatusPage, AppError> {
    let period = period_or_current(period)?;
    let (status, concordat) = london(pool, period).await?;
    let status = if signed_in { status } else { status.without_names() };
    let current = ReportingPeriod::containing(today());
    let periods = ReportingPeriod::range(ReportingPeriod::FIRST, current).into_iter().rev().collect();
    Ok(StatusPage { status, periods, concordat })
}

/// One cell's status and reasons, and whether the viewer may override it.
pub async fn cell_detail(
    pool: &Pool,
    session: Option<&super::auth::Session>,
    ics: &str,
    commitment_id: &str,
    period: &str,
) -> Result<CellDetail, AppError> {
    let period = period_or_current(period)?;
    let (status, concordat) = london(pool, period).await?;
    let ics_status = status
        .icss
        .iter()
        .find(|i| i.ics == *ics.trim().to_uppercase())
        .ok_or_else(|| AppError::NotFound(format!("ICS {ics}")))?;
    let cell = ics_status
        .cell(commitment_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("commitment {commitment_id}")))?;
    let commitment = concordat.commitments().find(|c| c.id == commitment_id).cloned().ok_or(AppError::Internal)?;
    let cell = if session.is_some() { cell } else { cell.without_names() };
    let can_override = session
        .is_some_and(|s| authorise(&s.principal, &Action::SetOverride { ics: ics_status.ics.to_string() }).is_ok());
    let csrf = session.map(|s| s.csrf_token.clone());
    let basis = basis(pool, ics_status.ics.as_str(), &commitment.id, period).await?;
    Ok(CellDetail { ics: ics_status.ics.clone(), period, commitment, cell, can_override, csrf, basis })
}

/// The organisations whose evidence (for the commitment) or partner readings
/// (of its metrics) in the ICS and period a cell rests on, each with the state
/// of its return, so a reader can see whether the board has accepted them.
async fn basis(
    pool: &Pool,
    ics: &str,
    commitment_id: &str,
    period: ReportingPeriod,
) -> Result<Vec<crate::model::status::ReturnBasis>, AppError> {
    use crate::domain::submission::SubmissionState;
    let period_text = period.to_string();
    let mut ids: Vec<String> = db::evidence::list_for_commitment(pool, commitment_id)
        .await?
        .into_iter()
        .filter(|e| e.ics_code == *ics && e.period == period)
        .map(|e| e.organisation_id)
        .collect();
    let metrics: Vec<String> = db::metrics::list(pool)
        .await?
        .into_iter()
        .filter(|m| m.definition.commitment_id == commitment_id)
        .map(|m| m.definition.id)
        .collect();
    ids.extend(
        db::readings::list(pool, Some(ics), Some(&period_text))
            .await?
            .into_iter()
            .filter(|r| !r.partner_id.is_empty() && metrics.contains(&r.metric_id))
            .map(|r| r.partner_id),
    );
    ids.sort();
    ids.dedup();
    let organisations = db::london::list_organisations(pool).await?;
    let returns = db::submissions::for_period(pool, &period_text).await?;
    let mut basis = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(org) = organisations.iter().find(|o| o.id == id) else { continue };
        let row = returns.iter().find(|r| r.organisation_id == id);
        let state = row.map(|r| r.state()).transpose()?.unwrap_or(SubmissionState::Draft);
        let (organisation_id, organisation_name) = (org.id.clone(), org.name.clone());
        basis.push(crate::model::status::ReturnBasis { organisation_id, organisation_name, state });
    }
    Ok(basis)
}

/// An override sets a rating: Red, Amber or Green, never No data or Not rated.
fn parse_rag(text: &str) -> Result<Rag, FieldError> {
    Rag::from_name(text.trim())
        .filter(|rag| rag.is_rated())
        .ok_or_else(|| FieldError::new("rag", format!("{:?} is not a status; choose red, amber or green", text.trim())))
}

pub struct OverrideForm<'a> {
    pub ics: &'a str,
    pub commitment_id: &'a str,
    pub period: &'a str,
    pub rag: &'a str,
    pub rationale: &'a str,
    pub expires_after: &'a str,
}

pub async fn set_override(pool: &Pool, principal: &Principal, form: &OverrideForm<'_>) -> Result<(), AppError> {
    let ics = super::reference::known_ics(pool, "ics", form.ics).await?;
    authorise(principal, &Action::SetOverride { ics: ics.to_string() })?;
    let mut errors = FieldErrors::new();
    let period_of =
        |field: &str, text: &str| ReportingPeriod::parse(text).map_err(|e| FieldError::new(field, e.to_string()));
    let period = errors.take(period_of("period", form.period));
    let expires = errors.take(period_of("expires_after", form.expires_after));
    let rag = errors.take(parse_rag(form.rag));
    let rationale = errors.take(clean_text("rationale", form.rationale, true, 2000));
    if let (Some(period), Some(expires)) = (period, expires) {
        if expires < period {
            errors.push(FieldError::new("expires_after", format!("must be {period} or later")));
        }
    }
    let (Some(period), Some(expires), Some(rag), Some(rationale), true) =
        (period, expires, rag, rationale, errors.is_empty())
    else {
        return Err(errors.into());
    };
    if !db::concordat::load(pool).await?.commitments().any(|c| c.id == form.commitment_id) {
        return Err(AppError::invalid("commitment_id", format!("there is no commitment {}", form.commitment_id)));
    }
    // Validated exactly as the status engine will read it back.
    Override::new(rag, rationale.clone(), principal.email.clone(), expires)
        .map_err(|e| AppError::invalid("rationale", e.to_string()))?;
    let rag_text = rag.as_str();
    let id = crate::db::new_id();
    let mut tx = crate::db::begin_write(pool).await?;
    db::status::insert_override(
        &mut tx,
        &db::status::NewOverride {
            id: &id,
            commitment_id: form.commitment_id,
            ics_code: ics.as_str(),
            period: &period.to_string(),
            expires_after: &expires.to_string(),
            rag: rag_text,
            rationale: &rationale,
            set_by: &principal.email,
        },
    )
    .await?;
    let after = serde_json::json!({
        "commitment_id": form.commitment_id, "ics": ics.as_str(), "period": period.to_string(),
        "expires_after": expires.to_string(), "rag": rag_text, "rationale": rationale,
    });
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::RagOverride,
            entity_id: &id,
            before: None,
            after: Some(after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
