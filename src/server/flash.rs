//! Outcomes of forms posted without JavaScript, kept on the server.
//!
//! Leptos answers a plain form post with a redirect back to the form's page,
//! and the page learns what happened from that address: the message
//! (`error`, `__path`, `__err`, added by `errors`) and, for the figures form,
//! everything typed (`values[…]`). An address is something anyone can send
//! anyone, and it lands in logs and browser history. So:
//!
//! - `keep` takes those parameters out of the redirect, stores them (a few
//!   minutes, bound to the browser that posted: its session, or a flash
//!   cookie) and puts only their id in the address (`?problem=<id>`);
//! - `restore` strips those parameters from every address a browser asks for,
//!   and puts back the stored ones when the id is that browser's own.
//!
//! A page therefore shows a message only when the server wrote it for this
//! browser; a crafted link shows nothing.

use super::auth::{host_cookie, is_https, session_token_hash, CookieSpec};
use super::secrets;
use crate::db::Pool;
use crate::domain::validation::is_form_outcome_key;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{Duration, Utc};

/// Names a kept outcome in an address.
pub const PROBLEM: &str = "problem";
/// For browsers without a session (signing in, signing up): ties a kept
/// outcome to the browser that posted the form.
pub const FLASH_COOKIE: &str = "concordat_flash";
/// How long an outcome is kept: enough to come back to the form and read it.
const KEEP_MINUTES: i64 = 10;
/// An outcome larger than this is not kept (a form's body is bounded well below).
const MAX_KEPT_BYTES: usize = 256 * 1024;

const FLASH: CookieSpec = CookieSpec { name: FLASH_COOKIE, path: "/", same_site: "Lax" };

/// The query an outcome was restored into, for the page to hand its islands
/// (which read the address in the browser, where only the id is).
#[derive(Debug, Clone)]
pub struct Restored(pub String);

/// Who a kept outcome belongs to: the hash of the session cookie, or of the
/// flash cookie (and the flash token, when a new one must be set).
fn owner(headers: &HeaderMap) -> (String, Option<String>) {
    if let Some(session) = session_token_hash(headers) {
        return (session, None);
    }
    match host_cookie(headers, FLASH_COOKIE) {
        Some(token) => (secrets::token_hash(token), None),
        None => {
            let token = secrets::random_token();
            (secrets::token_hash(&token), Some(token))
        }
    }
}

/// A query's pairs, decoded.
type Pairs = Vec<(String, String)>;

/// The address's query split into what may stay in it and the outcome's pairs.
fn split_query(query: &str) -> (Pairs, Pairs) {
    form_urlencoded::parse(query.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .partition(|(key, _)| !is_form_outcome_key(key))
}

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// Moves a form post's outcome out of its redirect (`Location`) into the
/// database; the redirect keeps only `?problem=<id>`. Called by
/// `errors::server_fn_error_status` for redirects answering a form post.
pub async fn keep(pool: &Pool, request_headers: &HeaderMap, request_uri: &Uri, response_headers: &mut HeaderMap) {
    let Some(location) = response_headers.get(header::LOCATION).and_then(|l| l.to_str().ok()) else {
        return;
    };
    let (address, fragment) = location.split_once('#').map_or((location, ""), |(a, f)| (a, f));
    let Some((path, query)) = address.split_once('?') else {
        return;
    };
    let (mut kept, outcome) = split_query(query);
    if outcome.is_empty() {
        return;
    }
    kept.retain(|(key, _)| key != PROBLEM);
    let outcome = encode(&outcome);
    let id = secrets::random_token();
    let (owner_hash, new_flash) = owner(request_headers);
    if outcome.len() <= MAX_KEPT_BYTES {
        let expires_at = Utc::now() + Duration::minutes(KEEP_MINUTES);
        if let Err(error) = crate::db::form_outcomes::keep(pool, &id, &owner_hash, &outcome, expires_at).await {
            // The page then comes back without its message: better than with
            // text in the address.
            tracing::warn!(%error, "could not keep a form's outcome");
        }
    }
    kept.push((PROBLEM.to_string(), id));
    let fragment = if fragment.is_empty() { String::new() } else { format!("#{fragment}") };
    let target = format!("{path}?{}{fragment}", encode(&kept));
    if let Ok(value) = HeaderValue::from_str(&target) {
        response_headers.insert(header::LOCATION, value);
    }
    if let Some(token) = new_flash {
        let https = is_https(request_headers, request_uri);
        if let Ok(cookie) = FLASH.set(&token, KEEP_MINUTES * 60, https) {
            response_headers.append(header::SET_COOKIE, cookie);
        }
    }
}

/// Every page request: outcome parameters in the address are dropped, and a
/// `?problem=<id>` of this browser's own is put back as them, so the page
/// renders its form's error and what was typed as before.
pub async fn restore(State(pool): State<Pool>, mut request: Request, next: Next) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let Some(query) = request.uri().query().filter(|_| read).map(str::to_owned) else {
        return next.run(request).await;
    };
    let (kept, outcome) = split_query(&query);
    let problem = kept.iter().find(|(key, _)| key == PROBLEM).map(|(_, id)| id.clone());
    let restored = match problem.filter(|id| id.len() == 64) {
        Some(id) => {
            let (owner_hash, _) = owner(request.headers());
            crate::db::form_outcomes::restore(&pool, &id, &owner_hash).await.unwrap_or_else(|error| {
                tracing::warn!(%error, "could not read a form's outcome");
                None
            })
        }
        None => None,
    };
    if outcome.is_empty() && restored.is_none() {
        return next.run(request).await;
    }
    let mut query = encode(&kept);
    if let Some(restored) = &restored {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(restored);
    }
    let path = request.uri().path();
    let rebuilt = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
    if let Ok(uri) = rebuilt.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    if restored.is_some() {
        request.extensions_mut().insert(Restored(query));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::{encode, split_query};

    #[test]
    fn outcomes_are_told_apart_from_the_rest_of_an_address() {
        let (kept, outcome) = split_query(
            "period=2024-25-Q1&error=You+have+been+hacked&values%5Bm1%5D=12&__path=p&__err=e&organisation=x",
        );
        assert_eq!(encode(&kept), "period=2024-25-Q1&organisation=x");
        assert_eq!(encode(&outcome), "error=You+have+been+hacked&values%5Bm1%5D=12&__path=p&__err=e");
        let (kept, outcome) = split_query("problem=abc&done=figures%2Fsave");
        assert_eq!(encode(&kept), "problem=abc&done=figures%2Fsave");
        assert!(outcome.is_empty());
    }
}
