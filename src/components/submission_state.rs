//! A submission's state in words (with an overdue flag), and its history.

use crate::model::submissions::{HistoryStep, SubmissionView};
use leptos::prelude::*;

#[component]
pub fn SubmissionStateLabel(submission: SubmissionView) -> impl IntoView {
    let class = format!("submission-state state-{}", submission.state.as_str());
    view! {
        <span class=class>{submission.state.label()}</span>
        {submission.overdue.then(|| view! { " " <strong class="overdue">{format!("Overdue (due {})", submission.due)}</strong> })}
    }
}

#[component]
pub fn SubmissionHistory(history: Vec<HistoryStep>) -> impl IntoView {
    if history.is_empty() {
        return view! { <p>"Nothing has been submitted yet."</p> }.into_any();
    }
    view! {
        <ol class="history">
            {history.into_iter().map(|step| {
                let who = match &step.by {
                    Some(email) => format!("{email} ({})", step.by_organisation),
                    None => step.by_organisation.clone(),
                };
                view! {
                    <li>
                        <strong>{step_label(&step.step)}</strong>
                        {format!(" by {who}, {}", step.at.get(..16).unwrap_or(&step.at).replace('T', " "))}
                        {step.note.map(|note| view! { <blockquote>{note}</blockquote> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

fn step_label(step: &str) -> &'static str {
    match step {
        "submit" => "Submitted",
        "answer" => "Answered",
        "accept" => "Accepted",
        "query" => "Queried",
        "return" => "Returned",
        _ => "Step",
    }
}
