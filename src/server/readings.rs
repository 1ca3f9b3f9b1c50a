//! Writing metric readings, from the API, CSV upload or forms: check every row,
//! check permission for every row, then write all of them or none.

use super::auth::authorise;
use crate::db::audit::{self, Actor, Change};
use crate::db::readings::{NewReading, WriteCounts, Written};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::frequency::Frequency;
use crate::domain::london::Organisation;
use crate::domain::metric::MetricKind;
use crate::domain::permission::{resolve_reading_partner, Action, PartnerRef, Principal};
use crate::domain::readings_csv::{check_against_catalogue, CsvErrors, CsvReading, RowError, ValidReading};
use crate::error::AppError;
use std::collections::{HashMap, HashSet};

/// Most rows one request or file may carry: enough for a quarter of every
/// London partner's figures in one file (a board analyst's bulk import), small
/// enough that a request's body stays under `rest::MAX_READINGS_BODY`.
pub const MAX_READINGS_ROWS: usize = 20_000;

/// Why a batch of readings was refused.
#[derive(Debug)]
pub enum BatchError {
    /// Rows that are wrong in themselves: 400.
    Rows(Vec<RowError>),
    /// A row the user may not write: 403.
    Forbidden(String),
    Other(AppError),
}

impl From<AppError> for BatchError {
    fn from(error: AppError) -> Self {
        BatchError::Other(error)
    }
}

impl From<sqlx::Error> for BatchError {
    fn from(error: sqlx::Error) -> Self {
        BatchError::Other(error.into())
    }
}

impl From<CsvErrors> for BatchError {
    fn from(errors: CsvErrors) -> Self {
        BatchError::Rows(errors.0)
    }
}

/// The catalogue and organisations a batch is checked against, loaded once.
pub struct Reference {
    metrics: HashMap<String, (MetricKind, Frequency, i64, bool)>,
    ics_codes: HashSet<String>,
    organisations: HashMap<String, Organisation>,
}

impl Reference {
    pub async fn load(pool: &Pool) -> Result<Self, sqlx::Error> {
        let metrics = db::metrics::list(pool)
            .await?
            .into_iter()
            .map(|m| {
                let d = &m.definition;
                (d.id.clone(), (d.kind, d.frequency, m.version, m.retired_at.is_some()))
            })
            .collect();
        let ics_codes = db::london::ics_codes(pool).await?.into_iter().map(String::from).collect();
        let organisations =
            db::london::list_organisations(pool).await?.into_iter().map(|o| (o.id.clone(), o)).collect();
        Ok(Reference { metrics, ics_codes, organisations })
    }

