use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Shows an error in words, and gives the page the matching HTTP status.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status_code());
        if let Some(wait) = error.retry_after() {
            response.insert_header(http::header::RETRY_AFTER, wait);
        }
    }
    let heading = match &error {
        AppError::NotFound(_) => "Not found",
        AppError::Invalid { .. } | AppError::Validation(_) => "Please check what you entered",
        AppError::Unauthorized => "Please sign in",
        AppError::Forbidden(_) => "Not allowed",
        AppError::Conflict(_) => "Someone else changed this",
        AppError::TooManyRequests { .. } | AppError::Busy { .. } => "Please wait",
        AppError::TooLarge(_) => "Too large",
        AppError::Internal | AppError::Request(_) => "Something went wrong",
    };
    view! {
        <Title text=heading />
        <div class="error-panel" role="alert">
            <h1>{heading}</h1>
            <p>{error.to_string()}</p>
        </div>
    }
}
