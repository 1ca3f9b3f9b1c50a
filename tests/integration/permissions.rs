//! Authorisation, walked as a matrix: every role × every mutating endpoint ×
//! own/other organisation, over HTTP, so a check missing on the server fails here
//! however the pages look. An endpoint this file does not know fails the build
//! of the matrix (see `every_endpoint_is_in_the_matrix`).

use crate::app_tests;
use crate::support::{new_account_fields, Browser, TestApp};
use axum::http::StatusCode;
use std::collections::BTreeSet;

/// Server functions that change something. Each has a row in `cases` below.
const MUTATING_SERVER_FNS: &[&str] = &[
    "/api/evidence/save",
    "/api/readings/import",
    "/api/tokens/create",
    "/api/tokens/revoke",
    "/api/users/create",
    "/api/users/deactivate",
    "/api/users/reactivate",
    "/api/users/password-link",
    "/api/organisations/save",
    "/api/signup/record",
    "/api/signup/withdraw",
    "/api/submissions/step",
    "/api/board-pack/freeze",
    "/api/metrics/update",
    "/api/status/override",
    "/api/metrics/create",
    "/api/metrics/ics-target",
    "/api/metrics/rebase",
    "/api/metrics/rebase/remove",
    "/api/metrics/reporters",
    "/api/figures/save",
];

/// Server functions open to everyone by design: signing in and out, and
/// setting a password through a one-time link (the link's secret is the proof;
/// see `accounts.rs`). Changing one's own password acts only on the caller's
/// own account (tested there too).
const SESSION_SERVER_FNS: &[&str] = &[
    "/api/auth/sign-in",
    "/api/auth/sign-out",
    "/api/password-link/email",
    "/api/password-link/set",
    "/api/account/password",
];

/// Server functions that only read (each still checks permission where the data needs it).
const READ_ONLY_SERVER_FNS: &[&str] = &[
    "/api/auth/me",
    "/api/concordat/get",
    "/api/ics/list",
    "/api/ics/get",
    "/api/ics/page",
    "/api/evidence/for-commitment",
    "/api/evidence/get",
    "/api/evidence/mine",
    "/api/tokens/list",
    "/api/users/list",
    "/api/users/get",
    "/api/organisations/list",
    "/api/organisations/get",
    "/api/signup/summary",
    "/api/submissions/queue",
    "/api/submissions/get",
    "/api/board-pack/live",
    "/api/board-pack/list",
    "/api/board-pack/frozen",
    "/api/metrics/list",
    "/api/metrics/charts",
    "/api/audit/list",
    "/api/readings/preview",
    "/api/readings/upload-preview",
    "/api/figures/get",
    "/api/status/london",
    "/api/status/cell",
];

#[test]
fn every_endpoint_is_in_the_matrix() {
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    let known: BTreeSet<String> = MUTATING_SERVER_FNS
        .iter()
        .chain(SESSION_SERVER_FNS)
        .chain(READ_ONLY_SERVER_FNS)
        .map(|p| p.to_string())
        .collect();
    let unknown: Vec<&String> = registered.difference(&known).collect();
    assert!(unknown.is_empty(), "server functions missing from the permission matrix: {unknown:?}");
    let stale: Vec<&String> = known.difference(&registered).collect();
    assert!(stale.is_empty(), "the matrix lists server functions that no longer exist: {stale:?}");
}

app_tests! {
    the_permission_matrix_holds => the_permission_matrix_holds;
    forms_need_their_csrf_token => forms_need_their_csrf_token;
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Admin,
    Board,
    SelLead,
    Slam,
    Oxleas,
    Viewer,
}

const EVERYONE: [Who; 7] = [Who::Anonymous, Who::Admin, Who::Board, Who::SelLead, Who::Slam, Who::Oxleas, Who::Viewer];

