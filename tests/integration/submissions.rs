//! Submissions and their review: every state against every step, who may take
//! each step for which organisation, and the API, queue and pages that show them.

use crate::app_tests;
use crate::support::{Reply, TestApp};
use axum::http::StatusCode;

app_tests! {
    every_step_is_checked_against_the_state => every_step_is_checked_against_the_state;
    reviewers_decide_only_within_their_scope => reviewers_decide_only_within_their_scope;
    the_queue_review_page_and_my_page_show_returns => the_queue_review_page_and_my_page_show_returns;
    a_change_after_acceptance_opens_a_new_version => a_change_after_acceptance_opens_a_new_version;
    an_acceptance_racing_a_change_never_keeps_stale_content => an_acceptance_racing_a_change_never_keeps_stale_content;
    nobody_decides_on_their_own_return => nobody_decides_on_their_own_return;
}

const PERIOD: &str = "2024-25-Q1";
const SLAM: &str = "south-london-and-maudsley-nhs-foundation-trust";

async fn step(app: &TestApp, token: &str, body: serde_json::Value) -> Reply {
    app.post_api("/api/v1/submissions", Some(token), "application/json", &body.to_string()).await
}

async fn partner(app: &TestApp, action: &str, note: &str) -> Reply {
    step(app, "demo-token-slam", serde_json::json!({ "period": PERIOD, "action": action, "note": note })).await
}

async fn board(app: &TestApp, action: &str, note: &str) -> Reply {
    step(
        app,
        "demo-token-board",
        serde_json::json!({ "organisation": SLAM, "period": PERIOD, "action": action, "note": note }),
    )
    .await
}

fn expect(reply: Reply, status: StatusCode, state: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.body);
    if let Some(state) = state {
        assert_eq!(reply.json()["state"], state, "{}", reply.body);
    }
}

async fn every_step_is_checked_against_the_state(app: TestApp) {
    use StatusCode as S;
    // Draft: only the partner's submit.
    expect(board(&app, "accept", "").await, S::CONFLICT, None);
    expect(partner(&app, "answer", "nothing asked").await, S::CONFLICT, None);
    expect(partner(&app, "submit", "All four quarters' figures are in.").await, S::OK, Some("submitted"));
    // Submitted: only a reviewer's decision.
    expect(partner(&app, "submit", "").await, S::CONFLICT, None);
    expect(partner(&app, "accept", "").await, S::FORBIDDEN, None);
    expect(board(&app, "query", "  ").await, S::BAD_REQUEST, None);
    expect(board(&app, "query", "Where is the s136 figure?").await, S::OK, Some("queried"));
    // Queried: only the partner's answer, which needs a note.
    expect(partner(&app, "submit", "").await, S::CONFLICT, None);
    expect(board(&app, "accept", "").await, S::CONFLICT, None);
    expect(partner(&app, "answer", "").await, S::BAD_REQUEST, None);
    expect(partner(&app, "answer", "Added it under P2.C3.").await, S::OK, Some("submitted"));
    expect(board(&app, "return", "The s136 figure is for the wrong quarter.").await, S::OK, Some("returned"));
    // Returned: corrected and submitted again.
    expect(partner(&app, "answer", "fixed").await, S::CONFLICT, None);
    expect(partner(&app, "submit", "Corrected.").await, S::OK, Some("submitted"));
    let accepted = board(&app, "accept", "").await;
    assert_eq!(accepted.status, S::OK, "{}", accepted.body);
    let accepted = accepted.json();
    assert_eq!(accepted["state"], "accepted");
    assert!(accepted["decided_at"].is_string() && accepted["submitted_at"].is_string());
    for action in ["submit", "answer"] {
        expect(partner(&app, action, "again").await, S::CONFLICT, None);
    }
    for action in ["accept", "query", "return"] {
        let refused = board(&app, action, "again").await;
        assert_eq!(refused.status, S::CONFLICT);
        assert!(refused.body.contains("has been accepted"), "{}", refused.body);
    }

    let listed = app.get(&format!("/api/v1/submissions?period={PERIOD}&ics=SEL")).await;
    assert_eq!(listed.status, S::OK, "{}", listed.body);
    let listed = listed.json();
    let slam = listed.as_array().expect("list").iter().find(|s| s["organisation"] == SLAM).expect("SLaM").clone();
    assert_eq!(slam["state"], "accepted");
    assert_eq!(slam["version"], 1);
    let history = slam["history"].as_array().expect("history");
    let states: Vec<&str> = history.iter().map(|h| h["state"].as_str().unwrap_or_default()).collect();
    assert_eq!(states, ["submitted", "queried", "submitted", "returned", "submitted", "accepted"]);
    assert_eq!(history[1]["note"], "Where is the s136 figure?");
    assert_eq!(history[1]["by_organisation"], "London UEC Mental Health Recovery Board");
    assert_eq!(history[0]["by_organisation"], "South London and Maudsley NHS Foundation Trust");
    assert!(!listed.to_string().contains("@demo.test"), "the public API names organisations, not people");
    let oxleas = listed.as_array().expect("list").iter().find(|s| s["organisation"] == "oxleas-nhs-foundation-trust");
    let oxleas = oxleas.expect("every partner serving SEL is listed");
    assert_eq!((oxleas["state"].as_str(), oxleas["overdue"].as_bool()), (Some("draft"), Some(true)));
    assert!(!listed
        .as_array()
        .expect("list")
        .iter()
        .any(|s| s["organisation"] == "london-uec-mental-health-recovery-board"));

    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'submission' AND entity_id = $1")
            .bind(format!("{SLAM}/{PERIOD}"))
            .fetch_one(&app.pool)
            .await
            .expect("audit");
    assert_eq!(audited, 6, "every step taken is audited, none refused");
}

