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
///
/// After a form posted without JavaScript fails, the page comes back with the
/// message in `?error=` (shown by `QueryError`) and, for most server
/// functions, the error itself for the form's action (Leptos's `__err`), which
/// names each field. The fields show theirs; this summary stays empty when
/// `QueryError` already says the same, so the problem is said once.
#[component]
pub fn ErrorSummary(error: Signal<Option<AppError>>) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        let said_by_query = query.read().get("error");
        error.get().filter(|error| said_by_query.as_deref() != Some(error.to_string().as_str())).map(|error| {
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

/// A new password typed twice (`{field}` and `confirm_password`), each with its
/// own error, as the set-password and change-password forms ask for it.
#[component]
pub fn NewPasswordFields(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for=field>"New password (12 characters or more)"</label>
            <input id=field name=field type="password" autocomplete="new-password" required minlength="12" />
            <FieldError error field=field />
        </div>
        <div class="field">
            <label for="confirm_password">"New password again"</label>
            <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required />
            <FieldError error field="confirm_password" />
        </div>
    }
}