impl Who {
    fn email(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Admin => Some("admin@demo.test"),
            Who::Board => Some("board@demo.test"),
            Who::SelLead => Some("sel.lead@demo.test"),
            Who::Slam => Some("slam@demo.test"),
            Who::Oxleas => Some("oxleas@demo.test"),
            Who::Viewer => Some("viewer@demo.test"),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Org {
    Slam,
    Oxleas,
}

impl Org {
    fn id(self) -> &'static str {
        match self {
            Org::Slam => "south-london-and-maudsley-nhs-foundation-trust",
            Org::Oxleas => "oxleas-nhs-foundation-trust",
        }
    }
}

/// The rules, restated from the issue independently of the code under test.
fn may_edit_for(who: Who, org: Org) -> bool {
    match who {
        Who::Board | Who::SelLead => true,
        Who::Slam => matches!(org, Org::Slam),
        Who::Oxleas => matches!(org, Org::Oxleas),
        Who::Anonymous | Who::Admin | Who::Viewer => false,
    }
}

async fn evidence_version(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar("SELECT version FROM evidence WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("version")
}

/// Creates an entry for `org` as the board, returning its id.
async fn existing_evidence(app: &TestApp, board: &Browser, org: Org) -> String {
    let reply = app.post_form("/api/evidence/save", Some(board), &evidence_fields(&board.csrf, "", "0", org)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["id"].as_str().expect("id").to_string()
}

fn evidence_fields<'a>(csrf: &'a str, id: &'a str, version: &'a str, org: Org) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("id", id),
        ("version", version),
        ("organisation_id", org.id()),
        ("ics", ""),
        ("commitment_id", "P1.C1"),
        ("action_id", ""),
        ("period", "2023-24-Q1"),
        ("narrative", "Matrix test narrative"),
        ("delivery_status", "on_track"),
        ("milestone", ""),
        ("milestone_due", ""),
        ("milestone_completed", ""),
        ("links", ""),
    ]
}

