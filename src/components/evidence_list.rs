use crate::domain::evidence::narrative_paragraphs;
use crate::model::evidence::EvidenceEntry;
use leptos::prelude::*;

/// One evidence entry, read-only. Text is escaped by the view, never parsed as HTML.
#[component]
pub fn EvidenceCard(entry: EvidenceEntry, can_edit: bool) -> impl IntoView {
    let href = format!("/evidence/{}", entry.id);
    let status = entry.delivery_status.map(|s| s.label()).unwrap_or("No self-assessment");
    let milestone = entry.milestone.clone().map(|m| {
        let due = entry.milestone_due.map(|d| format!(", due {d}")).unwrap_or_default();
        let done = entry
            .milestone_completed
            .map(|d| format!(", completed {d}"))
            .unwrap_or_else(|| ", not yet complete".into());
        format!("Milestone: {m}{due}{done}")
    });
    view! {
        <article class="evidence" data-evidence=entry.id.clone()>
            <header>
                <h4>{format!("{} · {}", entry.organisation_name, entry.period)}</h4>
                <p class="meta">
                    <span class="status-text">{format!("Self-assessed: {status}")}</span>
                    {entry.action_id.clone().map(|a| view! { <span>{format!(" · action {a}")}</span> })}
                    {format!(" · version {}", entry.version)}
                </p>
            </header>
            {narrative_paragraphs(&entry.narrative).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            {milestone.map(|m| view! { <p class="milestone">{m}</p> })}
            {(!entry.links.is_empty()).then(|| view! {
                <ul class="links">
                    {entry.links.iter().map(|l| view! { <li><a href=l.clone() rel="noopener noreferrer nofollow">{l.clone()}</a></li> }).collect_view()}
                </ul>
            })}
            <p><a href=href>{if can_edit { "Edit or see history" } else { "See history" }}</a></p>
        </article>
    }
}
