//! How often a metric is reported, the months its monthly readings fall in,
//! and how a quarter's months roll into the one figure the quarter's RAG judges.
//!
//! A monthly metric's readings are for calendar months (`2024-04`); a quarterly
//! metric's for NHS financial quarters (`2024-25-Q1`). Monthly figures give the
//! dozen-plus points an SPC chart needs within a year.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::period::{PeriodError, ReportingPeriod, MAX_START_YEAR, MIN_START_YEAR};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    #[default]
    Quarterly,
}

impl Frequency {
    pub const ALL: [Frequency; 2] = [Self::Monthly, Self::Quarterly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// How a period of this frequency is written, for messages.
    pub fn example(self) -> &'static str {
        match self {
            Self::Monthly => "a month such as 2024-04",
            Self::Quarterly => "a quarter such as 2024-25-Q1",
        }
    }
}

/// How a monthly metric's months make the quarter's figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarterRollup {
    /// The latest month reported in the quarter: for snapshots and rolling
    /// figures (a waiting list, a rolling 12 months).
    #[default]
    Latest,
    /// The mean of the months reported: for percentages and rates.
    Mean,
    /// The sum of the months reported: for counts of events.
    Sum,
}

impl QuarterRollup {
    pub const ALL: [QuarterRollup; 3] = [Self::Latest, Self::Mean, Self::Sum];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Latest => "latest",
            Self::Mean => "mean",
            Self::Sum => "sum",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Latest => "the latest month",
            Self::Mean => "the mean of the months",
            Self::Sum => "the sum of the months",
        }
    }
}

/// A quarter's figure made from its months.
#[derive(Debug, Clone, PartialEq)]
pub struct RolledUp {
    pub value: f64,
    /// The months it was made from, oldest first.
    pub months: Vec<Month>,
    pub rollup: QuarterRollup,
}

impl RolledUp {
    /// All three months reported?
    pub fn is_complete(&self) -> bool {
        self.months.len() == 3
    }

    /// Why the quarter has this figure, for the status reasons.
    pub fn explain(&self) -> String {
        let months: Vec<String> = self.months.iter().map(|m| m.short_label()).collect();
        let missing =
            if self.is_complete() { String::new() } else { format!(" ({} of 3 months reported)", self.months.len()) };
        format!("quarter's figure is {} ({}){missing}", self.rollup.label(), months.join(", "))
    }
}

/// Rolls a quarter's monthly readings into one figure; `None` without any.
/// Readings outside the quarter are ignored.
pub fn roll_up(rollup: QuarterRollup, quarter: ReportingPeriod, readings: &[(Month, f64)]) -> Option<RolledUp> {
    let mut in_quarter: Vec<(Month, f64)> = readings.iter().copied().filter(|(m, _)| m.quarter() == quarter).collect();
    in_quarter.sort_by_key(|(m, _)| *m);
    in_quarter.dedup_by_key(|(m, _)| *m);
    let (_, last_value) = *in_quarter.last()?;
    let sum: f64 = in_quarter.iter().map(|(_, v)| v).sum();
    let value = match rollup {
        QuarterRollup::Latest => last_value,
        QuarterRollup::Sum => sum,
        QuarterRollup::Mean => sum / in_quarter.len() as f64,
    };
    Some(RolledUp { value, months: in_quarter.into_iter().map(|(m, _)| m).collect(), rollup })
}