fn expect(who: Who, allowed: bool, reply: &crate::support::Reply, what: &str) {
    if allowed {
        assert!(reply.status.is_success(), "{who:?} should be allowed to {what}: {} {}", reply.status, reply.body);
    } else {
        let refused = if who == Who::Anonymous { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
        assert_eq!(reply.status, refused, "{who:?} must not {what}: {}", reply.body);
    }
}

async fn the_permission_matrix_holds(app: TestApp) {
    let board = app.sign_in("board@demo.test").await;
    let mut browsers = Vec::new();
    for who in EVERYONE {
        let browser = match who.email() {
            Some(email) => Some(app.sign_in(email).await),
            None => None,
        };
        browsers.push((who, browser));
    }
    let anonymous = Browser { cookie: String::new(), csrf: String::new() };
    let target = matrix_target_account(&app).await;
    // A submitted SLaM return per role, for that role's review decision.
    const PERIODS: [&str; 7] =
        ["2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4", "2024-25-Q1", "2024-25-Q2", "2024-25-Q3"];
    for period in PERIODS {
        let body = format!(r#"{{"period":"{period}","action":"submit"}}"#);
        let reply = app.post_api("/api/v1/submissions", Some("demo-token-slam"), "application/json", &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }

    for ((who, browser), review_period) in browsers.iter().zip(PERIODS) {
        let who = *who;
        let browser = browser.as_ref().unwrap_or(&anonymous);
        let signed_in = who != Who::Anonymous;

        // submissions/step: an organisation's own editors submit; the board and
        // the ICS lead (for its ICS) decide.
        let step = |organisation: &'static str, period: &'static str, action: &'static str| {
            let browser = browser.clone();
            let app = &app;
            async move {
                let fields = [
                    ("csrf", browser.csrf.as_str()),
                    ("organisation", organisation),
                    ("period", period),
                    ("action", action),
                    ("note", "Matrix question"),
                ];
                app.post_form("/api/submissions/step", Some(&browser), &fields).await
            }
        };
        let reply = step(Org::Oxleas.id(), "2024-25-Q4", "submit").await;
        expect(who, who == Who::Oxleas, &reply, "submit Oxleas's return");
        let reply = step(Org::Slam.id(), review_period, "query").await;
        expect(who, matches!(who, Who::Board | Who::SelLead), &reply, "query SLaM's return");
        let reply =
            app.post_form("/api/submissions/queue", Some(browser), &[("period", ""), ("ics", ""), ("state", "")]).await;
        expect(who, matches!(who, Who::Board | Who::SelLead), &reply, "read the review queue");
        let fields = [("csrf", browser.csrf.as_str()), ("period", "2023-24-Q1"), ("meeting_date", "2023-09-01")];
        let reply = app.post_form("/api/board-pack/freeze", Some(browser), &fields).await;
        expect(who, who == Who::Board, &reply, "freeze a board pack");
        for org in [Org::Slam, Org::Oxleas] {
            // evidence/save: a new entry for the organisation.
            let reply =
                app.post_form("/api/evidence/save", Some(browser), &evidence_fields(&browser.csrf, "", "0", org)).await;
            expect(who, may_edit_for(who, org), &reply, &format!("add evidence for {org:?}"));

            // evidence/save: an edit of the organisation's existing entry, with the
            // right version, so only permission can refuse it.
            let id = existing_evidence(&app, &board, org).await;
            let version = evidence_version(&app, &id).await.to_string();
            let reply = app
                .post_form("/api/evidence/save", Some(browser), &evidence_fields(&browser.csrf, &id, &version, org))
                .await;
            expect(who, may_edit_for(who, org), &reply, &format!("edit {org:?}'s evidence"));
            // ... even when the form claims another organisation.
            let forged_org = if matches!(org, Org::Slam) { Org::Oxleas } else { Org::Slam };
            let version = evidence_version(&app, &id).await.to_string();
            let reply = app
                .post_form(
                    "/api/evidence/save",
                    Some(browser),
                    &evidence_fields(&browser.csrf, &id, &version, forged_org),
                )
                .await;
            expect(who, may_edit_for(who, org), &reply, &format!("edit {org:?}'s evidence with a forged organisation"));

            // readings/import: a partner figure for the organisation.
            let csv = format!("metric,ics,period,value,partner\nm_liaison_1h,SEL,2023-24-Q1,80,{}\n", org.id());
            let reply =
                app.post_form("/api/readings/import", Some(browser), &[("csrf", &browser.csrf), ("csv", &csv)]).await;
            expect(who, may_edit_for(who, org), &reply, &format!("import {org:?}'s readings"));

            // figures/save: the organisation's period form.
            let fields = [
                ("csrf", browser.csrf.as_str()),
                ("organisation", org.id()),
                ("period", "2023-24-Q3"),
                ("values[SEL-m_liaison_1h-2023-24-Q3]", "77"),
            ];
            let reply = app.post_form("/api/figures/save", Some(browser), &fields).await;
            expect(who, may_edit_for(who, org), &reply, &format!("save {org:?}'s figures"));
        }

        // readings/import: the ICS-level figure (ICS lead, ICB members, board).
        let csv = "metric,ics,period,value\nm_liaison_1h,SEL,2023-24-Q2,81\n";
        let reply =
            app.post_form("/api/readings/import", Some(browser), &[("csrf", &browser.csrf), ("csv", csv)]).await;
        let ics_level = matches!(who, Who::Board | Who::SelLead);
        // Partner editors' rows without a partner become their own organisation's.
        let as_own = matches!(who, Who::Slam | Who::Oxleas);
        expect(who, ics_level || as_own, &reply, "import an ICS-level reading");

        // tokens: every signed-in user manages their own tokens; admins may revoke anyone's.
        let reply =
            app.post_form("/api/tokens/create", Some(browser), &[("csrf", &browser.csrf), ("name", "matrix")]).await;
        expect(who, signed_in, &reply, "create a token");
        let board_token: String = sqlx::query_scalar(
            "SELECT t.id FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.email = 'board@demo.test' AND t.revoked_at IS NULL ORDER BY t.created_at LIMIT 1",
        )
        .fetch_one(&app.pool)
        .await
        .expect("board token");
        if who != Who::Board {
            let reply = app
                .post_form("/api/tokens/revoke", Some(browser), &[("csrf", &browser.csrf), ("id", &board_token)])
                .await;
            // Admins may revoke anyone's token; others only find their own.
            assert_eq!(reply.status.is_success(), who == Who::Admin, "{who:?} and the board's token: {}", reply.body);
        }

        // users/create: admins only.
        let email = format!("new.{}@demo.test", format!("{who:?}").to_lowercase());
        let fields = new_account_fields(&browser.csrf, &email, "viewer", Org::Slam.id());
        let reply = app.post_form("/api/users/create", Some(browser), &fields).await;
        expect(who, who == Who::Admin, &reply, "create a user");

        // The account lifecycle: admins only, on another account.
        for (path, what) in [
            ("/api/users/deactivate", "deactivate an account"),
            ("/api/users/reactivate", "reactivate an account"),
            ("/api/users/password-link", "issue a set-password link"),
        ] {
            let reply = app.post_form(path, Some(browser), &[("csrf", &browser.csrf), ("id", &target)]).await;
            expect(who, who == Who::Admin, &reply, what);
        }
        let reply = app.post_form("/api/users/list", Some(browser), &[]).await;
        expect(who, who == Who::Admin, &reply, "list accounts");

        // organisations/save: admins and board reviewers, editing the current version.
        let version: i64 = sqlx::query_scalar("SELECT version FROM organisation WHERE id = 'thrive-ldn'")
            .fetch_one(&app.pool)
            .await
            .expect("version");
        let version = version.to_string();
        let short_name = format!("Thrive {who:?}");
        let reply = app
            .post_form(
                "/api/organisations/save",
                Some(browser),
                &[
                    ("csrf", &browser.csrf),
                    ("id", "thrive-ldn"),
                    ("version", &version),
                    ("name", "Thrive LDN"),
                    ("short_name", &short_name),
                    ("kind", "board"),
                    ("ics", "ALL"),
                    ("also_serves", ""),
                    ("ods", ""),
                    ("ons", ""),
                    ("started_on", ""),
                    ("retired_on", ""),
                    ("successor_id", ""),
                ],
            )
            .await;
        expect(who, matches!(who, Who::Admin | Who::Board), &reply, "edit an organisation");

        // signup/record and signup/withdraw: board reviewers only.
        let reply = app
            .post_form(
                "/api/signup/record",
                Some(browser),
                &[
                    ("csrf", &browser.csrf),
                    ("organisation_id", Org::Oxleas.id()),
                    ("signed_on", "2023-07-19"),
                    ("signatory_name", "A Person"),
                    ("signatory_role", "Chief Executive"),
                    ("icss", ""),
                ],
            )
            .await;
        expect(who, who == Who::Board, &reply, "record a signature");
        let reply = app
            .post_form(
                "/api/signup/withdraw",
                Some(browser),
                &[("csrf", &browser.csrf), ("organisation_id", Org::Oxleas.id())],
            )
            .await;
        expect(who, who == Who::Board, &reply, "withdraw a signature");
        let reply = app.post_form("/api/users/get", Some(browser), &[("id", &target)]).await;
        expect(who, who == Who::Admin, &reply, "read an account");

        // metrics/update: board reviewers only.
        let version: i64 = sqlx::query_scalar("SELECT version FROM metric WHERE id = 'm_liaison_1h'")
            .fetch_one(&app.pool)
            .await
            .expect("version");
        let version = version.to_string();
        let reply = app
            .post_form(
                "/api/metrics/update",
                Some(browser),
                &[
                    ("csrf", &browser.csrf),
                    ("id", "m_liaison_1h"),
                    ("version", &version),
                    ("target", "85"),
                    ("amber", "75"),
                ],
            )
            .await;
        expect(who, who == Who::Board, &reply, "edit the metric catalogue");

        // metrics/create and metrics/ics-target: board reviewers only.
        let new_id = format!("m_matrix_{}", format!("{who:?}").to_lowercase());
        let reply = app
            .post_form(
                "/api/metrics/create",
                Some(browser),
                &[
                    ("csrf", &browser.csrf),
                    ("id", &new_id),
                    ("name", "Matrix metric"),
                    ("commitment_id", "P3.C2"),
                    ("kind", "percent"),
                    ("unit", ""),
                    ("direction", "higher"),
                    ("target", "90"),
                    ("amber", "80"),
                ],
            )
            .await;
        expect(who, who == Who::Board, &reply, "add a metric");
        let reply = app
            .post_form(
                "/api/metrics/ics-target",
                Some(browser),
                &[
                    ("csrf", &browser.csrf),
                    ("metric_id", "m_liaison_1h"),
                    ("ics", "SEL"),
                    ("target", "80"),
                    ("amber", "70"),
                ],
            )
            .await;
        expect(who, who == Who::Board, &reply, "set an ICS's own target");

        // metrics/rebase and metrics/rebase/remove: board reviewers only (the
        // board adds a rebase and takes it away again).
        let rebase = [
            ("csrf", browser.csrf.as_str()),
            ("metric_id", "m_liaison_1h"),
            ("ics", "SEL"),
            ("period", "2023-24-Q2"),
            ("reason", "Matrix test"),
        ];
        let reply = app.post_form("/api/metrics/rebase", Some(browser), &rebase).await;
        expect(who, who == Who::Board, &reply, "rebase an SPC chart");
        let reply = app.post_form("/api/metrics/rebase/remove", Some(browser), &rebase[..4]).await;
        expect(who, who == Who::Board, &reply, "remove a rebase");

        // metrics/reporters: board reviewers only.
        let version: i64 = sqlx::query_scalar("SELECT version FROM metric WHERE id = 'm_s136_detentions'")
            .fetch_one(&app.pool)
            .await
            .expect("version");
        let version = version.to_string();
        let fields = [
            ("csrf", browser.csrf.as_str()),
            ("id", "m_s136_detentions"),
            ("version", version.as_str()),
            ("reported_by[_]", ""),
            ("reported_by[police]", "on"),
        ];
        let reply = app.post_form("/api/metrics/reporters", Some(browser), &fields).await;
        expect(who, who == Who::Board, &reply, "say who reports a metric");

        // status/override: board reviewers only.
        let reply = app
            .post_form(
                "/api/status/override",
                Some(browser),
                &[
                    ("csrf", &browser.csrf),
                    ("ics", "SEL"),
                    ("commitment_id", "P3.C2"),
                    ("period", "2023-24-Q1"),
                    ("rag", "green"),
                    ("rationale", "Matrix test"),
                    ("expires_after", "2023-24-Q1"),
                ],
            )
            .await;
        expect(who, who == Who::Board, &reply, "override a status");
    }

    // The API, with a token for each signed-in role.
    for (who, _) in &browsers {
        let who = *who;
        let token = match who.email() {
            Some(email) => {
                let browser = app.sign_in(email).await;
                let reply = app
                    .post_form("/api/tokens/create", Some(&browser), &[("csrf", &browser.csrf), ("name", "api")])
                    .await;
                Some(reply.json()["secret"].as_str().expect("secret").to_string())
            }
            None => None,
        };
        for org in [Org::Slam, Org::Oxleas] {
            let body = format!(
                r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q3","value":77,"partner":"{}"}}]"#,
                org.id()
            );
            let reply = app.post_api("/api/v1/readings", token.as_deref(), "application/json", &body).await;
            expect(who, may_edit_for(who, org), &reply, &format!("post {org:?}'s readings to the API"));
        }
        // POST /api/v1/submissions: only Oxleas's own editors submit its return; the
        // board and the SEL lead decide it once it is submitted (by then it is).
        let submit = r#"{"organisation":"oxleas-nhs-foundation-trust","period":"2024-25-Q3","action":"submit"}"#;
        let reply = app.post_api("/api/v1/submissions", token.as_deref(), "application/json", submit).await;
        expect(who, who == Who::Oxleas, &reply, "submit Oxleas's return through the API");
        let query =
            r#"{"organisation":"oxleas-nhs-foundation-trust","period":"2024-25-Q3","action":"query","note":"Why?"}"#;
        let reply = app.post_api("/api/v1/submissions", token.as_deref(), "application/json", query).await;
        let may_decide = matches!(who, Who::Board | Who::SelLead);
        if may_decide {
            assert!(
                reply.status == StatusCode::OK || reply.status == StatusCode::CONFLICT,
                "{who:?} may decide Oxleas's return (409 only while it is not submitted or already queried): {}",
                reply.body
            );
        } else {
            expect(who, false, &reply, "query Oxleas's return through the API");
        }
    }
}

/// An account for the lifecycle rows to act on, so that switching it off and on
/// leaves the roles under test signed in.
async fn matrix_target_account(app: &TestApp) -> String {
    let admin = app.sign_in("admin@demo.test").await;
    let fields = new_account_fields(&admin.csrf, "matrix.target@demo.test", "viewer", Org::Slam.id());
    let reply = app.post_form("/api/users/create", Some(&admin), &fields).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["user_id"].as_str().expect("user id").to_string()
}

async fn forms_need_their_csrf_token(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let forged = Browser { cookie: slam.cookie.clone(), csrf: "guessed".into() };
    let reply =
        app.post_form("/api/evidence/save", Some(&forged), &evidence_fields("guessed", "", "0", Org::Slam)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);

    // A request started by another site is refused before it reaches a handler.
    let request = axum::http::Request::post("/api/evidence/save")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &slam.cookie)
        .header("origin", "https://evil.example")
        .header("host", "tracker.example")
        .body(axum::body::Body::from("csrf=x"))
        .expect("request");
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
}
