//! `/organisations`: every London partner, its ICSs, codes and sign-up;
//! admins and board reviewers add organisations here.

use crate::api::organisations::{list_organisations, SaveOrganisation};
use crate::components::form::{last_error, ErrorSummary, QueryError};
use crate::components::loaded::Loaded;
use crate::components::organisation_form::OrganisationFields;
use crate::components::session::CsrfField;
use crate::model::organisations::OrganisationRow;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let save = ServerAction::<SaveOrganisation>::new();
    let page = Resource::new(move || save.version().get(), |_| list_organisations());
    view! {
        <Title text="Organisations" />
        <h1>"Organisations"</h1>
        <p>"Every London partner of the concordat: the ICSs each serves, its NHS ODS or ONS code, and whether it has signed. Merged organisations stay for history and name their successor. "
           <a href="/sign-up">"Sign-up across London"</a>"."</p>
        <QueryError />
        <Loaded resource=page show=move |page| view! {
            <OrganisationTable rows=page.rows />
            {page.editor_csrf.map(|csrf| view! { <AddOrganisationForm csrf save /> })}
        }.into_any() />
    }
}

#[component]
fn OrganisationTable(rows: Vec<OrganisationRow>) -> impl IntoView {
    view! {
        <table class="data">
            <caption>{format!("{} organisations", rows.len())}</caption>
            <thead><tr>
                <th scope="col">"Organisation"</th>
                <th scope="col">"Kind"</th>
                <th scope="col">"ICSs served"</th>
                <th scope="col">"Code"</th>
                <th scope="col">"Signed the concordat"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let org = row.organisation;
                    let code = org.ods.clone().or(org.ons.clone()).unwrap_or_default();
                    let state = match (&row.retired, &row.successor_name) {
                        (true, Some(successor)) => format!(" (merged into {successor})"),
                        (true, None) => " (retired)".to_string(),
                        _ => String::new(),
                    };
                    view! {
                        <tr>
                            <td><a href=format!("/organisations/{}", org.id)>{org.name.clone()}</a>{state}</td>
                            <td>{row.kind_label}</td>
                            <td>{row.icss.join(", ")}</td>
                            <td>{code}</td>
                            <td>{row.signed_up.map(|s| s.signed_on).unwrap_or_else(|| "Not yet".into())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AddOrganisationForm(csrf: String, save: ServerAction<SaveOrganisation>) -> impl IntoView {
    let error = last_error(save.value());
    view! {
        <section aria-labelledby="add-heading">
            <h2 id="add-heading">"Add an organisation"</h2>
            <ErrorSummary error />
            <ActionForm action=save>
                <CsrfField token=csrf />
                <input type="hidden" name="id" value="" />
                <input type="hidden" name="version" value="0" />
                <OrganisationFields error organisation=None />
                <button type="submit">"Add organisation"</button>
            </ActionForm>
        </section>
    }
}
