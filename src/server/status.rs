//! Status use cases: compute a period's status, and set overrides.

use super::auth::authorise;
use super::cache;
use crate::db::audit::{self, Actor, Change};
use crate::db::status::CellEvidenceCount;
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::concordat::Concordat;
use crate::domain::freshness::Versions;
use crate::domain::london::IcsCode;
use crate::domain::metric_series::SpcSummary;
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{Action, Principal};
use crate::domain::rag::{Override, Rag};
use crate::domain::status::{
    assess_cell, ics_figures, ics_status, london_rollup, CellEvidence, CommitmentCell, IcsFigures, LondonStatus,
    StatusEvidence,
};
use crate::domain::submission::SubmissionState;
use crate::domain::validation::{clean_text, FieldError, FieldErrors};
use crate::error::AppError;
use crate::model::status::{CellDetail, CellReview, Matrix, ReturnBasis, SpcGrid, StatusPage};
use chrono::NaiveDate;
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
    /// Every ICS × commitment, judged as at the period's end (or today), each
    /// cell's evidence counted: its reasons say how many entries of each kind
    /// (the cell's own page lists them, see `cell_detail`).
    pub status: LondonStatus,
    /// The concordat it was judged against, so callers need not load it again.
    pub concordat: Concordat,
    /// Making Data Count: every metric in every ICS over its readings up to the period.
    pub spc: Vec<SpcSummary>,
    /// Each ICS's figures for the period, in the ICSs' order.
    pub figures: Vec<Arc<IcsFigures>>,
    /// How far each cell's returns have been accepted.
    pub reviews: Vec<CellReview>,
    /// The organisations each cell rests on, by (ICS, commitment).
    pub sources: HashMap<(String, String), BTreeSet<String>>,
    /// Each organisation's return state (those never started are absent: draft).
    pub states: HashMap<String, SubmissionState>,
}

/// The concordat and London's ICSs: what every view is laid out by.
pub struct Reference {
    pub concordat: Concordat,
    pub ics_codes: Vec<IcsCode>,
}

/// What each part of a period's status rests on (`domain::freshness`): the
/// loaders below read exactly these.
pub mod rests_on {
    use crate::domain::freshness::{Dependency, Span, Topic};
    use crate::domain::period::ReportingPeriod;

    /// The concordat and the ICSs (seeded with the organisations).
    pub fn reference() -> Vec<Dependency> {
        vec![Dependency::on(Topic::Concordat), Dependency::on(Topic::Organisations)]
    }

    /// An ICS's figures for a period: the catalogue and its targets, the ICS's
    /// rebases and its ICS-level readings up to the period.
    pub fn figures(ics: &str, period: ReportingPeriod) -> Vec<Dependency> {
        vec![
            Dependency::on(Topic::Catalogue),
            Dependency::on(Topic::Rebases).in_ics(ics),
            Dependency::on(Topic::IcsReadings).in_ics(ics).over(Span::UpTo(period)),
        ]
    }

    /// One cell's evidence in a period.
    pub fn evidence(ics: &str, commitment: &str, period: ReportingPeriod) -> Vec<Dependency> {
        vec![Dependency::on(Topic::Evidence).in_ics(ics).over(Span::Exactly(period)).for_commitment(commitment)]
    }

    /// Who sent an ICS's partners' figures for a period (and the catalogue
    /// that says which commitment each metric is for).
    pub fn partners(ics: &str, period: ReportingPeriod) -> Vec<Dependency> {
        vec![
            Dependency::on(Topic::Catalogue),
            Dependency::on(Topic::PartnerReadings).in_ics(ics).over(Span::Exactly(period)),
        ]
    }

    pub fn overrides() -> Vec<Dependency> {
        vec![Dependency::on(Topic::Overrides)]
    }

    pub fn returns(period: ReportingPeriod) -> Vec<Dependency> {
        vec![Dependency::on(Topic::Returns).over(Span::Exactly(period))]
    }

