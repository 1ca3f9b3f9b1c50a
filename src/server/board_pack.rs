//! The board pack: drawn up from the live data for a period, or read back
//! exactly as it was frozen for a meeting.

use super::auth::{authorise, Session};
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::freshness::Versions;
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{self, Action, Principal};
use crate::domain::rag::Rag;
use crate::domain::status::IcsFigures;
use crate::domain::submission::SubmissionState;
use crate::error::AppError;
use crate::model::board_pack::{BoardPack, BoardPackPage, Decision, Exception, OverrideInForce, SnapshotInfo};
use crate::model::readings::{Catalogue, MetricTrend};
use crate::model::status::{Matrix, SpcGrid};
use std::sync::Arc;

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
    let versions = super::status::versions(pool, period).await?;
    build_at(pool, &versions, days).await
}

/// `build` with the versions already read.
async fn build_at(pool: &Pool, versions: &Versions, days: u32) -> Result<BoardPack, AppError> {
    let period = versions.period;
    // The status, the returns, sign-up and the catalogue are independent reads.
    let (judged, outstanding, decisions, signup, catalogue) = tokio::try_join!(
        super::status::london_at(pool, versions),
        outstanding_returns(pool, days, period),
        decisions(pool, period),
        super::organisations::sign_up_summary(pool),
        super::catalogue::catalogue(pool, None),
    )?;
    let trends = key_trends(catalogue, &judged.figures, period);
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
    let signup = signup.icss;
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
        decisions,
    })
}

/// Returns for the period not yet accepted.
async fn outstanding_returns(
    pool: &Pool,
    days: u32,
    period: ReportingPeriod,
) -> Result<Vec<crate::model::submissions::SubmissionView>, AppError> {
    Ok(super::submissions::list_states(pool, days, period)
        .await?
        .into_iter()
        .filter(|s| s.state != SubmissionState::Accepted)
        .collect())
}

/// The latest decision on each return of the period and the organisation
/// that took it, by organisation name.
async fn decisions(pool: &Pool, period: ReportingPeriod) -> Result<Vec<Decision>, AppError> {
    let period = period.to_string();
    let (organisations, steps) =
        tokio::try_join!(db::london::list_organisations(pool), db::submissions::steps_for_period(pool, &period),)?;
    let name = |id: &str| organisations.iter().find(|o| o.id == id).map_or_else(|| id.to_string(), |o| o.name.clone());
    // Oldest first, so the last one kept for an organisation is its latest.
    let mut latest = std::collections::BTreeMap::new();
    for step in steps.iter().filter(|s| matches!(s.step.as_str(), "accept" | "query" | "return")) {
        latest.insert(step.organisation_id.as_str(), step);
    }
    let mut decisions: Vec<Decision> = latest
        .into_values()
        .map(|step| Decision {
            organisation_name: name(&step.organisation_id),
            step: step.step.clone(),
            at: step.at.clone(),
            decided_by: name(&step.by_organisation),
        })
        .collect();
    decisions.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));
    Ok(decisions)
}

/// The key metrics' trends (the catalogue's first, in its order) up to the
/// period, from the readings its figures were made from.
fn key_trends(catalogue: Catalogue, figures: &[Arc<IcsFigures>], period: ReportingPeriod) -> Vec<MetricTrend> {
    let periods = ReportingPeriod::range(ReportingPeriod::FIRST, period);
    catalogue
        .entries
        .into_iter()
        .filter(|m| !m.retired)
        .take(KEY_METRICS)
        .map(|metric| {
            let series = catalogue
                .ics_codes
                .iter()
                .map(|ics| {
                    let points = figures
                        .iter()
                        .find(|f| f.ics == *ics)
                        .and_then(|f| f.metrics.iter().find(|m| m.metric_id == metric.id))
                        .map_or(&[][..], |m| m.points.as_slice());
                    (ics.clone(), super::catalogue::quarter_values(&metric, points, &periods))
                })
                .collect();
            last_quarters(MetricTrend { metric, periods: periods.clone(), series }, period, TREND_QUARTERS)
        })
        .collect()
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

/// A trend cut to the `count` periods up to `last`: a pack shows what was
/// known of its period, and stays the same whatever is recorded after it.
fn last_quarters(mut trend: MetricTrend, last: ReportingPeriod, count: usize) -> MetricTrend {
    let kept = trend.periods.iter().take_while(|p| **p <= last).count();
    trend.periods.truncate(kept);
    let dropped = kept.saturating_sub(count);
    trend.periods.drain(..dropped);
    for (_, values) in &mut trend.series {
        values.truncate(kept);
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
    let versions = super::status::versions(pool, period).await?;
    // Today, not the judgement date: whether a return is overdue depends on it.
    let today = super::status::today();
    let key = format!("pack {period} {today} {days}");
    let pack = super::cache::cached(&versions, &key, &super::status::rests_on::period(period), || {
        build_at(pool, &versions, days)
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::frequency::{Frequency, QuarterRollup};
    use crate::domain::london::IcsCode;
    use crate::model::readings::CatalogueEntry;

    fn trend(to: &str) -> MetricTrend {
        let periods = ReportingPeriod::range(ReportingPeriod::FIRST, ReportingPeriod::parse(to).expect("period"));
        let values = (0..periods.len()).map(|i| Some(i as f64)).collect();
        MetricTrend {
            metric: CatalogueEntry {
                id: "m_x".into(),
                name: "X".into(),
                commitment_id: "P3.C2".into(),
                kind: "percent".into(),
                unit: None,
                direction: None,
                target: None,
                amber: None,
                frequency: Frequency::Quarterly,
                rollup: QuarterRollup::Latest,
                reported_by: Vec::new(),
                version: 1,
                retired: false,
            },
            periods,
            series: vec![(IcsCode::parse("SEL").expect("ICS"), values)],
        }
    }

    #[test]
    fn a_pack_charts_two_years_up_to_its_own_period() {
        let pack = ReportingPeriod::parse("2025-26-Q2").expect("period");
        let cut = last_quarters(trend("2026-27-Q3"), pack, TREND_QUARTERS);
        assert_eq!(cut.periods.len(), 8);
        assert_eq!(cut.periods.first().map(ToString::to_string).as_deref(), Some("2023-24-Q3"));
        assert_eq!(cut.periods.last(), Some(&pack), "nothing after the pack's period");
        assert_eq!(cut.series[0].1.len(), 8);
        assert_eq!(cut.series[0].1.last(), Some(&Some(9.0)), "values stay with their periods");
        let early = last_quarters(trend("2026-27-Q3"), ReportingPeriod::FIRST.next(), TREND_QUARTERS);
        assert_eq!(early.periods.len(), 2, "as many as there were");
    }
}
