//! NHS financial-year reporting quarters.
//!
//! The NHS financial year runs 1 April to 31 March, so financial year 2023-24
//! starts on 1 April 2023 and ends on 31 March 2024. Its quarters are:
//!
//! | quarter | months  | calendar year  |
//! |---------|---------|----------------|
//! | Q1      | Apr–Jun | start year     |
//! | Q2      | Jul–Sep | start year     |
//! | Q3      | Oct–Dec | start year     |
//! | Q4      | Jan–Mar | start year + 1 |
//!
//! The canonical text form is `YYYY-YY-Qn`, e.g. `2023-24-Q1`; that is what
//! [`Display`](fmt::Display) prints and what serde reads and writes.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Days after a quarter ends by which an ICS is expected to submit its return.
pub const DEFAULT_SUBMISSION_DAYS: u32 = 20;

/// Earliest financial-year start accepted from user input.
pub const MIN_START_YEAR: i32 = 2000;
/// Latest financial-year start accepted from user input.
pub const MAX_START_YEAR: i32 = 2099;

const EXPECTED_FORM: &str = "YYYY-YY-Qn, e.g. 2023-24-Q1";
const EXPECTED_FORM_SHORT: &str = "YYYY-YY-Qn (e.g. 2023-24-Q1)";

/// Why a reporting period could not be read or built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PeriodError {
    /// The text does not have the shape of a reporting period at all.
    #[error("'{input}' is not a reporting period; expected {EXPECTED_FORM}")]
    Malformed {
        /// The text as given.
        input: String,
    },
    /// The two years do not name one financial year, e.g. `2023-25`.
    #[error(
        "'{input}' has years {start}-{end:02}, which are not consecutive (did you mean {start}-{expected:02}?); expected {EXPECTED_FORM}"
    )]
    NonConsecutiveYears {
        /// The text as given.
        input: String,
        /// The four-digit start year.
        start: i32,
        /// The two-digit end year as written.
        end: u32,
        /// The two-digit end year that would have been consecutive.
        expected: u32,
    },
    /// The quarter is not 1 to 4.
    #[error("'{input}' has quarter Q{quarter}, but quarters run from Q1 to Q4; expected {EXPECTED_FORM}")]
    QuarterOutOfRange {
        /// The text as given.
        input: String,
        /// The quarter number as written.
        quarter: u32,
    },
    /// A reading's period that is neither a month nor a quarter.
    #[error("'{input}' is neither a month nor a quarter; expected YYYY-MM (e.g. 2024-04) or {EXPECTED_FORM_SHORT}")]
    NeitherMonthNorQuarter {
        /// The text as given.
        input: String,
    },
    /// The start year is outside the supported range.
    #[error(
        "'{input}' starts in {year}, but financial years must start between {MIN_START_YEAR} and {MAX_START_YEAR}; expected {EXPECTED_FORM}"
    )]
    YearOutOfRange {
        /// The text as given.
        input: String,
        /// The start year as written.
        year: i32,
    },
}

/// One quarter of an NHS financial year, e.g. `2023-24-Q1` (April–June 2023).
///
/// Ordering is chronological. Fields are private so that every value has a
/// quarter in 1..=4; build one with [`ReportingPeriod::new`],
/// [`ReportingPeriod::parse`] or [`ReportingPeriod::containing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReportingPeriod {
    // Field order matters: the derived Ord must compare years before quarters.
    start_year: i32,
    quarter: u8,
}

impl ReportingPeriod {
    /// The first period the tracker knows: the London concordat's start, April 2023.
    pub const FIRST: ReportingPeriod = ReportingPeriod { start_year: 2023, quarter: 1 };