    /// The whole period: everything above, for every ICS and commitment.
    pub fn period(period: ReportingPeriod) -> Vec<Dependency> {
        let mut all = reference();
        all.extend([
            Dependency::on(Topic::Catalogue),
            Dependency::on(Topic::Rebases),
            Dependency::on(Topic::IcsReadings).over(Span::UpTo(period)),
            Dependency::on(Topic::Evidence).over(Span::Exactly(period)),
            Dependency::on(Topic::PartnerReadings).over(Span::Exactly(period)),
        ]);
        all.extend(overrides());
        all.extend(returns(period));
        all
    }

    /// One cell with its evidence listed: its ICS's figures, its evidence with
    /// the names of the organisations that sent it, and the ICS's overrides.
    pub fn cell(ics: &str, commitment: &str, period: ReportingPeriod) -> Vec<Dependency> {
        let mut all = figures(ics, period);
        all.extend(evidence(ics, commitment, period));
        all.extend([Dependency::on(Topic::Organisations), Dependency::on(Topic::Overrides).in_ics(ics)]);
        all
    }
}

/// The versions of what views of `period` rest on, read once for a request.
pub async fn versions(pool: &Pool, period: ReportingPeriod) -> Result<Versions, AppError> {
    Ok(db::freshness::versions(pool, period).await?)
}

/// The concordat and the ICSs, kept until either changes.
pub async fn reference(pool: &Pool, versions: &Versions) -> Result<Arc<Reference>, AppError> {
    cache::cached(versions, "reference", &rests_on::reference(), || async {
        let concordat = db::concordat::load(pool).await?;
        let ics_codes = db::london::ics_codes(pool).await?;
        Ok(Reference { concordat, ics_codes })
    })
    .await
}

/// The concordat as it stands now.
pub async fn concordat(pool: &Pool) -> Result<Concordat, AppError> {
    let versions = versions(pool, ReportingPeriod::containing(today())).await?;
    Ok(reference(pool, &versions).await?.concordat.clone())
}

/// `period`'s status. Each part is kept until something it rests on changes
/// (`server::cache`), so a write recomputes only what it changed: a reading
/// for SEL, SEL's figures for its period and those after; evidence for a
/// commitment, that cell. Composing the parts is cheap and kept too.
pub async fn london(pool: &Pool, period: ReportingPeriod) -> Result<Arc<PeriodStatus>, AppError> {
    let versions = versions(pool, period).await?;
    london_at(pool, &versions).await
}

/// `london` with the versions already read.
pub async fn london_at(pool: &Pool, versions: &Versions) -> Result<Arc<PeriodStatus>, AppError> {
    let period = versions.period;
    let as_at = period.judgement_date(today());
    cache::cached(versions, &format!("status {period} {as_at}"), &rests_on::period(period), || {
        compose(pool, versions, as_at)
    })
    .await
}

async fn compose(pool: &Pool, versions: &Versions, as_at: NaiveDate) -> Result<PeriodStatus, AppError> {
    let period = versions.period;
    let reference = reference(pool, versions).await?;
    let icss: Vec<String> = reference.ics_codes.iter().map(ToString::to_string).collect();
    let cells: Vec<(String, String)> = icss
        .iter()
        .flat_map(|ics| reference.concordat.commitments().map(move |c| (ics.clone(), c.id.clone())))
        .collect();
    let (figures, evidence, overrides, partners, states) = tokio::try_join!(
        figures(pool, versions, as_at, &icss),
        evidence_counts(pool, versions, as_at, &cells),
        overrides(pool, versions),
        partner_sources(pool, versions, &icss),
        return_states(pool, versions),
    )?;
    let evidence: HashMap<&(String, String), &CellEvidenceCount> =
        cells.iter().zip(&evidence).map(|(k, v)| (k, &**v)).collect();
    let no_evidence = CellEvidenceCount::default();
    let ics_statuses = reference
        .ics_codes
        .iter()
        .zip(&figures)
        .map(|(ics, figures)| {
            ics_status(&reference.concordat, ics, |commitment| {
                let key = (ics.to_string(), commitment.to_string());
                let counted = evidence.get(&key).copied().unwrap_or(&no_evidence);
                let override_in_force = overrides.get(&(commitment.to_string(), ics.to_string()));
                assess_cell(
                    period,
                    as_at,
                    commitment,
                    figures,
                    CellEvidence::Counted(&counted.tally),
                    override_in_force,
                )
            })
        })
        .collect();
    let mut sources: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    for (cell, counted) in &evidence {
        if !counted.organisations.is_empty() {
            sources.entry((*cell).clone()).or_default().extend(counted.organisations.iter().cloned());
        }
    }
    for (ics, by_commitment) in icss.iter().zip(&partners) {
        for (commitment, organisations) in by_commitment.iter() {
            sources.entry((ics.clone(), commitment.clone())).or_default().extend(organisations.iter().cloned());
        }
    }
    let reviews = cell_reviews(&sources, &states);
    Ok(PeriodStatus {
        status: london_rollup(period, as_at, ics_statuses),
        concordat: reference.concordat.clone(),
        spc: figures.iter().flat_map(|f| f.spc().cloned()).collect(),
        figures: figures.clone(),
        reviews,
        sources,
        states: HashMap::clone(&states),
    })
}

