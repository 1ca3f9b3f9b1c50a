//! A metric's readings over time for one ICS (or partner): the figure a quarter's
//! RAG judges, and the series an SPC chart analyses. Pure.

use serde::{Deserialize, Serialize};

use super::frequency::{roll_up, Frequency, Month, QuarterRollup, ReadingPeriod, RolledUp};
use super::period::ReportingPeriod;
use super::rag::Thresholds;
use super::spc::{analyse, AssuranceIcon, ImprovementDirection, SpcAnalysis, SpcOptions, VariationIcon};

/// One reading in a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub period: ReadingPeriod,
    pub value: f64,
}

/// What a series is read with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesRules {
    pub frequency: Frequency,
    pub rollup: QuarterRollup,
    pub direction: ImprovementDirection,
    /// The target of one reading at the metric's frequency.
    pub target: Option<f64>,
}

/// A quarter's figure for RAG and, for a monthly metric, how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterFigure {
    pub value: f64,
    pub rolled_up: Option<RolledUp>,
}

impl QuarterFigure {
    /// The thresholds the quarter's figure is judged against: a summed figure
    /// adds up as many monthly targets as it adds months.
    pub fn thresholds(&self, monthly: Thresholds) -> Thresholds {
        match &self.rolled_up {
            Some(rolled) if rolled.rollup == QuarterRollup::Sum => {
                let months = rolled.months.len() as f64;
                Thresholds { target: monthly.target * months, amber: monthly.amber * months }
            }
            _ => monthly,
        }
    }
}

/// The figure for `quarter`: a quarterly metric's reading for it, or a monthly
/// metric's months rolled up. Readings at the other frequency are ignored.
pub fn quarter_figure(rules: &SeriesRules, points: &[SeriesPoint], quarter: ReportingPeriod) -> Option<QuarterFigure> {
    match rules.frequency {
        Frequency::Quarterly => points
            .iter()
            .find(|p| p.period == ReadingPeriod::Quarter(quarter))
            .map(|p| QuarterFigure { value: p.value, rolled_up: None }),
        Frequency::Monthly => {
            let months: Vec<(Month, f64)> = points
                .iter()
                .filter_map(|p| match p.period {
                    ReadingPeriod::Month(m) => Some((m, p.value)),
                    ReadingPeriod::Quarter(_) => None,
                })
                .collect();
            roll_up(rules.rollup, quarter, &months).map(|r| QuarterFigure { value: r.value, rolled_up: Some(r) })
        }
    }
}

/// The points of the metric's own frequency up to the end of `up_to` (all when
/// `None`), oldest first.
pub fn chart_points(rules: &SeriesRules, points: &[SeriesPoint], up_to: Option<ReportingPeriod>) -> Vec<SeriesPoint> {
    let mut chosen: Vec<SeriesPoint> = points
        .iter()
        .copied()
        .filter(|p| p.period.frequency() == rules.frequency)
        .filter(|p| up_to.is_none_or(|q| p.period.end_date() <= q.end_date()))
        .collect();
    chosen.sort_by_key(|p| p.period);
    chosen.dedup_by_key(|p| p.period);
    chosen
}

/// Where each rebase falls among the points: the index of the point on that
/// period. A rebase on a period without a reading has no effect (as upstream).
pub fn rebase_indices(points: &[SeriesPoint], rebases: &[ReadingPeriod]) -> Vec<usize> {
    rebases.iter().filter_map(|r| points.iter().position(|p| p.period == *r)).collect()
}

/// The XmR analysis of a series (already in order); `None` without points.
pub fn analyse_points(rules: &SeriesRules, points: &[SeriesPoint], rebases: &[ReadingPeriod]) -> Option<SpcAnalysis> {
    if points.is_empty() {
        return None;
    }
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let options = SpcOptions {
        improvement_direction: rules.direction,
        target: rules.target,
        rebase: rebase_indices(points, rebases),
        ..SpcOptions::default()
    };
    // A series longer than the engine takes is analysed on its latest points.
    let skip = values.len().saturating_sub(super::spc::MAX_VALUES);
    let options =
        SpcOptions { rebase: options.rebase.iter().filter(|i| **i >= skip).map(|i| i - skip).collect(), ..options };
    analyse(&values[skip..], &options).ok()
}

/// The Making Data Count summary of one metric in one ICS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcSummary {
    pub metric_id: String,
    pub metric_name: String,
    pub unit: Option<String>,
    pub ics: String,
    pub latest_period: ReadingPeriod,
    pub latest_value: f64,
    pub target: Option<f64>,
    pub points: usize,
    pub variation_icon: VariationIcon,
    pub assurance_icon: Option<AssuranceIcon>,
}

