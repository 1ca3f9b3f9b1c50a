//! State shared by every request.

use crate::db::Pool;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    /// Days after a quarter ends that its submissions are due.
    pub submission_days: u32,
    /// Whether a trusted reverse proxy names the client in `X-Forwarded-For`.
    pub behind_proxy: bool,
}

/// The pool for the current server function. leptos_axum provides the router's
/// state as context to every server function and page render.
pub fn pool() -> Result<Pool, AppError> {
    use_context::<AppState>().map(|state| state.pool).ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// Days after a quarter ends that its submissions are due, as configured.
pub fn submission_days() -> u32 {
    use_context::<AppState>()
        .map(|state| state.submission_days)
        .unwrap_or(crate::domain::period::DEFAULT_SUBMISSION_DAYS)
}

/// Whether the app runs behind a reverse proxy that names the client.
pub fn behind_proxy() -> bool {
    use_context::<AppState>().is_some_and(|state| state.behind_proxy)
}
