//! Making Data Count on the page: an XmR chart drawn on the server as SVG, the
//! variation and assurance icons, and the summary table. Nothing depends on
//! colour alone: special-cause points differ by shape, icons carry a letter and
//! a text label, and every number is in a table too.

use super::trend_chart::{axis_label_indices, scale, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y, WIDTH};
use crate::domain::metric::format_value;
use crate::domain::metric_series::SpcSummary;
use crate::domain::spc::{AssuranceIcon, PointType, VariationIcon};
use crate::model::spc::SpcResult;
use crate::model::status::SpcGrid;
use leptos::prelude::*;

/// The shape drawn for a point type, named for the legend and the table.
fn point_shape(point_type: PointType) -> (&'static str, &'static str) {
    match point_type {
        PointType::CommonCause => ("spc-common", "small circle"),
        PointType::SpecialCauseImprovement => ("spc-improvement", "square"),
        PointType::SpecialCauseConcern => ("spc-concern", "diamond"),
        PointType::SpecialCauseNeutralHigh => ("spc-neutral", "triangle pointing up"),
        PointType::SpecialCauseNeutralLow => ("spc-neutral", "triangle pointing down"),
    }
}

fn marker(point_type: PointType, x: f64, y: f64) -> impl IntoView {
    let (class, _) = point_shape(point_type);
    match point_type {
        PointType::CommonCause => view! { <circle cx=x cy=y r="3.5" class=class /> }.into_any(),
        PointType::SpecialCauseImprovement => {
            view! { <rect x=x - 5.0 y=y - 5.0 width="10" height="10" class=class /> }.into_any()
        }
        PointType::SpecialCauseConcern => view! {
            <polygon points=format!("{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}", y - 7.0, x + 7.0, y + 7.0, x - 7.0) class=class />
        }
        .into_any(),
        PointType::SpecialCauseNeutralHigh => view! {
            <polygon points=format!("{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", y - 7.0, x + 6.0, y + 5.0, x - 6.0, y + 5.0) class=class />
        }
        .into_any(),
        PointType::SpecialCauseNeutralLow => view! {
            <polygon points=format!("{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", y + 7.0, x + 6.0, y - 5.0, x - 6.0, y - 5.0) class=class />
        }
        .into_any(),
    }
}

fn optional(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "undefined".to_string(), |v| format!("{}{unit}", format_value(v)))
}

