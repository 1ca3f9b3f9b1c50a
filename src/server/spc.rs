//! Making Data Count use cases: the XmR analysis of a metric's readings, of an
//! analyst's own series, and the rebases a board reviewer sets.

use super::auth::authorise;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::frequency::ReadingPeriod;
use crate::domain::metric_series::{analyse_points, chart_points, SeriesPoint, SeriesRules};
use crate::domain::permission::{Action, Principal};
use crate::domain::spc::{analyse, ImprovementDirection, SpcOptions, MAX_VALUES, MIN_FIX_AFTER};
use crate::domain::validation::clean_text;
use crate::error::AppError;
use crate::model::spc::{IcsChart, MetricCharts, RebaseView, SpcResult};
use crate::server::state::AppState;
use axum::extract::{Query, State};
use axum::Json;

/// An analyst's own series, as `POST /api/v1/spc` takes it. Only `values` is required.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpcRequest {
    values: serde_json::Value,
    improvement_direction: Option<String>,
    #[serde(default)]
    target: serde_json::Value,
    screen_outliers: Option<bool>,
    #[serde(default)]
    fix_after_n_points: serde_json::Value,
    #[serde(default)]
    rebase: serde_json::Value,
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message)
}

fn number(value: &serde_json::Value) -> Option<f64> {
    value.as_f64().filter(|v| v.is_finite())
}

fn whole(field: &str, value: &serde_json::Value) -> Result<usize, AppError> {
    value
        .as_u64()
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| invalid(field, format!("{value} is not a whole number of 0 or more")))
}

impl SpcRequest {
    /// Checks every field; the first problem is the 400's message.
    pub fn into_inputs(self) -> Result<(Vec<f64>, SpcOptions), AppError> {
        let list = self.values.as_array().ok_or_else(|| invalid("values", "give the values as a list of numbers"))?;
        if list.is_empty() {
            return Err(invalid("values", "the list is empty: give at least one value"));
        }
        if list.len() > MAX_VALUES {
            return Err(invalid("values", format!("{} values: at most {MAX_VALUES} can be analysed", list.len())));
        }
        let mut values = Vec::with_capacity(list.len());
        for (index, value) in list.iter().enumerate() {
            values.push(
                number(value)
                    .ok_or_else(|| invalid("values", format!("values[{index}] is {value}, which is not a number")))?,
            );
        }
        let improvement_direction = match self.improvement_direction.as_deref() {
            None => ImprovementDirection::Increase,
            Some(text) => ImprovementDirection::parse(text).ok_or_else(|| {
                invalid(
                    "improvement_direction",
                    format!("{text:?} is not a direction; use increase, decrease or neutral"),
                )
            })?,
        };
        let target = match &self.target {
            serde_json::Value::Null => None,
            other => Some(number(other).ok_or_else(|| invalid("target", format!("{other} is not a number")))?),
        };
        let fix_after_n_points = match &self.fix_after_n_points {
            serde_json::Value::Null => None,
            other => {
                let n = whole("fix_after_n_points", other)?;
                if n < MIN_FIX_AFTER {
                    return Err(invalid(
                        "fix_after_n_points",
                        format!("{n} is too few: it must be at least {MIN_FIX_AFTER}"),
                    ));
                }
                Some(n)
            }
        };
        let rebase = match &self.rebase {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(items) => {
                let mut indices = Vec::with_capacity(items.len());
                for item in items {
                    let index = whole("rebase", item)?;
                    if index >= values.len() {
                        return Err(invalid(
                            "rebase",
                            format!(
                                "{index} is out of range: the {} values have indices 0 to {}",
                                values.len(),
                                values.len() - 1
                            ),
                        ));
                    }
                    indices.push(index);
                }
                indices
            }
            other => return Err(invalid("rebase", format!("{other} is not a list of indices"))),
        };
        let options = SpcOptions {
            improvement_direction,
            target,
            screen_outliers: self.screen_outliers.unwrap_or(true),
            fix_after_n_points,
            rebase,
        };
        Ok((values, options))
    }
}

/// The largest body `POST /api/v1/spc` reads: 1,000 values with their
/// options take a few tens of kilobytes.
pub const MAX_SPC_BODY: usize = 64 * 1024;

