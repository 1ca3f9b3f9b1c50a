//! Evidence use cases: load what a page needs, check permission, validate, save
//! with history and audit in one transaction.

use super::auth::{self, authorise};
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, evidence::Placement};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::concordat::is_commitment_id;
use crate::domain::evidence::{validate, EvidenceDraft};
use crate::domain::london::{IcsCode, Organisation};
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{Action, Principal};
use crate::error::AppError;
use crate::model::evidence::{
    CommitmentEvidence, CommitmentProgress, EvidenceDetail, EvidenceEntry, EvidenceSlice, EvidenceVersion,
    MyOrganisation, OrganisationChoice,
};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn edit_action(org: &Organisation) -> Action {
    Action::EditEvidence { org_id: org.id.clone(), org_ics: org.ics.clone() }
}

/// Which evidence the commitment page was asked for: `?period=` (blank: every
/// period), `?ics=` (blank: each ICS's newest few) and `?page=` (from 1).
pub struct EvidenceQuery<'a> {
    pub period: &'a str,
    pub ics: &'a str,
    pub page: &'a str,
}

/// The slice of a commitment's evidence a page shows, and the entries in it.
async fn evidence_slice(
    pool: &db::Pool,
    commitment_id: &str,
    query: &EvidenceQuery<'_>,
) -> Result<(EvidenceSlice, Vec<EvidenceEntry>), AppError> {
    let period = match query.period.trim() {
        "" => None,
        text => Some(super::reference::reported_period("period", text, today())?),
    };
    let ics = match query.ics.trim() {
        "" => None,
        text => Some(super::reference::requested_ics(pool, text).await?),
    };
    let page: u32 = match query.page.trim() {
        "" => 1,
        text => text
            .parse()
            .ok()
            .filter(|&page| page >= 1)
            .ok_or_else(|| AppError::invalid("page", format!("{text:?} is not a page number (1, 2, …)")))?,
    };
    let period_text = period.map(|p| p.to_string());
    let counts: Vec<(IcsCode, i64)> = db::evidence::count_for_commitment(pool, commitment_id, period_text.as_deref())
        .await?
        .into_iter()
        .filter_map(|(code, n)| IcsCode::parse(&code).ok().map(|code| (code, n)))
        .collect();
    let mut slice = EvidenceSlice { period, ics: ics.clone(), page, page_count: 1, counts };
    let mut entries = Vec::new();
    match &ics {
        Some(ics) => {
            let size = EvidenceSlice::PAGE_SIZE;
            slice.page_count = u32::try_from((slice.count(ics) + size - 1) / size).unwrap_or(u32::MAX).max(1);
            if page > slice.page_count {
                return Err(AppError::NotFound(format!(
                    "page {page} of {ics}'s evidence for {commitment_id} (there are {})",
                    slice.page_count
                )));
            }
            let offset = i64::from(page - 1) * size;
            entries = db::evidence::page_for_commitment(
                pool,
                commitment_id,
                ics.as_str(),
                period_text.as_deref(),
                size,
                offset,
            )
            .await?;
        }
        None => {
            // Each ICS's latest, side by side.
            let mut latest = tokio::task::JoinSet::new();
            for (position, (code, _)) in slice.counts.iter().enumerate() {
                let (pool, commitment, ics, period) =
                    (pool.clone(), commitment_id.to_string(), code.to_string(), period_text.clone());
                latest.spawn(async move {
                    let page = db::evidence::page_for_commitment(
                        &pool,
                        &commitment,
                        &ics,
                        period.as_deref(),
                        EvidenceSlice::PER_ICS,
                        0,
                    )
                    .await;
                    (position, page)
                });
            }
            let mut pages = Vec::new();
            while let Some(done) = latest.join_next().await {
                let (position, page) = done.map_err(|error| {
                    tracing::error!(%error, "a page of evidence could not be read");
                    AppError::Internal
                })?;
                pages.push((position, page?));
            }
            pages.sort_by_key(|(position, _)| *position);
            entries.extend(pages.into_iter().flat_map(|(_, page)| page));
        }
    }
    Ok((slice, entries))
}

