//! `/readings`: import readings from a spreadsheet (.xlsx) or CSV (preview
//! first, then all or nothing) and export them.

use crate::api::readings::{get_workbook_preview, ImportReadings};
use crate::components::form::{last_error, ErrorSummary, QueryError};
use crate::components::loaded::Loaded;
use crate::components::session::{CsrfField, RequireUser};
use crate::domain::metric::format_value;
use crate::domain::validation::RowError;
use crate::model::readings::WHOLE_SHEET;
use crate::model::readings::{ImportPreview, WorkbookPreview};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReadingsPage() -> impl IntoView {
    view! {
        <Title text="Metric readings" />
        <h1>"Metric readings"</h1>
        <QueryError />
        <ImportedWithoutJs />
        <RequireUser children=|user| view! {
            <UploadedWorkbook csrf=user.csrf_token.clone() />
            <WorkbookUploadForm csrf=user.csrf_token.clone() />
            <CsvImportForm csrf=user.csrf_token />
        } />
        <section aria-labelledby="export-heading">
            <h2 id="export-heading">"Export"</h2>
            <p>"Download readings as CSV in the import format: "
                <a href="/readings.csv" download="readings.csv">"all readings"</a>", or for one ICS, e.g. "
                <a href="/readings.csv?ics=SEL" download="readings-SEL.csv">"South East London"</a>"."
            </p>
            <p>"Or as an Excel spreadsheet (.xlsx), the same columns: "
                <a href="/readings.xlsx" download="readings.xlsx">"all readings (.xlsx)"</a>", "
                <a href="/readings.xlsx?ics=SEL" download="readings-SEL.xlsx">"South East London (.xlsx)"</a>"."
                " Add "<code>"?ics="</code>" and "<code>"&period="</code>" (a quarter, with its months, or a month) to either to narrow it."
            </p>
        </section>
    }
}

/// CSV from a chosen file or pasted text, a plain multipart form: the server
/// checks it and comes back to `/readings?upload=<id>` with its preview, as
/// for a spreadsheet.
#[component]
fn CsvImportForm(csrf: String) -> impl IntoView {
    view! {
        <section aria-labelledby="import-heading">
            <h2 id="import-heading">"Import from CSV"</h2>
            <p class="hint" id="csv-hint">
                "Columns: metric, ics, period, value, and optionally partner (an organisation id) and note. "
                "The period is a month such as 2024-04 for a monthly metric, a quarter such as 2024-25-Q1 for a quarterly one (the catalogue says which). "
                "Nothing is written until you have seen the preview and chosen Import; a file with any error imports nothing."
            </p>
            <form method="post" action="/readings/upload" enctype="multipart/form-data">
                <CsrfField token=csrf />
                <CsvFileAndText />
                <button type="submit">"Preview"</button>
            </form>
        </section>
    }
}

/// An island: with JavaScript, a chosen file's text appears in the box, to
/// read or correct before the preview. Without it, the file itself is posted.
#[island]
pub fn CsvFileAndText() -> impl IntoView {
    let csv = RwSignal::new(String::new());
    view! {
        <div class="field">
            <label for="csv-file">"Choose a CSV file"</label>
            <p class="hint" id="csv-file-hint">"Or paste its text in the box below."</p>
            <input id="csv-file" name="csv_file" type="file" accept=".csv,text/csv" aria-describedby="csv-file-hint"
                on:change=move |ev| read_file_into(ev, csv) />
        </div>
        <div class="field">
            <label for="csv">"CSV text"</label>
            <textarea id="csv" name="csv" rows="8" aria-describedby="csv-hint"
                on:input=move |ev| csv.set(event_target_value(&ev))
                prop:value=move || csv.get()></textarea>
        </div>
    }
}

