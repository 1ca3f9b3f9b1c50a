//! The RAG (Red / Amber / Green) rules engine.
//!
//! Every judgement carries a one-line reason so that a status can always be
//! explained to the ICS it describes.
//!
//! # Statuses
//!
//! [`Rag::Red`], [`Rag::Amber`] and [`Rag::Green`] are ratings, worst first.
//! [`Rag::NoData`] (nothing to judge) and [`Rag::NotRated`] (something was
//! submitted but there is nothing to judge it against, e.g. a metric without
//! thresholds) are not ratings and never pull a combination down.
//!
//! # Combining statuses ("worst of")
//!
//! The same rule is used everywhere statuses combine: the lenses of one
//! commitment, and the roll-up from commitment to principle to ICS to London
//! (see [`roll_up`]):
//!
//! 1. if any part is rated, the result is the worst rated part
//!    (Red, then Amber, then Green);
//! 2. otherwise, if any part is Not rated, the result is Not rated;
//! 3. otherwise (no parts, or all No data) the result is No data.
//!
//! [`Rag::worse`] implements this for two statuses; folding it over a list
//! starting from No data gives the rule for any number.
//!
//! # One commitment
//!
//! [`assess_commitment`] looks through two lenses:
//!
//! * **delivery**: the worst of its milestones and evidence self-assessments;
//! * **outcome**: the worst of its (non-retired) metric readings against
//!   thresholds.
//!
//! The overall status is the worst of the two lenses by the rule above, and
//! [`CommitmentStatus::mismatch`] flags delivery Green with outcome Red
//! ("green on paper, red in results").

use std::cmp::Reverse;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::period::ReportingPeriod;

/// How far ahead an unfinished milestone counts as "due soon" and so Amber.
pub const DUE_SOON_DAYS: i64 = 90;

/// A RAG status, or the absence of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// Off track; needs action.
    Red,
    /// At risk, late, or close to the target.
    Amber,
    /// On track or meeting the target.
    Green,
    /// Nothing was submitted to judge.
    NoData,
    /// Something was submitted but there is nothing to judge it against.
    NotRated,
}

impl Rag {
    /// The name used in the API and the database: `red`, `amber`, `green`,
    /// `no_data`, `not_rated` (the same as its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
            Rag::NoData => "no_data",
            Rag::NotRated => "not_rated",
        }
    }

    /// Reads a name written by [`Rag::as_str`].
    pub fn from_name(name: &str) -> Option<Rag> {
        [Rag::Red, Rag::Amber, Rag::Green, Rag::NoData, Rag::NotRated].into_iter().find(|r| r.as_str() == name)
    }

    /// Human label, e.g. `"No data"`.
    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
            Rag::NoData => "No data",
            Rag::NotRated => "Not rated",
        }
    }

    /// Whether this is an actual rating (Red, Amber or Green).
    pub fn is_rated(self) -> bool {
        matches!(self, Rag::Red | Rag::Amber | Rag::Green)
    }

    /// Severity used for "worse of" and for ordering reasons: higher is worse.
    ///
    /// Every rating outranks both non-ratings, so taking the maximum gives the
    /// module's combination rule directly.
    pub fn severity(self) -> u8 {
        match self {
            Rag::NoData => 0,
            Rag::NotRated => 1,
            Rag::Green => 2,
            Rag::Amber => 3,
            Rag::Red => 4,
        }
    }

    /// The worse of two statuses under the module's combination rule.
    pub fn worse(self, other: Rag) -> Rag {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// The combination of any number of statuses: No data when there are none.
    pub fn worst_of<I: IntoIterator<Item = Rag>>(parts: I) -> Rag {
        parts.into_iter().fold(Rag::NoData, Rag::worse)
    }
}

impl fmt::Display for Rag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// Bigger readings are better (e.g. % seen within one hour).
    #[serde(rename = "higher")]
    HigherIsBetter,
    /// Smaller readings are better (e.g. waiting time).
    #[serde(rename = "lower")]
    LowerIsBetter,
}

impl Direction {
    /// `higher` or `lower`, as in the catalogue, the database and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
        }
    }

    pub fn parse(text: &str) -> Option<Direction> {
        [Direction::HigherIsBetter, Direction::LowerIsBetter].into_iter().find(|d| d.as_str() == text.trim())
    }
}

/// Target and amber edge for a metric.
///
/// Readings that meet `target` are Green; readings that miss it but are no
/// worse than `amber` are Amber; anything beyond `amber` is Red.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// The value to meet for Green.
    pub target: f64,
    /// The outer edge of the amber band (still Amber when exactly on it).
    pub amber: f64,
}

/// One metric's reading for the period, with its resolved thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricInput {
    /// Catalogue id of the metric.
    pub metric_id: String,
    /// Name used in reasons.
    pub name: String,
    /// Unit shown after numbers, e.g. `"%"` or `"per 100k"`.
    pub unit: Option<String>,
    /// Which way the metric improves.
    pub direction: Direction,
    /// Thresholds already resolved (per-ICS override first, then catalogue).
    pub thresholds: Option<Thresholds>,
    /// The reading for the period, if one was submitted.
    pub reading: Option<f64>,
    /// Retired metrics are reported but take no part in the rating.
    pub retired: bool,
}

/// A self-assessed delivery status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Work has not begun.
    NotStarted,
    /// Progressing as planned.
    OnTrack,
    /// Likely to slip without action.
    AtRisk,
    /// Will not be delivered as planned.
    OffTrack,
    /// Done.
    Complete,
}

impl DeliveryStatus {
    /// Every status, in the order forms offer them.
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::NotStarted,
        DeliveryStatus::OnTrack,
        DeliveryStatus::AtRisk,
        DeliveryStatus::OffTrack,
        DeliveryStatus::Complete,
    ];

    /// The name stored and posted, e.g. `"on_track"` (the same as serde's).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::NotStarted => "not_started",
            DeliveryStatus::OnTrack => "on_track",
            DeliveryStatus::AtRisk => "at_risk",
            DeliveryStatus::OffTrack => "off_track",
            DeliveryStatus::Complete => "complete",
        }
    }

    /// Reads a stored or posted name (surrounding spaces ignored).
    pub fn parse(name: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|s| s.as_str() == name.trim())
    }

    /// Human label, e.g. `"on track"` (lower case, as it appears mid-sentence).
    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::NotStarted => "not started",
            DeliveryStatus::OnTrack => "on track",
            DeliveryStatus::AtRisk => "at risk",
            DeliveryStatus::OffTrack => "off track",
            DeliveryStatus::Complete => "complete",
        }
    }

    /// The rating a self-assessment implies on its own.
    ///
    /// Off track is only Amber: a self-assessment alone is not evidence of
    /// failure; Red comes from missed dates and missed targets. Not started
    /// is Amber because a commitment in the Concordat is expected to be
    /// under way.
    pub fn rag(self) -> Rag {
        match self {
            DeliveryStatus::Complete | DeliveryStatus::OnTrack => Rag::Green,
            DeliveryStatus::AtRisk | DeliveryStatus::OffTrack | DeliveryStatus::NotStarted => Rag::Amber,
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A dated milestone towards a commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneInput {
    /// Text used in reasons.
    pub description: String,
    /// The date it is due.
    pub due: NaiveDate,
    /// The date it was completed, if it has been.
    pub completed: Option<NaiveDate>,
    /// The ICS's own view of progress.
    pub self_assessed: Option<DeliveryStatus>,
}

/// A piece of evidence submitted against a commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInput {
    /// Short text that names the evidence in reasons.
    pub summary: String,
    /// The ICS's own view; `None` (seeded evidence) is treated as on track.
    pub self_assessed: Option<DeliveryStatus>,
}

/// Everything needed to assess one commitment for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentInputs {
    /// Id of the commitment assessed.
    pub commitment_id: String,
    /// The reporting period assessed.
    pub period: ReportingPeriod,
    /// The date milestones are judged as at; normally
    /// [`ReportingPeriod::judgement_date`].
    pub as_at: NaiveDate,
    /// Metric readings.
    pub metrics: Vec<MetricInput>,
    /// Milestones.
    pub milestones: Vec<MilestoneInput>,
    /// Evidence.
    pub evidence: Vec<EvidenceInput>,
}