/// `POST /api/v1/spc`: the engine for an analyst's own series. Open to anyone:
/// it reads and stores nothing.
pub async fn post_spc(
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<SpcResult>, AppError> {
    let body = body.map_err(|rejection| match rejection.status() {
        http::StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(format!(
            "the body is larger than {} KB; a series of {MAX_VALUES} values fits in far less",
            MAX_SPC_BODY / 1024
        )),
        _ => invalid("body", rejection.body_text()),
    })?;
    let request: SpcRequest = serde_json::from_slice(&body)
        .map_err(|e| invalid("body", format!("expected a JSON object with a \"values\" list: {e}")))?;
    let (values, options) = request.into_inputs()?;
    let analysis = analyse(&values, &options).map_err(|e| invalid("values", e.to_string()))?;
    Ok(Json(SpcResult::new(&analysis, None)))
}

#[derive(Debug, serde::Deserialize)]
pub struct SpcQuery {
    metric: Option<String>,
    ics: Option<String>,
    partner: Option<String>,
}

/// `GET /api/v1/spc?metric=ID&ics=CODE[&partner=ORG]`: the chart of a metric's
/// ICS-level figure, or of one partner's, over every period. Public, as the
/// readings are.
pub async fn get_spc(
    State(state): State<AppState>,
    Query(query): Query<SpcQuery>,
) -> Result<Json<SpcResult>, AppError> {
    let metric = query.metric.as_deref().map(str::trim).filter(|m| !m.is_empty());
    let metric = metric.ok_or_else(|| invalid("metric", "give the metric, e.g. ?metric=m_ed_12h_mh&ics=SEL"))?;
    let ics = query.ics.as_deref().map(str::trim).filter(|i| !i.is_empty());
    let ics = ics.ok_or_else(|| invalid("ics", "give the ICS, e.g. ?metric=m_ed_12h_mh&ics=SEL"))?;
    let partner = query.partner.as_deref().map(str::trim).filter(|p| !p.is_empty());
    Ok(Json(metric_spc(&state.pool, metric, ics, partner).await?))
}

/// One metric's series in one ICS (ICS-level, or one partner's) and its analysis.
pub async fn metric_spc(pool: &Pool, metric_id: &str, ics: &str, partner: Option<&str>) -> Result<SpcResult, AppError> {
    let metric =
        db::metrics::get(pool, metric_id).await?.ok_or_else(|| AppError::NotFound(format!("metric {metric_id}")))?;
    let ics = super::reference::requested_ics(pool, ics).await?;
    if let Some(partner) = partner {
        db::london::get_organisation(pool, partner)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("organisation {partner}")))?;
    }
    let target = ics_target(pool, metric_id, ics.as_str()).await?.or(metric.definition.target);
    let rules = SeriesRules {
        frequency: metric.definition.frequency,
        rollup: metric.definition.rollup,
        direction: metric.definition.improvement_direction(),
        target,
    };
    let rows = db::readings::series(pool, metric_id, ics.as_str(), partner).await?;
    let points = to_points(&rows)?;
    let rebases =
        db::spc::all_rebases(pool).await?.remove(&(metric_id.to_string(), ics.to_string())).unwrap_or_default();
    let mut result = chart(&rules, &points, &rebases);
    result.metric = Some(metric_id.to_string());
    result.ics = Some(ics.to_string());
    result.partner = partner.map(str::to_string);
    Ok(result)
}

fn to_points(rows: &[db::readings::IcsReading]) -> Result<Vec<SeriesPoint>, AppError> {
    rows.iter()
        .map(|r| {
            let period = ReadingPeriod::parse(&r.period)
                .map_err(|e| sqlx::Error::Decode(format!("stored period {:?}: {e}", r.period).into()))?;
            Ok(SeriesPoint { period, value: r.value })
        })
        .collect()
}

fn chart(rules: &SeriesRules, points: &[SeriesPoint], rebases: &[ReadingPeriod]) -> SpcResult {
    let points = chart_points(rules, points, None);
    match analyse_points(rules, &points, rebases) {
        Some(analysis) => {
            let periods: Vec<ReadingPeriod> = points.iter().map(|p| p.period).collect();
            // The engine takes the latest MAX_VALUES points of a longer series.
            let skip = periods.len().saturating_sub(MAX_VALUES);
            SpcResult::new(&analysis, Some(&periods[skip..]))
        }
        None => SpcResult::empty(rules.direction, rules.target),
    }
}

async fn ics_target(pool: &Pool, metric_id: &str, ics: &str) -> Result<Option<f64>, sqlx::Error> {
    Ok(db::metrics::ics_thresholds(pool, metric_id, ics).await?.map(|(target, _)| target))
}

