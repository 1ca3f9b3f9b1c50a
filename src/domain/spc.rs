//! Statistical process control the NHS "Making Data Count" way: XmR charts,
//! special-cause point types and the variation and assurance icons, computed
//! exactly as NHSRplotthedots 0.2.2 (the NHS-R community's reference
//! implementation) computes them, edge cases included. The rules and the
//! upstream files they come from are written out in the README's "Making Data
//! Count" section; the function names below follow the upstream ones so the two
//! can be read side by side.
//!
//! Pure: no I/O. The engine takes the values in time order and gives, per
//! rebase segment, the mean and process limits, and per point its type.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Process limits are the mean ± 2.66 × the mean moving range.
pub const LIMIT: f64 = 2.66;
/// The "near the limit" (two sigma) lines: two thirds of the way out.
pub const NEAR_LIMIT: f64 = 2.0 * (LIMIT / 3.0);
/// Moving ranges at or above this multiple of the mean moving range are left
/// out (once) when `screen_outliers` is on.
pub const OUTLIER_SCREEN: f64 = 3.267;
/// Runs and trends are seven points long (fixed upstream).
pub const RUN_LENGTH: usize = 7;
/// Fixing the limits on fewer points than this is refused (upstream's rule).
pub const MIN_FIX_AFTER: usize = 12;
/// The most values one series may have (the API's limit).
pub const MAX_VALUES: usize = 1000;
/// Upstream warns below this many points in a segment: the limits are trial limits.
pub const SHORT_SEGMENT: usize = 13;

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ImprovementDirection {
    /// Higher is better.
    #[default]
    Increase,
    /// Lower is better.
    Decrease,
    /// No direction: changes are flagged high or low, never good or bad.
    Neutral,
}

impl ImprovementDirection {
    pub const ALL: [ImprovementDirection; 3] = [Self::Increase, Self::Decrease, Self::Neutral];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Increase => "increase",
            Self::Decrease => "decrease",
            Self::Neutral => "neutral",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// +1 when higher is better, -1 when lower is, 0 for neutral.
    fn sign(self) -> i8 {
        match self {
            Self::Increase => 1,
            Self::Decrease => -1,
            Self::Neutral => 0,
        }
    }
}

/// Which special-cause rule labelled a point (upstream's `special_cause_type`),
/// before the improvement direction gives it a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCause {
    AboveUpperLimit,
    BelowLowerLimit,
    TrendIncreasing,
    TrendDecreasing,
    TwoInThreeAbove,
    TwoInThreeBelow,
    ShiftAbove,
    ShiftBelow,
    CommonCause,
}

impl SpecialCause {
    /// +1 for a high signal, -1 for a low one, 0 for common cause.
    pub fn side(self) -> i8 {
        match self {
            Self::AboveUpperLimit | Self::TrendIncreasing | Self::TwoInThreeAbove | Self::ShiftAbove => 1,
            Self::BelowLowerLimit | Self::TrendDecreasing | Self::TwoInThreeBelow | Self::ShiftBelow => -1,
            Self::CommonCause => 0,
        }
    }

    /// Upstream's wording, for reasons and tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::AboveUpperLimit => "above the upper process limit",
            Self::BelowLowerLimit => "below the lower process limit",
            Self::TrendIncreasing => "part of a run of 7 rising points",
            Self::TrendDecreasing => "part of a run of 7 falling points",
            Self::TwoInThreeAbove => "2 of 3 points near the upper limit",
            Self::TwoInThreeBelow => "2 of 3 points near the lower limit",
            Self::ShiftAbove => "part of 7 points in a row above the mean",
            Self::ShiftBelow => "part of 7 points in a row below the mean",
            Self::CommonCause => "common cause",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointType {
    CommonCause,
    SpecialCauseImprovement,
    SpecialCauseConcern,
    SpecialCauseNeutralHigh,
    SpecialCauseNeutralLow,
}

impl PointType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommonCause => "common_cause",
            Self::SpecialCauseImprovement => "special_cause_improvement",
            Self::SpecialCauseConcern => "special_cause_concern",
            Self::SpecialCauseNeutralHigh => "special_cause_neutral_high",
            Self::SpecialCauseNeutralLow => "special_cause_neutral_low",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CommonCause => "Common cause",
            Self::SpecialCauseImprovement => "Special cause: improvement",
            Self::SpecialCauseConcern => "Special cause: concern",
            Self::SpecialCauseNeutralHigh => "Special cause: high",
            Self::SpecialCauseNeutralLow => "Special cause: low",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariationIcon {
    CommonCause,
    ImprovementHigh,
    ImprovementLow,
    ConcernHigh,
    ConcernLow,
    NeutralHigh,
    NeutralLow,
}

impl VariationIcon {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommonCause => "common_cause",
            Self::ImprovementHigh => "improvement_high",
            Self::ImprovementLow => "improvement_low",
            Self::ConcernHigh => "concern_high",
            Self::ConcernLow => "concern_low",
            Self::NeutralHigh => "neutral_high",
            Self::NeutralLow => "neutral_low",
        }
    }

    /// A short form of `label`, for a cell of London's grid.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::CommonCause => "Common cause",
            other => other.label(),
        }
    }

    /// The words beside the icon (the icon is never the only sign).
    pub fn label(self) -> &'static str {
        match self {
            Self::CommonCause => "Common cause variation",
            Self::ImprovementHigh => "Improvement (higher)",
            Self::ImprovementLow => "Improvement (lower)",
            Self::ConcernHigh => "Concern (higher)",
            Self::ConcernLow => "Concern (lower)",
            Self::NeutralHigh => "Special cause (higher)",
            Self::NeutralLow => "Special cause (lower)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssuranceIcon {
    ConsistentPass,
    ConsistentFail,
    Inconsistent,
}

impl AssuranceIcon {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConsistentPass => "consistent_pass",
            Self::ConsistentFail => "consistent_fail",
            Self::Inconsistent => "inconsistent",
        }
    }

    /// A short form of `label`, for a cell of London's grid.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::ConsistentPass => "Will meet target",
            Self::ConsistentFail => "Will miss target",
            Self::Inconsistent => "Hit or miss",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ConsistentPass => "Will consistently meet the target",
            Self::ConsistentFail => "Will consistently miss the target",
            Self::Inconsistent => "May meet or miss the target",
        }
    }
}

/// How to analyse a series. `Default` is upstream's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcOptions {
    pub improvement_direction: ImprovementDirection,
    pub target: Option<f64>,
    pub screen_outliers: bool,
    pub fix_after_n_points: Option<usize>,
    /// 0-based indices of the points that start a new segment.
    pub rebase: Vec<usize>,
}

