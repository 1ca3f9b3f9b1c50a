//! Account lifecycle: deactivation stops sessions and tokens at once, admins
//! revoke any token, new accounts set their own password through a one-time
//! link, users change their own password, tokens expire and show their last
//! use, and demo accounts stop working when demo mode is off. All audited.

use crate::app_tests;
use crate::support::{new_account_fields, Browser, Reply, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};

app_tests! {
    deactivation_stops_sessions_and_tokens_at_once => deactivation_stops_sessions_and_tokens_at_once;
    admins_revoke_any_token_and_users_only_their_own => admins_revoke_any_token_and_users_only_their_own;
    new_accounts_set_their_own_password_through_a_one_time_link => new_accounts_set_their_own_password_through_a_one_time_link;
    users_change_their_own_password => users_change_their_own_password;
    tokens_expire_and_show_their_last_use => tokens_expire_and_show_their_last_use;
    a_token_created_without_javascript_is_shown_once => a_token_created_without_javascript_is_shown_once;
    demo_accounts_stop_when_demo_mode_is_off => demo_accounts_stop_when_demo_mode_is_off;
}

const READING: &str = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":80}]"#;

async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM app_user WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{email}: {e}"))
}

async fn who_is_signed_in(app: &TestApp, browser: &Browser) -> serde_json::Value {
    app.post_form("/api/auth/me", Some(browser), &[]).await.json()
}

async fn sign_in_with(app: &TestApp, email: &str, password: &str) -> Reply {
    app.post_form("/api/auth/sign-in", None, &[("email", email), ("password", password)]).await
}

fn signed_in(reply: &Reply) -> bool {
    reply.headers.get_all("set-cookie").iter().any(|c| c.to_str().is_ok_and(|c| c.starts_with("concordat_session=")))
}

async fn audit_actions(app: &TestApp, entity_id: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY occurred_at, id")
        .bind(entity_id)
        .fetch_all(&app.pool)
        .await
        .expect("audit rows")
}

