//! Gives server-function errors their real HTTP status.
//!
//! Leptos answers every server-function error with 500. This layer reads the
//! error (an `AppError`, JSON) and sets the status it stands for, so a forged
//! request gets 403, a bad one 400. For plain form posts without JavaScript,
//! which Leptos redirects back to the form's page, it adds the message to that
//! address (`?error=…`) so the page can say what went wrong.

use crate::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if parts.status.is_redirection() {
            if let Some(location) = parts.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()) {
                let target = with_error(location, &error.to_string());
                if let Ok(value) = HeaderValue::from_str(&target) {
                    parts.headers.insert(header::LOCATION, value);
                }
            }
        } else {
            parts.status = error.status_code();
            if let Some(value) = error.retry_after() {
                parts.headers.insert(header::RETRY_AFTER, value);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether the server function being run was called by a form posted without
/// JavaScript (the browser asks for HTML back), which Leptos answers with a
/// redirect to the form's page.
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    })
}

/// The form's page with `error=…` in its query, keeping what else the query
/// held (a period, a set-password link's token) and dropping an older error.
pub fn with_error(location: &str, message: &str) -> String {
    let without_fragment = location.split('#').next().unwrap_or("/");
    let (path, query) = without_fragment.split_once('?').unwrap_or((without_fragment, ""));
    let mut pairs: Vec<&str> =
        query.split('&').filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("error")).collect();
    let error = format!("error={}", encode_query(message));
    pairs.push(&error);
    format!("{path}?{}", pairs.join("&"))
}

pub fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_error_joins_the_query_and_replaces_an_older_one() {
        assert_eq!(super::with_error("/me", "no"), "/me?error=no");
        assert_eq!(super::with_error("/set-password?token=abc", "no"), "/set-password?token=abc&error=no");
        assert_eq!(
            super::with_error("/status?error=old&period=2024-25-Q1#x", "new"),
            "/status?period=2024-25-Q1&error=new"
        );
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(super::encode_query("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
