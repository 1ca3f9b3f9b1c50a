//! Readings from a spreadsheet: the sheet's cells → the same `CsvReading` rows a
//! CSV upload gives, so both go through one catalogue check afterwards.
//!
//! Pure: `server::workbook_reader` turns an .xlsx into `Sheet`s (and guards
//! against hostile files); this module decides what the cells mean. Every
//! problem is named by its cell (`Readings!D7`), in words a partner can act on.
//! Formulas are never evaluated: a formula's saved result is read like a typed
//! value, and a formula without one is refused.

use super::frequency::ReadingPeriod;
use super::readings_csv::CsvReading;
use super::validation::RowError;
use chrono::{Datelike, NaiveDate, Timelike};
use std::collections::HashMap;

/// The sheet read when a workbook has several.
pub const READINGS_SHEET: &str = "Readings";
const REQUIRED_COLUMNS: [&str; 4] = ["metric", "ics", "period", "value"];
const KNOWN_COLUMNS: [&str; 6] = ["metric", "ics", "period", "value", "partner", "note"];
const PERIOD_HINT: &str = "type a month as 2024-04 or a quarter as 2024-25-Q1 (format the cell as Text first)";

/// One cell's content, as the spreadsheet saved it.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetCell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A number the cell's format shows as a date or time: an Excel serial in
    /// the 1900 date system (day 0 is 1899-12-30).
    Date(f64),
    /// An error value such as `#DIV/0!`.
    Error(String),
    /// A formula the file holds no saved result for (the formula's text).
    FormulaWithoutResult(String),
}

impl SheetCell {
    /// Empty, or text of only spaces.
    fn is_blank(&self) -> bool {
        match self {
            SheetCell::Empty => true,
            SheetCell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

const EMPTY: SheetCell = SheetCell::Empty;

/// One worksheet: its cells at their absolute positions (`cells[0][0]` is A1;
/// rows may be shorter than others, missing cells are empty).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub cells: Vec<Vec<SheetCell>>,
    /// Merged regions: (first_row, first_col, last_row, last_col), 0-based.
    pub merged: Vec<(u32, u32, u32, u32)>,
    /// Cells (row, col) whose value is a formula's saved result.
    pub formula_results: Vec<(u32, u32)>,
}

impl Sheet {
    /// A sheet with only a name: what is known of a sheet that is not read.
    pub fn named(name: impl Into<String>) -> Self {
        Sheet { name: name.into(), ..Sheet::default() }
    }

    /// The cell at (row, col), 0-based; empty beyond the data.
    pub fn get(&self, row: u32, col: u32) -> &SheetCell {
        self.cells.get(row as usize).and_then(|r| r.get(col as usize)).unwrap_or(&EMPTY)
    }
}

/// A cell's A1 name from 0-based row and column: (6, 3) → `D7`, (0, 26) → `AA1`.
pub fn cell_name(row0: u32, col0: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col0) + 1;
    while n > 0 {
        n -= 1;
        // n % 26 < 26, so the sum is an ASCII capital.
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), u64::from(row0) + 1)
}