/// The figures of each of `icss` for the period, those unchanged from memory.
async fn figures(
    pool: &Pool,
    versions: &Versions,
    as_at: NaiveDate,
    icss: &[String],
) -> Result<Vec<Arc<IcsFigures>>, AppError> {
    let period = versions.period;
    let parts = icss
        .iter()
        .map(|ics| cache::Part {
            key: ics.clone(),
            name: format!("figures {period} {as_at} {ics}"),
            dependencies: rests_on::figures(ics, period),
        })
        .collect();
    cache::cached_many(versions, &format!("figures {period} {as_at}"), parts, |missing: Vec<String>| async move {
        let data = Arc::new(db::status::figure_data(pool, period, as_at, &missing).await?);
        // Each ICS's charts on a thread of its own: the analyses are most of the work.
        let analyses: Vec<_> = missing
            .into_iter()
            .map(|ics| {
                let data = data.clone();
                tokio::task::spawn_blocking(move || {
                    let figures = ics_figures(&data, &ics);
                    (ics, figures)
                })
            })
            .collect();
        let mut found = HashMap::new();
        for analysis in analyses {
            let (ics, figures) = analysis.await.map_err(|error| {
                tracing::error!(%error, "an ICS's figures could not be computed");
                AppError::Internal
            })?;
            found.insert(ics, figures);
        }
        Ok(found)
    })
    .await
}

/// Each cell's evidence for the period, counted; those unchanged from memory.
async fn evidence_counts(
    pool: &Pool,
    versions: &Versions,
    as_at: NaiveDate,
    cells: &[(String, String)],
) -> Result<Vec<Arc<CellEvidenceCount>>, AppError> {
    let period = versions.period;
    let parts = cells
        .iter()
        .map(|(ics, commitment)| cache::Part {
            key: (ics.clone(), commitment.clone()),
            name: format!("evidence {period} {as_at} {ics} {commitment}"),
            dependencies: rests_on::evidence(ics, commitment, period),
        })
        .collect();
    cache::cached_many(versions, &format!("evidence {period} {as_at}"), parts, |missing| async move {
        Ok(db::status::evidence_counts(pool, period, as_at, &missing).await?)
    })
    .await
}

async fn overrides(pool: &Pool, versions: &Versions) -> Result<Arc<HashMap<(String, String), Override>>, AppError> {
    let period = versions.period;
    cache::cached(versions, &format!("overrides {period}"), &rests_on::overrides(), || async move {
        Ok(db::status::overrides_in_force(pool, period).await?)
    })
    .await
}