    /// Builds the period for quarter `quarter` (1–4) of the financial year
    /// starting in April of `start_year` (2000–2099).
    pub fn new(start_year: i32, quarter: u8) -> Result<Self, PeriodError> {
        let input = format!("{start_year} Q{quarter}");
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::QuarterOutOfRange { input, quarter: u32::from(quarter) });
        }
        if !(MIN_START_YEAR..=MAX_START_YEAR).contains(&start_year) {
            return Err(PeriodError::YearOutOfRange { input, year: start_year });
        }
        Ok(Self { start_year, quarter })
    }

    /// Reads a period from text.
    ///
    /// Accepts the canonical `2023-24-Q1` and the seed-file form `2023/24 Q1`
    /// (either `-` or `/` between the years, either `-` or spaces before the
    /// quarter), with `Q` in either case and surrounding whitespace ignored.
    pub fn parse(input: &str) -> Result<Self, PeriodError> {
        let malformed = || PeriodError::Malformed { input: input.to_string() };
        let text = input.trim();
        if !text.is_ascii() {
            return Err(malformed());
        }
        // Working on bytes is safe after the ASCII check: every slice boundary
        // is a char boundary.
        let bytes = text.as_bytes();
        if bytes.len() < 8 {
            return Err(malformed());
        }
        let start_digits = &text[0..4];
        let end_digits = &text[5..7];
        if !all_digits(start_digits) || !matches!(bytes[4], b'-' | b'/') || !all_digits(end_digits) {
            return Err(malformed());
        }

        let rest = &text[7..];
        let rest = match rest.strip_prefix('-') {
            Some(after_dash) => after_dash,
            None => {
                let trimmed = rest.trim_start_matches(' ');
                if trimmed.len() == rest.len() {
                    return Err(malformed());
                }
                trimmed
            }
        };
        let quarter_digits = rest
            .strip_prefix(['Q', 'q'])
            .filter(|digits| !digits.is_empty() && digits.len() <= 3 && all_digits(digits))
            .ok_or_else(malformed)?;

        // The digit checks above mean these parses cannot fail, but mapping to
        // `malformed` keeps this path panic-free regardless.
        let start: i32 = start_digits.parse().map_err(|_| malformed())?;
        let end: u32 = end_digits.parse().map_err(|_| malformed())?;
        let quarter: u32 = quarter_digits.parse().map_err(|_| malformed())?;

        if !(MIN_START_YEAR..=MAX_START_YEAR).contains(&start) {
            return Err(PeriodError::YearOutOfRange { input: input.to_string(), year: start });
        }
        let expected = (start + 1).rem_euclid(100).unsigned_abs();
        if end != expected {
            return Err(PeriodError::NonConsecutiveYears { input: input.to_string(), start, end, expected });
        }
        let quarter = u8::try_from(quarter)
            .ok()
            .filter(|q| (1..=4).contains(q))
            .ok_or_else(|| PeriodError::QuarterOutOfRange { input: input.to_string(), quarter })?;
        Ok(Self { start_year: start, quarter })
    }

    /// The calendar year in which the financial year starts (April).
    pub fn start_year(self) -> i32 {
        self.start_year
    }

    /// The calendar year in which the financial year ends (March).
    pub fn end_year(self) -> i32 {
        self.start_year + 1
    }

    /// The quarter number, 1 to 4.
    pub fn quarter(self) -> u8 {
        self.quarter
    }

    /// The quarter that contains `date`.
    ///
    /// Unlike [`parse`](Self::parse) this does not enforce the 2000–2099
    /// range: any date belongs to some quarter.
    pub fn containing(date: NaiveDate) -> Self {
        let month = date.month();
        if month >= 4 {
            Self {
                start_year: date.year(),
                // Months 4..=12 map onto quarters 1..=3, so the cast is lossless.
                quarter: ((month - 4) / 3 + 1) as u8,
            }
        } else {
            Self { start_year: date.year() - 1, quarter: 4 }
        }
    }

    /// First day of the quarter.
    pub fn start_date(self) -> NaiveDate {
        let (year, month) = self.calendar_start();
        ymd(year, month, 1)
    }

    /// Last day of the quarter (inclusive).
    pub fn end_date(self) -> NaiveDate {
        match self.quarter {
            1 => ymd(self.start_year, 6, 30),
            2 => ymd(self.start_year, 9, 30),
            3 => ymd(self.start_year, 12, 31),
            _ => ymd(self.start_year + 1, 3, 31),
        }
    }

    /// Whether `date` falls within this quarter.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.start_date() <= date && date <= self.end_date()
    }

    /// The following quarter; Q4 rolls over into Q1 of the next financial year.
    pub fn next(self) -> Self {
        if self.quarter == 4 {
            Self { start_year: self.start_year + 1, quarter: 1 }
        } else {
            Self { start_year: self.start_year, quarter: self.quarter + 1 }
        }
    }

    /// The preceding quarter; Q1 rolls back into Q4 of the previous financial year.
    pub fn previous(self) -> Self {
        if self.quarter == 1 {
            Self { start_year: self.start_year - 1, quarter: 4 }
        } else {
            Self { start_year: self.start_year, quarter: self.quarter - 1 }
        }
    }

    /// Every quarter from `from` to `to`, both included, in order.
    /// Empty when `from` is after `to`.
    pub fn range(from: Self, to: Self) -> Vec<Self> {
        let mut periods = Vec::new();
        let mut current = from;
        while current <= to {
            periods.push(current);
            current = current.next();
        }
        periods
    }

    /// Human-readable label, e.g. `Q1 2023/24 (Apr–Jun 2023)`.
    pub fn label(self) -> String {
        let months = match self.quarter {
            1 => "Apr–Jun",
            2 => "Jul–Sep",
            3 => "Oct–Dec",
            _ => "Jan–Mar",
        };
        let (calendar_year, _) = self.calendar_start();
        format!(
            "Q{} {}/{:02} ({} {})",
            self.quarter,
            self.start_year,
            self.end_year().rem_euclid(100),
            months,
            calendar_year
        )
    }

    /// The date a return for this quarter is due: `days_after_end` days after
    /// the quarter's last day (see [`DEFAULT_SUBMISSION_DAYS`]).
    ///
    /// Saturates at the latest representable date rather than panicking on an
    /// absurd configuration value.
    pub fn submission_due_date(self, days_after_end: u32) -> NaiveDate {
        self.end_date().checked_add_days(Days::new(u64::from(days_after_end))).unwrap_or(NaiveDate::MAX)
    }

    /// The date a status for this quarter is judged "as at": the quarter's
    /// last day, or `today` if that comes first.
    ///
    /// Capping at the quarter end means a past quarter's status never changes
    /// merely because time has passed since.
    pub fn judgement_date(self, today: NaiveDate) -> NaiveDate {
        self.end_date().min(today)
    }

    fn calendar_start(self) -> (i32, u32) {
        match self.quarter {
            1 => (self.start_year, 4),
            2 => (self.start_year, 7),
            3 => (self.start_year, 10),
            _ => (self.start_year + 1, 1),
        }
    }
}

