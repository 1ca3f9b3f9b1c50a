//! Hardening, round two (issue 25): what the first round's controls still let
//! through, each tried as an attacker would, on both backends.

use crate::app_tests;
use crate::support::{count, Browser, Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};

app_tests! {
    a_made_up_sign_out_writes_nothing => a_made_up_sign_out_writes_nothing;
    signing_out_needs_the_session_csrf_token => signing_out_needs_the_session_csrf_token;
    a_new_password_ends_sessions_and_revokes_tokens => a_new_password_ends_sessions_and_revokes_tokens;
    an_admin_reset_ends_sessions_and_revokes_tokens => an_admin_reset_ends_sessions_and_revokes_tokens;
    idle_sessions_end => idle_sessions_end;
    over_https_cookies_are_host_prefixed_and_hsts_is_sent => over_https_cookies_are_host_prefixed_and_hsts_is_sent;
    periods_outside_the_concordat_are_refused => periods_outside_the_concordat_are_refused;
    large_spc_bodies_are_refused_before_parsing => large_spc_bodies_are_refused_before_parsing;
    uploads_are_bounded_as_a_whole => uploads_are_bounded_as_a_whole;
    the_readings_api_is_paged => the_readings_api_is_paged;
    a_page_never_shows_text_from_its_address => a_page_never_shows_text_from_its_address;
    a_refused_form_comes_back_to_its_own_browser_only => a_refused_form_comes_back_to_its_own_browser_only;
    sign_in_takes_as_long_whatever_the_account => sign_in_takes_as_long_whatever_the_account;
}

async fn content_sum(app: &TestApp) -> i64 {
    concordat_tracker::db::freshness::content_sum(&app.pool).await.expect("content versions")
}

async fn who(app: &TestApp, browser: &Browser) -> serde_json::Value {
    app.post_form("/api/auth/me", Some(browser), &[]).await.json()
}

fn with_cookie(cookie: &str) -> Browser {
    Browser { cookie: cookie.to_string(), csrf: String::new() }
}

async fn a_made_up_sign_out_writes_nothing(app: TestApp) {
    let before = (content_sum(&app).await, count(&app.pool, "audit_log").await, count(&app.pool, "user_session").await);
    let made_up = with_cookie(&format!("concordat_session={}", "0".repeat(64)));
    let reply = app.post_form("/api/auth/sign-out", Some(&made_up), &[("csrf", "anything")]).await;
    assert!(reply.status.is_success() || reply.status.is_redirection(), "{}: {}", reply.status, reply.body);
    let cleared =
        reply.headers.get_all("set-cookie").iter().filter_map(|c| c.to_str().ok()).any(|c| c.contains("Max-Age=0"));
    assert!(cleared, "the browser's cookie is cleared all the same");
    let after = (content_sum(&app).await, count(&app.pool, "audit_log").await, count(&app.pool, "user_session").await);
    assert_eq!(before, after, "no version raised, nothing audited, no session touched");
}

