//! Status for a whole period: every ICS × commitment, rolled up to principle,
//! ICS and London. Pure: `db::status` loads the inputs in a fixed number of
//! queries, this module decides.
//!
//! Roll-up rule (the same at every level, see `rag::roll_up`): the worst rated
//! part (Red, then Amber, then Green), shown with the counts of every part
//! ("2 Red, 5 Amber, 7 Green"); No data and Not rated never pull it down. A
//! principle rolls up its commitments; an ICS and London roll up commitments
//! directly, so their counts are of commitments. Overrides replace a
//! commitment's status in every roll-up, and the computed status stays beside it.

use super::concordat::Concordat;
use super::frequency::{Frequency, QuarterRollup, ReadingPeriod};
use super::london::IcsCode;
use super::metric::{improvement_direction, MetricKind};
use super::metric_series::{analyse_points, chart_points, quarter_figure, SeriesPoint, SeriesRules, SpcSummary};
use super::period::ReportingPeriod;
use super::rag::{
    apply_override, assess_commitment_with, roll_up, CommitmentInputs, CommitmentStatus, DeliveryStatus, DeliveryTally,
    Direction, EvidenceInput, MetricInput, MilestoneInput, Override, Rag, RollUp, Thresholds,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct StatusMetric {
    pub id: String,
    pub name: String,
    pub commitment_id: String,
    pub kind: MetricKind,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub thresholds: Option<Thresholds>,
    pub due: Option<NaiveDate>,
    pub retired: bool,
    pub frequency: Frequency,
    pub rollup: QuarterRollup,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusEvidence {
    pub ics: String,
    pub commitment_id: String,
    pub organisation: String,
    pub narrative: String,
    pub delivery_status: Option<DeliveryStatus>,
    pub milestone: Option<(String, NaiveDate, Option<NaiveDate>)>,
}

/// What an ICS's figures for a period are made from: the catalogue, targets,
/// ICS-level readings and rebases. Every ICS's, or one's.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureData {
    pub period: ReportingPeriod,
    pub as_at: NaiveDate,
    pub metrics: Vec<StatusMetric>,
    /// (metric, ICS) → thresholds that replace the catalogue's for that ICS.
    pub ics_thresholds: HashMap<(String, String), Thresholds>,
    /// (metric, ICS) → the ICS-level readings up to the period's end, at
    /// either frequency, in any order: the quarter's figure and the SPC chart
    /// are made from them.
    pub series: HashMap<(String, String), Vec<SeriesPoint>>,
    /// (metric, ICS) → the periods from which its SPC limits are recalculated.
    pub rebases: HashMap<(String, String), Vec<ReadingPeriod>>,
}

/// Everything one period's status is computed from, evidence listed entry by
/// entry (the London views count it instead: see [`CellEvidence`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusData {
    pub figures: FigureData,
    pub concordat: Concordat,
    pub ics_codes: Vec<IcsCode>,
    pub evidence: Vec<StatusEvidence>,
    /// (commitment, ICS) → the override in force, if any.
    pub overrides: HashMap<(String, String), Override>,
}

/// One metric in one ICS for a period: what the rules judge, and notes.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFigure {
    pub metric_id: String,
    pub commitment_id: String,
    pub input: FigureInput,
    /// How monthly figures made the quarter's, and its Making Data Count
    /// summary, for the cell's reasons.
    pub notes: Vec<String>,
    /// Making Data Count over its readings up to the period (rated,
    /// unretired metrics with readings).
    pub spc: Option<SpcSummary>,
    /// Its ICS-level readings up to the period, in any order (a board pack's
    /// trends are drawn from them).
    pub points: Vec<SeriesPoint>,
}

/// A metric judged against thresholds, or a milestone metric (done or not).
#[derive(Debug, Clone, PartialEq)]
pub enum FigureInput {
    Metric(MetricInput),
    /// `None`: no reading, so it says nothing.
    Milestone(Option<MilestoneInput>),
}

/// An ICS's figures for a period: every metric in the catalogue's order.
#[derive(Debug, Clone, PartialEq)]
pub struct IcsFigures {
    pub ics: String,
    pub metrics: Vec<MetricFigure>,
}