/// An XmR chart: the points joined in order, each segment's mean and process
/// limits, and the target; then the icons and the numbers in a table.
#[component]
pub fn XmrChart(id: String, title: String, spc: SpcResult, unit: String) -> impl IntoView {
    if spc.points.is_empty() {
        return view! {
            <section class="xmr" aria-labelledby=format!("{id}-heading")>
                <h3 id=format!("{id}-heading")>{title}</h3>
                <p>"No readings yet."</p>
            </section>
        }
        .into_any();
    }
    let values: Vec<f64> = spc.points.iter().map(|p| p.value).collect();
    let limits: Vec<f64> = (0..values.len())
        .flat_map(|i| {
            let (mean, lpl, upl) = spc.limits_at(i);
            [mean, lpl, upl]
        })
        .flatten()
        .collect();
    let (low, high) = scale(&values.iter().copied().chain(limits).collect::<Vec<_>>(), spc.target, None);
    let steps = values.len().saturating_sub(1).max(1) as f64;
    let x = move |i: usize| PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) * i as f64 / steps;
    let y = move |v: f64| PAD_Y + (HEIGHT - 2.0 * PAD_Y) * (1.0 - (v - low) / (high - low));
    let labels: Vec<String> = spc
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| p.period.map_or_else(|| format!("point {}", i + 1), |period| period.short_label()))
        .collect();
    let polyline =
        values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>().join(" ");
    // One run of lines per segment: a rebase starts new limits.
    let segments: Vec<(usize, usize)> = if spc.segments.is_empty() {
        vec![(0, values.len() - 1)]
    } else {
        spc.segments.iter().map(|s| (s.start, s.end)).collect()
    };
    let segment_lines = segments
        .iter()
        .map(|&(start, end)| {
            let (mean, lpl, upl) = spc.limits_at(start);
            let (x1, x2) = (x(start) - 4.0, x(end) + 4.0);
            let hline = move |value: Option<f64>, class: &'static str| {
                value.map(|v| view! { <line x1=x1 y1=y(v) x2=x2 y2=y(v) class=class /> })
            };
            view! { {hline(mean, "spc-mean")} {hline(lpl, "spc-limit")} {hline(upl, "spc-limit")} }
        })
        .collect_view();
    let special = spc.points.iter().filter(|p| p.point_type != PointType::CommonCause).count();
    let description = format!(
        "{} points from {} to {}. Mean {}, process limits {} to {}{}. {} special-cause point{}. {}",
        values.len(),
        labels[0],
        labels[labels.len() - 1],
        optional(spc.mean, &unit),
        optional(spc.lpl, &unit),
        optional(spc.upl, &unit),
        spc.target.map(|t| format!(", target {}{unit}", format_value(t))).unwrap_or_default(),
        special,
        if special == 1 { "" } else { "s" },
        "Every value is in the table that follows."
    );
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    let markers = spc.points.iter().enumerate().map(|(i, p)| marker(p.point_type, x(i), y(p.value))).collect_view();
    let axis = axis_label_indices(values.len())
        .into_iter()
        .map(|i| view! { <text x=x(i) y=HEIGHT - 4.0 text-anchor="middle" class="chart-label">{labels[i].clone()}</text> })
        .collect_view();
    let target_line = spc.target.map(|t| {
        let ty = y(t);
        view! {
            <line x1=PAD_LEFT y1=ty x2=WIDTH - PAD_RIGHT y2=ty class="target-line" />
            <text x=WIDTH - PAD_RIGHT y=ty - 4.0 text-anchor="end" class="chart-label">{format!("target {}{unit}", format_value(t))}</text>
        }
    });
    let rows = spc
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (mean, lpl, upl) = spc.limits_at(i);
            view! {
                <tr>
                    <th scope="row">{labels[i].clone()}</th>
                    <td class="num">{format!("{}{unit}", format_value(p.value))}</td>
                    <td class="num">{optional(mean, &unit)}</td>
                    <td class="num">{optional(lpl, &unit)}</td>
                    <td class="num">{optional(upl, &unit)}</td>
                    <td><PointTypeLabel point_type=p.point_type /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="xmr" aria-labelledby=format!("{id}-heading")>
            <h3 id=format!("{id}-heading")>{title.clone()}</h3>
            <div class="spc-icons">
                {spc.variation_icon.map(|icon| view! { <VariationBadge icon /> })}
                <AssuranceBadge icon=spc.assurance_icon has_target=spc.target.is_some() />
            </div>
            <figure class="trend">
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled width="100%">
                    <title id=title_id>{format!("XmR chart: {title}")}</title>
                    <desc id=desc_id>{description}</desc>
                    <line x1=PAD_LEFT y1=HEIGHT - PAD_Y x2=WIDTH - PAD_RIGHT y2=HEIGHT - PAD_Y class="axis" />
                    <text x=PAD_LEFT - 6.0 y=PAD_Y + 4.0 text-anchor="end" class="chart-label">{format_value(high)}</text>
                    <text x=PAD_LEFT - 6.0 y=HEIGHT - PAD_Y text-anchor="end" class="chart-label">{format_value(low)}</text>
                    {segment_lines}
                    {target_line}
                    {(values.len() > 1).then(|| view! { <polyline points=polyline class="series spc-series" /> })}
                    {markers}
                    {axis}
                </svg>
                <figcaption>
                    "Solid line: mean. Dashed lines: process limits. Dotted green line: target. Points: "
                    <span class="spc-key">"● common cause, ■ improvement, ◆ concern, ▲/▼ special cause (no direction)"</span>"."
                </figcaption>
            </figure>
            <details class="spc-table">
                <summary>{format!("The numbers ({} points)", values.len())}</summary>
                <table class="data">
                    <caption>{format!("{title}: values, limits and point types")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Period"</th>
                            <th scope="col">"Value"</th>
                            <th scope="col">"Mean"</th>
                            <th scope="col">"Lower limit"</th>
                            <th scope="col">"Upper limit"</th>
                            <th scope="col">"Point type"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
    .into_any()
}

/// A point type in words, with the shape the chart draws it as.
#[component]
pub fn PointTypeLabel(point_type: PointType) -> impl IntoView {
    let (class, shape) = point_shape(point_type);
    view! { <span class=format!("spc-point-label {class}")>{point_type.label()}<span class="visually-hidden">{format!(" ({shape})")}</span></span> }
}

/// The variation icon: a coloured circle with a letter (H high, L low, ~
/// common cause) and its label in words.
#[component]
pub fn VariationBadge(icon: VariationIcon) -> impl IntoView {
    let (class, letter) = match icon {
        VariationIcon::CommonCause => ("spc-icon spc-icon-common", "~"),
        VariationIcon::ImprovementHigh => ("spc-icon spc-icon-improvement", "H"),
        VariationIcon::ImprovementLow => ("spc-icon spc-icon-improvement", "L"),
        VariationIcon::ConcernHigh => ("spc-icon spc-icon-concern", "H"),
        VariationIcon::ConcernLow => ("spc-icon spc-icon-concern", "L"),
        VariationIcon::NeutralHigh => ("spc-icon spc-icon-neutral", "H"),
        VariationIcon::NeutralLow => ("spc-icon spc-icon-neutral", "L"),
    };
    view! {
        <span class="spc-badge" data-variation=icon.as_str()>
            <span class=class aria-hidden="true">{letter}</span>
            " "
            <span class="spc-badge-label">{icon.label()}</span>
        </span>
    }
}

/// The assurance icon (P pass, F fail, ? inconsistent) and its label; says
/// why there is none.
#[component]
pub fn AssuranceBadge(icon: Option<AssuranceIcon>, has_target: bool) -> impl IntoView {
    let Some(icon) = icon else {
        let why = if has_target { "No assurance (no direction)" } else { "No assurance (no target)" };
        return view! { <span class="spc-badge" data-assurance="none"><span class="spc-icon spc-icon-none" aria-hidden="true">"–"</span>" "<span class="spc-badge-label">{why}</span></span> }.into_any();
    };
    let (class, letter) = match icon {
        AssuranceIcon::ConsistentPass => ("spc-icon spc-icon-improvement", "P"),
        AssuranceIcon::ConsistentFail => ("spc-icon spc-icon-concern", "F"),
        AssuranceIcon::Inconsistent => ("spc-icon spc-icon-common", "?"),
    };
    view! {
        <span class="spc-badge" data-assurance=icon.as_str()>
            <span class=class aria-hidden="true">{letter}</span>
            " "
            <span class="spc-badge-label">{icon.label()}</span>
        </span>
    }
    .into_any()
}

/// London's Making Data Count grid: a row per metric, a column per ICS, each
/// cell the two icons, each a letter and shape with its label in words (short,
/// with the key above the table).
#[component]
pub fn SpcGridTable(grid: SpcGrid, caption: String) -> impl IntoView {
    if grid.rows.is_empty() {
        return view! { <p>"No metric has readings yet, so there is nothing to chart."</p> }.into_any();
    }
    let SpcGrid { icss, rows } = grid;
    let body = rows
        .into_iter()
        .map(|row| {
            let cells = icss
                .iter()
                .zip(row.cells)
                .map(|(ics, cell)| match cell {
                    Some(cell) => {
                        // Compact, as the grid has a cell per metric and ICS: the
                        // icons' letters and shapes come from the stylesheet
                        // (`data-variation`, `data-assurance`), the words are text.
                        let (assurance, assurance_label) = match cell.assurance {
                            Some(icon) => (icon.as_str(), icon.short_label()),
                            None if cell.has_target => ("none", "No direction"),
                            None => ("none", "No target"),
                        };
                        view! {
                            <td data-ics=ics.clone() data-variation=cell.variation.as_str()>
                                {cell.variation.short_label()}
                                <span data-assurance=assurance>{assurance_label}</span>
                            </td>
                        }
                        .into_any()
                    }
                    None => view! { <td data-ics=ics.clone()>"No readings"</td> }.into_any(),
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><a href=format!("/metrics/{}", row.metric_id)>{row.metric_name}</a></th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="hint spc-key">
            "Each cell: variation, then assurance. Icons: ~ common cause; H or L a special cause, higher or lower (blue improvement, amber concern, purple neither); P will meet the target, F will miss it, ? hit or miss; – no assurance."
        </p>
        <table class="data spc-summary spc-grid">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Metric"</th>
                    {icss.iter().map(|ics| view! { <th scope="col"><a href=format!("/ics/{ics}")>{ics.clone()}</a></th> }).collect_view()}
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

/// The Making Data Count summary: metric, latest value, target, variation and
/// assurance, one row per metric (and ICS, when `show_ics`).
#[component]
pub fn SpcSummaryTable(rows: Vec<SpcSummary>, show_ics: bool, caption: String) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No metric has readings yet, so there is nothing to chart."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let unit = crate::domain::metric::unit_suffix(row.unit.as_deref());
            view! {
                <tr>
                    <th scope="row"><a href=format!("/metrics/{}", row.metric_id)>{row.metric_name.clone()}</a></th>
                    {show_ics.then(|| view! { <td>{row.ics.clone()}</td> })}
                    <td class="num">{format!("{}{unit}", format_value(row.latest_value))}<span class="hint">{format!(" ({})", row.latest_period)}</span></td>
                    <td class="num">{row.target.map_or_else(|| "None".to_string(), |t| format!("{}{unit}", format_value(t)))}</td>
                    <td><VariationBadge icon=row.variation_icon /></td>
                    <td><AssuranceBadge icon=row.assurance_icon has_target=row.target.is_some() /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data spc-summary">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Metric"</th>
                    {show_ics.then(|| view! { <th scope="col">"ICS"</th> })}
                    <th scope="col">"Latest value"</th>
                    <th scope="col">"Target"</th>
                    <th scope="col">"Variation"</th>
                    <th scope="col">"Assurance"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}
