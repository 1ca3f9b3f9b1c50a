//! Who is asking: sessions (browser, cookie) and API tokens (machines, bearer),
//! CSRF checks, and the bridge from domain permissions to HTTP errors.

use super::secrets;
use super::throttle::{Attempt, DEVICE_COOKIE, DEVICE_DAYS};
use crate::db::audit::{self, Actor, Change};
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::permission::{self, Action, Principal};
use crate::error::AppError;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};

pub const SESSION_COOKIE: &str = "concordat_session";
/// Sessions end this long after sign-in, whatever happens in between.
pub const SESSION_HOURS: i64 = 12;
/// Sessions unused for this long end (configurable, see `set_idle_minutes`).
pub const DEFAULT_IDLE_MINUTES: i64 = 30;
/// A session's last use is written at most this often: a reader clicking
/// through pages does not write on every request.
const TOUCH_EVERY_SECONDS: i64 = 60;

static IDLE_MINUTES: std::sync::OnceLock<i64> = std::sync::OnceLock::new();

/// Sets the idle timeout once, at start-up (`CONCORDAT_SESSION_IDLE_MINUTES`).
pub fn set_idle_minutes(minutes: i64) {
    if IDLE_MINUTES.set(minutes).is_err() {
        tracing::warn!("the session idle timeout was already set");
    }
}

fn idle_minutes() -> i64 {
    IDLE_MINUTES.get().copied().unwrap_or(DEFAULT_IDLE_MINUTES)
}

/// A signed-in browser user and the CSRF token every form of theirs must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf_token: String,
    /// The SHA-256 of the session's cookie token: names the session in the database.
    pub token_hash: String,
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the browser reached us over https, as a proxy in front says
/// (`X-Forwarded-Proto`) or the request's own address does.
pub fn headers_say_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// The name a cookie has on the wire: over https, cookies set for the whole
/// site carry the `__Host-` prefix, which browsers accept only from a secure
/// origin with `Path=/` and no `Domain`, so no other host (nor plain http)
/// can plant one.
fn wire_name(name: &str, path: &str, https: bool) -> String {
    if https && path == "/" {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// A site-wide cookie of the app, read under its name for this scheme: over
/// https only the `__Host-` one counts.
pub fn host_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookie_value(headers, &wire_name(name, "/", headers_say_https(headers))).filter(|value| !value.is_empty())
}

/// The hash of the session token a request carries, if it carries one.
pub fn session_token_hash(headers: &HeaderMap) -> Option<String> {
    host_cookie(headers, SESSION_COOKIE).map(secrets::token_hash)
}

pub async fn session_from_headers(pool: &Pool, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let Some(token_hash) = session_token_hash(headers) else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle_since = db::timestamp(now - Duration::minutes(idle_minutes()));
    let Some(live) = db::users::session_principal(pool, &token_hash, &idle_since).await? else {
        return Ok(None);
    };
    let stale = live
        .last_seen_at
        .as_deref()
        .and_then(db::parse_timestamp)
        .is_none_or(|at| now - at > Duration::seconds(TOUCH_EVERY_SECONDS));
    if stale {
        // Failing to note the use must not fail the page.
        if let Err(error) = db::users::touch_session(pool, &token_hash).await {
            tracing::warn!(%error, "could not note a session's use");
        }
    }
    Ok(Some(Session { principal: live.principal, csrf_token: live.csrf_token, token_hash }))
}

fn request_parts() -> Result<http::request::Parts, AppError> {
    leptos::prelude::use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the server function context");
        AppError::Internal
    })
}

/// The session of the request being served, if signed in.
pub async fn current_session() -> Result<Option<Session>, AppError> {
    let parts = request_parts()?;
    let pool = super::state::pool()?;
    session_from_headers(&pool, &parts.headers).await
}

pub async fn require_session() -> Result<Session, AppError> {
    current_session().await?.ok_or(AppError::Unauthorized)
}

/// A signed-in user whose form carried their session's CSRF token.
pub async fn require_session_with_csrf(submitted: &str) -> Result<Session, AppError> {
    let session = require_session().await?;
    check_csrf(&session, submitted)?;
    Ok(session)
}

/// The form carried the session's CSRF token, or 403.
pub fn check_csrf(session: &Session, submitted: &str) -> Result<(), AppError> {
    if secrets::constant_time_eq(submitted, &session.csrf_token) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "submit this form: it has expired or came from another site; reload the page and try again".into(),
        ))
    }
}

/// Checks `action` for `principal`, as a 403 the user can read.
pub fn authorise(principal: &Principal, action: &Action) -> Result<(), AppError> {
    permission::authorise(principal, action).map_err(|denied| {
        tracing::info!(user = %principal.email, action = action.kind(), "refused");
        AppError::Forbidden(denied.message.trim_start_matches("you do not have permission to ").to_string())
    })
}