/// One calendar month, e.g. `2024-04` (April 2024). Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    // Field order matters: the derived Ord compares years first.
    year: i32,
    month: u8,
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Month {
    pub fn new(year: i32, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (MIN_START_YEAR..=MAX_START_YEAR + 1).contains(&year))
            .then_some(Self { year, month })
    }

    /// Reads `YYYY-MM`, surrounding whitespace ignored.
    pub fn parse(input: &str) -> Option<Self> {
        let text = input.trim();
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 || !(year.bytes().chain(month.bytes()).all(|b| b.is_ascii_digit())) {
            return None;
        }
        Self::new(year.parse().ok()?, month.parse().ok()?)
    }

    pub fn containing(date: NaiveDate) -> Self {
        // A date's month is always 1..=12, so the cast is lossless.
        Self { year: date.year(), month: date.month() as u8 }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    /// The financial quarter the month is in.
    pub fn quarter(self) -> ReportingPeriod {
        ReportingPeriod::containing(self.start_date())
    }

    /// The three months of a quarter, in order.
    pub fn of_quarter(quarter: ReportingPeriod) -> [Month; 3] {
        let first = Self::containing(quarter.start_date());
        [first, first.next(), first.next().next()]
    }

    pub fn start_date(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.month), 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn end_date(self) -> NaiveDate {
        self.next().start_date().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { month: self.month + 1, ..self }
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self { year: self.year - 1, month: 12 }
        } else {
            Self { month: self.month - 1, ..self }
        }
    }

    /// `April 2024`.
    pub fn label(self) -> String {
        format!("{} {}", MONTH_NAMES[usize::from(self.month - 1)], self.year)
    }

    /// `Apr 2024`.
    pub fn short_label(self) -> String {
        format!("{} {}", &MONTH_NAMES[usize::from(self.month - 1)][..3], self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// The period a reading is for: a month or a quarter, by its metric's frequency.
/// Ordered by start date (a quarter before its first month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadingPeriod {
    Quarter(ReportingPeriod),
    Month(Month),
}

impl ReadingPeriod {
    /// Reads either form: `2024-04` or `2024-25-Q1` (and the quarter's other spellings).
    pub fn parse(input: &str) -> Result<Self, PeriodError> {
        if let Some(month) = Month::parse(input) {
            return Ok(Self::Month(month));
        }
        match ReportingPeriod::parse(input) {
            Ok(quarter) => Ok(Self::Quarter(quarter)),
            Err(PeriodError::Malformed { input }) => Err(PeriodError::NeitherMonthNorQuarter { input }),
            Err(other) => Err(other),
        }
    }

    pub fn frequency(self) -> Frequency {
        match self {
            Self::Quarter(_) => Frequency::Quarterly,
            Self::Month(_) => Frequency::Monthly,
        }
    }

    /// The quarter the period is in (a quarter is its own).
    pub fn quarter(self) -> ReportingPeriod {
        match self {
            Self::Quarter(q) => q,
            Self::Month(m) => m.quarter(),
        }
    }

    pub fn start_date(self) -> NaiveDate {
        match self {
            Self::Quarter(q) => q.start_date(),
            Self::Month(m) => m.start_date(),
        }
    }

    pub fn end_date(self) -> NaiveDate {
        match self {
            Self::Quarter(q) => q.end_date(),
            Self::Month(m) => m.end_date(),
        }
    }

    /// Whether the period has started by `today` (figures for periods that
    /// have not started are refused).
    pub fn has_started(self, today: NaiveDate) -> bool {
        self.start_date() <= today
    }

    /// The period in progress on `today` at a frequency.
    pub fn current(frequency: Frequency, today: NaiveDate) -> Self {
        match frequency {
            Frequency::Monthly => Self::Month(Month::containing(today)),
            Frequency::Quarterly => Self::Quarter(ReportingPeriod::containing(today)),
        }
    }

    /// The period before, at the same frequency.
    pub fn previous(self) -> Self {
        match self {
            Self::Quarter(q) => Self::Quarter(q.previous()),
            Self::Month(m) => Self::Month(m.previous()),
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::Quarter(q) => q.label(),
            Self::Month(m) => m.label(),
        }
    }

    /// A short label for chart axes: `Apr 2024` or `Q1 2024/25`.
    pub fn short_label(self) -> String {
        match self {
            Self::Quarter(q) => format!("Q{} {}/{:02}", q.quarter(), q.start_year(), q.end_year().rem_euclid(100)),
            Self::Month(m) => m.short_label(),
        }
    }
}

impl PartialOrd for ReadingPeriod {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ReadingPeriod {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start_date(), self.frequency() == Frequency::Monthly)
            .cmp(&(other.start_date(), other.frequency() == Frequency::Monthly))
    }
}

impl From<ReportingPeriod> for ReadingPeriod {
    fn from(quarter: ReportingPeriod) -> Self {
        Self::Quarter(quarter)
    }
}

impl From<Month> for ReadingPeriod {
    fn from(month: Month) -> Self {
        Self::Month(month)
    }
}

impl fmt::Display for ReadingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Quarter(q) => q.fmt(f),
            Self::Month(m) => m.fmt(f),
        }
    }
}

