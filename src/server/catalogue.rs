//! Board reviewers' changes to the metric catalogue. Every change makes a new
//! version; readings keep the version they were made under.

use super::auth::authorise;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::frequency::{Frequency, QuarterRollup, ReadingPeriod};
use crate::domain::london::OrgKind;
use crate::domain::metric::{format_value, MetricDefinition, MetricKind};
use crate::domain::metric_series::{quarter_figure, SeriesPoint, SeriesRules};
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{Action, Principal};
use crate::domain::rag::Direction;
use crate::domain::spc::ImprovementDirection;
use crate::domain::validation::{FieldError, FieldErrors};
use crate::error::AppError;
use crate::model::readings::{Catalogue, CatalogueEntry, MetricTrend};
use std::collections::HashMap;

/// The catalogue as its page shows it, with the CSRF token for the edit forms
/// when the viewer may edit it.
pub async fn catalogue(pool: &Pool, session: Option<&super::auth::Session>) -> Result<Catalogue, AppError> {
    let metrics = db::metrics::list(pool).await?;
    let editor_csrf =
        session.filter(|s| authorise(&s.principal, &Action::EditMetricCatalogue).is_ok()).map(|s| s.csrf_token.clone());
    let entries = metrics
        .into_iter()
        .map(|m| {
            let d = m.definition;
            CatalogueEntry {
                id: d.id,
                name: d.name,
                commitment_id: d.commitment_id,
                kind: d.kind.as_str().to_string(),
                unit: d.unit,
                direction: d.direction.map(|dir| dir.as_str().to_string()),
                target: d.target,
                amber: d.amber,
                frequency: d.frequency,
                rollup: d.rollup,
                reported_by: d.reported_by,
                version: m.version,
                retired: m.retired_at.is_some(),
            }
        })
        .collect();
    Ok(Catalogue { entries, ics_codes: db::london::ics_codes(pool).await?, editor_csrf })
}

/// A metric's ICS-level figure in every quarter from the concordat's first to
/// the latest (or the current one), one series per ICS: a monthly metric's
/// months rolled into their quarters by its rule.
pub async fn metric_trend(pool: &Pool, id: &str) -> Result<MetricTrend, AppError> {
    let Catalogue { entries, ics_codes, .. } = catalogue(pool, None).await?;
    let metric = entries.into_iter().find(|m| m.id == id).ok_or_else(|| AppError::NotFound(format!("metric {id}")))?;
    trend_of(pool, metric, ics_codes).await
}

/// `metric_trend` for a catalogue entry already read.
pub async fn trend_of(
    pool: &Pool,
    metric: CatalogueEntry,
    ics_codes: Vec<crate::domain::london::IcsCode>,
) -> Result<MetricTrend, AppError> {
    let mut points: HashMap<String, Vec<SeriesPoint>> = HashMap::new();
    for reading in db::readings::ics_level_series(pool, &metric.id).await? {
        let period = ReadingPeriod::parse(&reading.period)
            .map_err(|e| sqlx::Error::Decode(format!("stored period {:?}: {e}", reading.period).into()))?;
        points.entry(reading.ics_code).or_default().push(SeriesPoint { period, value: reading.value });
    }
    let current = ReportingPeriod::containing(super::status::today());
    let last = points.values().flatten().map(|p| p.period.quarter()).max().unwrap_or(current).max(current);
    let periods = ReportingPeriod::range(ReportingPeriod::FIRST, last);
    let series = ics_codes
        .into_iter()
        .map(|ics| {
            let ics_points = points.get(ics.as_str()).map_or(&[][..], Vec::as_slice);
            let values = quarter_values(&metric, ics_points, &periods);
            (ics, values)
        })
        .collect();
    Ok(MetricTrend { metric, periods, series })
}

/// A metric's figure in each of `periods` from its ICS-level readings: a
/// monthly metric's months rolled into their quarters by its rule.
pub fn quarter_values(
    metric: &CatalogueEntry,
    points: &[SeriesPoint],
    periods: &[ReportingPeriod],
) -> Vec<Option<f64>> {
    let rules = SeriesRules {
        frequency: metric.frequency,
        rollup: metric.rollup,
        direction: ImprovementDirection::Neutral,
        target: None,
    };
    periods.iter().map(|q| quarter_figure(&rules, points, *q).map(|f| f.value)).collect()
}