/// What a successful sign-in gives the browser: its session, and the device
/// token that marks it as having signed in to this account.
pub struct SignedIn {
    pub session_token: String,
    pub device_token: String,
}

/// Checks an email and password; on success opens a session.
/// The attempt is counted before the password is checked (see
/// `throttle::Attempt::reserve`), so a burst of guesses cannot outrun the
/// lock. Unknown emails cost the same argon2 work as wrong passwords, and are
/// throttled the same way, so neither the time nor the answer tells whether an
/// account exists. While the account (or, from a browser that has not signed
/// in to it before, the client's address) is locked, the password is not
/// even checked.
pub async fn sign_in(
    pool: &Pool,
    email: &str,
    password: &str,
    client_address: &str,
    device_token: Option<&str>,
) -> Result<SignedIn, AppError> {
    let email = email.trim().to_lowercase();
    let attempt = Attempt::new(&email, client_address).from_device(pool, device_token).await?;
    let reservation = attempt.reserve(pool).await?;
    let login = db::users::find_login(pool, &email).await?;
    let (hash, user_id) = match &login {
        Some(row) => (row.password_hash.clone(), Some(row.id.clone())),
        None => (secrets::dummy_hash().to_string(), None),
    };
    let verified = secrets::verify_password_queued(password.to_string(), hash).await?;
    let mut tx = db::begin_write(pool).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        // The failure was counted when the attempt was reserved.
        // The address tried, never the password; only admins and the board read the log.
        let tried: String = email.chars().take(254).collect();
        let change = Change {
            action: AuditAction::SignInFailed,
            entity: AuditEntity::Session,
            entity_id: &tried,
            before: None,
            after: Some(serde_json::json!({ "client": client_address })),
        };
        audit::record(&mut tx, Actor::System("anonymous"), change).await?;
        tx.commit().await?;
        return Err(AppError::invalid("password", "the email address or password is not right"));
    };
    reservation.settle_success(&mut tx).await?;
    let device_token = attempt.remember_device(&mut tx, device_token).await?;
    let token = secrets::random_token();
    let token_hash = secrets::token_hash(&token);
    let expires_at = db::timestamp(Utc::now() + Duration::hours(SESSION_HOURS));
    db::users::create_session(&mut tx, &token_hash, &user_id, &secrets::random_token(), &expires_at).await?;
    // The session's id in the log is a prefix of its hash: enough to tell
    // sessions apart, useless for taking one over.
    let change = Change {
        action: AuditAction::SignIn,
        entity: AuditEntity::Session,
        entity_id: &token_hash[..12],
        before: None,
        after: Some(serde_json::json!({ "client": client_address })),
    };
    audit::record(&mut tx, Actor::Account { id: &user_id, email: &email }, change).await?;
    tx.commit().await?;
    Ok(SignedIn { session_token: token, device_token })
}

/// The client address of the request being served (see `throttle::client_address`).
pub fn request_client_address() -> Result<String, AppError> {
    Ok(super::throttle::client_address(&request_parts()?, super::state::behind_proxy()))
}

/// A `Set-Cookie` value for one of the app's cookies: HttpOnly always, Secure
/// over https. `max_age` 0 clears it.
pub struct CookieSpec {
    pub name: &'static str,
    pub path: &'static str,
    pub same_site: &'static str,
}

impl CookieSpec {
    pub fn set(&self, value: &str, max_age: i64, secure: bool) -> Result<HeaderValue, AppError> {
        let CookieSpec { name, path, same_site } = self;
        let name = wire_name(name, path, secure);
        let secure = if secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path={path}; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"
        ))
        .map_err(|_| AppError::Internal)
    }

    pub fn clear(&self, secure: bool) -> HeaderValue {
        // Nothing in a clearing value can be invalid; the fallback is for the type.
        self.set("", 0, secure).unwrap_or_else(|_| HeaderValue::from_static("Max-Age=0"))
    }
}

const SESSION: CookieSpec = CookieSpec { name: SESSION_COOKIE, path: "/", same_site: "Lax" };

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure over https.
pub fn session_cookie(token: &str, secure: bool) -> Result<HeaderValue, AppError> {
    SESSION.set(token, SESSION_HOURS * 3600, secure)
}

pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    SESSION.clear(secure)
}

const DEVICE: CookieSpec = CookieSpec { name: DEVICE_COOKIE, path: "/", same_site: "Lax" };

/// `Set-Cookie` for the device cookie: kept for `DEVICE_DAYS` after a sign-in.
pub fn device_cookie(token: &str, secure: bool) -> Result<HeaderValue, AppError> {
    DEVICE.set(token, DEVICE_DAYS * 24 * 3600, secure)
}

/// The device token the request being served carries, if any.
pub fn request_device_token() -> Option<String> {
    request_parts().ok().and_then(|parts| host_cookie(&parts.headers, DEVICE_COOKIE).map(str::to_owned))
}