/// `/metrics/{id}`: the metric's chart in every ICS, its rebases, and the
/// rebase form's token for those who may rebase.
pub async fn metric_charts(
    pool: &Pool,
    session: Option<&super::auth::Session>,
    metric_id: &str,
) -> Result<MetricCharts, AppError> {
    let catalogue = super::catalogue::catalogue(pool, None).await?;
    let metric = catalogue
        .entries
        .into_iter()
        .find(|m| m.id == metric_id)
        .ok_or_else(|| AppError::NotFound(format!("metric {metric_id}")))?;
    let definition =
        db::metrics::get(pool, metric_id).await?.ok_or_else(|| AppError::NotFound(format!("metric {metric_id}")))?;
    let rows = db::readings::ics_level_series(pool, metric_id).await?;
    let rebases = db::spc::all_rebases(pool).await?;
    let mut charts = Vec::new();
    for ics in catalogue.ics_codes {
        let target = ics_target(pool, metric_id, ics.as_str()).await?.or(definition.definition.target);
        let rules = SeriesRules {
            frequency: definition.definition.frequency,
            rollup: definition.definition.rollup,
            direction: definition.definition.improvement_direction(),
            target,
        };
        let ics_rows: Vec<db::readings::IcsReading> =
            rows.iter().filter(|r| r.ics_code == ics.as_str()).cloned().collect();
        let periods = rebases.get(&(metric_id.to_string(), ics.to_string())).cloned().unwrap_or_default();
        let spc = chart(&rules, &to_points(&ics_rows)?, &periods);
        charts.push(IcsChart { ics, spc });
    }
    let rebases = db::spc::for_metric(pool, metric_id)
        .await?
        .into_iter()
        .map(|r| RebaseView { ics: r.ics_code, period: r.period, reason: r.reason, created_at: r.created_at })
        .collect();
    let editor_csrf =
        session.filter(|s| authorise(&s.principal, &Action::EditMetricCatalogue).is_ok()).map(|s| s.csrf_token.clone());
    Ok(MetricCharts { metric, charts, rebases, editor_csrf })
}

/// Longest reason a rebase may carry.
pub const MAX_REASON_CHARS: usize = 500;

/// Marks `period` as the start of new limits for a metric in an ICS. Board
/// reviewers only; audited with the change.
pub async fn add_rebase(
    pool: &Pool,
    principal: &Principal,
    metric_id: &str,
    ics: &str,
    period: &str,
    reason: &str,
) -> Result<(), AppError> {
    authorise(principal, &Action::EditMetricCatalogue)?;
    let (metric, ics, period) = rebase_target(pool, metric_id, ics, period).await?;
    let reason = clean_text("reason", reason, true, MAX_REASON_CHARS).map_err(AppError::from)?;
    let today = super::status::today();
    if !period.has_started(today) {
        return Err(invalid("period", format!("{period} has not started yet")));
    }
    let mut tx = db::begin_write(pool).await?;
    let period_text = period.to_string();
    if !db::spc::insert(&mut tx, &metric, ics.as_str(), &period_text, &reason, &principal.user_id).await? {
        return Err(AppError::Conflict(format!("{metric} in {ics} is already rebased at {period}")));
    }
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::SpcRebase,
            entity_id: &format!("{metric}/{ics}/{period}"),
            before: None,
            after: Some(
                serde_json::json!({ "metric": metric, "ics": ics.as_str(), "period": period_text, "reason": reason }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a rebase. Board reviewers only; audited.
pub async fn remove_rebase(
    pool: &Pool,
    principal: &Principal,
    metric_id: &str,
    ics: &str,
    period: &str,
) -> Result<(), AppError> {
    authorise(principal, &Action::EditMetricCatalogue)?;
    let (metric, ics, period) = rebase_target(pool, metric_id, ics, period).await?;
    let mut tx = db::begin_write(pool).await?;
    let before = db::spc::delete(&mut tx, &metric, ics.as_str(), &period.to_string())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("rebase of {metric} in {ics} at {period}")))?;
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Remove,
            entity: AuditEntity::SpcRebase,
            entity_id: &format!("{metric}/{ics}/{period}"),
            before: serde_json::to_value(&before).ok(),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The metric (must exist), ICS (must be London's) and period (at the metric's frequency).
async fn rebase_target(
    pool: &Pool,
    metric_id: &str,
    ics: &str,
    period: &str,
) -> Result<(String, crate::domain::london::IcsCode, ReadingPeriod), AppError> {
    let metric = db::metrics::get(pool, metric_id.trim())
        .await?
        .ok_or_else(|| invalid("metric_id", format!("there is no metric {:?}", metric_id.trim())))?;
    let ics = super::reference::known_ics(pool, "ics", ics).await?;
    let period = ReadingPeriod::parse(period).map_err(|e| invalid("period", e.to_string()))?;
    let frequency = metric.definition.frequency;
    if period.frequency() != frequency {
        return Err(invalid(
            "period",
            format!("{} is reported {}: give {}", metric.definition.id, frequency.as_str(), frequency.example()),
        ));
    }
    Ok((metric.definition.id, ics, period))
}
