//! Security headers on every response, and the Content Security Policy.
//!
//! Pages get a strict policy: scripts only from this site or carrying the
//! page's nonce (Leptos puts a fresh one on its hydration scripts for each
//! render), never inline script without it, never `eval`. WebAssembly needs
//! `'wasm-unsafe-eval'` to compile, which allows WebAssembly and nothing else.
//! Responses that are not rendered pages (JSON, files, redirects) get the same
//! policy without a nonce.

use super::auth::{carries_session, is_https};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy, for a page rendered with `nonce` (or for anything else).
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called while a page renders: gives its response the policy naming the
/// nonce Leptos put on this render's scripts.
pub fn set_page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    match HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
        Ok(value) => response.insert_header(header::CONTENT_SECURITY_POLICY, value),
        Err(error) => tracing::error!(%error, "the page's nonce cannot go in a header"),
    }
}

/// Headers every response carries: the policy (unless the page set its own),
/// no framing (clickjacking), no MIME sniffing, no referrer beyond this site,
/// HSTS over https, and nothing a signed-in user sees kept in any cache.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let https = is_https(request.headers(), request.uri());
    let signed_in = carries_session(request.headers());
    let mut response = next.run(request).await;
    // A 304 updates the headers stored with a page the browser already has; a
    // new policy would not name the nonce that page's scripts carry.
    let not_modified = response.status() == axum::http::StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) && !not_modified {
        if let Ok(value) = HeaderValue::from_str(&content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if https {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    if signed_in {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn scripts_need_this_site_or_the_nonce() {
        let page = content_security_policy(Some("abc"));
        assert!(page.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        for policy in [page, content_security_policy(None)] {
            assert!(!policy.contains("unsafe-inline"), "{policy}");
            assert!(!policy.contains("'unsafe-eval'"), "{policy}");
            assert!(policy.contains("frame-ancestors 'none'"));
            assert!(policy.contains("object-src 'none'"));
        }
    }
}
