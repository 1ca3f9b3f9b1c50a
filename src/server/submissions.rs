//! Submissions and their review: partners submit and answer, board reviewers
//! (any ICS) and ICS leads (their own) accept, query or return. Every step is
//! checked against the workflow (`domain::submission`), kept, and audited.

use super::auth::{authorise, Session};
use crate::db::audit::{self, Actor, Change};
use crate::db::submissions::{NewStep, StepRow, SubmissionRow};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::london::{OrgKind, Organisation};
use crate::domain::metric::format_value;
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{self, Action, Principal};
use crate::domain::submission::{check_note, is_overdue, next_state, SubmissionState, SubmissionStep};
use crate::error::AppError;
use crate::model::review::{AcceptedContent, ReviewPage, ReviewedReading};
use crate::model::submissions::{HistoryStep, ReviewQueue, SubmissionView};

/// A period a return or a board pack can be for: from the concordat's first
/// reporting period to the one in progress (a return for a future period is
/// not possible, and a pack for any year back to 2000 would only fill the cache).
pub fn started_period(text: &str) -> Result<ReportingPeriod, AppError> {
    super::reference::reported_period("period", text.trim(), super::status::today())
}

/// Organisations that make a return: partners in being during the period (not
/// the boards, which review).
pub(crate) fn makes_returns(org: &Organisation, period: ReportingPeriod) -> bool {
    let end = period.end_date().to_string();
    let start = period.start_date().to_string();
    !matches!(org.kind, OrgKind::Board | OrgKind::NhsRegion)
        && org.started_on.as_deref().is_none_or(|s| s <= end.as_str())
        && !org.is_retired_on(&start)
}

