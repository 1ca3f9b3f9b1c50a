//! `/me/figures?period=…`: a partner's figures for a quarter, one box per
//! metric its kind reports, per ICS it serves, per period; saved all at once
//! or not at all. Works without JavaScript (a refused save comes back with what
//! was typed and each box's problem); with it, the page stays as typed.

use crate::api::figures::{get_figures, SaveFigures};
use crate::components::form::{last_error, QueryError};
use crate::components::loaded::Loaded;
use crate::components::session::CsrfField;
use crate::domain::metric::{format_value, MetricKind};
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::model::figures::{FigureRow, PeriodFigures};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

#[component]
pub fn FiguresPage() -> impl IntoView {
    let query = use_query_map();
    let request = move || {
        let query = query.read();
        let text = |name: &str| query.get(name).unwrap_or_default();
        // `values[<key>]=…`: what a save refused without JavaScript carried back.
        let typed: BTreeMap<String, String> = (&*query)
            .into_iter()
            .filter_map(|(name, value)| {
                let key = name.strip_prefix("values[")?.strip_suffix(']')?;
                Some((key.to_string(), value.to_string()))
            })
            .collect();
        (text("organisation"), text("period"), typed)
    };
    let data = Resource::new(request, |(organisation, period, typed)| get_figures(organisation, period, Some(typed)));
    view! {
        <Title text="Your figures" />
        <Loaded resource=data show=move |figures| view! { <FiguresView figures /> }.into_any() />
    }
}

#[component]
fn FiguresView(figures: PeriodFigures) -> impl IntoView {
    let query = use_query_map();
    let saved_without_js = move || query.read().get("saved").filter(|n| !n.is_empty());
    let quarter = figures.quarter.to_string();
    let own = figures.organisation_id.clone();
    let template = format!("/me/figures.xlsx?period={quarter}&organisation={own}");
    let heading = format!("Figures for {}", figures.quarter.label());
    view! {
        <h1>{heading}</h1>
        <p class="lede">{figures.organisation_name.clone()}</p>
        <QuarterPicker figures=figures.clone() />
        <p>
            "Prefer a spreadsheet? "
            <a href=template download="">{format!("Download the template for {quarter} (.xlsx)")}</a>
            ", fill in the value column and upload it on the "<a href="/readings">"readings page"</a>"."
        </p>
        {move || saved_without_js().map(|n| view! {
            <p class="success" role="status">{format!("Saved {n} figures.")}</p>
        })}
        {if figures.rows.is_empty() {
            view! {
                <p>"The catalogue lists no metrics that your kind of organisation reports. "
                   "If that is wrong, the London recovery board can change it on the "<a href="/metrics">"metrics page"</a>"."</p>
            }.into_any()
        } else {
            view! { <FiguresForm figures /> }.into_any()
        }}
    }
}