    /// An organisation named by its id, its ODS code or its full name (either
    /// in any case), so a partner's spreadsheet can say "RV5" or "South London
    /// and Maudsley NHS Foundation Trust".
    pub fn organisation(&self, text: &str) -> Option<&Organisation> {
        let text = text.trim();
        self.organisations.get(text).or_else(|| {
            let found = |matches: &dyn Fn(&Organisation) -> bool| {
                let mut all = self.organisations.values().filter(|o| matches(o));
                // A name or code two organisations share names neither.
                match (all.next(), all.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            };
            found(&|o| o.ods.as_deref().is_some_and(|ods| ods.eq_ignore_ascii_case(text)))
                .or_else(|| found(&|o| o.name.trim().eq_ignore_ascii_case(text)))
        })
    }
}

/// Checks rows against the catalogue, fills in and checks partners, and checks
/// permission for each row. Nothing is written.
pub fn check(
    principal: &Principal,
    reference: &Reference,
    rows: Vec<CsvReading>,
) -> Result<Vec<ValidReading>, BatchError> {
    let lookup = |id: &str| {
        reference
            .metrics
            .get(id)
            .filter(|(_, _, _, retired)| !retired)
            .map(|(kind, frequency, _, _)| (*kind, *frequency))
    };
    let today = chrono::Utc::now().date_naive();
    let mut valid = check_against_catalogue(rows, lookup, &reference.ics_codes, today)?;
    let mut errors = Vec::new();
    for reading in &mut valid {
        reading.partner = resolve_reading_partner(principal, reading.partner.take());
        if let Some(partner) = reading.partner.clone() {
            let found = reference.organisation(&partner);
            // Stored by id, however it was named.
            reading.partner = Some(found.map_or(partner.clone(), |org| org.id.clone()));
            match found {
                None => errors.push(RowError {
                    line: reading.line,
                    column: "partner".into(),
                    message: format!(
                        "there is no organisation {partner:?}; give its id (e.g. oxleas-nhs-foundation-trust), \
                         its ODS code (e.g. RPG) or its full name"
                    ),
                }),
                Some(org) if !org.serves(&reading.ics) => errors.push(RowError {
                    line: reading.line,
                    column: "partner".into(),
                    message: format!(
                        "{} does not serve {}; it serves {}",
                        org.name,
                        reading.ics,
                        std::iter::once(org.ics.as_deref().unwrap_or_default())
                            .chain(org.also_serves.iter().map(String::as_str))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }),
                Some(_) => {}
            }
        }
    }
    if !errors.is_empty() {
        return Err(BatchError::Rows(errors));
    }
    for reading in &valid {
        let partner = reading.partner.as_ref().and_then(|id| reference.organisations.get(id)).map(|org| PartnerRef {
            org_id: org.id.clone(),
            org_ics: org.ics.clone(),
            also_serves: org.also_serves.clone(),
        });
        let action = Action::WriteReading { ics: reading.ics.clone(), partner };
        if let Err(AppError::Forbidden(what)) = authorise(principal, &action) {
            return Err(BatchError::Forbidden(format!("line {}: you do not have permission to {what}", reading.line)));
        }
    }
    Ok(valid)
}

/// Writes checked rows in one transaction, with an audit row per change.
pub async fn write(
    pool: &Pool,
    principal: &Principal,
    reference: &Reference,
    rows: &[ValidReading],
) -> Result<WriteCounts, AppError> {
    let mut counts = WriteCounts::default();
    // Partners' returns this batch changes: each reopens once if it was accepted.
    let mut changed_returns = std::collections::BTreeSet::new();
    let readings: Vec<NewReading> = rows
        .iter()
        .map(|row| NewReading {
            metric_id: row.metric.clone(),
            metric_version: reference.metrics.get(&row.metric).map(|(_, _, version, _)| *version).unwrap_or(1),
            ics_code: row.ics.clone(),
            period: row.period.to_string(),
            partner_id: row.partner.clone(),
            value: row.value,
            note: row.note.clone(),
        })
        .collect();
    let mut tx = crate::db::begin_write(pool).await?;
    let written = db::readings::upsert_many(&mut tx, &readings, Some(&principal.user_id)).await?;
    let mut changes = Vec::new();
    for (row, written) in rows.iter().zip(&written) {
        if let (Some(partner), false) = (&row.partner, matches!(written, Written::Unchanged)) {
            // A return is for a quarter: a month's reading changes its quarter's.
            changed_returns.insert((partner.clone(), row.period.quarter().to_string()));
        }
        match written {
            Written::Unchanged => counts.unchanged += 1,
            Written::Inserted(after) => {
                counts.inserted += 1;
                changes.push(Change {
                    action: AuditAction::Create,
                    entity: AuditEntity::Reading,
                    entity_id: &after.id,
                    before: None,
                    after: serde_json::to_value(after).ok(),
                });
            }
            Written::Updated { before, after } => {
                counts.updated += 1;
                changes.push(Change {
                    action: AuditAction::Update,
                    entity: AuditEntity::Reading,
                    entity_id: &after.id,
                    before: serde_json::to_value(before).ok(),
                    after: serde_json::to_value(after).ok(),
                });
            }
        }
    }
    audit::record_many(&mut tx, Actor::User(principal), &changes).await?;
    for (partner, period) in &changed_returns {
        super::submissions::reopen_after_change(&mut tx, principal, partner, period, "readings changed").await?;
    }
    tx.commit().await?;
    Ok(counts)
}

/// Check and write: the whole path for one batch.
pub async fn submit(pool: &Pool, principal: &Principal, rows: Vec<CsvReading>) -> Result<WriteCounts, BatchError> {
    let reference = Reference::load(pool).await?;
    let valid = check(principal, &reference, rows)?;
    Ok(write(pool, principal, &reference, &valid).await?)
}

/// What importing this file would write, with every problem listed. Writes nothing.
pub async fn preview(
    pool: &Pool,
    principal: &Principal,
    csv: &[u8],
) -> Result<crate::model::readings::ImportPreview, AppError> {
    use crate::domain::readings_csv::parse_readings_csv;
    use crate::model::readings::ImportPreview;
    let empty = |errors, forbidden| ImportPreview { rows: Vec::new(), errors, forbidden };
    let rows = match parse_readings_csv(csv, MAX_READINGS_ROWS) {
        Ok(rows) => rows,
        Err(errors) => return Ok(empty(errors.0, None)),
    };
    let reference = Reference::load(pool).await?;
    match check(principal, &reference, rows) {
        Ok(valid) => Ok(ImportPreview {
            rows: valid.into_iter().map(preview_row).collect(),
            errors: Vec::new(),
            forbidden: None,
        }),
        Err(BatchError::Rows(errors)) => Ok(empty(errors, None)),
        Err(BatchError::Forbidden(message)) => Ok(empty(Vec::new(), Some(message))),
        Err(BatchError::Other(error)) => Err(error),
    }
}

/// Imports a whole file or nothing.
pub async fn import(
    pool: &Pool,
    principal: &Principal,
    csv: &[u8],
) -> Result<crate::model::readings::ImportSummary, AppError> {
    use crate::domain::readings_csv::parse_readings_csv;
    use crate::domain::validation::FieldError;
    let as_field_errors = |errors: Vec<RowError>| {
        AppError::Validation(
            errors.into_iter().map(|e| FieldError::new(format!("line {} {}", e.line, e.column), e.message)).collect(),
        )
    };
    let rows = parse_readings_csv(csv, MAX_READINGS_ROWS).map_err(|e| as_field_errors(e.0))?;
    match submit(pool, principal, rows).await {
        Ok(counts) => Ok(crate::model::readings::ImportSummary {
            inserted: counts.inserted,
            updated: counts.updated,
            unchanged: counts.unchanged,
        }),
        Err(BatchError::Rows(errors)) => Err(as_field_errors(errors)),
        Err(BatchError::Forbidden(message)) => {
            Err(AppError::Forbidden(message.replacen("you do not have permission to ", "", 1)))
        }
        Err(BatchError::Other(error)) => Err(error),
    }
}

/// What importing this spreadsheet would write, with every problem named by
/// sheet and cell, and its readings as CSV for the Import button. Writes nothing.
pub async fn preview_workbook(
    pool: &Pool,
    principal: &Principal,
    filename: &str,
    bytes: &[u8],
) -> Result<crate::model::readings::WorkbookPreview, AppError> {
    use crate::domain::readings_csv::{write_readings_csv, ExportRow};
    use crate::model::readings::{ImportPreview, WorkbookPreview, WHOLE_SHEET};
    let refused = |errors, forbidden, notices| WorkbookPreview {
        filename: filename.to_string(),
        preview: ImportPreview { rows: Vec::new(), errors, forbidden },
        notices,
        csv: String::new(),
    };
    let sheet = match super::workbook_reader::read_readings_workbook_queued(bytes.to_vec(), MAX_READINGS_ROWS).await? {
        Ok(sheet) => sheet,
        Err(errors) => {
            // A cell names itself, and so does the workbook; a sheet's name alone
            // (too many rows) reads as "sheet Readings".
            let named = |column: String| {
                if column.contains('!') || column == "workbook" {
                    column
                } else {
                    format!("{WHOLE_SHEET}{column}")
                }
            };
            let errors = errors.into_iter().map(|e| RowError { column: named(e.column), ..e }).collect();
            return Ok(refused(errors, None, Vec::new()));
        }
    };
    let reference = Reference::load(pool).await?;
    match check(principal, &reference, sheet.rows.clone()) {
        Ok(valid) => {
            let export: Vec<ExportRow> = valid
                .iter()
                .map(|r| ExportRow {
                    metric: r.metric.clone(),
                    ics: r.ics.clone(),
                    period: r.period.to_string(),
                    value: r.value,
                    partner: r.partner.clone(),
                    note: r.note.clone(),
                })
                .collect();
            Ok(WorkbookPreview {
                filename: filename.to_string(),
                preview: ImportPreview {
                    rows: valid.into_iter().map(preview_row).collect(),
                    errors: Vec::new(),
                    forbidden: None,
                },
                notices: sheet.notices,
                csv: write_readings_csv(&export),
            })
        }
        Err(BatchError::Rows(errors)) => {
            let errors = errors.into_iter().map(|e| RowError { column: sheet.cell(e.line, &e.column), ..e }).collect();
            Ok(refused(errors, None, sheet.notices))
        }
        Err(BatchError::Forbidden(message)) => {
            // "line 7: …" is row 7 of the sheet.
            let message = message.replacen("line ", &format!("{} row ", sheet.sheet), 1);
            Ok(refused(Vec::new(), Some(message), sheet.notices))
        }
        Err(BatchError::Other(error)) => Err(error),
    }
}

fn preview_row(r: ValidReading) -> crate::model::readings::PreviewRow {
    crate::model::readings::PreviewRow {
        line: r.line,
        metric: r.metric,
        ics: r.ics,
        period: r.period,
        value: r.value,
        partner: r.partner,
        note: r.note,
    }
}
