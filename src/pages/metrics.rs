//! `/metrics`: the metric catalogue; board reviewers change targets and retire metrics.

use crate::api::readings::{list_metrics, CatalogueEntry, UpdateMetric};
use crate::components::error_panel::ErrorPanel;
use crate::components::form::{last_error, ErrorSummary, QueryError};
use crate::components::session::CsrfField;
use crate::domain::metric::format_value;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MetricsPage() -> impl IntoView {
    let update = ServerAction::<UpdateMetric>::new();
    let metrics = Resource::new(move || update.version().get(), |_| list_metrics());
    let error = last_error(update.value());
    view! {
        <Title text="Metric catalogue" />
        <h1>"Metric catalogue"</h1>
        <p class="lede">"The key metrics partners report against each principle. Green meets the target; amber is between the target and the amber edge; red is beyond it."</p>
        <QueryError />
        <ErrorSummary error />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match metrics.await {
                    Ok(catalogue) => view! {
                        <table class="data catalogue">
                            <thead><tr>
                                <th scope="col">"Metric"</th><th scope="col">"Commitment"</th><th scope="col">"Kind"</th>
                                <th scope="col">"Better"</th><th scope="col">"Target"</th><th scope="col">"Amber edge"</th><th scope="col">"State"</th>
                            </tr></thead>
                            <tbody>
                                {catalogue.entries.into_iter().map(|m| view! { <MetricRow metric=m csrf=catalogue.editor_csrf.clone() update /> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MetricRow(metric: CatalogueEntry, csrf: Option<String>, update: ServerAction<UpdateMetric>) -> impl IntoView {
    let show = |v: Option<f64>| v.map(format_value).unwrap_or_else(|| "none".into());
    let state = if metric.retired { "Retired" } else { "In use" };
    let row = view! {
        <tr>
            <td><a href=format!("/metrics/{}", metric.id)>{metric.name.clone()}</a><br /><code>{metric.id.clone()}</code></td>
            <td><a href=format!("/commitments/{}", metric.commitment_id)>{metric.commitment_id.clone()}</a></td>
            <td>{metric.kind.clone()}</td>
            <td>{metric.direction.clone().unwrap_or_default()}</td>
            <td>{show(metric.target)}</td>
            <td>{show(metric.amber)}</td>
            <td>{state}</td>
        </tr>
    };
    let editor = csrf.map(move |csrf| {
        let label = format!("Change {}", metric.name);
        view! {
            <tr class="editor">
                <td colspan="7">
                    <ActionForm action=update attr:aria-label=label>
                        <CsrfField token=csrf />
                        <input type="hidden" name="id" value=metric.id />
                        <input type="hidden" name="version" value=metric.version.to_string() />
                        <label>"Target " <input name="target" value=metric.target.map(format_value).unwrap_or_default() size="6" /></label>
                        " "
                        <label>"Amber edge " <input name="amber" value=metric.amber.map(format_value).unwrap_or_default() size="6" /></label>
                        " "
                        <label><input type="checkbox" name="retired" value="on" checked=metric.retired /> " Retired"</label>
                        " "
                        <button type="submit">"Save"</button>
                    </ActionForm>
                </td>
            </tr>
        }
    });
    view! { {row} {editor} }
}
