//! `/review?period=…&ics=…&state=…&overdue=1`: the review queue for board
//! reviewers (every ICS) and ICS leads (their own).

use super::query_params;
use crate::api::submissions::get_review_queue;
use crate::components::loaded::Loaded;
use crate::components::submission_state::SubmissionStateLabel;
use crate::domain::submission::SubmissionState;
use crate::model::submissions::ReviewQueue;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

#[derive(Params, Clone, Debug, Default, PartialEq)]
struct QueueQuery {
    period: Option<String>,
    ics: Option<String>,
    state: Option<String>,
    overdue: Option<String>,
}

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let query = query_params::<QueueQuery>();
    let queue = Resource::new(query, |q| {
        get_review_queue(
            q.period.unwrap_or_default(),
            q.ics.unwrap_or_default(),
            q.state.unwrap_or_default(),
            q.overdue,
        )
    });
    view! {
        <Title text="Review queue" />
        <h1>"Review queue"</h1>
        <Loaded resource=queue show=move |queue| view! { <Queue queue /> }.into_any() />
    }
}

#[component]
fn Queue(queue: ReviewQueue) -> impl IntoView {
    let selected_ics = queue.ics.clone().unwrap_or_default();
    let selected_state = queue.state;
    let period = queue.period.clone();
    view! {
        <form method="get" action="/review" class="filters">
            <div class="field"><label for="q-period">"Period"</label>
                <input id="q-period" name="period" value=queue.period.clone() /></div>
            <div class="field"><label for="q-ics">"ICS"</label>
                <select id="q-ics" name="ics">
                    <option value="">"Every ICS"</option>
                    {queue.ics_codes.iter().map(|code| view! { <option value=code.clone() selected=*code == selected_ics>{code.clone()}</option> }).collect_view()}
                </select></div>
            <div class="field"><label for="q-state">"State"</label>
                <select id="q-state" name="state">
                    <option value="">"Any state"</option>
                    {SubmissionState::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=Some(s) == selected_state>{s.label()}</option> }).collect_view()}
                </select></div>
            <div class="field"><input id="q-overdue" type="checkbox" name="overdue" value="1" checked=queue.overdue_only />
                <label for="q-overdue">"Overdue only"</label></div>
            <button type="submit">"Show"</button>
        </form>
        <table class="data">
            <caption>{format!("{}: {} returns", queue.period_label, queue.submissions.len())}</caption>
            <thead><tr><th scope="col">"Organisation"</th><th scope="col">"ICS"</th><th scope="col">"State"</th><th scope="col">"Submitted"</th></tr></thead>
            <tbody>
                {queue.submissions.into_iter().map(|s| {
                    let href = format!("/review/{}/{}", s.organisation_id, period);
                    view! {
                        <tr>
                            <td><a href=href>{s.organisation_name.clone()}</a></td>
                            <td>{s.ics.clone().unwrap_or_else(|| "London-wide".into())}</td>
                            <td><SubmissionStateLabel submission=s.clone() /></td>
                            <td>{s.submitted_at.as_deref().and_then(|t| t.get(..10)).unwrap_or("").to_string()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
