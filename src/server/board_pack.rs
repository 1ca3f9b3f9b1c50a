//! The board pack: drawn up from the live data for a period, or read back
//! exactly as it was frozen for a meeting.

use super::auth::{authorise, Session};
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{self, Action, Principal};
use crate::domain::rag::Rag;
use crate::domain::submission::SubmissionState;
use crate::error::AppError;
use crate::model::board_pack::{BoardPack, BoardPackPage, Exception, OverrideInForce, SnapshotInfo};
use crate::model::readings::MetricTrend;
use crate::model::status::{Matrix, SpcGrid};

/// How many metrics' trends the pack charts: the catalogue's first, in its order.
const KEY_METRICS: usize = 4;

/// How many quarters a pack's trend charts show: two years, so a pack is the
/// same size however many years of data there are (a metric's own page has
/// them all).
const TREND_QUARTERS: usize = 8;

/// The period a pack is for: the one asked for, or the last complete quarter
/// (what a board meets about).
pub fn pack_period(text: &str) -> Result<ReportingPeriod, AppError> {
    if text.trim().is_empty() {
        return Ok(ReportingPeriod::containing(super::status::today()).previous());
    }
    super::submissions::started_period(text)
}

/// Draws up the pack for `period` from the live data. It names organisations,
/// never people, so it can go in a public board paper.
pub async fn build(pool: &Pool, days: u32, period: ReportingPeriod) -> Result<BoardPack, AppError> {
    let judged = super::status::london(pool, period).await?;
    let (status, concordat, spc, reviews) =
        (judged.status.clone().without_names(), judged.concordat.clone(), judged.spc.clone(), judged.reviews.clone());
    let text_of = |id: &str| concordat.commitments().find(|c| c.id == id).map(|c| c.text.clone()).unwrap_or_default();
    let mut exceptions = Vec::new();
    let mut overrides = Vec::new();
    for ics in &status.icss {
        for cell in ics.principles.iter().flat_map(|p| p.commitments.iter()) {
            if cell.rag == Rag::Red || cell.computed.mismatch {
                exceptions.push(Exception {
                    ics: ics.ics.to_string(),
                    commitment_id: cell.commitment_id.clone(),
                    commitment_text: text_of(&cell.commitment_id),
                    rag: cell.rag,
                    mismatch: cell.computed.mismatch,
                    reasons: exception_reasons(&cell.computed.reasons),
                });
            }
            if let Some(set) = &cell.overridden {
                overrides.push(OverrideInForce {
                    ics: ics.ics.to_string(),
                    commitment_id: cell.commitment_id.clone(),
                    rag: set.rag(),
                    computed: cell.computed.rag,
                    rationale: set.rationale().to_string(),
                    expires_after: set.expires_after().to_string(),
                });
            }
        }
    }
    let outstanding = super::submissions::list(pool, days, period, None, false)
        .await?
        .into_iter()
        .filter(|s| s.state != SubmissionState::Accepted)
        .map(|s| crate::model::submissions::SubmissionView { history: Vec::new(), ..s })
        .collect();
    let signup = super::organisations::sign_up_summary(pool).await?.icss;
    let mut trends = Vec::new();
    for metric in db::metrics::list(pool).await?.into_iter().filter(|m| m.retired_at.is_none()).take(KEY_METRICS) {
        let trend = super::catalogue::metric_trend(pool, &metric.definition.id).await?;
        trends.push(last_quarters(trend, TREND_QUARTERS));
    }
    Ok(BoardPack {
        period_label: period.label(),
        period,
        generated_at: db::now(),
        status,
        concordat,
        exceptions,
        overrides,
        outstanding,
        signup,
        trends,
        spc,
        reviews,
    })
}

/// An exception's reasons as a board paper gives them: the worst three (they
/// come worst first), and how many more the cell's page has. (Six made the
/// pack's exceptions alone 80 KB at London scale.)
fn exception_reasons(reasons: &[String]) -> Vec<String> {
    const SHOWN: usize = 3;
    let mut shown: Vec<String> = reasons.iter().take(SHOWN).cloned().collect();
    if reasons.len() > SHOWN {
        shown.push(format!("… and {} more on the cell's page.", reasons.len() - SHOWN));
    }
    shown
}

