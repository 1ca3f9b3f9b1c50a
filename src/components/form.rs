//! Form pieces: error summaries and labelled fields that show their own error.

use crate::error::AppError;
use leptos::prelude::*;

/// The error of the last submission of a form, if it failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|result| result.err()))
}

/// A summary at the top of a form: "There is a problem" with the message.
#[component]
pub fn ErrorSummary(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <h2>"There is a problem"</h2>
                    <p>{error.to_string()}</p>
                </div>
            }
        })
    }
}

/// Shows `?error=…`, which the server adds when a form posted without JavaScript failed.
#[component]
pub fn QueryError() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query.read().get("error").filter(|e| !e.is_empty()).map(|message| {
            view! {
                <div class="error-summary" role="alert">
                    <h2>"There is a problem"</h2>
                    <p>{message}</p>
                </div>
            }
        })
    }
}

/// The message for one field from the last error, for `aria-describedby`.
#[component]
pub fn FieldError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let id = format!("{field}-error");
    move || {
        error.get().and_then(|e| e.message_for(field)).map(|message| {
            view! { <p class="field-error" id=id.clone()>{format!("Error: {message}")}</p> }
        })
    }
}