#[component]
fn QuarterPicker(figures: PeriodFigures) -> impl IntoView {
    let selected = figures.quarter;
    view! {
        <form method="get" action="/me/figures" class="filters">
            <input type="hidden" name="organisation" value=figures.organisation_id />
            <div class="field">
                <label for="period">"Quarter"</label>
                <select id="period" name="period">
                    {figures.quarters.into_iter().map(|q| view! {
                        <option value=q.to_string() selected=q == selected>{format!("{q} ({})", q.label())}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Show"</button>
        </form>
    }
}

/// What a box takes, in words: also its `aria-describedby` hint.
fn what_to_enter(row: &FigureRow) -> String {
    let rule = match row.kind {
        MetricKind::Percent => "percentage, 0 to 100",
        MetricKind::Count => "whole number, 0 or more",
        MetricKind::Rate | MetricKind::Ratio => "number, 0 or more",
        MetricKind::Milestone => "1 = done, 0 = not yet",
    };
    match &row.unit {
        Some(unit) if !unit.is_empty() => format!("{rule} ({unit})"),
        _ => rule.to_string(),
    }
}

#[component]
fn FiguresForm(figures: PeriodFigures) -> impl IntoView {
    let save = ServerAction::<SaveFigures>::new();
    let error = last_error(save.value());
    let saved = move || save.value().get().and_then(|r| r.ok());
    // Problems from a save refused without JavaScript (already on the page), or
    // from the last save made with it.
    let loaded_errors = figures.errors.clone();
    let errors = Signal::derive(move || match error.get() {
        Some(AppError::Validation(errors)) => errors,
        Some(AppError::Invalid { field, message }) => vec![FieldError::new(field, message)],
        Some(_) => Vec::new(),
        None if save.version().get() == 0 => loaded_errors.clone(),
        None => Vec::new(),
    });
    let other_error = Signal::derive(move || {
        error.get().filter(|e| !matches!(e, AppError::Validation(_) | AppError::Invalid { .. }))
    });
    let labels: BTreeMap<String, String> = figures
        .rows
        .iter()
        .map(|r| (r.key.clone(), format!("{}, {}, {}", r.metric_name, r.ics, r.period.label())))
        .collect();
    let may_save = figures.csrf.is_some();
    let count = figures.rows.len();
    view! {
        <ProblemList errors labels />
        {move || other_error.get().map(|e| view! {
            <div class="error-summary" role="alert"><h2>"There is a problem"</h2><p>{e.to_string()}</p></div>
        })}
        {if figures.errors.is_empty() { Some(view! { <QueryError /> }) } else { None }}
        {move || saved().map(|s| view! {
            <p class="success" role="status">{format!(
                "Saved: {} new, {} changed, {} unchanged.", s.inserted, s.updated, s.unchanged
            )}</p>
        })}
        <ActionForm action=save>
            {figures.csrf.clone().map(|token| view! { <CsrfField token /> })}
            <input type="hidden" name="organisation" value=figures.organisation_id.clone() />
            <input type="hidden" name="period" value=figures.quarter.to_string() />
            <table class="data figures">
                <caption>{format!("{count} figures for {}: leave a box empty to leave its figure as it is", figures.quarter)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Metric"</th>
                        <th scope="col">"ICS"</th>
                        <th scope="col">"Period"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Period before"</th>
                        <th scope="col">"Value"</th>
                    </tr>
                </thead>
                <tbody>
                    {figures.rows.into_iter().map(|row| {
                        let typed = figures.typed.get(&row.key).cloned();
                        view! { <FigureInputRow row typed errors disabled=!may_save /> }
                    }).collect_view()}
                </tbody>
            </table>
            {if may_save {
                view! { <button type="submit">"Save all figures"</button> }.into_any()
            } else {
                view! { <p class="hint">"You can see these figures but not change them."</p> }.into_any()
            }}
        </ActionForm>
    }
}

/// Every problem of the last save, each linked to its box.
#[component]
fn ProblemList(errors: Signal<Vec<FieldError>>, labels: BTreeMap<String, String>) -> impl IntoView {
    move || {
        let errors = errors.get();
        (!errors.is_empty()).then(|| {
            let count = errors.len();
            view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <h2>{format!("{count} problem{}: nothing was saved", if count == 1 { "" } else { "s" })}</h2>
                    <ul>
                        {errors.into_iter().map(|e| {
                            let label = labels.get(&e.field).cloned();
                            match label {
                                Some(label) => view! {
                                    <li><a href=format!("#{}", e.field)>{format!("{label}: {}", e.message)}</a></li>
                                }.into_any(),
                                None => view! { <li>{e.message}</li> }.into_any(),
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

#[component]
fn FigureInputRow(
    row: FigureRow,
    /// What was typed into a refused save, shown instead of the recorded value.
    typed: Option<String>,
    errors: Signal<Vec<FieldError>>,
    disabled: bool,
) -> impl IntoView {
    let key = row.key.clone();
    let hint_id = format!("{key}-hint");
    let error_id = format!("{key}-error");
    let value = typed.unwrap_or_else(|| row.current_value.map(format_value).unwrap_or_default());
    let message = {
        let key = key.clone();
        Signal::derive(move || errors.get().into_iter().find(|e| e.field == key).map(|e| e.message))
    };
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || if message.get().is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() }
    };
    let label = format!("{} for {}, {}", row.metric_name, row.ics, row.period.label());
    view! {
        <tr class=move || if message.get().is_some() { "row-error" } else { "" }>
            <th scope="row"><a href=format!("/metrics/{}", row.metric_id)>{row.metric_name.clone()}</a>
                <span class="hint" id=hint_id.clone()>{what_to_enter(&row)}</span></th>
            <td>{row.ics.clone()}</td>
            <td>{row.period.short_label()}</td>
            <td>{row.target.map(format_value).unwrap_or_else(|| "—".into())}</td>
            <td>{row.previous_value.map(format_value).unwrap_or_else(|| "—".into())}</td>
            <td>
                <label class="visually-hidden" for=key.clone()>{label}</label>
                <input id=key.clone() name=format!("values[{key}]") value=value inputmode="decimal" size="8"
                    disabled=disabled
                    aria-describedby=described_by aria-invalid=move || message.get().is_some().then_some("true") />
                {move || message.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{format!("Error: {m}")}</p> })}
            </td>
        </tr>
    }
}
