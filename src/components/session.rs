//! Who is signed in, shared by every page: one resource, refreshed whenever
//! someone signs in or out.

use crate::api::auth::{get_current_user, SignIn, SignOut};
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
    let children = std::sync::Arc::new(children);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => children(user).into_any(),
                        Ok(None) => view! { <SignInPrompt /> }.into_any(),
                        Err(error) => view! { <crate::components::error_panel::ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn SignInPrompt() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::UNAUTHORIZED);
    }
    view! {
        <div class="notice" role="status">
            <h1>"Please sign in"</h1>
            <p>"This page is for signed-in partners, ICS leads and board members. " <a href="/sign-in">"Sign in"</a> "."</p>
        </div>
    }
}

/// The hidden field that carries the CSRF token in every form.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=token /> }
}
