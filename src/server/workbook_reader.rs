//! Reading an uploaded .xlsx into `domain::readings_sheet`'s cells, with the
//! guards a file from the internet needs: a size limit, a check that it is an
//! Excel workbook at all, and a zip-bomb check that decompresses every entry
//! through a cap before calamine sees the file. Nothing here panics on any
//! input: calamine runs under `catch_unwind`, and memory is bounded (entries,
//! expanded bytes, cells).
//!
//! Formulas are never evaluated: calamine gives each formula's saved result,
//! and a formula without one becomes `SheetCell::FormulaWithoutResult`.

use crate::domain::readings_sheet::{choose_sheet, readings_from_sheets, Sheet, SheetCell, SheetReadings};
use crate::domain::validation::RowError;
use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// The upload size limit.
pub const MAX_WORKBOOK_BYTES: usize = 5 * 1024 * 1024;
/// An .xlsx has a dozen or so parts; hundreds means something else.
const MAX_ENTRIES: usize = 200;
/// What all the parts may add up to once decompressed.
const MAX_EXPANDED_BYTES: u64 = 50 * 1024 * 1024;
/// Filled cells read from the readings sheet.
const MAX_FILLED_CELLS: usize = 500_000;
/// Cells the sheet's rows span (each row up to its last filled cell): a few
/// cells far apart must not make a grid of billions.
const MAX_GRID_CELLS: u64 = 1_000_000;
/// Excel's grid: 1,048,576 rows by 16,384 columns.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: u32 = 16_384;

const SAVE_AS_XLSX: &str = "save it as Excel Workbook (.xlsx), or upload CSV";

fn workbook_error(message: impl Into<String>) -> Vec<RowError> {
    vec![RowError { line: 1, column: "workbook".into(), message: message.into() }]
}

fn cannot_read(detail: impl std::fmt::Display) -> Vec<RowError> {
    workbook_error(format!(
        "the workbook cannot be read ({detail}); open it in Excel and save it again as Excel Workbook (.xlsx), or upload CSV"
    ))
}

/// Reads the readings sheet of an uploaded .xlsx: every problem comes back
/// named by its sheet and cell (`Readings!D7`), or by `workbook` for the file.
pub fn read_readings_workbook(bytes: &[u8], max_rows: usize) -> Result<SheetReadings, Vec<RowError>> {
    check_container(bytes)?;
    let sheets = std::panic::catch_unwind(|| read_sheets(bytes))
        .unwrap_or_else(|_| Err(cannot_read("its contents are malformed")))?;
    readings_from_sheets(sheets, max_rows)
}

/// At most this many problems are listed for one file (then "and N more").
pub const MAX_PROBLEMS: usize = 100;
/// Workbooks unzipped and parsed at once: each takes a core and up to tens of
/// megabytes while it lasts; more uploads wait their turn.
const CONCURRENT_WORKBOOKS: usize = 2;

/// `read_readings_workbook` on the blocking pool, a few at a time, its
/// problems capped: parsing a file never occupies the async workers that
/// serve pages.
pub async fn read_readings_workbook_queued(
    bytes: Vec<u8>,
    max_rows: usize,
) -> Result<Result<SheetReadings, Vec<RowError>>, crate::error::AppError> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let permits = PERMITS.get_or_init(|| tokio::sync::Semaphore::new(CONCURRENT_WORKBOOKS));
    let _permit = permits.acquire().await.map_err(|_| crate::error::AppError::Internal)?;
    let read =
        tokio::task::spawn_blocking(move || read_readings_workbook(&bytes, max_rows)).await.map_err(|error| {
            tracing::error!(%error, "reading a workbook failed");
            crate::error::AppError::Internal
        })?;
    Ok(read.map_err(|errors| crate::domain::validation::cap_problems(errors, MAX_PROBLEMS)))
}

fn megabytes(bytes: usize) -> String {
    // Only for messages: f64 is exact enough.
    let mb = bytes as f64 / (1024.0 * 1024.0);
    format!("{:.1}", (mb * 10.0).floor() / 10.0).trim_end_matches(".0").to_string()
}

