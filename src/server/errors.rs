//! Gives server-function errors their real HTTP status.
//!
//! Leptos answers every server-function error with 500. This layer reads the
//! error (an `AppError`, JSON) and sets the status it stands for, so a forged
//! request gets 403, a bad one 400. For plain form posts without JavaScript,
//! which Leptos redirects back to the form's page, it adds the message to that
//! address (`?error=…`) so the page can say what went wrong; after a success,
//! it names the server function (`?done=…`) so the page can confirm it. The
//! message (and anything else the form's outcome carries) then leaves the
//! address for the server's keeping (`flash`): the browser sees `?problem=<id>`.

use super::AppState;
use crate::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn server_fn_error_status(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Only a post can be a form's; pages and reads pass through untouched.
    let form_post = request.method() == axum::http::Method::POST;
    let server_fn = request.uri().path().strip_prefix("/api/").filter(|_| form_post).map(str::to_owned);
    let referer = server_fn.as_ref().and_then(|_| request.headers().get(header::REFERER).cloned());
    // Any form post's redirect: server functions' and the upload form's.
    let asked = form_post.then(|| (request.headers().clone(), request.uri().clone()));
    let response = next.run(request).await;
    let (mut parts, body) = with_real_status(response, referer, server_fn).await.into_parts();
    if let (true, Some((headers, uri))) = (parts.status.is_redirection(), asked) {
        super::flash::keep(&state.pool, &headers, &uri, &mut parts.headers).await;
    }
    Response::from_parts(parts, body)
}

/// The status a server function's error stands for, and the outcome of a
/// plain form post in the address it is sent back to.
async fn with_real_status(mut response: Response, referer: Option<HeaderValue>, server_fn: Option<String>) -> Response {
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        let location = response.headers().get(header::LOCATION).and_then(|l| l.to_str().ok());
        let referer = referer.as_ref().and_then(|r| r.to_str().ok());
        let back_to_form = response.status().is_redirection()
            && location.zip(referer).is_some_and(|(location, referer)| is_back_to(location, referer));
        if let (true, Some(name), Some(referer)) = (back_to_form, server_fn, referer) {
            let target = with_done(referer, &name);
            if let Ok(value) = HeaderValue::from_str(&target) {
                response.headers_mut().insert(header::LOCATION, value);
            }
        }
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

/// Whether a redirect goes back to the form's page. Leptos answers a plain
/// form post that succeeded with the Referer, less an earlier error's
/// `__path`/`__err` and re-encoded; a server function's own redirect (after
/// signing in, to an import's result) goes elsewhere.
fn is_back_to(location: &str, referer: &str) -> bool {
    fn address(url: &str) -> (&str, Vec<(String, String)>) {
        let url = url.split('#').next().unwrap_or_default();
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let pairs = form_urlencoded::parse(query.as_bytes())
            .filter(|(key, _)| key != "__path" && key != "__err")
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        (path, pairs)
    }
    address(location) == address(referer)
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
/// held (a period, a set-password link's token) and dropping an older outcome.
pub fn with_error(location: &str, message: &str) -> String {
    let without_fragment = location.split('#').next().unwrap_or("/");
    with_outcome(without_fragment, &format!("error={}", encode_query(message)), &["error", "done"])
}

/// The form's page with `done=<server function>` in its query, dropping the
/// outcome of an earlier post (its error, and Leptos's `__path`/`__err`), and
/// keeping the fragment, which puts the reader back at the form.
pub fn with_done(location: &str, server_fn: &str) -> String {
    let (address, fragment) = location.split_once('#').map_or((location, String::new()), |(a, f)| (a, format!("#{f}")));
    let outcome = format!("done={}", encode_query(server_fn));
    format!("{}{fragment}", with_outcome(address, &outcome, &["error", "done", "__path", "__err"]))
}

fn with_outcome(address: &str, outcome: &str, dropped: &[&str]) -> String {
    let (path, query) = address.split_once('?').unwrap_or((address, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !dropped.contains(&pair.split('=').next().unwrap_or_default()))
        .collect();
    pairs.push(outcome);
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
    fn a_success_replaces_an_earlier_outcome_and_keeps_the_place() {
        assert_eq!(
            super::with_done("/organisations/x", "organisations/sign-up"),
            "/organisations/x?done=organisations%2Fsign-up"
        );
        assert_eq!(
            super::with_done(
                "http://localhost/metrics/m1?ics=SEL&error=old&__path=p&__err=e&done=a#rebase",
                "spc/rebase"
            ),
            "http://localhost/metrics/m1?ics=SEL&done=spc%2Frebase#rebase"
        );
        assert_eq!(super::with_error("/metrics?done=a", "no"), "/metrics?error=no");
    }

    #[test]
    fn only_the_way_back_to_the_form_counts_as_done() {
        use super::is_back_to;
        assert!(is_back_to("http://h/organisations/x?", "http://h/organisations/x"));
        assert!(is_back_to("http://h/x?period=a+b", "http://h/x?period=a%20b&__path=p&__err=e"));
        assert!(!is_back_to("/me", "http://h/sign-in"));
        assert!(!is_back_to("http://h/readings?imported=1-0-0", "http://h/readings"));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(super::encode_query("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
