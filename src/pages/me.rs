//! `/me`: the signed-in user's organisation, this period: what has evidence and what is still due.

use crate::api::evidence::get_my_organisation;
use crate::components::loaded::Loaded;
use crate::components::submission_state::SubmissionStateLabel;
use crate::model::evidence::MyOrganisation;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyOrganisationPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_my_organisation());
    view! {
        <Title text="My organisation" />
        <Loaded resource=data show=move |data| view! { <MyOrganisationView data /> }.into_any() />
    }
}

#[component]
fn MyOrganisationView(data: MyOrganisation) -> impl IntoView {
    let (done, due): (Vec<_>, Vec<_>) = data.commitments.into_iter().partition(|c| c.entries > 0);
    view! {
        <h1>{data.organisation_name}</h1>
        <p class="lede">{format!("{} · submissions due by {}", data.period.label(), data.due_date.format("%-d %B %Y"))}</p>
        <p><a href="/me/figures">"Enter this quarter's figures"</a>" — or download them as a spreadsheet template to fill in."</p>
        <section aria-labelledby="returns-heading">
            <h2 id="returns-heading">"Your returns"</h2>
            <ul class="progress-list">
                {data.submissions.into_iter().map(|s| {
                    let href = format!("/review/{}/{}", s.organisation_id, s.period);
                    let waiting = s.open_question().map(|q| format!("Question: {q}")).or(s.return_reasons().map(|r| format!("Returned because: {r}")));
                    view! {
                        <li>
                            <a href=href>{format!("Return for {}", s.period)}</a>": "
                            <SubmissionStateLabel submission=s.clone() />
                            {waiting.map(|w| view! { <p class="notice">{w}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="due-heading">
            <h2 id="due-heading">{format!("Still due this period ({})", due.len())}</h2>
            <ul class="progress-list">
                {due.into_iter().map(|c| view! {
                    <li>
                        <span class="mark" aria-hidden="true">"○"</span>
                        <a href=format!("/commitments/{}", c.commitment_id)>{c.commitment_id.clone()}</a>
                        " "{c.text}" "<span class="tag">"No evidence yet"</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="done-heading">
            <h2 id="done-heading">{format!("With evidence this period ({})", done.len())}</h2>
            <ul class="progress-list">
                {done.into_iter().map(|c| view! {
                    <li>
                        <span class="mark" aria-hidden="true">"●"</span>
                        <a href=format!("/commitments/{}", c.commitment_id)>{c.commitment_id.clone()}</a>
                        " "{c.text}" "<span class="tag">{format!("{} entries", c.entries)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
