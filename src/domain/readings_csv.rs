//! CSV import and export of metric readings.
//!
//! Import is in two steps so nothing is half-written: `parse_readings_csv` checks
//! the file's shape, `check_against_catalogue` checks each row against the
//! metric catalogue. Both report every problem with its line and column.

use super::frequency::{Frequency, ReadingPeriod};
use super::metric::{parse_value, MetricKind};
use super::validation::clean_text;
use chrono::NaiveDate;

use std::collections::{HashMap, HashSet};
use std::fmt;

const REQUIRED_COLUMNS: [&str; 4] = ["metric", "ics", "period", "value"];
const OPTIONAL_COLUMNS: [&str; 2] = ["partner", "note"];
pub const MAX_NOTE_CHARS: usize = 1000;

/// A row whose shape is right; its value is checked later against the metric's kind.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvReading {
    /// Line of the file where the row starts (the header is line 1).
    pub line: usize,
    pub metric: String,
    pub ics: String,
    pub period: ReadingPeriod,
    pub value_text: String,
    pub partner: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidReading {
    pub line: usize,
    pub metric: String,
    pub ics: String,
    pub period: ReadingPeriod,
    pub value: f64,
    pub partner: Option<String>,
    pub note: Option<String>,
}

pub use super::validation::RowError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvErrors(pub Vec<RowError>);

impl fmt::Display for CsvErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> =
            self.0.iter().map(|e| format!("line {}, {}: {}", e.line, e.column, e.message)).collect();
        f.write_str(&lines.join("; "))
    }
}

impl std::error::Error for CsvErrors {}

fn file_error(message: impl Into<String>) -> CsvErrors {
    CsvErrors(vec![RowError { line: 1, column: "file".into(), message: message.into() }])
}

