//! `/evidence/{id}`: one entry, its edit form (for those who may edit) and every saved version.

use super::{route_params, IdParams};
use crate::api::evidence::get_evidence;
use crate::components::evidence_form::EvidenceForm;
use crate::components::evidence_list::EvidenceCard;
use crate::components::form::QueryError;
use crate::components::loaded::Loaded;
use crate::model::evidence::EvidenceDetail;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EvidencePage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let id = move || params().id.unwrap_or_default();
    let data = Resource::new(id, get_evidence);
    view! {
        <Title text="Evidence" />
        <QueryError />
        <Loaded resource=data show=move |detail| view! { <EvidenceView detail /> }.into_any() />
    }
}

#[component]
fn EvidenceView(detail: EvidenceDetail) -> impl IntoView {
    let EvidenceDetail { entry, versions, can_edit, commitment, csrf } = detail;
    let commitment_text = commitment.text.clone();
    let back = format!("/commitments/{}", entry.commitment_id);
    let form = csrf.filter(|_| can_edit).map(|csrf| {
        view! {
            <EvidenceForm csrf commitment existing=Some(entry.clone()) organisations=Vec::new()
                default_period=entry.period.to_string() ics_codes=Vec::new() />
        }
    });
    view! {
        <h1>{format!("Evidence for {} from {}", entry.commitment_id, entry.organisation_name)}</h1>
        <p class="lede">{commitment_text}</p>
        <p><a href=back>"Back to the commitment"</a></p>
        {form}
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{format!("History ({} versions)", versions.len())}</h2>
            {versions.into_iter().map(|v| view! {
                <div class="version">
                    <h3>{format!("Version {} · saved {}{}", v.version, v.saved_at, v.entry.updated_by.as_ref().map(|u| format!(" by {u}")).unwrap_or_default())}</h3>
                    <EvidenceCard entry=v.entry can_edit=false />
                </div>
            }).collect_view()}
        </section>
    }
}