fn view(
    days: u32,
    org: &Organisation,
    period: ReportingPeriod,
    row: Option<&SubmissionRow>,
    steps: &[StepRow],
    names: &dyn Fn(&str) -> String,
    show_people: bool,
) -> Result<SubmissionView, AppError> {
    let due = period.submission_due_date(days);
    let state = row.map(SubmissionRow::state).transpose()?.unwrap_or(SubmissionState::Draft);
    let submitted_at = row.and_then(|r| r.submitted_at.clone());
    let history = steps
        .iter()
        .filter(|s| s.organisation_id == org.id)
        .map(|s| {
            Ok(HistoryStep {
                step: s.step.clone(),
                state: SubmissionState::parse(&s.state).map_err(|_| AppError::Internal)?,
                at: s.at.clone(),
                by_organisation: names(&s.by_organisation),
                by: show_people.then(|| s.by_email.clone()),
                note: s.note.clone(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(SubmissionView {
        organisation_id: org.id.clone(),
        organisation_name: org.name.clone(),
        ics: org.ics.clone(),
        period: period.to_string(),
        state,
        version: row.map_or(1, |r| r.version),
        due: due.to_string(),
        overdue: is_overdue(submitted_at.as_deref(), due, super::status::today()),
        submitted_at,
        decided_at: row.and_then(|r| r.decided_at.clone()),
        history,
    })
}

/// Every return due for `period`, optionally only from organisations serving
/// `ics`, each with its history.
pub async fn list(
    pool: &Pool,
    days: u32,
    period: ReportingPeriod,
    ics: Option<&str>,
    show_people: bool,
) -> Result<Vec<SubmissionView>, AppError> {
    list_with(pool, days, period, ics, show_people, true).await
}

/// Every return due for `period` and its state, without its history (the
/// board pack lists them; their steps are on the review pages).
pub async fn list_states(pool: &Pool, days: u32, period: ReportingPeriod) -> Result<Vec<SubmissionView>, AppError> {
    list_with(pool, days, period, None, false, false).await
}

async fn list_with(
    pool: &Pool,
    days: u32,
    period: ReportingPeriod,
    ics: Option<&str>,
    show_people: bool,
    history: bool,
) -> Result<Vec<SubmissionView>, AppError> {
    let organisations = db::london::list_organisations(pool).await?;
    let rows = db::submissions::for_period(pool, &period.to_string()).await?;
    let steps = if history { db::submissions::steps_for_period(pool, &period.to_string()).await? } else { Vec::new() };
    let names = |id: &str| organisations.iter().find(|o| o.id == id).map_or_else(|| id.to_string(), |o| o.name.clone());
    organisations
        .iter()
        .filter(|org| makes_returns(org, period) && ics.is_none_or(|code| org.serves(code)))
        .map(|org| {
            let row = rows.iter().find(|r| r.organisation_id == org.id);
            view(days, org, period, row, &steps, &names, show_people)
        })
        .collect()
}

/// The ICS whose reviewers decide an organisation's return: its own, or none
/// for a London-wide organisation (the board decides those).
fn review_action(org: &Organisation) -> Action {
    Action::ReviewSubmission { ics: org.ics.clone().unwrap_or_default() }
}

/// `/review`: the queue for board reviewers (every ICS) and ICS leads (theirs).
pub async fn queue(
    pool: &Pool,
    days: u32,
    session: &Session,
    period: &str,
    ics: &str,
    state: &str,
    overdue_only: bool,
) -> Result<ReviewQueue, AppError> {
    let principal = &session.principal;
    let lead_ics = principal.lead_ics.clone().filter(|_| principal.role == permission::Role::IcsLead);
    let board = permission::authorise(principal, &Action::ReviewSubmission { ics: String::new() }).is_ok();
    if !board && lead_ics.is_none() {
        return Err(AppError::Forbidden("review submissions; the board and ICS leads review them".into()));
    }
    let period = if period.trim().is_empty() {
        ReportingPeriod::containing(super::status::today()).previous()
    } else {
        started_period(period)?
    };
    let ics = match (ics.trim(), &lead_ics) {
        ("", None) => None,
        ("", Some(lead)) => Some(lead.clone()),
        (code, _) => Some(super::reference::known_ics(pool, "ics", code).await?.to_string()),
    };
    let state = Some(state.trim())
        .filter(|s| !s.is_empty())
        .map(SubmissionState::parse)
        .transpose()
        .map_err(|e| AppError::invalid("state", e))?;
    let submissions = list(pool, days, period, ics.as_deref(), true)
        .await?
        .into_iter()
        .filter(|s| state.is_none_or(|wanted| s.state == wanted) && (!overdue_only || s.overdue))
        .collect();
    Ok(ReviewQueue {
        period: period.to_string(),
        period_label: period.label(),
        ics,
        state,
        overdue_only,
        ics_codes: db::london::ics_codes(pool).await?.into_iter().map(String::from).collect(),
        submissions,
    })
}

async fn organisation(pool: &Pool, id: &str) -> Result<Organisation, AppError> {
    db::london::get_organisation(pool, id.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("organisation {:?}", id.trim())))
}

/// Who submitted or answered `version` of a return (they do not decide on it).
fn submitters(steps: &[StepRow], version: i64) -> Vec<&str> {
    steps
        .iter()
        .filter(|s| s.version == version && matches!(s.step.as_str(), "submit" | "answer"))
        .map(|s| s.by_email.as_str())
        .collect()
}

/// One organisation's return for one period, with what it contains.
pub async fn review_page(
    pool: &Pool,
    days: u32,
    session: Option<&Session>,
    organisation_id: &str,
    period: &str,
    version: Option<i64>,
) -> Result<ReviewPage, AppError> {
    let org = organisation(pool, organisation_id).await?;
    let period = started_period(period)?;
    let submission = for_organisation(pool, days, &org, period, session.is_some()).await?;
    let versions = db::submissions::accepted_versions(pool, &org.id, &period.to_string()).await?;
    let AcceptedContent { evidence, readings } = match version {
        None => content(&mut *pool.acquire().await?, &org.id, period).await?,
        Some(wanted) => {
            let json = db::submissions::accepted_content(pool, &org.id, &period.to_string(), wanted)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("accepted version {wanted} of this return")))?;
            serde_json::from_str(&json).map_err(|error| {
                tracing::error!(%error, "an accepted version no longer reads");
                AppError::Internal
            })?
        }
    };
    let evidence = match session {
        Some(_) => evidence,
        None => evidence.into_iter().map(crate::model::evidence::EvidenceEntry::without_names).collect(),
    };
    let csrf_if = |action: Action| {
        session.filter(|s| permission::authorise(&s.principal, &action).is_ok()).map(|s| s.csrf_token.clone())
    };
    let steps = db::submissions::steps(pool, &org.id, &period.to_string()).await?;
    let current_version = submission.version;
    let may_decide = session.is_some_and(|s| {
        permission::may_decide_return(&s.principal, &org.id, &submitters(&steps, current_version)).is_ok()
    });
    Ok(ReviewPage {
        accepted_versions: versions,
        showing_version: version,
        reviewer_csrf: csrf_if(review_action(&org)).filter(|_| may_decide),
        partner_csrf: csrf_if(Action::SubmitReturn { org_id: org.id.clone() }),
        submission,
        evidence,
        readings,
    })
}

/// One organisation's return for one period, with its history (who took each
/// step by email only when `show_people`).
pub async fn for_organisation(
    pool: &Pool,
    days: u32,
    org: &Organisation,
    period: ReportingPeriod,
    show_people: bool,
) -> Result<SubmissionView, AppError> {
    let organisations = db::london::list_organisations(pool).await?;
    let names = |id: &str| organisations.iter().find(|o| o.id == id).map_or_else(|| id.to_string(), |o| o.name.clone());
    let row = db::submissions::get(pool, &org.id, &period.to_string()).await?;
    let steps = db::submissions::steps(pool, &org.id, &period.to_string()).await?;
    view(days, org, period, row.as_ref(), &steps, &names, show_people)
}

/// A return's live content: the organisation's evidence and readings for the
/// period, read on `conn` (an acceptance reads it in its own transaction).
async fn content(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    period: ReportingPeriod,
) -> Result<AcceptedContent, AppError> {
    let evidence = db::evidence::list_for_organisation(&mut *conn, organisation_id, &period.to_string()).await?;
    let metrics = db::metrics::list(&mut *conn).await?;
    let readings = db::readings::list(&mut *conn, None, Some(period.into()))
        .await?
        .into_iter()
        .filter(|r| r.partner_id == organisation_id)
        .map(|r| {
            let metric = metrics.iter().find(|m| m.definition.id == r.metric_id);
            ReviewedReading {
                metric_name: metric.map_or_else(|| r.metric_id.clone(), |m| m.definition.name.clone()),
                target: metric.and_then(|m| m.definition.target).map(format_value),
                value: format_value(r.value),
                metric_id: r.metric_id,
                ics: r.ics_code,
            }
        })
        .collect();
    Ok(AcceptedContent { evidence, readings })
}

/// Called in the transaction that changes an organisation's evidence or
/// readings for a period: an accepted return reopens as a new version for
/// review (the accepted one stays readable), audited with what changed.
pub async fn reopen_after_change(
    tx: &mut db::Write,
    principal: &Principal,
    organisation_id: &str,
    period: &str,
    what_changed: &str,
) -> Result<(), AppError> {
    // Waits for a decision being taken on the return at this moment, so an
    // acceptance never keeps content without this change unless it reopens.
    db::submissions::lock(tx, organisation_id, period).await?;
    let Some(version) = db::submissions::reopen_if_accepted(tx, organisation_id, period).await? else {
        return Ok(());
    };
    let entity_id = format!("{organisation_id}/{period}");
    let change = Change {
        action: AuditAction::Update,
        entity: AuditEntity::Submission,
        entity_id: &entity_id,
        before: Some(serde_json::json!({ "state": "accepted", "version": version - 1 })),
        after: Some(serde_json::json!({ "state": "draft", "version": version, "because": what_changed })),
    };
    audit::record(tx, Actor::User(principal), change).await?;
    Ok(())
}

/// Takes one step on an organisation's return: checks who may take it, that
/// the current state allows it (409 otherwise) and its note; keeps it and
/// audits it in one transaction.
pub async fn take_step(
    pool: &Pool,
    days: u32,
    principal: &Principal,
    organisation_id: &str,
    period: &str,
    step: &str,
    note: &str,
) -> Result<SubmissionView, AppError> {
    let step = SubmissionStep::parse(step).map_err(|e| AppError::invalid("action", e))?;
    let org = organisation(pool, organisation_id).await?;
    let period = started_period(period)?;
    if step.is_partners() {
        authorise(principal, &Action::SubmitReturn { org_id: org.id.clone() })?;
    } else {
        authorise(principal, &review_action(&org))?;
    }
    let note = check_note(step, note)?;
    let current = db::submissions::get(pool, &org.id, &period.to_string()).await?;
    if !step.is_partners() {
        let steps = db::submissions::steps(pool, &org.id, &period.to_string()).await?;
        let version = current.as_ref().map_or(1, |r| r.version);
        permission::may_decide_return(principal, &org.id, &submitters(&steps, version)).map_err(|denied| {
            AppError::Forbidden(denied.message.trim_start_matches("you do not have permission to ").to_string())
        })?;
    }
    let from = current.as_ref().map(SubmissionRow::state).transpose()?;
    let state = next_state(from.unwrap_or(SubmissionState::Draft), step)
        .map_err(|why| AppError::Conflict(format!("cannot {} this return: {why}", step.as_str())))?;
    let mut tx = db::begin_write(pool).await?;
    let new_step = NewStep {
        organisation_id: &org.id,
        period: &period.to_string(),
        version: current.as_ref().map_or(1, |r| r.version),
        step,
        state,
        note: note.as_deref(),
        by_user_id: &principal.user_id,
        by_email: &principal.email,
        by_organisation: &principal.organisation_id,
        from,
    };
    if !db::submissions::take_step(&mut tx, &new_step).await? {
        return Err(AppError::Conflict(
            "someone else took a step on this return at the same moment; reload to see it".into(),
        ));
    }
    if step == SubmissionStep::Accept {
        // Read in this transaction with the return's row locked (the step
        // above): a change to its evidence or readings either committed
        // before, and is kept here, or waits for this acceptance and then
        // reopens the return.
        let json = serde_json::to_string(&content(&mut tx, &org.id, period).await?).map_err(|_| AppError::Internal)?;
        db::submissions::keep_accepted_version(&mut tx, &org.id, &period.to_string(), new_step.version, &json).await?;
    }
    let entity_id = format!("{}/{period}", org.id);
    let change = Change {
        action: AuditAction::Update,
        entity: AuditEntity::Submission,
        entity_id: &entity_id,
        before: from.map(|s| serde_json::json!({ "state": s.as_str() })),
        after: Some(serde_json::json!({ "step": step.as_str(), "state": state.as_str(), "note": note })),
    };
    audit::record(&mut tx, Actor::User(principal), change).await?;
    tx.commit().await?;
    for_organisation(pool, days, &org, period, true).await
}
