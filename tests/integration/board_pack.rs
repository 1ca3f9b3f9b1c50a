//! The board pack: exceptions, outstanding returns and sign-up gaps from the
//! live data, and a frozen pack that later changes never alter.

use crate::app_tests;
use crate::support::TestApp;
use axum::http::StatusCode;

app_tests! {
    the_pack_shows_exceptions_and_a_frozen_pack_never_changes => the_pack_shows_exceptions_and_a_frozen_pack_never_changes;
}

const PERIOD: &str = "2024-25-Q1";

async fn reading(app: &TestApp, value: f64) {
    let body = format!(r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"{PERIOD}","value":{value}}}]"#);
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

async fn live(app: &TestApp) -> serde_json::Value {
    let reply = app.post_form("/api/board-pack/live", None, &[("period", PERIOD)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["pack"].clone()
}

async fn the_pack_shows_exceptions_and_a_frozen_pack_never_changes(app: TestApp) {
    reading(&app, 50.0).await;
    // SLaM's own figure, so that SEL P3.C2 rests on SLaM's return.
    let body = format!(r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"{PERIOD}","value":52}}]"#);
    let own = app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", &body).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let submitted = app
        .post_api(
            "/api/v1/submissions",
            Some("demo-token-slam"),
            "application/json",
            &format!(r#"{{"period":"{PERIOD}","action":"submit"}}"#),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);

    let pack = live(&app).await;
    let exceptions = pack["exceptions"].as_array().expect("exceptions");
    let red = exceptions
        .iter()
        .find(|e| e["ics"] == "SEL" && e["commitment_id"] == "P3.C2")
        .expect("SEL P3.C2 is an exception");
    assert_eq!(red["rag"], "red");
    let reasons = red["reasons"].as_array().expect("reasons");
    assert!(!reasons.is_empty() && reasons.len() <= 4, "the worst three and how many more: {reasons:?}");
    let outstanding = pack["outstanding"].as_array().expect("outstanding");
    let slam = outstanding
        .iter()
        .find(|s| s["organisation_id"] == "south-london-and-maudsley-nhs-foundation-trust")
        .expect("SLaM");
    assert_eq!(slam["state"], "submitted", "submitted but not accepted");
    assert_eq!(pack["signup"].as_array().expect("sign-up").len(), 5);
    for trend in pack["trends"].as_array().expect("trends") {
        // Up to the pack's own period (what was known of it), at most two years:
        // here the five quarters since the concordat began.
        let periods = trend["periods"].as_array().expect("periods");
        assert_eq!(periods.len(), 5, "from 2023-24-Q1 to the pack's period: {periods:?}");
        assert_eq!(periods.last().and_then(|p| p.as_str()), Some(PERIOD), "ending at the pack's period");
        for (_, values) in trend["series"].as_array().expect("series").iter().map(|s| (&s[0], &s[1])) {
            assert_eq!(values.as_array().expect("values").len(), 5);
        }
    }
    assert!(!pack.to_string().contains("@demo.test"), "a board paper names organisations, not people");

    let page = app.get(&format!("/board-pack?period={PERIOD}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for heading in [
        "1. Summary",
        "2. The London matrix",
        "3. Exceptions",
        "4. Overrides in force",
        "5. Returns not received",
        "6. Decisions on returns",
        "7. Concordat sign-up gaps",
        "8. Key metrics",
    ] {
        assert!(page.body.contains(heading), "{heading}");
    }
    assert_eq!(app.get("/board-pack?period=2099-00-Q1").await.status, StatusCode::BAD_REQUEST);
    // The matrix marks how far each cell's returns are accepted, as /status does.
    let submitted_label = sel_p3c2_label(&page.body);
    assert!(submitted_label.contains("returns it rests on accepted"), "{submitted_label}");
    assert!(page.body.contains("class=\"review-mark\""), "a ✓ or ○ beside the words");

    // Freezing: board reviewers only, with a real meeting date.
    let slam_browser = app.sign_in("slam@demo.test").await;
    let fields = |csrf: &str, date: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("period".into(), PERIOD.into()),
            ("meeting_date".into(), date.to_string()),
        ]
    };
    let refused = app
        .post_form("/api/board-pack/freeze", Some(&slam_browser), &borrow(&fields(&slam_browser.csrf, "2024-09-01")))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let board = app.sign_in("board@demo.test").await;
    let bad = app.post_form("/api/board-pack/freeze", Some(&board), &borrow(&fields(&board.csrf, "September"))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let frozen =
        app.post_form("/api/board-pack/freeze", Some(&board), &borrow(&fields(&board.csrf, "2024-09-01"))).await;
    assert!(frozen.status.is_success() || frozen.status.is_redirection(), "{}: {}", frozen.status, frozen.body);
    let id: String =
        sqlx::query_scalar("SELECT id FROM board_pack_snapshot").fetch_one(&app.pool).await.expect("one frozen pack");

    let read_frozen = || async {
        let reply = app.post_form("/api/board-pack/frozen", None, &[("id", id.as_str())]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()
    };
    let before = read_frozen().await;
    assert_eq!(before["snapshot"]["meeting_date"], "2024-09-01");
    assert_eq!(before["pack"]["exceptions"], pack["exceptions"]);

    // Later: the figure recovers and the return is accepted. The live pack moves on; the frozen one does not.
    reading(&app, 95.0).await;
    let accepted = app
        .post_api("/api/v1/submissions", Some("demo-token-board"), "application/json", &format!(r#"{{"organisation":"south-london-and-maudsley-nhs-foundation-trust","period":"{PERIOD}","action":"accept"}}"#))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let now = live(&app).await;
    assert_ne!(now["exceptions"], pack["exceptions"], "the live pack reflects the new figure");
    let after = read_frozen().await;
    assert_eq!(after["pack"], before["pack"], "the frozen pack is exactly as frozen");
    let live_page = app.get(&format!("/board-pack?period={PERIOD}")).await;
    assert_ne!(sel_p3c2_label(&live_page.body), submitted_label, "the live matrix counts the acceptance");
    let frozen_page = app.get(&format!("/board-packs/{id}")).await;
    assert_eq!(sel_p3c2_label(&frozen_page.body), submitted_label, "the frozen matrix keeps its marks");

    let listed = app.get("/board-packs").await;
    assert!(listed.body.contains("2024-09-01") && !listed.body.contains("@demo.test"));
    assert_eq!(app.get(&format!("/board-packs/{id}")).await.status, StatusCode::OK);
    assert_eq!(app.get("/board-packs/no-such-pack").await.status, StatusCode::NOT_FOUND);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'board_pack'")
        .fetch_one(&app.pool)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
}

/// The matrix cell SEL × P3.C2's label: its status and how far its returns are accepted.
fn sel_p3c2_label(page: &str) -> String {
    let start = page.find("aria-label=\"SEL P3.C2: ").expect("the SEL P3.C2 cell");
    page[start..].split('"').nth(1).unwrap_or_default().to_string()
}

fn borrow(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

app_tests! {
    the_registers_export_as_csv => the_registers_export_as_csv;
}

async fn the_registers_export_as_csv(app: TestApp) {
    reading(&app, 50.0).await;
    let status = app.get(&format!("/status.csv?period={PERIOD}")).await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(status
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv")));
    let mut lines = status.body.lines();
    assert_eq!(
        lines.next(),
        Some("period,ics,principle,commitment,rag,computed_rag,delivery,outcome,mismatch,override_rationale,reasons")
    );
    assert_eq!(status.body.lines().count(), 1 + 5 * 14, "one row per ICS and commitment");
    assert!(status.body.lines().any(|l| l.starts_with(&format!("{PERIOD},SEL,P3,P3.C2,red,"))), "{}", status.body);

    let returns = app.get(&format!("/submissions.csv?period={PERIOD}&ics=SEL")).await;
    assert_eq!(returns.status, StatusCode::OK);
    assert!(returns.body.starts_with("organisation,organisation_name,ics,period,state,due,overdue,"));
    assert!(returns.body.contains("south-london-and-maudsley-nhs-foundation-trust,South London and Maudsley NHS Foundation Trust,SEL,2024-25-Q1,draft,"));

    let signup = app.get("/sign-up.csv").await;
    assert_eq!(signup.status, StatusCode::OK);
    assert_eq!(signup.body.lines().count(), 1 + 85);
    assert!(signup.body.starts_with("organisation,name,kind,icss,retired,signed_on,signatory_role,signed_for"));

    assert_eq!(app.get("/status.csv?period=2099-00-Q1").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/submissions.csv?period=2024-25-Q1&ics=XYZ").await.status, StatusCode::NOT_FOUND);
}
