//! Readings imports and the metric catalogue as the pages show them.

use crate::domain::frequency::{Frequency, QuarterRollup, ReadingPeriod};
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: usize,
    pub metric: String,
    pub ics: String,
    pub period: ReadingPeriod,
    pub value: f64,
    pub partner: Option<String>,
    pub note: Option<String>,
}

/// What an import would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub rows: Vec<PreviewRow>,
    pub errors: Vec<crate::domain::validation::RowError>,
    /// Set when the user may not write some row: nothing can be imported.
    pub forbidden: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: String,
    pub name: String,
    pub commitment_id: String,
    pub kind: String,
    pub unit: Option<String>,
    pub direction: Option<String>,
    pub target: Option<f64>,
    pub amber: Option<f64>,
    // Defaults keep board packs frozen before metrics had frequencies readable.
    #[serde(default)]
    pub frequency: Frequency,
    #[serde(default)]
    pub rollup: QuarterRollup,
    /// The kinds of organisation that report it.
    #[serde(default)]
    pub reported_by: Vec<crate::domain::london::OrgKind>,
    pub version: i64,
    pub retired: bool,
}

/// The catalogue, and the CSRF token for its edit forms when the viewer may edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub entries: Vec<CatalogueEntry>,
    /// The ICSs an ICS's own target can be set for.
    pub ics_codes: Vec<IcsCode>,
    pub editor_csrf: Option<String>,
}

/// A metric's ICS-level readings over every period since the concordat began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricTrend {
    pub metric: CatalogueEntry,
    pub periods: Vec<ReportingPeriod>,
    /// (ICS, value per period in `periods`)
    pub series: Vec<(IcsCode, Vec<Option<f64>>)>,
}

/// How a workbook preview names a problem with a whole sheet ("sheet Readings"),
/// beside cells (`Readings!D7`) and the file itself (`workbook`).
pub const WHOLE_SHEET: &str = "sheet ";

/// An uploaded spreadsheet's preview: problems are named by sheet and cell
/// (`Readings!D7`), and `csv` holds its readings in the import format for the
/// Import button (empty when there is a problem).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkbookPreview {
    pub filename: String,
    pub preview: ImportPreview,
    pub notices: Vec<String>,
    pub csv: String,
}
