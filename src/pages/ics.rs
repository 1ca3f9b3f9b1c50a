//! `/ics/{code}`: one ICS, its boroughs and its partners.

use super::route_params;
use crate::api::concordat::get_ics_page;
use crate::components::evidence_list::EvidenceCard;
use crate::components::ics_status::IcsStatusSection;
use crate::components::loaded::Loaded;
use crate::components::organisation_list::OrganisationList;
use crate::components::signup_status::IcsSignUpSection;
use crate::components::spc_chart::SpcSummaryTable;
use crate::domain::london::IcsDetail;
use crate::model::concordat::IcsPageData;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

/// `/ics/{code}`
#[derive(Params, Clone, Debug, Default, PartialEq)]
struct IcsParams {
    code: Option<String>,
}

#[component]
pub fn IcsPage() -> impl IntoView {
    let params = route_params::<IcsParams>();
    let code = move || params().code.unwrap_or_default();
    let page = Resource::new(code, get_ics_page);
    view! {
        <Loaded resource=page show=move |page| view! { <IcsDetailView page /> }.into_any() />
    }
}

#[component]
fn IcsDetailView(page: IcsPageData) -> impl IntoView {
    let IcsPageData { detail, status, period, principle_numbers, latest_evidence, signup, spc } = page;
    let period_label = period.label();
    let period = period.to_string();
    let IcsDetail { ics, partners } = detail;
    let (own, london_wide): (Vec<_>, Vec<_>) = partners.into_iter().partition(|p| !p.is_london_wide());
    let title = format!("{} ICS", ics.name);
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="lede">{format!("Code {}", ics.code)}</p>
        <IcsStatusSection status period period_label principle_numbers />
        <section aria-labelledby="mdc-heading">
            <h2 id="mdc-heading">"Making Data Count"</h2>
            <p class="hint">"Beside RAG: each metric's variation (is something changing?) and assurance (will it reliably meet its target?), from an XmR chart of its readings."</p>
            <SpcSummaryTable rows=spc show_ics=false caption=format!("Variation and assurance by metric in {}", ics.code) />
        </section>
        <section aria-labelledby="latest-heading">
            <h2 id="latest-heading">"Latest evidence"</h2>
            {if latest_evidence.is_empty() {
                view! { <p>"No evidence recorded yet."</p> }.into_any()
            } else {
                latest_evidence.into_iter().map(|entry| view! {
                    <p class="evidence-for"><a href=format!("/commitments/{}", entry.commitment_id)>{format!("Commitment {}", entry.commitment_id)}</a></p>
                    <EvidenceCard entry can_edit=false />
                }).collect_view().into_any()
            }}
        </section>
        <IcsSignUpSection signup />
        <section aria-labelledby="boroughs-heading">
            <h2 id="boroughs-heading">{format!("Boroughs ({})", ics.boroughs.len())}</h2>
            <ul class="boroughs">{ics.boroughs.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}</ul>
        </section>
        <section aria-labelledby="partners-heading">
            <h2 id="partners-heading">"Partners"</h2>
            <OrganisationList organisations=own empty="No partner organisations are recorded for this ICS yet." />
            <h3>"London-wide partners"</h3>
            <OrganisationList organisations=london_wide empty="None." />
        </section>
    }
}