pub async fn commitment_evidence(
    commitment_id: &str,
    query: &EvidenceQuery<'_>,
) -> Result<CommitmentEvidence, AppError> {
    if !is_commitment_id(commitment_id) {
        return Err(AppError::NotFound(format!("commitment {commitment_id}")));
    }
    let pool = super::state::pool()?;
    let period = ReportingPeriod::containing(today());
    let judged = super::status::london(&pool, period).await?;
    let (principle, commitment) = judged
        .concordat
        .principles
        .iter()
        .find_map(|p| p.commitments.iter().find(|c| c.id == commitment_id).map(|c| (p, c.clone())))
        .ok_or_else(|| AppError::NotFound(format!("commitment {commitment_id}")))?;
    let (shown, entries) = evidence_slice(&pool, commitment_id, query).await?;
    let session = auth::current_session().await?;
    let entries =
        if session.is_some() { entries } else { entries.into_iter().map(EvidenceEntry::without_names).collect() };
    let (can_add_for, editable) = match &session {
        Some(s) => {
            let organisations = db::london::list_organisations(&pool).await?;
            let allowed: Vec<&Organisation> =
                organisations.iter().filter(|o| authorise(&s.principal, &edit_action(o)).is_ok()).collect();
            let editable = entries
                .iter()
                .filter(|e| allowed.iter().any(|o| o.id == e.organisation_id))
                .map(|e| e.id.clone())
                .collect();
            let choices = allowed
                .into_iter()
                .map(|o| OrganisationChoice {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    ics: o.ics.as_deref().and_then(|code| IcsCode::parse(code).ok()),
                })
                .collect();
            (choices, editable)
        }
        None => (Vec::new(), Vec::new()),
    };
    let status_by_ics = judged
        .status
        .icss
        .iter()
        .map(|i| (i.ics.clone(), i.cell(commitment_id).map(|c| c.rag).unwrap_or(crate::domain::rag::Rag::NoData)))
        .collect();
    let sparklines = sparklines(&pool, commitment_id, period, &judged.figures).await?;
    Ok(CommitmentEvidence {
        sparklines,
        csrf: session.map(|s| s.csrf_token),
        status_by_ics,
        principle_title: principle.title.clone(),
        commitment,
        entries,
        shown,
        ics_codes: judged.status.icss.iter().map(|i| i.ics.clone()).collect(),
        current_period: period,
        periods: ReportingPeriod::range(ReportingPeriod::FIRST, period).into_iter().rev().collect(),
        can_add_for,
        editable,
    })
}

pub async fn evidence_detail(id: &str) -> Result<EvidenceDetail, AppError> {
    let pool = super::state::pool()?;
    let entry =
        db::evidence::get(&pool, id).await?.ok_or_else(|| AppError::NotFound(format!("evidence entry {id:?}")))?;
    let versions = db::evidence::versions(&pool, id).await?;
    let session = auth::current_session().await?;
    let can_edit = match &session {
        Some(s) => {
            let org = db::london::get_organisation(&pool, &entry.organisation_id).await?;
            org.is_some_and(|o| authorise(&s.principal, &edit_action(&o)).is_ok())
        }
        None => false,
    };
    let concordat = db::concordat::load(&pool).await?;
    let commitment = concordat.commitments().find(|c| c.id == entry.commitment_id).cloned().ok_or_else(|| {
        tracing::error!(entry = %entry.id, commitment = %entry.commitment_id, "evidence for a commitment that is not in the concordat");
        AppError::Internal
    })?;
    let (entry, versions) = if session.is_some() {
        (entry, versions)
    } else {
        let versions = versions.into_iter().map(|v| EvidenceVersion { entry: v.entry.without_names(), ..v }).collect();
        (entry.without_names(), versions)
    };
    Ok(EvidenceDetail { entry, versions, can_edit, commitment, csrf: session.map(|s| s.csrf_token) })
}

pub async fn my_organisation() -> Result<MyOrganisation, AppError> {
    let session = auth::require_session().await?;
    let pool = super::state::pool()?;
    let org = db::london::get_organisation(&pool, &session.principal.organisation_id)
        .await?
        .ok_or_else(|| AppError::NotFound("your organisation".into()))?;
    let period = ReportingPeriod::containing(today());
    let counts = db::evidence::count_for_organisation(&pool, &org.id, &period.to_string()).await?;
    let concordat = db::concordat::load(&pool).await?;
    let commitments = concordat
        .commitments()
        .map(|c| CommitmentProgress {
            commitment_id: c.id.clone(),
            text: c.text.clone(),
            entries: counts.iter().find(|(id, _)| *id == c.id).map_or(0, |(_, n)| *n),
        })
        .collect();
    let days = super::state::submission_days();
    let mut submissions = Vec::new();
    for returned in [period.previous(), period] {
        submissions.push(super::submissions::for_organisation(&pool, days, &org, returned, true).await?);
    }
    Ok(MyOrganisation {
        organisation_id: org.id.clone(),
        organisation_name: org.name,
        submissions,
        period,
        due_date: period.submission_due_date(super::state::submission_days()),
        commitments,
    })
}

