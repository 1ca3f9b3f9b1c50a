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
                let base = location.split(['?', '#']).next().unwrap_or("/");
                let target = format!("{base}?error={}", encode_query(&error.to_string()));
                if let Ok(value) = HeaderValue::from_str(&target) {
                    parts.headers.insert(header::LOCATION, value);
                }
            }
        } else {
            parts.status = error.status_code();
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn encode_query(text: &str) -> String {
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
    fn query_values_are_encoded() {
        assert_eq!(super::encode_query("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
