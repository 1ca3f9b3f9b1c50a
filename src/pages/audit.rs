//! `/audit`: the audit log, filterable, for admins and board reviewers.

use crate::api::audit::list_audit;
use crate::components::error_panel::ErrorPanel;
use crate::domain::audit::AuditEntity;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <h1>"Audit log"</h1>
        <AuditTable />
    }
}

#[component]
fn AuditTable() -> impl IntoView {
    let query = use_query_map();
    let filter = move |key: &str| query.read().get(key).unwrap_or_default();
    let entries = Resource::new(
        move || (filter("entity"), filter("entity_id"), filter("actor")),
        |(entity, entity_id, actor)| list_audit(entity, entity_id, actor),
    );
    view! {
        // A GET form: filtering works without JavaScript and the address can be shared.
        <form method="get" action="/audit" class="filters">
            <div class="field">
                <label for="entity">"What"</label>
                <select id="entity" name="entity">
                    <option value="" selected=move || filter("entity").is_empty()>"Everything"</option>
                    {AuditEntity::ALL.into_iter().map(|entity| {
                        let value = entity.as_str();
                        view! { <option value=value selected=move || filter("entity") == value>{entity.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="entity_id">"Record id"</label>
                <input id="entity_id" name="entity_id" value=move || filter("entity_id") />
            </div>
            <div class="field">
                <label for="actor">"Who (email)"</label>
                <input id="actor" name="actor" type="email" value=move || filter("actor") />
            </div>
            <button type="submit">"Filter"</button>
        </form>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(rows) if rows.is_empty() => view! { <p>"No changes match."</p> }.into_any(),
                    Ok(rows) => view! {
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
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
