//! `/organisations/{id}`: one organisation: its details, its concordat
//! signature (board reviewers record it here), the edit form (admins and board
//! reviewers) and every saved version.

use super::{route_params, IdParams};
use crate::api::organisations::{get_organisation, RecordSignUp, SaveOrganisation, WithdrawSignUp};
use crate::components::form::{last_error, succeeded, ErrorSummary, FieldError, QueryError, SuccessNotice};
use crate::components::loaded::Loaded;
use crate::components::organisation_form::OrganisationFields;
use crate::components::session::CsrfField;
use crate::model::organisations::{OrganisationPage as PageData, OrganisationRow};
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveOrganisation>,
    sign: ServerAction<RecordSignUp>,
    withdraw: ServerAction<WithdrawSignUp>,
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let actions = Actions { save: ServerAction::new(), sign: ServerAction::new(), withdraw: ServerAction::new() };
    let page = Resource::new(
        move || {
            (
                params().id.unwrap_or_default(),
                actions.save.version().get(),
                actions.sign.version().get(),
                actions.withdraw.version().get(),
            )
        },
        |(id, ..)| get_organisation(id),
    );
    view! {
        <QueryError />
        <Loaded resource=page show=move |page| view! { <OrganisationView page actions /> }.into_any() />
    }
}

#[component]
fn OrganisationView(page: PageData, actions: Actions) -> impl IntoView {
    let PageData { row, version, versions, editor_csrf, signup_csrf } = page;
    let title = row.organisation.name.clone();
    let id = row.organisation.id.clone();
    let organisation = row.organisation.clone();
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <Facts row=row.clone() />
        {signup_csrf.is_some().then(|| {
            let id = row.organisation.id.clone();
            view! {
                <p>"Its figures: "<a href=format!("/me/figures?organisation={id}")>"the period form"</a>", or "
                    <a href=format!("/me/figures.xlsx?organisation={id}") download="">"the spreadsheet template (.xlsx)"</a>"."</p>
            }
        })}
        <SignUpSection row signup_csrf actions />
        {editor_csrf.map(|csrf| view! { <EditForm csrf id version organisation save=actions.save /> })}
        <section aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Changes"</h2>
            {if versions.is_empty() {
                view! { <p>"As seeded from the concordat papers; not changed since."</p> }.into_any()
            } else {
                view! { <ul>{versions.into_iter().map(|v| view! {
                    <li>{format!("Version {}: {} by {} on {}", v.version, v.name, v.saved_by, v.saved_at.get(..10).unwrap_or_default())}</li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Facts(row: OrganisationRow) -> impl IntoView {
    let org = row.organisation;
    view! {
        <dl class="facts">
            <dt>"Kind"</dt><dd>{row.kind_label}</dd>
            <dt>"ICSs served"</dt><dd>{row.icss.join(", ")}</dd>
            {org.short_name.map(|s| view! { <dt>"Short name"</dt><dd>{s}</dd> })}
            {org.ods.map(|c| view! { <dt>"NHS ODS code"</dt><dd>{c}</dd> })}
            {org.ons.map(|c| view! { <dt>"ONS code"</dt><dd>{c}</dd> })}
            {org.started_on.map(|d| view! { <dt>"Came into being"</dt><dd>{d}</dd> })}
            {org.retired_on.map(|d| view! { <dt>"Retired or merged"</dt><dd>{d}</dd> })}
            {org.successor_id.map(|id| {
                let href = format!("/organisations/{id}");
                view! {
                    <dt>"Succeeded by"</dt>
                    <dd><a href=href>{row.successor_name.clone().unwrap_or(id)}</a></dd>
                }
            })}
        </dl>
    }
}

#[component]
fn SignUpSection(row: OrganisationRow, signup_csrf: Option<String>, actions: Actions) -> impl IntoView {
    let id = row.organisation.id.clone();
    let signed = match row.signed_up.clone() {
        Some(s) => {
            let who = match (s.signatory_name.is_empty(), s.signatory_role.as_str()) {
                (true, role) => role.to_string(),
                (false, role) => format!("{}, {role}", s.signatory_name),
            };
            view! { <p>{format!("Signed on {} by {who}, for {}.", s.signed_on, s.icss.join(", "))}</p> }.into_any()
        }
        None => view! { <p>"Not signed yet."</p> }.into_any(),
    };
    let has_signature = row.signed_up.is_some();
    view! {
        <section aria-labelledby="signup-heading">
            <h2 id="signup-heading">"The concordat"</h2>
            {signed}
            {signup_csrf.map(|csrf| view! { <SignUpForm csrf id has_signature actions /> })}
        </section>
    }
}

#[component]
fn SignUpForm(csrf: String, id: String, has_signature: bool, actions: Actions) -> impl IntoView {
    let error = last_error(actions.sign.value());
    let withdraw_error = last_error(actions.withdraw.value());
    let (withdraw_csrf, withdraw_id) = (csrf.clone(), id.clone());
    view! {
        <h3>"Record the signature"</h3>
        <ErrorSummary error />
        <SuccessNotice show=succeeded(actions.sign)>"Signature recorded."</SuccessNotice>
        <ActionForm action=actions.sign>
            <CsrfField token=csrf />
            <input type="hidden" name="organisation_id" value=id />
            <div class="field"><label for="signed_on">"Signed on"</label>
                <input id="signed_on" name="signed_on" type="date" required /><FieldError error field="signed_on" /></div>
            <div class="field"><label for="signatory_name">"Signed by (name)"</label>
                <input id="signatory_name" name="signatory_name" required maxlength="200" /><FieldError error field="signatory_name" /></div>
            <div class="field"><label for="signatory_role">"Their role"</label>
                <input id="signatory_role" name="signatory_role" required maxlength="200" /><FieldError error field="signatory_role" /></div>
            <div class="field"><label for="signup-icss">"For which ICSs (codes; blank for every ICS it serves)"</label>
                <input id="signup-icss" name="icss" maxlength="40" /><FieldError error field="icss" /></div>
            <button type="submit">"Record signature"</button>
        </ActionForm>
        {has_signature.then(|| view! {
            <ErrorSummary error=withdraw_error />
            <ActionForm action=actions.withdraw>
                <CsrfField token=withdraw_csrf />
                <input type="hidden" name="organisation_id" value=withdraw_id />
                <button type="submit" class="secondary">"Withdraw the record (made in error)"</button>
            </ActionForm>
        })}
    }
}

#[component]
fn EditForm(
    csrf: String,
    id: String,
    version: i64,
    organisation: crate::domain::london::Organisation,
    save: ServerAction<SaveOrganisation>,
) -> impl IntoView {
    let error = last_error(save.value());
    view! {
        <section aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit"</h2>
            <p>"To retire an organisation, give the day it retired or merged and, for a merger, its successor's id."</p>
            <ErrorSummary error />
            <SuccessNotice show=succeeded(save)>"Saved."</SuccessNotice>
            <ActionForm action=save>
                <CsrfField token=csrf />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version.to_string() />
                <OrganisationFields error organisation=Some(organisation) />
                <button type="submit">"Save changes"</button>
            </ActionForm>
        </section>
    }
}
