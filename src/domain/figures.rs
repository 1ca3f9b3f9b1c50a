//! A partner's figures for a quarter: which boxes its period form and its
//! spreadsheet template have, and reading what was typed into them.
//!
//! A box ("slot") is one metric the partner's kind of organisation reports,
//! for one ICS it serves, for one period: the quarter itself for a quarterly
//! metric, each month of the quarter that has started for a monthly one.

use super::frequency::{Frequency, Month, ReadingPeriod};
use super::london::Organisation;
use super::metric::{parse_value, MetricDefinition, MetricKind};
use super::period::ReportingPeriod;
use super::validation::FieldError;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One box of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureSlot {
    pub metric_id: String,
    pub kind: MetricKind,
    pub ics: String,
    pub period: ReadingPeriod,
}

impl FigureSlot {
    pub fn key(&self) -> String {
        figure_key(&self.ics, &self.metric_id, self.period)
    }
}

/// A slot's name in forms (`values[<key>]`) and error lists:
/// `SEL-m_liaison_1h-2024-25-Q1`. ICS codes are letters and metric ids never
/// hold a hyphen, so the first two hyphens split it back.
pub fn figure_key(ics: &str, metric_id: &str, period: ReadingPeriod) -> String {
    format!("{ics}-{metric_id}-{period}")
}

/// The periods a metric's figures for `quarter` are given for, as of `today`:
/// the quarter, or those of its months that have started.
pub fn periods_for(frequency: Frequency, quarter: ReportingPeriod, today: NaiveDate) -> Vec<ReadingPeriod> {
    match frequency {
        Frequency::Quarterly => vec![ReadingPeriod::Quarter(quarter)],
        Frequency::Monthly => Month::of_quarter(quarter)
            .into_iter()
            .map(ReadingPeriod::Month)
            .filter(|month| month.has_started(today))
            .collect(),
    }
}

/// Every box of `organisation`'s form for `quarter`: the metrics (not retired;
/// in the order given) its kind reports, for each ICS it serves (`all_ics` in
/// order), for each of `periods_for`.
pub fn figure_slots<'a>(
    organisation: &Organisation,
    metrics: impl IntoIterator<Item = &'a MetricDefinition>,
    all_ics: &[String],
    quarter: ReportingPeriod,
    today: NaiveDate,
) -> Vec<FigureSlot> {
    let icss = organisation.icss(all_ics);
    let mut slots = Vec::new();
    for metric in metrics.into_iter().filter(|m| m.is_reported_by(organisation.kind)) {
        for ics in &icss {
            for period in periods_for(metric.frequency, quarter, today) {
                slots.push(FigureSlot { metric_id: metric.id.clone(), kind: metric.kind, ics: ics.clone(), period });
            }
        }
    }
    slots
}

/// A figure read from the form, ready to check against the catalogue and write.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedFigure {
    pub slot: FigureSlot,
    pub value: f64,
}