async fn reviewers_decide_only_within_their_scope(app: TestApp) {
    use StatusCode as S;
    let lead = app.sign_in("sel.lead@demo.test").await;
    let take = |organisation: &'static str, action: &'static str, note: &'static str| {
        let lead = lead.clone();
        let app = &app;
        async move {
            app.post_form(
                "/api/submissions/step",
                Some(&lead),
                &[
                    ("csrf", &lead.csrf),
                    ("organisation", organisation),
                    ("period", PERIOD),
                    ("action", action),
                    ("note", note),
                ],
            )
            .await
        }
    };
    // Oxleas cannot submit for SLaM; SLaM submits its own.
    let oxleas = step(
        &app,
        "demo-token-slam",
        serde_json::json!({ "organisation": "oxleas-nhs-foundation-trust", "period": PERIOD, "action": "submit" }),
    )
    .await;
    assert_eq!(oxleas.status, S::FORBIDDEN, "{}", oxleas.body);
    expect(partner(&app, "submit", "").await, S::OK, Some("submitted"));
    // The SEL lead decides for SEL, not for NCL or a London-wide organisation.
    assert_eq!(take("north-london-nhs-foundation-trust", "accept", "").await.status, S::FORBIDDEN);
    assert_eq!(take("london-ambulance-service-nhs-trust", "accept", "").await.status, S::FORBIDDEN);
    let decided = take(SLAM, "accept", "").await;
    assert_eq!(decided.status, S::OK, "{}", decided.body);
    // The SEL ICB's own return is submitted by its ICS lead.
    assert_eq!(take("nhs-south-east-london-icb", "submit", "").await.status, S::OK);
    // The board decides London-wide organisations' returns.
    let las = step(&app, "demo-token-board", serde_json::json!({ "organisation": "london-ambulance-service-nhs-trust", "period": PERIOD, "action": "accept" })).await;
    assert_eq!(las.status, S::CONFLICT, "allowed, but it has not been submitted: {}", las.body);

    // Bad input is a 400; an unknown organisation a 404; no token a 401.
    for body in [
        serde_json::json!({ "period": "2024-25-Q9", "action": "submit" }),
        serde_json::json!({ "period": "2099-00-Q1", "action": "submit" }),
        serde_json::json!({ "period": PERIOD, "action": "approve" }),
        serde_json::json!({ "period": PERIOD, "action": "submit", "extra": 1 }),
    ] {
        assert_eq!(step(&app, "demo-token-slam", body.clone()).await.status, S::BAD_REQUEST, "{body}");
    }
    let future = crate::support::future_period();
    assert_eq!(
        step(&app, "demo-token-slam", serde_json::json!({ "period": future, "action": "submit" })).await.status,
        S::BAD_REQUEST
    );
    assert_eq!(
        app.post_api("/api/v1/submissions", Some("demo-token-slam"), "application/json", "{not json").await.status,
        S::BAD_REQUEST
    );
    let unknown = step(
        &app,
        "demo-token-board",
        serde_json::json!({ "organisation": "nobody", "period": PERIOD, "action": "accept" }),
    )
    .await;
    assert_eq!(unknown.status, S::NOT_FOUND);
    assert_eq!(app.post_api("/api/v1/submissions", None, "application/json", "{}").await.status, S::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/submissions").await.status, S::BAD_REQUEST, "the period is required");
    assert_eq!(app.get(&format!("/api/v1/submissions?period={PERIOD}&ics=XYZ")).await.status, S::NOT_FOUND);
}

