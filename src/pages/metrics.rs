//! `/metrics`: the metric catalogue; board reviewers change targets and retire metrics.

use crate::api::readings::{list_metrics, CreateMetric, SetIcsTarget, SetMetricReporters, UpdateMetric};
use crate::components::form::{last_error, succeeded, ErrorSummary, QueryError, SuccessNotice};
use crate::components::loaded::Loaded;
use crate::components::session::CsrfField;
use crate::domain::london::OrgKind;
use crate::domain::metric::format_value;
use crate::model::readings::CatalogueEntry;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

/// `?edit=<metric id>`: the metric whose editing forms are open. One at a
/// time, so the catalogue stays small however many metrics it holds.
#[derive(Params, Clone, Debug, Default, PartialEq)]
struct EditQuery {
    edit: Option<String>,
}

#[component]
pub fn MetricsPage() -> impl IntoView {
    let update = ServerAction::<UpdateMetric>::new();
    let create = ServerAction::<CreateMetric>::new();
    let ics_target = ServerAction::<SetIcsTarget>::new();
    let reporters = ServerAction::<SetMetricReporters>::new();
    let metrics = Resource::new(
        move || (update.version().get(), create.version().get(), ics_target.version().get(), reporters.version().get()),
        |_| list_metrics(),
    );
    let query = super::query_params::<EditQuery>();
    let error = last_error(update.value());
    let reporters_error = last_error(reporters.value());
    view! {
        <Title text="Metric catalogue" />
        <h1>"Metric catalogue"</h1>
        <p class="lede">"The key metrics partners report against each principle. Green meets the target; amber is between the target and the amber edge; red is beyond it."</p>
        <QueryError />
        <ErrorSummary error />
        <ErrorSummary error=reporters_error />
        <Loaded resource=metrics show=move |catalogue| {
                    let names: Vec<(String, String)> = catalogue.entries.iter().map(|m| (m.id.clone(), m.name.clone())).collect();
                    view! {
                        <table class="data catalogue">
                            <thead><tr>
                                <th scope="col">"Metric"</th><th scope="col">"Commitment"</th><th scope="col">"Kind"</th>
                                <th scope="col">"Better"</th><th scope="col">"Reported"</th><th scope="col">"Reported by"</th><th scope="col">"Target"</th><th scope="col">"Amber edge"</th><th scope="col">"State"</th>
                            </tr></thead>
                            <tbody>
                                {catalogue.entries.into_iter().map(|m| {
                                    let editing = query().edit.as_deref() == Some(m.id.as_str());
                                    view! { <MetricRow metric=m csrf=catalogue.editor_csrf.clone() editing update reporters /> }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {catalogue.editor_csrf.clone().map(|csrf| view! {
                            <CatalogueEditors csrf metrics=names.clone() ics_codes=catalogue.ics_codes.iter().map(ToString::to_string).collect() create ics_target />
                        })}
                    }.into_any()
                    } />
    }
}

#[component]
fn MetricRow(
    metric: CatalogueEntry,
    csrf: Option<String>,
    /// Whether its editing forms are open (`?edit=`); editors see a link to open them.
    editing: bool,
    update: ServerAction<UpdateMetric>,
    reporters: ServerAction<SetMetricReporters>,
) -> impl IntoView {
    let open = (csrf.is_some() && !editing).then(|| {
        view! {
            <br />
            <a href=format!("/metrics?edit={}#edit-{}", metric.id, metric.id) aria-label=format!("Change {}", metric.name)>"Change"</a>
        }
    });
    let show = |v: Option<f64>| v.map(format_value).unwrap_or_else(|| "none".into());
    let state = if metric.retired { "Retired" } else { "In use" };
    let row = view! {
        <tr>
            <td><a href=format!("/metrics/{}", metric.id)>{metric.name.clone()}</a><br /><code>{metric.id.clone()}</code></td>
            <td><a href=format!("/commitments/{}", metric.commitment_id)>{metric.commitment_id.clone()}</a></td>
            <td>{metric.kind.clone()}</td>
            <td>{metric.direction.clone().unwrap_or_default()}</td>
            <td>{metric.frequency.as_str()}</td>
            <td>{if metric.reported_by.is_empty() {
                "no one yet".to_string()
            } else {
                metric.reported_by.iter().map(|k| k.label()).collect::<Vec<_>>().join(", ")
            }}</td>
            <td>{show(metric.target)}</td>
            <td>{show(metric.amber)}</td>
            <td>{state}{open}</td>
        </tr>
    };
    let editor = csrf.filter(|_| editing).map(move |csrf| {
        let label = format!("Change {}", metric.name);
        let reporters_label = format!("Who reports {}", metric.name);
        let (reporters_csrf, reporters_id, reporters_version) =
            (csrf.clone(), metric.id.clone(), metric.version.to_string());
        let reported_by = metric.reported_by.clone();
        let anchor = format!("edit-{}", metric.id);
        view! {
            <tr class="editor" id=anchor>
                <td colspan="9">
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
                    <ActionForm action=reporters attr:aria-label=reporters_label>
                        <CsrfField token=reporters_csrf />
                        <input type="hidden" name="id" value=reporters_id />
                        <input type="hidden" name="version" value=reporters_version />
                        <input type="hidden" name="reported_by[_]" value="" />
                        <fieldset class="inline-choices">
                            <legend>"Reported by"</legend>
                            {OrgKind::ALL.into_iter().map(|kind| {
                                let checked = reported_by.contains(&kind);
                                view! {
                                    <label><input type="checkbox" name=format!("reported_by[{}]", kind.as_str()) value="on" checked=checked />" "{kind.label()}</label>
                                    " "
                                }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit">"Save who reports it"</button>
                    </ActionForm>
                </td>
            </tr>
        }
    });
    view! { {row} {editor} }
}

/// The board's forms: add a metric, and give one ICS its own target.
#[component]
fn CatalogueEditors(
    csrf: String,
    metrics: Vec<(String, String)>,
    ics_codes: Vec<String>,
    create: ServerAction<CreateMetric>,
    ics_target: ServerAction<SetIcsTarget>,
) -> impl IntoView {
    use crate::components::form::FieldError;
    let create_error = last_error(create.value());
    let target_error = last_error(ics_target.value());
    let target_csrf = csrf.clone();
    view! {
        <section aria-labelledby="add-metric-heading">
            <h2 id="add-metric-heading">"Add a metric"</h2>
            <ErrorSummary error=create_error />
            <SuccessNotice show=succeeded(create)>"Metric added."</SuccessNotice>
            <ActionForm action=create>
                <CsrfField token=csrf />
                <div class="field"><label for="new-id">"Id (m_ and lower-case letters, digits or _)"</label><input id="new-id" name="id" required /><FieldError error=create_error field="id" /></div>
                <div class="field"><label for="new-name">"Name"</label><input id="new-name" name="name" required /><FieldError error=create_error field="name" /></div>
                <div class="field"><label for="new-commitment">"Commitment (e.g. P3.C2)"</label><input id="new-commitment" name="commitment_id" required /><FieldError error=create_error field="commitment_id" /></div>
                <div class="field">
                    <label for="new-kind">"Kind"</label>
                    <select id="new-kind" name="kind">
                        {crate::domain::metric::MetricKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field"><label for="new-unit">"Unit (optional)"</label><input id="new-unit" name="unit" /></div>
                <div class="field">
                    <label for="new-direction">"Which is better"</label>
                    <select id="new-direction" name="direction">
                        <option value="higher">"Higher"</option>
                        <option value="lower">"Lower"</option>
                        <option value="">"Not applicable (milestones)"</option>
                    </select>
                    <FieldError error=create_error field="direction" />
                </div>
                <div class="field">
                    <label for="new-frequency">"Reported"</label>
                    <select id="new-frequency" name="frequency">
                        <option value="quarterly">"Quarterly (periods such as 2024-25-Q1)"</option>
                        <option value="monthly">"Monthly (periods such as 2024-04)"</option>
                    </select>
                    <FieldError error=create_error field="frequency" />
                </div>
                <div class="field">
                    <label for="new-rollup">"A monthly metric's quarter is"</label>
                    <select id="new-rollup" name="rollup" aria-describedby="new-rollup-hint">
                        {crate::domain::frequency::QuarterRollup::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                    <p class="hint" id="new-rollup-hint">"How the months make the quarter's figure for RAG: the latest month for snapshots and rolling figures, the mean for percentages and rates, the sum for counts of events (the target is then per month, multiplied by the months summed)."</p>
                    <FieldError error=create_error field="rollup" />
                </div>
                <div class="field"><label for="new-target">"Target (optional)"</label><input id="new-target" name="target" /><FieldError error=create_error field="target" /></div>
                <div class="field"><label for="new-amber">"Amber edge (optional)"</label><input id="new-amber" name="amber" /><FieldError error=create_error field="amber" /></div>
                <button type="submit">"Add metric"</button>
            </ActionForm>
        </section>
        <section aria-labelledby="ics-target-heading">
            <h2 id="ics-target-heading">"An ICS's own target"</h2>
            <p class="hint">"Replaces the catalogue's target and amber edge for one ICS. Leave both empty to remove it."</p>
            <ErrorSummary error=target_error />
            <SuccessNotice show=succeeded(ics_target)>"Saved."</SuccessNotice>
            <ActionForm action=ics_target>
                <CsrfField token=target_csrf />
                <div class="field">
                    <label for="target-metric">"Metric"</label>
                    <select id="target-metric" name="metric_id">
                        {metrics.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="target-ics">"ICS"</label>
                    <select id="target-ics" name="ics">
                        {ics_codes.into_iter().map(|c| { let value = c.clone(); view! { <option value=value>{c}</option> } }).collect_view()}
                    </select>
                </div>
                <div class="field"><label for="ics-target">"Target"</label><input id="ics-target" name="target" /><FieldError error=target_error field="target" /></div>
                <div class="field"><label for="ics-amber">"Amber edge"</label><input id="ics-amber" name="amber" /><FieldError error=target_error field="amber" /></div>
                <button type="submit">"Save ICS target"</button>
            </ActionForm>
        </section>
    }
}