/// Builds a date that is valid by construction (quarter boundaries in a year
/// chrono can represent).
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("quarter boundary dates exist for every year chrono can represent")
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for ReportingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}-Q{}", self.start_year, self.end_year().rem_euclid(100), self.quarter)
    }
}

impl FromStr for ReportingPeriod {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for ReportingPeriod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReportingPeriod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(text: &str) -> ReportingPeriod {
        ReportingPeriod::parse(text).expect("test period should parse")
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("test date should exist")
    }

    #[test]
    fn parses_canonical_form() {
        let period = p("2023-24-Q1");
        assert_eq!(period.start_year(), 2023);
        assert_eq!(period.end_year(), 2024);
        assert_eq!(period.quarter(), 1);
    }

    #[test]
    fn parses_seed_file_form_and_variants() {
        let expected = ReportingPeriod::new(2023, 3).unwrap();
        for text in
            ["2023/24 Q3", "2023/24 q3", "2023-24-q3", "2023/24-Q3", "2023-24 Q3", "2023/24   Q3", "  2023-24-Q3\n"]
        {
            assert_eq!(ReportingPeriod::parse(text), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn parses_century_rollover() {
        let period = p("2099-00-Q4");
        assert_eq!(period.start_year(), 2099);
        assert_eq!(period.to_string(), "2099-00-Q4");
        assert_eq!(period.end_date(), d(2100, 3, 31));
        assert_eq!(p("2009-10-Q2").to_string(), "2009-10-Q2");
    }

    #[test]
    fn rejects_non_consecutive_years() {
        let err = ReportingPeriod::parse("2023-25-Q1").unwrap_err();
        assert!(matches!(err, PeriodError::NonConsecutiveYears { start: 2023, end: 25, expected: 24, .. }));
        let message = err.to_string();
        assert!(message.contains("not consecutive"), "{message}");
        assert!(message.contains("2023-24"), "{message}");
        assert!(message.contains(EXPECTED_FORM), "{message}");
        assert!(matches!(ReportingPeriod::parse("2023-23-Q1"), Err(PeriodError::NonConsecutiveYears { .. })));
    }

    #[test]
    fn rejects_quarters_outside_one_to_four() {
        for (text, quarter) in [("2023-24-Q0", 0), ("2023-24-Q5", 5), ("2023/24 Q12", 12)] {
            let err = ReportingPeriod::parse(text).unwrap_err();
            assert_eq!(err, PeriodError::QuarterOutOfRange { input: text.to_string(), quarter });
            let message = err.to_string();
            assert!(message.contains("Q1 to Q4"), "{message}");
            assert!(message.contains(EXPECTED_FORM), "{message}");
        }
    }

    #[test]
    fn rejects_years_outside_supported_range() {
        let err = ReportingPeriod::parse("1999-00-Q1").unwrap_err();
        assert!(matches!(err, PeriodError::YearOutOfRange { year: 1999, .. }));
        assert!(err.to_string().contains("between 2000 and 2099"));
        assert!(matches!(ReportingPeriod::parse("2100-01-Q1"), Err(PeriodError::YearOutOfRange { year: 2100, .. })));
    }

    #[test]
    fn rejects_garbage() {
        for text in [
            "",
            "   ",
            "Q1",
            "2023",
            "2023-24",
            "2023-24-",
            "2023-24-Q",
            "2023-24-1",
            "2023-24Q1",
            "2023_24-Q1",
            "2023-24-Q1x",
            "2023-24-Q-1",
            "2023-24-Q1234",
            "23-24-Q1",
            "abcd-ef-Q1",
            "2023-2024-Q1",
            "２０２３-24-Q1",
            "2023–24–Q1",
        ] {
            let err = ReportingPeriod::parse(text).unwrap_err();
            assert_eq!(err, PeriodError::Malformed { input: text.to_string() }, "{text:?}");
            let message = err.to_string();
            assert!(message.contains(EXPECTED_FORM), "{message}");
        }
    }

    #[test]
    fn new_validates() {
        assert!(ReportingPeriod::new(2023, 4).is_ok());
        assert!(matches!(ReportingPeriod::new(2023, 0), Err(PeriodError::QuarterOutOfRange { quarter: 0, .. })));
        assert!(matches!(ReportingPeriod::new(2023, 5), Err(PeriodError::QuarterOutOfRange { quarter: 5, .. })));
        assert!(matches!(ReportingPeriod::new(1999, 1), Err(PeriodError::YearOutOfRange { year: 1999, .. })));
    }

    #[test]
    fn display_and_from_str_round_trip() {
        let period: ReportingPeriod = "2023/24 q4".parse().unwrap();
        assert_eq!(period.to_string(), "2023-24-Q4");
        assert_eq!(period.to_string().parse::<ReportingPeriod>(), Ok(period));
    }

    #[test]
    fn quarter_dates() {
        let cases = [
            ("2023-24-Q1", d(2023, 4, 1), d(2023, 6, 30)),
            ("2023-24-Q2", d(2023, 7, 1), d(2023, 9, 30)),
            ("2023-24-Q3", d(2023, 10, 1), d(2023, 12, 31)),
            ("2023-24-Q4", d(2024, 1, 1), d(2024, 3, 31)),
        ];
        for (text, start, end) in cases {
            assert_eq!(p(text).start_date(), start, "{text}");
            assert_eq!(p(text).end_date(), end, "{text}");
        }
    }

    #[test]
    fn containing_respects_financial_year_boundary() {
        assert_eq!(ReportingPeriod::containing(d(2024, 3, 31)), p("2023-24-Q4"));
        assert_eq!(ReportingPeriod::containing(d(2024, 4, 1)), p("2024-25-Q1"));
        assert_eq!(ReportingPeriod::containing(d(2024, 1, 1)), p("2023-24-Q4"));
        assert_eq!(ReportingPeriod::containing(d(2023, 12, 31)), p("2023-24-Q3"));
        assert_eq!(ReportingPeriod::containing(d(2023, 6, 30)), p("2023-24-Q1"));
        assert_eq!(ReportingPeriod::containing(d(2023, 7, 1)), p("2023-24-Q2"));
        assert_eq!(ReportingPeriod::containing(d(2023, 9, 30)), p("2023-24-Q2"));
        assert_eq!(ReportingPeriod::containing(d(2023, 10, 1)), p("2023-24-Q3"));
    }

    #[test]
    fn contains_is_inclusive() {
        let q = p("2023-24-Q4");
        assert!(q.contains(d(2024, 1, 1)));
        assert!(q.contains(d(2024, 3, 31)));
        assert!(!q.contains(d(2023, 12, 31)));
        assert!(!q.contains(d(2024, 4, 1)));
    }

    #[test]
    fn next_and_previous_roll_over_years() {
        assert_eq!(p("2023-24-Q4").next(), p("2024-25-Q1"));
        assert_eq!(p("2024-25-Q1").previous(), p("2023-24-Q4"));
        assert_eq!(p("2023-24-Q1").next(), p("2023-24-Q2"));
        assert_eq!(p("2023-24-Q3").previous(), p("2023-24-Q2"));
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(p("2023-24-Q4") < p("2024-25-Q1"));
        assert!(p("2023-24-Q1") < p("2023-24-Q2"));
        assert!(p("2022-23-Q4") < p("2023-24-Q1"));
    }

    #[test]
    fn range_is_inclusive_and_ordered() {
        let periods = ReportingPeriod::range(p("2023-24-Q3"), p("2024-25-Q2"));
        let texts: Vec<String> = periods.iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["2023-24-Q3", "2023-24-Q4", "2024-25-Q1", "2024-25-Q2"]);
        assert_eq!(ReportingPeriod::range(p("2023-24-Q1"), p("2023-24-Q1")), vec![p("2023-24-Q1")]);
        assert!(ReportingPeriod::range(p("2024-25-Q1"), p("2023-24-Q1")).is_empty());
    }

    #[test]
    fn labels() {
        assert_eq!(p("2023-24-Q1").label(), "Q1 2023/24 (Apr–Jun 2023)");
        assert_eq!(p("2023-24-Q2").label(), "Q2 2023/24 (Jul–Sep 2023)");
        assert_eq!(p("2023-24-Q3").label(), "Q3 2023/24 (Oct–Dec 2023)");
        assert_eq!(p("2023-24-Q4").label(), "Q4 2023/24 (Jan–Mar 2024)");
        assert_eq!(p("2099-00-Q4").label(), "Q4 2099/00 (Jan–Mar 2100)");
    }

    #[test]
    fn submission_due_dates() {
        assert_eq!(p("2023-24-Q1").submission_due_date(DEFAULT_SUBMISSION_DAYS), d(2023, 7, 20));
        assert_eq!(p("2023-24-Q4").submission_due_date(DEFAULT_SUBMISSION_DAYS), d(2024, 4, 20));
        assert_eq!(p("2023-24-Q3").submission_due_date(0), d(2023, 12, 31));
        assert_eq!(p("2023-24-Q3").submission_due_date(1), d(2024, 1, 1));
        assert_eq!(p("2023-24-Q3").submission_due_date(u32::MAX), NaiveDate::MAX);
    }

    #[test]
    fn judgement_date_caps_at_period_end() {
        let q1 = p("2023-24-Q1");
        assert_eq!(q1.judgement_date(d(2025, 1, 1)), d(2023, 6, 30));
        assert_eq!(q1.judgement_date(d(2023, 6, 30)), d(2023, 6, 30));
        assert_eq!(q1.judgement_date(d(2023, 5, 15)), d(2023, 5, 15));
    }

    #[test]
    fn serde_uses_canonical_string() {
        let period = p("2023/24 Q2");
        let json = serde_json::to_string(&period).unwrap();
        assert_eq!(json, "\"2023-24-Q2\"");
        let back: ReportingPeriod = serde_json::from_str(&json).unwrap();
        assert_eq!(back, period);
        let seeded: ReportingPeriod = serde_json::from_str("\"2023/24 Q2\"").unwrap();
        assert_eq!(seeded, period);
    }

    #[test]
    fn serde_rejects_bad_text_with_reason() {
        let err = serde_json::from_str::<ReportingPeriod>("\"2023-25-Q1\"").unwrap_err();
        assert!(err.to_string().contains("not consecutive"), "{err}");
        assert!(serde_json::from_str::<ReportingPeriod>("20231").is_err());
    }

    fn any_period() -> impl Strategy<Value = ReportingPeriod> {
        (MIN_START_YEAR..=MAX_START_YEAR, 1u8..=4)
            .prop_map(|(year, quarter)| ReportingPeriod::new(year, quarter).unwrap())
    }

    proptest! {
        #[test]
        fn parse_display_round_trip(period in any_period()) {
            prop_assert_eq!(ReportingPeriod::parse(&period.to_string()), Ok(period));
        }

        #[test]
        fn next_then_previous_is_identity(period in any_period()) {
            prop_assert_eq!(period.next().previous(), period);
            prop_assert_eq!(period.previous().next(), period);
            prop_assert!(period < period.next());
        }

        #[test]
        fn quarters_tile_the_calendar(period in any_period()) {
            prop_assert_eq!(period.end_date().succ_opt(), Some(period.next().start_date()));
            prop_assert_eq!(ReportingPeriod::containing(period.start_date()), period);
            prop_assert_eq!(ReportingPeriod::containing(period.end_date()), period);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,16}") {
            let _ = ReportingPeriod::parse(&text);
        }
    }
}
