//! `/metrics/{id}`: one metric's readings over time in each ICS, as charts and a table.

use super::{route_params, IdParams};
use crate::api::readings::get_metric_trend;
use crate::components::loaded::Loaded;
use crate::components::trend_chart::TrendChart;
use crate::domain::metric::format_value;
use crate::model::readings::MetricTrend;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MetricTrendPage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let id = move || params().id.unwrap_or_default();
    let data = Resource::new(id, get_metric_trend);
    view! {
        <Loaded resource=data show=move |trend| view! { <TrendView trend /> }.into_any() />
    }
}

#[component]
fn TrendView(trend: MetricTrend) -> impl IntoView {
    let MetricTrend { metric, periods, series } = trend;
    let periods: Vec<String> = periods.iter().map(ToString::to_string).collect();
    let unit = if metric.kind == "percent" {
        "%".to_string()
    } else {
        metric.unit.clone().map(|u| format!(" {u}")).unwrap_or_default()
    };
    let with_data: Vec<usize> = (0..periods.len()).filter(|i| series.iter().any(|(_, v)| v[*i].is_some())).collect();
    view! {
        <Title text=metric.name.clone() />
        <p class="breadcrumb"><a href="/metrics">"Metric catalogue"</a></p>
        <h1>{metric.name.clone()}</h1>
        <p class="lede">
            {format!("Feeds commitment {}. ", metric.commitment_id)}
            {match (metric.target, metric.amber) {
                (Some(t), Some(a)) => format!("Target {}{unit}; amber edge {}{unit}; {} is better.", format_value(t), format_value(a), metric.direction.clone().unwrap_or_default()),
                _ => "No target yet: shown, but not rated.".to_string(),
            }}
        </p>
        <div class="charts">
            {series.iter().map(|(ics, values)| view! {
                <TrendChart id=format!("trend-{ics}") title=format!("{ics}: {}", metric.name) periods=periods.clone()
                    values=values.clone() target=metric.target amber=metric.amber unit=unit.clone() />
            }).collect_view()}
        </div>
        <h2>"The readings"</h2>
        {if with_data.is_empty() {
            view! { <p>"No ICS-level readings yet."</p> }.into_any()
        } else {
            view! {
                <table class="data">
                    <caption>{format!("{} by ICS and period", metric.name)}</caption>
                    <thead><tr><th scope="col">"Period"</th>{series.iter().map(|(ics, _)| view! { <th scope="col">{ics.to_string()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {with_data.iter().map(|&i| view! {
                            <tr>
                                <th scope="row">{periods[i].clone()}</th>
                                {series.iter().map(|(_, v)| view! { <td>{v[i].map(|x| format!("{}{unit}", format_value(x))).unwrap_or_else(|| "—".into())}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}