fn optional_number(field: &str, text: &str) -> Result<Option<f64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite()).map(Some).ok_or_else(|| {
        FieldError::new(field, format!("{:?} is not a number", text.chars().take(40).collect::<String>()))
    })
}

pub async fn update_thresholds(
    pool: &Pool,
    principal: &Principal,
    id: &str,
    expected_version: i64,
    target: &str,
    amber: &str,
    retired: bool,
) -> Result<(), AppError> {
    authorise(principal, &Action::EditMetricCatalogue)?;
    let existing = db::metrics::get(pool, id).await?.ok_or_else(|| AppError::NotFound(format!("metric {id}")))?;
    let mut errors = FieldErrors::new();
    let target = errors.take(optional_number("target", target)).flatten();
    let amber = errors.take(optional_number("amber", amber)).flatten();
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let definition = MetricDefinition { target, amber, ..existing.definition.clone() }.validate()?;
    let mut tx = crate::db::begin_write(pool).await?;
    let Some(updated) = db::metrics::update(&mut tx, &definition, expected_version, retired).await? else {
        tx.rollback().await?;
        let current = db::metrics::get(pool, id).await?.ok_or(AppError::Internal)?;
        let show = |v: Option<f64>| v.map(format_value).unwrap_or_else(|| "none".into());
        return Err(AppError::Conflict(format!(
            "someone else saved version {} of {} while you were editing version {expected_version} \
             (target {}, amber {}); reload to see it",
            current.version,
            current.definition.name,
            show(current.definition.target),
            show(current.definition.amber)
        )));
    };
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Update,
            entity: AuditEntity::Metric,
            entity_id: id,
            before: serde_json::to_value(&existing).ok(),
            after: serde_json::to_value(&updated).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub struct NewMetricForm<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub commitment_id: &'a str,
    pub kind: &'a str,
    pub unit: &'a str,
    pub direction: &'a str,
    pub target: &'a str,
    pub amber: &'a str,
    /// "" means quarterly.
    pub frequency: &'a str,
    /// "" means the latest month.
    pub rollup: &'a str,
}

fn parse_direction(text: &str) -> Result<Option<Direction>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        other => Direction::parse(other)
            .map(Some)
            .ok_or_else(|| FieldError::new("direction", format!("{other:?} is not a direction; use higher or lower"))),
    }
}

/// Adds a metric at version 1. Returns its id.
pub async fn create(pool: &Pool, principal: &Principal, form: &NewMetricForm<'_>) -> Result<String, AppError> {
    authorise(principal, &Action::EditMetricCatalogue)?;
    let mut errors = FieldErrors::new();
    let kind = errors.take(MetricKind::parse(form.kind));
    let direction = errors.take(parse_direction(form.direction)).flatten();
    let target = errors.take(optional_number("target", form.target)).flatten();
    let amber = errors.take(optional_number("amber", form.amber)).flatten();
    let frequency = match form.frequency.trim() {
        "" => Some(Frequency::Quarterly),
        text => errors.take(Frequency::parse(text).ok_or_else(|| {
            FieldError::new("frequency", format!("{text:?} is not a frequency; use monthly or quarterly"))
        })),
    };
    let rollup =
        match form.rollup.trim() {
            "" => Some(QuarterRollup::Latest),
            text => errors.take(QuarterRollup::parse(text).ok_or_else(|| {
                FieldError::new("rollup", format!("{text:?} is not a roll-up; use latest, mean or sum"))
            })),
        };
    let (Some(kind), Some(frequency), Some(rollup)) = (kind, frequency, rollup) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    };
    let definition = MetricDefinition {
        id: form.id.trim().to_string(),
        name: form.name.to_string(),
        commitment_id: form.commitment_id.trim().to_string(),
        kind,
        unit: Some(form.unit.to_string()),
        direction,
        target,
        amber,
        due: None,
        note: None,
        frequency,
        rollup,
        reported_by: Vec::new(),
        principle: None,
    }
    .validate()?;
    let concordat = db::concordat::load(pool).await?;
    if !concordat.commitments().any(|c| c.id == definition.commitment_id) {
        return Err(AppError::invalid("commitment_id", format!("there is no commitment {}", definition.commitment_id)));
    }
    let mut tx = crate::db::begin_write(pool).await?;
    if !db::metrics::insert(&mut tx, &definition).await? {
        return Err(AppError::invalid("id", format!("{} is already in the catalogue", definition.id)));
    }
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Create,
            entity: AuditEntity::Metric,
            entity_id: &definition.id,
            before: None,
            after: serde_json::to_value(&definition).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(definition.id)
}