async fn the_queue_review_page_and_my_page_show_returns(app: TestApp) {
    expect(partner(&app, "submit", "").await, StatusCode::OK, Some("submitted"));
    expect(board(&app, "query", "Please add the HBPoS figure.").await, StatusCode::OK, Some("queried"));

    let board_browser = app.sign_in("board@demo.test").await;
    let queue = app.get_as(&format!("/review?period={PERIOD}&ics=SEL&state=queried"), &board_browser).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("South London and Maudsley") && !queue.body.contains("Oxleas NHS"), "filtered");
    let overdue = app.get_as(&format!("/review?period={PERIOD}&ics=SEL&overdue=1"), &board_browser).await;
    assert!(overdue.body.contains("Oxleas NHS") && overdue.body.contains("Overdue"));
    let slam = app.sign_in("slam@demo.test").await;
    assert_eq!(app.get_as("/review", &slam).await.status, StatusCode::FORBIDDEN, "partners do not see the queue");

    let page = app.get_as(&format!("/review/{SLAM}/{PERIOD}"), &slam).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Please add the HBPoS figure.") && page.body.contains("Send the answer"),
        "{}",
        page.body
    );
    let public = app.get(&format!("/review/{SLAM}/{PERIOD}")).await;
    assert!(!public.body.contains("@demo.test") && !public.body.contains("Send the answer"));
    assert_eq!(app.get(&format!("/review/nobody/{PERIOD}")).await.status, StatusCode::NOT_FOUND);
    let me = app.get_as("/me", &slam).await;
    assert!(me.body.contains("Your returns") && me.body.contains("Not submitted"), "{}", me.body);
}

async fn slam_reading(app: &TestApp, value: f64) -> Reply {
    let body = format!(r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"{PERIOD}","value":{value}}}]"#);
    app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", &body).await
}

async fn review(app: &TestApp, version: &str) -> Reply {
    app.post_form("/api/submissions/get", None, &[("organisation", SLAM), ("period", PERIOD), ("version", version)])
        .await
}

async fn a_change_after_acceptance_opens_a_new_version(app: TestApp) {
    assert_eq!(slam_reading(&app, 80.0).await.status, StatusCode::OK);
    expect(partner(&app, "submit", "").await, StatusCode::OK, Some("submitted"));
    expect(board(&app, "accept", "").await, StatusCode::OK, Some("accepted"));

    let cell = format!("/status/SEL/P3.C2?period={PERIOD}");
    let page = app.get(&cell).await;
    assert!(page.body.contains("Accepted: every return it rests on (1) has been accepted."), "{}", page.body);
    let matrix = format!("/status?period={PERIOD}");
    assert!(app.get(&matrix).await.body.contains("1 of 1 returns it rests on accepted"), "the matrix cell says so too");
    // The same value again changes nothing, so the acceptance stands.
    assert_eq!(slam_reading(&app, 80.0).await.status, StatusCode::OK);
    assert_eq!(review(&app, "").await.json()["submission"]["state"], "accepted");

    // A new value reopens the return as version 2, for review again.
    assert_eq!(slam_reading(&app, 70.0).await.status, StatusCode::OK);
    let live = review(&app, "").await.json();
    assert_eq!(live["submission"]["state"], "draft");
    assert_eq!(live["submission"]["version"], 2);
    assert_eq!(live["readings"][0]["value"], "70");
    assert_eq!(live["accepted_versions"][0][0], 1);
    let page = app.get(&cell).await;
    assert!(
        page.body.contains("Not yet accepted: 0 of the 1 returns it rests on accepted so far."),
        "the status cell says so"
    );
    // Version 1 reads exactly as it was accepted.
    let accepted = review(&app, "1").await.json();
    assert_eq!(accepted["readings"][0]["value"], "80");
    assert_eq!(accepted["showing_version"], 1);
    assert_eq!(review(&app, "7").await.status, StatusCode::NOT_FOUND);
    assert_eq!(review(&app, "one").await.status, StatusCode::BAD_REQUEST);

    // The new version goes round the loop again.
    expect(partner(&app, "submit", "Corrected figure.").await, StatusCode::OK, Some("submitted"));
    expect(board(&app, "accept", "").await, StatusCode::OK, Some("accepted"));
    assert_eq!(review(&app, "").await.json()["accepted_versions"].as_array().map(Vec::len), Some(2));
    let reopened: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'submission' AND after_json LIKE '%changed%'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("audit");
    assert_eq!(reopened, 1, "the reopening is audited with what changed");
}