impl Serialize for ReadingPeriod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReadingPeriod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(text: &str) -> ReportingPeriod {
        ReportingPeriod::parse(text).expect("quarter")
    }

    fn m(text: &str) -> Month {
        Month::parse(text).expect("month")
    }

    #[test]
    fn months_parse_print_and_fall_in_financial_quarters() {
        assert_eq!(m("2024-04").to_string(), "2024-04");
        assert_eq!(m(" 2024-12 ").label(), "December 2024");
        assert_eq!(m("2024-04").quarter(), q("2024-25-Q1"));
        assert_eq!(m("2024-12").quarter(), q("2024-25-Q3"));
        assert_eq!(m("2025-03").quarter(), q("2024-25-Q4"));
        for bad in ["2024-13", "2024-00", "2024-4", "24-04", "2024/04", "abcd-ef", "2024-04-01", "", "1999-12"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!(Month::of_quarter(q("2024-25-Q4")), [m("2025-01"), m("2025-02"), m("2025-03")]);
        assert_eq!(m("2024-02").end_date(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(m("2024-12").next(), m("2025-01"));
        assert_eq!(m("2025-01").previous(), m("2024-12"));
    }

    #[test]
    fn reading_periods_are_months_or_quarters() {
        assert_eq!(ReadingPeriod::parse("2024-04"), Ok(ReadingPeriod::Month(m("2024-04"))));
        assert_eq!(ReadingPeriod::parse("2024-25-Q1"), Ok(ReadingPeriod::Quarter(q("2024-25-Q1"))));
        let error = ReadingPeriod::parse("April").unwrap_err().to_string();
        assert_eq!(
            error,
            "'April' is neither a month nor a quarter; expected YYYY-MM (e.g. 2024-04) or YYYY-YY-Qn (e.g. 2023-24-Q1)"
        );
        // The quarter's own errors stay specific.
        assert!(ReadingPeriod::parse("2023-25-Q1").unwrap_err().to_string().contains("not consecutive"));
        let today = NaiveDate::from_ymd_opt(2024, 5, 10).unwrap();
        assert!(ReadingPeriod::parse("2024-05").unwrap().has_started(today));
        assert!(!ReadingPeriod::parse("2024-06").unwrap().has_started(today));
        assert!(ReadingPeriod::parse("2024-25-Q1").unwrap().has_started(today));
        assert!(!ReadingPeriod::parse("2024-25-Q2").unwrap().has_started(today));
        assert_eq!(ReadingPeriod::current(Frequency::Monthly, today).to_string(), "2024-05");
        assert_eq!(ReadingPeriod::current(Frequency::Quarterly, today).to_string(), "2024-25-Q1");
    }

    #[test]
    fn a_quarter_rolls_up_its_months_by_the_metric_rule() {
        let quarter = q("2024-25-Q1");
        let readings = [(m("2024-05"), 20.0), (m("2024-04"), 10.0), (m("2024-07"), 99.0), (m("2024-06"), 60.0)];
        let latest = roll_up(QuarterRollup::Latest, quarter, &readings).unwrap();
        assert_eq!(latest.value, 60.0);
        assert!(latest.is_complete());
        assert_eq!(roll_up(QuarterRollup::Sum, quarter, &readings).unwrap().value, 90.0);
        assert_eq!(roll_up(QuarterRollup::Mean, quarter, &readings).unwrap().value, 30.0);
        let partial = roll_up(QuarterRollup::Sum, quarter, &readings[..2]).unwrap();
        assert_eq!(partial.value, 30.0);
        assert_eq!(
            partial.explain(),
            "quarter's figure is the sum of the months (Apr 2024, May 2024) (2 of 3 months reported)"
        );
        assert_eq!(roll_up(QuarterRollup::Mean, q("2023-24-Q1"), &readings), None);
    }

    proptest! {
        #[test]
        fn every_month_is_in_exactly_one_quarter(year in 2000i32..2099, month in 1u8..=12) {
            let month = Month::new(year, month).unwrap();
            let quarter = month.quarter();
            prop_assert!(quarter.contains(month.start_date()) && quarter.contains(month.end_date()));
            prop_assert!(Month::of_quarter(quarter).contains(&month));
            prop_assert_eq!(Month::parse(&month.to_string()), Some(month));
            prop_assert_eq!(month.next().previous(), month);
        }

        #[test]
        fn a_rolled_up_mean_lies_between_the_months(values in proptest::collection::vec(0.0f64..1e6, 1..=3)) {
            let quarter = q("2024-25-Q2");
            let months = Month::of_quarter(quarter);
            let readings: Vec<(Month, f64)> = months.iter().copied().zip(values.iter().copied()).collect();
            let mean = roll_up(QuarterRollup::Mean, quarter, &readings).unwrap().value;
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(lo - 1e-6 <= mean && mean <= hi + 1e-6);
            let sum = roll_up(QuarterRollup::Sum, quarter, &readings).unwrap().value;
            prop_assert!((sum - values.iter().sum::<f64>()).abs() < 1e-6);
        }
    }
}
