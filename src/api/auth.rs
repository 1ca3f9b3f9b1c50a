//! Signing in and out, and who is signed in.

use crate::error::AppError;
use crate::model::auth::CurrentUser;
use leptos::prelude::*;

#[server(endpoint = "auth/me")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    let session = crate::server::auth::current_session().await?;
    Ok(session.map(|s| CurrentUser {
        email: s.principal.email,
        role: s.principal.role,
        organisation_id: s.principal.organisation_id,
        organisation_ics: s.principal.organisation_ics,
        lead_ics: s.principal.lead_ics,
        csrf_token: s.csrf_token,
    }))
}

/// Where to go after signing in: only a path on this site, so a crafted link
/// cannot send people elsewhere; anything else is `/me`.
///
/// It must start with one `/` (`//host` and `/\host` name another host) and hold
/// only visible ASCII: browsers drop tabs and newlines from a URL, so
/// `/<TAB>/evil.example` would become `//evil.example`, and a `Location` header
/// cannot carry control characters or non-ASCII at all.
pub fn safe_next(next: &str) -> &str {
    const LONGEST: usize = 2000;
    let bytes = next.as_bytes();
    let local = bytes.first() == Some(&b'/')
        && bytes.get(1) != Some(&b'/')
        && bytes.iter().all(|b| (0x21..=0x7e).contains(b) && *b != b'\\')
        && bytes.len() <= LONGEST;
    if local {
        next
    } else {
        "/me"
    }
}

#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::auth;
    use http::header::SET_COOKIE;

    if email.trim().is_empty() {
        return Err(AppError::invalid("email", "enter your email address"));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "enter your password"));
    }
    if email.len() > 320 || password.chars().count() > crate::server::secrets::MAX_PASSWORD_CHARS {
        return Err(AppError::invalid("password", "the email address or password is not right"));
    }
    let pool = crate::server::state::pool()?;
    let device = auth::request_device_token();
    let signed_in =
        auth::sign_in(&pool, &email, &password, &auth::request_client_address()?, device.as_deref()).await?;
    let https = auth::request_is_https();
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(SET_COOKIE, auth::session_cookie(&signed_in.session_token, https)?);
    response.append_header(SET_COOKIE, auth::device_cookie(&signed_in.device_token, https)?);
    leptos_axum::redirect(safe_next(next.as_deref().unwrap_or("/me")));
    Ok(())
}

/// Signs out: a POST carrying the session's CSRF token, so another site
/// cannot sign people out. Without a live session it only clears the cookie.
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out(csrf: String) -> Result<(), AppError> {
    use crate::server::auth;
    use http::header::SET_COOKIE;
    if let Some(session) = auth::current_session().await? {
        auth::check_csrf(&session, &csrf)?;
        auth::sign_out(&crate::server::state::pool()?, &session).await?;
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.insert_header(SET_COOKIE, auth::clear_session_cookie(auth::request_is_https()));
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_redirects() {
        assert_eq!(safe_next("/commitments/P1.C1"), "/commitments/P1.C1");
        assert_eq!(safe_next("https://evil.example"), "/me");
        assert_eq!(safe_next("//evil.example"), "/me");
        assert_eq!(safe_next("/\\evil.example"), "/me");
        assert_eq!(safe_next("/\t/evil.example"), "/me", "browsers drop the tab: //evil.example");
        assert_eq!(safe_next("/\n/evil.example"), "/me");
        assert_eq!(safe_next("/me\r\nSet-Cookie: x=1"), "/me");
        assert_eq!(safe_next("/caf\u{e9}"), "/me", "a Location header holds ASCII only");
        assert_eq!(safe_next("/a b"), "/me");
        assert_eq!(safe_next(""), "/me");
        assert_eq!(safe_next("evil.example"), "/me");
        assert_eq!(safe_next("/status?period=2023-24-Q1"), "/status?period=2023-24-Q1");
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), "/me");
    }
}