/// An acceptance and a change to the return landing at the same moment: either
/// the change is in what was accepted, or the return reopened for it. Never an
/// accepted return whose kept content lacks a committed change.
async fn an_acceptance_racing_a_change_never_keeps_stale_content(app: TestApp) {
    for round in 0..12 {
        // Each round's values differ from the last, so every write is a change.
        let before = 60.0 + f64::from(round);
        assert_eq!(slam_reading(&app, before).await.status, StatusCode::OK);
        expect(partner(&app, "submit", "").await, StatusCode::OK, Some("submitted"));
        let after = before + 0.5;
        let (accepted, changed) = tokio::join!(board(&app, "accept", ""), slam_reading(&app, after));
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let live = review(&app, "").await.json();
        let state = live["submission"]["state"].as_str().unwrap_or_default().to_string();
        if state == "accepted" {
            let version = live["submission"]["version"].to_string();
            let kept = review(&app, &version).await.json();
            assert_eq!(
                kept["readings"][0]["value"],
                concordat_tracker::domain::metric::format_value(after),
                "round {round}: accepted without the change that committed"
            );
        } else {
            assert_eq!(state, "draft", "round {round}: {live}");
        }
        // The next round's first reading reopens an accepted return again.
    }
}

async fn nobody_decides_on_their_own_return(app: TestApp) {
    const ICB: &str = "nhs-south-east-london-icb";
    let lead = app.sign_in("sel.lead@demo.test").await;
    let take = |organisation: &'static str, action: &'static str, note: &'static str| {
        let (app, lead) = (&app, lead.clone());
        async move {
            app.post_form(
                "/api/submissions/step",
                Some(&lead),
                &[
                    ("csrf", &lead.csrf),
                    ("organisation", organisation),
                    ("period", PERIOD),
                    ("action", action),
                    ("note", note),
                ],
            )
            .await
        }
    };
    // The SEL lead submits the ICB's own return, and may not then decide on it.
    expect(take(ICB, "submit", "The ICB's return.").await, StatusCode::OK, Some("submitted"));
    for (action, note) in [("accept", ""), ("query", "Anything?"), ("return", "Again.")] {
        let own = take(ICB, action, note).await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{action}: {}", own.body);
        assert!(own.body.contains("own organisation"), "{}", own.body);
    }
    let page = app.get_as(&format!("/review/{ICB}/{PERIOD}"), &lead).await;
    assert!(!page.body.contains("value=\"accept\""), "no decision buttons on one's own return");

    // The board decides it, and the board pack says who decided.
    expect(
        step(
            &app,
            "demo-token-board",
            serde_json::json!({ "organisation": ICB, "period": PERIOD, "action": "accept" }),
        )
        .await,
        StatusCode::OK,
        Some("accepted"),
    );
    // A return SLaM submitted, the SEL lead decides: another organisation's.
    expect(partner(&app, "submit", "Ours.").await, StatusCode::OK, Some("submitted"));
    expect(take(SLAM, "accept", "").await, StatusCode::OK, Some("accepted"));
    let pack = app.get(&format!("/board-pack?period={PERIOD}")).await;
    assert_eq!(pack.status, StatusCode::OK);
    assert!(pack.body.contains("Decisions on returns"), "the pack lists decisions");
    assert!(pack.body.contains("Decided by"));
    assert!(!pack.body.contains("sel.lead@demo.test"), "organisations, never people");
}
