//! Spreadsheets (.xlsx) the tracker hands out, written with rust_xlsxwriter.
//! Text goes in as text, never as a formula, so a value such as "=HYPERLINK(…)"
//! typed into a note stays inert in Excel.

use crate::domain::metric::MetricKind;
use crate::domain::readings_csv::ExportRow;
use crate::error::AppError;
use crate::model::figures::{FigureRow, PeriodFigures};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

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

/// The spreadsheet template of a partner's figures for a quarter: a Readings
/// sheet in the import format (one row per box of the period form, with what is
/// recorded already) and a Guidance sheet. `partner_ref` fills the partner
/// column: the organisation's ODS code, or its id when it has none.
///
/// Read back by `workbook_reader::read_readings_workbook`: rows left without a
/// value (and without a note) are not imported, so a partner fills only what
/// it has.
pub fn figures_template(figures: &PeriodFigures, partner_ref: &str) -> Result<Vec<u8>, AppError> {
    write_template(figures, partner_ref).map_err(failed)
}

/// What a value cell takes, in words (as the period form says it).
fn what_to_enter(row: &FigureRow) -> String {
    let rule = match row.kind {
        MetricKind::Percent => "percentage 0–100",
        MetricKind::Count => "whole number, 0 or more",
        MetricKind::Rate | MetricKind::Ratio => "number, 0 or more",
        MetricKind::Milestone => "1 = done, 0 = not yet",
    };
    match row.unit.as_deref().map(str::trim) {
        Some(unit) if !unit.is_empty() => format!("{rule} ({unit})"),
        _ => rule.to_string(),
    }
}

/// Excel checks a value as it is typed; the upload checks it again.
fn value_validation(kind: MetricKind) -> Result<DataValidation, XlsxError> {
    let (validation, title, input, error) = match kind {
        MetricKind::Percent => (
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
            "Percentage",
            "A percentage from 0 to 100, typed as a plain number: 82.5, not 82.5%.",
            "A percentage is a number from 0 to 100 (type 82.5, not 82.5%).",
        ),
        MetricKind::Count => (
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            "Count",
            "A whole number, 0 or more.",
            "A count is a whole number, 0 or more.",
        ),
        MetricKind::Rate | MetricKind::Ratio => (
            DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
            if kind == MetricKind::Rate { "Rate" } else { "Ratio" },
            "A number, 0 or more.",
            "This value is a number, 0 or more.",
        ),
        MetricKind::Milestone => (
            DataValidation::new().allow_whole_number(DataValidationRule::Between(0, 1)),
            "Milestone",
            "1 if done, 0 if not yet.",
            "A milestone is 1 (done) or 0 (not yet).",
        ),
    };
    validation
        .set_input_title(title)?
        .set_input_message(format!("{input} Leave it empty to leave the figure as it is."))?
        .set_error_title("Not a value for this metric")?
        .set_error_message(error)
}

const TEMPLATE_COLUMNS: [(&str, f64); 10] = [
    ("metric", 26.0),
    ("ics", 6.0),
    ("period", 12.0),
    ("value", 10.0),
    ("partner", 10.0),
    ("note", 40.0),
    ("metric name", 50.0),
    ("what to enter", 30.0),
    ("target", 10.0),
    ("last period", 12.0),
];

fn write_template(figures: &PeriodFigures, partner_ref: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Readings")?;
    write_template_rows(sheet, figures, partner_ref)?;
    let guidance = workbook.add_worksheet();
    guidance.set_name("Guidance")?;
    write_guidance(guidance, figures)?;
    workbook.save_to_buffer()
}