pub async fn set_ics_target(
    pool: &Pool,
    principal: &Principal,
    metric_id: &str,
    ics: &str,
    target: &str,
    amber: &str,
) -> Result<(), AppError> {
    authorise(principal, &Action::EditMetricCatalogue)?;
    let metric = db::metrics::get(pool, metric_id)
        .await?
        .ok_or_else(|| AppError::invalid("metric_id", format!("there is no metric {metric_id:?}")))?;
    let ics = super::reference::known_ics(pool, "ics", ics).await?;
    let mut errors = FieldErrors::new();
    let target = errors.take(optional_number("target", target)).flatten();
    let amber = errors.take(optional_number("amber", amber)).flatten();
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let thresholds = match (target, amber) {
        (None, None) => None,
        (Some(target), Some(amber)) => {
            // The same rules as the catalogue's own target and amber edge.
            MetricDefinition { target: Some(target), amber: Some(amber), ..metric.definition.clone() }.validate()?;
            Some((target, amber))
        }
        _ => {
            return Err(AppError::invalid(
                "amber",
                "give both the target and the amber edge, or neither to remove this ICS's own target",
            ))
        }
    };
    let mut tx = crate::db::begin_write(pool).await?;
    let before = db::metrics::set_ics_target(&mut tx, metric_id, ics.as_str(), thresholds).await?;
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: if thresholds.is_some() { AuditAction::Set } else { AuditAction::Remove },
            entity: AuditEntity::MetricIcsTarget,
            entity_id: &format!("{metric_id}/{ics}"),
            before: before.map(|(t, a)| serde_json::json!({ "target": t, "amber": a })),
            after: thresholds.map(|(t, a)| serde_json::json!({ "target": t, "amber": a })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets which kinds of organisation report a metric (a new version of it).
/// `kinds` are the kind names ticked; board reviewers only.
pub async fn set_reporters(
    pool: &Pool,
    principal: &Principal,
    id: &str,
    expected_version: i64,
    kinds: &[String],
) -> Result<(), AppError> {
    authorise(principal, &Action::EditMetricCatalogue)?;
    let existing = db::metrics::get(pool, id).await?.ok_or_else(|| AppError::NotFound(format!("metric {id}")))?;
    let reported_by = kinds
        .iter()
        .map(|kind| OrgKind::parse(kind.trim()).map_err(|message| AppError::invalid("reported_by", message)))
        .collect::<Result<Vec<_>, _>>()?;
    let definition = MetricDefinition { reported_by, ..existing.definition.clone() }.validate()?;
    let mut tx = crate::db::begin_write(pool).await?;
    let retired = existing.retired_at.is_some();
    let Some(updated) = db::metrics::update(&mut tx, &definition, expected_version, retired).await? else {
        tx.rollback().await?;
        return Err(AppError::Conflict(format!(
            "someone else changed {} while you were editing version {expected_version}; reload to see it",
            existing.definition.name
        )));
    };
    audit::record(
        &mut tx,
        Actor::User(principal),
        Change {
            action: AuditAction::Update,
            entity: AuditEntity::Metric,
            entity_id: id,
            before: serde_json::to_value(&existing).ok(),
            after: serde_json::to_value(&updated).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
