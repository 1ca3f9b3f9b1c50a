//! A partner's figures for a quarter: the period form (`/me/figures`) and its
//! spreadsheet template (`/me/figures.xlsx`). Saving goes through the same
//! checks and the same all-or-nothing write as every other way readings arrive
//! (`server::readings`).

use super::auth::{self, Session};
use super::readings::{self as batch, BatchError, Reference};
use crate::db::{self, Pool};
use crate::domain::figures::{figure_key, figure_slots, read_typed_figures, FigureSlot};
use crate::domain::frequency::ReadingPeriod;
use crate::domain::london::Organisation;
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::{Action, PartnerRef, Principal, Role};
use crate::domain::readings_csv::CsvReading;
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::model::figures::{FigureRow, FiguresSaved, PeriodFigures};
use std::collections::{BTreeMap, HashMap};

/// The organisation whose figures are asked for: the user's own when `requested`
/// is blank, else one named by id, ODS code or name. Board reviewers and
/// administrators may open any organisation's, an ICS lead those of the
/// organisations serving its ICS.
async fn organisation_for(pool: &Pool, principal: &Principal, requested: &str) -> Result<Organisation, AppError> {
    let requested = requested.trim();
    if requested.is_empty() || requested == principal.organisation_id {
        return db::london::get_organisation(pool, &principal.organisation_id)
            .await?
            .ok_or_else(|| AppError::NotFound("your organisation".into()));
    }
    let reference = Reference::load(pool).await?;
    let org = reference
        .organisation(requested)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("organisation {:?}", truncate(requested, 80))))?;
    let allowed = org.id == principal.organisation_id
        || match principal.role {
            Role::Admin | Role::BoardReviewer => true,
            Role::IcsLead => principal.lead_ics.as_deref().is_some_and(|ics| org.serves(ics)),
            Role::PartnerEditor | Role::Viewer => false,
        };
    if !allowed {
        return Err(AppError::Forbidden(format!(
            "open the figures of {}: partners see their own; board reviewers any organisation's, ICS leads those serving their ICS",
            org.name
        )));
    }
    Ok(org)
}