/// One judged input: its status and the reason, prefixed with the status label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    /// The status this input earns.
    pub rag: Rag,
    /// One line explaining it, e.g. `"Red: ... not complete as at 2023-09-30"`.
    pub reason: String,
}

impl Judgement {
    fn new(rag: Rag, detail: String) -> Self {
        Self { reason: format!("{}: {detail}", rag.label()), rag }
    }
}

/// The computed status of one commitment for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentStatus {
    /// Id of the commitment assessed.
    pub commitment_id: String,
    /// The reporting period assessed.
    pub period: ReportingPeriod,
    /// Overall status: the worse of the two lenses.
    pub rag: Rag,
    /// Milestones and evidence.
    pub delivery: Rag,
    /// Metrics against thresholds.
    pub outcome: Rag,
    /// Delivery Green but outcome Red: "green on paper, red in results".
    pub mismatch: bool,
    /// One line per judged input, worst first.
    pub reasons: Vec<String>,
}

/// Judges a metric reading against its thresholds.
///
/// Returns `None` for a retired metric, which takes no part in the rating.
/// A missing (or non-finite) reading gives No data and a metric without
/// thresholds gives Not rated; neither can pull a combination down.
pub fn assess_metric(metric: &MetricInput, period: ReportingPeriod) -> Option<Judgement> {
    if metric.retired {
        return None;
    }
    let Some(value) = metric.reading else {
        return Some(Judgement::new(Rag::NoData, format!("no reading for {}, {period}", metric.name)));
    };
    if !value.is_finite() {
        return Some(Judgement::new(Rag::NoData, format!("reading for {} is not a number, {period}", metric.name)));
    }
    let reading = with_unit(value, metric.unit.as_deref());
    let Some(thresholds) = metric.thresholds.filter(|t| t.target.is_finite() && t.amber.is_finite()) else {
        return Some(Judgement::new(Rag::NotRated, format!("{} {reading} (no thresholds set), {period}", metric.name)));
    };

    let (meets_target, within_amber, amber_word) = match metric.direction {
        Direction::HigherIsBetter => (value >= thresholds.target, value >= thresholds.amber, "from"),
        Direction::LowerIsBetter => (value <= thresholds.target, value <= thresholds.amber, "up to"),
    };
    let rag = if meets_target {
        Rag::Green
    } else if within_amber {
        Rag::Amber
    } else {
        Rag::Red
    };
    Some(Judgement::new(
        rag,
        format!(
            "{} {reading} (target {}, amber {amber_word} {}), {period}",
            metric.name,
            with_unit(thresholds.target, metric.unit.as_deref()),
            with_unit(thresholds.amber, metric.unit.as_deref()),
        ),
    ))
}

/// Where a milestone stands as at a day, by its dates alone: the facts its
/// judgement rests on. The database classifies milestones the same way when
/// it counts them (`db::status`), with the bounds of [`MilestoneTiming::bounds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneTiming {
    /// Completed by the day, on or before its due date.
    DoneOnTime,
    /// Completed by the day, after its due date.
    DoneLate,
    /// Not completed by the day, and due before it.
    Overdue,
    /// Not completed by the day, and due within [`DUE_SOON_DAYS`] of it.
    DueSoon,
    /// Not completed by the day, and due later than that.
    Later,
}

impl MilestoneTiming {
    pub const ALL: [MilestoneTiming; 5] = [
        MilestoneTiming::DoneOnTime,
        MilestoneTiming::DoneLate,
        MilestoneTiming::Overdue,
        MilestoneTiming::DueSoon,
        MilestoneTiming::Later,
    ];

    /// A completion dated after `as_at` is treated as not yet complete, because
    /// it happened after the period being judged.
    pub fn of(due: NaiveDate, completed: Option<NaiveDate>, as_at: NaiveDate) -> MilestoneTiming {
        match completed {
            Some(done) if done <= as_at && done <= due => MilestoneTiming::DoneOnTime,
            Some(done) if done <= as_at => MilestoneTiming::DoneLate,
            _ if due < as_at => MilestoneTiming::Overdue,
            _ if due <= Self::due_soon_until(as_at) => MilestoneTiming::DueSoon,
            _ => MilestoneTiming::Later,
        }
    }

    /// The last due date that is "due soon" as at `as_at`.
    pub fn due_soon_until(as_at: NaiveDate) -> NaiveDate {
        as_at + chrono::Duration::days(DUE_SOON_DAYS)
    }

    /// The name a query gives it (the same as serde's).
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneTiming::DoneOnTime => "done_on_time",
            MilestoneTiming::DoneLate => "done_late",
            MilestoneTiming::Overdue => "overdue",
            MilestoneTiming::DueSoon => "due_soon",
            MilestoneTiming::Later => "later",
        }
    }

    pub fn parse(text: &str) -> Option<MilestoneTiming> {
        MilestoneTiming::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The rating a milestone with this timing earns: a completed one by its
    /// dates alone; an open one by its dates, or worse if its owner says so.
    pub fn rag(self, self_assessed: Option<DeliveryStatus>) -> Rag {
        let claimed = self_assessed.map_or(Rag::Green, DeliveryStatus::rag);
        match self {
            MilestoneTiming::DoneOnTime => Rag::Green,
            MilestoneTiming::DoneLate => Rag::Amber,
            MilestoneTiming::Overdue => Rag::Red,
            MilestoneTiming::DueSoon => Rag::Amber.worse(claimed),
            MilestoneTiming::Later => Rag::Green.worse(claimed),
        }
    }
}

