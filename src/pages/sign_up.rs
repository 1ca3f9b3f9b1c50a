//! `/sign-up`: the concordat's sign-up across London: for each ICS, how many of
//! the agencies it needs have signed, who has not, and who has.

use crate::api::organisations::get_sign_up_summary;
use crate::components::loaded::Loaded;
use crate::components::signup_status::IcsSignUpSection;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let summary = Resource::new(|| (), |_| get_sign_up_summary());
    view! {
        <Title text="Concordat sign-up" />
        <h1>"Concordat sign-up across London"</h1>
        <Loaded resource=summary show=move |summary| view! {
            <p>{format!("As at {}. Each ICS needs its ICB, every mental health trust serving it, each of its local authorities, the Metropolitan Police (and the City of London Police in NEL) and the London Ambulance Service.", summary.as_at)}</p>
            <table class="data">
                <caption>"Required agencies signed, by ICS"</caption>
                <thead><tr><th scope="col">"ICS"</th><th scope="col">"Signed"</th><th scope="col">"Not yet signed"</th></tr></thead>
                <tbody>
                    {summary.icss.iter().map(|ics| view! {
                        <tr>
                            <th scope="row"><a href=format!("/ics/{}", ics.ics)>{ics.ics_name.clone()}</a></th>
                            <td>{format!("{} of {}", ics.required_signed, ics.required)}</td>
                            <td>{ics.missing.len()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {summary.icss.into_iter().map(|signup| view! {
                <h2>{signup.ics_name.clone()}</h2>
                <IcsSignUpSection signup nested=true />
            }).collect_view()}
        }.into_any() />
    }
}