impl IcsFigures {
    /// The Making Data Count summaries, in the catalogue's order.
    pub fn spc(&self) -> impl Iterator<Item = &SpcSummary> {
        self.metrics.iter().filter_map(|m| m.spc.as_ref())
    }
}

/// A cell's evidence: listed entry by entry (the cell's own page, with a
/// reason each) or counted (London's views, a reason per kind of entry).
#[derive(Debug, Clone, Copy)]
pub enum CellEvidence<'a> {
    Listed(&'a [&'a StatusEvidence]),
    Counted(&'a DeliveryTally),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentCell {
    pub commitment_id: String,
    /// What the rules computed, with its reasons.
    pub computed: CommitmentStatus,
    /// The status to show: the override's, if one is in force.
    pub rag: Rag,
    pub overridden: Option<Override>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipleStatus {
    pub principle_id: String,
    pub rollup: RollUp,
    pub commitments: Vec<CommitmentCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IcsStatus {
    pub ics: IcsCode,
    pub rollup: RollUp,
    pub principles: Vec<PrincipleStatus>,
}

impl CommitmentCell {
    /// Names no person: an override's author becomes the board.
    pub fn without_names(mut self) -> CommitmentCell {
        self.overridden = self.overridden.map(|ov| ov.by_the_board());
        self
    }
}

impl PrincipleStatus {
    /// The delivery lens (milestones, self-assessment, evidence) of its
    /// commitments, rolled up.
    pub fn delivery(&self) -> RollUp {
        roll_up(&self.commitments.iter().map(|c| c.computed.delivery).collect::<Vec<_>>())
    }

    /// The outcome lens (metrics) of its commitments, rolled up.
    pub fn outcome(&self) -> RollUp {
        roll_up(&self.commitments.iter().map(|c| c.computed.outcome).collect::<Vec<_>>())
    }

    /// Whether any of its commitments is "green on paper, red in results".
    pub fn mismatch(&self) -> bool {
        self.commitments.iter().any(|c| c.computed.mismatch)
    }
}

impl IcsStatus {
    /// Names no person (see `CommitmentCell::without_names`).
    pub fn without_names(mut self) -> IcsStatus {
        for principle in &mut self.principles {
            principle.commitments =
                std::mem::take(&mut principle.commitments).into_iter().map(CommitmentCell::without_names).collect();
        }
        self
    }

    /// Each cell with only its first `n` reasons (they are worst first), for
    /// views that summarise: the rest grow with the evidence and are on the cell's page.
    pub fn keeping_reasons(mut self, n: usize) -> IcsStatus {
        for cell in self.principles.iter_mut().flat_map(|p| p.commitments.iter_mut()) {
            cell.computed.reasons.truncate(n);
        }
        self
    }

    pub fn cell(&self, commitment_id: &str) -> Option<&CommitmentCell> {
        self.principles.iter().flat_map(|p| p.commitments.iter()).find(|c| c.commitment_id == commitment_id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LondonStatus {
    pub period: ReportingPeriod,
    pub as_at: NaiveDate,
    pub rollup: RollUp,
    pub icss: Vec<IcsStatus>,
}

impl LondonStatus {
    /// Names no person (see `CommitmentCell::without_names`).
    pub fn without_names(mut self) -> LondonStatus {
        self.icss = std::mem::take(&mut self.icss).into_iter().map(IcsStatus::without_names).collect();
        self
    }

    /// Without each cell's reasons, for views that show only the statuses (a
    /// cell's reasons grow with its evidence; they are on the cell's page).
    pub fn without_reasons(mut self) -> LondonStatus {
        self.icss = std::mem::take(&mut self.icss).into_iter().map(|ics| ics.keeping_reasons(0)).collect();
        self
    }
}

/// A short name for evidence in reasons: the first few words of the narrative.
fn summary_of(evidence: &StatusEvidence) -> String {
    let words: Vec<&str> = evidence.narrative.split_whitespace().take(8).collect();
    let mut text = words.join(" ");
    if evidence.narrative.split_whitespace().count() > 8 {
        text.push('…');
    }
    format!("from {}: \u{201c}{text}\u{201d}", evidence.organisation)
}

impl FigureData {
    fn rules(&self, metric: &StatusMetric, ics: &str) -> SeriesRules {
        SeriesRules {
            frequency: metric.frequency,
            rollup: metric.rollup,
            direction: improvement_direction(metric.direction),
            target: self.thresholds(metric, ics).map(|t| t.target),
        }
    }

    /// The ICS's own thresholds, else the catalogue's.
    fn thresholds(&self, metric: &StatusMetric, ics: &str) -> Option<Thresholds> {
        self.ics_thresholds.get(&(metric.id.clone(), ics.to_string())).copied().or(metric.thresholds)
    }

    fn points(&self, metric: &StatusMetric, ics: &str) -> &[SeriesPoint] {
        self.series.get(&(metric.id.clone(), ics.to_string())).map_or(&[], Vec::as_slice)
    }

    /// The Making Data Count summary of a metric in an ICS, over its readings
    /// up to this period; `None` without readings.
    pub fn spc_summary(&self, metric: &StatusMetric, ics: &str) -> Option<SpcSummary> {
        let rules = self.rules(metric, ics);
        let points = chart_points(&rules, self.points(metric, ics), Some(self.period));
        let rebases = self.rebases.get(&(metric.id.clone(), ics.to_string())).map_or(&[][..], Vec::as_slice);
        let analysis = analyse_points(&rules, &points, rebases)?;
        let unit = if metric.kind == MetricKind::Percent { Some("%") } else { metric.unit.as_deref() };
        SpcSummary::from_analysis(&metric.id, &metric.name, unit, ics, &points, &analysis)
    }

    /// One metric's figure in an ICS: its judged input, its notes and its
    /// Making Data Count summary (analysed once, for both).
    pub fn metric_figure(&self, metric: &StatusMetric, ics: &str) -> MetricFigure {
        let figure = quarter_figure(&self.rules(metric, ics), self.points(metric, ics), self.period);
        let reading = figure.as_ref().map(|f| f.value);
        let base = |input, notes, spc| MetricFigure {
            metric_id: metric.id.clone(),
            commitment_id: metric.commitment_id.clone(),
            input,
            notes,
            spc,
            points: self.points(metric, ics).to_vec(),
        };
        if metric.kind == MetricKind::Milestone {
            // A milestone metric is done (1) or not (0); with no reading it says nothing.
            let milestone = match (reading, metric.due) {
                (Some(value), Some(due)) => Some(MilestoneInput {
                    description: metric.name.clone(),
                    due,
                    completed: (value >= 1.0).then_some(self.as_at.min(due)),
                    self_assessed: None,
                }),
                _ => None,
            };
            return base(FigureInput::Milestone(milestone), Vec::new(), None);
        }
        let thresholds = self.thresholds(metric, ics);
        let thresholds = match &figure {
            Some(figure) => thresholds.map(|t| figure.thresholds(t)),
            None => thresholds,
        };
        let mut notes = Vec::new();
        if let Some(rolled) = figure.as_ref().and_then(|f| f.rolled_up.as_ref()).filter(|_| !metric.retired) {
            notes.push(format!("Note: {} — {}", metric.name, rolled.explain()));
        }
        let spc = if metric.retired { None } else { self.spc_summary(metric, ics) };
        if let Some(summary) = &spc {
            notes.push(summary.reason());
        }
        let input = MetricInput {
            metric_id: metric.id.clone(),
            name: metric.name.clone(),
            unit: if metric.kind == MetricKind::Percent { Some("%".into()) } else { metric.unit.clone() },
            direction: metric.direction.unwrap_or(Direction::HigherIsBetter),
            thresholds,
            reading,
            retired: metric.retired,
        };
        base(FigureInput::Metric(input), notes, spc)
    }
}

/// An ICS's figures for the period: every metric, judged and charted.
pub fn ics_figures(data: &FigureData, ics: &str) -> IcsFigures {
    IcsFigures { ics: ics.to_string(), metrics: data.metrics.iter().map(|m| data.metric_figure(m, ics)).collect() }
}

/// The Making Data Count summary of every rated metric with readings in an ICS.
pub fn spc_summaries(data: &FigureData, ics: &str) -> Vec<SpcSummary> {
    ics_figures(data, ics).spc().cloned().collect()
}

/// Status of one commitment in an ICS for a period, from the ICS's figures,
/// the cell's evidence and the override in force. The notes follow the judged
/// reasons: they explain figures and never change the status.
pub fn assess_cell(
    period: ReportingPeriod,
    as_at: NaiveDate,
    commitment_id: &str,
    figures: &IcsFigures,
    evidence: CellEvidence<'_>,
    override_in_force: Option<&Override>,
) -> CommitmentCell {
    let mut metrics = Vec::new();
    let mut milestones = Vec::new();
    let mut notes = Vec::new();
    for figure in figures.metrics.iter().filter(|m| m.commitment_id == commitment_id) {
        match &figure.input {
            FigureInput::Metric(input) => metrics.push(input.clone()),
            FigureInput::Milestone(milestone) => milestones.extend(milestone.clone()),
        }
        notes.extend(figure.notes.iter().cloned());
    }
    let empty = DeliveryTally::default();
    let (listed, tally): (&[&StatusEvidence], &DeliveryTally) = match evidence {
        CellEvidence::Listed(entries) => (entries, &empty),
        CellEvidence::Counted(tally) => (&[], tally),
    };
    let mut entries = Vec::new();
    for entry in listed {
        entries.push(EvidenceInput { summary: summary_of(entry), self_assessed: entry.delivery_status });
        if let Some((description, due, completed)) = &entry.milestone {
            milestones.push(MilestoneInput {
                description: description.clone(),
                due: *due,
                completed: *completed,
                self_assessed: entry.delivery_status,
            });
        }
    }
    let inputs = CommitmentInputs {
        commitment_id: commitment_id.to_string(),
        period,
        as_at,
        metrics,
        milestones,
        evidence: entries,
    };
    let mut computed = assess_commitment_with(&inputs, tally);
    computed.reasons.extend(notes);
    let effective = apply_override(&computed, override_in_force);
    CommitmentCell {
        commitment_id: commitment_id.to_string(),
        rag: effective.effective_rag,
        overridden: effective.overridden,
        computed,
    }
}

/// An ICS's status: each commitment's cell (`cell` gives it), rolled up by
/// principle and for the ICS.
pub fn ics_status(concordat: &Concordat, ics: &IcsCode, mut cell: impl FnMut(&str) -> CommitmentCell) -> IcsStatus {
    let principles: Vec<PrincipleStatus> = concordat
        .principles
        .iter()
        .map(|principle| {
            let commitments: Vec<CommitmentCell> = principle.commitments.iter().map(|c| cell(&c.id)).collect();
            let rags: Vec<Rag> = commitments.iter().map(|c| c.rag).collect();
            PrincipleStatus { principle_id: principle.id.clone(), rollup: roll_up(&rags), commitments }
        })
        .collect();
    let all: Vec<Rag> = principles.iter().flat_map(|p| p.commitments.iter().map(|c| c.rag)).collect();
    IcsStatus { ics: ics.clone(), rollup: roll_up(&all), principles }
}

/// London's status from its ICSs', rolled up by commitment.
pub fn london_rollup(period: ReportingPeriod, as_at: NaiveDate, icss: Vec<IcsStatus>) -> LondonStatus {
    let all: Vec<Rag> =
        icss.iter().flat_map(|i| i.principles.iter().flat_map(|p| p.commitments.iter().map(|c| c.rag))).collect();
    LondonStatus { period, as_at, rollup: roll_up(&all), icss }
}

/// Status of one commitment in one ICS, evidence listed entry by entry.
pub fn commitment_cell(data: &StatusData, ics: &str, commitment_id: &str) -> CommitmentCell {
    let figures = IcsFigures {
        ics: ics.to_string(),
        metrics: data
            .figures
            .metrics
            .iter()
            .filter(|m| m.commitment_id == commitment_id)
            .map(|m| data.figures.metric_figure(m, ics))
            .collect(),
    };
    let entries: Vec<&StatusEvidence> =
        data.evidence.iter().filter(|e| e.ics == ics && e.commitment_id == commitment_id).collect();
    let override_in_force = data.overrides.get(&(commitment_id.to_string(), ics.to_string()));
    assess_cell(
        data.figures.period,
        data.figures.as_at,
        commitment_id,
        &figures,
        CellEvidence::Listed(&entries),
        override_in_force,
    )
}

/// Every ICS × commitment, evidence listed entry by entry: what London's views
/// show, with every reason (they count evidence instead; the statuses agree).
pub fn london_status(data: &StatusData) -> LondonStatus {
    let icss = data
        .ics_codes
        .iter()
        .map(|ics| ics_status(&data.concordat, ics, |commitment| commitment_cell(data, ics.as_str(), commitment)))
        .collect();
    london_rollup(data.figures.period, data.figures.as_at, icss)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::concordat::{Commitment, Principle};

    fn code(text: &str) -> IcsCode {
        IcsCode::parse(text).expect("ICS code")
    }

    fn data() -> StatusData {
        let commitment = |id: &str| Commitment {
            id: id.into(),
            principle_id: "P3".into(),
            number: 1,
            text: String::new(),
            due: None,
            actions: Vec::new(),
        };
        StatusData {
            figures: FigureData {
                period: ReportingPeriod::parse("2023-24-Q1").expect("period"),
                as_at: NaiveDate::from_ymd_opt(2023, 6, 30).expect("date"),
                metrics: vec![StatusMetric {
                    id: "m_liaison_1h".into(),
                    name: "ED referrals to liaison psychiatry seen within one hour".into(),
                    commitment_id: "P3.C2".into(),
                    kind: MetricKind::Percent,
                    unit: None,
                    direction: Some(Direction::HigherIsBetter),
                    thresholds: Some(Thresholds { target: 85.0, amber: 75.0 }),
                    due: None,
                    retired: false,
                    frequency: Frequency::Quarterly,
                    rollup: QuarterRollup::Latest,
                }],
                ics_thresholds: HashMap::new(),
                series: HashMap::new(),
                rebases: HashMap::new(),
            },
            concordat: Concordat {
                title: String::new(),
                status: String::new(),
                owner: String::new(),
                review: String::new(),
                vision: Vec::new(),
                emphases: Vec::new(),
                aims: Vec::new(),
                principles: vec![Principle {
                    id: "P3".into(),
                    number: 3,
                    title: String::new(),
                    commitments: vec![commitment("P3.C1"), commitment("P3.C2")],
                }],
            },
            ics_codes: vec![code("SEL"), code("NEL")],
            evidence: Vec::new(),
            overrides: HashMap::new(),
        }
    }

    fn with_reading(value: f64) -> StatusData {
        let mut data = data();
        let period = ReadingPeriod::Quarter(data.figures.period);
        data.figures.series.insert(("m_liaison_1h".into(), "SEL".into()), vec![SeriesPoint { period, value }]);
        data
    }

    #[test]
    fn readings_set_the_commitment_with_reasons() {
        let cell = commitment_cell(&with_reading(80.0), "SEL", "P3.C2");
        assert_eq!(cell.rag, Rag::Amber);
        assert_eq!(cell.computed.outcome, Rag::Amber);
        assert_eq!(
            cell.computed.reasons[0],
            "Amber: ED referrals to liaison psychiatry seen within one hour 80% (target 85%, amber from 75%), 2023-24-Q1"
        );
        assert_eq!(commitment_cell(&with_reading(90.0), "SEL", "P3.C2").rag, Rag::Green);
        assert_eq!(commitment_cell(&with_reading(70.0), "SEL", "P3.C2").rag, Rag::Red);
    }

    #[test]
    fn nothing_submitted_is_no_data_not_green() {
        let status = london_status(&with_reading(90.0));
        let nel = status.icss.iter().find(|i| i.ics == "NEL").expect("NEL");
        assert!(nel.principles[0].commitments.iter().all(|c| c.rag == Rag::NoData));
        assert_eq!(nel.rollup.rag, Rag::NoData);
        let sel = status.icss.iter().find(|i| i.ics == "SEL").expect("SEL");
        assert_eq!(sel.rollup.rag, Rag::Green);
        assert_eq!(sel.rollup.summary(), "1 Green, 1 No data");
    }

    #[test]
    fn principles_roll_up_each_lens() {
        let data = with_reading(70.0);
        let sel = ics_status(&data.concordat, &code("SEL"), |c| commitment_cell(&data, "SEL", c));
        let principle =
            sel.principles.iter().find(|p| p.commitments.iter().any(|c| c.commitment_id == "P3.C2")).expect("P3");
        assert_eq!(principle.outcome().rag, Rag::Red, "the metric's Red reaches the principle's outcome lens");
        assert_eq!(principle.outcome().red, 1);
        assert_eq!(principle.delivery().red, 0, "a missed target is an outcome, not a delivery, problem");
        assert!(!principle.mismatch());
    }

    #[test]
    fn without_names_the_board_stands_for_the_person() {
        let mut data = with_reading(70.0);
        let ov =
            Override::new(Rag::Amber, "Recovery plan agreed", "board@demo.test", data.figures.period).expect("valid");
        data.overrides.insert(("P3.C2".into(), "SEL".into()), ov);
        let status = london_status(&data).without_names();
        let sel = status.icss.iter().find(|i| i.ics == "SEL").expect("SEL");
        let cell = sel.cell("P3.C2").expect("cell");
        let ov = cell.overridden.as_ref().expect("override kept");
        assert_eq!(ov.set_by(), crate::domain::rag::BOARD);
        assert_eq!((ov.rag(), ov.rationale()), (Rag::Amber, "Recovery plan agreed"), "only the author changes");
        assert_eq!(cell.rag, Rag::Amber);
    }

    #[test]
    fn per_ics_thresholds_come_first() {
        let mut data = with_reading(80.0);
        data.figures
            .ics_thresholds
            .insert(("m_liaison_1h".into(), "SEL".into()), Thresholds { target: 80.0, amber: 70.0 });
        assert_eq!(commitment_cell(&data, "SEL", "P3.C2").rag, Rag::Green);
    }

    #[test]
    fn overrides_replace_the_status_but_keep_the_computed_one() {
        let mut data = with_reading(70.0);
        let ov =
            Override::new(Rag::Amber, "Recovery plan agreed with the board", "board@demo.test", data.figures.period)
                .expect("valid override");
        data.overrides.insert(("P3.C2".into(), "SEL".into()), ov);
        let cell = commitment_cell(&data, "SEL", "P3.C2");
        assert_eq!((cell.rag, cell.computed.rag), (Rag::Amber, Rag::Red));
        assert!(cell.overridden.is_some());
        let sel = ics_status(&data.concordat, &code("SEL"), |c| commitment_cell(&data, "SEL", c));
        assert_eq!(sel.rollup.rag, Rag::Amber, "roll-ups use the overridden status");
    }

    #[test]
    fn evidence_and_milestones_feed_delivery() {
        let mut data = with_reading(90.0);
        data.evidence.push(StatusEvidence {
            ics: "SEL".into(),
            commitment_id: "P3.C2".into(),
            organisation: "SLaM".into(),
            narrative: "Core 24 at two of three sites".into(),
            delivery_status: Some(DeliveryStatus::OnTrack),
            milestone: Some(("Core 24 at all sites".into(), NaiveDate::from_ymd_opt(2023, 5, 31).expect("date"), None)),
        });
        let cell = commitment_cell(&data, "SEL", "P3.C2");
        assert_eq!(cell.computed.delivery, Rag::Red, "past due and not complete");
        assert_eq!(cell.rag, Rag::Red);
        assert!(
            cell.computed.reasons.iter().any(|r| r.starts_with("Red: Core 24 at all sites")),
            "{:?}",
            cell.computed.reasons
        );
    }
}
