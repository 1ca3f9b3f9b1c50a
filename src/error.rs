//! The one error type that crosses the server/client boundary.
//!
//! Server functions and API handlers return `AppError`; its messages are written
//! for the person using the app. Database and I/O failures are logged on the
//! server and reach the browser only as the opaque `Internal`.

use crate::domain::validation::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist; the string names it ("ICS XYZ").
    #[error("{0} was not found")]
    NotFound(String),
    /// Input failed validation; `field` is the form field or JSON key at fault.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// Several fields failed validation at once; each names its field.
    #[error("{}", join_field_errors(.0))]
    Validation(Vec<FieldError>),
    #[error("please sign in to do this")]
    Unauthorized,
    /// The signed-in user may not do this; the string says what was refused.
    #[error("you do not have permission to {0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts (sign-in throttling): try again after the wait.
    #[error("{message}")]
    TooManyRequests { retry_after_seconds: u64, message: String },
    /// The request's body is larger than this address accepts; the string says the limit.
    #[error("{0}")]
    TooLarge(String),
    /// The server is doing as much of this kind of work as it allows at once
    /// (big exports): try again after the wait.
    #[error("{message}")]
    Busy { retry_after_seconds: u64, message: String },
    #[error("something went wrong on the server; the problem has been logged")]
    Internal,
    /// The request could not be made or understood (network, encoding).
    #[error("the request failed: {0}")]
    Request(String),
}

fn join_field_errors(errors: &[FieldError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl AppError {
    /// The message for one form field, if this error is about it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid { field: f, message } if f == field => Some(message.clone()),
            AppError::Validation(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid { field: field.into(), message: message.into() }
    }

    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid { .. } | AppError::Validation(_) | AppError::Request(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The `Retry-After` header a throttled or busy answer carries.
    pub fn retry_after(&self) -> Option<http::HeaderValue> {
        match self {
            AppError::TooManyRequests { retry_after_seconds, .. } | AppError::Busy { retry_after_seconds, .. } => {
                Some(http::HeaderValue::from(*retry_after_seconds))
            }
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::Invalid { field: error.field, message: error.message }
    }
}

impl From<crate::domain::validation::FieldErrors> for AppError {
    fn from(errors: crate::domain::validation::FieldErrors) -> Self {
        AppError::Validation(errors.0)
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Validation(errors)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        // A reference to a row that does not exist is the request's fault, not the
        // server's. Every use case checks its references first and names them;
        // this is the safety net for one that was missed, so it still answers 4xx.
        if let Some(db_error) = error.as_database_error() {
            if db_error.kind() == sqlx::error::ErrorKind::ForeignKeyViolation {
                tracing::warn!(%error, "request referred to a row that does not exist");
                return AppError::invalid("reference", "refers to something that does not exist");
            }
        }
        // SQL text and driver messages stay in the server log.
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let body = serde_json::json!({ "error": self.to_string(), "detail": self });
        let mut response = (self.status_code(), axum::Json(body)).into_response();
        if let Some(value) = self.retry_after() {
            response.headers_mut().insert(http::header::RETRY_AFTER, value);
        }
        response
    }
}