/// Size, kind and zip checks, before any parser sees the bytes.
fn check_container(bytes: &[u8]) -> Result<(), Vec<RowError>> {
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(workbook_error(format!(
            "the file is {} MB; the limit is {} MB: split it into smaller files",
            megabytes(bytes.len()),
            MAX_WORKBOOK_BYTES / (1024 * 1024)
        )));
    }
    if bytes.is_empty() {
        return Err(workbook_error("the file is empty"));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        let what = if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            "the file is an old Excel 97–2003 workbook (.xls) or a password-protected one, not an Excel workbook (.xlsx): remove any password and "
        } else if looks_like_text(bytes) {
            "the file is text (CSV?), not an Excel workbook (.xlsx): upload it as CSV, or "
        } else {
            "the file is not an Excel workbook (.xlsx): "
        };
        return Err(workbook_error(format!("{what}{SAVE_AS_XLSX}")));
    }
    check_zip(bytes, MAX_ENTRIES, MAX_EXPANDED_BYTES)
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    // A cut in the middle of a UTF-8 character at the end is still text.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.valid_up_to() + 4 > head.len(),
    };
    valid && !head.iter().any(|b| *b == 0 || (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r')))
}

/// Opens the zip and decompresses every entry through a cap, so a zip bomb is
/// refused whatever its headers claim.
fn check_zip(bytes: &[u8], max_entries: usize, max_expanded: u64) -> Result<(), Vec<RowError>> {
    let damaged = |detail: &dyn std::fmt::Display| {
        workbook_error(format!(
            "the file is damaged or not a complete Excel workbook ({detail}); open it in Excel and save it again, or upload CSV"
        ))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    if archive.len() > max_entries {
        return Err(workbook_error(format!(
            "the file holds {} parts; an Excel workbook has far fewer, so it was not opened: {SAVE_AS_XLSX}",
            archive.len()
        )));
    }
    let names: Vec<String> = archive.file_names().filter_map(Result::ok).map(|n| n.to_string()).collect();
    let has = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    if has("xl/workbook.bin") {
        return Err(workbook_error(format!("the file is an Excel Binary Workbook (.xlsb): {SAVE_AS_XLSX}")));
    }
    if has("mimetype") && has("content.xml") {
        return Err(workbook_error(format!("the file is an OpenDocument spreadsheet (.ods): {SAVE_AS_XLSX}")));
    }
    if !has("[Content_Types].xml") {
        return Err(workbook_error(format!(
            "the file is a zip archive, not an Excel workbook (.xlsx): {SAVE_AS_XLSX}"
        )));
    }
    let too_big = || {
        workbook_error(format!(
            "the workbook expands to more than {} MB when opened, which no readings file needs; it was not read: {SAVE_AS_XLSX}",
            max_expanded / (1024 * 1024)
        ))
    };
    let mut expanded: u64 = 0;
    for index in 0..archive.len() {
        if archive.by_index_raw(index).map_err(|e| damaged(&e))?.encrypted() {
            return Err(workbook_error(
                "the workbook is encrypted (password-protected); remove the password in Excel and upload it again",
            ));
        }
        let entry = archive.by_index(index).map_err(|e| damaged(&e))?;
        // Read one byte past what is left, to know the limit was passed.
        let left = max_expanded - expanded;
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink()).map_err(|e| damaged(&e))?;
        expanded += read;
        if expanded > max_expanded {
            return Err(too_big());
        }
    }
    Ok(())
}

/// The workbook's sheets: the readings sheet with its cells, the others by name only.
fn read_sheets(bytes: &[u8]) -> Result<Vec<Sheet>, Vec<RowError>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => {
            workbook_error("the workbook is password-protected; remove the password in Excel and upload it again")
        }
        other => cannot_read(other),
    })?;
    let names = workbook.sheet_names();
    let chosen = choose_sheet(&names).map_err(|e| vec![e])?;
    let mut sheets = Vec::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        sheets.push(if index == chosen { read_sheet(&mut workbook, name)? } else { Sheet::named(name.clone()) });
    }
    Ok(sheets)
}