/// The ICS an entry is recorded for: the organisation's own, or, for a London-wide
/// organisation, the one the form names.
fn placement_ics(org: &Organisation, submitted: &str) -> Result<String, AppError> {
    match &org.ics {
        Some(ics) => Ok(ics.clone()),
        None => IcsCode::parse(submitted)
            .map(|c| c.to_string())
            .map_err(|_| AppError::invalid("ics", "choose the ICS this evidence is for")),
    }
}

/// Creates (empty `id`) or edits an entry, checking permission against the
/// organisation that owns it, with its version and audit row in one transaction.
pub async fn save(
    pool: &db::Pool,
    principal: &Principal,
    id: &str,
    expected_version: i64,
    organisation_id: &str,
    ics: &str,
    draft: &EvidenceDraft,
) -> Result<EvidenceEntry, AppError> {
    let id = id.trim();
    if id.is_empty() {
        // New entry: permission follows the organisation it is recorded for.
        let organisation_id =
            if organisation_id.trim().is_empty() { &principal.organisation_id } else { organisation_id.trim() };
        let org = db::london::get_organisation(pool, organisation_id).await?.ok_or_else(|| {
            AppError::invalid("organisation_id", format!("there is no organisation {organisation_id:?}"))
        })?;
        authorise(principal, &edit_action(&org))?;
        let input = validate(draft, today())?;
        let ics = placement_ics(&org, ics)?;
        ensure_commitment_exists(pool, &input.commitment_id, input.action_id.as_deref()).await?;
        let new_id = crate::db::new_id();
        let mut tx = crate::db::begin_write(pool).await?;
        db::evidence::insert(
            &mut tx,
            &new_id,
            Placement { organisation_id: &org.id, ics_code: &ics },
            &input,
            Some(&principal.user_id),
        )
        .await?;
        let entry = db::evidence::get_in(&mut tx, &new_id).await?.ok_or(AppError::Internal)?;
        db::evidence::save_version(&mut tx, &entry, Some(&principal.user_id)).await?;
        audit::record(
            &mut tx,
            Actor::User(principal),
            Change {
                action: AuditAction::Create,
                entity: AuditEntity::Evidence,
                entity_id: &new_id,
                before: None,
                after: serde_json::to_value(&entry).ok(),
            },
        )
        .await?;
        let changed = format!("evidence {new_id} added");
        super::submissions::reopen_after_change(&mut tx, principal, &org.id, &entry.period.to_string(), &changed)
            .await?;
        tx.commit().await?;
        Ok(entry)
    } else {
        // Edit: permission follows the organisation that owns the entry, whatever the form says.
        let existing =
            db::evidence::get(pool, id).await?.ok_or_else(|| AppError::NotFound(format!("evidence entry {id:?}")))?;
        let org = db::london::get_organisation(pool, &existing.organisation_id).await?.ok_or(AppError::Internal)?;
        authorise(principal, &edit_action(&org))?;
        let input = validate(draft, today())?;
        ensure_commitment_exists(pool, &input.commitment_id, input.action_id.as_deref()).await?;
        let mut tx = crate::db::begin_write(pool).await?;
        if !db::evidence::update(&mut tx, id, expected_version, &input, &principal.user_id).await? {
            tx.rollback().await?;
            let current = db::evidence::get(pool, id).await?.ok_or(AppError::Internal)?;
            return Err(AppError::Conflict(conflict_message(&current, expected_version)));
        }
        let entry = db::evidence::get_in(&mut tx, id).await?.ok_or(AppError::Internal)?;
        db::evidence::save_version(&mut tx, &entry, Some(&principal.user_id)).await?;
        audit::record(
            &mut tx,
            Actor::User(principal),
            Change {
                action: AuditAction::Update,
                entity: AuditEntity::Evidence,
                entity_id: id,
                before: serde_json::to_value(&existing).ok(),
                after: serde_json::to_value(&entry).ok(),
            },
        )
        .await?;
        let changed = format!("evidence {id} edited");
        for period in [existing.period, entry.period] {
            super::submissions::reopen_after_change(&mut tx, principal, &org.id, &period.to_string(), &changed).await?;
        }
        tx.commit().await?;
        Ok(entry)
    }
}

