//! The fields of the add and edit forms for an organisation.

use crate::components::form::FieldError;
use crate::domain::london::{OrgKind, Organisation};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn OrganisationFields(error: Signal<Option<AppError>>, organisation: Option<Organisation>) -> impl IntoView {
    let org = organisation.unwrap_or_default();
    let kind = org.kind;
    let ics = org.ics.clone().unwrap_or_else(|| "ALL".into());
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    view! {
        <div class="field"><label for="org-name">"Name"</label>
            <input id="org-name" name="name" required maxlength="200" value=org.name.clone() />
            <FieldError error field="name" /></div>
        <div class="field"><label for="org-short">"Short name (optional)"</label>
            <input id="org-short" name="short_name" maxlength="40" value=text(&org.short_name) />
            <FieldError error field="short_name" /></div>
        <div class="field"><label for="org-kind">"Kind"</label>
            <select id="org-kind" name="kind">
                {OrgKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=k == kind>{k.label()}</option> }).collect_view()}
            </select>
            <FieldError error field="kind" /></div>
        <div class="field"><label for="org-ics">"ICS (ALL for London-wide)"</label>
            <input id="org-ics" name="ics" required maxlength="8" value=ics />
            <FieldError error field="ics" /></div>
        <div class="field"><label for="org-also">"Also serves (ICS codes, e.g. SWL NCL)"</label>
            <input id="org-also" name="also_serves" maxlength="40" value=org.also_serves.join(" ") />
            <FieldError error field="also_serves" /></div>
        <div class="field"><label for="org-ods">"NHS ODS code (NHS bodies)"</label>
            <input id="org-ods" name="ods" maxlength="5" value=text(&org.ods) />
            <FieldError error field="ods" /></div>
        <div class="field"><label for="org-ons">"ONS code (councils, ICBs, police areas)"</label>
            <input id="org-ons" name="ons" maxlength="9" value=text(&org.ons) />
            <FieldError error field="ons" /></div>
        <div class="field"><label for="org-started">"Came into being (if after 2023)"</label>
            <input id="org-started" name="started_on" type="date" value=text(&org.started_on) />
            <FieldError error field="started_on" /></div>
        <div class="field"><label for="org-retired">"Retired or merged on"</label>
            <input id="org-retired" name="retired_on" type="date" value=text(&org.retired_on) />
            <FieldError error field="retired_on" /></div>
        <div class="field"><label for="org-successor">"Successor's id (the organisation that took over)"</label>
            <input id="org-successor" name="successor_id" maxlength="200" value=text(&org.successor_id) />
            <FieldError error field="successor_id" /></div>
    }
}
