//! RAG status over HTTP: the status API and overrides.

use crate::app_tests;
use crate::support::TestApp;
use axum::http::StatusCode;

app_tests! {
    readings_set_the_status_with_reasons => readings_set_the_status_with_reasons;
    overrides_show_beside_the_computed_status => overrides_show_beside_the_computed_status;
}

fn as_refs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn cell<'a>(status: &'a serde_json::Value, ics: &str, commitment: &str) -> &'a serde_json::Value {
    status["icss"]
        .as_array()
        .and_then(|icss| icss.iter().find(|i| i["ics"] == ics))
        .and_then(|i| i["principles"].as_array())
        .and_then(|ps| {
            ps.iter().flat_map(|p| p["commitments"].as_array().into_iter().flatten()).find(|c| c["id"] == commitment)
        })
        .unwrap_or_else(|| panic!("{ics} {commitment} missing from {status}"))
}

async fn readings_set_the_status_with_reasons(app: TestApp) {
    let post =
        |value: u32| format!(r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":{value}}}]"#);
    for (value, expected) in [(80, "amber"), (90, "green"), (70, "red")] {
        let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &post(value)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let status = app.get("/api/v1/status?period=2023-24-Q1").await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        let json = status.json();
        let sel = cell(&json, "SEL", "P3.C2");
        assert_eq!(sel["rag"], expected, "value {value}: {sel}");
        assert_eq!(sel["outcome"], expected);
        if value == 80 {
            assert_eq!(
                sel["reasons"][0],
                "Amber: ED referrals to liaison psychiatry seen within one hour 80% (target 85%, amber from 75%), 2023-24-Q1"
            );
        }
        // An ICS with nothing submitted is No data, never Green.
        assert_eq!(cell(&json, "NEL", "P3.C2")["rag"], "no_data");
    }
    let one = app.get("/api/v1/status?period=2023-24-Q1&ics=SEL").await.json();
    assert_eq!(one["icss"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.get("/api/v1/status?period=2023-24-Q9").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/api/v1/status?ics=XYZ").await.status, StatusCode::NOT_FOUND);

    // The metric page draws an XmR chart on the server, with a text
    // alternative, both icons in words, and the numbers in a table.
    let trend = app.get("/metrics/m_liaison_1h").await;
    assert_eq!(trend.status, StatusCode::OK);
    for expected in [
        "role=\"img\"",
        "<title",
        "XmR chart: SEL",
        "<desc",
        "target 85%",
        "<table",
        "<th scope=\"row\">Q1 2023/24",
        "70%",
        "Common cause variation",
        "data-assurance=",
    ] {
        assert!(trend.body.contains(expected), "trend page lacks {expected}");
    }
    assert_eq!(app.get("/metrics/m_nope").await.status, StatusCode::NOT_FOUND);
    let commitment = app.get("/commitments/P3.C2").await;
    assert!(commitment.body.contains("class=\"sparkline\""), "the commitment page has sparklines");
    assert!(commitment.body.contains("SEL: 2023-24-Q1 70"), "each sparkline is labelled with its values");

    // An ICS's own target replaces the catalogue's for that ICS only.
    let board = app.sign_in("board@demo.test").await;
    let form = [
        ("csrf", board.csrf.as_str()),
        ("metric_id", "m_liaison_1h"),
        ("ics", "SEL"),
        ("target", "65"),
        ("amber", "60"),
    ];
    let reply = app.post_form("/api/metrics/ics-target", Some(&board), &form).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json = app.get("/api/v1/status?period=2023-24-Q1").await.json();
    assert_eq!(cell(&json, "SEL", "P3.C2")["rag"], "green", "70 meets SEL's own target of 65");
    let bad =
        [("csrf", board.csrf.as_str()), ("metric_id", "m_liaison_1h"), ("ics", "SEL"), ("target", "65"), ("amber", "")];
    assert_eq!(app.post_form("/api/metrics/ics-target", Some(&board), &bad).await.status, StatusCode::BAD_REQUEST);
}

async fn overrides_show_beside_the_computed_status(app: TestApp) {
    let reading = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":70}]"#;
    app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", reading).await;
    let board = app.sign_in("board@demo.test").await;
    let form = |rationale: &'static str| {
        vec![
            ("csrf", board.csrf.clone()),
            ("ics", "SEL".to_string()),
            ("commitment_id", "P3.C2".to_string()),
            ("period", "2023-24-Q1".to_string()),
            ("rag", "amber".to_string()),
            ("rationale", rationale.to_string()),
            ("expires_after", "2023-24-Q2".to_string()),
        ]
    };

    let missing = form("  ");
    let reply = app.post_form("/api/status/override", Some(&board), &as_refs(&missing)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "a rationale is required");
    assert!(reply.body.contains("rationale"));

    let lead = app.sign_in("sel.lead@demo.test").await;
    let mut by_lead = form("Recovery plan agreed");
    by_lead[0].1 = lead.csrf.clone();
    let reply = app.post_form("/api/status/override", Some(&lead), &as_refs(&by_lead)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "only the board overrides");

    let good = form("Recovery plan agreed with the board on 12 July");
    let reply = app.post_form("/api/status/override", Some(&board), &as_refs(&good)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let json = app.get("/api/v1/status?period=2023-24-Q1&ics=SEL").await.json();
    let sel = cell(&json, "SEL", "P3.C2");
    assert_eq!((sel["rag"].as_str(), sel["computed_rag"].as_str()), (Some("amber"), Some("red")));
    assert_eq!(sel["override"]["rationale"], "Recovery plan agreed with the board on 12 July");
    assert_eq!(sel["override"]["set_by"], "the London recovery board", "the public API names no person");
    let signed_in = app.get_as("/status/SEL/P3.C2?period=2023-24-Q1", &board).await;
    assert!(signed_in.body.contains("Set by board@demo.test"), "signed-in readers see who set it");
    let anonymous = app.get("/status/SEL/P3.C2?period=2023-24-Q1").await;
    assert!(anonymous.body.contains("Set by the London recovery board"));
    assert!(!anonymous.body.contains("@demo.test"), "anonymous readers see no email address");
    // It expires after 2023-24-Q2.
    let later = app.get("/api/v1/status?period=2023-24-Q3&ics=SEL").await.json();
    assert!(cell(&later, "SEL", "P3.C2").get("override").is_none());
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'rag_override'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(audited, 1);

    // The board can filter the audit log to overrides, on the page and through its server function.
    let logged = app
        .post_form("/api/audit/list", Some(&board), &[("entity", "rag_override"), ("entity_id", ""), ("actor", "")])
        .await;
    assert_eq!(logged.status, StatusCode::OK, "{}", logged.body);
    let entries = logged.json();
    let entries = entries.as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["entity"], "rag_override");
    let page = app.get_as("/audit?entity=rag_override", &board).await;
    assert!(page.body.contains(r#"<option value="rag_override" selected"#), "the filter offers overrides");
    assert!(page.body.contains("Recovery plan agreed with the board on 12 July"));
    let unknown = app
        .post_form("/api/audit/list", Some(&board), &[("entity", "nonsense"), ("entity_id", ""), ("actor", "")])
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert!(unknown.body.contains("nonsense"));
}