/// Judges a milestone as at `as_at` (see [`MilestoneTiming`]).
pub fn assess_milestone(milestone: &MilestoneInput, as_at: NaiveDate) -> Judgement {
    let name = &milestone.description;
    let due = milestone.due;
    let self_note = match milestone.self_assessed {
        Some(status) => format!(" (self-assessed {status})"),
        None => String::new(),
    };
    let timing = MilestoneTiming::of(due, milestone.completed, as_at);
    let rag = timing.rag(milestone.self_assessed);
    let later_note = match milestone.completed {
        Some(done) if done > as_at => format!(" (completed {done}, after this period)"),
        _ => String::new(),
    };
    let detail = match (timing, milestone.completed) {
        (MilestoneTiming::DoneOnTime, Some(done)) => format!("{name} due {due}, completed {done}"),
        (MilestoneTiming::DoneLate, Some(done)) => format!("{name} due {due}, completed late on {done}"),
        (MilestoneTiming::Overdue, _) => format!("{name} due {due}, not complete as at {as_at}{later_note}{self_note}"),
        _ => {
            let days_left = (due - as_at).num_days();
            let in_days = if days_left == 1 { "1 day".to_string() } else { format!("{days_left} days") };
            format!("{name} due {due} (in {in_days}), not complete as at {as_at}{later_note}{self_note}")
        }
    };
    Judgement::new(rag, detail)
}

/// A milestone's due date and, if it was completed, the date it was.
pub type MilestoneDates = (NaiveDate, Option<NaiveDate>);

/// Entries counted together: their self-assessment, milestone dates, and how many.
pub type TallyEntry = (Option<DeliveryStatus>, Option<MilestoneDates>, u64);

/// Evidence for one commitment in one ICS and period, counted rather than
/// listed: how many entries have each self-assessment and milestone timing.
/// It judges to the same statuses as the entries one by one
/// ([`assess_commitment`]) and gives a reason per group rather than per
/// entry, so it stays the same size however much evidence there is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryTally {
    pub groups: Vec<TallyGroup>,
}

/// Entries that share a self-assessment and a milestone timing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyGroup {
    pub self_assessed: Option<DeliveryStatus>,
    /// `None`: entries without a milestone.
    pub timing: Option<MilestoneTiming>,
    pub entries: u64,
    /// The earliest due date of the group's milestones.
    pub earliest_due: Option<NaiveDate>,
}

impl DeliveryTally {
    /// Counts entries given as (self-assessment, milestone due and completed,
    /// how many entries have them).
    pub fn of(entries: impl IntoIterator<Item = TallyEntry>, as_at: NaiveDate) -> DeliveryTally {
        let mut tally = DeliveryTally::default();
        for (self_assessed, milestone, entries) in entries {
            let timing = milestone.map(|(due, completed)| MilestoneTiming::of(due, completed, as_at));
            let due = milestone.map(|(due, _)| due);
            tally.add(TallyGroup { self_assessed, timing, entries, earliest_due: due });
        }
        tally
    }

    /// Adds a group, merging it with one of the same kind.
    pub fn add(&mut self, group: TallyGroup) {
        match self.groups.iter_mut().find(|g| g.self_assessed == group.self_assessed && g.timing == group.timing) {
            Some(same) => {
                same.entries += group.entries;
                same.earliest_due = match (same.earliest_due, group.earliest_due) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            None => self.groups.push(group),
        }
    }

    pub fn entries(&self) -> u64 {
        self.groups.iter().map(|g| g.entries).sum()
    }

    /// The judgements of the delivery lens, one per kind of entry: evidence
    /// by self-assessment, milestones by timing and rating.
    pub fn judgements(&self, as_at: NaiveDate) -> Vec<Judgement> {
        let mut judgements = Vec::new();
        // Milestones: by timing, then by the rating their self-assessments give.
        for timing in MilestoneTiming::ALL {
            for rag in [Rag::Red, Rag::Amber, Rag::Green] {
                let groups: Vec<&TallyGroup> = self
                    .groups
                    .iter()
                    .filter(|g| g.timing == Some(timing) && timing.rag(g.self_assessed) == rag)
                    .collect();
                let count: u64 = groups.iter().map(|g| g.entries).sum();
                if count == 0 {
                    continue;
                }
                let earliest = groups.iter().filter_map(|g| g.earliest_due).min();
                judgements.push(Judgement::new(rag, milestone_group_reason(timing, rag, count, earliest, as_at)));
            }
        }
        // Evidence: by self-assessment, none counting as on track.
        let statuses = DeliveryStatus::ALL.into_iter().map(Some).chain([None]);
        for status in statuses {
            let count: u64 = self.groups.iter().filter(|g| g.self_assessed == status).map(|g| g.entries).sum();
            if count == 0 {
                continue;
            }
            let (rag, note) = match status {
                Some(status) => (status.rag(), format!("self-assessed {status}")),
                None => (Rag::Green, "with no self-assessment, treated as on track".to_string()),
            };
            let entries = if count == 1 { "1 evidence entry".to_string() } else { format!("{count} evidence entries") };
            judgements.push(Judgement::new(rag, format!("{entries} {note}")));
        }
        judgements
    }
}

fn milestone_group_reason(
    timing: MilestoneTiming,
    rag: Rag,
    count: u64,
    earliest: Option<NaiveDate>,
    as_at: NaiveDate,
) -> String {
    let milestones = if count == 1 { "1 milestone".to_string() } else { format!("{count} milestones") };
    let from = |words: &str| earliest.map(|due| format!(" ({words} {due})")).unwrap_or_default();
    let claimed = if rag == Rag::Amber { ", self-assessed at risk, off track or not started" } else { "" };
    match timing {
        MilestoneTiming::DoneOnTime => format!("{milestones} completed on time"),
        MilestoneTiming::DoneLate => format!("{milestones} completed late"),
        MilestoneTiming::Overdue => {
            format!("{milestones} past due, not complete as at {as_at}{}", from("the earliest due"))
        }
        MilestoneTiming::DueSoon => {
            format!("{milestones} due within {DUE_SOON_DAYS} days, not complete as at {as_at}{}", from("the first due"))
        }
        MilestoneTiming::Later => format!("{milestones} due later, not complete as at {as_at}{claimed}"),
    }
}

/// Judges one piece of evidence by its self-assessment; none counts as on track.
pub fn assess_evidence(evidence: &EvidenceInput) -> Judgement {
    let (rag, note) = match evidence.self_assessed {
        Some(status) => (status.rag(), format!("self-assessed {status}")),
        None => (Rag::Green, "no self-assessment, treated as on track".to_string()),
    };
    Judgement::new(rag, format!("evidence {} ({note})", evidence.summary))
}

/// Assesses one commitment for one period through the delivery and outcome
/// lenses, explaining every judged input.
pub fn assess_commitment(inputs: &CommitmentInputs) -> CommitmentStatus {
    assess_commitment_with(inputs, &DeliveryTally::default())
}

/// As [`assess_commitment`], with evidence also given as a tally: each group
/// of entries counts in the delivery lens as its entries would one by one,
/// with one reason for the group.
pub fn assess_commitment_with(inputs: &CommitmentInputs, tally: &DeliveryTally) -> CommitmentStatus {
    let period = inputs.period;
    let mut judgements = Vec::new();

    let mut outcome = Rag::NoData;
    for metric in &inputs.metrics {
        match assess_metric(metric, period) {
            Some(judgement) => {
                outcome = outcome.worse(judgement.rag);
                judgements.push(judgement);
            }
            None => judgements
                .push(Judgement::new(Rag::NotRated, format!("{} retired, not used in rating, {period}", metric.name))),
        }
    }

    let mut delivery = Rag::NoData;
    let delivery_judgements = inputs
        .milestones
        .iter()
        .map(|m| assess_milestone(m, inputs.as_at))
        .chain(inputs.evidence.iter().map(assess_evidence))
        .chain(tally.judgements(inputs.as_at));
    for judgement in delivery_judgements {
        delivery = delivery.worse(judgement.rag);
        judgements.push(judgement);
    }

    // Delivery is either rated or No data (nothing submitted), and outcome is
    // No data only when no reading exists, so the plain combination also gives
    // the "neither lens rated" rule: Not rated when a reading lacks
    // thresholds, otherwise No data.
    let rag = delivery.worse(outcome);

    // Stable, so inputs of equal status keep their submitted order.
    judgements.sort_by_key(|j| Reverse(j.rag.severity()));

    CommitmentStatus {
        commitment_id: inputs.commitment_id.clone(),
        period,
        rag,
        delivery,
        outcome,
        mismatch: delivery == Rag::Green && outcome == Rag::Red,
        reasons: judgements.into_iter().map(|j| j.reason).collect(),
    }
}

/// A combined status with the counts behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RollUp {
    /// The combined status (see the module docs for the rule).
    pub rag: Rag,
    /// Parts that are Red.
    pub red: usize,
    /// Parts that are Amber.
    pub amber: usize,
    /// Parts that are Green.
    pub green: usize,
    /// Parts with no data.
    pub no_data: usize,
    /// Parts not rated.
    pub not_rated: usize,
}