fn write_template_rows(sheet: &mut Worksheet, figures: &PeriodFigures, partner_ref: &str) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let reference_header = Format::new().set_bold().set_font_color(Color::Gray);
    let reference = Format::new().set_font_color(Color::Gray);
    // Only the value and note cells can be typed into.
    let unlocked = Format::new().set_unlocked().set_background_color(Color::RGB(0xFFF8DC));
    for (col, (name, width)) in (0u16..).zip(TEMPLATE_COLUMNS) {
        sheet.write_string_with_format(0, col, name, if col < 6 { &bold } else { &reference_header })?;
        sheet.set_column_width(col, width)?;
    }
    for (row, figure) in (1u32..).zip(&figures.rows) {
        sheet.write_string(row, 0, &figure.metric_id)?;
        sheet.write_string(row, 1, &figure.ics)?;
        // As text, so Excel never turns "2024-04" into a date.
        sheet.write_string(row, 2, figure.period.to_string())?;
        match figure.current_value {
            Some(value) => sheet.write_number_with_format(row, 3, value, &unlocked)?,
            None => sheet.write_blank(row, 3, &unlocked)?,
        };
        sheet.write_string(row, 4, partner_ref)?;
        sheet.write_blank(row, 5, &unlocked)?;
        sheet.write_string_with_format(row, 6, &figure.metric_name, &reference)?;
        sheet.write_string_with_format(row, 7, what_to_enter(figure), &reference)?;
        if let Some(target) = figure.target {
            sheet.write_number_with_format(row, 8, target, &reference)?;
        }
        if let Some(previous) = figure.previous_value {
            sheet.write_number_with_format(row, 9, previous, &reference)?;
        }
    }
    // One validation per run of rows of the same kind.
    let mut start = 0;
    while start < figures.rows.len() {
        let kind = figures.rows[start].kind;
        let end = figures.rows[start..].iter().position(|r| r.kind != kind).map_or(figures.rows.len(), |n| start + n);
        let (first, last) = (u32::try_from(start + 1), u32::try_from(end));
        if let (Ok(first), Ok(last)) = (first, last) {
            sheet.add_data_validation(first, 3, last, 3, &value_validation(kind)?)?;
        }
        start = end;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(figures.rows.len()).unwrap_or(u32::MAX - 1).max(1);
    sheet.autofilter(0, 0, last_row, 9)?;
    // Protection against slips (typing over a metric id), not security: there
    // is no password, and Review › Unprotect Sheet lifts it.
    sheet.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::new()
    });
    sheet.set_active(true);
    Ok(())
}