/// A trend cut to its last `count` periods.
fn last_quarters(mut trend: MetricTrend, count: usize) -> MetricTrend {
    let dropped = trend.periods.len().saturating_sub(count);
    trend.periods.drain(..dropped);
    for (_, values) in &mut trend.series {
        values.drain(..dropped.min(values.len()));
    }
    trend
}

fn freeze_csrf(session: Option<&Session>) -> Option<String> {
    session
        .filter(|s| permission::authorise(&s.principal, &Action::FreezeBoardPack).is_ok())
        .map(|s| s.csrf_token.clone())
}

/// A pack as its page shows it: the matrix as shown, and the cells' reasons
/// left out of the rest (they grow with the evidence; each cell's page has them).
fn page(pack: BoardPack, snapshot: Option<SnapshotInfo>, freeze_csrf: Option<String>) -> BoardPackPage {
    let matrix = Matrix::new(&pack.status, &pack.concordat, &pack.reviews);
    let icss: Vec<_> = pack.status.icss.iter().map(|i| i.ics.clone()).collect();
    let spc = SpcGrid::new(&pack.spc, &icss);
    let pack = BoardPack { status: pack.status.without_reasons(), spc: Vec::new(), reviews: Vec::new(), ..pack };
    BoardPackPage { pack, matrix, spc, snapshot, freeze_csrf }
}

/// `/board-pack?period=…`: the live pack, drawn up again only after a change
/// (see `server::cache`).
pub async fn live(pool: &Pool, days: u32, session: Option<&Session>, period: &str) -> Result<BoardPackPage, AppError> {
    let period = pack_period(period)?;
    // Today, not the judgement date: whether a return is overdue depends on it.
    let today = super::status::today();
    let pack = super::cache::cached(pool, &format!("board pack {period} {today} {days}"), || build(pool, days, period))
        .await?;
    Ok(page(BoardPack::clone(&pack), None, freeze_csrf(session)))
}

/// Freezes the pack for `period` as presented at the meeting on `meeting_date`.
/// Returns the frozen pack's id.
pub async fn freeze(
    pool: &Pool,
    days: u32,
    principal: &Principal,
    period: &str,
    meeting_date: &str,
) -> Result<String, AppError> {
    authorise(principal, &Action::FreezeBoardPack)?;
    let meeting = chrono::NaiveDate::parse_from_str(meeting_date.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid("meeting_date", format!("{:?} is not a date (YYYY-MM-DD)", meeting_date.trim()))
    })?;
    let pack = build(pool, days, pack_period(period)?).await?;
    let json = serde_json::to_string(&pack).map_err(|error| {
        tracing::error!(%error, "board pack does not serialise");
        AppError::Internal
    })?;
    let id = db::new_id();
    let mut tx = db::begin_write(pool).await?;
    db::board_packs::insert(&mut tx, &id, &pack.period.to_string(), &meeting.to_string(), &json, &principal.email)
        .await?;
    let change = Change {
        action: AuditAction::Create,
        entity: AuditEntity::BoardPack,
        entity_id: &id,
        before: None,
        after: Some(serde_json::json!({ "period": pack.period.to_string(), "meeting_date": meeting.to_string() })),
    };
    audit::record(&mut tx, Actor::User(principal), change).await?;
    tx.commit().await?;
    Ok(id)
}

fn info(row: db::board_packs::SnapshotRow, show_people: bool) -> SnapshotInfo {
    let (id, period, meeting_date, saved_by, saved_at) = row;
    SnapshotInfo {
        id,
        period,
        meeting_date,
        saved_by: if show_people { saved_by } else { "the London recovery board".to_string() },
        saved_at,
    }
}

/// `/board-packs`: every frozen pack, newest meeting first.
pub async fn list(pool: &Pool, session: Option<&Session>) -> Result<Vec<SnapshotInfo>, AppError> {
    Ok(db::board_packs::list(pool).await?.into_iter().map(|row| info(row, session.is_some())).collect())
}

/// `/board-packs/{id}`: a frozen pack exactly as it was frozen.
pub async fn frozen(pool: &Pool, session: Option<&Session>, id: &str) -> Result<BoardPackPage, AppError> {
    let (row, json) = db::board_packs::get(pool, id.trim())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("board pack {:?}", id.trim())))?;
    let pack: BoardPack = serde_json::from_str(&json).map_err(|error| {
        tracing::error!(%error, pack = %row.0, "a frozen board pack no longer reads");
        AppError::Internal
    })?;
    Ok(page(pack, Some(info(row, session.is_some())), None))
}