fn truncate(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

fn partner_ref(org: &Organisation) -> PartnerRef {
    PartnerRef { org_id: org.id.clone(), org_ics: org.ics.clone(), also_serves: org.also_serves.clone() }
}

/// The organisation's boxes for a quarter, as of today, from the catalogue.
async fn slots_for(
    pool: &Pool,
    metrics: &[db::metrics::Metric],
    org: &Organisation,
    quarter: ReportingPeriod,
) -> Result<Vec<FigureSlot>, AppError> {
    let all_ics: Vec<String> = db::london::ics_codes(pool).await?.into_iter().map(String::from).collect();
    let current = metrics.iter().filter(|m| m.retired_at.is_none()).map(|m| &m.definition);
    Ok(figure_slots(org, current, &all_ics, quarter, super::status::today()))
}

/// The figures form (or template) for `organisation` (blank: the user's own)
/// and `period` (blank: the current quarter). `typed` is what a refused save
/// carried back; its problems are listed against their boxes.
pub async fn load(
    pool: &Pool,
    session: &Session,
    organisation: &str,
    period: &str,
    typed: BTreeMap<String, String>,
) -> Result<PeriodFigures, AppError> {
    let principal = &session.principal;
    let org = organisation_for(pool, principal, organisation).await?;
    let quarter = super::status::period_or_current(period)?;
    let catalogue = db::metrics::list(pool).await?;
    let slots = slots_for(pool, &catalogue, &org, quarter).await?;
    let metrics: HashMap<String, _> = catalogue.into_iter().map(|m| (m.definition.id.clone(), m.definition)).collect();
    let ics_targets: HashMap<(String, String), f64> =
        db::metrics::all_ics_targets(pool).await?.into_iter().map(|t| ((t.metric_id, t.ics_code), t.target)).collect();
    let recorded = recorded_values(pool, &org).await?;
    let value_at = |slot: &FigureSlot, period: ReadingPeriod| {
        recorded.get(&figure_key(&slot.ics, &slot.metric_id, period)).map(|(value, _)| *value)
    };
    let rows = slots
        .iter()
        .filter_map(|slot| {
            let metric = metrics.get(&slot.metric_id)?;
            Some(FigureRow {
                key: slot.key(),
                metric_id: metric.id.clone(),
                metric_name: metric.name.clone(),
                kind: metric.kind,
                unit: metric.unit.clone(),
                direction: metric.direction,
                ics: slot.ics.clone(),
                period: slot.period,
                target: ics_targets.get(&(metric.id.clone(), slot.ics.clone())).copied().or(metric.target),
                previous_value: value_at(slot, slot.period.previous()),
                current_value: value_at(slot, slot.period),
            })
        })
        .collect();
    let errors =
        if typed.is_empty() { Vec::new() } else { read_typed_figures(&slots, &typed).err().unwrap_or_default() };
    // Whoever may record the partner's figures in one ICS it serves may in all.
    let may_save = slots.first().is_some_and(|slot| {
        let action = Action::WriteReading { ics: slot.ics.clone(), partner: Some(partner_ref(&org)) };
        crate::domain::permission::authorise(principal, &action).is_ok()
    });
    let current = ReportingPeriod::containing(super::status::today());
    let mut quarters = ReportingPeriod::range(ReportingPeriod::FIRST, current);
    quarters.reverse();
    Ok(PeriodFigures {
        organisation_id: org.id.clone(),
        organisation_name: org.name.clone(),
        ods: org.ods.clone(),
        quarter,
        quarters,
        rows,
        typed,
        errors,
        csrf: may_save.then(|| session.csrf_token.clone()),
    })
}

/// The partner's recorded (value, note) by box key.
async fn recorded_values(pool: &Pool, org: &Organisation) -> Result<HashMap<String, (f64, Option<String>)>, AppError> {
    Ok(db::readings::for_partner(pool, &org.id)
        .await?
        .into_iter()
        .filter_map(|r| {
            let period = ReadingPeriod::parse(&r.period).ok()?;
            Some((figure_key(&r.ics_code, &r.metric_id, period), (r.value, r.note)))
        })
        .collect())
}

/// Saves every typed figure or none. An empty box leaves its figure alone, and
/// a figure's note (from an import) is kept.
pub async fn save(
    pool: &Pool,
    principal: &Principal,
    organisation: &str,
    period: &str,
    typed: &BTreeMap<String, String>,
) -> Result<FiguresSaved, AppError> {
    let org = organisation_for(pool, principal, organisation).await?;
    let quarter = super::status::period_or_current(period)?;
    let slots = slots_for(pool, &db::metrics::list(pool).await?, &org, quarter).await?;
    let figures = read_typed_figures(&slots, typed).map_err(AppError::Validation)?;
    let recorded = recorded_values(pool, &org).await?;
    let rows: Vec<CsvReading> = figures
        .iter()
        .enumerate()
        .map(|(index, figure)| CsvReading {
            line: index + 1,
            metric: figure.slot.metric_id.clone(),
            ics: figure.slot.ics.clone(),
            period: figure.slot.period,
            value_text: figure.value.to_string(),
            partner: Some(org.id.clone()),
            note: recorded.get(&figure.slot.key()).and_then(|(_, note)| note.clone()),
        })
        .collect();
    let key_of_line = |line: usize| figures.get(line.wrapping_sub(1)).map(|f| f.slot.key()).unwrap_or_default();
    let reference = Reference::load(pool).await?;
    let valid = match batch::check(principal, &reference, rows) {
        Ok(valid) => valid,
        Err(BatchError::Rows(errors)) => {
            return Err(AppError::Validation(
                errors.into_iter().map(|e| FieldError::new(key_of_line(e.line), e.message)).collect(),
            ))
        }
        Err(BatchError::Forbidden(message)) => {
            // "line 3: you do not have permission to …" names a line the user never saw.
            let what = message.split_once("permission to ").map_or(message.as_str(), |(_, what)| what);
            return Err(AppError::Forbidden(what.to_string()));
        }
        Err(BatchError::Other(error)) => return Err(error),
    };
    let counts = batch::write(pool, principal, &reference, &valid).await?;
    Ok(FiguresSaved { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged })
}

/// The spreadsheet template: the organisation's boxes for the quarter, with
/// what is already recorded.
pub async fn template(
    pool: &Pool,
    session: &Session,
    organisation: &str,
    period: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let figures = load(pool, session, organisation, period, BTreeMap::new()).await?;
    let partner = figures.ods.clone().unwrap_or_else(|| figures.organisation_id.clone());
    let body = super::workbooks::figures_template(&figures, &partner)?;
    let filename =
        format!("figures-{}-{}.xlsx", figures.ods.as_deref().unwrap_or(&figures.organisation_id), figures.quarter);
    Ok((filename, body))
}

#[derive(serde::Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    organisation: String,
}

/// `GET /me/figures.xlsx?period=…&organisation=…`: the template, for the
/// signed-in user's organisation or (board reviewers, ICS leads) another's.
pub async fn template_download(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Query(query): axum::extract::Query<FiguresQuery>,
) -> axum::response::Response {
    use axum::response::{IntoResponse, Redirect};
    let session = match auth::session_from_headers(&state.pool, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return Redirect::to("/sign-in?next=/me/figures").into_response(),
        Err(error) => return error.into_response(),
    };
    match template(&state.pool, &session, &query.organisation, &query.period).await {
        Ok((filename, body)) => super::workbooks::xlsx_response(&filename, body),
        Err(error) => error.into_response(),
    }
}

/// The period form's address. After a save refused without JavaScript it
/// carries what was typed (`values[<key>]=…`), so the page can show it again
/// with each box's problem; after one that succeeded, how many were saved.
pub fn form_address(
    organisation: &str,
    period: &str,
    typed: &BTreeMap<String, String>,
    saved: Option<usize>,
) -> String {
    use super::errors::encode_query;
    let mut pairs = vec![format!("period={}", encode_query(period))];
    if !organisation.trim().is_empty() {
        pairs.push(format!("organisation={}", encode_query(organisation)));
    }
    for (key, value) in typed.iter().filter(|(_, value)| !value.trim().is_empty()) {
        pairs.push(format!("values%5B{}%5D={}", encode_query(key), encode_query(value)));
    }
    if let Some(saved) = saved {
        pairs.push(format!("saved={saved}"));
    }
    format!("/me/figures?{}", pairs.join("&"))
}