fn write_guidance(sheet: &mut Worksheet, figures: &PeriodFigures) -> Result<(), XlsxError> {
    let wrap = Format::new().set_text_wrap();
    let title = Format::new().set_bold().set_font_size(14);
    sheet.set_column_width(0, 100)?;
    sheet.write_string_with_format(
        0,
        0,
        format!("Figures for {}, {}", figures.organisation_name, figures.quarter.label()),
        &title,
    )?;
    let lines = [
        format!(
            "This workbook has one row on the Readings sheet for each figure {} reports for the quarter: \
             each metric, for each ICS it serves, for the quarter or for each month of it.",
            figures.organisation_name
        ),
        "Fill in column D (value) for each figure you have. Column F (note) is optional: say anything the \
         board should know about the figure."
            .to_string(),
        "Do not change columns A to C (metric, ics, period) or E (partner): they say which figure a value is. \
         Columns G to J (metric name, what to enter, target, last period) are for reference only."
            .to_string(),
        "A monthly metric has a row per month (2024-04), a quarterly one a row for the quarter (2024-25-Q1)."
            .to_string(),
        "Type numbers only: a percentage as 82.5, not 82.5% or a date. Leave a value empty to leave that figure \
         as it is: rows with neither a value nor a note are not imported."
            .to_string(),
        "Save the file as Excel Workbook (.xlsx) and upload it on the Readings page of the tracker (/readings). \
         Every problem is shown with its cell (for example Readings!D7), and nothing is stored until the whole \
         file is right; you check the figures and press Import."
            .to_string(),
        "The Readings sheet is protected against slips only: there is no password (Review, Unprotect Sheet). \
         Formulas are not recalculated on upload: their saved results are read."
            .to_string(),
    ];
    for (row, line) in (2u32..).zip(lines) {
        sheet.write_string_with_format(row, 0, line, &wrap)?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::frequency::{Month, ReadingPeriod};
    use crate::domain::period::ReportingPeriod;
    use crate::server::workbook_reader::read_readings_workbook;
    use std::collections::BTreeMap;
    use std::io::Read;

    fn figure(metric: &str, kind: MetricKind, period: ReadingPeriod, current: Option<f64>) -> FigureRow {
        FigureRow {
            key: format!("SEL-{metric}-{period}"),
            metric_id: metric.to_string(),
            metric_name: format!("={metric} name"),
            kind,
            unit: (kind == MetricKind::Rate).then(|| "per 100,000".to_string()),
            direction: None,
            ics: "SEL".to_string(),
            period,
            target: Some(80.0),
            previous_value: Some(75.0),
            current_value: current,
        }
    }

    fn figures() -> PeriodFigures {
        let quarter = ReportingPeriod::new(2024, 1).expect("quarter");
        let april = ReadingPeriod::Month(Month::new(2024, 4).expect("month"));
        let may = ReadingPeriod::Month(Month::new(2024, 5).expect("month"));
        PeriodFigures {
            organisation_id: "slam".into(),
            organisation_name: "South London and Maudsley NHS FT".into(),
            ods: Some("RV5".into()),
            quarter,
            quarters: vec![quarter],
            rows: vec![
                figure("m_liaison_1h", MetricKind::Percent, quarter.into(), Some(82.5)),
                figure("m_ed_12h_mh", MetricKind::Count, april, None),
                figure("m_ed_12h_mh", MetricKind::Count, may, Some(3.0)),
                figure("m_rate", MetricKind::Rate, quarter.into(), None),
                figure("m_plan", MetricKind::Milestone, quarter.into(), Some(1.0)),
            ],
            typed: BTreeMap::new(),
            errors: Vec::new(),
            csrf: None,
        }
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut text = String::new();
        archive.by_name(name).expect("part").read_to_string(&mut text).expect("read");
        text
    }

    #[test]
    fn the_template_reads_back_as_its_filled_rows() {
        let bytes = figures_template(&figures(), "RV5").expect("written");
        let sheet = read_readings_workbook(&bytes, 100).expect("reads back");
        assert_eq!(sheet.sheet, "Readings");
        let rows: Vec<_> = sheet
            .rows
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.metric.as_str(),
                    r.ics.as_str(),
                    r.period.to_string(),
                    r.value_text.as_str(),
                    r.partner.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (2, "m_liaison_1h", "SEL", "2024-25-Q1".to_string(), "82.5", Some("RV5")),
                (4, "m_ed_12h_mh", "SEL", "2024-05".to_string(), "3", Some("RV5")),
                (6, "m_plan", "SEL", "2024-25-Q1".to_string(), "1", Some("RV5")),
            ]
        );
        assert!(sheet.rows.iter().all(|r| r.note.is_none()));
        assert_eq!(
            sheet.notices,
            ["Only the sheet Readings was read; Guidance was left alone.", "2 rows had no value and were left out."]
        );
        assert_eq!(sheet.cell(3, "value"), "Readings!D3");
    }

    #[test]
    fn a_template_with_no_values_reads_back_as_no_readings() {
        let mut figures = figures();
        for row in &mut figures.rows {
            row.current_value = None;
        }
        let sheet = read_readings_workbook(&figures_template(&figures, "slam").expect("written"), 100).expect("reads");
        assert!(sheet.rows.is_empty());
        assert!(sheet.notices.contains(&"5 rows had no value and were left out.".to_string()), "{:?}", sheet.notices);
    }

    #[test]
    fn the_template_is_protected_validated_and_periods_are_text() {
        let bytes = figures_template(&figures(), "RV5").expect("written");
        let readings = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(readings.contains("<sheetProtection"), "protected");
        assert!(readings.contains(r#"autoFilter="0""#), "the filter can be used");
        assert!(readings.contains(r#"<pane ySplit="1""#), "the header row is frozen");
        for (kind, range) in [("decimal", "D2"), ("whole", "D3:D4"), ("decimal", "D5"), ("whole", "D6")] {
            assert!(
                readings.contains(&format!(r#"type="{kind}""#)) && readings.contains(&format!(r#"sqref="{range}""#)),
                "{kind} validation on {range}"
            );
        }
        let strings = part(&bytes, "xl/sharedStrings.xml");
        for text in
            ["2024-25-Q1", "2024-04", "=m_liaison_1h name", "percentage 0–100", "number, 0 or more (per 100,000)"]
        {
            assert!(strings.contains(text), "{text} is a string");
        }
        let guidance = part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(!guidance.contains("<sheetProtection"), "guidance is not protected");
        assert!(strings.contains("Figures for South London and Maudsley NHS FT, Q1 2024/25"));
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains(r#"<protection locked="0"/>"#), "value and note cells are unlocked");
    }
}
