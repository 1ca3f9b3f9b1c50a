//! `/admin/users/{id}`: one account, for admins: switch it off or on (its
//! sessions and tokens stop at once), give it a new set-password link, revoke
//! its tokens.

use super::{query_params, route_params, IdParams};
use crate::api::account::{get_user, DeactivateUser, IssuePasswordLink, ReactivateUser, RevokeToken};
use crate::components::form::{last_error, ErrorSummary, QueryError};
use crate::components::loaded::Loaded;
use crate::components::password_link::PasswordLinkNotice;
use crate::components::session::CsrfField;
use crate::components::token_table::TokenTable;
use crate::model::account::{PasswordLink, UserDetail};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::Params;

/// `?new_link=…`: a link just issued by a form posted without JavaScript.
#[derive(Params, Clone, Debug, Default, PartialEq)]
struct NewLinkQuery {
    new_link: Option<String>,
}

#[derive(Clone, Copy)]
struct UserActions {
    deactivate: ServerAction<DeactivateUser>,
    reactivate: ServerAction<ReactivateUser>,
    link: ServerAction<IssuePasswordLink>,
    revoke: ServerAction<RevokeToken>,
}

#[component]
pub fn AdminUserPage() -> impl IntoView {
    let params = route_params::<IdParams>();
    let actions = UserActions {
        deactivate: ServerAction::new(),
        reactivate: ServerAction::new(),
        link: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    let page = Resource::new(
        move || {
            (
                params().id.unwrap_or_default(),
                actions.deactivate.version().get(),
                actions.reactivate.version().get(),
                actions.link.version().get(),
                actions.revoke.version().get(),
            )
        },
        |(id, ..)| get_user(id),
    );
    view! {
        <Title text="User" />
        <QueryError />
        <Loaded resource=page show=move |detail| view! { <UserPanel detail actions /> }.into_any() />
    }
}

#[component]
fn UserPanel(detail: UserDetail, actions: UserActions) -> impl IntoView {
    let user = detail.user;
    let query = query_params::<NewLinkQuery>();
    let email = user.email.clone();
    let user_id = user.id.clone();
    let link_from_query = move || {
        query().new_link.filter(|token| !token.is_empty()).map(|token| PasswordLink {
            user_id: user_id.clone(),
            email: email.clone(),
            token,
            expires_at: String::new(),
        })
    };
    let errors = [
        last_error(actions.deactivate.value()),
        last_error(actions.reactivate.value()),
        last_error(actions.link.value()),
        last_error(actions.revoke.value()),
    ];
    view! {
        <h1>{user.email.clone()}</h1>
        {errors.map(|error| view! { <ErrorSummary error /> })}
        <dl class="facts">
            <dt>"Name"</dt><dd>{user.display_name.clone()}</dd>
            <dt>"Role"</dt><dd>{user.role_label.clone()}{user.lead_ics.clone().map(|ics| format!(" ({ics})"))}</dd>
            <dt>"Organisation"</dt><dd>{user.organisation_name.clone()}</dd>
            <dt>"State"</dt><dd>{super::admin::account_state(&user)}</dd>
            <dt>"Created"</dt><dd>{user.created_at.get(..10).unwrap_or_default().to_string()}</dd>
        </dl>
        {move || actions.link.value().get().and_then(|r| r.ok()).or_else(link_from_query.clone()).map(|link| view! { <PasswordLinkNotice link /> })}
        <section aria-labelledby="access-heading">
            <h2 id="access-heading">"Access"</h2>
            <AccessForms csrf=detail.csrf.clone() id=user.id.clone() active=user.active is_self=detail.is_self actions />
        </section>
        <section aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <TokenTable csrf=detail.csrf tokens=detail.tokens revoke=actions.revoke empty="This user has no tokens." />
        </section>
    }
}

#[component]
fn AccessForms(csrf: String, id: String, active: bool, is_self: bool, actions: UserActions) -> impl IntoView {
    let (switch_csrf, switch_id) = (csrf.clone(), id.clone());
    let switch = match (active, is_self) {
        (true, true) => view! { <p>"You cannot deactivate your own account."</p> }.into_any(),
        (true, false) => view! {
            <ActionForm action=actions.deactivate>
                <CsrfField token=switch_csrf />
                <input type="hidden" name="id" value=switch_id />
                <p>"Deactivating signs the user out everywhere and stops their API tokens at once."</p>
                <button type="submit" class="secondary">"Deactivate account"</button>
            </ActionForm>
        }
        .into_any(),
        (false, _) => view! {
            <ActionForm action=actions.reactivate>
                <CsrfField token=switch_csrf />
                <input type="hidden" name="id" value=switch_id />
                <button type="submit">"Reactivate account"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        {switch}
        {active.then(|| view! {
            <ActionForm action=actions.link>
                <CsrfField token=csrf />
                <input type="hidden" name="id" value=id />
                <p>"A new set-password link lets the user choose a new password (for a forgotten one); any earlier link stops working."</p>
                <button type="submit" class="secondary">"Make a set-password link"</button>
            </ActionForm>
        })}
    }
}
