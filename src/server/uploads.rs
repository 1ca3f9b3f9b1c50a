//! `POST /readings/upload`: a spreadsheet (.xlsx) of readings, or CSV (a
//! chosen file or pasted text), from the `/readings` page. Plain multipart
//! forms, so they work without JavaScript: the file is read and checked, its
//! preview kept for the uploader (`db::uploads`), and the browser sent to
//! `/readings?upload=<id>` to see it. Nothing is imported until the uploader
//! presses Import on that page.

use super::auth::{self, Session};
use super::workbook_reader::MAX_WORKBOOK_BYTES;
use super::AppState;
use crate::db;
use crate::error::AppError;
use crate::model::readings::WorkbookPreview;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

const PAGE: &str = "/readings";

fn back_with_error(message: &str) -> Response {
    Redirect::to(&super::errors::with_error(PAGE, message)).into_response()
}

const UNREADABLE: &str = "the upload could not be read; choose the file and try again";

/// A chosen file's name (or `default_name`) and bytes, up to the upload limit;
/// a file too large or unreadable is refused with the page's error.
async fn read_file_field(
    field: &mut axum::extract::multipart::Field<'_>,
    default_name: &str,
) -> Result<(String, Vec<u8>), Response> {
    let filename: String = field.file_name().unwrap_or(default_name).chars().take(200).collect();
    match read_capped(field, MAX_WORKBOOK_BYTES).await {
        Ok(Some(bytes)) => Ok((filename, bytes)),
        Ok(None) => Err(back_with_error(&too_large(&filename))),
        Err(()) => Err(back_with_error(UNREADABLE)),
    }
}

/// Reads one multipart field to its end, or stops at `limit` bytes: `None` then.
async fn read_capped(field: &mut axum::extract::multipart::Field<'_>, limit: usize) -> Result<Option<Vec<u8>>, ()> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| ())? {
        if bytes.len() + chunk.len() > limit {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

pub async fn upload_workbook(State(state): State<AppState>, headers: HeaderMap, mut multipart: Multipart) -> Response {
    let session = match auth::session_from_headers(&state.pool, &headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return Redirect::to("/sign-in?next=/readings").into_response(),
        Err(error) => return error.into_response(),
    };
    let mut csrf = String::new();
    let mut workbook: Option<(String, Vec<u8>)> = None;
    let mut csv_file: Option<(String, Vec<u8>)> = None;
    let mut csv_text = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return back_with_error(&too_large("the upload"))
            }
            Err(_) => return back_with_error(UNREADABLE),
        };
        match field.name() {
            Some("csrf") => match read_capped(&mut field, 256).await {
                Ok(Some(bytes)) => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                _ => return back_with_error(UNREADABLE),
            },
            Some("workbook") => match read_file_field(&mut field, "workbook.xlsx").await {
                Ok(file) => workbook = Some(file),
                Err(refusal) => return refusal,
            },
            Some("csv_file") => match read_file_field(&mut field, "readings.csv").await {
                Ok(file) => csv_file = Some(file),
                Err(refusal) => return refusal,
            },
            Some("csv") => match read_capped(&mut field, MAX_WORKBOOK_BYTES).await {
                Ok(Some(bytes)) => csv_text = bytes,
                Ok(None) => return back_with_error(&too_large("the CSV text")),
                Err(()) => return back_with_error(UNREADABLE),
            },
            _ => {}
        }
    }
    if !super::secrets::constant_time_eq(&csrf, &session.csrf_token) {
        return (
            StatusCode::FORBIDDEN,
            "You do not have permission to submit this form: it has expired or came from another site; reload the page and try again.",
        )
            .into_response();
    }
    let staged = match (workbook, csv_file) {
        (Some((filename, bytes)), _) if !bytes.is_empty() => stage(&state, &session, &filename, &bytes).await,
        (Some(_), _) => return back_with_error("choose a spreadsheet (.xlsx) to upload"),
        // Text in the box wins over a chosen file: with JavaScript the file's
        // text fills the box, and may then have been corrected there.
        (None, file) => {
            let (filename, bytes) = match file {
                _ if !csv_text.iter().all(u8::is_ascii_whitespace) => ("the pasted CSV".to_string(), csv_text),
                Some((filename, bytes)) if !bytes.is_empty() => (filename, bytes),
                _ => return back_with_error("choose a CSV file or paste its text"),
            };
            stage_csv(&state, &session, &filename, &bytes).await
        }
    };
    match staged {
        Ok(id) => Redirect::to(&format!("{PAGE}?upload={id}")).into_response(),
        Err(error) => back_with_error(&error.to_string()),
    }
}

fn too_large(what: &str) -> String {
    format!("{what} is larger than the {} MB limit: split it into smaller files", MAX_WORKBOOK_BYTES / (1024 * 1024))
}

async fn stage(state: &AppState, session: &Session, filename: &str, bytes: &[u8]) -> Result<String, AppError> {
    let preview = super::readings::preview_workbook(&state.pool, &session.principal, filename, bytes).await?;
    keep(state, session, filename, &preview).await
}

async fn stage_csv(state: &AppState, session: &Session, filename: &str, bytes: &[u8]) -> Result<String, AppError> {
    let preview = super::readings::preview(&state.pool, &session.principal, bytes).await?;
    let csv = String::from_utf8_lossy(bytes).into_owned();
    let preview = WorkbookPreview { filename: filename.to_string(), preview, notices: Vec::new(), csv };
    keep(state, session, filename, &preview).await
}

/// Keeps a preview for its uploader to see and import from.
async fn keep(
    state: &AppState,
    session: &Session,
    filename: &str,
    preview: &WorkbookPreview,
) -> Result<String, AppError> {
    let content = serde_json::to_string(preview).map_err(|error| {
        tracing::error!(%error, "a workbook preview could not be stored");
        AppError::Internal
    })?;
    let id = db::new_id();
    db::uploads::insert(&state.pool, &id, &session.principal.user_id, filename, &content).await?;
    Ok(id)
}

/// An upload's preview, for its uploader only (anyone else: not found).
pub async fn preview(pool: &db::Pool, session: &Session, id: &str) -> Result<WorkbookPreview, AppError> {
    let not_found = || AppError::NotFound("that upload (previews are kept for a day; upload the file again)".into());
    let (_, content) = db::uploads::get(pool, id.trim(), &session.principal.user_id).await?.ok_or_else(not_found)?;
    serde_json::from_str(&content).map_err(|error| {
        tracing::error!(%error, "a stored workbook preview could not be read");
        AppError::Internal
    })
}
