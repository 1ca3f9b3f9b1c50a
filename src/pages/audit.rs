//! `/audit`: the audit log, filterable, for admins and board reviewers.

use super::query_params;
use crate::api::audit::list_audit;
use crate::components::loaded::Loaded;
use crate::domain::audit::AuditEntity;
use crate::model::audit::AuditEntry;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <h1>"Audit log"</h1>
        <AuditLog />
    }
}

/// `?entity=…&entity_id=…&actor=…`: the audit log's filters (blank: any).
#[derive(Params, Clone, Debug, Default, PartialEq)]
struct AuditQuery {
    entity: Option<String>,
    entity_id: Option<String>,
    actor: Option<String>,
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = query_params::<AuditQuery>();
    let filter = move |pick: fn(AuditQuery) -> Option<String>| pick(query()).unwrap_or_default();
    let entries = Resource::new(
        move || (filter(|q| q.entity), filter(|q| q.entity_id), filter(|q| q.actor)),
        |(entity, entity_id, actor)| list_audit(entity, entity_id, actor),
    );
    view! {
        // A GET form: filtering works without JavaScript and the address can be shared.
        <form method="get" action="/audit" class="filters">
            <div class="field">
                <label for="entity">"What"</label>
                <select id="entity" name="entity">
                    <option value="" selected=move || filter(|q| q.entity).is_empty()>"Everything"</option>
                    {AuditEntity::ALL.into_iter().map(|entity| {
                        let value = entity.as_str();
                        view! { <option value=value selected=move || filter(|q| q.entity) == value>{entity.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="entity_id">"Record id"</label>
                <input id="entity_id" name="entity_id" value=move || filter(|q| q.entity_id) />
            </div>
            <div class="field">
                <label for="actor">"Who (email)"</label>
                <input id="actor" name="actor" type="email" value=move || filter(|q| q.actor) />
            </div>
            <button type="submit">"Filter"</button>
        </form>
        <Loaded resource=entries show=|rows| view! { <AuditTable rows /> } />
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEntry>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No changes match."</p> }.into_any();
    }
    view! {
        <table class="data audit">
            <caption>{format!("{} most recent changes, newest first", rows.len())}</caption>
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Did"</th><th scope="col">"What"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.occurred_at}</td><td>{r.actor}</td><td>{r.action}</td>
                        <td>{format!("{} {}", r.entity, r.entity_id)}</td>
                        <td><code class="json">{r.before.unwrap_or_default()}</code></td>
                        <td><code class="json">{r.after.unwrap_or_default()}</code></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