impl RollUp {
    /// Counts in words, worst first, zero counts omitted,
    /// e.g. `"2 Red, 5 Amber, 7 Green, 1 No data"`; `"No data"` when empty.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = [
            (self.red, Rag::Red),
            (self.amber, Rag::Amber),
            (self.green, Rag::Green),
            (self.no_data, Rag::NoData),
            (self.not_rated, Rag::NotRated),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, rag)| format!("{count} {}", rag.label()))
        .collect();
        if parts.is_empty() {
            Rag::NoData.label().to_string()
        } else {
            parts.join(", ")
        }
    }

    /// Total number of parts.
    pub fn total(&self) -> usize {
        self.red + self.amber + self.green + self.no_data + self.not_rated
    }
}

/// Combines statuses one level up (commitment → principle → ICS → London):
/// the worst rated part; Not rated if none is rated but some part is Not
/// rated; otherwise No data.
pub fn roll_up(parts: &[Rag]) -> RollUp {
    let mut result =
        RollUp { rag: Rag::worst_of(parts.iter().copied()), red: 0, amber: 0, green: 0, no_data: 0, not_rated: 0 };
    for part in parts {
        match part {
            Rag::Red => result.red += 1,
            Rag::Amber => result.amber += 1,
            Rag::Green => result.green += 1,
            Rag::NoData => result.no_data += 1,
            Rag::NotRated => result.not_rated += 1,
        }
    }
    result
}

/// Why an override could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RagError {
    /// An override must say why the computed status is wrong.
    #[error("an override needs a rationale explaining why the computed status is wrong")]
    EmptyRationale,
    /// An override must name who made it.
    #[error("an override must name who set it")]
    EmptySetBy,
    /// Overrides replace a rating with a rating.
    #[error("an override must be Red, Amber or Green, not {0}")]
    NotARating(Rag),
}

/// A manual status set in place of the computed one, until a given period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OverrideFields")]
pub struct Override {
    rag: Rag,
    rationale: String,
    set_by: String,
    expires_after: ReportingPeriod,
}

// Deserialising goes through `Override::new` so stored overrides are
// validated exactly like new ones.
#[derive(Deserialize)]
struct OverrideFields {
    rag: Rag,
    rationale: String,
    set_by: String,
    expires_after: ReportingPeriod,
}

impl TryFrom<OverrideFields> for Override {
    type Error = RagError;

    fn try_from(fields: OverrideFields) -> Result<Self, Self::Error> {
        Override::new(fields.rag, fields.rationale, fields.set_by, fields.expires_after)
    }
}

impl Override {
    /// Makes an override, which must be a rating, explained and attributed.
    /// The rationale and name are stored trimmed.
    pub fn new(
        rag: Rag,
        rationale: impl Into<String>,
        set_by: impl Into<String>,
        expires_after: ReportingPeriod,
    ) -> Result<Self, RagError> {
        if !rag.is_rated() {
            return Err(RagError::NotARating(rag));
        }
        let rationale = rationale.into().trim().to_string();
        if rationale.is_empty() {
            return Err(RagError::EmptyRationale);
        }
        let set_by = set_by.into().trim().to_string();
        if set_by.is_empty() {
            return Err(RagError::EmptySetBy);
        }
        Ok(Self { rag, rationale, set_by, expires_after })
    }

    /// The status set.
    pub fn rag(&self) -> Rag {
        self.rag
    }

    /// Why it was set.
    pub fn rationale(&self) -> &str {
        &self.rationale
    }

    /// Who set it.
    pub fn set_by(&self) -> &str {
        &self.set_by
    }

    /// The last period it applies to.
    pub fn expires_after(&self) -> ReportingPeriod {
        self.expires_after
    }

    /// Whether it applies to `period`.
    pub fn applies_to(&self, period: ReportingPeriod) -> bool {
        period <= self.expires_after
    }

    /// The same override with its author given as the board, not a person:
    /// what readers who are not signed in see.
    pub fn by_the_board(&self) -> Override {
        Override { set_by: BOARD.to_string(), ..self.clone() }
    }
}

/// Who sets overrides, as the public sees it.
pub const BOARD: &str = "the London recovery board";

/// A computed status together with any override in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveStatus {
    /// What the rules computed; kept so the override never hides it.
    pub computed: CommitmentStatus,
    /// The override in force for this period, if any.
    pub overridden: Option<Override>,
    /// The status to show: the override's if one is in force, else computed.
    pub effective_rag: Rag,
}

/// Applies an override if it has not expired for the status's period.
/// An expired override is dropped (`overridden` is `None`).
pub fn apply_override(status: &CommitmentStatus, ov: Option<&Override>) -> EffectiveStatus {
    let overridden = ov.filter(|o| o.applies_to(status.period)).cloned();
    EffectiveStatus {
        computed: status.clone(),
        effective_rag: overridden.as_ref().map_or(status.rag, Override::rag),
        overridden,
    }
}

/// Formats a number without a trailing `.0` and with at most three decimals,
/// followed by its unit (`%` directly, other units after a space).
fn with_unit(value: f64, unit: Option<&str>) -> String {
    let number = format_number(value);
    match unit.map(str::trim) {
        None | Some("") => number,
        Some("%") => format!("{number}%"),
        Some(unit) => format!("{number} {unit}"),
    }
}