/// Reads what was typed into the form's boxes. An empty box leaves its figure
/// as it is. Every problem is reported, each against its box's key; a key the
/// form does not have is refused too (a stale or forged form).
pub fn read_typed_figures(
    slots: &[FigureSlot],
    typed: &BTreeMap<String, String>,
) -> Result<Vec<TypedFigure>, Vec<FieldError>> {
    let by_key: BTreeMap<String, &FigureSlot> = slots.iter().map(|slot| (slot.key(), slot)).collect();
    let mut errors = Vec::new();
    let mut figures = Vec::new();
    for (key, text) in typed {
        let Some(slot) = by_key.get(key) else {
            let shown: String = key.chars().take(80).collect();
            errors.push(FieldError::new(
                shown,
                "is not one of this form's figures (the catalogue may have changed): reload the page",
            ));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match parse_value(slot.kind, text) {
            Ok(value) => figures.push(TypedFigure { slot: (*slot).clone(), value }),
            Err(message) => errors.push(FieldError::new(key.clone(), message)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if figures.is_empty() {
        return Err(vec![FieldError::new("values", "there are no figures to save: type at least one")]);
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::london::OrgKind;

    fn metric(id: &str, kind: MetricKind, frequency: Frequency, reported_by: &[OrgKind]) -> MetricDefinition {
        MetricDefinition {
            id: id.into(),
            name: id.into(),
            commitment_id: "P1.C1".into(),
            kind,
            unit: None,
            direction: None,
            target: None,
            amber: None,
            due: None,
            note: None,
            frequency,
            rollup: Default::default(),
            reported_by: reported_by.to_vec(),
            principle: None,
        }
    }

    fn trust(ics: Option<&str>, also: &[&str]) -> Organisation {
        Organisation {
            id: "trust".into(),
            name: "A trust".into(),
            kind: OrgKind::MhTrust,
            ics: ics.map(String::from),
            also_serves: also.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn all_ics() -> Vec<String> {
        ["NCL", "NEL", "NWL", "SEL", "SWL"].map(String::from).to_vec()
    }

    fn q1() -> ReportingPeriod {
        ReportingPeriod::parse("2024-25-Q1").unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn keys_name_ics_metric_and_period() {
        let period = ReadingPeriod::parse("2024-25-Q1").unwrap();
        assert_eq!(figure_key("SEL", "m_liaison_1h", period), "SEL-m_liaison_1h-2024-25-Q1");
        let month = ReadingPeriod::parse("2024-04").unwrap();
        assert_eq!(figure_key("SWL", "m_x", month), "SWL-m_x-2024-04");
    }

    #[test]
    fn a_monthly_metric_has_a_box_for_each_started_month() {
        assert_eq!(periods_for(Frequency::Quarterly, q1(), day("2024-04-02")).len(), 1);
        let months = periods_for(Frequency::Monthly, q1(), day("2024-05-15"));
        assert_eq!(months.iter().map(ToString::to_string).collect::<Vec<_>>(), ["2024-04", "2024-05"]);
        assert_eq!(periods_for(Frequency::Monthly, q1(), day("2025-01-01")).len(), 3);
    }

    #[test]
    fn slots_cover_the_metrics_a_kind_reports_in_every_ics_served() {
        let metrics = [
            metric("m_a", MetricKind::Percent, Frequency::Quarterly, &[OrgKind::MhTrust]),
            metric("m_b", MetricKind::Count, Frequency::Monthly, &[OrgKind::MhTrust, OrgKind::Icb]),
            metric("m_c", MetricKind::Count, Frequency::Quarterly, &[OrgKind::Police]),
        ];
        let slots = figure_slots(&trust(Some("SEL"), &["SWL"]), &metrics, &all_ics(), q1(), day("2024-08-01"));
        let keys: Vec<String> = slots.iter().map(FigureSlot::key).collect();
        assert_eq!(
            keys,
            [
                "SEL-m_a-2024-25-Q1",
                "SWL-m_a-2024-25-Q1",
                "SEL-m_b-2024-04",
                "SEL-m_b-2024-05",
                "SEL-m_b-2024-06",
                "SWL-m_b-2024-04",
                "SWL-m_b-2024-05",
                "SWL-m_b-2024-06",
            ]
        );
        let london_wide = figure_slots(&trust(None, &[]), &metrics[..1], &all_ics(), q1(), day("2024-08-01"));
        assert_eq!(london_wide.len(), 5);
    }

    #[test]
    fn typed_values_are_read_blanks_skipped_and_every_problem_named() {
        let metrics = [
            metric("m_a", MetricKind::Percent, Frequency::Quarterly, &[OrgKind::MhTrust]),
            metric("m_b", MetricKind::Count, Frequency::Quarterly, &[OrgKind::MhTrust]),
        ];
        let slots = figure_slots(&trust(Some("SEL"), &[]), &metrics, &all_ics(), q1(), day("2024-08-01"));
        let typed = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };

        let read = read_typed_figures(&slots, &typed(&[("SEL-m_a-2024-25-Q1", "82.5%"), ("SEL-m_b-2024-25-Q1", " ")]))
            .unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].value, 82.5);
        assert_eq!(read[0].slot.metric_id, "m_a");

        let errors = read_typed_figures(
            &slots,
            &typed(&[("SEL-m_a-2024-25-Q1", "101"), ("SEL-m_b-2024-25-Q1", "2.5"), ("NCL-m_a-2024-25-Q1", "5")]),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["NCL-m_a-2024-25-Q1", "SEL-m_a-2024-25-Q1", "SEL-m_b-2024-25-Q1"]);
        assert!(errors[1].message.contains("101 is not a percentage"), "{errors:?}");
        assert!(errors[2].message.contains("not a count"), "{errors:?}");

        let nothing = read_typed_figures(&slots, &typed(&[("SEL-m_a-2024-25-Q1", "")])).unwrap_err();
        assert_eq!(nothing[0].field, "values");
    }
}