async fn deactivation_stops_sessions_and_tokens_at_once(app: TestApp) {
    let admin = app.sign_in("admin@demo.test").await;
    let slam = app.sign_in("slam@demo.test").await;
    let slam_id = user_id(&app, "slam@demo.test").await;
    assert_eq!(
        app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", READING).await.status,
        200
    );

    let board = app.sign_in("board@demo.test").await;
    let refused =
        app.post_form("/api/users/deactivate", Some(&board), &[("csrf", &board.csrf), ("id", &slam_id)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only admins manage accounts");

    let off = app.post_form("/api/users/deactivate", Some(&admin), &[("csrf", &admin.csrf), ("id", &slam_id)]).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert!(who_is_signed_in(&app, &slam).await.is_null(), "the session ended at once");
    let api = app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", READING).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED, "the token stopped at once");
    assert!(!signed_in(&sign_in_with(&app, "slam@demo.test", "demo-password").await));

    let on = app.post_form("/api/users/reactivate", Some(&admin), &[("csrf", &admin.csrf), ("id", &slam_id)]).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert!(who_is_signed_in(&app, &slam).await.is_null(), "ended sessions stay ended");
    assert_eq!(
        app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", READING).await.status,
        200
    );
    assert!(signed_in(&sign_in_with(&app, "slam@demo.test", "demo-password").await));
    assert_eq!(audit_actions(&app, &slam_id).await[1..], ["deactivate".to_string(), "reactivate".to_string()]);

    let admin_id = user_id(&app, "admin@demo.test").await;
    let own = app.post_form("/api/users/deactivate", Some(&admin), &[("csrf", &admin.csrf), ("id", &admin_id)]).await;
    assert_eq!(own.status, StatusCode::CONFLICT, "an admin cannot lock themselves out: {}", own.body);
    let unknown =
        app.post_form("/api/users/deactivate", Some(&admin), &[("csrf", &admin.csrf), ("id", "nobody")]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let forged = app.post_form("/api/users/deactivate", Some(&admin), &[("csrf", "forged"), ("id", &slam_id)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "the CSRF token is checked");

    // The admin pages list the account and show its state.
    let page = app.get_as(&format!("/admin/users/{slam_id}"), &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("slam@demo.test") && page.body.contains("Deactivate account"), "{}", page.body);
    let list = app.get_as("/admin/users", &admin).await;
    assert!(list.body.contains(&format!("/admin/users/{slam_id}")));
}

async fn admins_revoke_any_token_and_users_only_their_own(app: TestApp) {
    let admin = app.sign_in("admin@demo.test").await;
    let slam = app.sign_in("slam@demo.test").await;
    let board_id = user_id(&app, "board@demo.test").await;
    let detail = app.post_form("/api/users/get", Some(&admin), &[("id", &board_id)]).await.json();
    let token_id = detail["tokens"][0]["id"].as_str().expect("the board's demo token").to_string();

    let not_yours = app.post_form("/api/tokens/revoke", Some(&slam), &[("csrf", &slam.csrf), ("id", &token_id)]).await;
    assert_eq!(not_yours.status, StatusCode::NOT_FOUND, "a partner cannot revoke the board's token");
    let board_call = || app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", READING);
    assert_ne!(board_call().await.status, StatusCode::UNAUTHORIZED, "the board's token works");

    let revoked = app.post_form("/api/tokens/revoke", Some(&admin), &[("csrf", &admin.csrf), ("id", &token_id)]).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert_eq!(board_call().await.status, StatusCode::UNAUTHORIZED, "and now it does not");
    assert_eq!(audit_actions(&app, &token_id).await.last().map(String::as_str), Some("revoke"));
    let again = app.post_form("/api/tokens/revoke", Some(&admin), &[("csrf", &admin.csrf), ("id", &token_id)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a revoked token is not live");
}

async fn new_accounts_set_their_own_password_through_a_one_time_link(app: TestApp) {
    let admin = app.sign_in("admin@demo.test").await;
    let form = new_account_fields(
        &admin.csrf,
        "New.Analyst@slam.nhs.example",
        "partner_editor",
        "south-london-and-maudsley-nhs-foundation-trust",
    );
    let created = app.post_form("/api/users/create", Some(&admin), &form).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let link = created.json();
    let token = link["token"].as_str().expect("link token").to_string();
    let user = link["user_id"].as_str().expect("user id").to_string();
    assert_eq!(link["email"], "new.analyst@slam.nhs.example");

    // No password works until the owner sets one.
    for guess in ["", "!", "demo-password"] {
        assert!(!signed_in(&sign_in_with(&app, "new.analyst@slam.nhs.example", guess).await), "{guess:?}");
    }
    let page = app.get(&format!("/set-password?token={token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("new.analyst@slam.nhs.example"), "the page says whose password it sets");

    let set = |password: &'static str, confirm: &'static str| {
        let token = token.clone();
        let app = &app;
        async move {
            app.post_form(
                "/api/password-link/set",
                None,
                &[("token", &token), ("password", password), ("confirm_password", confirm)],
            )
            .await
        }
    };
    let short = set("too short", "too short").await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.body.contains("at least 12"), "{}", short.body);
    let mismatch = set("a long enough password", "a long enough passw0rd").await;
    assert!(mismatch.body.contains("confirm_password"), "{}", mismatch.body);
    let done = set("a long enough password", "a long enough password").await;
    assert!(done.status.is_success() || done.status.is_redirection(), "{}: {}", done.status, done.body);
    assert!(signed_in(&sign_in_with(&app, "new.analyst@slam.nhs.example", "a long enough password").await));

    let reused = set("another long password", "another long password").await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    assert!(reused.body.contains("expired or has already been used"), "{}", reused.body);
    let dead_page = app.get(&format!("/set-password?token={token}")).await;
    assert_eq!(dead_page.status, StatusCode::BAD_REQUEST);
    assert!(dead_page.body.contains("ask an admin for a new one"));

    // A new link for a forgotten password; one that has expired does not work.
    let issued = app.post_form("/api/users/password-link", Some(&admin), &[("csrf", &admin.csrf), ("id", &user)]).await;
    let second = issued.json()["token"].as_str().expect("second link").to_string();
    sqlx::query("UPDATE password_link SET expires_at = '2000-01-01T00:00:00.000000Z'")
        .execute(&app.pool)
        .await
        .expect("expire links");
    let expired = app
        .post_form(
            "/api/password-link/set",
            None,
            &[("token", &second), ("password", "yet another password"), ("confirm_password", "yet another password")],
        )
        .await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);

    assert_eq!(
        audit_actions(&app, &user).await,
        ["create", "issue_password_link", "set_password", "issue_password_link"]
    );
    let logged: Vec<String> = sqlx::query_scalar("SELECT COALESCE(after_json, '') || entity_id FROM audit_log")
        .fetch_all(&app.pool)
        .await
        .expect("audit text");
    assert!(logged.iter().all(|t| !t.contains(&token) && !t.contains(&second)), "links are never logged");

    // Without JavaScript, the link is shown on the account's admin page.
    let plain = Request::post("/api/users/create")
        .header("cookie", &admin.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(Body::from(format!(
            "csrf={}&email=plain%40nhs.example&display_name=Plain&role=viewer&organisation_id=nhs-south-east-london-icb&lead_ics=",
            admin.csrf
        )))
        .expect("request");
    let reply = app.send(plain).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let location = reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.starts_with("/admin/users/") && location.contains("?new_link="), "{location}");
    let shown = app.get_as(&location, &admin).await;
    assert!(shown.body.contains("/set-password?token="), "{}", shown.body);
}

async fn users_change_their_own_password(app: TestApp) {
    let here = app.sign_in("oxleas@demo.test").await;
    let elsewhere = app.sign_in("oxleas@demo.test").await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let app = &app;
        let here = here.clone();
        async move {
            app.post_form(
                "/api/account/password",
                Some(&here),
                &[
                    ("csrf", &here.csrf),
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await
        }
    };
    let wrong = change("not my password", "a brand new password", "a brand new password").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("current_password"), "{}", wrong.body);

    // Without JavaScript the form's page comes back with the problem, said once.
    let wrong_current = [
        ("csrf", here.csrf.as_str()),
        ("current_password", "not my password"),
        ("new_password", "a brand new password"),
        ("confirm_password", "a brand new password"),
    ];
    let reply = app.post_plain_form("/api/account/password", &here, "/account", &wrong_current).await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let location = reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let page = app.get_as(&location, &here).await;
    assert_eq!(page.body.matches("There is a problem").count(), 1, "{location}: {}", page.body);
    assert!(page.body.contains("is not your current password"), "{}", page.body);
    let same = change("demo-password", "demo-password", "demo-password").await;
    assert_eq!(same.status, StatusCode::BAD_REQUEST);
    let changed = change("demo-password", "a brand new password", "a brand new password").await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);

    assert_eq!(who_is_signed_in(&app, &here).await["email"], "oxleas@demo.test", "this session goes on");
    assert!(who_is_signed_in(&app, &elsewhere).await.is_null(), "other sessions end");
    assert!(!signed_in(&sign_in_with(&app, "oxleas@demo.test", "demo-password").await));
    assert!(signed_in(&sign_in_with(&app, "oxleas@demo.test", "a brand new password").await));
    let oxleas = user_id(&app, "oxleas@demo.test").await;
    assert!(audit_actions(&app, &oxleas).await.contains(&"change_password".to_string()));

    let anonymous = app
        .post_form(
            "/api/account/password",
            None,
            &[("csrf", "x"), ("current_password", "a"), ("new_password", "b"), ("confirm_password", "b")],
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn tokens_expire_and_show_their_last_use(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let bad = app
        .post_form("/api/tokens/create", Some(&slam), &[("csrf", &slam.csrf), ("name", "x"), ("expires_in_days", "7")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("expires_in_days"), "{}", bad.body);

    let made = app
        .post_form(
            "/api/tokens/create",
            Some(&slam),
            &[("csrf", &slam.csrf), ("name", "nightly upload"), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let secret = made.json()["secret"].as_str().expect("secret").to_string();
    let fresh = listed_token(&app, &slam, "nightly upload").await;
    assert!(fresh["last_used_at"].is_null());
    let expires = fresh["expires_at"].as_str().expect("an expiry");
    let in_30_days = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
    assert!(expires.starts_with(&in_30_days) || expires < in_30_days.as_str(), "{expires}");

    assert_eq!(app.post_api("/api/v1/readings", Some(&secret), "application/json", READING).await.status, 200);
    assert!(listed_token(&app, &slam, "nightly upload").await["last_used_at"].is_string(), "its last use is shown");

    sqlx::query("UPDATE api_token SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE name = 'nightly upload'")
        .execute(&app.pool)
        .await
        .expect("expire");
    let expired = app.post_api("/api/v1/readings", Some(&secret), "application/json", READING).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
}

async fn a_token_created_without_javascript_is_shown_once(app: TestApp) {
    use axum::http::header::{LOCATION, SET_COOKIE};
    let new_token_cookies = |reply: &Reply| -> Vec<String> {
        reply
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter(|v| v.starts_with("concordat_new_token="))
            .map(str::to_owned)
            .collect()
    };
    let slam = app.sign_in("slam@demo.test").await;
    let fields = [("csrf", slam.csrf.as_str()), ("name", "no-script upload"), ("expires_in_days", "30")];

    // With JavaScript the secret comes back in the reply, and no cookie is set.
    let scripted = app.post_form("/api/tokens/create", Some(&slam), &fields).await;
    assert_eq!(scripted.status, StatusCode::OK, "{}", scripted.body);
    assert!(new_token_cookies(&scripted).is_empty());

    // Without it: back to the account page, with the secret in a short-lived cookie.
    let plain = app.post_plain_form("/api/tokens/create", &slam, "http://localhost/account", &fields).await;
    assert!(plain.status.is_redirection(), "{} {}", plain.status, plain.body);
    let location = plain.headers.get(LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default();
    assert!(location.contains("/account"), "{location}");
    let set = new_token_cookies(&plain);
    assert_eq!(set.len(), 1, "{set:?}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/account", "Max-Age=300"] {
        assert!(set[0].contains(part), "{part} in {}", set[0]);
    }
    let pair = set[0].split(';').next().unwrap_or_default().to_string();
    let secret = pair.trim_start_matches("concordat_new_token=").to_string();
    assert!(secret.starts_with("ct_"), "{secret}");

    // The page shows it, with its name, and clears the cookie.
    let carrying = Browser { cookie: format!("{}; {pair}", slam.cookie), csrf: slam.csrf.clone() };
    let page = app.get_as("/account", &carrying).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&secret), "the secret is shown");
    assert!(page.body.contains("no-script upload"));
    let cleared = new_token_cookies(&page);
    assert!(cleared.iter().any(|c| c.starts_with("concordat_new_token=;") && c.contains("Max-Age=0")), "{cleared:?}");
    assert_eq!(app.post_api("/api/v1/readings", Some(&secret), "application/json", READING).await.status, 200);

    // Once only; and a cookie that is not one of the user's live tokens shows nothing.
    assert!(!app.get_as("/account", &slam).await.body.contains(&secret));
    let oxleas = app.sign_in("oxleas@demo.test").await;
    let someone_elses = Browser { cookie: format!("{}; {pair}", oxleas.cookie), csrf: oxleas.csrf.clone() };
    assert!(!app.get_as("/account", &someone_elses).await.body.contains(&secret));
    let forged = Browser { cookie: format!("{}; concordat_new_token=ct_forged", slam.cookie), csrf: slam.csrf.clone() };
    assert!(!app.get_as("/account", &forged).await.body.contains("ct_forged"));
}

async fn listed_token(app: &TestApp, browser: &Browser, name: &str) -> serde_json::Value {
    let page = app.post_form("/api/tokens/list", Some(browser), &[]).await.json();
    page["tokens"].as_array().expect("tokens").iter().find(|t| t["name"] == name).cloned().expect("listed")
}

async fn demo_accounts_stop_when_demo_mode_is_off(app: TestApp) {
    use concordat_tracker::server::demo;
    let slam = app.sign_in("slam@demo.test").await;
    let switched_off = demo::deactivate_accounts(&app.pool).await.expect("deactivated");
    assert_eq!(switched_off, demo::ACCOUNTS.len());
    assert!(who_is_signed_in(&app, &slam).await.is_null());
    assert!(!signed_in(&sign_in_with(&app, "admin@demo.test", "demo-password").await));
    let api = app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", READING).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let actors: Vec<String> = sqlx::query_scalar("SELECT actor_email FROM audit_log WHERE action = 'deactivate'")
        .fetch_all(&app.pool)
        .await
        .expect("audit");
    assert_eq!(actors.len(), demo::ACCOUNTS.len());
    assert!(actors.iter().all(|a| a == "start-up: demo mode is off"));
    assert_eq!(demo::deactivate_accounts(&app.pool).await.expect("again"), 0, "nothing to do twice");

    demo::seed(&app.pool).await.expect("demo mode on again");
    assert!(signed_in(&sign_in_with(&app, "admin@demo.test", "demo-password").await));
}