fn cell_of(value: DataRef<'_>, is_1904: bool) -> SheetCell {
    match value {
        DataRef::Int(n) => SheetCell::Number(n as f64),
        DataRef::Float(n) => SheetCell::Number(n),
        DataRef::String(text) => SheetCell::Text(text),
        DataRef::SharedString(text) => SheetCell::Text(text.to_string()),
        DataRef::Bool(b) => SheetCell::Bool(b),
        // 1904-system serials count from 1904-01-01, 1462 days after the 1900 system's.
        DataRef::DateTime(at) => SheetCell::Date(at.as_f64() + if is_1904 { 1462.0 } else { 0.0 }),
        DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => SheetCell::Text(text),
        DataRef::Error(error) => SheetCell::Error(error.to_string()),
        DataRef::Empty => SheetCell::Empty,
    }
}

/// Whether a number format shows a percentage: a `%` outside quoted text and
/// escapes (`0.0%`, not `0.0"%"` or `0\%`).
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => {
                chars.next();
            }
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A stored fraction as the percentage Excel shows (0.825 → 82.5), without
/// the float noise of multiplying by 100.
fn as_percentage(fraction: f64) -> f64 {
    (fraction * 100.0 * 1e9).round() / 1e9
}

fn read_sheet(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Sheet, Vec<RowError>> {
    let is_1904 = workbook.has_1904_epoch();
    let too_large = || {
        workbook_error(format!(
            "the sheet {name} is too large to read (its rows reach too far down or to the right); \
             delete the unused rows and columns, or split it"
        ))
    };
    let mut filled: Vec<((u32, u32), SheetCell)> = Vec::new();
    let mut formula_results = Vec::new();
    // Row → one past its last filled column.
    let mut widths: BTreeMap<u32, u32> = BTreeMap::new();
    {
        let mut reader = workbook.worksheet_cells_reader(name).map_err(cannot_read)?;
        while let Some(cell) = reader.next_cell_with_formula().map_err(cannot_read)? {
            let (row, col) = cell.pos;
            let formula = cell.formula.filter(|f| !f.trim().is_empty());
            let value = match (formula, cell_of(cell.value, is_1904)) {
                (Some(formula), SheetCell::Empty) => SheetCell::FormulaWithoutResult(formula),
                (Some(_), value) => {
                    formula_results.push((row, col));
                    value
                }
                (None, value) => value,
            };
            if value == SheetCell::Empty {
                continue;
            }
            if row >= MAX_ROWS || col >= MAX_COLUMNS {
                return Err(cannot_read(format!("{name} has a cell outside Excel's grid")));
            }
            if filled.len() >= MAX_FILLED_CELLS {
                return Err(too_large());
            }
            let width = widths.entry(row).or_default();
            *width = (*width).max(col + 1);
            filled.push(((row, col), value));
        }
    }
    if widths.values().map(|w| u64::from(*w)).sum::<u64>() > MAX_GRID_CELLS {
        return Err(too_large());
    }
    // "82.5%" typed into a cell is stored as 0.825 and shown as a percentage:
    // read it as shown, so a percentage metric gets 82.5 and any other metric
    // names the cell ("82.5%" is not a number) instead of storing 0.825.
    let styles = workbook.worksheet_style(name).map_err(cannot_read)?;
    for ((row, col), value) in &mut filled {
        let shown_as_percent = styles
            .get((*row, *col))
            .and_then(|style| style.number_format.as_ref())
            .is_some_and(|format| is_percent_format(&format.format_code));
        if let (SheetCell::Number(fraction), true) = (&*value, shown_as_percent) {
            *value = SheetCell::Text(format!("{}%", as_percentage(*fraction)));
        }
    }
    let height = widths.keys().next_back().map_or(0, |last| *last as usize + 1);
    let mut cells: Vec<Vec<SheetCell>> = vec![Vec::new(); height];
    for (row, width) in &widths {
        cells[*row as usize] = vec![SheetCell::Empty; *width as usize];
    }
    for ((row, col), value) in filled {
        cells[row as usize][col as usize] = value;
    }
    let merged = workbook
        .merge_cells_by_sheet_name(name)
        .map_err(cannot_read)?
        .into_iter()
        .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
        .collect();
    Ok(Sheet { name: name.to_string(), cells, merged, formula_results })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError};
    use std::io::Write;

    fn xlsx(build: impl FnOnce(&mut Workbook) -> Result<(), XlsxError>) -> Vec<u8> {
        let mut workbook = Workbook::new();
        build(&mut workbook).expect("build");
        workbook.save_to_buffer().expect("save")
    }

    fn header(sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, name) in (0u16..).zip(["metric", "ics", "period", "value", "partner", "note"]) {
            sheet.write_string(0, col, name)?;
        }
        Ok(())
    }

    fn one_error(bytes: &[u8]) -> RowError {
        let errors = read_readings_workbook(bytes, 100).expect_err("refused");
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().expect("one")
    }

    /// Rewrites one part of a zip (an .xlsx) with `edit`.
    fn edit_part(bytes: &[u8], part: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).expect("entry");
            let name = entry.name().expect("name").to_string();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("read");
            if name == part {
                content = edit(String::from_utf8(content).expect("xml")).into_bytes();
            }
            writer.start_file(name, zip::write::SimpleFileOptions::default()).expect("start");
            writer.write_all(&content).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_number_shown_as_a_percentage_is_read_as_shown() {
        assert!(is_percent_format("0%") && is_percent_format("0.00%") && is_percent_format("#,##0.0%;[Red]-0.0%"));
        assert!(!is_percent_format("0.0\"%\"") && !is_percent_format("0\\%") && !is_percent_format("General"));
        assert_eq!(as_percentage(0.825), 82.5);
        let bytes = xlsx(|wb| {
            let sheet = wb.add_worksheet().set_name("Readings")?;
            header(sheet)?;
            sheet.write_string(1, 0, "m_liaison_1h")?;
            sheet.write_string(1, 1, "SEL")?;
            sheet.write_string(1, 2, "2024-25-Q1")?;
            sheet.write_number_with_format(1, 3, 0.825, &Format::new().set_num_format("0.0%"))?;
            Ok(())
        });
        let read = read_readings_workbook(&bytes, 100).expect("read");
        assert_eq!(read.rows[0].value_text, "82.5%");
    }

    #[test]
    fn reads_values_text_and_dates_at_their_cells() {
        let bytes = xlsx(|wb| {
            let sheet = wb.add_worksheet().set_name("Guidance")?;
            sheet.write_string(0, 0, "Fill in column D")?;
            let sheet = wb.add_worksheet().set_name("Readings")?;
            header(sheet)?;
            sheet.write_string(1, 0, "m_liaison_1h")?;
            sheet.write_string(1, 1, "sel")?;
            sheet.write_string(1, 2, "2024-25-Q1")?;
            sheet.write_number(1, 3, 80.5)?;
            sheet.write_string(1, 4, "RV5")?;
            sheet.write_string(1, 5, "a note")?;
            // Row 3 empty; row 4 has a period typed as 2024-04 that Excel made a date.
            sheet.write_string(3, 0, "m_ed_12h_mh")?;
            sheet.write_string(3, 1, "SEL")?;
            let date = ExcelDateTime::from_ymd(2024, 4, 1)?;
            sheet.write_datetime_with_format(3, 2, &date, &Format::new().set_num_format("mmm-yy"))?;
            sheet.write_number(3, 3, 3)?;
            Ok(())
        });
        let got = read_readings_workbook(&bytes, 100).expect("valid");
        assert_eq!(got.sheet, "Readings");
        assert_eq!(got.rows.len(), 2);
        assert_eq!(got.rows[0].line, 2);
        assert_eq!(got.rows[0].ics, "SEL");
        assert_eq!(got.rows[0].value_text, "80.5");
        assert_eq!(got.rows[0].partner.as_deref(), Some("RV5"));
        assert_eq!(got.rows[0].note.as_deref(), Some("a note"));
        assert_eq!(got.rows[1].line, 4);
        assert_eq!(got.rows[1].period.to_string(), "2024-04");
        assert_eq!(got.rows[1].value_text, "3");
        assert_eq!(got.notices, ["Only the sheet Readings was read; Guidance was left alone."]);
        assert_eq!(got.cell(4, "value"), "Readings!D4");
    }

    #[test]
    fn a_sheet_that_does_not_start_at_a1_keeps_its_cell_names() {
        let bytes = xlsx(|wb| {
            let sheet = wb.add_worksheet().set_name("Readings")?;
            // The header in row 1 but starting at column C; data in row 7.
            for (col, name) in (2u16..).zip(["metric", "ics", "period", "value"]) {
                sheet.write_string(0, col, name)?;
            }
            sheet.write_string(6, 2, "m_liaison_1h")?;
            sheet.write_string(6, 3, "SEL")?;
            sheet.write_string(6, 4, "2024-25-Q1")?;
            sheet.write_number(6, 5, 101)?;
            sheet.write_string(6, 6, "=not a formula, text")?;
            Ok(())
        });
        let got = read_readings_workbook(&bytes, 100).expect("valid shape");
        assert_eq!(got.rows[0].line, 7);
        assert_eq!(got.cell(7, "value"), "Readings!F7");
    }

    #[test]
    fn a_date_where_a_number_belongs_is_named_by_its_cell() {
        let bytes = xlsx(|wb| {
            let sheet = wb.add_worksheet().set_name("Readings")?;
            header(sheet)?;
            for row in 1..7 {
                sheet.write_string(row, 0, "m_liaison_1h")?;
                sheet.write_string(row, 1, "SEL")?;
                sheet.write_string(row, 2, "2024-25-Q1")?;
                sheet.write_number(row, 3, 80)?;
            }
            let date = ExcelDateTime::from_ymd(2024, 4, 1)?;
            sheet.write_datetime_with_format(6, 3, &date, &Format::new().set_num_format("yyyy-mm-dd"))?;
            Ok(())
        });
        let error = one_error(&bytes);
        assert_eq!((error.line, error.column.as_str()), (7, "Readings!D7"));
        assert!(error.message.starts_with("is a date (1 April 2024), not a number"), "{}", error.message);
    }

    #[test]
    fn formulas_are_read_as_their_saved_results_or_refused() {
        let build = |wb: &mut Workbook| {
            let sheet = wb.add_worksheet().set_name("Readings")?;
            header(sheet)?;
            for row in 1..4 {
                sheet.write_string(row, 0, "m_liaison_1h")?;
                sheet.write_string(row, 1, "SEL")?;
                sheet.write_string(row, 2, "2024-25-Q1")?;
            }
            sheet.write_formula(1, 3, Formula::new("=40+2").set_result("42"))?;
            sheet.write_formula(2, 3, Formula::new("=1/0").set_result("#DIV/0!"))?;
            sheet.write_formula(3, 3, Formula::new("=SUM(H1:H9)").set_result("7"))?;
            Ok(())
        };
        let errors = read_readings_workbook(&xlsx(build), 100).expect_err("#DIV/0!");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].column, "Readings!D3");
        assert!(errors[0].message.starts_with("holds the error #DIV/0!"), "{}", errors[0].message);

        // Without D3, the saved results are read and nothing is recalculated.
        let good = |wb: &mut Workbook| {
            build(wb)?;
            let sheet = wb.worksheet_from_name("Readings")?;
            sheet.clear_cell(2, 0);
            sheet.clear_cell(2, 1);
            sheet.clear_cell(2, 2);
            sheet.clear_cell(2, 3);
            Ok(())
        };
        let got = read_readings_workbook(&xlsx(good), 100).expect("valid");
        let values: Vec<&str> = got.rows.iter().map(|r| r.value_text.as_str()).collect();
        assert_eq!(values, ["42", "7"], "saved results, not recalculated (=SUM(H1:H9) is 0)");
        assert_eq!(got.notices, ["2 cells hold formulas; their saved results were read, nothing was recalculated."]);

        // A formula saved without its result (as some programs write them).
        let bytes = edit_part(&xlsx(good), "xl/worksheets/sheet1.xml", |xml| xml.replace("<v>42</v>", ""));
        let error = one_error(&bytes);
        assert_eq!(error.column, "Readings!D2");
        assert_eq!(
            error.message,
            "holds a formula (=40+2) with no saved result; open the file in Excel, let it calculate and save it, or type the value"
        );
    }

    #[test]
    fn merged_cells_are_refused() {
        let bytes = xlsx(|wb| {
            let sheet = wb.add_worksheet().set_name("Readings")?;
            header(sheet)?;
            sheet.merge_range(4, 0, 6, 0, "m_liaison_1h", &Format::new())?;
            for row in 4..7 {
                sheet.write_string(row, 1, "SEL")?;
                sheet.write_string(row, 2, "2024-25-Q1")?;
                sheet.write_number(row, 3, 80)?;
            }
            Ok(())
        });
        let error = one_error(&bytes);
        assert_eq!((error.line, error.column.as_str()), (5, "Readings!A5:A7"));
        assert_eq!(error.message, "are merged; unmerge them and give each row its own value");
    }

    #[test]
    fn several_sheets_without_readings_are_named() {
        let bytes = xlsx(|wb| {
            wb.add_worksheet().set_name("Q1")?;
            wb.add_worksheet().set_name("Q2")?;
            Ok(())
        });
        let error = one_error(&bytes);
        assert_eq!(error.column, "workbook");
        assert!(error.message.contains("(it has Q1 and Q2)"), "{}", error.message);
    }

    #[test]
    fn a_file_over_the_limit_is_refused_by_its_size() {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.resize(MAX_WORKBOOK_BYTES + MAX_WORKBOOK_BYTES / 2, 0);
        let error = one_error(&bytes);
        assert_eq!(error.column, "workbook");
        assert_eq!(error.message, "the file is 7.5 MB; the limit is 5 MB: split it into smaller files");
    }

    #[test]
    fn files_that_are_not_workbooks_are_named_for_what_they_are() {
        let csv = one_error(b"metric,ics,period,value\nm_liaison_1h,SEL,2024-25-Q1,80\n");
        assert!(csv.message.starts_with("the file is text (CSV?), not an Excel workbook (.xlsx)"), "{}", csv.message);
        let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        xls.resize(4096, 0);
        let xls = one_error(&xls);
        assert!(xls.message.contains("old Excel 97–2003 workbook (.xls)"), "{}", xls.message);
        let binary = one_error(&[0x89, b'P', b'N', b'G', 0, 0, 0, 13]);
        assert!(binary.message.starts_with("the file is not an Excel workbook (.xlsx)"), "{}", binary.message);
        assert_eq!(one_error(b"").message, "the file is empty");
    }

    fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, content) in entries {
            writer.start_file(*name, options).expect("start");
            writer.write_all(content).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_parsed() {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        writer.start_file("[Content_Types].xml", options).expect("start");
        writer.start_file("xl/worksheets/sheet1.xml", options).expect("start");
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..60 {
            writer.write_all(&zeros).expect("write");
        }
        let bytes = writer.finish().expect("finish").into_inner();
        assert!(bytes.len() < 1024 * 1024, "a small file: {} bytes", bytes.len());
        let error = one_error(&bytes);
        assert!(error.message.starts_with("the workbook expands to more than 50 MB"), "{}", error.message);
    }

    #[test]
    fn the_expansion_cap_counts_what_the_parts_expand_to() {
        // Small parts that together pass the cap, checked with a small cap.
        let kb = vec![b'x'; 1024];
        let parts: [(&str, &[u8]); 4] = [("[Content_Types].xml", b""), ("a", &kb), ("b", &kb), ("c", &kb)];
        let bytes = zip_of(&parts, zip::CompressionMethod::Deflated);
        assert!(check_zip(&bytes, 10, 3 * 1024).is_ok());
        let error = check_zip(&bytes, 10, 3 * 1024 - 1).expect_err("over");
        assert!(error[0].message.starts_with("the workbook expands to more than"), "{}", error[0].message);
        let error = check_zip(&bytes, 3, u64::MAX / 2).expect_err("too many parts");
        assert!(error[0].message.starts_with("the file holds 4 parts"), "{}", error[0].message);

        // Headers that claim part "a" expands to 1 byte do not fool the count.
        let mut lying = bytes.clone();
        let mut patched = 0;
        for (signature, size_at, name_at) in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)] {
            let mut at = 0;
            while let Some(found) = lying[at..].windows(4).position(|w| w == signature) {
                let start = at + found;
                if lying.get(start + name_at) == Some(&b'a') {
                    lying[start + size_at..start + size_at + 4].copy_from_slice(&1u32.to_le_bytes());
                    patched += 1;
                }
                at = start + 4;
            }
        }
        assert_eq!(patched, 2, "the local and central headers of part a");
        let error = check_zip(&lying, 10, 3 * 1024).expect_err("refused");
        assert!(error[0].message.starts_with("the file is damaged"), "{}", error[0].message);
    }

    #[test]
    fn zips_that_are_not_workbooks_or_are_damaged_are_refused() {
        let plain = zip_of(&[("notes.txt", b"hello")], zip::CompressionMethod::Stored);
        assert!(one_error(&plain).message.starts_with("the file is a zip archive, not an Excel workbook"));
        let ods = zip_of(
            &[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")],
            zip::CompressionMethod::Stored,
        );
        assert!(one_error(&ods).message.contains("OpenDocument spreadsheet (.ods)"));

        let good = xlsx(|wb| header(wb.add_worksheet().set_name("Readings")?));
        let truncated = &good[..good.len() / 2];
        let error = one_error(truncated);
        assert!(error.message.starts_with("the file is damaged or not a complete Excel workbook"), "{}", error.message);

        // A flipped byte inside compressed data fails its checksum or its inflate.
        let mut corrupt = good.clone();
        let middle = corrupt.len() / 3;
        for byte in &mut corrupt[middle..middle + 64] {
            *byte ^= 0x5A;
        }
        let error = read_readings_workbook(&corrupt, 100).expect_err("corrupt");
        assert_eq!(error[0].column, "workbook");

        // Valid zip parts, but the sheet's XML is not XML.
        let broken = edit_part(&good, "xl/worksheets/sheet1.xml", |_| "<worksheet><sheetData><row><c r=".into());
        let error = one_error(&broken);
        assert!(error.message.starts_with("the workbook cannot be read"), "{}", error.message);
    }

    #[test]
    fn encrypted_parts_are_refused() {
        let mut bytes = zip_of(&[("[Content_Types].xml", b"<Types/>")], zip::CompressionMethod::Stored);
        // Set the "encrypted" flag (bit 0 of the general purpose flags) in the
        // local header (offset 6) and the central directory header (offset 8).
        let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").expect("central directory");
        bytes[6] |= 1;
        bytes[central + 8] |= 1;
        let error = one_error(&bytes);
        assert!(error.message.starts_with("the workbook is encrypted"), "{}", error.message);
    }

    #[test]
    fn a_cell_far_away_does_not_make_a_huge_grid() {
        let bytes = xlsx(|wb| {
            let sheet = wb.add_worksheet().set_name("Readings")?;
            header(sheet)?;
            for row in 1..100 {
                sheet.write_number(row * 10_000, 16_383, 1)?;
            }
            Ok(())
        });
        let error = one_error(&bytes);
        assert!(error.message.starts_with("the sheet Readings is too large to read"), "{}", error.message);
    }
}
