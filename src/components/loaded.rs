//! The one way a page shows its data: wait for its resource, then show it, or
//! the error in words with the matching HTTP status (a sign-in prompt when the
//! page needs a signed-in user).
//!
//! One resource per page, read in one Suspense, created outside it: Leptos 0.8's
//! server rendering can stall otherwise (see `pages`).

use crate::components::error_panel::ErrorPanel;
use crate::components::sign_in_prompt::SignInPrompt;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::sync::Arc;

#[component]
pub fn Loaded<T, F, V>(
    /// The page's data.
    resource: Resource<Result<T, AppError>>,
    /// What the page shows once its data has arrived.
    show: F,
    /// Shown while it loads (only ever seen after hydration).
    #[prop(default = "Loading…")]
    loading: &'static str,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let show = Arc::new(show);
    view! {
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || {
                let show = show.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => show(value).into_any(),
                        Err(AppError::Unauthorized) => view! { <SignInPrompt /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
