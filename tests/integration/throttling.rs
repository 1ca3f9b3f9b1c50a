//! Sign-in throttling: by account and by client address, in the database so it
//! holds across instances, answered with 429 and `Retry-After`.

use crate::app_tests;
use crate::support::{Reply, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use std::net::SocketAddr;

app_tests! {
    an_account_locks_after_repeated_failures => an_account_locks_after_repeated_failures;
    one_address_cannot_try_many_accounts => one_address_cannot_try_many_accounts;
    parallel_attempts_queue_and_all_get_an_answer => parallel_attempts_queue_and_all_get_an_answer;
    a_burst_of_guesses_is_checked_no_more_than_the_limit => a_burst_of_guesses_is_checked_no_more_than_the_limit;
    a_burst_at_the_current_password_is_limited_too => a_burst_at_the_current_password_is_limited_too;
    a_known_browser_signs_in_while_its_address_is_locked => a_known_browser_signs_in_while_its_address_is_locked;
}

/// A sign-in from `peer`, as a script in the page sends it.
pub async fn try_sign_in(app: &TestApp, email: &str, password: &str, peer: &str) -> Reply {
    try_sign_in_from(app, email, password, peer, None).await
}

/// A sign-in from `peer` by a browser holding `cookie` (its device cookie).
pub async fn try_sign_in_from(app: &TestApp, email: &str, password: &str, peer: &str, cookie: Option<&str>) -> Reply {
    let body = format!("email={}&password={}", urlencode(email), urlencode(password));
    let mut request = Request::post("/api/auth/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", cookie.unwrap_or_default())
        .body(Body::from(body))
        .expect("request");
    request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().expect("peer address")));
    app.send(request).await
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn signed_in(reply: &Reply) -> bool {
    reply.headers.get_all("set-cookie").iter().any(|c| c.to_str().is_ok_and(|c| c.starts_with("concordat_session=")))
}

async fn an_account_locks_after_repeated_failures(app: TestApp) {
    for attempt in 1..=5 {
        let reply = try_sign_in(&app, "slam@demo.test", "wrong password here", "198.51.100.1:4000").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "attempt {attempt}: {}", reply.body);
    }
    // Now even the right password, from another address, waits.
    let locked = try_sign_in(&app, "SLAM@demo.test", "demo-password", "198.51.100.2:4000").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    let retry_after: u64 = locked
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert!(locked.body.contains("try again in"), "a message a person understands: {}", locked.body);
    assert!(!signed_in(&locked));

    // The count lives in the database: another instance sees the lock.
    let second = app.second_instance().await;
    let elsewhere = try_sign_in(&second, "slam@demo.test", "demo-password", "198.51.100.3:4000").await;
    assert_eq!(elsewhere.status, StatusCode::TOO_MANY_REQUESTS);

    // Other accounts are not affected.
    let oxleas = try_sign_in(&app, "oxleas@demo.test", "demo-password", "198.51.100.2:4000").await;
    assert!(signed_in(&oxleas), "{}: {}", oxleas.status, oxleas.body);

    // When the lock has passed, the right password works and the count starts again.
    sqlx::query("UPDATE sign_in_throttle SET locked_until = '2000-01-01T00:00:00.000000Z'")
        .execute(&app.pool)
        .await
        .expect("lock passes");
    let long_ago = "2000-01-01T00:00:00.000000Z";
    sqlx::query(
        "INSERT INTO sign_in_throttle (throttle_key, failures, last_failure_at, locked_until, created_at, updated_at)
         VALUES ('address:192.0.2.200', 3, $1, NULL, $1, $1)",
    )
    .bind(long_ago)
    .execute(&app.pool)
    .await
    .expect("an old count");
    let after = try_sign_in(&app, "slam@demo.test", "demo-password", "198.51.100.2:4000").await;
    assert!(signed_in(&after), "{}: {}", after.status, after.body);
    let old: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_throttle WHERE last_failure_at = $1")
        .bind(long_ago)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(old, 0, "counts too old to matter are swept");
    for attempt in 1..=4 {
        let reply = try_sign_in(&app, "slam@demo.test", "wrong again", "198.51.100.2:4000").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "the count restarted after success: attempt {attempt}");
    }
}

async fn one_address_cannot_try_many_accounts(app: TestApp) {
    let attacker = "203.0.113.66:5555";
    for n in 1..=20 {
        let reply = try_sign_in(&app, &format!("guess{n}@nhs.example"), "Winter2026!", attacker).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "attempt {n}");
    }
    let locked = try_sign_in(&app, "slam@demo.test", "demo-password", attacker).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    let colleague = try_sign_in(&app, "slam@demo.test", "demo-password", "198.51.100.9:1234").await;
    assert!(signed_in(&colleague), "another address is not locked: {}", colleague.body);
}

