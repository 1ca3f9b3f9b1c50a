//! Spreadsheets (.xlsx) the tracker hands out, written with rust_xlsxwriter.
//! Text goes in as text, never as a formula, so a value such as "=HYPERLINK(…)"
//! typed into a note stays inert in Excel.

use crate::domain::readings_csv::ExportRow;
use crate::error::AppError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn failed(error: XlsxError) -> AppError {
    tracing::error!(%error, "writing a workbook failed");
    AppError::Internal
}

/// The readings export: one sheet, the CSV export's columns, values as numbers.
pub fn readings_workbook(rows: &[ExportRow]) -> Result<Vec<u8>, AppError> {
    write_readings(rows).map_err(failed)
}

fn write_readings(rows: &[ExportRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Readings")?;
    let bold = Format::new().set_bold();
    let headers = ["metric", "ics", "period", "value", "partner", "note"];
    for (col, header) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, col, header, &bold)?;
    }
    for (row, reading) in (1u32..).zip(rows) {
        sheet.write_string(row, 0, &reading.metric)?;
        sheet.write_string(row, 1, &reading.ics)?;
        sheet.write_string(row, 2, &reading.period)?;
        sheet.write_number(row, 3, reading.value)?;
        sheet.write_string(row, 4, reading.partner.as_deref().unwrap_or_default())?;
        sheet.write_string(row, 5, reading.note.as_deref().unwrap_or_default())?;
    }
    for (col, width) in (0u16..).zip([28.0, 6.0, 12.0, 10.0, 44.0, 40.0]) {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX - 1).max(1);
    sheet.autofilter(0, 0, last_row, 5)?;
    workbook.save_to_buffer()
}

/// An .xlsx download named `filename`.
pub fn xlsx_response(filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX_CONTENT_TYPE.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response()
}
