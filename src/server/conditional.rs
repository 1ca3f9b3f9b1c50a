//! Validators for pages and exports: an `ETag` made from the version of the
//! content (`db::freshness::content_sum`), so a client that already has a
//! page is told `304 Not Modified` without the page being rendered again.
//!
//! Only anonymous reads carry one: a signed-in page or a token's answer is
//! never kept in any cache (`Cache-Control: no-store`, see `headers`), and
//! what it shows depends on who asks as well as on the content.

use super::auth::carries_session;
use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// Pages and exports whose content is all the version covers (what they show
/// anonymously rests on content, the day and the configuration only).
const VALIDATED: [&str; 16] = [
    "/ics",
    "/organisations",
    "/sign-up",
    "/board-pack",
    "/status",
    "/commitments/",
    "/evidence/",
    "/metrics",
    "/readings.csv",
    "/readings.xlsx",
    "/submissions.csv",
    "/api/v1/concordat",
    "/api/v1/organisations",
    "/api/v1/submissions",
    "/api/v1/readings",
    "/api/v1/status",
];

fn validated(path: &str) -> bool {
    path == "/" || VALIDATED.iter().any(|prefix| path.starts_with(prefix))
}

/// What a response also depends on besides the content: this build (a new
/// release renders pages differently), named by its version and the time its
/// binary was written.
static BUILD: LazyLock<String> = LazyLock::new(|| {
    let written = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    format!("{} {written}", env!("CARGO_PKG_VERSION"))
});

/// The validator of `uri` as the content stands at `content` (its version sum).
pub fn entity_tag(uri: &str, content: i64, today: chrono::NaiveDate, submission_days: u32) -> String {
    let mut hash = Sha256::new();
    for part in [BUILD.as_str(), uri, &content.to_string(), &today.to_string(), &submission_days.to_string()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    // Weak: the same content may be sent compressed or not, byte for byte different.
    format!("W/\"{hex}\"")
}

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for it).
fn matches(headers: &HeaderMap, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let wanted = opaque(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || opaque(t) == wanted)
}

pub async fn conditional_get(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let anonymous = !carries_session(request.headers()) && !request.headers().contains_key(header::AUTHORIZATION);
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    // A form's outcome (`?problem=`) is this browser's alone, not content.
    let outcome = request.uri().query().is_some_and(|q| q.contains("problem="));
    if !(anonymous && read && !outcome && validated(request.uri().path())) {
        return next.run(request).await;
    }
    let content = match crate::db::freshness::content_sum(&state.pool).await {
        Ok(content) => content,
        // The page itself will say what is wrong with the database.
        Err(_) => return next.run(request).await,
    };
    let uri = request.uri().to_string();
    let tag = entity_tag(&uri, content, super::status::today(), state.submission_days);
    let Ok(value) = HeaderValue::from_str(&tag) else { return next.run(request).await };
    if matches(request.headers(), &tag) {
        // No Content-Security-Policy here (see `headers::security_headers`): the
        // browser keeps the headers it stored with the page, whose policy names
        // the nonce its scripts carry.
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, value.clone()), (header::CACHE_CONTROL, revalidate())])
            .into_response();
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::OK {
        let headers = response.headers_mut();
        headers.insert(header::ETAG, value);
        headers.entry(header::CACHE_CONTROL).or_insert_with(revalidate);
    }
    response
}

/// Kept, but asked about again before each use: the content may change at any time.
fn revalidate() -> HeaderValue {
    HeaderValue::from_static("no-cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_change_with_the_content_the_address_and_the_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).expect("date");
        let tag = entity_tag("/status", 7, day, 20);
        assert!(tag.starts_with("W/\"") && tag.ends_with('"'), "{tag}");
        assert_eq!(tag, entity_tag("/status", 7, day, 20));
        assert_ne!(tag, entity_tag("/status", 8, day, 20));
        assert_ne!(tag, entity_tag("/status?period=2024-25-Q1", 7, day, 20));
        assert_ne!(tag, entity_tag("/status", 7, day.succ_opt().expect("date"), 20));
        assert_ne!(tag, entity_tag("/status", 7, day, 30));
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists() {
        let tag = "W/\"abc\"";
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).expect("header"));
            headers
        };
        assert!(matches(&headers("W/\"abc\""), tag));
        assert!(matches(&headers("\"abc\""), tag));
        assert!(matches(&headers("\"x\", W/\"abc\""), tag));
        assert!(matches(&headers("*"), tag));
        assert!(!matches(&headers("W/\"abd\""), tag));
        assert!(!matches(&HeaderMap::new(), tag));
    }

    #[test]
    fn only_content_is_validated() {
        for path in ["/", "/status", "/status/SEL/P3.C2", "/api/v1/status", "/readings.csv", "/board-pack"] {
            assert!(validated(path), "{path}");
        }
        for path in ["/account", "/audit", "/admin/users", "/me", "/sign-in", "/healthz", "/pkg/x.wasm", "/api/auth/me"]
        {
            assert!(!validated(path), "{path}");
        }
    }
}