/// Whether the browser reached us over https (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap, uri: &http::Uri) -> bool {
    uri.scheme_str() == Some("https") || headers_say_https(headers)
}

/// Ends `session` (the signed-in request's own). Only a live session is
/// written: a made-up or expired cookie changes nothing, so anonymous
/// requests never open a write transaction by signing out.
pub async fn sign_out(pool: &Pool, session: &Session) -> Result<(), AppError> {
    let mut tx = db::begin_write(pool).await?;
    db::users::delete_session(&mut tx, &session.token_hash).await?;
    let change = Change {
        action: AuditAction::SignOut,
        entity: AuditEntity::Session,
        entity_id: &session.token_hash[..12],
        before: None,
        after: None,
    };
    audit::record(&mut tx, Actor::User(&session.principal), change).await?;
    tx.commit().await?;
    Ok(())
}

pub fn request_is_https() -> bool {
    request_parts().map(|parts| is_https(&parts.headers, &parts.uri)).unwrap_or(false)
}

/// A cookie of the request being served.
pub fn request_cookie(name: &str) -> Option<String> {
    request_parts().ok().and_then(|parts| cookie_value(&parts.headers, name).map(str::to_owned))
}

/// Whether a request carries a session cookie (a signed-in browser).
pub fn carries_session(headers: &HeaderMap) -> bool {
    cookie_value(headers, SESSION_COOKIE).is_some()
        || cookie_value(headers, &format!("__Host-{SESSION_COOKIE}")).is_some()
}

/// The user behind `Authorization: Bearer <token>`, or 401.
pub async fn bearer_principal(pool: &Pool, headers: &HeaderMap) -> Result<Principal, AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or(AppError::Unauthorized)?;
    let (principal, token_id, last_used_at) =
        db::users::api_token_principal(pool, &secrets::token_hash(token)).await?.ok_or(AppError::Unauthorized)?;
    // Last use is shown to the token's owner, to the minute: a busy script
    // writes once a minute, not on every call.
    let stale =
        last_used_at.as_deref().and_then(db::parse_timestamp).is_none_or(|at| Utc::now() - at > Duration::seconds(60));
    if stale {
        // Failing to note the use must not fail the call.
        if let Err(error) = db::users::touch_api_token(pool, &token_id).await {
            tracing::warn!(%error, "could not note an API token's use");
        }
    }
    Ok(principal)
}

/// The API caller named by the request's bearer token: an axum extractor, so
/// REST handlers take it as an argument and a missing or unknown token is a 401
/// before the handler runs.
pub struct ApiPrincipal(pub Principal);

impl axum::extract::FromRequestParts<super::AppState> for ApiPrincipal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        bearer_principal(&state.pool, &parts.headers).await.map(ApiPrincipal)
    }
}

/// CSRF defence for every state-changing request: refuse a browser request that
/// another site started. Browsers send `Sec-Fetch-Site` and `Origin` on such
/// requests and scripts on other sites cannot forge them. Bearer-token API calls
/// carry no cookies, so they are exempt. Forms also carry a per-session token,
/// checked by each server function.
pub async fn reject_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    // Only machine calls to the JSON API with a bearer token are exempt: a
    // browser attaches other credentials (HTTP Basic from a proxy, say) by itself.
    let bearer_api = request.uri().path().starts_with("/api/v1/")
        && headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("Bearer "));
    if !safe && !bearer_api {
        let cross_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
        let foreign_origin = match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
            (Some(origin), Some(host)) => {
                let origin = origin.to_str().unwrap_or_default();
                let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
                origin == "null" || origin_host != host.to_str().unwrap_or_default()
            }
            _ => false,
        };
        if cross_site || foreign_origin {
            tracing::warn!(uri = %request.uri(), "refused a cross-site request");
            return (StatusCode::FORBIDDEN, "cross-site requests are not accepted").into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; concordat_session=abc; b=2"));
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }

    #[test]
    fn session_cookies_are_locked_down() {
        let cookie = session_cookie("t", true).expect("valid header");
        let text = cookie.to_str().expect("ascii");
        for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age=43200"] {
            assert!(text.contains(part), "{text} lacks {part}");
        }
        assert!(text.starts_with("__Host-concordat_session=t;"), "{text}");
        let plain = session_cookie("t", false).expect("valid");
        let plain = plain.to_str().expect("ascii");
        assert!(!plain.contains("Secure") && plain.starts_with("concordat_session=t;"), "{plain}");
    }

    #[test]
    fn over_https_only_the_prefixed_cookie_counts() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("concordat_session=planted"));
        assert_eq!(host_cookie(&headers, SESSION_COOKIE), Some("planted"));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(host_cookie(&headers, SESSION_COOKIE), None, "a cookie planted over http is ignored");
        headers.insert(header::COOKIE, HeaderValue::from_static("__Host-concordat_session=real"));
        assert_eq!(host_cookie(&headers, SESSION_COOKIE), Some("real"));
    }
}
