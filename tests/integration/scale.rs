//! Issue 14: pages stay bounded as the years of data grow, and what is cached
//! until the next write is never served after one, whichever instance wrote.

use crate::app_tests;
use crate::support::TestApp;
use axum::http::StatusCode;

app_tests! {
    a_write_on_another_instance_is_seen_at_once => a_write_on_another_instance_is_seen_at_once;
    the_matrix_ships_statuses_not_reasons => the_matrix_ships_statuses_not_reasons;
    a_commitments_evidence_comes_a_page_at_a_time => a_commitments_evidence_comes_a_page_at_a_time;
}

fn sel_cell_rag(status: &serde_json::Value) -> String {
    status["icss"][0]["principles"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["commitments"].as_array().into_iter().flatten())
        .find(|c| c["id"] == "P3.C2")
        .map(|c| c["rag"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Instance A judges and keeps a period's status; a reading written through
/// instance B must change what A serves next, with no restart or wait.
async fn a_write_on_another_instance_is_seen_at_once(a: TestApp) {
    let b = a.second_instance().await;
    let reading =
        |value: u32| format!(r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":{value}}}]"#);
    let status = "/api/v1/status?period=2023-24-Q1&ics=SEL";
    for (value, expected) in [(70, "red"), (90, "green"), (80, "amber")] {
        let reply = b.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &reading(value)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        // Twice from A: the second answer comes from its cache.
        for _ in 0..2 {
            assert_eq!(sel_cell_rag(&a.get(status).await.json()), expected, "after {value} was written on B");
        }
        let page = a.get("/status?period=2023-24-Q1").await;
        assert!(page.body.contains(&format!("SEL P3.C2: {}", capitalised(expected))), "the matrix page too");
    }
}

fn capitalised(rag: &str) -> String {
    let mut chars = rag.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A cell's reasons (which grow with its evidence) are on the cell's page, not
/// in the matrix page or its hydration data.
async fn the_matrix_ships_statuses_not_reasons(app: TestApp) {
    let cell = app.get("/status/SEL/P2.C3?period=2023-24-Q1").await;
    assert_eq!(cell.status, StatusCode::OK);
    assert!(cell.body.contains("Expansion of S136"), "the cell's page gives the evidence as a reason");
    let matrix = app.get("/status?period=2023-24-Q1").await;
    assert_eq!(matrix.status, StatusCode::OK);
    assert!(matrix.body.contains("SEL P2.C3:"), "the cell is in the matrix");
    assert!(!matrix.body.contains("Expansion of S136"), "but not its reasons");
    let pack = app.get("/board-pack?period=2023-24-Q1").await;
    assert_eq!(pack.status, StatusCode::OK);
    assert!(pack.body.contains("The London matrix"));
}

/// Each ICS shows its newest few entries and links to the rest, which come
/// a page at a time, optionally for one period.
async fn a_commitments_evidence_comes_a_page_at_a_time(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    for n in 1..=23 {
        let narrative = format!("Scale entry number {n:02} for the pager");
        let fields = [
            ("csrf", slam.csrf.as_str()),
            ("id", ""),
            ("version", "0"),
            ("organisation_id", ""),
            ("ics", "SEL"),
            ("commitment_id", "P1.C2"),
            ("action_id", ""),
            ("period", "2023-24-Q2"),
            ("narrative", narrative.as_str()),
            ("delivery_status", "on_track"),
            ("milestone", ""),
            ("milestone_due", ""),
            ("milestone_completed", ""),
            ("links", ""),
        ];
        let reply = app.post_form("/api/evidence/save", Some(&slam), &fields).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let entries = |body: &str| body.matches("Scale entry number").count();

    let overview = app.get("/commitments/P1.C2?period=2023-24-Q2").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("SEL (23 entries in 2023-24-Q2)"), "the count is of all of them");
    assert!(overview.body.contains("Scale entry number 23"), "newest first");
    assert!(!overview.body.contains("Scale entry number 01"), "the oldest wait behind the link");
    assert!(overview.body.contains("All 23 SEL entries"), "a link to all of SEL's");
    assert!(overview.body.contains("ics=SEL"));

    let first = app.get("/commitments/P1.C2?period=2023-24-Q2&ics=SEL").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Page 1 of 2"));
    assert!(first.body.contains("Scale entry number 23") && !first.body.contains("Scale entry number 03"));
    let second = app.get("/commitments/P1.C2?period=2023-24-Q2&ics=SEL&page=2").await;
    assert!(second.body.contains("Page 2 of 2"));
    assert!(second.body.contains("Scale entry number 01") && !second.body.contains("Scale entry number 23"));
    assert!(entries(&second.body) > 0);

    let other_period = app.get("/commitments/P1.C2?period=2023-24-Q3&ics=SEL").await;
    assert_eq!(other_period.status, StatusCode::OK);
    assert!(other_period.body.contains("SEL (0 entries in 2023-24-Q3)"));
    assert_eq!(entries(&other_period.body), 0);

    for (address, expected) in [
        ("/commitments/P1.C2?ics=SEL&page=3", StatusCode::NOT_FOUND),
        ("/commitments/P1.C2?ics=XYZ", StatusCode::NOT_FOUND),
        ("/commitments/P1.C2?ics=SEL&page=0", StatusCode::BAD_REQUEST),
        ("/commitments/P1.C2?ics=SEL&page=two", StatusCode::BAD_REQUEST),
        ("/commitments/P1.C2?period=2023-Q9", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(app.get(address).await.status, expected, "{address}");
    }
}