/// Parses a readings file: UTF-8 with or without BOM, CRLF or LF, quoted fields.
pub fn parse_readings_csv(bytes: &[u8], max_rows: usize) -> Result<Vec<CsvReading>, CsvErrors> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Err(error) = std::str::from_utf8(bytes) {
        let line = bytes[..error.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(CsvErrors(vec![RowError {
            line,
            column: "file".into(),
            message: "the file is not UTF-8 text; save it as CSV UTF-8".into(),
        }]));
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let headers = reader.headers().map_err(|e| file_error(format!("cannot read the header row: {e}")))?.clone();
    let mut columns: HashMap<String, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (index, name) in headers.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        if !REQUIRED_COLUMNS.contains(&name.as_str()) && !OPTIONAL_COLUMNS.contains(&name.as_str()) {
            errors.push(RowError {
                line: 1,
                column: name.clone(),
                message: "is not a column this file can have (metric, ics, period, value, partner, note)".into(),
            });
        } else if columns.insert(name.clone(), index).is_some() {
            errors.push(RowError { line: 1, column: name, message: "appears twice in the header".into() });
        }
    }
    for required in REQUIRED_COLUMNS {
        if !columns.contains_key(required) {
            errors.push(RowError {
                line: 1,
                column: required.into(),
                message: "column is missing from the header".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(CsvErrors(errors));
    }

    let mut lines = LineCounter { bytes, counted_to: 0, newlines: 0 };
    let width = headers.len();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                errors.push(RowError {
                    line,
                    column: "file".into(),
                    message: format!("cannot read this row: {error}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != width {
            errors.push(RowError {
                line,
                column: "file".into(),
                message: format!("has {} fields; the header has {width}", record.len()),
            });
            continue;
        }
        if rows.len() + errors.len() >= max_rows {
            errors.push(RowError {
                line,
                column: "file".into(),
                message: format!("the file has more than {max_rows} readings; split it"),
            });
            break;
        }
        let field = |name: &str| columns.get(name).and_then(|&i| record.get(i)).unwrap_or("").to_string();
        let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty());
        let mut row_ok = true;
        for name in ["metric", "ics", "period"] {
            if field(name).is_empty() {
                errors.push(RowError { line, column: name.into(), message: "is empty".into() });
                row_ok = false;
            }
        }
        let period = match ReadingPeriod::parse(&field("period")) {
            Ok(period) => Some(period),
            Err(error) => {
                if !field("period").is_empty() {
                    errors.push(RowError { line, column: "period".into(), message: error.to_string() });
                }
                None
            }
        };
        if let (true, Some(period)) = (row_ok, period) {
            rows.push(CsvReading {
                line,
                metric: field("metric"),
                ics: field("ics").to_ascii_uppercase(),
                period,
                value_text: field("value"),
                partner: optional("partner").map(restore),
                note: optional("note").map(restore),
            });
        }
    }
    if !errors.is_empty() {
        return Err(CsvErrors(errors));
    }
    if rows.is_empty() {
        return Err(file_error("the file has no readings"));
    }
    Ok(rows)
}

/// Line numbers from byte offsets. The csv crate's own line numbers, and its
/// record offsets, can point at the previous line ending on CRLF files, so a
/// record's line is that of its first byte after any line ending. Records come
/// in order, so newlines are counted once, from where the last count stopped:
/// counting from the start for every record made a 10,000-row file quadratic.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    newlines: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> usize {
        let bytes = self.bytes;
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.counted_to {
            // Never for records in order; counted afresh all the same.
            self.counted_to = 0;
            self.newlines = 0;
        }
        self.newlines += bytes[self.counted_to..start].iter().filter(|b| **b == b'\n').count();
        self.counted_to = start;
        self.newlines + 1
    }
}

/// Checks each row's metric, ICS, period, value and note, and refuses a reading
/// that appears twice in one file. A reading's period is a month or a quarter by
/// its metric's frequency. Figures for the period in progress on `today` are
/// allowed (a partner may report as the period goes), figures for a period that
/// has not started are not.
pub fn check_against_catalogue(
    rows: Vec<CsvReading>,
    metric_of: impl Fn(&str) -> Option<(MetricKind, Frequency)>,
    known_ics: &HashSet<String>,
    today: NaiveDate,
) -> Result<Vec<ValidReading>, CsvErrors> {
    let mut errors = Vec::new();
    let mut valid = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(String, String, ReadingPeriod, Option<String>), usize> = HashMap::new();
    for row in rows {
        let line = row.line;
        let mut push = |column: &str, message: String| errors.push(RowError { line, column: column.into(), message });
        let metric = metric_of(&row.metric);
        let kind = metric.map(|(kind, _)| kind);
        if kind.is_none() {
            let shown: String = row.metric.chars().take(60).collect();
            push("metric", format!("there is no metric {shown:?} in the catalogue"));
        }
        if !known_ics.contains(&row.ics) {
            let shown: String = row.ics.chars().take(20).collect();
            push("ics", format!("{shown:?} is not a London ICS (NCL, NEL, NWL, SEL, SWL)"));
        }
        if let Some((_, frequency)) = metric.filter(|(_, f)| *f != row.period.frequency()) {
            push(
                "period",
                format!(
                    "{} is reported {}: give {}, not {}",
                    row.metric,
                    frequency.as_str(),
                    frequency.example(),
                    row.period
                ),
            );
        } else if !row.period.has_started(today) {
            let current = ReadingPeriod::current(row.period.frequency(), today);
            push(
                "period",
                format!("{} has not started yet; the latest period you can report is {current}", row.period),
            );
        }
        let value = kind.map(|k| parse_value(k, &row.value_text));
        if let Some(Err(message)) = &value {
            push("value", message.clone());
        }
        let note = match row.note.as_deref().map(|n| clean_text("note", n, false, MAX_NOTE_CHARS)) {
            Some(Ok(n)) if !n.is_empty() => Some(n),
            Some(Err(e)) => {
                push("note", e.message);
                None
            }
            _ => None,
        };
        let key = (row.metric.clone(), row.ics.clone(), row.period, row.partner.clone());
        if let Some(first) = seen.get(&key) {
            push("metric", format!("repeats the reading on line {first}"));
        } else {
            seen.insert(key, line);
        }
        if let Some(Ok(value)) = value {
            valid.push(ValidReading {
                line,
                metric: row.metric,
                ics: row.ics,
                period: row.period,
                value,
                partner: row.partner,
                note,
            });
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(CsvErrors(errors))
    }
}

/// One reading to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub metric: String,
    pub ics: String,
    pub period: String,
    pub value: f64,
    pub partner: Option<String>,
    pub note: Option<String>,
}

/// Spreadsheets run a cell that starts with = + - @ tab or CR as a formula; a
/// leading quote makes it text again (CSV injection). A text that already starts
/// with a quote gets one more, so `restore` can always undo exactly one.
pub fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Undoes `defuse` on import, so an exported file imports unchanged.
fn restore(text: String) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest.to_string(),
        _ => text,
    }
}