/// How a formula names a sheet: `Readings`, or `'My sheet'` when the name
/// needs quoting.
pub fn sheet_ref(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if plain {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// What a readings sheet gave: its rows, where its columns are (to name the
/// cell of a problem found later), and notices for the uploader.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetReadings {
    /// The name of the sheet read.
    pub sheet: String,
    /// The readings; each `line` is its Excel row (the header is row 1).
    pub rows: Vec<CsvReading>,
    /// "metric", "ics", "period", "value", "partner", "note" → 0-based column.
    pub columns: HashMap<String, u32>,
    /// What was read or left alone, in sentences.
    pub notices: Vec<String>,
}

impl SheetReadings {
    /// The cell a row's column is in, e.g. `Readings!D7` for line 7 and
    /// `value`; `Readings!row 7` when the column is not one of the sheet's.
    pub fn cell(&self, line: usize, column: &str) -> String {
        let sheet = sheet_ref(&self.sheet);
        match (self.columns.get(column), u32::try_from(line)) {
            (Some(&col), Ok(row)) if row >= 1 => format!("{sheet}!{}", cell_name(row - 1, col)),
            _ => format!("{sheet}!row {line}"),
        }
    }
}

fn error(line: usize, column: impl Into<String>, message: impl Into<String>) -> RowError {
    RowError { line, column: column.into(), message: message.into() }
}

/// Which sheet holds the readings: the one named Readings (any case), else the
/// only sheet. Several sheets and none named Readings is an error naming them.
pub fn choose_sheet<S: AsRef<str>>(names: &[S]) -> Result<usize, RowError> {
    if let Some(index) = names.iter().position(|n| n.as_ref().trim().eq_ignore_ascii_case(READINGS_SHEET)) {
        return Ok(index);
    }
    match names.len() {
        1 => Ok(0),
        0 => Err(error(1, "workbook", "the workbook has no sheets")),
        _ => {
            let shown: Vec<&str> = names.iter().map(AsRef::as_ref).take(10).collect();
            Err(error(
                1,
                "workbook",
                format!(
                    "the workbook has no sheet named Readings (it has {}): name the sheet with the readings Readings",
                    join_names(&shown)
                ),
            ))
        }
    }
}

/// "A", "A and B", "A, B and C".
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// An Excel serial (1900 date system) as a date and time. Serials before
/// 1 March 1900 are shifted by Excel's phantom 29 February 1900.
fn excel_datetime(serial: f64) -> Option<chrono::NaiveDateTime> {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let days = serial.floor();
    let base =
        if days < 61.0 { NaiveDate::from_ymd_opt(1899, 12, 31)? } else { NaiveDate::from_ymd_opt(1899, 12, 30)? };
    // Bounded above, so the casts are exact.
    let date = base.checked_add_days(chrono::Days::new(days as u64))?;
    let seconds = ((serial - days) * 86_400.0).round() as u32;
    date.and_hms_opt(0, 0, 0).map(|d| d + chrono::Duration::seconds(i64::from(seconds)))
}

/// "a date (1 April 2024)", "a time (12:30)", "a date and time (…)".
fn describe_date(serial: f64) -> String {
    let Some(at) = excel_datetime(serial) else { return "a date".into() };
    let date = format!("{} {}", at.day(), at.format("%B %Y"));
    let time = at.format("%H:%M").to_string();
    if serial < 1.0 {
        format!("a time ({time})")
    } else if at.num_seconds_from_midnight() != 0 {
        format!("a date and time ({date} {time})")
    } else {
        format!("a date ({date})")
    }
}

/// A number as typed: 80, 80.5, never 80.0.
fn number_text(n: f64) -> String {
    format!("{n}")
}

fn formula_shown(formula: &str) -> String {
    let formula = formula.trim();
    let mut shown: String = formula.trim_start_matches('=').chars().take(40).collect();
    if shown.chars().count() < formula.trim_start_matches('=').chars().count() {
        shown.push('…');
    }
    format!("={shown}")
}

/// Errors shared by every column: an error value, a formula with no result.
fn unusable(cell: &SheetCell) -> Option<String> {
    match cell {
        SheetCell::Error(code) => Some(format!("holds the error {code}: correct the formula or type the value instead")),
        SheetCell::FormulaWithoutResult(formula) => Some(format!(
            "holds a formula ({}) with no saved result; open the file in Excel, let it calculate and save it, or type the value",
            formula_shown(formula)
        )),
        _ => None,
    }
}

/// A text column's content: None when blank; numbers and TRUE/FALSE as their text.
fn text_of(cell: &SheetCell) -> Result<Option<String>, String> {
    if let Some(message) = unusable(cell) {
        return Err(message);
    }
    Ok(match cell {
        SheetCell::Text(text) => Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        SheetCell::Number(n) => Some(number_text(*n)),
        SheetCell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        SheetCell::Date(serial) => {
            return Err(format!("is {}, not text: format the cell as Text and type it again", describe_date(*serial)))
        }
        _ => None,
    })
}

fn period_of(cell: &SheetCell) -> Result<Option<ReadingPeriod>, String> {
    match cell {
        SheetCell::Date(serial) => {
            // Excel turns a typed "2024-04" into 1 April 2024: that is the month meant.
            match excel_datetime(*serial) {
                Some(at) if at.day() == 1 && at.num_seconds_from_midnight() == 0 => {
                    ReadingPeriod::parse(&format!("{:04}-{:02}", at.year(), at.month()))
                        .map(Some)
                        .map_err(|e| e.to_string())
                }
                _ => Err(format!("is {}, not a period: {PERIOD_HINT}", describe_date(*serial))),
            }
        }
        SheetCell::Number(n) => Err(format!("is the number {}, not a period: {PERIOD_HINT}", number_text(*n))),
        SheetCell::Bool(b) => Err(format!("is {}, not a period: {PERIOD_HINT}", if *b { "TRUE" } else { "FALSE" })),
        other => match text_of(other)? {
            Some(text) => ReadingPeriod::parse(&text).map(Some).map_err(|e| e.to_string()),
            None => Ok(None),
        },
    }
}

fn value_of(cell: &SheetCell) -> Result<String, String> {
    if let Some(message) = unusable(cell) {
        return Err(message);
    }
    match cell {
        SheetCell::Number(n) if n.is_finite() => Ok(number_text(*n)),
        SheetCell::Number(_) => Err("is not a number".into()),
        // As typed: the catalogue check reads "80", "80%" and names "n/a".
        SheetCell::Text(text) => Ok(text.trim().to_string()),
        SheetCell::Date(serial) => Err(format!(
            "is {}, not a number: type the figure itself, in a cell formatted as Number",
            describe_date(*serial)
        )),
        SheetCell::Bool(b) => Err(format!(
            "is {}, not a number: type the figure (for a milestone, 1 for done or 0 for not yet)",
            if *b { "TRUE" } else { "FALSE" }
        )),
        _ => Ok(String::new()),
    }
}

/// Reads the readings sheet of a workbook (see `choose_sheet`). Row 1 names the
/// columns (metric, ics, period, value; partner and note optional; any other
/// column is ignored), each further row is a reading. Rows with no value and
/// no note are left out (a template lists every box, a partner fills some);
/// blank rows are skipped. Every problem is reported, each at its cell.
pub fn readings_from_sheets(sheets: Vec<Sheet>, max_rows: usize) -> Result<SheetReadings, Vec<RowError>> {
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    let index = choose_sheet(&names).map_err(|e| vec![e])?;
    let mut notices = Vec::new();
    let others: Vec<&str> = names.iter().enumerate().filter(|(i, _)| *i != index).map(|(_, n)| *n).collect();
    if !others.is_empty() {
        notices.push(format!(
            "Only the sheet {} was read; {} {} left alone.",
            names[index],
            join_names(&others),
            if others.len() == 1 { "was" } else { "were" }
        ));
    } else if !names[index].trim().eq_ignore_ascii_case(READINGS_SHEET) {
        notices.push(format!("The workbook's only sheet, {}, was read.", names[index]));
    }
    let sheet = sheets.into_iter().nth(index).unwrap_or_default();
    let name = sheet_ref(&sheet.name);
    let at = |row: u32, col: u32| format!("{name}!{}", cell_name(row, col));

    // The header.
    let mut columns: HashMap<String, u32> = HashMap::new();
    let mut errors = Vec::new();
    let header = sheet.cells.first().map(Vec::as_slice).unwrap_or_default();
    for (col, cell) in (0u32..).zip(header) {
        let SheetCell::Text(text) = cell else { continue };
        let heading = text.trim().to_ascii_lowercase();
        if let Some(known) = KNOWN_COLUMNS.iter().find(|k| **k == heading) {
            if let Some(first) = columns.get(*known) {
                errors.push(error(
                    1,
                    at(0, col),
                    format!("is a second {known} column (the first is {}): keep one", cell_name(0, *first)),
                ));
            } else {
                columns.insert((*known).to_string(), col);
            }
        }
    }
    let missing: Vec<&str> = REQUIRED_COLUMNS.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
    if !missing.is_empty() {
        let what = if header.iter().all(SheetCell::is_blank) {
            "row 1 is empty".to_string()
        } else {
            format!("row 1 has no {} column", join_names(&missing))
        };
        errors.push(error(
            1,
            format!("{name}!1"),
            format!(
                "{what}: row 1 must name the columns metric, ics, period and value (partner and note are optional)"
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let col = |known: &str| columns.get(known).copied().unwrap_or(u32::MAX);

    // Merged cells hide every value but the first: each row must have its own.
    let known_cols: Vec<u32> = KNOWN_COLUMNS.iter().filter_map(|k| columns.get(*k).copied()).collect();
    for &(first_row, first_col, last_row, last_col) in &sheet.merged {
        if last_row >= 1 && known_cols.iter().any(|c| (first_col..=last_col).contains(c)) {
            errors.push(error(
                first_row.max(1) as usize + 1,
                format!("{name}!{}:{}", cell_name(first_row, first_col), cell_name(last_row, last_col)),
                "are merged; unmerge them and give each row its own value",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Row → formula results in the known columns, counted for the rows read.
    let mut formulas_in_row: HashMap<u32, usize> = HashMap::new();
    for (row, col) in &sheet.formula_results {
        if known_cols.contains(col) {
            *formulas_in_row.entry(*row).or_default() += 1;
        }
    }
    let mut rows = Vec::new();
    let mut left_out = 0;
    let mut formulas = 0;
    let mut read = 0;
    for row in 1..u32::try_from(sheet.cells.len()).unwrap_or(u32::MAX) {
        let line = row as usize + 1;
        let cell = |known: &str| sheet.get(row, col(known));
        if known_cols.iter().all(|&c| sheet.get(row, c).is_blank()) {
            continue;
        }
        if cell("value").is_blank() && cell("note").is_blank() {
            left_out += 1;
            continue;
        }
        read += 1;
        if read > max_rows {
            errors.push(error(
                line,
                sheet.name.clone(),
                format!("the sheet has more than {max_rows} readings; split it"),
            ));
            break;
        }
        formulas += formulas_in_row.get(&row).copied().unwrap_or(0);
        let mut row_ok = true;
        let mut push = |known: &str, message: String| {
            errors.push(error(line, at(row, col(known)), message));
            row_ok = false;
        };
        let mut required_text = |known: &str, what: &str| match text_of(cell(known)) {
            Ok(Some(text)) => text,
            Ok(None) => {
                push(known, format!("is empty: every reading needs its {what}"));
                String::new()
            }
            Err(message) => {
                push(known, message);
                String::new()
            }
        };
        let metric = required_text("metric", "metric id");
        let ics = required_text("ics", "ICS (NCL, NEL, NWL, SEL or SWL)").to_ascii_uppercase();
        let period = match period_of(cell("period")) {
            Ok(Some(period)) => Some(period),
            Ok(None) => {
                push("period", format!("is empty: every reading needs its period; {PERIOD_HINT}"));
                None
            }
            Err(message) => {
                push("period", message);
                None
            }
        };
        let value_text = value_of(cell("value")).unwrap_or_else(|message| {
            push("value", message);
            String::new()
        });
        let mut optional = |known: &str| {
            text_of(cell(known)).unwrap_or_else(|message| {
                push(known, message);
                None
            })
        };
        let partner = optional("partner");
        let note = optional("note");
        if let (true, Some(period)) = (row_ok, period) {
            rows.push(CsvReading { line, metric, ics, period, value_text, partner, note });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if formulas == 1 {
        notices.push("1 cell holds a formula; its saved result was read, nothing was recalculated.".into());
    } else if formulas > 1 {
        notices
            .push(format!("{formulas} cells hold formulas; their saved results were read, nothing was recalculated."));
    }
    if left_out == 1 {
        notices.push("1 row had no value and was left out.".into());
    } else if left_out > 1 {
        notices.push(format!("{left_out} rows had no value and were left out."));
    }
    if rows.is_empty() {
        notices.push("No row has a value, so there is nothing to import: fill in the value column.".into());
    }
    Ok(SheetReadings { sheet: sheet.name, rows, columns, notices })
}

#[cfg(test)]
mod tests {
    use super::*;
    use SheetCell::{Bool, Date, Empty, Error, FormulaWithoutResult, Number};

    fn t(text: &str) -> SheetCell {
        SheetCell::Text(text.to_string())
    }

    const HEADER: [&str; 6] = ["metric", "ics", "period", "value", "partner", "note"];

    fn header() -> Vec<SheetCell> {
        HEADER.iter().map(|h| t(h)).collect()
    }

    /// metric, ics, period, value, partner, note.
    fn row(metric: &str, ics: &str, period: SheetCell, value: SheetCell) -> Vec<SheetCell> {
        vec![t(metric), t(ics), period, value, Empty, Empty]
    }

    fn sheet(name: &str, cells: Vec<Vec<SheetCell>>) -> Sheet {
        Sheet { cells, ..Sheet::named(name) }
    }

    fn read(cells: Vec<Vec<SheetCell>>) -> Result<SheetReadings, Vec<RowError>> {
        readings_from_sheets(vec![sheet("Readings", cells)], 100)
    }

    fn errors(cells: Vec<Vec<SheetCell>>) -> Vec<(usize, String, String)> {
        read(cells).expect_err("refused").into_iter().map(|e| (e.line, e.column, e.message)).collect()
    }

    fn only_error(cells: Vec<Vec<SheetCell>>) -> (String, String) {
        let errs = errors(cells);
        assert_eq!(errs.len(), 1, "{errs:?}");
        (errs[0].1.clone(), errs[0].2.clone())
    }

    /// 2024-04-01 as an Excel serial.
    const APRIL_2024: f64 = 45383.0;

    #[test]
    fn names_cells_like_excel() {
        assert_eq!(cell_name(6, 3), "D7");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(9, 27), "AB10");
        assert_eq!(cell_name(0, 16_383), "XFD1");
        assert_eq!(sheet_ref("Readings"), "Readings");
        assert_eq!(sheet_ref("My readings"), "'My readings'");
        assert_eq!(sheet_ref("Bob's"), "'Bob''s'");
    }

    #[test]
    fn reads_a_plain_sheet() {
        let got = read(vec![
            header(),
            row("m_liaison_1h", "sel", t("2024-25-Q1"), Number(80.5)),
            vec![t("m_ed_12h_mh"), t(" SEL "), t("2024-04"), t("80%"), t(" RV5 "), t(" fine ")],
        ])
        .expect("valid");
        assert_eq!(got.sheet, "Readings");
        assert_eq!(got.rows.len(), 2);
        let first = &got.rows[0];
        assert_eq!((first.line, first.metric.as_str(), first.ics.as_str()), (2, "m_liaison_1h", "SEL"));
        assert_eq!(first.period.to_string(), "2024-25-Q1");
        assert_eq!(first.value_text, "80.5");
        assert_eq!((first.partner.clone(), first.note.clone()), (None, None));
        let second = &got.rows[1];
        assert_eq!(second.line, 3);
        assert_eq!(second.period.to_string(), "2024-04");
        assert_eq!(second.value_text, "80%");
        assert_eq!(second.partner.as_deref(), Some("RV5"));
        assert_eq!(second.note.as_deref(), Some("fine"));
        assert!(got.notices.is_empty(), "{:?}", got.notices);
        assert_eq!(got.cell(3, "value"), "Readings!D3");
        assert_eq!(got.cell(7, "note"), "Readings!F7");
        assert_eq!(got.cell(7, "file"), "Readings!row 7");
    }

    #[test]
    fn numbers_keep_full_precision_without_float_noise() {
        let got = read(vec![
            header(),
            row("a", "SEL", t("2024-04"), Number(80.0)),
            row("b", "SEL", t("2024-04"), Number(12.3456789)),
            row("c", "SEL", t("2024-04"), Number(0.1)),
        ])
        .expect("valid");
        let values: Vec<&str> = got.rows.iter().map(|r| r.value_text.as_str()).collect();
        assert_eq!(values, ["80", "12.3456789", "0.1"]);
    }

    #[test]
    fn header_is_case_insensitive_in_any_order_with_other_columns_ignored() {
        let got = read(vec![
            vec![t("Metric name"), t(" VALUE "), t("Period"), t("what to enter"), t("ICS"), t("metric"), Number(3.0)],
            vec![t("Liaison"), Number(70.0), t("2024-25-Q1"), t("percentage"), t("nel"), t("m_liaison_1h"), Empty],
        ])
        .expect("valid");
        assert_eq!(got.rows[0].metric, "m_liaison_1h");
        assert_eq!(got.rows[0].ics, "NEL");
        assert_eq!(got.rows[0].value_text, "70");
        assert_eq!(got.columns["value"], 1);
        assert_eq!(got.cell(2, "metric"), "Readings!F2");
        assert!(!got.columns.contains_key("partner"));
    }

    #[test]
    fn a_missing_or_repeated_column_is_named_at_the_header() {
        let errs = errors(vec![vec![t("metric"), t("ics"), t("value")], row("m", "SEL", t("2024-04"), Number(1.0))]);
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].0, errs[0].1.as_str()), (1, "Readings!1"));
        assert!(errs[0].2.starts_with("row 1 has no period column"), "{}", errs[0].2);

        let errs = errors(vec![vec![t("metric"), t("ics"), t("period"), t("value"), t("Value")]]);
        assert_eq!(
            errs,
            [(1, "Readings!E1".to_string(), "is a second value column (the first is D1): keep one".into())]
        );

        let (cell, message) = only_error(vec![]);
        assert_eq!(cell, "Readings!1");
        assert!(message.starts_with("row 1 is empty: row 1 must name the columns"), "{message}");
    }

    #[test]
    fn the_readings_sheet_is_chosen_and_others_left_alone() {
        let good = vec![header(), row("m", "SEL", t("2024-04"), Number(1.0))];
        let got =
            readings_from_sheets(vec![sheet("Guidance", vec![vec![t("hello")]]), sheet("readings", good.clone())], 100)
                .expect("valid");
        assert_eq!(got.sheet, "readings");
        assert_eq!(got.notices, ["Only the sheet readings was read; Guidance was left alone."]);

        let got = readings_from_sheets(
            vec![sheet("Readings", good.clone()), sheet("Guidance", vec![]), sheet("Notes", vec![])],
            100,
        )
        .expect("valid");
        assert_eq!(got.notices, ["Only the sheet Readings was read; Guidance and Notes were left alone."]);

        let got = readings_from_sheets(vec![sheet("Sheet1", good.clone())], 100).expect("the only sheet");
        assert_eq!(got.sheet, "Sheet1");
        assert_eq!(got.notices, ["The workbook's only sheet, Sheet1, was read."]);
        assert_eq!(got.cell(2, "value"), "Sheet1!D2");

        let errs = readings_from_sheets(vec![sheet("Sheet1", good.clone()), sheet("Sheet2", good)], 100)
            .expect_err("which one?");
        assert_eq!(errs[0].column, "workbook");
        assert!(errs[0].message.contains("it has Sheet1 and Sheet2"), "{}", errs[0].message);

        let errs = readings_from_sheets(vec![], 100).expect_err("no sheets");
        assert_eq!(errs[0].message, "the workbook has no sheets");
    }

    #[test]
    fn sheet_names_that_need_quotes_are_quoted_in_cell_names() {
        let errs = readings_from_sheets(
            vec![sheet("My figures", vec![header(), row("m", "SEL", t("2024-04"), Bool(true))])],
            100,
        )
        .expect_err("bool");
        assert_eq!(errs[0].column, "'My figures'!D2");
    }

    #[test]
    fn empty_rows_are_skipped_and_lines_are_excel_rows() {
        let got = read(vec![
            header(),
            vec![],
            vec![Empty, t("  "), Empty, Empty, Empty, Empty, t("ignored column")],
            row("m", "SEL", t("2024-04"), Number(1.0)),
        ])
        .expect("valid");
        assert_eq!(got.rows.len(), 1);
        assert_eq!(got.rows[0].line, 4);
        assert!(got.notices.is_empty(), "blank rows are not 'left out': {:?}", got.notices);
    }

    #[test]
    fn rows_with_neither_value_nor_note_are_left_out() {
        let got = read(vec![
            header(),
            vec![t("m1"), t("SEL"), t("2024-04"), Empty, t("RV5"), Empty],
            vec![t("m2"), t("SEL"), t("2024-04"), t(" "), t("RV5"), Empty],
            vec![t("m3"), t("SEL"), t("2024-04"), Number(5.0), t("RV5"), Empty],
            // Even a row with a bad period, when nothing was filled in.
            vec![t("m4"), t("SEL"), t("not a period"), Empty, t("RV5"), Empty],
        ])
        .expect("valid");
        assert_eq!(got.rows.len(), 1);
        assert_eq!(got.rows[0].metric, "m3");
        assert_eq!(got.notices, ["3 rows had no value and were left out."]);

        let got = read(vec![header(), row("m", "SEL", t("2024-04"), Empty)]).expect("nothing filled in");
        assert!(got.rows.is_empty());
        assert_eq!(
            got.notices,
            [
                "1 row had no value and was left out.",
                "No row has a value, so there is nothing to import: fill in the value column."
            ]
        );

        // A note without a value is a reading whose value is missing: the
        // catalogue check says "a value is required" at the value cell.
        let got = read(vec![header(), vec![t("m"), t("SEL"), t("2024-04"), Empty, Empty, t("why")]]).expect("shape ok");
        assert_eq!(got.rows[0].value_text, "");
        assert_eq!(got.rows[0].note.as_deref(), Some("why"));
    }

    #[test]
    fn too_many_rows_are_refused_once() {
        let mut cells = vec![header()];
        cells.extend((0..5).map(|_| row("m", "SEL", t("2024-04"), Number(1.0))));
        let errs = readings_from_sheets(vec![sheet("Readings", cells.clone())], 3).expect_err("too many");
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].column.as_str()), (5, "Readings"));
        assert_eq!(errs[0].message, "the sheet has more than 3 readings; split it");
        assert!(readings_from_sheets(vec![sheet("Readings", cells)], 5).is_ok());
    }

    #[test]
    fn required_text_cells_must_not_be_empty() {
        let errs = errors(vec![header(), vec![Empty, t(" "), Empty, Number(1.0)]]);
        let cells: Vec<&str> = errs.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(cells, ["Readings!A2", "Readings!B2", "Readings!C2"]);
        assert!(errs.iter().all(|e| e.0 == 2 && e.2.starts_with("is empty")), "{errs:?}");
    }

    #[test]
    fn periods_typed_as_text_are_parsed() {
        let (cell, message) = only_error(vec![header(), row("m", "SEL", t("2024-Q9"), Number(1.0))]);
        assert_eq!(cell, "Readings!C2");
        assert_eq!(message, ReadingPeriod::parse("2024-Q9").expect_err("bad").to_string());
    }

    #[test]
    fn a_date_in_the_period_column_is_its_month_when_it_is_a_first() {
        let got = read(vec![header(), row("m", "SEL", Date(APRIL_2024), Number(1.0))]).expect("a month");
        assert_eq!(got.rows[0].period.to_string(), "2024-04");

        let (cell, message) = only_error(vec![header(), row("m", "SEL", Date(APRIL_2024 + 14.0), Number(1.0))]);
        assert_eq!(cell, "Readings!C2");
        assert!(message.starts_with("is a date (15 April 2024), not a period: type a month as 2024-04"), "{message}");

        let (_, message) = only_error(vec![header(), row("m", "SEL", Date(APRIL_2024 + 0.5), Number(1.0))]);
        assert!(message.starts_with("is a date and time (1 April 2024 12:00), not a period"), "{message}");
    }

    #[test]
    fn a_plain_number_in_the_period_column_is_refused() {
        let (cell, message) = only_error(vec![header(), row("m", "SEL", Number(45383.0), Number(1.0))]);
        assert_eq!(cell, "Readings!C2");
        assert_eq!(
            message,
            "is the number 45383, not a period: type a month as 2024-04 or a quarter as 2024-25-Q1 (format the cell as Text first)"
        );
    }

    #[test]
    fn values_that_are_not_numbers_are_named_by_cell() {
        let (cell, message) = only_error(vec![header(), row("m", "SEL", t("2024-04"), Date(APRIL_2024))]);
        assert_eq!(cell, "Readings!D2");
        assert!(message.starts_with("is a date (1 April 2024), not a number: type the figure itself"), "{message}");

        let (_, message) = only_error(vec![header(), row("m", "SEL", t("2024-04"), Date(0.5))]);
        assert!(message.starts_with("is a time (12:00), not a number"), "{message}");

        let (_, message) = only_error(vec![header(), row("m", "SEL", t("2024-04"), Bool(true))]);
        assert!(message.starts_with("is TRUE, not a number"), "{message}");

        let (_, message) = only_error(vec![header(), row("m", "SEL", t("2024-04"), Error("#DIV/0!".into()))]);
        assert!(message.starts_with("holds the error #DIV/0!"), "{message}");

        let (_, message) =
            only_error(vec![header(), row("m", "SEL", t("2024-04"), FormulaWithoutResult("SUM(G2:G9)".into()))]);
        assert_eq!(
            message,
            "holds a formula (=SUM(G2:G9)) with no saved result; open the file in Excel, let it calculate and save it, or type the value"
        );

        // Text is passed on as typed: the catalogue check names "n/a".
        let got = read(vec![header(), row("m", "SEL", t("2024-04"), t(" n/a "))]).expect("shape ok");
        assert_eq!(got.rows[0].value_text, "n/a");
    }

    #[test]
    fn every_problem_in_a_row_is_reported() {
        let errs = errors(vec![
            header(),
            vec![Empty, t("SEL"), Number(7.0), Bool(false), Error("#N/A".into()), Date(APRIL_2024)],
        ]);
        let cells: Vec<&str> = errs.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(cells, ["Readings!A2", "Readings!C2", "Readings!D2", "Readings!E2", "Readings!F2"]);
    }

    #[test]
    fn partner_and_note_are_text_and_numbers_become_their_text() {
        let got = read(vec![header(), vec![t("m"), t("SEL"), t("2024-04"), Number(1.0), Number(123.0), Number(4.5)]])
            .expect("valid");
        assert_eq!(got.rows[0].partner.as_deref(), Some("123"));
        assert_eq!(got.rows[0].note.as_deref(), Some("4.5"));
    }

    #[test]
    fn merged_cells_in_the_data_are_refused_per_region() {
        let mut s = sheet(
            "Readings",
            vec![
                header(),
                row("m", "SEL", t("2024-04"), Number(1.0)),
                row("", "", t("2024-05"), Number(1.0)),
                row("", "", t("2024-06"), Number(1.0)),
            ],
        );
        // A2:A4 and B2:B4 merged; a title over G1:H1 and a merge in an ignored column are fine.
        s.merged = vec![(1, 0, 3, 0), (1, 1, 3, 1), (0, 6, 0, 7), (1, 8, 5, 8)];
        let errs = readings_from_sheets(vec![s], 100).expect_err("merged");
        assert_eq!(
            errs,
            [
                error(2, "Readings!A2:A4", "are merged; unmerge them and give each row its own value"),
                error(2, "Readings!B2:B4", "are merged; unmerge them and give each row its own value"),
            ]
        );
        // A region that straddles the header and the data counts too.
        let mut s = sheet("Readings", vec![header(), row("m", "SEL", t("2024-04"), Number(1.0))]);
        s.merged = vec![(0, 3, 1, 3)];
        let errs = readings_from_sheets(vec![s], 100).expect_err("merged");
        assert_eq!(errs[0].column, "Readings!D1:D2");
    }

    #[test]
    fn formula_results_are_read_with_a_notice() {
        let mut s = sheet(
            "Readings",
            vec![
                header(),
                row("m", "SEL", t("2024-04"), Number(3.0)),
                row("m", "SEL", t("2024-05"), Number(4.0)),
                row("m", "SEL", t("2024-06"), Empty),
            ],
        );
        // D2 and D3 are formulas; one in an ignored column and one in a left-out row do not count.
        s.formula_results = vec![(1, 3), (2, 3), (1, 9), (3, 3)];
        let got = readings_from_sheets(vec![s.clone()], 100).expect("valid");
        assert_eq!(got.rows[0].value_text, "3");
        assert_eq!(
            got.notices,
            [
                "2 cells hold formulas; their saved results were read, nothing was recalculated.",
                "1 row had no value and was left out."
            ]
        );
        s.formula_results = vec![(1, 3)];
        let got = readings_from_sheets(vec![s], 100).expect("valid");
        assert_eq!(got.notices[0], "1 cell holds a formula; its saved result was read, nothing was recalculated.");
    }

    #[test]
    fn excel_serials_convert_in_the_1900_system() {
        let day = |serial: f64| excel_datetime(serial).map(|d| d.date().to_string());
        assert_eq!(day(45383.0).as_deref(), Some("2024-04-01"));
        assert_eq!(day(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(day(1.0).as_deref(), Some("1900-01-01"));
        assert_eq!(day(-1.0), None);
        assert_eq!(day(f64::NAN), None);
        assert_eq!(describe_date(f64::INFINITY), "a date");
    }
}
