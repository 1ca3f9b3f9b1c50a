//! `/admin/users`: admins list accounts and create new ones. A new account has
//! no password: the admin passes on a one-time link with which its owner sets
//! one, so no one else ever knows it.

use crate::api::account::{list_users, CreateUser};
use crate::components::form::{last_error, ErrorSummary, FieldError, QueryError};
use crate::components::loaded::Loaded;
use crate::components::password_link::PasswordLinkNotice;
use crate::components::session::CsrfField;
use crate::domain::permission::Role;
use crate::model::account::UserSummary;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let page = Resource::new(move || create.version().get(), |_| list_users());
    view! {
        <Title text="Users" />
        <h1>"Users"</h1>
        <QueryError />
        <Loaded resource=page show=move |page| view! {
            <CreateUserForm csrf=page.csrf create />
            <UserList users=page.users />
        }.into_any() />
    }
}

#[component]
fn UserList(users: Vec<UserSummary>) -> impl IntoView {
    view! {
        <section aria-labelledby="users-heading">
            <h2 id="users-heading">"Accounts"</h2>
            <table class="data">
                <thead><tr>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Organisation"</th>
                    <th scope="col">"State"</th>
                </tr></thead>
                <tbody>
                    {users.into_iter().map(|user| view! {
                        <tr>
                            <td><a href=format!("/admin/users/{}", user.id)>{user.email.clone()}</a></td>
                            <td>{user.display_name.clone()}</td>
                            <td>{user.role_label.clone()}</td>
                            <td>{user.organisation_name.clone()}</td>
                            <td>{account_state(&user)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// An account's state in words.
pub fn account_state(user: &UserSummary) -> &'static str {
    match (user.active, user.has_password) {
        (false, _) => "Deactivated",
        (true, false) => "Waiting for a password",
        (true, true) => "Active",
    }
}

#[component]
fn CreateUserForm(csrf: String, create: ServerAction<CreateUser>) -> impl IntoView {
    let error = last_error(create.value());
    view! {
        <section aria-labelledby="create-heading">
            <h2 id="create-heading">"Create a user"</h2>
            <p>"The new user sets their own password through a one-time link, which you pass on to them."</p>
            <ErrorSummary error />
            {move || create.value().get().and_then(|r| r.ok()).map(|link| view! { <PasswordLinkNotice link /> })}
            <ActionForm action=create>
                <CsrfField token=csrf />
                <div class="field"><label for="email">"Email"</label><input id="email" name="email" type="email" required /><FieldError error field="email" /></div>
                <div class="field"><label for="display_name">"Name"</label><input id="display_name" name="display_name" required /><FieldError error field="display_name" /></div>
                <div class="field">
                    <label for="role">"Role"</label>
                    <select id="role" name="role">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                    <FieldError error field="role" />
                </div>
                <div class="field"><label for="organisation_id">"Organisation id"</label><input id="organisation_id" name="organisation_id" required /><FieldError error field="organisation_id" /></div>
                <div class="field"><label for="lead_ics">"ICS led (ICS leads only)"</label><input id="lead_ics" name="lead_ics" /><FieldError error field="lead_ics" /></div>
                <button type="submit">"Create user"</button>
            </ActionForm>
        </section>
    }
}