/// Both versions in words: theirs (saved) is quoted here; yours is still in the form.
fn conflict_message(current: &EvidenceEntry, expected_version: i64) -> String {
    let who = current.updated_by.as_deref().unwrap_or("someone else");
    format!(
        "{who} saved version {} of this evidence at {} while you were editing version {expected_version}. \
         Their version says: \u{201c}{}\u{201d} (status: {}). Your version is still in the form below: \
         copy anything you need, reload the page to see theirs, and save again.",
        current.version,
        current.updated_at,
        current.narrative,
        current.delivery_status.map(|s| s.label()).unwrap_or("not given"),
    )
}

async fn ensure_commitment_exists(
    pool: &db::Pool,
    commitment_id: &str,
    action_id: Option<&str>,
) -> Result<(), AppError> {
    let concordat = db::concordat::load(pool).await?;
    let commitment = concordat
        .commitments()
        .find(|c| c.id == commitment_id)
        .ok_or_else(|| AppError::invalid("commitment_id", format!("there is no commitment {commitment_id}")))?;
    if let Some(action_id) = action_id {
        if !commitment.actions.iter().any(|a| a.id == action_id) {
            return Err(AppError::invalid(
                "action_id",
                format!("commitment {commitment_id} has no action {action_id}"),
            ));
        }
    }
    Ok(())
}

/// How many periods a sparkline shows: two years.
const SPARKLINE_PERIODS: usize = 8;

async fn sparklines(
    pool: &db::Pool,
    commitment_id: &str,
    current: ReportingPeriod,
    figures: &[std::sync::Arc<crate::domain::status::IcsFigures>],
) -> Result<Vec<crate::model::evidence::MetricSparklines>, AppError> {
    use crate::domain::metric_series::{quarter_figure, SeriesPoint, SeriesRules};
    use std::collections::HashMap;
    let first = ReportingPeriod::FIRST;
    // The current period's figures hold every ICS-level reading so far (a
    // period that has not started takes none): those since the concordat
    // began, by (metric, ICS).
    let series: HashMap<(String, String), Vec<SeriesPoint>> = figures
        .iter()
        .flat_map(|ics| {
            ics.metrics.iter().filter(|m| m.commitment_id == commitment_id).map(|m| {
                let since: Vec<SeriesPoint> =
                    m.points.iter().copied().filter(|p| p.period.quarter() >= first).collect();
                ((m.metric_id.clone(), ics.ics.clone()), since)
            })
        })
        .filter(|(_, points)| !points.is_empty())
        .collect();
    // The window ends at the latest reading's quarter (or now, if there is
    // none), so older data still shows, and never starts before the concordat did.
    let end = series.values().flatten().map(|p| p.period.quarter()).max().unwrap_or(current);
    let mut periods = vec![end];
    while periods.len() < SPARKLINE_PERIODS && periods[0] > first {
        let earlier = periods[0].previous();
        periods.insert(0, earlier);
    }
    let ics_codes = db::london::ics_codes(pool).await?;
    let metrics = db::metrics::list(pool).await?;
    let mut out = Vec::new();
    for metric in metrics.iter().filter(|m| m.definition.commitment_id == commitment_id && m.retired_at.is_none()) {
        let rules = SeriesRules {
            frequency: metric.definition.frequency,
            rollup: metric.definition.rollup,
            direction: metric.definition.improvement_direction(),
            target: None,
        };
        let per_ics = ics_codes
            .iter()
            .map(|ics| {
                let points =
                    series.get(&(metric.definition.id.clone(), ics.to_string())).map_or(&[][..], Vec::as_slice);
                let values = periods.iter().map(|q| quarter_figure(&rules, points, *q).map(|f| f.value)).collect();
                (ics.clone(), values)
            })
            .collect();
        out.push(crate::model::evidence::MetricSparklines {
            metric_id: metric.definition.id.clone(),
            name: metric.definition.name.clone(),
            periods: periods.clone(),
            per_ics,
        });
    }
    Ok(out)
}
