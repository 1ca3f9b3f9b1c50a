//! A metric's readings over periods as an SVG line chart, drawn on the server.
//! Accessible: the SVG has a title and a description, the target and amber edge
//! are labelled lines, and the same numbers are in a table beside it.

use crate::domain::metric::format_value;
use leptos::prelude::*;

pub(crate) const WIDTH: f64 = 560.0;
pub(crate) const HEIGHT: f64 = 200.0;
pub(crate) const PAD_LEFT: f64 = 48.0;
pub(crate) const PAD_RIGHT: f64 = 16.0;
pub(crate) const PAD_Y: f64 = 20.0;

/// Maps values to the chart's y axis, with the target and amber edge always in view.
pub(crate) fn scale(values: &[f64], target: Option<f64>, amber: Option<f64>) -> (f64, f64) {
    let all: Vec<f64> = values.iter().copied().chain(target).chain(amber).collect();
    let low = all.iter().copied().fold(f64::INFINITY, f64::min);
    let high = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    if (high - low).abs() < f64::EPSILON {
        return (low - 1.0, high + 1.0);
    }
    let margin = (high - low) * 0.1;
    (low - margin, high + margin)
}

/// At most this many periods are named under a chart's x axis.
const MAX_AXIS_LABELS: usize = 5;

/// Which periods are named under the x axis: one a year (every fourth quarter)
/// while that fits, else one every two, three… years, so that however many periods
/// there are, at most `MAX_AXIS_LABELS` (plus the last period) are named and none
/// overlap. The last period is named too when it is far enough from the previous
/// label (`MIN_LABEL_GAP`; a label is about 60 px wide).
pub(crate) fn axis_label_indices(count: usize) -> Vec<usize> {
    let Some(last) = count.checked_sub(1) else {
        return Vec::new();
    };
    let years = count.div_ceil(4);
    let step = 4 * years.div_ceil(MAX_AXIS_LABELS);
    let mut shown: Vec<usize> = (0..count).step_by(step).collect();
    let plot_width = WIDTH - PAD_LEFT - PAD_RIGHT;
    if shown.last().is_some_and(|&previous| {
        previous != last && plot_width * (last - previous) as f64 / last as f64 >= MIN_LABEL_GAP
    }) {
        shown.push(last);
    }
    shown
}

/// The least distance between the centres of two axis labels, in chart pixels.
const MIN_LABEL_GAP: f64 = 70.0;

