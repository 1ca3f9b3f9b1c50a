//! Plain HTTP endpoints for machines: health checks and the versioned JSON API.

use super::AppState;
use crate::db;
use crate::domain::concordat::Concordat;
use crate::error::AppError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// `GET /healthz`: `ok` once the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match db::ping(&state.pool).await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// `GET /api/v1/concordat`: principles, commitments and actions with stable ids.
pub async fn concordat(State(state): State<AppState>) -> Result<Json<Concordat>, AppError> {
    Ok(Json(db::concordat::load(&state.pool).await?))
}