async fn signing_out_needs_the_session_csrf_token(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let forged = app.post_form("/api/auth/sign-out", Some(&slam), &[("csrf", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert_eq!(who(&app, &slam).await["email"], "slam@demo.test", "a forged sign-out leaves the session alone");
    let sign_out = app.post_form("/api/auth/sign-out", Some(&slam), &[("csrf", &slam.csrf)]).await;
    assert!(sign_out.status.is_success() || sign_out.status.is_redirection(), "{}", sign_out.status);
    assert!(who(&app, &slam).await.is_null(), "signed out");
}

/// Whether an API token still names its user: a write with it is refused
/// for what it writes (400), not for who sends it (401), while it lives.
async fn token_works(app: &TestApp, token: &str) -> bool {
    let write = app
        .post_api(
            "/api/v1/readings",
            Some(token),
            "application/json",
            r#"[{"metric":"nonexistent-metric","ics":"SEL","period":"2024-25-Q1","value":1}]"#,
        )
        .await;
    write.status != StatusCode::UNAUTHORIZED
}

async fn a_new_password_ends_sessions_and_revokes_tokens(app: TestApp) {
    let here = app.sign_in("slam@demo.test").await;
    let elsewhere = app.sign_in("slam@demo.test").await;
    assert!(token_works(&app, "demo-token-slam").await);
    let changed = app
        .post_form(
            "/api/account/password",
            Some(&here),
            &[
                ("csrf", &here.csrf),
                ("current_password", "demo-password"),
                ("new_password", "a brand new password"),
                ("confirm_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(who(&app, &here).await["email"], "slam@demo.test", "the session that changed it goes on");
    assert!(who(&app, &elsewhere).await.is_null(), "every other session ends");
    assert!(!token_works(&app, "demo-token-slam").await, "API tokens made before are revoked");
    assert!(token_works(&app, "demo-token-board").await, "other people's tokens are not");
}

async fn an_admin_reset_ends_sessions_and_revokes_tokens(app: TestApp) {
    let admin = app.sign_in("admin@demo.test").await;
    let slam = app.sign_in("slam@demo.test").await;
    let slam_id: String = sqlx::query_scalar("SELECT id FROM app_user WHERE email = 'slam@demo.test'")
        .fetch_one(&app.pool)
        .await
        .expect("slam");
    let issued =
        app.post_form("/api/users/password-link", Some(&admin), &[("csrf", &admin.csrf), ("id", &slam_id)]).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    assert!(who(&app, &slam).await.is_null(), "the account's sessions end");
    assert!(!token_works(&app, "demo-token-slam").await, "and its tokens stop working");
}

async fn idle_sessions_end(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    assert_eq!(who(&app, &slam).await["email"], "slam@demo.test");
    let idle_since = concordat_tracker::db::timestamp(chrono::Utc::now() - chrono::Duration::minutes(31));
    sqlx::query("UPDATE user_session SET last_seen_at = $1").bind(&idle_since).execute(&app.pool).await.expect("idle");
    assert!(who(&app, &slam).await.is_null(), "31 minutes idle: signed out, though 12 hours have not passed");

    // A session in use stays signed in: each use moves its idle clock on.
    let busy = app.sign_in("slam@demo.test").await;
    let recent = concordat_tracker::db::timestamp(chrono::Utc::now() - chrono::Duration::minutes(20));
    sqlx::query("UPDATE user_session SET last_seen_at = $1").bind(&recent).execute(&app.pool).await.expect("recent");
    assert_eq!(who(&app, &busy).await["email"], "slam@demo.test");
    let seen: Option<String> =
        sqlx::query_scalar("SELECT MAX(last_seen_at) FROM user_session").fetch_one(&app.pool).await.expect("last seen");
    assert!(seen.is_some_and(|seen| seen > recent), "the use was noted");
}

async fn over_https_cookies_are_host_prefixed_and_hsts_is_sent(app: TestApp) {
    let request = Request::post("/api/auth/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("x-forwarded-proto", "https")
        .body(Body::from("email=slam%40demo.test&password=demo-password"))
        .expect("request");
    let reply = app.send(request).await;
    let cookies: Vec<String> =
        reply.headers.get_all("set-cookie").iter().filter_map(|c| c.to_str().ok()).map(str::to_owned).collect();
    let session = cookies.iter().find(|c| c.contains("concordat_session=")).expect("session cookie");
    assert!(session.starts_with("__Host-concordat_session="), "{session}");
    for part in ["Secure", "Path=/", "HttpOnly"] {
        assert!(session.contains(part), "{session} lacks {part}");
    }
    assert!(!session.contains("Domain"), "{session}");
    let device = cookies.iter().find(|c| c.contains("concordat_device=")).expect("device cookie");
    assert!(device.starts_with("__Host-concordat_device=") && device.contains("Secure"), "{device}");

    // The prefixed cookie signs the browser in over https; a plain one planted
    // over http does not.
    let pair = session.split(';').next().expect("pair").to_string();
    let me = |cookie: String| {
        Request::post("/api/auth/me")
            .header("cookie", cookie)
            .header("x-forwarded-proto", "https")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(app.send(me(pair.clone())).await.json()["email"], "slam@demo.test");
    let planted = pair.trim_start_matches("__Host-").to_string();
    assert!(app.send(me(planted)).await.json().is_null(), "an unprefixed cookie is ignored over https");

    let page = app.send(Request::get("/").header("x-forwarded-proto", "https").body(Body::empty()).expect("get")).await;
    let hsts = page.headers.get("strict-transport-security").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(hsts.contains("max-age="), "HSTS over https: {hsts:?}");
    assert!(app.get("/").await.headers.get("strict-transport-security").is_none(), "never over plain http");
}

async fn periods_outside_the_concordat_are_refused(app: TestApp) {
    for (path, why) in [
        ("/board-pack?period=2000-01-Q1", "before the concordat"),
        ("/board-pack?period=2019-20-Q4", "before the concordat"),
        (&format!("/board-pack?period={}", crate::support::future_period()), "has not started"),
        ("/review/south-london-and-maudsley-nhs-foundation-trust/2001-02-Q1", "before the concordat"),
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(reply.body.contains(why), "{path}: a message that says why, not {}", reply.body.len());
    }
    assert_eq!(app.get("/board-pack?period=2024-25-Q1").await.status, StatusCode::OK);
}

async fn large_spc_bodies_are_refused_before_parsing(app: TestApp) {
    let values = vec!["1.0"; 400_000].join(",");
    let body = format!(r#"{{"values":[{values}]}}"#);
    let reply = app.post_api("/api/v1/spc", None, "application/json", &body).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.body);
    assert!(reply.json()["error"].as_str().is_some_and(|e| e.contains("KB")), "{}", reply.body);
    let fine =
        app.post_api("/api/v1/spc", None, "application/json", r#"{"values":[1,2,3,4,5,6,7,8,9,10,11,12]}"#).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
}

async fn uploads_are_bounded_as_a_whole(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    // Parts the form does not have used to be read to their end, however long.
    let padding = vec![b'x'; 16 * 1024 * 1024];
    let reply = app.post_multipart("/readings/upload", &slam, &slam.csrf, &[("padding", None, &padding)]).await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let location = reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let page = app.get_as(&location, &slam).await;
    assert!(page.body.contains("the upload is larger than the 5 MB limit"), "{location}");
}

fn next_link(reply: &Reply) -> Option<String> {
    let link = reply.headers.get("link")?.to_str().ok()?;
    let start = link.find('<')? + 1;
    let end = link.find('>')?;
    link.contains("rel=\"next\"").then(|| link[start..end].to_string())
}

async fn the_readings_api_is_paged(app: TestApp) {
    let quarters = ["2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4", "2024-25-Q1", "2024-25-Q2"];
    let rows: Vec<serde_json::Value> = quarters
        .iter()
        .flat_map(|period| {
            ["m_liaison_1h", "m_advance_care_plans"]
                .map(|metric| serde_json::json!({ "metric": metric, "ics": "SEL", "period": period, "value": 50 }))
        })
        .collect();
    let written = app
        .post_api(
            "/api/v1/readings",
            Some("demo-token-slam"),
            "application/json",
            &serde_json::Value::from(rows).to_string(),
        )
        .await;
    assert_eq!(written.status, StatusCode::OK, "{}", written.body);
    let everything = app.get("/api/v1/readings?limit=10000").await;
    assert_eq!(everything.status, StatusCode::OK);
    let all = everything.json().as_array().expect("list").len();
    assert!(all >= 12, "the readings written: {all}");
    assert!(next_link(&everything).is_none(), "one page holds them all");

    let mut seen = Vec::new();
    let mut next = Some("/api/v1/readings?limit=3".to_string());
    while let Some(path) = next {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        let rows = page.json().as_array().expect("list").clone();
        assert!(rows.len() <= 3);
        seen.extend(rows.into_iter().map(|r| r["id"].as_str().expect("id").to_string()));
        next = next_link(&page);
    }
    assert_eq!(seen.len(), all, "every reading once");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), all, "no reading twice");

    let default = app.get("/api/v1/readings").await.json().as_array().expect("list").len();
    assert_eq!(default, all.min(1000));
    for bad in ["/api/v1/readings?limit=0", "/api/v1/readings?limit=10001", "/api/v1/readings?cursor=nonsense"] {
        let reply = app.get(bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.json()["error"].as_str().is_some(), "{bad}: {}", reply.body);
    }
}

async fn a_page_never_shows_text_from_its_address(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let bait = "Your account is suspended, call 0800 000 000";
    let encoded = "Your%20account%20is%20suspended%2C%20call%200800%20000%20000";
    let err = format!(r#"{{"Invalid":{{"field":"period","message":"{bait}"}}}}"#);
    let err: String = err.bytes().map(|b| format!("%{b:02X}")).collect();
    for path in [
        format!("/status/SEL/P1.C1?error={encoded}"),
        format!("/me/figures?period=2024-25-Q1&error={encoded}"),
        format!("/account?__path=%2Fapi%2Faccount%2Fpassword&__err={err}"),
        format!("/me/figures?period=2024-25-Q1&values%5Bm_x%5D={encoded}"),
    ] {
        let page = app.get_as(&path, &slam).await;
        assert!(!page.body.contains("Your account is suspended"), "{path} shows the address's text");
    }
}

async fn a_refused_form_comes_back_to_its_own_browser_only(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let other = app.sign_in("slam@demo.test").await;
    let typed = "my current password is hunter2";
    let fields = [
        ("csrf", slam.csrf.as_str()),
        ("current_password", typed),
        ("new_password", "a brand new password"),
        ("confirm_password", "a brand new password"),
    ];
    let reply = app.post_plain_form("/api/account/password", &slam, "/account", &fields).await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let location = reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.contains("problem="), "{location}");
    assert!(!location.contains("error") && !location.contains("current") && !location.contains("hunter"), "{location}");
    let page = app.get_as(&location, &slam).await;
    assert!(page.body.contains("is not your current password"), "the browser that posted reads its outcome");
    let elsewhere = app.get_as(&location, &other).await;
    assert!(!elsewhere.body.contains("is not your current password"), "another browser does not");
    let anonymous = app.get(&location).await;
    assert!(!anonymous.body.contains("is not your current password"), "nor does anyone else");
}

/// How long one sign-in attempt takes, from an address of its own (so the
/// address limit never answers first).
async fn time_sign_in(app: &TestApp, email: &str, password: &str, n: usize) -> std::time::Duration {
    let started = std::time::Instant::now();
    let reply = crate::throttling::try_sign_in(app, email, password, &format!("203.0.113.{}:1000", n % 250)).await;
    let took = started.elapsed();
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{email}: {}", reply.body);
    took
}

fn median(mut times: Vec<std::time::Duration>) -> std::time::Duration {
    times.sort();
    times[times.len() / 2]
}

/// A statistical check, not a timed one: the medians of many tries of each
/// kind of account must be alike within a generous factor, where a skipped
/// argon2 check would make one kind several times faster.
async fn sign_in_takes_as_long_whatever_the_account(app: TestApp) {
    let admin = app.sign_in("admin@demo.test").await;
    let org = "south-london-and-maudsley-nhs-foundation-trust";
    let fields = crate::support::new_account_fields(&admin.csrf, "pending@nhs.example", "partner_editor", org);
    let created = app.post_form("/api/users/create", Some(&admin), &fields).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    sqlx::query("UPDATE app_user SET active = 0 WHERE email = 'viewer@demo.test'")
        .execute(&app.pool)
        .await
        .expect("deactivate");

    // Four tries per account keeps each under the account's own limit.
    const ROUNDS: usize = 4;
    let kinds = ["oxleas@demo.test", "pending@nhs.example", "viewer@demo.test"];
    let mut times: Vec<Vec<std::time::Duration>> = vec![Vec::new(); kinds.len() + 1];
    let mut n = 0;
    for round in 0..ROUNDS {
        for (kind, email) in kinds.iter().enumerate() {
            n += 1;
            times[kind].push(time_sign_in(&app, email, "not the password at all", n).await);
        }
        n += 1;
        let unknown = format!("nobody{round}@nhs.example");
        times[kinds.len()].push(time_sign_in(&app, &unknown, "not the password at all", n).await);
    }
    let medians: Vec<std::time::Duration> = times.into_iter().map(median).collect();
    let fastest = medians.iter().min().expect("medians");
    let slowest = medians.iter().max().expect("medians");
    assert!(
        *slowest < *fastest * 2 + std::time::Duration::from_millis(20),
        "wrong password, pending account, deactivated account and unknown email: {medians:?}"
    );
}
