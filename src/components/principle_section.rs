use crate::domain::concordat::{Commitment, Principle};
use leptos::prelude::*;

/// A principle with its commitments. The list starts open, so the page is whole
/// without JavaScript; once hydrated, a button hides or shows it.
#[component]
pub fn PrincipleSection(principle: Principle) -> impl IntoView {
    let list_id = format!("{}-commitments", principle.id);
    let heading_id = format!("{}-heading", principle.id);
    let labelled_by = heading_id.clone();
    let count = principle.commitments.len();
    view! {
        <section class="principle" aria-labelledby=labelled_by>
            <h3 id=heading_id>
                <span class="principle-number">{format!("Principle {}", principle.number)}</span>
                " "
                <span class="principle-title">{principle.title}</span>
            </h3>
            <CommitmentsToggle list_id count>
                <ol>
                    {principle.commitments.into_iter().map(|commitment| view! { <CommitmentItem commitment /> }).collect_view()}
                </ol>
            </CommitmentsToggle>
        </section>
    }
}

/// An island: the button that hides or shows a principle's commitments. The
/// list is its children, rendered on the server and never hydrated, so only
/// the button's code is in the browser's bundle.
#[island]
pub fn CommitmentsToggle(list_id: String, count: usize, children: Children) -> impl IntoView {
    let (expanded, set_expanded) = signal(true);
    let controls = list_id.clone();
    let toggle_label = move || {
        let noun = if count == 1 { "commitment" } else { "commitments" };
        if expanded.get() {
            format!("Hide {count} {noun}")
        } else {
            format!("Show {count} {noun}")
        }
    };
    view! {
        <button
            type="button"
            class="toggle"
            aria-expanded=move || expanded.get().to_string()
            aria-controls=controls
            on:click=move |_| set_expanded.update(|open| *open = !*open)
        >
            {toggle_label}
        </button>
        <div class="commitments" id=list_id hidden=move || !expanded.get()>
            {children()}
        </div>
    }
}

#[component]
fn CommitmentItem(commitment: Commitment) -> impl IntoView {
    let due = commitment.due.map(|d| format!("Due by {}", d.format("%-d %B %Y")));
    let has_actions = !commitment.actions.is_empty();
    view! {
        <li class="commitment" id=commitment.id.clone() data-commitment=commitment.id.clone()>
            <p>
                <span class="commitment-id">{commitment.id.clone()}</span>
                " "
                {commitment.text}
            </p>
            {due.map(|d| view! { <p class="due">{d}</p> })}
            {has_actions.then(|| view! {
                <p class="actions-intro">"Actions:"</p>
                <ol class="actions">
                    {commitment.actions.into_iter().map(|a| view! { <li>{a.text}</li> }).collect_view()}
                </ol>
            })}
        </li>
    }
}
