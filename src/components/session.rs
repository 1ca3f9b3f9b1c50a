//! Who is signed in, shared by every page: one resource, refreshed whenever
//! someone signs in or out.

use crate::api::auth::{get_current_user, SignIn, SignOut};
use crate::components::loaded::Loaded;
use crate::components::sign_in_prompt::SignInPrompt;
use crate::error::AppError;
use crate::model::auth::CurrentUser;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct SessionContext {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
}

pub fn provide_session() -> SessionContext {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(move || (sign_in.version().get(), sign_out.version().get()), |_| get_current_user());
    let context = SessionContext { user, sign_in, sign_out };
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
    let session = use_session();
    let user = Resource::new(
        move || (session.sign_in.version().get(), session.sign_out.version().get()),
        |_| get_current_user(),
    );
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