fn format_number(value: f64) -> String {
    // Fixed decimals then trimming avoids float noise such as
    // 0.30000000000000004 while keeping 12.5 as 12.5 and 80.0 as 80.
    let fixed = format!("{value:.3}");
    let trimmed = if fixed.contains('.') { fixed.trim_end_matches('0').trim_end_matches('.') } else { fixed.as_str() };
    if trimmed == "-0" {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_round_trip_and_match_serde() {
        for rag in [Rag::Red, Rag::Amber, Rag::Green, Rag::NoData, Rag::NotRated] {
            assert_eq!(Rag::from_name(rag.as_str()), Some(rag));
            assert_eq!(serde_json::to_value(rag).ok(), Some(serde_json::Value::from(rag.as_str())));
        }
        assert_eq!(Rag::from_name("purple"), None);
        for direction in [Direction::HigherIsBetter, Direction::LowerIsBetter] {
            assert_eq!(Direction::parse(direction.as_str()), Some(direction));
            assert_eq!(serde_json::to_value(direction).ok(), Some(serde_json::Value::from(direction.as_str())));
        }
        assert_eq!(Direction::parse("sideways"), None);
    }

    use super::*;
    use proptest::prelude::*;

    const LIAISON: &str = "ED referrals to liaison psychiatry seen within one hour";

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("test date should exist")
    }

    fn q(text: &str) -> ReportingPeriod {
        ReportingPeriod::parse(text).expect("test period should parse")
    }

    fn metric(direction: Direction, target: f64, amber: f64, reading: Option<f64>) -> MetricInput {
        MetricInput {
            metric_id: "m1".into(),
            name: LIAISON.into(),
            unit: Some("%".into()),
            direction,
            thresholds: Some(Thresholds { target, amber }),
            reading,
            retired: false,
        }
    }

    fn higher(reading: f64) -> MetricInput {
        metric(Direction::HigherIsBetter, 85.0, 75.0, Some(reading))
    }

    fn lower(reading: f64) -> MetricInput {
        metric(Direction::LowerIsBetter, 4.0, 6.0, Some(reading))
    }

    fn rate(m: &MetricInput) -> Rag {
        assess_metric(m, q("2023-24-Q1")).expect("not retired").rag
    }

    fn milestone(due: NaiveDate, completed: Option<NaiveDate>) -> MilestoneInput {
        MilestoneInput { description: "Crisis line live".into(), due, completed, self_assessed: None }
    }

    fn evidence(summary: &str, self_assessed: Option<DeliveryStatus>) -> EvidenceInput {
        EvidenceInput { summary: summary.into(), self_assessed }
    }

    fn inputs() -> CommitmentInputs {
        CommitmentInputs {
            commitment_id: "c1".into(),
            period: q("2023-24-Q2"),
            as_at: d(2023, 9, 30),
            metrics: vec![],
            milestones: vec![],
            evidence: vec![],
        }
    }

    // ---- Rag basics ----

    #[test]
    fn rag_labels_and_serde_names() {
        let all = [Rag::Red, Rag::Amber, Rag::Green, Rag::NoData, Rag::NotRated];
        let labels: Vec<_> = all.iter().map(|r| r.label()).collect();
        assert_eq!(labels, ["Red", "Amber", "Green", "No data", "Not rated"]);
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(json, r#"["red","amber","green","no_data","not_rated"]"#);
        let back: Vec<Rag> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, all);
        assert_eq!(Rag::NoData.to_string(), "No data");
    }

    #[test]
    fn worse_prefers_ratings_and_red() {
        assert_eq!(Rag::Green.worse(Rag::Red), Rag::Red);
        assert_eq!(Rag::Amber.worse(Rag::Green), Rag::Amber);
        assert_eq!(Rag::Green.worse(Rag::NoData), Rag::Green);
        assert_eq!(Rag::NotRated.worse(Rag::Green), Rag::Green);
        assert_eq!(Rag::NoData.worse(Rag::NotRated), Rag::NotRated);
        assert!(Rag::Green.is_rated());
        assert!(!Rag::NoData.is_rated());
        assert!(!Rag::NotRated.is_rated());
        assert_eq!(Rag::worst_of([]), Rag::NoData);
    }

    #[test]
    fn direction_and_delivery_status_serde() {
        assert_eq!(serde_json::to_string(&Direction::HigherIsBetter).unwrap(), "\"higher\"");
        assert_eq!(serde_json::from_str::<Direction>("\"lower\"").unwrap(), Direction::LowerIsBetter);
        assert_eq!(serde_json::to_string(&DeliveryStatus::NotStarted).unwrap(), "\"not_started\"");
        assert_eq!(DeliveryStatus::OffTrack.label(), "off track");
    }

    // ---- Metrics ----

    #[test]
    fn reason_text_for_percent_metric_verbatim() {
        let judgement = assess_metric(&higher(80.0), q("2023-24-Q1")).unwrap();
        assert_eq!(judgement.rag, Rag::Amber);
        assert_eq!(
            judgement.reason,
            "Amber: ED referrals to liaison psychiatry seen within one hour 80% (target 85%, amber from 75%), 2023-24-Q1"
        );
    }

    #[test]
    fn reason_text_for_other_units_and_lower_is_better() {
        let mut m = metric(Direction::LowerIsBetter, 10.0, 15.0, Some(12.5));
        m.name = "Section 136 detentions".into();
        m.unit = Some("per 100k".into());
        let judgement = assess_metric(&m, q("2023-24-Q1")).unwrap();
        assert_eq!(
            judgement.reason,
            "Amber: Section 136 detentions 12.5 per 100k (target 10 per 100k, amber up to 15 per 100k), 2023-24-Q1"
        );
        m.unit = None;
        m.reading = Some(0.1 + 0.2);
        let judgement = assess_metric(&m, q("2023-24-Q1")).unwrap();
        assert_eq!(judgement.reason, "Green: Section 136 detentions 0.3 (target 10, amber up to 15), 2023-24-Q1");
    }

    #[test]
    fn higher_is_better_bands() {
        assert_eq!(rate(&higher(90.0)), Rag::Green);
        assert_eq!(rate(&higher(85.0)), Rag::Green, "exactly on target");
        assert_eq!(rate(&higher(84.999)), Rag::Amber);
        assert_eq!(rate(&higher(75.0)), Rag::Amber, "exactly on amber edge");
        assert_eq!(rate(&higher(74.999)), Rag::Red);
        assert_eq!(rate(&higher(0.0)), Rag::Red);
    }

    #[test]
    fn lower_is_better_bands() {
        assert_eq!(rate(&lower(3.0)), Rag::Green);
        assert_eq!(rate(&lower(4.0)), Rag::Green, "exactly on target");
        assert_eq!(rate(&lower(4.5)), Rag::Amber);
        assert_eq!(rate(&lower(6.0)), Rag::Amber, "exactly on amber edge");
        assert_eq!(rate(&lower(6.001)), Rag::Red);
    }

    #[test]
    fn metric_without_thresholds_is_not_rated() {
        let mut m = higher(80.0);
        m.thresholds = None;
        let judgement = assess_metric(&m, q("2023-24-Q1")).unwrap();
        assert_eq!(judgement.rag, Rag::NotRated);
        assert_eq!(judgement.reason, format!("Not rated: {LIAISON} 80% (no thresholds set), 2023-24-Q1"));
    }

    #[test]
    fn metric_without_reading_is_no_data_with_reason() {
        let m = metric(Direction::HigherIsBetter, 85.0, 75.0, None);
        let judgement = assess_metric(&m, q("2023-24-Q1")).unwrap();
        assert_eq!(judgement.rag, Rag::NoData);
        assert_eq!(judgement.reason, format!("No data: no reading for {LIAISON}, 2023-24-Q1"));
    }

    #[test]
    fn non_finite_reading_is_no_data() {
        let judgement = assess_metric(&higher(f64::NAN), q("2023-24-Q1")).unwrap();
        assert_eq!(judgement.rag, Rag::NoData);
        assert!(judgement.reason.contains("not a number"));
    }

    #[test]
    fn retired_metric_is_ignored_but_mentioned() {
        let mut m = higher(10.0);
        m.retired = true;
        assert_eq!(assess_metric(&m, q("2023-24-Q1")), None);

        let status = assess_commitment(&CommitmentInputs {
            metrics: vec![m],
            evidence: vec![evidence("Crisis pathway map", None)],
            ..inputs()
        });
        assert_eq!(status.outcome, Rag::NoData);
        assert_eq!(status.rag, Rag::Green);
        assert!(status
            .reasons
            .iter()
            .any(|r| r == &format!("Not rated: {LIAISON} retired, not used in rating, 2023-24-Q2")));
    }

    // ---- Milestones ----

    #[test]
    fn milestone_completed_on_time_is_green() {
        let j = assess_milestone(&milestone(d(2023, 6, 30), Some(d(2023, 6, 30))), d(2023, 9, 30));
        assert_eq!(j.rag, Rag::Green);
        assert_eq!(j.reason, "Green: Crisis line live due 2023-06-30, completed 2023-06-30");
    }

    #[test]
    fn milestone_completed_late_is_amber() {
        let j = assess_milestone(&milestone(d(2023, 6, 30), Some(d(2023, 7, 1))), d(2023, 9, 30));
        assert_eq!(j.rag, Rag::Amber);
        assert_eq!(j.reason, "Amber: Crisis line live due 2023-06-30, completed late on 2023-07-01");
    }

    #[test]
    fn milestone_past_due_is_red() {
        let j = assess_milestone(&milestone(d(2023, 6, 30), None), d(2023, 9, 30));
        assert_eq!(j.rag, Rag::Red);
        assert_eq!(j.reason, "Red: Crisis line live due 2023-06-30, not complete as at 2023-09-30");
    }

    #[test]
    fn completion_after_as_at_counts_as_not_complete() {
        let j = assess_milestone(&milestone(d(2023, 6, 30), Some(d(2023, 10, 5))), d(2023, 9, 30));
        assert_eq!(j.rag, Rag::Red);
        assert_eq!(
            j.reason,
            "Red: Crisis line live due 2023-06-30, not complete as at 2023-09-30 (completed 2023-10-05, after this period)"
        );
        // Not yet due as at the period end, but finished later: due soon rule applies.
        let j = assess_milestone(&milestone(d(2023, 10, 31), Some(d(2023, 10, 5))), d(2023, 9, 30));
        assert_eq!(j.rag, Rag::Amber);
    }

    #[test]
    fn milestone_due_on_as_at_is_not_yet_late() {
        let j = assess_milestone(&milestone(d(2023, 9, 30), None), d(2023, 9, 30));
        assert_eq!(j.rag, Rag::Amber);
    }

    #[test]
    fn milestone_due_in_90_days_is_amber_and_91_is_green() {
        let as_at = d(2023, 9, 30);
        let in_90 = as_at + chrono::Days::new(90);
        let in_91 = as_at + chrono::Days::new(91);
        let j90 = assess_milestone(&milestone(in_90, None), as_at);
        assert_eq!(j90.rag, Rag::Amber);
        assert_eq!(
            j90.reason,
            format!("Amber: Crisis line live due {in_90} (in 90 days), not complete as at 2023-09-30")
        );
        assert_eq!(assess_milestone(&milestone(in_91, None), as_at).rag, Rag::Green);
    }

    #[test]
    fn milestone_self_assessment_when_not_due_soon() {
        let as_at = d(2023, 9, 30);
        let far = d(2024, 6, 30);
        let with = |status| MilestoneInput { self_assessed: Some(status), ..milestone(far, None) };
        assert_eq!(assess_milestone(&with(DeliveryStatus::OnTrack), as_at).rag, Rag::Green);
        assert_eq!(assess_milestone(&with(DeliveryStatus::AtRisk), as_at).rag, Rag::Amber);
        assert_eq!(assess_milestone(&with(DeliveryStatus::OffTrack), as_at).rag, Rag::Amber);
        assert_eq!(assess_milestone(&with(DeliveryStatus::NotStarted), as_at).rag, Rag::Amber);
        assert_eq!(assess_milestone(&with(DeliveryStatus::Complete), as_at).rag, Rag::Green);
        let j = assess_milestone(&with(DeliveryStatus::AtRisk), as_at);
        assert!(j.reason.ends_with("(self-assessed at risk)"), "{}", j.reason);
    }

    #[test]
    fn self_assessment_cannot_soften_a_missed_date() {
        let j = assess_milestone(
            &MilestoneInput { self_assessed: Some(DeliveryStatus::OnTrack), ..milestone(d(2023, 6, 30), None) },
            d(2023, 9, 30),
        );
        assert_eq!(j.rag, Rag::Red);
        let j = assess_milestone(
            &MilestoneInput { self_assessed: Some(DeliveryStatus::OnTrack), ..milestone(d(2023, 10, 30), None) },
            d(2023, 9, 30),
        );
        assert_eq!(j.rag, Rag::Amber, "due soon stays Amber whatever is claimed");
    }

    // ---- Evidence ----

    #[test]
    fn evidence_self_assessments() {
        let cases = [
            (None, Rag::Green),
            (Some(DeliveryStatus::OnTrack), Rag::Green),
            (Some(DeliveryStatus::Complete), Rag::Green),
            (Some(DeliveryStatus::AtRisk), Rag::Amber),
            (Some(DeliveryStatus::OffTrack), Rag::Amber),
            (Some(DeliveryStatus::NotStarted), Rag::Amber),
        ];
        for (status, expected) in cases {
            assert_eq!(assess_evidence(&evidence("x", status)).rag, expected, "{status:?}");
        }
        assert_eq!(
            assess_evidence(&evidence("Street triage audit", Some(DeliveryStatus::OnTrack))).reason,
            "Green: evidence Street triage audit (self-assessed on track)"
        );
        assert_eq!(
            assess_evidence(&evidence("Seeded policy", None)).reason,
            "Green: evidence Seeded policy (no self-assessment, treated as on track)"
        );
    }

    // ---- Commitment ----

    #[test]
    fn nothing_submitted_is_no_data() {
        let status = assess_commitment(&inputs());
        assert_eq!(status.rag, Rag::NoData);
        assert_eq!(status.delivery, Rag::NoData);
        assert_eq!(status.outcome, Rag::NoData);
        assert!(!status.mismatch);
        assert!(status.reasons.is_empty());
    }

    #[test]
    fn only_missing_readings_is_no_data() {
        let status = assess_commitment(&CommitmentInputs {
            metrics: vec![metric(Direction::HigherIsBetter, 85.0, 75.0, None)],
            ..inputs()
        });
        assert_eq!(status.rag, Rag::NoData);
        assert_eq!(status.reasons.len(), 1);
    }

    #[test]
    fn readings_without_thresholds_and_nothing_else_is_not_rated() {
        let mut m = higher(80.0);
        m.thresholds = None;
        let status = assess_commitment(&CommitmentInputs {
            metrics: vec![m, metric(Direction::HigherIsBetter, 85.0, 75.0, None)],
            ..inputs()
        });
        assert_eq!(status.outcome, Rag::NotRated);
        assert_eq!(status.delivery, Rag::NoData);
        assert_eq!(status.rag, Rag::NotRated);
    }

    #[test]
    fn outcome_is_worst_rated_metric() {
        let mut unrated = higher(10.0);
        unrated.thresholds = None;
        let status =
            assess_commitment(&CommitmentInputs { metrics: vec![higher(90.0), unrated, higher(80.0)], ..inputs() });
        assert_eq!(status.outcome, Rag::Amber);
        assert_eq!(status.delivery, Rag::NoData);
        assert_eq!(status.rag, Rag::Amber);
    }

    #[test]
    fn overall_is_worse_of_lenses() {
        let status = assess_commitment(&CommitmentInputs {
            metrics: vec![higher(90.0)],
            milestones: vec![milestone(d(2023, 6, 30), None)],
            ..inputs()
        });
        assert_eq!(status.outcome, Rag::Green);
        assert_eq!(status.delivery, Rag::Red);
        assert_eq!(status.rag, Rag::Red);
        assert!(!status.mismatch);
    }

    #[test]
    fn mismatch_flags_green_on_paper_red_in_results() {
        let status = assess_commitment(&CommitmentInputs {
            metrics: vec![higher(50.0)],
            evidence: vec![evidence("Board paper", Some(DeliveryStatus::OnTrack))],
            ..inputs()
        });
        assert_eq!(status.delivery, Rag::Green);
        assert_eq!(status.outcome, Rag::Red);
        assert_eq!(status.rag, Rag::Red);
        assert!(status.mismatch);

        let amber_delivery = assess_commitment(&CommitmentInputs {
            metrics: vec![higher(50.0)],
            evidence: vec![evidence("Board paper", Some(DeliveryStatus::AtRisk))],
            ..inputs()
        });
        assert!(!amber_delivery.mismatch);
    }

    #[test]
    fn partial_data_does_not_change_status() {
        let base =
            CommitmentInputs { metrics: vec![higher(80.0)], evidence: vec![evidence("Board paper", None)], ..inputs() };
        let before = assess_commitment(&base);
        let mut unthresholded = higher(1.0);
        unthresholded.thresholds = None;
        let mut retired = higher(1.0);
        retired.retired = true;
        let after = assess_commitment(&CommitmentInputs {
            metrics: vec![higher(80.0), metric(Direction::HigherIsBetter, 85.0, 75.0, None), unthresholded, retired],
            ..base
        });
        assert_eq!(after.rag, before.rag);
        assert_eq!(after.outcome, before.outcome);
        assert_eq!(after.delivery, before.delivery);
        assert_eq!(after.reasons.len(), before.reasons.len() + 3);
    }

    #[test]
    fn reasons_are_worst_first_and_stable() {
        let status = assess_commitment(&CommitmentInputs {
            metrics: vec![metric(Direction::HigherIsBetter, 85.0, 75.0, None), higher(90.0), higher(80.0)],
            milestones: vec![milestone(d(2023, 6, 30), None)],
            evidence: vec![evidence("First", Some(DeliveryStatus::AtRisk)), evidence("Second", None)],
            ..inputs()
        });
        let labels: Vec<&str> = status.reasons.iter().map(|r| r.split(':').next().unwrap_or_default()).collect();
        assert_eq!(labels, ["Red", "Amber", "Amber", "Green", "Green", "No data"]);
        assert!(status.reasons[1].contains("80%"), "metrics come before evidence among equals");
        assert!(status.reasons[2].contains("First"));
        assert!(status.reasons[3].contains("90%"));
        assert!(status.reasons[4].contains("Second"));
    }

    #[test]
    fn commitment_status_serde_round_trip() {
        let status = assess_commitment(&CommitmentInputs { metrics: vec![higher(80.0)], ..inputs() });
        let json = serde_json::to_string(&status).unwrap();
        assert!(json.contains(r#""period":"2023-24-Q2""#), "{json}");
        assert!(json.contains(r#""rag":"amber""#), "{json}");
        let back: CommitmentStatus = serde_json::from_str(&json).unwrap();
        assert_eq!(back, status);
    }

    // ---- Roll-up ----

    #[test]
    fn roll_up_rules_and_summary() {
        let empty = roll_up(&[]);
        assert_eq!(empty.rag, Rag::NoData);
        assert_eq!(empty.summary(), "No data");
        assert_eq!(empty.total(), 0);

        let mut parts = vec![Rag::Red; 2];
        parts.extend([Rag::Amber; 5]);
        parts.extend([Rag::Green; 7]);
        parts.push(Rag::NoData);
        let r = roll_up(&parts);
        assert_eq!(r.rag, Rag::Red);
        assert_eq!(r.summary(), "2 Red, 5 Amber, 7 Green, 1 No data");
        assert_eq!(r.total(), 15);

        assert_eq!(roll_up(&[Rag::NoData, Rag::NoData]).rag, Rag::NoData);
        assert_eq!(roll_up(&[Rag::NoData, Rag::NotRated]).rag, Rag::NotRated);
        assert_eq!(roll_up(&[Rag::NotRated, Rag::Green]).rag, Rag::Green);
        assert_eq!(roll_up(&[Rag::Green, Rag::NoData, Rag::Amber]).rag, Rag::Amber);
        assert_eq!(roll_up(&[Rag::NotRated]).summary(), "1 Not rated");
    }

    // ---- Overrides ----

    #[test]
    fn override_validation() {
        let until = q("2023-24-Q4");
        assert_eq!(Override::new(Rag::Amber, "  ", "A. Lead", until), Err(RagError::EmptyRationale));
        assert_eq!(Override::new(Rag::Amber, "Data lag", " ", until), Err(RagError::EmptySetBy));
        assert_eq!(Override::new(Rag::NoData, "Data lag", "A. Lead", until), Err(RagError::NotARating(Rag::NoData)));
        assert_eq!(
            Override::new(Rag::NotRated, "Data lag", "A. Lead", until),
            Err(RagError::NotARating(Rag::NotRated))
        );
        assert_eq!(
            RagError::NotARating(Rag::NoData).to_string(),
            "an override must be Red, Amber or Green, not No data"
        );
        let ov = Override::new(Rag::Green, " Data lag ", "A. Lead", until).unwrap();
        assert_eq!(ov.rationale(), "Data lag");
        assert_eq!(ov.set_by(), "A. Lead");
        assert_eq!(ov.rag(), Rag::Green);
        assert_eq!(ov.expires_after(), until);
    }

    #[test]
    fn override_deserialisation_is_validated() {
        let ok = r#"{"rag":"green","rationale":"Data lag","set_by":"A","expires_after":"2023-24-Q4"}"#;
        let ov: Override = serde_json::from_str(ok).unwrap();
        assert_eq!(serde_json::to_string(&ov).unwrap(), ok);
        let blank = r#"{"rag":"green","rationale":"","set_by":"A","expires_after":"2023-24-Q4"}"#;
        let err = serde_json::from_str::<Override>(blank).unwrap_err();
        assert!(err.to_string().contains("rationale"), "{err}");
    }

    #[test]
    fn override_applies_until_expiry_inclusive() {
        let status = assess_commitment(&CommitmentInputs { metrics: vec![higher(50.0)], ..inputs() });
        assert_eq!(status.rag, Rag::Red);

        let current = Override::new(Rag::Amber, "Data lag", "A. Lead", q("2023-24-Q2")).unwrap();
        let effective = apply_override(&status, Some(&current));
        assert_eq!(effective.effective_rag, Rag::Amber);
        assert_eq!(effective.overridden.as_ref(), Some(&current));
        assert_eq!(effective.computed, status);

        let expired = Override::new(Rag::Amber, "Data lag", "A. Lead", q("2023-24-Q1")).unwrap();
        let effective = apply_override(&status, Some(&expired));
        assert_eq!(effective.effective_rag, Rag::Red);
        assert_eq!(effective.overridden, None);

        let none = apply_override(&status, None);
        assert_eq!(none.effective_rag, Rag::Red);
        assert_eq!(none.overridden, None);
    }

    #[test]
    fn number_formatting() {
        assert_eq!(format_number(80.0), "80");
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(-0.0001), "0");
        assert_eq!(format_number(-3.25), "-3.25");
        assert_eq!(format_number(1.0 / 3.0), "0.333");
        assert_eq!(with_unit(5.0, Some(" % ")), "5%");
        assert_eq!(with_unit(5.0, Some("")), "5");
        assert_eq!(with_unit(5.0, Some("days")), "5 days");
    }

    // ---- Properties ----

    fn any_rag() -> impl Strategy<Value = Rag> {
        prop_oneof![Just(Rag::Red), Just(Rag::Amber), Just(Rag::Green), Just(Rag::NoData), Just(Rag::NotRated),]
    }

    proptest! {
        #[test]
        fn improving_a_reading_never_worsens_it(
            higher_is_better in any::<bool>(),
            target in -1000.0f64..1000.0,
            amber in -1000.0f64..1000.0,
            reading in -2000.0f64..2000.0,
            step in 0.0f64..2000.0,
        ) {
            let (direction, improved) = if higher_is_better {
                (Direction::HigherIsBetter, reading + step)
            } else {
                (Direction::LowerIsBetter, reading - step)
            };
            let before = rate(&metric(direction, target, amber, Some(reading)));
            let after = rate(&metric(direction, target, amber, Some(improved)));
            prop_assert!(before.is_rated() && after.is_rated());
            prop_assert!(after.severity() <= before.severity(), "{before:?} -> {after:?}");
        }

        #[test]
        fn roll_up_stays_within_rated_parts(parts in proptest::collection::vec(any_rag(), 0..20)) {
            let result = roll_up(&parts);
            let rated: Vec<u8> = parts.iter().filter(|r| r.is_rated()).map(|r| r.severity()).collect();
            match (rated.iter().min(), rated.iter().max()) {
                (Some(best), Some(worst)) => {
                    prop_assert!(result.rag.is_rated());
                    prop_assert!(result.rag.severity() >= *best);
                    prop_assert!(result.rag.severity() <= *worst);
                }
                _ if parts.contains(&Rag::NotRated) => prop_assert_eq!(result.rag, Rag::NotRated),
                _ => prop_assert_eq!(result.rag, Rag::NoData),
            }
            prop_assert_eq!(result.total(), parts.len());
        }

        /// Counting evidence instead of listing it (as the London views do)
        /// never changes a status: the tally's delivery lens, and so the
        /// commitment's status, are those of the entries judged one by one.
        #[test]
        fn a_tally_judges_as_its_entries_do(
            entries in proptest::collection::vec(
                (
                    proptest::option::of(proptest::sample::select(DeliveryStatus::ALL.to_vec())),
                    proptest::option::of((0i64..400, proptest::option::of(0i64..400))),
                ),
                0..30,
            ),
            as_at_offset in 0i64..400,
            reading in proptest::option::of(0.0f64..100.0),
        ) {
            let start = d(2024, 1, 1);
            let as_at = start + chrono::Duration::days(as_at_offset);
            let entries: Vec<(Option<DeliveryStatus>, Option<MilestoneDates>)> = entries
                .into_iter()
                .map(|(status, milestone)| {
                    let milestone = milestone.map(|(due, done)| {
                        (start + chrono::Duration::days(due), done.map(|done| start + chrono::Duration::days(done)))
                    });
                    (status, milestone)
                })
                .collect();
            let metrics = vec![MetricInput { reading, ..metric(Direction::HigherIsBetter, 85.0, 75.0, None) }];
            let one_by_one = CommitmentInputs {
                commitment_id: "P3.C2".into(),
                period: ReportingPeriod::containing(as_at),
                as_at,
                metrics: metrics.clone(),
                milestones: entries
                    .iter()
                    .filter_map(|(status, milestone)| {
                        milestone.map(|(due, completed)| MilestoneInput {
                            description: "Milestone".into(),
                            due,
                            completed,
                            self_assessed: *status,
                        })
                    })
                    .collect(),
                evidence: entries
                    .iter()
                    .map(|(status, _)| EvidenceInput { summary: "entry".into(), self_assessed: *status })
                    .collect(),
            };
            let counted = CommitmentInputs { milestones: Vec::new(), evidence: Vec::new(), ..one_by_one.clone() };
            let tally = DeliveryTally::of(entries.iter().map(|(status, milestone)| (*status, *milestone, 1)), as_at);
            let listed = assess_commitment(&one_by_one);
            let summarised = assess_commitment_with(&counted, &tally);
            prop_assert_eq!(
                (summarised.rag, summarised.delivery, summarised.outcome, summarised.mismatch),
                (listed.rag, listed.delivery, listed.outcome, listed.mismatch)
            );
            prop_assert_eq!(tally.entries() as usize, entries.len());
            // One reason a kind of entry, however many entries there are.
            prop_assert!(summarised.reasons.len() <= 1 + MilestoneTiming::ALL.len() * 3 + DeliveryStatus::ALL.len() + 1);
            // The worst reason first, in both.
            prop_assert_eq!(
                summarised.reasons.first().map(|r| r.split(':').next().map(str::to_string)),
                listed.reasons.first().map(|r| r.split(':').next().map(str::to_string))
            );
        }

        #[test]
        fn period_round_trips(year in 2000i32..=2099, quarter in 1u8..=4) {
            let period = ReportingPeriod::new(year, quarter).unwrap();
            prop_assert_eq!(ReportingPeriod::parse(&period.to_string()), Ok(period));
            prop_assert_eq!(period.next().previous(), period);
        }
    }
}