impl SpcSummary {
    pub fn from_analysis(
        metric_id: &str,
        metric_name: &str,
        unit: Option<&str>,
        ics: &str,
        points: &[SeriesPoint],
        analysis: &SpcAnalysis,
    ) -> Option<Self> {
        let last = points.last()?;
        Some(SpcSummary {
            metric_id: metric_id.to_string(),
            metric_name: metric_name.to_string(),
            unit: unit.map(str::to_string),
            ics: ics.to_string(),
            latest_period: last.period,
            latest_value: last.value,
            target: analysis.target,
            points: points.len(),
            variation_icon: analysis.variation_icon,
            assurance_icon: analysis.assurance_icon,
        })
    }

    /// One line for a status cell's reasons.
    pub fn reason(&self) -> String {
        let assurance = match self.assurance_icon {
            Some(icon) => icon.label().to_lowercase(),
            None if self.target.is_none() => "no target to assure".to_string(),
            None => "no assurance for a metric without a direction".to_string(),
        };
        format!(
            "Making Data Count: {} — {} over {} points to {}; {assurance}",
            self.metric_name,
            self.variation_icon.label().to_lowercase(),
            self.points,
            self.latest_period
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> ReadingPeriod {
        ReadingPeriod::parse(text).expect("month")
    }

    fn monthly(rollup: QuarterRollup) -> SeriesRules {
        SeriesRules {
            frequency: Frequency::Monthly,
            rollup,
            direction: ImprovementDirection::Decrease,
            target: Some(2.0),
        }
    }

    fn points(pairs: &[(&str, f64)]) -> Vec<SeriesPoint> {
        pairs.iter().map(|(p, v)| SeriesPoint { period: month(p), value: *v }).collect()
    }

    #[test]
    fn a_monthly_metric_rolls_into_its_quarter_and_sums_scale_the_target() {
        let series = points(&[("2024-04", 1.0), ("2024-05", 2.0), ("2024-06", 6.0), ("2024-07", 9.0)]);
        let quarter = ReportingPeriod::parse("2024-25-Q1").unwrap();
        let mean = quarter_figure(&monthly(QuarterRollup::Mean), &series, quarter).unwrap();
        assert_eq!(mean.value, 3.0);
        let sum = quarter_figure(&monthly(QuarterRollup::Sum), &series, quarter).unwrap();
        assert_eq!(sum.value, 9.0);
        let monthly_thresholds = Thresholds { target: 2.0, amber: 4.0 };
        assert_eq!(sum.thresholds(monthly_thresholds), Thresholds { target: 6.0, amber: 12.0 });
        assert_eq!(mean.thresholds(monthly_thresholds), monthly_thresholds);
        let latest = quarter_figure(&monthly(QuarterRollup::Latest), &series, quarter).unwrap();
        assert_eq!(latest.value, 6.0);
        // A quarterly reading of a monthly metric is not used.
        let mixed = vec![SeriesPoint { period: ReadingPeriod::Quarter(quarter), value: 50.0 }];
        assert_eq!(quarter_figure(&monthly(QuarterRollup::Latest), &mixed, quarter), None);
    }

    #[test]
    fn charts_take_points_in_order_up_to_the_period() {
        let series = points(&[("2024-07", 9.0), ("2024-04", 1.0), ("2024-06", 6.0)]);
        let rules = monthly(QuarterRollup::Mean);
        let q1 = ReportingPeriod::parse("2024-25-Q1").unwrap();
        let chosen = chart_points(&rules, &series, Some(q1));
        assert_eq!(chosen.iter().map(|p| p.period.to_string()).collect::<Vec<_>>(), ["2024-04", "2024-06"]);
        assert_eq!(chart_points(&rules, &series, None).len(), 3);
    }

    #[test]
    fn a_rebase_on_a_period_without_a_reading_has_no_effect() {
        let series = points(&[("2024-04", 1.0), ("2024-05", 2.0), ("2024-07", 3.0)]);
        assert_eq!(rebase_indices(&series, &[month("2024-06"), month("2024-07")]), [2]);
        let analysis = analyse_points(&monthly(QuarterRollup::Mean), &series, &[month("2024-07")]).unwrap();
        assert_eq!(analysis.segments.len(), 2);
        assert!(analyse_points(&monthly(QuarterRollup::Mean), &[], &[]).is_none());
    }

    #[test]
    fn the_summary_reads_as_a_reason() {
        let series = points(&[("2024-04", 1.0), ("2024-05", 2.0), ("2024-06", 3.0)]);
        let analysis = analyse_points(&monthly(QuarterRollup::Mean), &series, &[]).unwrap();
        let summary = SpcSummary::from_analysis("m_x", "Twelve-hour waits", None, "SEL", &series, &analysis).unwrap();
        assert_eq!(
            summary.reason(),
            "Making Data Count: Twelve-hour waits — common cause variation over 3 points to 2024-06; may meet or miss the target"
        );
    }
}
