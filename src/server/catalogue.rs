//! Board reviewers' changes to the metric catalogue. Every change makes a new
//! version; readings keep the version they were made under.

use super::auth::authorise;
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::metric::{format_value, MetricDefinition};
use crate::domain::permission::{Action, Principal};
use crate::domain::validation::FieldError;
use crate::error::AppError;

fn optional_number(field: &str, text: &str) -> Result<Option<f64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| FieldError::new(field, format!("{:?} is not a number", text.chars().take(40).collect::<String>())))
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
    let mut errors = Vec::new();
    let target = optional_number("target", target).map_err(|e| errors.push(e)).ok().flatten();
    let amber = optional_number("amber", amber).map_err(|e| errors.push(e)).ok().flatten();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let definition = MetricDefinition { target, amber, ..existing.definition.clone() }.validate()?;
    let mut tx = pool.begin().await?;
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
        Change { action: "update", entity: "metric", entity_id: id, before: serde_json::to_value(&existing).ok(), after: serde_json::to_value(&updated).ok() },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
