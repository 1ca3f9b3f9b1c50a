//! Form pieces: error summaries and labelled fields that show their own error.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The error of the last submission of a form, if it failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|result| result.err()))
}

/// A value from the page address's query (`?name=…`). Islands hydrate without
/// the router, so in the browser this reads the address itself; on the server,
/// the router's query, which is the same address.
///
/// A form's outcome (its error, what was typed) never comes from the address
/// itself (see `server::flash`): the server renders the query it restored
/// into `#page-query`, and without one those parameters are not there.
pub fn page_query(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let restored = document().get_element_by_id("page-query").and_then(|e| e.get_attribute("data-query"));
        let search = match restored {
            Some(query) => query,
            None if crate::domain::validation::is_form_outcome_key(name) => return None,
            None => window().location().search().ok()?,
        };
        web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        leptos_router::hooks::use_query_map().read_untracked().get(name)
    }
}

/// Whether the form posting to `action`'s server function has just
/// succeeded: with JavaScript (in an island) its value says so; without, the
/// server comes back to the form's page with `?done=` naming the function
/// (see `server::errors`).
pub fn succeeded<S>(action: ServerAction<S>) -> Signal<bool>
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let done_without_javascript = page_query("done").is_some_and(|done| done == done_name(S::PATH));
    let value = action.value();
    Signal::derive(move || value.with(|value| value.as_ref().map_or(done_without_javascript, Result::is_ok)))
}

/// A server action for a form in an island. After a plain post failed, the
/// page's address carries the error (`__path`, `__err`); on the server the
/// router hands it to the action, and in the browser, where no router runs,
/// this does, so the island hydrates showing what the server rendered.
pub fn island_action<S>() -> ServerAction<S>
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    if let (Some(path), Some(error)) = (page_query("__path"), page_query("__err")) {
        provide_context(leptos::server::ServerActionError::new(&path, &error));
    }
    ServerAction::new()
}

/// The name `?done=` gives a server function: its path without `/api/`.
pub fn done_name(path: &str) -> &str {
    path.trim_start_matches("/api/")
}

/// "Saved."-style confirmation of a form, shown while `show` is true.
#[component]
pub fn SuccessNotice(show: Signal<bool>, children: ChildrenFn) -> impl IntoView {
    move || show.get().then(|| view! { <p class="success" role="status">{children()}</p> })
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
    let said_by_query = page_query("error");
    move || {
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
