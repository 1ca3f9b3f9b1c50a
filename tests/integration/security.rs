//! Security headers, the CSRF check's one exemption, and safe redirects after
//! signing in.

use crate::app_tests;
use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode};

app_tests! {
    every_response_carries_the_security_headers => every_response_carries_the_security_headers;
    only_bearer_api_calls_skip_the_cross_site_check => only_bearer_api_calls_skip_the_cross_site_check;
    sign_in_redirects_only_to_this_site => sign_in_redirects_only_to_this_site;
    sign_ins_and_sign_outs_are_audited => sign_ins_and_sign_outs_are_audited;
    anonymous_readers_see_organisations_not_people => anonymous_readers_see_organisations_not_people;
    pages_allow_only_their_own_nonced_scripts => pages_allow_only_their_own_nonced_scripts;
}

fn header<'a>(reply: &'a crate::support::Reply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).and_then(|v| v.to_str().ok())
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    for path in ["/", "/status", "/api/v1/concordat", "/healthz", "/no-such-page", "/ics/XYZ"] {
        let reply = app.get(path).await;
        assert_eq!(header(&reply, "x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(header(&reply, "x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(header(&reply, "referrer-policy"), Some("same-origin"), "{path}");
        let csp = header(&reply, "content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(header(&reply, "strict-transport-security"), None, "no HSTS over plain http: {path}");
        assert_ne!(header(&reply, "cache-control"), Some("no-store"), "public pages may be cached: {path}");
    }
    let https =
        app.send(Request::get("/").header("x-forwarded-proto", "https").body(Body::empty()).expect("request")).await;
    assert!(header(&https, "strict-transport-security").is_some_and(|v| v.starts_with("max-age=")));

    let board = app.sign_in("board@demo.test").await;
    for path in ["/me", "/status", "/account"] {
        let reply = app.get_as(path, &board).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(header(&reply, "cache-control"), Some("no-store"), "signed-in pages are never cached: {path}");
    }
}

async fn only_bearer_api_calls_skip_the_cross_site_check(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let before = crate::support::count(&app.pool, "api_token").await;
    // A proxy's Basic credentials, which a browser attaches by itself, do not
    // exempt a cross-site form; nor does a bearer token sent to a server
    // function rather than the JSON API.
    for authorization in ["Basic dXNlcjpwYXNz", "Bearer demo-token-slam"] {
        let forged = Request::post("/api/tokens/create")
            .header("cookie", &slam.cookie)
            .header("host", "tracker.example")
            .header("origin", "https://evil.example")
            .header("authorization", authorization)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={}&name=evil", slam.csrf)))
            .expect("request");
        assert_eq!(app.send(forged).await.status, StatusCode::FORBIDDEN, "{authorization}");
    }
    assert_eq!(crate::support::count(&app.pool, "api_token").await, before, "no token was made");

    // A machine calling the JSON API with its bearer token is not a browser: allowed.
    let api = Request::post("/api/v1/readings")
        .header("origin", "https://elsewhere.example")
        .header("authorization", "Bearer demo-token-slam")
        .header("content-type", "application/json")
        .body(Body::from(r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":80}]"#))
        .expect("request");
    let reply = app.send(api).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

async fn sign_in_redirects_only_to_this_site(app: TestApp) {
    let cases = [
        ("/commitments/P1.C1", "/commitments/P1.C1"),
        ("/\t/evil.example", "/me"),
        ("//evil.example", "/me"),
        ("https://evil.example", "/me"),
        ("/\r\nSet-Cookie: stolen=1", "/me"),
        ("/caf\u{e9}", "/me"),
    ];
    for (next, expected) in cases {
        let body = format!(
            "email=slam%40demo.test&password=demo-password&next={}",
            next.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
        );
        let request = Request::post("/api/auth/sign-in")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(Body::from(body))
            .expect("request");
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{next:?}: {}", reply.body);
        assert_eq!(header(&reply, "location"), Some(expected), "{next:?}");
    }
}

async fn sign_ins_and_sign_outs_are_audited(app: TestApp) {
    let wrong = Request::post("/api/auth/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Body::from("email=Slam%40demo.test&password=not-the-password-42"))
        .expect("request");
    assert_eq!(app.send(wrong).await.status, StatusCode::BAD_REQUEST);
    let slam = app.sign_in("slam@demo.test").await;
    let out = Request::post("/api/auth/sign-out")
        .header("cookie", &slam.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Body::from(format!("csrf={}", slam.csrf)))
        .expect("request");
    assert!(app.send(out).await.status.is_success());

    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT action, actor_email, entity_id, after_json FROM audit_log WHERE entity = 'session' ORDER BY occurred_at",
    )
    .fetch_all(&app.pool)
    .await
    .expect("audit rows");
    let seen: Vec<(&str, &str)> = rows.iter().map(|(action, actor, _, _)| (action.as_str(), actor.as_str())).collect();
    assert_eq!(seen, [("sign_in_failed", "anonymous"), ("sign_in", "slam@demo.test"), ("sign_out", "slam@demo.test")]);
    assert_eq!(rows[0].2, "slam@demo.test", "a failed attempt names the address tried");
    let all: Vec<String> = sqlx::query_scalar("SELECT COALESCE(after_json, '') || entity_id FROM audit_log")
        .fetch_all(&app.pool)
        .await
        .expect("audit text");
    assert!(
        all.iter().all(|text| !text.contains("not-the-password-42") && !text.contains("demo-password")),
        "no password is ever logged"
    );
}

async fn anonymous_readers_see_organisations_not_people(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let form = [
        ("csrf", slam.csrf.as_str()),
        ("id", ""),
        ("version", "0"),
        ("organisation_id", ""),
        ("ics", ""),
        ("commitment_id", "P3.C2"),
        ("action_id", ""),
        ("period", "2023-24-Q1"),
        ("narrative", "Liaison team now 24/7"),
        ("delivery_status", ""),
        ("milestone", ""),
        ("milestone_due", ""),
        ("milestone_completed", ""),
        ("links", ""),
    ];
    let saved = app.post_form("/api/evidence/save", Some(&slam), &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let id = saved.json()["id"].as_str().expect("id").to_string();

    for path in [format!("/evidence/{id}"), "/commitments/P3.C2".to_string(), "/ics/SEL".to_string()] {
        let anonymous = app.get(&path).await;
        assert_eq!(anonymous.status, StatusCode::OK, "{path}");
        assert!(anonymous.body.contains("South London and Maudsley"), "{path}: the organisation is named");
        assert!(!anonymous.body.contains("@demo.test"), "{path}: no email address for anonymous readers");
    }
    let detail = app.post_form("/api/evidence/get", None, &[("id", &id)]).await.json();
    assert!(detail["entry"]["updated_by"].is_null(), "{detail}");
    assert!(detail["versions"].as_array().expect("versions").iter().all(|v| v["entry"]["updated_by"].is_null()));

    let signed_in = app.get_as(&format!("/evidence/{id}"), &slam).await;
    assert!(signed_in.body.contains("by slam@demo.test"), "signed-in readers see who saved each version");
}

/// The nonce a page's policy names (`'nonce-…'` in `script-src`).
fn policy_nonce(reply: &crate::support::Reply) -> Option<String> {
    let policy = header(reply, "content-security-policy")?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let end = start + policy[start..].find('\'')?;
    Some(policy[start..end].to_string())
}

async fn pages_allow_only_their_own_nonced_scripts(app: TestApp) {
    let mut nonces = std::collections::HashSet::new();
    for path in ["/", "/status", "/sign-in", "/ics/SEL", "/commitments/P3.C2"] {
        let page = app.get(path).await;
        let policy = header(&page, "content-security-policy").unwrap_or_default().to_string();
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"), "{path}: {policy}");
        assert!(policy.contains("default-src 'self'") && policy.contains("object-src 'none'"), "{path}: {policy}");
        let nonce = policy_nonce(&page).unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
        assert!(nonce.len() >= 16, "{path}: a nonce long enough not to guess");
        // Every script in the page carries this render's nonce.
        let scripts = page.body.matches("<script").count();
        assert!(scripts > 0, "{path}: hydration scripts");
        assert_eq!(
            page.body.matches(&format!("<script nonce=\"{nonce}\"")).count()
                + page.body.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}"
        );
        assert!(nonces.insert(nonce), "{path}: a fresh nonce for every render");
    }
    let json = app.get("/api/v1/concordat").await;
    assert_eq!(policy_nonce(&json), None, "only rendered pages name a nonce");
    assert!(header(&json, "content-security-policy").is_some_and(|p| p.contains("script-src 'self'")));
}