impl Default for SpcOptions {
    fn default() -> Self {
        SpcOptions {
            improvement_direction: ImprovementDirection::Increase,
            target: None,
            screen_outliers: true,
            fix_after_n_points: None,
            rebase: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpcError {
    #[error("there are no values: give at least one")]
    Empty,
    #[error("there are {0} values: at most {MAX_VALUES} can be analysed at once")]
    TooMany(usize),
    #[error("value {index} is not a finite number")]
    NotFinite { index: usize },
    #[error("the target is not a finite number")]
    TargetNotFinite,
    #[error("fix_after_n_points is {0}: it must be at least {MIN_FIX_AFTER}")]
    FixTooSoon(usize),
    #[error("rebase index {index} is out of range: there are {len} values (indices 0 to {last})", last = len - 1)]
    RebaseOutOfRange { index: usize, len: usize },
}

/// The limits of one rebase segment; `None` where upstream's are undefined
/// (a single point, or every value the same once outliers are screened).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Index of the segment's first point.
    pub start: usize,
    /// Index of its last point (inclusive).
    pub end: usize,
    pub mean: f64,
    pub lpl: Option<f64>,
    pub upl: Option<f64>,
}

impl Segment {
    /// How many points the segment has (never 0).
    pub fn point_count(&self) -> usize {
        self.end + 1 - self.start
    }

    /// Fewer points than upstream likes: the limits are only a first guess.
    pub fn is_short(&self) -> bool {
        self.point_count() < SHORT_SEGMENT
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpcPoint {
    pub value: f64,
    pub point_type: PointType,
    pub special_cause: SpecialCause,
    /// Which segment (index into `segments`) the point belongs to.
    pub segment: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcAnalysis {
    pub improvement_direction: ImprovementDirection,
    pub target: Option<f64>,
    pub segments: Vec<Segment>,
    pub points: Vec<SpcPoint>,
    pub variation_icon: VariationIcon,
    /// `None` without a target or for a neutral metric.
    pub assurance_icon: Option<AssuranceIcon>,
}

impl SpcAnalysis {
    /// The last segment: the limits now in force, which the assurance uses.
    pub fn current(&self) -> &Segment {
        // `analyse` refuses an empty series, so there is always a segment.
        &self.segments[self.segments.len() - 1]
    }
}

/// Checks the inputs the way the API reports them.
pub fn validate(values: &[f64], options: &SpcOptions) -> Result<(), SpcError> {
    if values.is_empty() {
        return Err(SpcError::Empty);
    }
    if values.len() > MAX_VALUES {
        return Err(SpcError::TooMany(values.len()));
    }
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(SpcError::NotFinite { index });
    }
    if options.target.is_some_and(|t| !t.is_finite()) {
        return Err(SpcError::TargetNotFinite);
    }
    if let Some(n) = options.fix_after_n_points.filter(|n| *n < MIN_FIX_AFTER) {
        return Err(SpcError::FixTooSoon(n));
    }
    if let Some(&index) = options.rebase.iter().find(|i| **i >= values.len()) {
        return Err(SpcError::RebaseOutOfRange { index, len: values.len() });
    }
    Ok(())
}

/// Analyses one series (values in time order).
pub fn analyse(values: &[f64], options: &SpcOptions) -> Result<SpcAnalysis, SpcError> {
    validate(values, options)?;
    let mut starts: Vec<usize> = options.rebase.iter().copied().filter(|i| *i > 0).collect();
    starts.sort_unstable();
    starts.dedup();
    starts.insert(0, 0);

    let mut segments = Vec::with_capacity(starts.len());
    let mut points = Vec::with_capacity(values.len());
    for (number, &start) in starts.iter().enumerate() {
        let end = starts.get(number + 1).map_or(values.len(), |next| *next) - 1;
        let ys = &values[start..=end];
        let limits = segment_limits(ys, options.screen_outliers, options.fix_after_n_points);
        let flags = point_flags(ys, &limits);
        let causes = special_cause_type(ys, &flags.relative_to_mean, &flags.close, &flags.outside);
        points.extend(ys.iter().zip(causes).map(|(&value, cause)| SpcPoint {
            value,
            point_type: point_type(cause, options.improvement_direction),
            special_cause: cause,
            segment: number,
        }));
        segments.push(Segment { start, end, mean: limits.mean, lpl: limits.lpl(), upl: limits.upl() });
    }
    let last = points[points.len() - 1].point_type;
    let current = segments[segments.len() - 1];
    Ok(SpcAnalysis {
        improvement_direction: options.improvement_direction,
        target: options.target,
        variation_icon: variation_icon(last, options.improvement_direction),
        assurance_icon: assurance_icon(options.improvement_direction, options.target, current.lpl, current.upl),
        segments,
        points,
    })
}

/// The centre line and mean moving range of one segment; `mrbar` is NaN when
/// undefined, as upstream's is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentLimits {
    pub mean: f64,
    pub mrbar: f64,
}

impl SegmentLimits {
    fn defined(value: f64) -> Option<f64> {
        value.is_finite().then_some(value)
    }

    pub fn lpl(&self) -> Option<f64> {
        Self::defined(self.mean - LIMIT * self.mrbar)
    }

    pub fn upl(&self) -> Option<f64> {
        Self::defined(self.mean + LIMIT * self.mrbar)
    }

    fn near_lower(&self) -> f64 {
        self.mean - NEAR_LIMIT * self.mrbar
    }

    fn near_upper(&self) -> f64 {
        self.mean + NEAR_LIMIT * self.mrbar
    }
}

/// R's `mean()`: the sum divided by the count, then corrected by the mean of
/// the residuals. R does both sums in long double (`real_mean` in R's
/// src/main/summary.c), exact for series like these, so its mean is the true
/// mean rounded once. Summing in f64 is not enough: one-decimal data whose
/// mean is 0.1 or 0.0 can come out an ulp or so off, and a point R puts exactly
/// on the mean (side 0, which ends a run) would then count as above or below
/// it. So the sums here are exact too. NaN when empty.
pub fn r_mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let n = values.len() as f64;
    let mean = exact_sum(values.iter().copied()) / n;
    if !mean.is_finite() {
        return mean;
    }
    // Each residual split exactly into its rounded value and its rounding error.
    let residuals = exact_sum(values.iter().flat_map(|&v| {
        let (difference, error) = two_sum(v, -mean);
        [difference, error]
    }));
    mean + residuals / n
}

/// `a + b` and its rounding error: the two add up to `a + b` exactly.
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let sum = a + b;
    let b_part = sum - a;
    (sum, (a - (sum - b_part)) + (b - b_part))
}

/// The sum rounded once: Shewchuk's exact partials, as Python's `math.fsum`.
fn exact_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    // Non-overlapping partials, smallest first, that add up to the sum exactly.
    let mut partials: Vec<f64> = Vec::new();
    for mut x in values {
        let mut kept = 0;
        for i in 0..partials.len() {
            let (hi, lo) = two_sum(x, partials[i]);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    // Add them from the largest down until the rest cannot change the result,
    // then settle a halfway case by the sign of the rest.
    let mut total = 0.0;
    let mut lo = 0.0;
    while let Some(x) = partials.pop() {
        (total, lo) = two_sum(total, x);
        if lo != 0.0 {
            break;
        }
    }
    if partials.last().is_some_and(|next| (lo < 0.0 && *next < 0.0) || (lo > 0.0 && *next > 0.0)) {
        let doubled = lo * 2.0;
        let rounded = total + doubled;
        if doubled == rounded - total {
            total = rounded;
        }
    }
    total
}

/// Mean and mean moving range of a segment's base points (the first
/// `fix_after_n_points`, or all), screening large moving ranges once.
pub fn segment_limits(ys: &[f64], screen_outliers: bool, fix_after_n_points: Option<usize>) -> SegmentLimits {
    let base = &ys[..fix_after_n_points.map_or(ys.len(), |n| n.min(ys.len()))];
    let mean = r_mean(base);
    let moving_ranges: Vec<f64> = base.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mut mrbar = r_mean(&moving_ranges);
    if screen_outliers {
        // Strictly less than: when every range is 0 none is kept, and the
        // limits are undefined (upstream's behaviour, kept on purpose).
        let kept: Vec<f64> = moving_ranges.iter().copied().filter(|mr| *mr < OUTLIER_SCREEN * mrbar).collect();
        mrbar = r_mean(&kept);
    }
    SegmentLimits { mean, mrbar }
}

/// Per point: side of the mean (-1, 0, 1), outside the limits, close to them.
pub struct PointFlags {
    pub relative_to_mean: Vec<i8>,
    pub outside: Vec<bool>,
    pub close: Vec<bool>,
}

/// Comparisons with undefined (NaN) limits are false, as upstream's NA are.
pub fn point_flags(ys: &[f64], limits: &SegmentLimits) -> PointFlags {
    let upl = limits.mean + LIMIT * limits.mrbar;
    let lpl = limits.mean - LIMIT * limits.mrbar;
    let outside: Vec<bool> = ys.iter().map(|&y| y > upl || y < lpl).collect();
    let close = ys
        .iter()
        .zip(&outside)
        .map(|(&y, &out)| !out && (y < limits.near_lower() || y > limits.near_upper()))
        .collect();
    let relative_to_mean = ys.iter().map(|&y| sign(y - limits.mean)).collect();
    PointFlags { relative_to_mean, outside, close }
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// Upstream's `ptd_seven_point_one_side_mean`: 1 at each point that ends a run
/// of seven points on the same (non-zero) side of the mean.
pub fn seven_point_one_side_mean(relative_to_mean: &[i8]) -> Vec<i8> {
    (0..relative_to_mean.len())
        .map(|i| {
            let v = relative_to_mean[i];
            let run = i + 1 >= RUN_LENGTH && relative_to_mean[i + 1 - RUN_LENGTH..i].iter().all(|p| *p == v);
            i8::from(run && v != 0)
        })
        .collect()
}

/// Upstream's `ptd_part_of_seven_trend`: a point is part of a run when it or
/// one of the six points after it ends one.
pub fn part_of_seven_trend(ends: &[i8]) -> Vec<bool> {
    (0..ends.len()).map(|i| ends[i..(i + RUN_LENGTH).min(ends.len())].iter().any(|e| e.abs() == 1)).collect()
}

/// Upstream's `ptd_seven_point_trend`: +1 (-1) at each point that ends seven
/// points each strictly higher (lower) than the one before; a tie breaks it.
pub fn seven_point_trend(ys: &[f64]) -> Vec<i8> {
    (0..ys.len())
        .map(|i| {
            if i + 1 < RUN_LENGTH {
                return 0;
            }
            let steps: Vec<i8> = ys[i + 1 - RUN_LENGTH..=i].windows(2).map(|w| sign(w[1] - w[0])).collect();
            if steps.iter().all(|s| *s == 1) {
                1
            } else if steps.iter().all(|s| *s == -1) {
                -1
            } else {
                0
            }
        })
        .collect()
}

/// Upstream's `ptd_two_in_three`: true for each point in some window of three
/// consecutive points all strictly on one side of the mean with at least two
/// of them close to the limits.
pub fn two_in_three(close: &[bool], relative_to_mean: &[i8]) -> Vec<bool> {
    let n = close.len();
    let window = |first: isize| -> bool {
        // Windows reaching past either end count as not qualifying (upstream pads with zeros).
        if first < 0 || first as usize + 3 > n {
            return false;
        }
        let range = first as usize..first as usize + 3;
        let close_count = close[range.clone()].iter().filter(|c| **c).count();
        let side: i32 = relative_to_mean.get(range).map_or(0, |s| s.iter().map(|v| i32::from(*v)).sum());
        close_count >= 2 && side.abs() == 3
    };
    (0..n as isize).map(|i| window(i - 2) || window(i - 1) || window(i)).collect()
}

/// Upstream's `ptd_special_cause_type`: the one label of each point, by
/// priority: outside the limits, trend, two in three, shift, common cause.
pub fn special_cause_type(ys: &[f64], relative_to_mean: &[i8], close: &[bool], outside: &[bool]) -> Vec<SpecialCause> {
    let n = ys.len();
    let in_trend = part_of_seven_trend(&seven_point_trend(ys));
    let two_in_three = two_in_three(close, relative_to_mean);
    let in_shift = part_of_seven_trend(&seven_point_one_side_mean(relative_to_mean));
    (0..n)
        .map(|i| {
            let above = relative_to_mean[i] > 0;
            if outside[i] {
                if relative_to_mean[i] == 1 {
                    SpecialCause::AboveUpperLimit
                } else {
                    SpecialCause::BelowLowerLimit
                }
            } else if in_trend[i] {
                // A point in a trend on both sides takes the step after it;
                // otherwise the step before it. A zero step reads as decreasing.
                let step = if i + 1 < n && in_trend[i + 1] {
                    sign(ys[i + 1] - ys[i])
                } else if i > 0 {
                    sign(ys[i] - ys[i - 1])
                } else {
                    0
                };
                if step == 1 {
                    SpecialCause::TrendIncreasing
                } else {
                    SpecialCause::TrendDecreasing
                }
            } else if two_in_three[i] && close[i] {
                if above {
                    SpecialCause::TwoInThreeAbove
                } else {
                    SpecialCause::TwoInThreeBelow
                }
            } else if in_shift[i] {
                if above {
                    SpecialCause::ShiftAbove
                } else {
                    SpecialCause::ShiftBelow
                }
            } else {
                SpecialCause::CommonCause
            }
        })
        .collect()
}

/// Upstream's `ptd_point_type`: the label given a meaning by the direction.
pub fn point_type(cause: SpecialCause, direction: ImprovementDirection) -> PointType {
    let side = cause.side();
    if direction == ImprovementDirection::Neutral {
        return match side {
            1 => PointType::SpecialCauseNeutralHigh,
            -1 => PointType::SpecialCauseNeutralLow,
            _ => PointType::CommonCause,
        };
    }
    match side * direction.sign() {
        1 => PointType::SpecialCauseImprovement,
        -1 => PointType::SpecialCauseConcern,
        _ => PointType::CommonCause,
    }
}

/// The variation icon: from the last point's type only.
pub fn variation_icon(last: PointType, direction: ImprovementDirection) -> VariationIcon {
    let increase = direction == ImprovementDirection::Increase;
    match last {
        PointType::CommonCause => VariationIcon::CommonCause,
        PointType::SpecialCauseNeutralHigh => VariationIcon::NeutralHigh,
        PointType::SpecialCauseNeutralLow => VariationIcon::NeutralLow,
        PointType::SpecialCauseImprovement if increase => VariationIcon::ImprovementHigh,
        PointType::SpecialCauseImprovement => VariationIcon::ImprovementLow,
        PointType::SpecialCauseConcern if increase => VariationIcon::ConcernLow,
        PointType::SpecialCauseConcern => VariationIcon::ConcernHigh,
    }
}

/// The assurance icon from the current limits; none without a target or for a
/// neutral metric. Undefined limits, or a target exactly on a limit, are
/// "inconsistent".
pub fn assurance_icon(
    direction: ImprovementDirection,
    target: Option<f64>,
    lpl: Option<f64>,
    upl: Option<f64>,
) -> Option<AssuranceIcon> {
    let target = target?;
    let increase = match direction {
        ImprovementDirection::Neutral => return None,
        ImprovementDirection::Increase => true,
        ImprovementDirection::Decrease => false,
    };
    Some(if upl.is_some_and(|upl| target > upl) {
        if increase {
            AssuranceIcon::ConsistentFail
        } else {
            AssuranceIcon::ConsistentPass
        }
    } else if lpl.is_some_and(|lpl| target < lpl) {
        if increase {
            AssuranceIcon::ConsistentPass
        } else {
            AssuranceIcon::ConsistentFail
        }
    } else {
        AssuranceIcon::Inconsistent
    })
}

impl fmt::Display for VariationIcon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Display for AssuranceIcon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    //! Unit tests port the calculation expectations of NHSRplotthedots 0.2.2's own
    //! test suite (`tests/testthat/*.R` and `tests/testthat/_snaps/*.md` at commit
    //! 050b07d): a ported test is named after the upstream `test_that()` it
    //! reproduces and cites its file. R's 1-based positions are written as 0-based
    //! indices. The other unit tests pin edge cases from `making-data-count.md` to
    //! the upstream R source they cite, and the property tests at the end check
    //! the rules over random series.
    use super::*;
    use proptest::prelude::*;

    use ImprovementDirection::{Decrease, Increase, Neutral};

    /// R's `set.seed(123); rnorm(20)`, the series upstream's snapshots use.
    /// Full precision, from a re-implementation of R's default generator
    /// (Mersenne-Twister with inversion); the first 8 decimals are those R prints.
    pub const RNORM_123: [f64; 20] = [
        -0.5604756465522126,
        -0.23017748948327996,
        1.558708314149124,
        0.070508391424576,
        0.12928773516094624,
        1.715064986883281,
        0.4609162059892023,
        -1.265061234606534,
        -0.6868528518935261,
        -0.44566197009995806,
        1.2240817974394615,
        0.3598138270573638,
        0.40077145059405217,
        0.1106827159451197,
        -0.5558411347540749,
        1.7869131368030782,
        0.4978504782292394,
        -1.9666171566296382,
        0.7013559015636855,
        -0.47279140772793404,
    ];

    /// Draws 21 to 24 of the same stream: `set.seed(123); rnorm(24)[21:24]`.
    const RNORM_123_21_TO_24: [f64; 4] =
        [-1.0678237059868452, -0.21797491465829513, -1.0260044483072397, -0.7288912292911403];

    /// The next 12 draws after those 24, as `rnorm(12, 5)`.
    const RNORM_12_MEAN_5: [f64; 12] = [
        4.374960732150743,
        3.313306689257587,
        5.837787044494525,
        5.153373117836515,
        3.8618630629880526,
        6.253814921069926,
        5.426464221476814,
        4.704928517007729,
        5.8951256610450224,
        5.878133487533042,
        5.821581081637487,
        5.688640254100091,
    ];

    /// The next 12 draws after those, as `rnorm(12, -5)`.
    const RNORM_12_MEAN_MINUS_5: [f64; 12] = [
        -4.446082346462411,
        -5.061911710576721,
        -5.305962663739916,
        -5.380471001012383,
        -5.694706978920513,
        -5.207917278019599,
        -6.265396351568264,
        -2.8310440346614874,
        -3.7920380016950093,
        -6.123108583203349,
        -5.402884835299076,
        -5.466655353623219,
    ];

    // ---- Helpers ----

    fn with(direction: ImprovementDirection) -> SpcOptions {
        SpcOptions { improvement_direction: direction, ..SpcOptions::default() }
    }

    fn run(values: &[f64], options: &SpcOptions) -> SpcAnalysis {
        analyse(values, options).unwrap()
    }

    fn causes(analysis: &SpcAnalysis) -> Vec<SpecialCause> {
        analysis.points.iter().map(|p| p.special_cause).collect()
    }

    fn point_types(analysis: &SpcAnalysis) -> Vec<PointType> {
        analysis.points.iter().map(|p| p.point_type).collect()
    }

    /// R's 0/1 vectors as booleans.
    fn bools(v: &[u8]) -> Vec<bool> {
        v.iter().map(|x| *x == 1).collect()
    }

    fn floats(v: &[i32]) -> Vec<f64> {
        v.iter().map(|x| f64::from(*x)).collect()
    }

    /// The labels `ptd_special_cause_type` returns, as the Rust enum.
    fn r_label(label: &str) -> SpecialCause {
        match label {
            "Above UCL" => SpecialCause::AboveUpperLimit,
            "Below LCL" => SpecialCause::BelowLowerLimit,
            "7 Point Trend (Increasing)" => SpecialCause::TrendIncreasing,
            "7 Point Trend (Decreasing)" => SpecialCause::TrendDecreasing,
            "2 in 3 Above CL" => SpecialCause::TwoInThreeAbove,
            "2 in 3 Below CL" => SpecialCause::TwoInThreeBelow,
            "7 Points Above CL" => SpecialCause::ShiftAbove,
            "7 Points Below CL" => SpecialCause::ShiftBelow,
            "Common Cause" => SpecialCause::CommonCause,
            other => panic!("not an upstream label: {other}"),
        }
    }

    fn r_labels(labels: &[&str]) -> Vec<SpecialCause> {
        labels.iter().map(|l| r_label(l)).collect()
    }

    /// A number as a snapshot prints it: the value must round to the digits shown.
    #[track_caller]
    fn assert_printed(actual: f64, printed: &str) {
        let expected: f64 = printed.parse().unwrap();
        let decimals = printed.split('.').nth(1).map_or(0, str::len);
        let half_unit = 0.5 * 10f64.powi(-(decimals as i32));
        assert!((actual - expected).abs() <= half_unit * (1.0 + 1e-9), "{actual} does not print as {printed}");
    }

    /// `ptd_spc_standard`'s per-point columns for one segment.
    fn standard(ys: &[f64], screen_outliers: bool, fix_after_n_points: Option<usize>) -> (SegmentLimits, PointFlags) {
        let limits = segment_limits(ys, screen_outliers, fix_after_n_points);
        let flags = point_flags(ys, &limits);
        (limits, flags)
    }

    // ---- tests/testthat/test-ptd_calculate_point_type.R: ptd_seven_point_one_side_mean() ----

    // Upstream: tests/testthat/test-ptd_calculate_point_type.R
    #[test]
    fn ptd_seven_point_one_side_mean_works_as_expected() {
        assert_eq!(seven_point_one_side_mean(&[]), Vec::<i8>::new());
        assert_eq!(seven_point_one_side_mean(&[1; 6]), vec![0; 6]);
        assert_eq!(seven_point_one_side_mean(&[1, 1, 1, 1, 1, 1, -1]), vec![0; 7]);
        assert_eq!(seven_point_one_side_mean(&[1, 1, 1, 1, 1, 1, 1, 1, -1]), vec![0, 0, 0, 0, 0, 0, 1, 1, 0]);
        // Below the mean gives 1 too: the function marks runs, not their side.
        assert_eq!(seven_point_one_side_mean(&[-1, -1, -1, -1, -1, -1, -1, -1, 1]), vec![0, 0, 0, 0, 0, 0, 1, 1, 0]);
    }

    // Not an upstream case; follows from `vp[[i]] != 0` in R/ptd_calculate_point_type.R:
    // points exactly on the mean never make a run, and one of them ends a run.
    #[test]
    fn ptd_seven_point_one_side_mean_points_on_the_mean_break_runs() {
        assert_eq!(seven_point_one_side_mean(&[0; 8]), vec![0; 8]);
        assert_eq!(seven_point_one_side_mean(&[1, 1, 1, 0, 1, 1, 1, 1]), vec![0; 8]);
        assert_eq!(seven_point_one_side_mean(&[1, 1, 1, 1, 1, 1, -1, -1]), vec![0; 8]);
    }

    // ---- ptd_part_of_seven_trend() ----

    // Upstream: tests/testthat/test-ptd_calculate_point_type.R
    #[test]
    fn ptd_part_of_seven_trend_works_as_expected() {
        assert_eq!(part_of_seven_trend(&[]), Vec::<bool>::new());
        assert_eq!(part_of_seven_trend(&[0; 6]), bools(&[0, 0, 0, 0, 0, 0]));
        assert_eq!(part_of_seven_trend(&[0, 0, 0, 0, 0, 0, 1, 0]), bools(&[1, 1, 1, 1, 1, 1, 1, 0]));
        assert_eq!(part_of_seven_trend(&[0, 0, 0, 0, 0, 0, 0, 1, 0]), bools(&[0, 1, 1, 1, 1, 1, 1, 1, 0]));
        assert_eq!(part_of_seven_trend(&[0, 0, 0, 0, 0, 0, -1, 0]), bools(&[1, 1, 1, 1, 1, 1, 1, 0]));
        assert_eq!(part_of_seven_trend(&[0, 0, 0, 0, 0, 0, 0, -1, 0]), bools(&[0, 1, 1, 1, 1, 1, 1, 1, 0]));
    }

    // ---- ptd_seven_point_trend() ----

    // Upstream: tests/testthat/test-ptd_calculate_point_type.R
    #[test]
    fn ptd_seven_point_trend_works_as_expected() {
        assert_eq!(seven_point_trend(&[]), Vec::<i8>::new());
        // 1:6
        assert_eq!(seven_point_trend(&floats(&[1, 2, 3, 4, 5, 6])), vec![0; 6]);
        // c(1:3, 3:6): the tie breaks the trend
        assert_eq!(seven_point_trend(&floats(&[1, 2, 3, 3, 4, 5, 6])), vec![0; 7]);
        // 1:7
        assert_eq!(seven_point_trend(&floats(&[1, 2, 3, 4, 5, 6, 7])), vec![0, 0, 0, 0, 0, 0, 1]);
        // c(2, 1:7, 3)
        assert_eq!(seven_point_trend(&floats(&[2, 1, 2, 3, 4, 5, 6, 7, 3])), vec![0, 0, 0, 0, 0, 0, 0, 1, 0]);
        // 7:1
        assert_eq!(seven_point_trend(&floats(&[7, 6, 5, 4, 3, 2, 1])), vec![0, 0, 0, 0, 0, 0, -1]);
        // c(2, 7:1, 3)
        assert_eq!(seven_point_trend(&floats(&[2, 7, 6, 5, 4, 3, 2, 1, 3])), vec![0, 0, 0, 0, 0, 0, 0, -1, 0]);
    }

    // ---- ptd_two_in_three() ----

    // Upstream: tests/testthat/test-ptd_calculate_point_type.R
    #[test]
    fn ptd_two_in_three_works_as_expected() {
        assert_eq!(two_in_three(&[], &[]), Vec::<bool>::new());
        // ptd_two_in_three(numeric(3), numeric(1))
        assert_eq!(two_in_three(&[false; 3], &[0]), vec![false; 3]);

        let d = two_in_three(&bools(&[1, 0, 1]), &[1, 1, 1]);
        let e = two_in_three(&bools(&[0, 1, 1]), &[1, 1, 1]);
        let f = two_in_three(&bools(&[1, 1, 0]), &[1, 1, 1]);
        assert_eq!(d, e);
        assert_eq!(d, f);
        assert_eq!(d, vec![true; 3]);

        let g = two_in_three(&bools(&[0, 0, 1, 0, 1, 0, 0]), &[1; 7]);
        assert_eq!(g, bools(&[0, 0, 1, 1, 1, 0, 0]));

        let h = two_in_three(&bools(&[0, 0, 1, 1, 0, 0, 0]), &[1; 7]);
        assert_eq!(h, bools(&[0, 1, 1, 1, 1, 0, 0]));
    }

    // Upstream: tests/testthat/test-ptd_calculate_point_type.R
    #[test]
    fn ptd_two_in_three_works_as_expected_when_points_are_on_opposite_sides_of_the_mean() {
        assert_eq!(two_in_three(&bools(&[1, 0, 1]), &[1, -1, 1]), vec![false; 3]);
        assert_eq!(two_in_three(&bools(&[0, 1, 1]), &[1, -1, 1]), vec![false; 3]);
        assert_eq!(two_in_three(&bools(&[1, 1, 0]), &[1, -1, 1]), vec![false; 3]);
        assert_eq!(two_in_three(&bools(&[0, 0, 1, 0, 1, 0, 0]), &[1, -1, 1, -1, 1, -1, 1]), vec![false; 7]);
        assert_eq!(two_in_three(&bools(&[0, 0, 1, 1, 0, 0, 0]), &[-1, 1, -1, 1, -1, 1, -1]), vec![false; 7]);
    }

    // ---- ptd_part_of_two_in_three() ----

    /// Upstream's `ptd_part_of_two_in_three(ptd_two_in_three(close, rtm), close)`.
    fn part_of_two_in_three(close: &[bool], relative_to_mean: &[i8]) -> Vec<bool> {
        two_in_three(close, relative_to_mean).iter().zip(close).map(|(t, c)| *t && *c).collect()
    }

    // Upstream: tests/testthat/test-ptd_calculate_point_type.R. (Cases `b` and `g` there pass
    // the arguments in another order; the expected values are those of the real composition.)
    #[test]
    fn ptd_part_of_two_in_three_works_as_expected() {
        assert_eq!(part_of_two_in_three(&[], &[]), Vec::<bool>::new());
        assert_eq!(part_of_two_in_three(&[false; 3], &[0]), vec![false; 3]);
        let same_side = |close: &[u8], expected: &[u8]| {
            let rtm = vec![1; close.len()];
            assert_eq!(part_of_two_in_three(&bools(close), &rtm), bools(expected), "close = {close:?}");
        };
        same_side(&[1, 0, 1], &[1, 0, 1]);
        same_side(&[0, 1, 1], &[0, 1, 1]);
        same_side(&[1, 1, 0], &[1, 1, 0]);
        same_side(&[0, 0, 1, 0, 1, 0, 0], &[0, 0, 1, 0, 1, 0, 0]);
        same_side(&[0, 0, 1, 1, 0, 0, 0], &[0, 0, 1, 1, 0, 0, 0]);
        same_side(&[1, 0, 0, 1], &[0, 0, 0, 0]);
        same_side(&[1, 0, 0, 1, 1], &[0, 0, 0, 1, 1]);
    }

    // ---- ptd_special_cause_type() ----

    // Upstream: tests/testthat/test-ptd_calculate_point_type.R ("ptd_special_cause_type works as
    // expected"). Upstream stubs the helpers to put a trend at points 1-2, a shift at 3-4, a
    // 2-in-3 at 5 and outside points at 6-7. Real trends and shifts always cover at least 7
    // points, so the same positions cannot come from real inputs; these inputs give the same
    // labels in the same order, each rule winning over the ones below it.
    #[test]
    fn ptd_special_cause_type_works_as_expected() {
        let ys = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 6.5, 6.4, 0.0, -1.0, 0.5, 2.0];
        let relative_to_mean = [1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, 1];
        let close = bools(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
        let outside = bools(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
        let got = special_cause_type(&ys, &relative_to_mean, &close, &outside);
        let mut expected = vec!["7 Point Trend (Increasing)"; 7];
        expected.extend(["7 Points Above CL", "7 Points Above CL", "2 in 3 Below CL", "Below LCL", "Below LCL"]);
        expected.push("Common Cause");
        assert_eq!(got, r_labels(&expected));
    }

    // The same labels from a real series through `analyse` (inputs made up for this port; the
    // limits are mean -0.6423, LPL -4.6656, UPL 3.3809, near-lower line -3.3245).
    #[test]
    fn ptd_special_cause_type_works_as_expected_from_a_real_series() {
        let mut values = vec![1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
        values.extend([-1.2, -0.9, -0.3, 0.1, 0.4, 0.7, 1.0]); // 10-16: rising
        values.extend([0.8, 0.5, 0.6]); // 17-19: still above the mean, as are 12-16
        values.extend([-4.0, -1.5, -4.2]); // 20 and 22 near the lower limit
        values.extend([-9.0, 0.5, -0.2]); // 23 below it
        let analysis = run(&values, &SpcOptions::default());
        let current = analysis.current();
        assert_printed(current.mean, "-0.6423");
        assert_printed(current.lpl.unwrap(), "-4.6656");
        assert_printed(current.upl.unwrap(), "3.3809");
        let mut expected = vec!["Common Cause"; 10];
        expected.extend(["7 Point Trend (Increasing)"; 7]);
        expected.extend(["7 Points Above CL"; 3]);
        expected.extend(["2 in 3 Below CL", "Common Cause", "2 in 3 Below CL", "Below LCL"]);
        expected.extend(["Common Cause"; 2]);
        assert_eq!(causes(&analysis), r_labels(&expected));
        let mut types = vec![PointType::CommonCause; 10];
        types.extend([PointType::SpecialCauseImprovement; 10]);
        types.extend([PointType::SpecialCauseConcern, PointType::CommonCause, PointType::SpecialCauseConcern]);
        types.extend([PointType::SpecialCauseConcern, PointType::CommonCause, PointType::CommonCause]);
        assert_eq!(point_types(&analysis), types);
        // The last point is common cause, so the icon is too, despite the earlier signals.
        assert_eq!(analysis.variation_icon, VariationIcon::CommonCause);
    }

    // R/ptd_calculate_point_type.R: `sdy` takes the step after a point when the next point is
    // also in a trend, otherwise the step before it; `ifelse(sdy == 1, "In", "De")`.
    #[test]
    fn ptd_special_cause_type_trend_directions() {
        let none = |n: usize| (vec![0i8; n], vec![false; n], vec![false; n]);
        let labels = |ys: &[f64]| {
            let (rtm, close, outside) = none(ys.len());
            special_cause_type(ys, &rtm, &close, &outside)
        };
        // A falling trend, then a point that is not part of it.
        let falling = labels(&floats(&[7, 6, 5, 4, 3, 2, 1, 5]));
        let mut expected = vec![SpecialCause::TrendDecreasing; 7];
        expected.push(SpecialCause::CommonCause);
        assert_eq!(falling, expected);
        // A rising trend ending on the last point takes the step before it.
        assert_eq!(labels(&floats(&[0, 1, 2, 3, 4, 5, 6])), vec![SpecialCause::TrendIncreasing; 7]);
        // A zero step between two trends: the top of the rising trend reads "decreasing".
        let plateau = labels(&floats(&[1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1]));
        let mut expected = vec![SpecialCause::TrendIncreasing; 6];
        expected.extend([SpecialCause::TrendDecreasing; 8]);
        assert_eq!(plateau, expected);
        // A peak in both trends takes the step after it: decreasing.
        let peak = labels(&floats(&[1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]));
        let mut expected = vec![SpecialCause::TrendIncreasing; 6];
        expected.extend([SpecialCause::TrendDecreasing; 7]);
        assert_eq!(peak, expected);
        // Six steps are not enough.
        assert_eq!(labels(&floats(&[1, 2, 3, 4, 5, 6])), vec![SpecialCause::CommonCause; 6]);
    }

    // R/ptd_calculate_point_type.R: `case_when` order is outside, trend, two-in-three, shift.
    #[test]
    fn ptd_special_cause_type_priority() {
        // Every point rising, above the mean, close and outside: outside wins.
        let ys = floats(&[1, 2, 3, 4, 5, 6, 7]);
        let all = |v: bool| vec![v; 7];
        assert_eq!(special_cause_type(&ys, &[1; 7], &all(true), &all(true)), vec![SpecialCause::AboveUpperLimit; 7]);
        // Not outside: the trend wins over two-in-three and the shift.
        assert_eq!(special_cause_type(&ys, &[1; 7], &all(true), &all(false)), vec![SpecialCause::TrendIncreasing; 7]);
        // No trend: two-in-three wins over the shift, for the close points only.
        let flat = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0];
        let close = bools(&[1, 1, 0, 0, 0, 0, 0]);
        let mut expected = vec![SpecialCause::TwoInThreeAbove; 2];
        expected.extend([SpecialCause::ShiftAbove; 5]);
        assert_eq!(special_cause_type(&flat, &[1; 7], &close, &all(false)), expected);
        // Below the mean.
        let low = flat.map(|v| -v);
        let mut expected = vec![SpecialCause::TwoInThreeBelow; 2];
        expected.extend([SpecialCause::ShiftBelow; 5]);
        assert_eq!(special_cause_type(&low, &[-1; 7], &close, &all(false)), expected);
        // An outside point below the mean.
        assert_eq!(special_cause_type(&[0.0], &[-1], &[false], &[true]), vec![SpecialCause::BelowLowerLimit],);
    }

    // ---- ptd_point_type() ----

    // R/ptd_calculate_point_type.R `ptd_point_type`, and tests/testthat/test-ptd_spc.R
    // ("it calls ptd_calculate_point_type (increase)" / "(decrease)"): increase is 1,
    // decrease -1, neutral 0.
    #[test]
    fn ptd_point_type_orients_labels_by_improvement_direction() {
        assert_eq!((Increase.sign(), Decrease.sign(), Neutral.sign()), (1, -1, 0));
        use PointType::*;
        let high = [
            SpecialCause::AboveUpperLimit,
            SpecialCause::TrendIncreasing,
            SpecialCause::TwoInThreeAbove,
            SpecialCause::ShiftAbove,
        ];
        let low = [
            SpecialCause::BelowLowerLimit,
            SpecialCause::TrendDecreasing,
            SpecialCause::TwoInThreeBelow,
            SpecialCause::ShiftBelow,
        ];
        for cause in high {
            assert_eq!(point_type(cause, Increase), SpecialCauseImprovement, "{cause:?}");
            assert_eq!(point_type(cause, Decrease), SpecialCauseConcern, "{cause:?}");
            assert_eq!(point_type(cause, Neutral), SpecialCauseNeutralHigh, "{cause:?}");
        }
        for cause in low {
            assert_eq!(point_type(cause, Increase), SpecialCauseConcern, "{cause:?}");
            assert_eq!(point_type(cause, Decrease), SpecialCauseImprovement, "{cause:?}");
            assert_eq!(point_type(cause, Neutral), SpecialCauseNeutralLow, "{cause:?}");
        }
        for direction in ImprovementDirection::ALL {
            assert_eq!(point_type(SpecialCause::CommonCause, direction), CommonCause);
        }
    }

    // ---- tests/testthat/test-ptd_calculate_assurance_type.R ----

    /// The three facets upstream's assurance tests use: (lpl, upl), all with target 4.
    const ASSURANCE_FACETS: [(f64, f64); 3] = [(1.0, 3.0), (5.0, 7.0), (1.0, 5.0)];

    // Upstream: tests/testthat/test-ptd_calculate_assurance_type.R
    #[test]
    fn it_returns_no_assurance_if_there_is_no_target() {
        assert_eq!(assurance_icon(Increase, None, Some(1.0), Some(3.0)), None);
        assert_eq!(run(&RNORM_123, &with(Increase)).assurance_icon, None);
    }

    // Upstream: tests/testthat/test-ptd_calculate_assurance_type.R
    #[test]
    fn it_returns_correct_values_for_assurance_when_improvement_direction_is_increase() {
        let got: Vec<_> = ASSURANCE_FACETS
            .iter()
            .map(|(lpl, upl)| assurance_icon(Increase, Some(4.0), Some(*lpl), Some(*upl)))
            .collect();
        let expected = [AssuranceIcon::ConsistentFail, AssuranceIcon::ConsistentPass, AssuranceIcon::Inconsistent];
        assert_eq!(got, expected.map(Some));
    }

    // Upstream: tests/testthat/test-ptd_calculate_assurance_type.R
    #[test]
    fn it_returns_correct_values_for_assurance_when_improvement_direction_is_decrease() {
        let got: Vec<_> = ASSURANCE_FACETS
            .iter()
            .map(|(lpl, upl)| assurance_icon(Decrease, Some(4.0), Some(*lpl), Some(*upl)))
            .collect();
        let expected = [AssuranceIcon::ConsistentPass, AssuranceIcon::ConsistentFail, AssuranceIcon::Inconsistent];
        assert_eq!(got, expected.map(Some));
    }

    // Upstream: tests/testthat/test-ptd_calculate_assurance_type.R
    #[test]
    fn it_returns_correct_values_for_assurance_when_improvement_direction_is_neutral() {
        for (lpl, upl) in ASSURANCE_FACETS {
            assert_eq!(assurance_icon(Neutral, Some(4.0), Some(lpl), Some(upl)), None);
        }
        let options = SpcOptions { target: Some(100.0), ..with(Neutral) };
        assert_eq!(run(&RNORM_123, &options).assurance_icon, None);
    }

    // Upstream: tests/testthat/test-ptd_calculate_assurance_type.R. Only the last row (the last
    // rebase segment) counts: upstream reorders the rows; here the last segment is each of the
    // three in turn, and then a real rebased series shows `analyse` uses its last segment.
    #[test]
    fn it_returns_correct_values_for_assurance_when_rebase() {
        for (order, expected) in [
            ([0, 1, 2], AssuranceIcon::Inconsistent),
            ([1, 2, 0], AssuranceIcon::ConsistentPass),
            ([2, 0, 1], AssuranceIcon::ConsistentFail),
        ] {
            let (lpl, upl) = ASSURANCE_FACETS[order[2]];
            assert_eq!(assurance_icon(Decrease, Some(4.0), Some(lpl), Some(upl)), Some(expected), "{order:?}");
        }
        // First segment 0,1,0,1,... (limits -2.16 to 3.16), second 10,11,10,11,... (7.84 to 13.16).
        let values: Vec<f64> = (0..20).map(|i| f64::from(i % 2) + if i < 10 { 0.0 } else { 10.0 }).collect();
        let options = SpcOptions { target: Some(4.0), rebase: vec![10], ..with(Decrease) };
        let analysis = run(&values, &options);
        assert_printed(analysis.segments[0].upl.unwrap(), "3.16");
        assert_printed(analysis.current().lpl.unwrap(), "7.84");
        assert_eq!(analysis.assurance_icon, Some(AssuranceIcon::ConsistentFail));
        let first_only = run(&values[..10], &SpcOptions { rebase: vec![], ..options });
        assert_eq!(first_only.assurance_icon, Some(AssuranceIcon::ConsistentPass));
    }

    // R/ptd_calculate_assurance_type.R: `target > upl` and `target < lpl` are strict, and NA
    // comparisons fall through to "inconsistent".
    #[test]
    fn assurance_is_inconsistent_for_a_target_on_a_limit_or_undefined_limits() {
        for direction in [Increase, Decrease] {
            assert_eq!(assurance_icon(direction, Some(3.0), Some(1.0), Some(3.0)), Some(AssuranceIcon::Inconsistent));
            assert_eq!(assurance_icon(direction, Some(1.0), Some(1.0), Some(3.0)), Some(AssuranceIcon::Inconsistent));
            assert_eq!(assurance_icon(direction, Some(1e9), None, None), Some(AssuranceIcon::Inconsistent));
            assert_eq!(assurance_icon(direction, Some(-1e9), None, None), Some(AssuranceIcon::Inconsistent));
        }
        // Through `analyse`: a target exactly on the computed UPL or LPL.
        let limits = *run(&RNORM_123, &SpcOptions::default()).current();
        for target in [limits.upl.unwrap(), limits.lpl.unwrap()] {
            let analysis = run(&RNORM_123, &SpcOptions { target: Some(target), ..SpcOptions::default() });
            assert_eq!(analysis.assurance_icon, Some(AssuranceIcon::Inconsistent));
        }
        // Undefined limits (every value the same; a single point) with a far-off target.
        for values in [vec![5.0; 15], vec![5.0]] {
            for direction in [Increase, Decrease] {
                let analysis = run(&values, &SpcOptions { target: Some(1000.0), ..with(direction) });
                assert_eq!(analysis.assurance_icon, Some(AssuranceIcon::Inconsistent), "{values:?}");
            }
        }
    }

    // ---- tests/testthat/test-geom_ptd_icon.R: ptd_get_icons() ----

    // R/geom_ptd_icon.R `variation_icon_file`: the icon for the last point's type.
    #[test]
    fn ptd_get_icons_variation_icon_for_each_point_type() {
        use PointType::*;
        for direction in ImprovementDirection::ALL {
            assert_eq!(variation_icon(CommonCause, direction), VariationIcon::CommonCause);
        }
        assert_eq!(variation_icon(SpecialCauseImprovement, Increase), VariationIcon::ImprovementHigh);
        assert_eq!(variation_icon(SpecialCauseImprovement, Decrease), VariationIcon::ImprovementLow);
        assert_eq!(variation_icon(SpecialCauseConcern, Increase), VariationIcon::ConcernLow);
        assert_eq!(variation_icon(SpecialCauseConcern, Decrease), VariationIcon::ConcernHigh);
        assert_eq!(variation_icon(SpecialCauseNeutralHigh, Neutral), VariationIcon::NeutralHigh);
        assert_eq!(variation_icon(SpecialCauseNeutralLow, Neutral), VariationIcon::NeutralLow);
        // The icon file names.
        let names: Vec<_> = [
            VariationIcon::CommonCause,
            VariationIcon::ImprovementHigh,
            VariationIcon::ImprovementLow,
            VariationIcon::ConcernHigh,
            VariationIcon::ConcernLow,
            VariationIcon::NeutralHigh,
            VariationIcon::NeutralLow,
        ]
        .map(VariationIcon::as_str)
        .into();
        assert_eq!(
            names,
            [
                "common_cause",
                "improvement_high",
                "improvement_low",
                "concern_high",
                "concern_low",
                "neutral_high",
                "neutral_low"
            ]
        );
    }

    /// One facet's icons as `ptd_get_icons` lists them: the variation icon file and, with a
    /// target (and not neutral), the assurance icon file.
    fn icons(
        values: &[f64],
        direction: ImprovementDirection,
        target: Option<f64>,
    ) -> (&'static str, Option<&'static str>) {
        let analysis = run(values, &SpcOptions { target, ..with(direction) });
        let assurance = analysis.assurance_icon.map(|icon| match icon {
            AssuranceIcon::ConsistentFail => "fail",
            AssuranceIcon::ConsistentPass => "pass",
            AssuranceIcon::Inconsistent => "inconsistent",
        });
        (analysis.variation_icon.as_str(), assurance)
    }

    // Upstream: tests/testthat/test-geom_ptd_icon.R ("ptd_get_icons transforms the data
    // correctly"). `d$y` is `rnorm(24)` after `set.seed(123)`; facet `f` is 0 for rows 1-12
    // and 1 for rows 13-24 (indices 0-11 and 12-23); a facet is a separate series here.
    #[test]
    fn ptd_get_icons_transforms_the_data_correctly() {
        let mut y: Vec<f64> = RNORM_123.iter().chain(&RNORM_123_21_TO_24).copied().collect();
        assert_eq!(y.len(), 24);

        // s1, s2: no facet.
        assert_eq!(icons(&y, Increase, None), ("common_cause", None));
        assert_eq!(icons(&y, Increase, Some(0.5)), ("common_cause", Some("inconsistent")));
        // s3, s4: one icon (pair) per facet.
        for facet in [&y[..12], &y[12..]] {
            assert_eq!(icons(facet, Increase, None), ("common_cause", None));
            assert_eq!(icons(facet, Increase, Some(0.5)), ("common_cause", Some("inconsistent")));
        }

        // d$y[d$f == 1] <- rnorm(12, 5)
        y[12..].copy_from_slice(&RNORM_12_MEAN_5);
        assert_eq!(icons(&y, Increase, Some(-3.0)), ("improvement_high", Some("pass"))); // s5
        assert_eq!(icons(&y, Decrease, Some(-3.0)), ("concern_high", Some("fail"))); // s6

        // d$y[d$f == 1] <- rnorm(12, -5)
        y[12..].copy_from_slice(&RNORM_12_MEAN_MINUS_5);
        assert_eq!(icons(&y, Increase, Some(3.0)), ("concern_low", Some("fail"))); // s7
        assert_eq!(icons(&y, Decrease, Some(3.0)), ("improvement_low", Some("pass"))); // s8
        assert_eq!(icons(&y, Neutral, Some(3.0)), ("neutral_low", None)); // s9: no assurance row
    }

    // ---- tests/testthat/test-ptd_spc_standard.R (snapshots in _snaps/ptd_spc_standard.md) ----

    /// Upstream's `data$y[15] <- 10` (index 14).
    fn rnorm_with_outlier() -> Vec<f64> {
        let mut y = RNORM_123.to_vec();
        y[14] = 10.0;
        y
    }

    // Upstream: tests/testthat/_snaps/ptd_spc_standard.md (r1) and _snaps/ptd_spc.md (summary).
    #[test]
    fn limits_match_the_upstream_snapshot() {
        let analysis = analyse(&RNORM_123, &SpcOptions::default()).unwrap();
        let current = analysis.current();
        assert!((current.mean - 0.1416238).abs() < 1e-7, "{}", current.mean);
        assert!((current.lpl.unwrap() - -3.01138).abs() < 1e-5);
        assert!((current.upl.unwrap() - 3.294627).abs() < 1e-6);
        assert!(analysis.points.iter().all(|p| p.point_type == PointType::CommonCause));
        assert_eq!(analysis.variation_icon, VariationIcon::CommonCause);
        assert_eq!(analysis.assurance_icon, None);
    }

    // Upstream: tests/testthat/test-ptd_spc_standard.R ("it returns expected values"), the
    // glimpse() snapshots r1, r2 and r3 in tests/testthat/_snaps/ptd_spc_standard.md. A
    // glimpse shows only the first values of a column: those are checked.
    #[test]
    fn it_returns_expected_values() {
        let check = |ys: &[f64], screen: bool, mean: &str, lpl: &str, upl: &str, rtm: &[i8]| {
            let (limits, flags) = standard(ys, screen, None);
            assert_printed(limits.mean, mean);
            assert_printed(limits.lpl().unwrap(), lpl);
            assert_printed(limits.upl().unwrap(), upl);
            assert_eq!(&flags.relative_to_mean[..rtm.len()], rtm);
            assert_eq!(&flags.outside[..8], &[false; 8]);
            assert_eq!(&flags.close[..8], &[false; 8]);
            // The same numbers from the public entry point, for every row (`rebase_group` 0).
            let options = SpcOptions { screen_outliers: screen, ..SpcOptions::default() };
            let analysis = run(ys, &options);
            assert_eq!(analysis.segments.len(), 1);
            assert_eq!(analysis.current().mean, limits.mean);
            assert_eq!(analysis.current().lpl, limits.lpl());
            assert_eq!(analysis.current().upl, limits.upl());
            assert!(analysis.points.iter().all(|p| p.segment == 0));
            (limits.lpl().unwrap(), limits.upl().unwrap())
        };

        let r1 = check(
            &RNORM_123,
            true,
            "0.1416238",
            "-3.01138",
            "3.294627",
            &[-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1],
        );
        let y = rnorm_with_outlier();
        let r2_rtm = [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1];
        let r2 = check(&y, true, "0.6694159", "-2.383666", "3.722497", &r2_rtm);
        let r3 = check(&y, false, "0.6694159", "-4.596625", "5.935457", &r2_rtm);

        // "check that we have different limits for all of the results"
        assert!(r1.0 != r2.0 && r1.0 != r3.0 && r2.0 != r3.0);
        assert!(r1.1 != r2.1 && r1.1 != r3.1 && r2.1 != r3.1);
        // Without screening the range is wider.
        assert!(r3.1 - r3.0 > r2.1 - r2.0);
    }

    // Upstream: tests/testthat/test-ptd_spc_standard.R ("it sets the rebase_group field"):
    // `rebase = c(rep(0, 10), 1, rep(0, 9))` gives groups `c(rep(0, 10), rep(1, 10))`, so the
    // rebase is at index 10. The two groups' limits are those of the two facets (the same
    // halves) in the summary snapshot in tests/testthat/_snaps/ptd_spc.md.
    #[test]
    fn it_sets_the_rebase_group_field() {
        let unrebased = run(&RNORM_123, &SpcOptions::default());
        assert!(unrebased.points.iter().all(|p| p.segment == 0));

        let analysis = run(&RNORM_123, &SpcOptions { rebase: vec![10], ..SpcOptions::default() });
        let groups: Vec<usize> = analysis.points.iter().map(|p| p.segment).collect();
        let expected: Vec<usize> = [0; 10].into_iter().chain([1; 10]).collect();
        assert_eq!(groups, expected);
        assert_eq!((analysis.segments[0].start, analysis.segments[0].end), (0, 9));
        assert_eq!((analysis.segments[1].start, analysis.segments[1].end), (10, 19));
        for (segment, [mean, lpl, upl]) in
            analysis.segments.iter().zip([["0.0746", "-2.60", "2.75"], ["0.209", "-3.28", "3.70"]])
        {
            assert_printed(segment.mean, mean);
            assert_printed(segment.lpl.unwrap(), lpl);
            assert_printed(segment.upl.unwrap(), upl);
        }
        assert!(analysis.points.iter().all(|p| p.point_type == PointType::CommonCause));
    }

    // Upstream: tests/testthat/test-ptd_spc_standard.R ("setting fix_after_n_points changes the
    // calculations").
    #[test]
    fn setting_fix_after_n_points_changes_the_calculations() {
        let s0 = run(&RNORM_123, &SpcOptions::default());
        let s1 = run(&RNORM_123, &SpcOptions { fix_after_n_points: Some(12), ..SpcOptions::default() });
        assert_ne!(s1.current().lpl, s0.current().lpl);
        assert_ne!(s1.current().upl, s0.current().upl);
        // `fix_y` keeps rows 1-12: the limits are those of the first 12 values alone, and they
        // apply to all 20 points.
        let first_12 = run(&RNORM_123[..12], &SpcOptions::default());
        assert_eq!(s1.segments.len(), 1);
        assert_eq!((s1.current().start, s1.current().end), (0, 19));
        assert_eq!(s1.current().mean, first_12.current().mean);
        assert_eq!(s1.current().lpl, first_12.current().lpl);
        assert_eq!(s1.current().upl, first_12.current().upl);
        // Fixing after at least as many points as there are changes nothing.
        for n in [20, 21, 1000] {
            assert_eq!(
                run(&RNORM_123, &SpcOptions { fix_after_n_points: Some(n), ..SpcOptions::default() }).segments,
                s0.segments
            );
        }
    }

    // Upstream: tests/testthat/test-ptd_spc_standard.R ("it only reports special cause for 2of3
    // points close to limits when they are on the same side of the mean"): 1, -1 repeated 8
    // times, with `data[15] <- 5.5` and `data[16] <- -5.5` (indices 14 and 15).
    #[test]
    fn it_only_reports_special_cause_for_2of3_points_close_to_limits_when_they_are_on_the_same_side_of_the_mean() {
        let mut values: Vec<f64> = (0..16).map(|i| if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
        values[14] = 5.5;
        values[15] = -5.5;
        let analysis = run(&values, &SpcOptions::default());
        assert_eq!(point_types(&analysis)[14..], [PointType::CommonCause; 2]);
        // Both points are close to the limits (on opposite sides), which is what the test is about.
        let (_, flags) = standard(&values, true, None);
        assert_eq!((flags.close[14], flags.close[15]), (true, true));
        assert_eq!((flags.relative_to_mean[14], flags.relative_to_mean[15]), (1, -1));
    }

    // ---- tests/testthat/test-ptd_spc.R (summary snapshots in _snaps/ptd_spc.md) ----

    // Upstream: tests/testthat/test-ptd_spc.R ("it outputs expected content"): the summary
    // tibbles of s1 (no facet), s3 (facet = rep(c(0, 1), each = 10)) and s5 (target 0.5);
    // s2 and s4 rebase on 2020-01-01, a date before the data, which changes nothing.
    #[test]
    fn it_outputs_expected_content() {
        let summary = |values: &[f64], options: &SpcOptions, mean: &str, lpl: &str, upl: &str| {
            let analysis = run(values, options);
            let segment = analysis.current();
            assert_printed(segment.mean, mean);
            assert_printed(segment.lpl.unwrap(), lpl);
            assert_printed(segment.upl.unwrap(), upl);
            let count = |t: PointType| analysis.points.iter().filter(|p| p.point_type == t).count();
            // n, common_cause, special_cause_improvement, special_cause_concern
            let n = values.len();
            assert_eq!(
                (analysis.points.len(), count(PointType::CommonCause), count(PointType::SpecialCauseImprovement)),
                (n, n, 0)
            );
            assert_eq!(count(PointType::SpecialCauseConcern), 0);
            assert_eq!(analysis.variation_icon, VariationIcon::CommonCause);
            analysis
        };
        summary(&RNORM_123, &SpcOptions::default(), "0.142", "-3.01", "3.29");
        summary(&RNORM_123[..10], &SpcOptions::default(), "0.0746", "-2.60", "2.75");
        summary(&RNORM_123[10..], &SpcOptions::default(), "0.209", "-3.28", "3.70");
        let s5 =
            summary(&RNORM_123, &SpcOptions { target: Some(0.5), ..SpcOptions::default() }, "0.142", "-3.01", "3.29");
        // "summary with a target": the assurance column is not printed in the snapshot; 0.5
        // lies between the limits, so it is "inconsistent".
        assert_eq!(s5.assurance_icon, Some(AssuranceIcon::Inconsistent));
    }

    // ---- tests/testthat/test-ptd_add_rebase_column.R and test-ptd_rebase.R ----

    // Upstream: tests/testthat/test-ptd_add_rebase_column.R, and test-ptd_rebase.R ("it
    // returns NULL if no arguments are passed"): no rebase, one group per facet.
    #[test]
    fn it_adds_a_column_of_zeros_if_no_rebase_is_provided() {
        assert!(SpcOptions::default().rebase.is_empty());
        let values: Vec<f64> = RNORM_123.to_vec();
        for facet in [&values[..10], &values[10..]] {
            let analysis = run(facet, &SpcOptions::default());
            assert_eq!(analysis.segments.len(), 1);
            assert!(analysis.points.iter().all(|p| p.segment == 0));
        }
    }

    /// Which segment each point is in.
    fn rebase_groups(analysis: &SpcAnalysis) -> Vec<usize> {
        analysis.points.iter().map(|p| p.segment).collect()
    }

    // Upstream: tests/testthat/test-ptd_add_rebase_column.R. Dates are 2020-01-02 to
    // 2020-01-11 in each facet; rebasing on 2020-01-03 and 2020-01-08 marks
    // `c(0, 1, rep(0, 4), 1, rep(0, 3))`: indices 1 and 6.
    #[test]
    fn it_correctly_sets_rebase_column_when_a_date_vector_is_passed() {
        let values: Vec<f64> = RNORM_123.to_vec();
        for facet in [&values[..10], &values[10..]] {
            let analysis = run(facet, &SpcOptions { rebase: vec![1, 6], ..SpcOptions::default() });
            assert_eq!(rebase_groups(&analysis), [0, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
            let bounds: Vec<_> = analysis.segments.iter().map(|s| (s.start, s.end)).collect();
            assert_eq!(bounds, [(0, 0), (1, 5), (6, 9)]);
        }
    }

    // Upstream: tests/testthat/test-ptd_add_rebase_column.R: a list rebases facet "a" on
    // 2020-01-03 (index 1) and facet "b" on 2020-01-08 (index 6).
    #[test]
    fn it_correctly_sets_rebase_column_when_a_list_is_passed() {
        let a = run(&RNORM_123[..10], &SpcOptions { rebase: vec![1], ..SpcOptions::default() });
        let b = run(&RNORM_123[10..], &SpcOptions { rebase: vec![6], ..SpcOptions::default() });
        assert_eq!(rebase_groups(&a), [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(rebase_groups(&b), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    }

    // Upstream: tests/testthat/test-ptd_rebase.R ("it returns a date vector if a single date
    // vector is passed"): several rebase points at once, in any order; a point given twice, or
    // the first point (R/ptd_spc_standard.R: `cumsum(rebase)` starts every row in group 1), has
    // no further effect.
    #[test]
    fn it_returns_a_date_vector_if_a_single_date_vector_is_passed() {
        let analysis = run(&RNORM_123, &SpcOptions { rebase: vec![3, 0, 2, 1, 3], ..SpcOptions::default() });
        let bounds: Vec<_> = analysis.segments.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(bounds, [(0, 0), (1, 1), (2, 2), (3, 19)]);
    }

    // ---- tests/testthat/test-ptd_add_short_group_warnings.R ----

    // Upstream: tests/testthat/test-ptd_add_short_group_warnings.R. Upstream's tests pass a
    // threshold of 12; the package default (R/ptd_add_short_group_warnings.R) is 13, which
    // `SHORT_SEGMENT` follows. The flag changes no calculation.
    #[test]
    fn it_warns_when_a_group_is_shorter_than_the_warning_threshold() {
        let values: Vec<f64> = (0..80).map(|i| f64::from(i % 5)).collect();
        let short = |n: usize| run(&values[..n], &SpcOptions::default()).current().is_short();
        assert!(short(11));
        assert!(short(12)); // not short at upstream's test threshold of 12, short at the default 13
        assert!(!short(13));
        assert!(!short(20));
        // "it handles facets and rebase groups - warning on one facet": groups of 35, 5, 20, 20.
        let facet_a = run(&values[..40], &SpcOptions { rebase: vec![35], ..SpcOptions::default() });
        let flags: Vec<bool> = facet_a.segments.iter().map(Segment::is_short).collect();
        assert_eq!(flags, [false, true]);
        let facet_b = run(&values[40..], &SpcOptions { rebase: vec![20], ..SpcOptions::default() });
        assert!(facet_b.segments.iter().all(|s| !s.is_short()));
        // The short group's limits are still computed (trial limits).
        assert!(facet_a.segments[1].upl.is_some());
    }

    // ---- tests/testthat/test-ptd_spc_options.R ----

    // Upstream: tests/testthat/test-ptd_spc_options.R ("fix_after_n_points must be a single
    // numeric that is greater than or equal to 12.")
    #[test]
    fn fix_after_n_points_must_be_a_single_numeric_that_is_greater_than_or_equal_to_12() {
        let fix = |n| SpcOptions { fix_after_n_points: Some(n), ..SpcOptions::default() };
        assert_eq!(analyse(&RNORM_123, &fix(11)), Err(SpcError::FixTooSoon(11)));
        assert_eq!(analyse(&RNORM_123, &fix(0)), Err(SpcError::FixTooSoon(0)));
        assert!(analyse(&RNORM_123, &fix(12)).is_ok());
        // The default is not set: all points are used (R/ptd_spc.R `fix_after_n_points = NULL`).
        assert_eq!(SpcOptions::default().fix_after_n_points, None);
    }

    // Upstream: tests/testthat/test-ptd_spc_options.R ("improvement_direction defaults to
    // increase", "improvement_direction must be one of increase, neutral, or decrease"), and
    // `screen_outliers = TRUE` by default (R/ptd_spc.R).
    #[test]
    fn improvement_direction_defaults_to_increase() {
        assert_eq!(ImprovementDirection::default(), Increase);
        assert_eq!(SpcOptions::default().improvement_direction, Increase);
        assert!(SpcOptions::default().screen_outliers);
        assert_eq!(SpcOptions::default().target, None);
        for (text, direction) in [("increase", Increase), ("neutral", Neutral), ("decrease", Decrease)] {
            assert_eq!(ImprovementDirection::parse(text), Some(direction));
        }
        assert_eq!(ImprovementDirection::parse("a"), None);
        assert_eq!(ImprovementDirection::parse("Increase"), None);
    }

    // ---- Edge cases in making-data-count.md (R/ptd_spc_standard.R) ----

    #[test]
    fn all_values_equal_gives_undefined_limits() {
        // Screening: no moving range is `< 3.267 * 0`, so the screened mrbar is NaN.
        let analysis = run(&[4.0; 20], &SpcOptions { target: Some(4.0), ..SpcOptions::default() });
        let current = analysis.current();
        assert_eq!((current.mean, current.lpl, current.upl), (4.0, None, None));
        assert!(analysis.points.iter().all(|p| p.point_type == PointType::CommonCause));
        assert_eq!(analysis.variation_icon, VariationIcon::CommonCause);
        assert_eq!(analysis.assurance_icon, Some(AssuranceIcon::Inconsistent));
        // Without screening mrbar is 0: the limits are the mean, and no point is beyond them.
        let unscreened = run(&[4.0; 20], &SpcOptions { screen_outliers: false, ..SpcOptions::default() });
        assert_eq!((unscreened.current().lpl, unscreened.current().upl), (Some(4.0), Some(4.0)));
        assert!(unscreened.points.iter().all(|p| p.point_type == PointType::CommonCause));
    }

    #[test]
    fn a_single_point_gives_undefined_limits() {
        for screen_outliers in [true, false] {
            for direction in ImprovementDirection::ALL {
                let options = SpcOptions { screen_outliers, ..with(direction) };
                let analysis = run(&[7.5], &options);
                let current = analysis.current();
                assert_eq!((current.start, current.end, current.mean), (0, 0, 7.5));
                assert_eq!((current.lpl, current.upl), (None, None));
                assert!(current.is_short());
                assert_eq!(point_types(&analysis), [PointType::CommonCause]);
                assert_eq!(analysis.variation_icon, VariationIcon::CommonCause);
            }
        }
        // A one-point segment after a rebase.
        let analysis = run(&RNORM_123, &SpcOptions { rebase: vec![19], ..SpcOptions::default() });
        assert_eq!((analysis.current().lpl, analysis.current().upl), (None, None));
        assert!(analysis.segments[0].upl.is_some());
    }

    // Limits fixed on a flat start are undefined, but later points still form shifts; a point
    // with undefined limits is never outside nor close (R's NA comparisons).
    #[test]
    fn undefined_limits_still_allow_runs() {
        let mut values = vec![1.0; 12];
        values.extend([2.0; 7]);
        let analysis = run(&values, &SpcOptions { fix_after_n_points: Some(12), ..SpcOptions::default() });
        assert_eq!((analysis.current().lpl, analysis.current().upl), (None, None));
        let mut expected = vec![SpecialCause::CommonCause; 12];
        expected.extend([SpecialCause::ShiftAbove; 7]);
        assert_eq!(causes(&analysis), expected);
        assert_eq!(analysis.variation_icon, VariationIcon::ImprovementHigh);
    }

    // The variation icon uses the last point only (R/geom_ptd_icon.R: `x == max(x)`).
    #[test]
    fn common_cause_last_point_gives_common_cause_variation_icon() {
        let mut values = RNORM_123.to_vec();
        values[5] = 20.0; // far above the upper limit
        let analysis = run(&values, &SpcOptions::default());
        assert_eq!(analysis.points[5].special_cause, SpecialCause::AboveUpperLimit);
        assert_eq!(analysis.points[19].point_type, PointType::CommonCause);
        assert_eq!(analysis.variation_icon, VariationIcon::CommonCause);
        // The same point last gives the special-cause icon.
        values[19] = 20.0;
        values[5] = RNORM_123[5];
        assert_eq!(run(&values, &SpcOptions::default()).variation_icon, VariationIcon::ImprovementHigh);
        assert_eq!(run(&values, &with(Decrease)).variation_icon, VariationIcon::ConcernHigh);
        assert_eq!(run(&values, &with(Neutral)).variation_icon, VariationIcon::NeutralHigh);
    }

    // making-data-count.md: a falling trend of points above the mean ends in concern_low for
    // an increase metric.
    #[test]
    fn a_falling_trend_above_the_mean_gives_concern_low() {
        let mut values: Vec<f64> = (0..20).map(|i| if i % 2 == 0 { -3.0 } else { -1.0 }).collect();
        values.extend([6.0, 5.0, 4.0, 3.5, 3.0, 2.5, 2.0]);
        let analysis = run(&values, &SpcOptions::default());
        assert!(values[20..].iter().all(|v| *v > analysis.current().mean));
        assert_eq!(analysis.points[26].special_cause, SpecialCause::TrendDecreasing);
        assert_eq!(analysis.variation_icon, VariationIcon::ConcernLow);
    }

    // R/ptd_spc_standard.R: the moving ranges are screened once, not repeatedly. MRs: ten of
    // 1, one of 100 and one of 10; mrbar 10, so only the 100 is dropped (a second pass,
    // with mrbar 20/11, would drop the 10 as well).
    #[test]
    fn outlier_screening_happens_once() {
        let mut values: Vec<f64> = (0..11).map(|i| f64::from(i % 2)).collect();
        values.extend([100.0, 90.0]);
        let screened = segment_limits(&values, true, None);
        assert!((screened.mrbar - 20.0 / 11.0).abs() < 1e-12, "{}", screened.mrbar);
        let unscreened = segment_limits(&values, false, None);
        assert!((unscreened.mrbar - 10.0).abs() < 1e-12, "{}", unscreened.mrbar);
    }

    // R/ptd_spc_standard.R: outside and close use strict comparisons, and an outside point is
    // not close.
    #[test]
    fn outside_and_close_flags() {
        let limits = SegmentLimits { mean: 0.0, mrbar: 1.0 };
        let ys = [LIMIT, LIMIT + 0.01, -LIMIT - 0.01, NEAR_LIMIT, NEAR_LIMIT + 0.01, -2.0, 0.0, -0.5];
        let flags = point_flags(&ys, &limits);
        assert_eq!(flags.outside, [false, true, true, false, false, false, false, false]);
        assert_eq!(flags.close, [true, false, false, false, true, true, false, false]);
        assert_eq!(flags.relative_to_mean, [1, 1, -1, 1, 1, -1, 0, -1]);
        // Undefined limits: neither outside nor close.
        let undefined = point_flags(&ys, &SegmentLimits { mean: 0.0, mrbar: f64::NAN });
        assert!(undefined.outside.iter().chain(&undefined.close).all(|f| !f));
    }

    // R's `mean()` sums in long double (`real_mean` in R's src/main/summary.c), exact for data
    // like these, so the mean is the true mean of the doubles rounded once. Summing in f64
    // gave 0.8000000000000002, 0.09999999999999999, -0.8999999999999999 and 1.85e-17 here.
    // (Found by comparing `analyse` with a line-by-line transcription of upstream's R code on
    // 24,000 random series; these values are R's exact results, not upstream test cases.)
    #[test]
    fn the_mean_is_rounded_once_as_in_r() {
        assert_eq!(r_mean(&[0.8, 2.2, 1.6, -1.4]), 0.8);
        assert_eq!(r_mean(&[0.3, 1.0, -2.4, 1.7, -1.0, 0.1, 1.0]), 0.1);
        assert_eq!(r_mean(&[-0.9, -0.4, 2.0, -1.8, -1.4, -2.4, -1.4]), -0.9);
        assert!(r_mean(&[]).is_nan());
        assert_eq!(r_mean(&[0.1; 1000]), 0.1);

        // Where it matters: limits fixed on 12 points whose mean is exactly 0, so the 0.0 at
        // index 20 is on the mean (side 0) and splits the 8 points at 18-25 into runs of 2 and
        // 5. Off by an ulp, those 8 points would be a shift.
        let values = [
            0.5, 0.4, 0.7, 1.7, -2.5, 1.7, -1.0, -0.9, 0.2, 1.1, -0.2, -1.7, 1.0, 1.4, -2.2, 1.6, 0.3, 0.8, -0.5, -1.4,
            0.0, -2.1, -0.9, -0.2, -0.8, -0.6, 1.2, 0.3, 1.2, -0.6,
        ];
        assert_eq!(r_mean(&values[..12]), 0.0);
        let analysis = run(&values, &SpcOptions { fix_after_n_points: Some(12), ..SpcOptions::default() });
        assert_eq!(analysis.current().mean, 0.0);
        assert!(causes(&analysis).iter().all(|c| *c == SpecialCause::CommonCause), "{:?}", causes(&analysis));
    }

    // Input checks (the API's; upstream refuses fix_after_n_points < 12 the same way).
    #[test]
    fn invalid_inputs_are_refused() {
        let options = SpcOptions::default();
        assert_eq!(analyse(&[], &options), Err(SpcError::Empty));
        assert_eq!(analyse(&[0.0; MAX_VALUES + 1], &options), Err(SpcError::TooMany(MAX_VALUES + 1)));
        assert!(analyse(&[0.0; MAX_VALUES], &options).is_ok());
        assert_eq!(analyse(&[1.0, f64::NAN], &options), Err(SpcError::NotFinite { index: 1 }));
        assert_eq!(analyse(&[f64::INFINITY], &options), Err(SpcError::NotFinite { index: 0 }));
        let target = SpcOptions { target: Some(f64::NAN), ..SpcOptions::default() };
        assert_eq!(analyse(&[1.0], &target), Err(SpcError::TargetNotFinite));
        let rebase = SpcOptions { rebase: vec![2, 3], ..SpcOptions::default() };
        assert_eq!(analyse(&[1.0, 2.0, 3.0], &rebase), Err(SpcError::RebaseOutOfRange { index: 3, len: 3 }));
        assert_eq!(
            SpcError::RebaseOutOfRange { index: 3, len: 3 }.to_string(),
            "rebase index 3 is out of range: there are 3 values (indices 0 to 2)"
        );
    }

    // ---- Properties ----

    fn any_direction() -> impl Strategy<Value = ImprovementDirection> {
        proptest::sample::select(ImprovementDirection::ALL.to_vec())
    }

    /// Values in a sane range, with ties and repeats (small integers, one decimal) common.
    fn any_value() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1.0e6..1.0e6f64,
            (-5i32..=5).prop_map(f64::from),
            (-1000i32..=1000).prop_map(|v| f64::from(v) / 10.0),
        ]
    }

    fn options_for(len: usize) -> impl Strategy<Value = SpcOptions> {
        (
            any_direction(),
            proptest::option::of(-1.0e6..1.0e6f64),
            any::<bool>(),
            proptest::option::of(MIN_FIX_AFTER..=40),
            proptest::collection::vec(0..len, 0..4),
        )
            .prop_map(|(improvement_direction, target, screen_outliers, fix_after_n_points, rebase)| {
                SpcOptions { improvement_direction, target, screen_outliers, fix_after_n_points, rebase }
            })
    }

    /// A valid series (1 to 200 values) and options.
    fn any_case() -> impl Strategy<Value = (Vec<f64>, SpcOptions)> {
        (1usize..=200).prop_flat_map(|len| (proptest::collection::vec(any_value(), len), options_for(len)))
    }

    /// Continuous values, where ties have probability zero (for the shift and scale properties).
    fn any_continuous_case() -> impl Strategy<Value = (Vec<f64>, SpcOptions)> {
        (2usize..=200).prop_flat_map(|len| (proptest::collection::vec(-1000.0..1000.0f64, len), options_for(len)))
    }

    /// True when no value, moving range or step is within `tol` of a line where rounding
    /// could flip a comparison: the mean, the limits, the near-limit lines, the screening
    /// threshold, or a tie with the previous value.
    fn clear_of_boundaries(values: &[f64], options: &SpcOptions, analysis: &SpcAnalysis, tol: f64) -> bool {
        analysis.segments.iter().all(|segment| {
            let ys = &values[segment.start..=segment.end];
            let base = &ys[..options.fix_after_n_points.map_or(ys.len(), |n| n.min(ys.len()))];
            let ranges: Vec<f64> = base.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
            let raw_mrbar = r_mean(&ranges);
            let screening_clear = !options.screen_outliers
                || ranges.iter().all(|mr| (mr - OUTLIER_SCREEN * raw_mrbar).abs() > tol || raw_mrbar.is_nan());
            let limits = segment_limits(ys, options.screen_outliers, options.fix_after_n_points);
            let lines = [
                limits.mean,
                limits.mean + LIMIT * limits.mrbar,
                limits.mean - LIMIT * limits.mrbar,
                limits.near_upper(),
                limits.near_lower(),
            ];
            let lines_clear = ys.iter().all(|y| lines.iter().all(|line| line.is_nan() || (y - line).abs() > tol));
            let steps_clear = ys.windows(2).all(|w| (w[1] - w[0]).abs() > tol);
            screening_clear && lines_clear && steps_clear
        })
    }

    fn close_to(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn swap_direction(direction: ImprovementDirection) -> ImprovementDirection {
        match direction {
            Increase => Decrease,
            Decrease => Increase,
            Neutral => Neutral,
        }
    }

    fn swap_point_type(point_type: PointType) -> PointType {
        match point_type {
            PointType::SpecialCauseImprovement => PointType::SpecialCauseConcern,
            PointType::SpecialCauseConcern => PointType::SpecialCauseImprovement,
            other => other,
        }
    }

    proptest! {
        #[test]
        fn analyse_never_panics_on_valid_input((values, options) in any_case()) {
            let analysis = analyse(&values, &options).unwrap();
            prop_assert_eq!(analysis.points.len(), values.len());
            prop_assert!(!analysis.segments.is_empty());
            for (point, value) in analysis.points.iter().zip(&values) {
                prop_assert_eq!(point.value, *value);
                prop_assert_eq!(point.point_type, point_type(point.special_cause, options.improvement_direction));
            }
            let last = analysis.points[values.len() - 1].point_type;
            prop_assert_eq!(analysis.variation_icon, variation_icon(last, options.improvement_direction));
            let current = analysis.current();
            let expected = assurance_icon(options.improvement_direction, options.target, current.lpl, current.upl);
            prop_assert_eq!(analysis.assurance_icon, expected);
        }

        #[test]
        fn limits_are_symmetric_about_the_mean((values, options) in any_case()) {
            let analysis = analyse(&values, &options).unwrap();
            for segment in &analysis.segments {
                prop_assert_eq!(segment.lpl.is_some(), segment.upl.is_some());
                if let (Some(lpl), Some(upl)) = (segment.lpl, segment.upl) {
                    prop_assert!(lpl <= segment.mean && segment.mean <= upl, "{segment:?}");
                    let tol = 1e-9 * (1.0 + upl.abs() + lpl.abs());
                    prop_assert!(close_to(upl - segment.mean, segment.mean - lpl, tol), "{segment:?}");
                }
            }
        }

        #[test]
        fn every_point_of_a_segment_shares_its_limits((values, options) in any_case()) {
            let analysis = analyse(&values, &options).unwrap();
            // Segments tile the series and start at 0 and at each rebase index.
            let mut starts: Vec<usize> = options.rebase.iter().copied().chain([0]).collect();
            starts.sort_unstable();
            starts.dedup();
            prop_assert_eq!(analysis.segments.iter().map(|s| s.start).collect::<Vec<_>>(), starts);
            prop_assert_eq!(analysis.current().end, values.len() - 1);
            for pair in analysis.segments.windows(2) {
                prop_assert_eq!(pair[0].end + 1, pair[1].start);
            }
            for (i, point) in analysis.points.iter().enumerate() {
                let segment = &analysis.segments[point.segment];
                prop_assert!(segment.start <= i && i <= segment.end);
            }
            // Each segment is analysed on its own: its limits come from its first
            // fix_after_n_points values only, and no run or trend crosses a boundary.
            for segment in &analysis.segments {
                let ys = &values[segment.start..=segment.end];
                let base = &ys[..options.fix_after_n_points.map_or(ys.len(), |n| n.min(ys.len()))];
                let alone = SpcOptions { rebase: vec![], fix_after_n_points: None, ..options.clone() };
                let from_base = analyse(base, &alone).unwrap();
                prop_assert_eq!(segment.mean, from_base.current().mean);
                prop_assert_eq!(segment.lpl, from_base.current().lpl);
                prop_assert_eq!(segment.upl, from_base.current().upl);
                let on_its_own = analyse(ys, &SpcOptions { rebase: vec![], ..options.clone() }).unwrap();
                prop_assert_eq!(&on_its_own.points[..], &analysis.points[segment.start..=segment.end]
                    .iter().map(|p| SpcPoint { segment: 0, ..*p }).collect::<Vec<_>>()[..]);
            }
        }

        #[test]
        fn outside_labels_match_the_limits((values, options) in any_case()) {
            let analysis = analyse(&values, &options).unwrap();
            for point in &analysis.points {
                let segment = &analysis.segments[point.segment];
                let above = segment.upl.is_some_and(|upl| point.value > upl);
                let below = segment.lpl.is_some_and(|lpl| point.value < lpl);
                prop_assert_eq!(point.special_cause == SpecialCause::AboveUpperLimit, above);
                prop_assert_eq!(point.special_cause == SpecialCause::BelowLowerLimit, below);
                // High labels are above the mean except trends, which ignore the mean.
                match point.special_cause {
                    SpecialCause::TwoInThreeAbove | SpecialCause::ShiftAbove => prop_assert!(point.value > segment.mean),
                    SpecialCause::TwoInThreeBelow | SpecialCause::ShiftBelow => prop_assert!(point.value < segment.mean),
                    _ => {}
                }
            }
        }

        #[test]
        fn swapping_increase_and_decrease_swaps_improvement_and_concern((values, options) in any_case()) {
            let analysis = analyse(&values, &options).unwrap();
            let swapped_options = SpcOptions {
                improvement_direction: swap_direction(options.improvement_direction),
                ..options.clone()
            };
            let swapped = analyse(&values, &swapped_options).unwrap();
            prop_assert_eq!(&swapped.segments, &analysis.segments);
            for (a, b) in analysis.points.iter().zip(&swapped.points) {
                prop_assert_eq!(a.special_cause, b.special_cause);
                prop_assert_eq!(b.point_type, swap_point_type(a.point_type));
            }
            let expected_icon = match (options.improvement_direction, analysis.variation_icon) {
                (Neutral, icon) | (_, icon @ VariationIcon::CommonCause) => icon,
                (_, VariationIcon::ImprovementHigh) => VariationIcon::ConcernHigh,
                (_, VariationIcon::ConcernHigh) => VariationIcon::ImprovementHigh,
                (_, VariationIcon::ImprovementLow) => VariationIcon::ConcernLow,
                (_, VariationIcon::ConcernLow) => VariationIcon::ImprovementLow,
                (_, icon) => panic!("a neutral icon for a directed metric: {icon:?}"),
            };
            prop_assert_eq!(swapped.variation_icon, expected_icon);
            let expected_assurance = analysis.assurance_icon.map(|icon| match icon {
                AssuranceIcon::ConsistentPass => AssuranceIcon::ConsistentFail,
                AssuranceIcon::ConsistentFail => AssuranceIcon::ConsistentPass,
                AssuranceIcon::Inconsistent => AssuranceIcon::Inconsistent,
            });
            prop_assert_eq!(swapped.assurance_icon, expected_assurance);
        }

        #[test]
        fn neutral_never_gives_improvement_concern_or_assurance((values, options) in any_case()) {
            let neutral = analyse(&values, &SpcOptions { improvement_direction: Neutral, ..options.clone() }).unwrap();
            let increase = analyse(&values, &SpcOptions { improvement_direction: Increase, ..options }).unwrap();
            prop_assert_eq!(neutral.assurance_icon, None);
            prop_assert!(matches!(
                neutral.variation_icon,
                VariationIcon::CommonCause | VariationIcon::NeutralHigh | VariationIcon::NeutralLow
            ));
            for (n, i) in neutral.points.iter().zip(&increase.points) {
                let expected = match i.point_type {
                    PointType::SpecialCauseImprovement => PointType::SpecialCauseNeutralHigh,
                    PointType::SpecialCauseConcern => PointType::SpecialCauseNeutralLow,
                    other => other,
                };
                prop_assert_eq!(n.point_type, expected);
            }
        }

        #[test]
        fn a_target_never_changes_point_types((values, options) in any_case(), target in -1.0e6..1.0e6f64) {
            let without = analyse(&values, &SpcOptions { target: None, ..options.clone() }).unwrap();
            let with_target = analyse(&values, &SpcOptions { target: Some(target), ..options }).unwrap();
            prop_assert_eq!(&with_target.points, &without.points);
            prop_assert_eq!(&with_target.segments, &without.segments);
            prop_assert_eq!(with_target.variation_icon, without.variation_icon);
            prop_assert_eq!(without.assurance_icon, None);
        }

        #[test]
        fn rebasing_at_index_0_changes_nothing((values, options) in any_case()) {
            let mut rebase = options.rebase.clone();
            rebase.push(0);
            let rebased = analyse(&values, &SpcOptions { rebase, ..options.clone() }).unwrap();
            prop_assert_eq!(rebased, analyse(&values, &options).unwrap());
        }

        #[test]
        fn adding_a_constant_shifts_mean_and_limits_and_keeps_point_types(
            (values, options) in any_continuous_case(),
            constant in -1000.0..1000.0f64,
        ) {
            let analysis = analyse(&values, &options).unwrap();
            let tol = 1e-9 * (1000.0 + constant.abs());
            prop_assume!(clear_of_boundaries(&values, &options, &analysis, tol));
            let shifted_values: Vec<f64> = values.iter().map(|v| v + constant).collect();
            let shifted = analyse(&shifted_values, &options).unwrap();
            prop_assert_eq!(causes(&shifted), causes(&analysis));
            prop_assert_eq!(point_types(&shifted), point_types(&analysis));
            prop_assert_eq!(shifted.variation_icon, analysis.variation_icon);
            for (s, a) in shifted.segments.iter().zip(&analysis.segments) {
                prop_assert!(close_to(s.mean, a.mean + constant, tol), "{s:?} {a:?}");
                prop_assert_eq!(s.upl.is_some(), a.upl.is_some());
                if let (Some(su), Some(au), Some(sl), Some(al)) = (s.upl, a.upl, s.lpl, a.lpl) {
                    prop_assert!(close_to(su, au + constant, tol) && close_to(sl, al + constant, tol), "{s:?} {a:?}");
                }
            }
        }

        #[test]
        fn scaling_by_a_positive_factor_keeps_point_types(
            (values, options) in any_continuous_case(),
            factor in 0.001..1000.0f64,
        ) {
            let analysis = analyse(&values, &options).unwrap();
            prop_assume!(clear_of_boundaries(&values, &options, &analysis, 1e-9 * 1000.0));
            let scaled_values: Vec<f64> = values.iter().map(|v| v * factor).collect();
            let scaled = analyse(&scaled_values, &options).unwrap();
            prop_assert_eq!(causes(&scaled), causes(&analysis));
            prop_assert_eq!(point_types(&scaled), point_types(&analysis));
            prop_assert_eq!(scaled.variation_icon, analysis.variation_icon);
            for (s, a) in scaled.segments.iter().zip(&analysis.segments) {
                let tol = 1e-9 * factor * 1000.0;
                prop_assert!(close_to(s.mean, a.mean * factor, tol), "{s:?} {a:?}");
                if let (Some(su), Some(au)) = (s.upl, a.upl) {
                    prop_assert!(close_to(su, au * factor, tol), "{s:?} {a:?}");
                }
            }
        }

        // Scaling by a power of two is exact in floating point, so everything scales exactly,
        // ties and undefined limits included.
        #[test]
        fn scaling_by_a_power_of_two_is_exact((values, options) in any_case(), exponent in -8i32..=8) {
            let factor = 2f64.powi(exponent);
            let analysis = analyse(&values, &options).unwrap();
            let scaled_values: Vec<f64> = values.iter().map(|v| v * factor).collect();
            let scaled = analyse(&scaled_values, &options).unwrap();
            prop_assert_eq!(causes(&scaled), causes(&analysis));
            for (s, a) in scaled.segments.iter().zip(&analysis.segments) {
                prop_assert_eq!(s.mean, a.mean * factor);
                prop_assert_eq!(s.lpl, a.lpl.map(|l| l * factor));
                prop_assert_eq!(s.upl, a.upl.map(|u| u * factor));
            }
        }

        // The sums are exact, so the mean does not depend on the order of the values, and the
        // mean of copies of one value is that value.
        #[test]
        fn the_mean_is_exact((values, _) in any_case(), seed in any::<u64>()) {
            let mut shuffled = values.clone();
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(r_mean(&shuffled), r_mean(&values));
            prop_assert_eq!(r_mean(&vec![values[0]; values.len()]), values[0]);
        }

        #[test]
        fn a_constant_series_has_undefined_limits_and_common_cause(
            value in -1.0e6..1.0e6f64,
            len in 1usize..=200,
            direction in any_direction(),
            target in proptest::option::of(-1.0e6..1.0e6f64),
        ) {
            let options = SpcOptions { target, ..with(direction) };
            let analysis = analyse(&vec![value; len], &options).unwrap();
            prop_assert_eq!((analysis.current().lpl, analysis.current().upl), (None, None));
            prop_assert!(analysis.points.iter().all(|p| p.point_type == PointType::CommonCause));
            prop_assert_eq!(analysis.variation_icon, VariationIcon::CommonCause);
            let expected = (target.is_some() && direction != Neutral).then_some(AssuranceIcon::Inconsistent);
            prop_assert_eq!(analysis.assurance_icon, expected);
        }

        #[test]
        fn invalid_inputs_give_errors(
            (values, options) in any_case(),
            bad in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
            position in any::<proptest::sample::Index>(),
            fix in 0usize..MIN_FIX_AFTER,
            beyond in 0usize..1000,
            extra in 1usize..100,
        ) {
            prop_assert_eq!(analyse(&[], &options), Err(SpcError::Empty));

            let too_many = vec![1.0; MAX_VALUES + extra];
            prop_assert_eq!(analyse(&too_many, &options), Err(SpcError::TooMany(MAX_VALUES + extra)));

            let mut with_bad = values.clone();
            let index = position.index(with_bad.len());
            with_bad[index] = bad;
            prop_assert_eq!(analyse(&with_bad, &options), Err(SpcError::NotFinite { index }));

            let too_soon = SpcOptions { fix_after_n_points: Some(fix), ..options.clone() };
            prop_assert_eq!(analyse(&values, &too_soon), Err(SpcError::FixTooSoon(fix)));

            let out_of_range = values.len() + beyond;
            let mut rebase = options.rebase.clone();
            rebase.push(out_of_range);
            let len = values.len();
            let rebased = SpcOptions { rebase, ..options.clone() };
            prop_assert_eq!(analyse(&values, &rebased), Err(SpcError::RebaseOutOfRange { index: out_of_range, len }));

            let bad_target = SpcOptions { target: Some(bad), ..options };
            prop_assert_eq!(analyse(&values, &bad_target), Err(SpcError::TargetNotFinite));
        }
    }
}