/// For each of `icss`, the partners whose figures each commitment rests on.
async fn partner_sources(
    pool: &Pool,
    versions: &Versions,
    icss: &[String],
) -> Result<Vec<Arc<HashMap<String, BTreeSet<String>>>>, AppError> {
    let period = versions.period;
    let parts = icss
        .iter()
        .map(|ics| cache::Part {
            key: ics.clone(),
            name: format!("partners {period} {ics}"),
            dependencies: rests_on::partners(ics, period),
        })
        .collect();
    cache::cached_many(versions, &format!("partners {period}"), parts, |missing: Vec<String>| async move {
        let one_ics = if missing.len() == 1 { missing.first().map(String::as_str) } else { None };
        let mut found: HashMap<String, HashMap<String, BTreeSet<String>>> =
            missing.iter().map(|ics| (ics.clone(), HashMap::new())).collect();
        for (ics, commitment, partner) in db::readings::partner_sources_for_period(pool, period, one_ics).await? {
            if let Some(by_commitment) = found.get_mut(&ics) {
                by_commitment.entry(commitment).or_default().insert(partner);
            }
        }
        Ok(found)
    })
    .await
}

/// Each organisation's return state for the period (those never started are absent: draft).
async fn return_states(pool: &Pool, versions: &Versions) -> Result<Arc<HashMap<String, SubmissionState>>, AppError> {
    let period = versions.period;
    cache::cached(versions, &format!("returns {period}"), &rests_on::returns(period), || async move {
        db::submissions::for_period(pool, &period.to_string())
            .await?
            .into_iter()
            .map(|row| Ok((row.organisation_id.clone(), row.state()?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(AppError::from)
    })
    .await
}

/// One cell with every reason: its evidence listed entry by entry, for its own page.
pub async fn full_cell(
    pool: &Pool,
    versions: &Versions,
    ics: &str,
    commitment_id: &str,
) -> Result<Arc<CommitmentCell>, AppError> {
    let period = versions.period;
    let as_at = period.judgement_date(today());
    let name = format!("cell {period} {as_at} {ics} {commitment_id}");
    cache::cached(versions, &name, &rests_on::cell(ics, commitment_id, period), || async move {
        let icss = [ics.to_string()];
        let (figures, evidence, overrides) = tokio::try_join!(
            figures(pool, versions, as_at, &icss),
            async { Ok::<_, AppError>(db::status::cell_evidence(pool, ics, commitment_id, period).await?) },
            overrides(pool, versions),
        )?;
        let figures = figures.first().ok_or(AppError::Internal)?;
        let entries: Vec<&StatusEvidence> = evidence.iter().collect();
        let override_in_force = overrides.get(&(commitment_id.to_string(), ics.to_string()));
        Ok(assess_cell(period, as_at, commitment_id, figures, CellEvidence::Listed(&entries), override_in_force))
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

/// One cell's status with every reason, and whether the viewer may override it.
pub async fn cell_detail(
    pool: &Pool,
    session: Option<&super::auth::Session>,
    ics: &str,
    commitment_id: &str,
    period: &str,
) -> Result<CellDetail, AppError> {
    let period = period_or_current(period)?;
    let versions = versions(pool, period).await?;
    let judged = london_at(pool, &versions).await?;
    let ics_status = judged
        .status
        .icss
        .iter()
        .find(|i| i.ics == *ics.trim().to_uppercase())
        .ok_or_else(|| AppError::NotFound(format!("ICS {ics}")))?;
    let commitment = judged
        .concordat
        .commitments()
        .find(|c| c.id == commitment_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("commitment {commitment_id}")))?;
    let cell = CommitmentCell::clone(&*full_cell(pool, &versions, ics_status.ics.as_str(), &commitment.id).await?);
    let cell = if session.is_some() { cell } else { cell.without_names() };
    let can_override = session
        .is_some_and(|s| authorise(&s.principal, &Action::SetOverride { ics: ics_status.ics.to_string() }).is_ok());
    let csrf = session.map(|s| s.csrf_token.clone());
    let basis = basis(pool, &judged, ics_status.ics.as_str(), &commitment.id).await?;
    let partner_figures =
        db::readings::partner_figures_for_cell(pool, ics_status.ics.as_str(), &commitment.id, period).await?;
    Ok(CellDetail { ics: ics_status.ics.clone(), period, commitment, cell, can_override, csrf, basis, partner_figures })
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