async fn parallel_attempts_queue_and_all_get_an_answer(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let attempts: Vec<_> = (0..12)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                try_sign_in(&app, &format!("parallel{n}@nhs.example"), "not right at all", "192.0.2.1:1").await.status
            })
        })
        .collect();
    for attempt in attempts {
        let status = attempt.await.expect("attempt finished");
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::TOO_MANY_REQUESTS,
            "each attempt is refused cleanly, not failed: {status}"
        );
    }
}

/// How many passwords were checked and found wrong: each such check, and only
/// such a check, is audited as a failed sign-in.
async fn checked_and_wrong(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND entity_id = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .expect("audit")
}

async fn a_burst_of_guesses_is_checked_no_more_than_the_limit(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let guesses: Vec<_> = (0..40)
        .map(|n| {
            let app = app.clone();
            // From many addresses, as a botnet would: only the account's limit holds them.
            tokio::spawn(async move {
                try_sign_in(&app, "slam@demo.test", &format!("guess number {n}"), &format!("192.0.2.{}:1", n + 1))
                    .await
                    .status
            })
        })
        .collect();
    let mut wrong = 0;
    for guess in guesses {
        match guess.await.expect("finished") {
            StatusCode::BAD_REQUEST => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("each guess is refused cleanly: {other}"),
        }
    }
    assert!(wrong <= 5, "at most the 5 free failures reach the password check, not {wrong}");
    assert!(checked_and_wrong(&app, "slam@demo.test").await <= 5);

    // When the lock has passed, the owner signs in.
    sqlx::query("UPDATE sign_in_throttle SET locked_until = '2000-01-01T00:00:00.000000Z'")
        .execute(&app.pool)
        .await
        .expect("lock passes");
    let owner = try_sign_in(&app, "slam@demo.test", "demo-password", "198.51.100.20:1").await;
    assert!(signed_in(&owner), "{}: {}", owner.status, owner.body);
}

async fn a_burst_at_the_current_password_is_limited_too(app: TestApp) {
    let thief = app.sign_in("oxleas@demo.test").await;
    let app = std::sync::Arc::new(app);
    let guesses: Vec<_> = (0..20)
        .map(|n| {
            let (app, thief) = (app.clone(), thief.clone());
            tokio::spawn(async move {
                let current = format!("guess number {n}");
                app.post_form(
                    "/api/account/password",
                    Some(&thief),
                    &[
                        ("csrf", &thief.csrf),
                        ("current_password", &current),
                        ("new_password", "a brand new password"),
                        ("confirm_password", "a brand new password"),
                    ],
                )
                .await
                .status
            })
        })
        .collect();
    let mut checked = 0;
    for guess in guesses {
        match guess.await.expect("finished") {
            StatusCode::BAD_REQUEST => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("each guess is refused cleanly: {other}"),
        }
    }
    assert!(checked <= 5, "a stolen session guesses no faster than the sign-in form: {checked} checked");
}

async fn a_known_browser_signs_in_while_its_address_is_locked(app: TestApp) {
    let office = "198.51.100.77:443";
    // Yesterday, from the trust's shared address, SLaM's editor signed in.
    let earlier = try_sign_in(&app, "slam@demo.test", "demo-password", office).await;
    let device = earlier
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("concordat_device="))
        .and_then(|c| c.split(';').next())
        .expect("a device cookie")
        .to_string();
    // Today a scanner on the same network locks the address.
    for n in 1..=21 {
        let _ = try_sign_in(&app, &format!("scan{n}@nhs.example"), "password1", office).await;
    }
    let stranger = try_sign_in(&app, "oxleas@demo.test", "demo-password", office).await;
    assert_eq!(stranger.status, StatusCode::TOO_MANY_REQUESTS, "a browser never seen here waits");
    let known = try_sign_in_from(&app, "slam@demo.test", "demo-password", office, Some(&device)).await;
    assert!(signed_in(&known), "the editor's own browser still signs in: {}: {}", known.status, known.body);
    let other_account = try_sign_in_from(&app, "oxleas@demo.test", "demo-password", office, Some(&device)).await;
    assert_eq!(other_account.status, StatusCode::TOO_MANY_REQUESTS, "the device cookie is for its own account only");

    // The account's own limit still applies to a known browser.
    for _ in 1..=5 {
        let _ = try_sign_in_from(&app, "slam@demo.test", "wrong password", office, Some(&device)).await;
    }
    let locked = try_sign_in_from(&app, "slam@demo.test", "demo-password", office, Some(&device)).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
}