#[component]
fn PreviewResult(
    result: ImportPreview,
    csrf: String,
    csv: String,
    import: ServerAction<ImportReadings>,
) -> impl IntoView {
    if let Some(message) = result.forbidden {
        return view! { <div class="error-summary" role="alert"><h3>"You cannot import this file"</h3><p>{message}</p></div> }.into_any();
    }
    if !result.errors.is_empty() {
        let count = result.errors.len();
        return view! {
            <div class="error-summary" role="alert">
                <h3>{format!("{count} problem{} in the file: nothing will be imported", if count == 1 { "" } else { "s" })}</h3>
                <table class="data">
                    <caption class="visually-hidden">"Problems by line or cell"</caption>
                    <thead><tr><th scope="col">"Where"</th><th scope="col">"Problem"</th></tr></thead>
                    <tbody>
                        {result.errors.into_iter().map(|e| view! {
                            <tr class="row-error"><td>{location(&e)}</td><td>{e.message}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any();
    }
    let count = result.rows.len();
    view! {
        <div class="preview" role="status">
            <h3>{format!("Ready to import {count} reading{}", if count == 1 { "" } else { "s" })}</h3>
            <table class="data">
                <thead><tr><th scope="col">"Row"</th><th scope="col">"Metric"</th><th scope="col">"ICS"</th><th scope="col">"Period"</th><th scope="col">"Value"</th><th scope="col">"Partner"</th><th scope="col">"Note"</th></tr></thead>
                <tbody>
                    {result.rows.into_iter().map(|r| view! {
                        <tr><td>{r.line}</td><td>{r.metric}</td><td>{r.ics}</td><td>{r.period.to_string()}</td><td>{format_value(r.value)}</td>
                            <td>{r.partner.unwrap_or_else(|| "ICS level".into())}</td><td>{r.note.unwrap_or_default()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=import>
                <CsrfField token=csrf />
                <input type="hidden" name="csv" value=csv />
                <button type="submit">{format!("Import {count} reading{}", if count == 1 { "" } else { "s" })}</button>
            </ActionForm>
        </div>
    }.into_any()
}

/// Puts the chosen file's text into the CSV box (in the browser; the server
/// never sees the file itself, only the text the form posts).
fn read_file_into(ev: leptos::ev::Event, csv: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            let text = file.text();
            leptos::task::spawn_local(async move {
                if let Ok(value) = wasm_bindgen_futures::JsFuture::from(text).await {
                    if let Some(text) = value.as_string() {
                        csv.set(text);
                    }
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, csv);
}

/// Where a problem is: a spreadsheet's cell (`Readings!D7`), sheet or
/// workbook names itself; a CSV problem is at a line and column.
fn location(error: &RowError) -> String {
    if error.column.contains('!') || error.column.starts_with(WHOLE_SHEET) || error.column == "workbook" {
        error.column.clone()
    } else {
        format!("line {}, {}", error.line, error.column)
    }
}

/// `?imported=3-1-0`: what an import posted without JavaScript did.
#[component]
fn ImportedWithoutJs() -> impl IntoView {
    let query = use_query_map();
    move || {
        let text = query.read().get("imported")?;
        let counts: Vec<usize> = text.split('-').filter_map(|n| n.parse().ok()).collect();
        let [inserted, updated, unchanged] = counts[..] else { return None };
        Some(view! {
            <p class="success" role="status">{format!("Imported: {inserted} new, {updated} updated, {unchanged} unchanged.")}</p>
        })
    }
}

/// A plain multipart form (it works without JavaScript): the server reads the
/// workbook and comes back to `/readings?upload=<id>` with its preview.
#[component]
fn WorkbookUploadForm(csrf: String) -> impl IntoView {
    view! {
        <section aria-labelledby="upload-heading">
            <h2 id="upload-heading">"Upload a spreadsheet (.xlsx)"</h2>
            <p class="hint" id="workbook-hint">
                "A sheet named Readings with the columns metric, ics, period, value, and optionally partner and note, as in "
                <a href="/me/figures">"your organisation's template"</a>". Up to 5 MB. "
                "You will see every problem by cell, or the readings it holds, before anything is imported."
            </p>
            <form method="post" action="/readings/upload" enctype="multipart/form-data">
                <CsrfField token=csrf />
                <div class="field">
                    <label for="workbook">"Choose a spreadsheet"</label>
                    <input id="workbook" name="workbook" type="file" required aria-describedby="workbook-hint"
                        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                </div>
                <button type="submit">"Upload and check"</button>
            </form>
        </section>
    }
}

/// `?upload=<id>`: the preview of a spreadsheet just uploaded.
#[component]
fn UploadedWorkbook(csrf: String) -> impl IntoView {
    let query = use_query_map();
    let upload = move || query.read().get("upload").filter(|id| !id.is_empty());
    move || {
        let id = upload()?;
        let csrf = csrf.clone();
        let data = Resource::new(move || id.clone(), get_workbook_preview);
        Some(view! {
            <Loaded resource=data show=move |preview| view! { <WorkbookPreviewView preview csrf=csrf.clone() /> }.into_any() />
        })
    }
}

#[component]
fn WorkbookPreviewView(preview: WorkbookPreview, csrf: String) -> impl IntoView {
    let import = ServerAction::<ImportReadings>::new();
    let import_error = last_error(import.value());
    let imported = move || import.value().get().and_then(|r| r.ok());
    view! {
        <section aria-labelledby="uploaded-heading">
            <h2 id="uploaded-heading">{format!("Preview of {}", preview.filename)}</h2>
            {(!preview.notices.is_empty()).then(|| view! {
                <ul class="notices">{preview.notices.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            })}
            <PreviewResult result=preview.preview csrf csv=preview.csv import />
            <ErrorSummary error=import_error />
            {move || imported().map(|s| view! {
                <p class="success" role="status">{format!("Imported: {} new, {} updated, {} unchanged.", s.inserted, s.updated, s.unchanged)}</p>
            })}
        </section>
    }
}
