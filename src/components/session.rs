//! Who is signed in, shared by every page: one resource, read while the
//! server renders the page (signing in or out loads a new page).

use crate::api::auth::{get_current_user, SignOut};
use crate::components::loaded::Loaded;
use crate::components::sign_in_prompt::SignInPrompt;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct SessionContext {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub sign_out: ServerAction<SignOut>,
}

pub fn provide_session() -> SessionContext {
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(|| (), |_| get_current_user());
    let context = SessionContext { user, sign_out };
    provide_context(context);
    context
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

/// Shows `children` with the signed-in user, or a sign-in prompt. It reads its
/// own resource rather than the header's, for pages with no other data (see
/// `pages` on one resource per page).
#[component]
pub fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <Loaded resource=user show=move |user| match user {
            Some(user) => children(user).into_any(),
            None => view! { <SignInPrompt /> }.into_any(),
        } />
    }
}

/// The hidden field that carries the CSRF token in every form.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=token /> }
}