/// Writes any table as CSV: a header row, then each row, every text cell
/// defused against formula injection.
pub fn write_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new().flexible(false).from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(row.iter().map(|cell| defuse(cell)));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Writes readings in the import format, so an exported file imports unchanged.
pub fn write_readings_csv(rows: &[ExportRow]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut write = |fields: [String; 6]| {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(fields);
    };
    write(["metric", "ics", "period", "value", "partner", "note"].map(String::from));
    for row in rows {
        write([
            defuse(&row.metric),
            defuse(&row.ics),
            row.period.clone(),
            // Exact (shortest round-trip form), unlike the rounded `format_value` for display.
            row.value.to_string(),
            row.partner.as_deref().map(defuse).unwrap_or_default(),
            row.note.as_deref().map(defuse).unwrap_or_default(),
        ]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(id: &str) -> Option<(MetricKind, Frequency)> {
        match id {
            "m_liaison_1h" => Some((MetricKind::Percent, Frequency::Quarterly)),
            "m_s136_detentions" => Some((MetricKind::Count, Frequency::Quarterly)),
            "m_ed_12h_mh" => Some((MetricKind::Percent, Frequency::Monthly)),
            _ => None,
        }
    }

    fn icss() -> HashSet<String> {
        ["NCL", "NEL", "NWL", "SEL", "SWL"].into_iter().map(String::from).collect()
    }

    fn check(text: &str) -> Result<Vec<ValidReading>, CsvErrors> {
        check_against_catalogue(parse_readings_csv(text.as_bytes(), 100)?, kinds, &icss(), current())
    }

    /// A day in 2025-26-Q4 (and in the month 2026-02).
    fn current() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 2, 14).expect("date")
    }

    #[test]
    fn periods_follow_the_metric_frequency() {
        let text = "metric,ics,period,value\nm_ed_12h_mh,SEL,2026-01,3.5\nm_ed_12h_mh,SEL,2025-26-Q3,3\nm_liaison_1h,SEL,2026-01,80\nm_ed_12h_mh,SEL,2026-03,1\n";
        let errs = check(text).unwrap_err().0;
        let messages: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                (3, "m_ed_12h_mh is reported monthly: give a month such as 2024-04, not 2025-26-Q3"),
                (4, "m_liaison_1h is reported quarterly: give a quarter such as 2024-25-Q1, not 2026-01"),
                (5, "2026-03 has not started yet; the latest period you can report is 2026-02"),
            ]
        );
        let rows = check("metric,ics,period,value\nm_ed_12h_mh,SEL,2026-02,3.5\n").expect("valid");
        assert_eq!(rows[0].period.to_string(), "2026-02");
    }

    #[test]
    fn periods_that_have_not_started_are_refused() {
        let text = "metric,ics,period,value\nm_liaison_1h,SEL,2025-26-Q4,80\nm_liaison_1h,SEL,2026-27-Q1,80\nm_liaison_1h,SEL,2099-00-Q1,80\n";
        let errs = check(text).unwrap_err().0;
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column.as_str()), (3, "period"));
        assert_eq!(errs[0].message, "2026-27-Q1 has not started yet; the latest period you can report is 2025-26-Q4");
        assert_eq!((errs[1].line, errs[1].column.as_str()), (4, "period"));
    }

    fn errors(text: &str) -> Vec<(usize, String)> {
        check(text).unwrap_err().0.into_iter().map(|e| (e.line, e.column)).collect()
    }

    #[test]
    fn reads_a_plain_file() {
        let rows = check("metric,ics,period,value\nm_liaison_1h,SEL,2023-24-Q1,80\n").expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].value, 80.0);
        assert_eq!(rows[0].period.to_string(), "2023-24-Q1");
    }

    #[test]
    fn accepts_bom_crlf_any_column_order_and_case() {
        let text =
            "\u{feff}Value,ICS,Period,Metric,Note\r\n80,sel,2023-24-Q1,m_liaison_1h,\"a, quoted \"\"note\"\"\"\r\n";
        let rows = check(text).expect("valid");
        assert_eq!(rows[0].ics, "SEL");
        assert_eq!(rows[0].note.as_deref(), Some("a, quoted \"note\""));
    }

    #[test]
    fn line_numbers_survive_quoted_newlines() {
        let text = "metric,ics,period,value,note\nm_liaison_1h,SEL,2023-24-Q1,80,\"two\nlines\"\nm_liaison_1h,NEL,2023-24-Q1,180,\n";
        let errs = check(text).unwrap_err();
        assert_eq!(errs.0[0].line, 4);
        assert_eq!(errs.0[0].column, "value");
        assert_eq!(errs.0[0].message, "180 is not a percentage: it must be between 0 and 100");
    }

    #[test]
    fn crlf_line_numbers_are_right() {
        let text = "metric,ics,period,value\r\nm_liaison_1h,SEL,2023-24-Q1,80\r\nm_liaison_1h,SEL,2023-24-Q2,180\r\n";
        assert_eq!(errors(text), [(3, "value".to_string())]);
    }

    #[test]
    fn line_numbers_stay_right_across_many_rows_and_blank_lines() {
        // Every other row has a bad period; blank lines and CRLF in between
        // (90 rows: `check` takes at most 100).
        let mut text = String::from("metric,ics,period,value\r\n");
        let mut expected = Vec::new();
        for row in 0..90 {
            let line = text.matches('\n').count() + 1;
            let period = if row % 2 == 0 { "2023-24-Q9" } else { "2023-24-Q1" };
            text.push_str(&format!("m_liaison_1h,SEL,{period},80\r\n"));
            if row % 2 == 0 {
                expected.push((line, "period".to_string()));
            }
            if row % 7 == 0 {
                text.push_str("\r\n");
            }
        }
        assert_eq!(errors(&text), expected);
    }

    #[test]
    fn header_problems_are_named() {
        assert_eq!(errors("metric,ics,value\n"), [(1, "period".to_string())]);
        assert_eq!(errors("metric,ics,period,value,colour\n"), [(1, "colour".to_string())]);
    }

    #[test]
    fn every_row_problem_is_reported_together() {
        let text = "metric,ics,period,value\n\
                    m_liaison_1h,SEL,2023-24-Q9,80\n\
                    m_nope,SEL,2023-24-Q1,80\n\
                    m_liaison_1h,XYZ,2023-24-Q1,80\n\
                    m_s136_detentions,SEL,2023-24-Q1,2.5\n\
                    m_liaison_1h,SEL,2023-24-Q1\n";
        // Shape problems first: the bad period and the short row.
        assert_eq!(errors(text), [(2, "period".to_string()), (6, "file".to_string())]);
        // Once the shape is right, the catalogue checks report every row too.
        let shaped = "metric,ics,period,value\nm_nope,SEL,2023-24-Q1,80\nm_liaison_1h,XYZ,2023-24-Q1,80\nm_s136_detentions,SEL,2023-24-Q1,2.5\n";
        assert_eq!(errors(shaped), [(2, "metric".to_string()), (3, "ics".to_string()), (4, "value".to_string())]);
    }

    #[test]
    fn duplicates_point_at_the_first() {
        let text = "metric,ics,period,value\nm_liaison_1h,SEL,2023-24-Q1,80\nm_liaison_1h,SEL,2023-24-Q1,81\n";
        let errs = check(text).unwrap_err();
        assert_eq!((errs.0[0].line, errs.0[0].message.as_str()), (3, "repeats the reading on line 2"));
    }

    #[test]
    fn empty_oversize_and_binary_files_are_refused() {
        assert_eq!(errors("metric,ics,period,value\n\n"), [(1, "file".to_string())]);
        let many = format!("metric,ics,period,value\n{}", "m_liaison_1h,SEL,2023-24-Q1,80\n".repeat(3));
        assert!(parse_readings_csv(many.as_bytes(), 2).is_err());
        let binary = parse_readings_csv(b"metric,ics,period,value\n\xff\xfe,SEL,2023-24-Q1,80\n", 10).unwrap_err();
        assert_eq!((binary.0[0].line, binary.0[0].column.as_str()), (2, "file"));
    }

    #[test]
    fn hostile_text_is_kept_as_text() {
        let rows = check("metric,ics,period,value,note\nm_liaison_1h,SEL,2023-24-Q1,80,<script>alert(1)</script>\n")
            .expect("valid");
        assert_eq!(rows[0].note.as_deref(), Some("<script>alert(1)</script>"));
    }

    fn export_row() -> ExportRow {
        ExportRow {
            metric: "m_liaison_1h".into(),
            ics: "SEL".into(),
            period: "2023-24-Q1".into(),
            value: 80.0,
            partner: None,
            note: None,
        }
    }

    #[test]
    fn exports_defuse_formulas() {
        let csv = write_readings_csv(&[ExportRow {
            metric: "m_liaison_1h".into(),
            ics: "SEL".into(),
            period: "2023-24-Q1".into(),
            value: 80.0,
            partner: None,
            note: Some("=HYPERLINK(\"x\")".into()),
        }]);
        assert_eq!(
            csv,
            "metric,ics,period,value,partner,note\nm_liaison_1h,SEL,2023-24-Q1,80,,\"'=HYPERLINK(\"\"x\"\")\"\n"
        );
        let back = check(&csv).expect("imports");
        assert_eq!(back[0].note.as_deref(), Some("=HYPERLINK(\"x\")"), "the guard is undone on import");
        let precise = write_readings_csv(&[ExportRow { value: 12.3456789, note: None, ..export_row() }]);
        assert!(precise.contains(",12.3456789,"), "values export exactly: {precise}");
    }

    proptest! {
        #[test]
        fn exported_readings_import_unchanged(
            rows in proptest::collection::vec((0u32..=100, 0usize..5, 2020i32..2025, 1u8..=4, "[a-z ,\"'=+@-]{0,12}"), 1..20)
        ) {
            let codes = ["NCL", "NEL", "NWL", "SEL", "SWL"];
            let mut seen = HashSet::new();
            let export: Vec<ExportRow> = rows
                .into_iter()
                .filter(|(_, ics, year, quarter, _)| seen.insert((*ics, *year, *quarter)))
                .map(|(value, ics, year, quarter, note)| ExportRow {
                    metric: "m_liaison_1h".into(),
                    ics: codes[ics].into(),
                    period: format!("{year}-{:02}-Q{quarter}", (year + 1) % 100),
                    value: f64::from(value),
                    partner: None,
                    note: Some(note.trim().to_string()).filter(|n| !n.is_empty()),
                })
                .collect();
            let parsed = check(&write_readings_csv(&export)).expect("exported file imports");
            prop_assert_eq!(parsed.len(), export.len());
            for (row, original) in parsed.iter().zip(&export) {
                prop_assert_eq!(&row.ics, &original.ics);
                prop_assert_eq!(row.period.to_string(), original.period.clone());
                prop_assert_eq!(row.value, original.value);
                prop_assert_eq!(&row.note, &original.note);
            }
        }
    }
}
