//! `/admin/users`: admins create accounts.

use crate::api::account::CreateUser;
use crate::components::form::{last_error, ErrorSummary, FieldError, QueryError};
use crate::components::session::{CsrfField, RequireUser};
use crate::domain::permission::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <Title text="Users" />
        <h1>"Create a user"</h1>
        <QueryError />
        <RequireUser children=|user| view! { <CreateUserForm csrf=user.csrf_token /> } />
    }
}

#[component]
fn CreateUserForm(csrf: String) -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    let error = last_error(action.value());
    view! {
        <ErrorSummary error />
        {move || action.value().get().and_then(|r| r.ok()).map(|email| view! { <p class="success" role="status">{format!("Created {email}.")}</p> })}
        <ActionForm action>
            <CsrfField token=csrf />
            <div class="field"><label for="email">"Email"</label><input id="email" name="email" type="email" required /><FieldError error field="email" /></div>
            <div class="field"><label for="display_name">"Name"</label><input id="display_name" name="display_name" required /><FieldError error field="display_name" /></div>
            <div class="field"><label for="password">"Initial password (12 characters or more)"</label><input id="password" name="password" type="password" autocomplete="new-password" required /><FieldError error field="password" /></div>
            <div class="field">
                <label for="role">"Role"</label>
                <select id="role" name="role">
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field"><label for="organisation_id">"Organisation id"</label><input id="organisation_id" name="organisation_id" required /><FieldError error field="organisation_id" /></div>
            <div class="field"><label for="lead_ics">"ICS led (ICS leads only)"</label><input id="lead_ics" name="lead_ics" /><FieldError error field="lead_ics" /></div>
            <button type="submit">"Create user"</button>
        </ActionForm>
    }
}