#[component]
pub fn TrendChart(
    id: String,
    title: String,
    periods: Vec<String>,
    values: Vec<Option<f64>>,
    target: Option<f64>,
    amber: Option<f64>,
    unit: String,
) -> impl IntoView {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let (low, high) = scale(&known, target, amber);
    let steps = periods.len().saturating_sub(1).max(1) as f64;
    let x = move |i: usize| PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) * i as f64 / steps;
    let y = move |v: f64| PAD_Y + (HEIGHT - 2.0 * PAD_Y) * (1.0 - (v - low) / (high - low));
    let points: Vec<(f64, f64, f64)> =
        values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (x(i), y(v), v))).collect();
    let polyline = points.iter().map(|(px, py, _)| format!("{px:.1},{py:.1}")).collect::<Vec<_>>().join(" ");
    let description = if known.is_empty() {
        "No readings yet.".to_string()
    } else {
        let described: Vec<String> = periods
            .iter()
            .zip(&values)
            .filter_map(|(p, v)| v.map(|v| format!("{p}: {}{unit}", format_value(v))))
            .collect();
        let mut text = format!("Readings by period: {}.", described.join(", "));
        if let Some(t) = target {
            text.push_str(&format!(" Target {}{unit}.", format_value(t)));
        }
        if let Some(a) = amber {
            text.push_str(&format!(" Amber edge {}{unit}.", format_value(a)));
        }
        text
    };
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    let line = move |value: f64, class: &'static str, label: String| {
        let ly = y(value);
        view! {
            <line x1=PAD_LEFT y1=ly x2=WIDTH - PAD_RIGHT y2=ly class=class />
            <text x=WIDTH - PAD_RIGHT y=ly - 4.0 text-anchor="end" class="chart-label">{label}</text>
        }
    };
    // A dot at every reading: one marker on the line's vertices rather than an
    // element per point (a board pack has twenty charts of years of quarters).
    let line_or_point = match points.as_slice() {
        [] => None,
        [(px, py, _)] => {
            Some(view! { <circle cx=format!("{px:.1}") cy=format!("{py:.1}") r="4" class="point" /> }.into_any())
        }
        _ => {
            let dot_id = format!("{id}-dot");
            let dot = format!("url(#{dot_id})");
            Some(
                view! {
                    <defs>
                        <marker id=dot_id viewBox="0 0 8 8" refX="4" refY="4" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse">
                            <circle cx="4" cy="4" r="4" class="point" />
                        </marker>
                    </defs>
                    <polyline points=polyline class="series" marker-start=dot.clone() marker-mid=dot.clone() marker-end=dot />
                }
                .into_any(),
            )
        }
    };
    view! {
        <figure class="trend">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled width="100%">
                <title id=title_id>{title.clone()}</title>
                <desc id=desc_id>{description}</desc>
                <line x1=PAD_LEFT y1=HEIGHT - PAD_Y x2=WIDTH - PAD_RIGHT y2=HEIGHT - PAD_Y class="axis" />
                <text x=PAD_LEFT - 6.0 y=PAD_Y + 4.0 text-anchor="end" class="chart-label">{format_value(high)}</text>
                <text x=PAD_LEFT - 6.0 y=HEIGHT - PAD_Y text-anchor="end" class="chart-label">{format_value(low)}</text>
                {target.map(|t| line(t, "target-line", format!("target {}{unit}", format_value(t))))}
                {amber.map(|a| line(a, "amber-line", format!("amber {}{unit}", format_value(a))))}
                {line_or_point}
                {axis_label_indices(periods.len()).into_iter().map(|i| view! {
                    <text x=format!("{:.1}", x(i)) y=HEIGHT - 4.0 text-anchor="middle" class="chart-label">{periods[i].clone()}</text>
                }).collect_view()}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{axis_label_indices, scale, MAX_AXIS_LABELS, MIN_LABEL_GAP, PAD_LEFT, PAD_RIGHT, WIDTH};

    #[test]
    fn axis_labels_never_crowd_whatever_the_number_of_periods() {
        assert!(axis_label_indices(0).is_empty());
        assert_eq!(axis_label_indices(1), [0]);
        assert_eq!(axis_label_indices(2), [0, 1]);
        assert_eq!(axis_label_indices(5), [0, 4]);
        assert_eq!(axis_label_indices(8), [0, 4, 7]);
        let plot_width = WIDTH - PAD_LEFT - PAD_RIGHT;
        for count in 2..=400 {
            let shown = axis_label_indices(count);
            assert_eq!(shown[0], 0, "{count} periods");
            assert!(shown.len() <= MAX_AXIS_LABELS + 1, "{count} periods: {shown:?}");
            for pair in shown.windows(2) {
                let gap = plot_width * (pair[1] - pair[0]) as f64 / (count - 1) as f64;
                assert!(gap >= MIN_LABEL_GAP, "{count} periods: labels {pair:?} are {gap:.0} px apart");
            }
        }
    }

    #[test]
    fn the_scale_keeps_target_and_readings_in_view() {
        let (low, high) = scale(&[80.0, 90.0], Some(85.0), Some(70.0));
        assert!(low < 70.0 && high > 90.0);
        assert_eq!(scale(&[], None, None), (0.0, 1.0));
        assert_eq!(scale(&[5.0], None, None), (4.0, 6.0));
    }
}

/// A tiny line of recent readings, labelled in words for screen readers.
#[component]
pub fn Sparkline(label: String, values: Vec<Option<f64>>) -> impl IntoView {
    const W: f64 = 96.0;
    const H: f64 = 24.0;
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    if known.is_empty() {
        return view! { <span class="sparkline-empty">"No readings"</span> }.into_any();
    }
    let (low, high) = scale(&known, None, None);
    let steps = values.len().saturating_sub(1).max(1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.map(|v| {
                format!(
                    "{:.1},{:.1}",
                    2.0 + (W - 4.0) * i as f64 / steps,
                    2.0 + (H - 4.0) * (1.0 - (v - low) / (high - low))
                )
            })
        })
        .collect();
    let last = points.last().cloned().unwrap_or_default();
    let (lx, ly) = last.split_once(',').unwrap_or(("0", "0"));
    view! {
        <svg class="sparkline" viewBox=format!("0 0 {W} {H}") width=W height=H role="img" aria-label=label>
            <polyline points=points.join(" ") class="series" />
            <circle cx=lx.to_string() cy=ly.to_string() r="2.5" class="point" />
        </svg>
    }
    .into_any()
}
