//! Status use cases: compute a period's status, and set overrides.

use super::auth::authorise;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::concordat::Concordat;
use crate::domain::metric_series::SpcSummary;
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{Action, Principal};
use crate::domain::rag::{Override, Rag};
use crate::domain::status::{london_status, spc_summaries, LondonStatus};
use crate::domain::submission::SubmissionState;
use crate::domain::validation::{clean_text, FieldError, FieldErrors};
use crate::error::AppError;
use crate::model::status::{CellDetail, CellReview, Matrix, ReturnBasis, SpcGrid, StatusPage};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

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

/// One period's status, judged, with what every view of it derives from it.
pub struct PeriodStatus {
    /// Every ICS × commitment, judged as at the period's end (or today).
    pub status: LondonStatus,
    /// The concordat it was judged against, so callers need not load it again.
    pub concordat: Concordat,
    /// Making Data Count: every metric in every ICS over its readings up to the period.
    pub spc: Vec<SpcSummary>,
    /// How far each cell's returns have been accepted.
    pub reviews: Vec<CellReview>,
    /// The organisations each cell rests on, by (ICS, commitment).
    pub sources: HashMap<(String, String), BTreeSet<String>>,
    /// Each organisation's return state (those never started are absent: draft).
    pub states: HashMap<String, SubmissionState>,
}

/// `period`'s status. Judging it reads every ICS-level reading and the
/// period's evidence, so the result is kept until the next write
/// (`server::cache`): the pages that show it are read far more than written.
pub async fn london(pool: &Pool, period: ReportingPeriod) -> Result<Arc<PeriodStatus>, AppError> {
    let as_at = period.judgement_date(today());
    super::cache::cached(pool, &format!("status {period} {as_at}"), || async move {
        let data = db::status::load(pool, period, as_at).await?;
        let spc = data.ics_codes.iter().flat_map(|ics| spc_summaries(&data, ics.as_str())).collect();
        let sources = cell_sources(pool, period, None).await?;
        let states = return_states(pool, period).await?;
        let reviews = cell_reviews(&sources, &states);
        Ok(PeriodStatus { status: london_status(&data), concordat: data.concordat, spc, reviews, sources, states })
    })
    .await
}

/// The matrix page: every ICS × commitment for a period (blank: the current
/// one), and the periods one can choose, newest first. The matrix names no
/// one, so it is the same signed in or not.
pub async fn status_page(pool: &Pool, period: &str) -> Result<StatusPage, AppError> {
    let period = period_or_current(period)?;
    let judged = london(pool, period).await?;
    let current = ReportingPeriod::containing(today());
    let periods = ReportingPeriod::range(ReportingPeriod::FIRST, current).into_iter().rev().collect();
    Ok(StatusPage {
        matrix: Matrix::new(&judged.status, &judged.concordat, &judged.reviews),
        as_at: judged.status.as_at,
        rollup: judged.status.rollup,
        periods,
        spc: SpcGrid::new(&judged.spc, &judged.status.icss.iter().map(|i| i.ics.clone()).collect::<Vec<_>>()),
    })
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
    let judged = london(pool, period).await?;
    let ics_status = judged
        .status
        .icss
        .iter()
        .find(|i| i.ics == *ics.trim().to_uppercase())
        .ok_or_else(|| AppError::NotFound(format!("ICS {ics}")))?;
    let cell = ics_status
        .cell(commitment_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("commitment {commitment_id}")))?;
    let commitment =
        judged.concordat.commitments().find(|c| c.id == commitment_id).cloned().ok_or(AppError::Internal)?;
    let cell = if session.is_some() { cell } else { cell.without_names() };
    let can_override = session
        .is_some_and(|s| authorise(&s.principal, &Action::SetOverride { ics: ics_status.ics.to_string() }).is_ok());
    let csrf = session.map(|s| s.csrf_token.clone());
    let basis = basis(pool, &judged, ics_status.ics.as_str(), &commitment.id).await?;
    let partner_figures =
        db::readings::partner_figures_for_cell(pool, ics_status.ics.as_str(), &commitment.id, period).await?;
    Ok(CellDetail { ics: ics_status.ics.clone(), period, commitment, cell, can_override, csrf, basis, partner_figures })
}

/// The organisations each cell rests on, for a period (optionally one ICS):
/// those with evidence for the commitment, or partner readings of its metrics,
/// in that ICS. Keyed by (ICS, commitment).
async fn cell_sources(
    pool: &Pool,
    period: ReportingPeriod,
    ics: Option<&str>,
) -> Result<HashMap<(String, String), BTreeSet<String>>, AppError> {
    let period_text = period.to_string();
    let mut sources: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    for (ics, commitment, org) in db::evidence::sources_for_period(pool, &period_text, ics).await? {
        sources.entry((ics, commitment)).or_default().insert(org);
    }
    let commitment_of: HashMap<String, String> =
        db::metrics::list(pool).await?.into_iter().map(|m| (m.definition.id, m.definition.commitment_id)).collect();
    for (ics, metric, partner) in db::readings::partner_sources_for_period(pool, period, ics).await? {
        if let Some(commitment) = commitment_of.get(&metric) {
            sources.entry((ics, commitment.clone())).or_default().insert(partner);
        }
    }
    Ok(sources)
}

/// The organisations one cell rests on, each with its return's state.
async fn basis(
    pool: &Pool,
    judged: &PeriodStatus,
    ics: &str,
    commitment_id: &str,
) -> Result<Vec<ReturnBasis>, AppError> {
    let Some(ids) = judged.sources.get(&(ics.to_string(), commitment_id.to_string())) else {
        return Ok(Vec::new());
    };
    let organisations = db::london::list_organisations(pool).await?;
    let states = &judged.states;
    Ok(ids
        .iter()
        .filter_map(|id| organisations.iter().find(|o| o.id == *id))
        .map(|org| ReturnBasis {
            organisation_id: org.id.clone(),
            organisation_name: org.name.clone(),
            state: states.get(&org.id).copied().unwrap_or(SubmissionState::Draft),
        })
        .collect())
}

/// Each organisation's return state for a period (those never started are absent: draft).
async fn return_states(pool: &Pool, period: ReportingPeriod) -> Result<HashMap<String, SubmissionState>, AppError> {
    db::submissions::for_period(pool, &period.to_string())
        .await?
        .into_iter()
        .map(|row| Ok((row.organisation_id.clone(), row.state()?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// For the matrix: how many of the returns each cell rests on are accepted
/// (cells resting on none are left out).
fn cell_reviews(
    sources: &HashMap<(String, String), BTreeSet<String>>,
    states: &HashMap<String, SubmissionState>,
) -> Vec<CellReview> {
    let mut reviews: Vec<CellReview> = sources
        .iter()
        .map(|((ics, commitment_id), orgs)| CellReview {
            accepted: orgs.iter().filter(|org| states.get(*org) == Some(&SubmissionState::Accepted)).count(),
            total: orgs.len(),
            ics: ics.clone(),
            commitment_id: commitment_id.clone(),
        })
        .collect();
    reviews.sort_by(|a, b| (&a.ics, &a.commitment_id).cmp(&(&b.ics, &b.commitment_id)));
    reviews
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
