//! Making Data Count: monthly metrics through the JSON API, CSV and the UI;
//! `POST /api/v1/spc` and `GET /api/v1/spc`; rebasing; the pages' charts,
//! icons and summary tables.

use crate::app_tests;
use crate::support::TestApp;
use axum::http::StatusCode;

app_tests! {
    an_analysts_series_is_analysed_as_specified => an_analysts_series_is_analysed_as_specified;
    monthly_readings_chart_and_roll_into_the_quarter => monthly_readings_chart_and_roll_into_the_quarter;
    the_board_rebases_a_chart_and_it_is_audited => the_board_rebases_a_chart_and_it_is_audited;
}

const JSON: &str = "application/json";

/// R's `set.seed(123); rnorm(20)`: NHSRplotthedots' own test series.
const RNORM_123: &str = "[-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, \
     -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314, \
     0.49785048, -1.96661716, 0.70135590, -0.47279141]";

fn close(value: &serde_json::Value, expected: f64, tolerance: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < tolerance)
}

/// Twelve months of SEL's 12-hour waits: steady, then a jump in March 2026.
const MONTHS: [(&str, f64); 12] = [
    ("2025-04", 5.0),
    ("2025-05", 5.2),
    ("2025-06", 4.8),
    ("2025-07", 5.1),
    ("2025-08", 4.9),
    ("2025-09", 5.0),
    ("2025-10", 5.2),
    ("2025-11", 4.8),
    ("2025-12", 5.1),
    ("2026-01", 4.9),
    ("2026-02", 5.0),
    ("2026-03", 9.0),
];

async fn an_analysts_series_is_analysed_as_specified(app: TestApp) {
    // Upstream's snapshot: mean 0.1416238, limits -3.01138 and 3.294627, all common cause.
    let reply = app.post_api("/api/v1/spc", None, JSON, &format!(r#"{{"values": {RNORM_123}}}"#)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json = reply.json();
    assert!(close(&json["mean"], 0.1416238, 1e-7), "{json}");
    assert!(close(&json["lpl"], -3.01138, 1e-5), "{json}");
    assert!(close(&json["upl"], 3.294627, 1e-6), "{json}");
    assert_eq!(json["improvement_direction"], "increase");
    assert_eq!(json["variation_icon"], "common_cause");
    assert!(json["assurance_icon"].is_null());
    assert!(json["target"].is_null());
    assert_eq!(json["segments"], serde_json::json!([]));
    let points = json["points"].as_array().expect("points");
    assert_eq!(points.len(), 20);
    assert!(points.iter().all(|p| p["point_type"] == "common_cause" && p.get("period").is_none()), "{json}");
    assert!(json.get("metric").is_none() && json.get("ics").is_none());

    // Every option, and a rebase: two segments, the last one's limits on top.
    let body = r#"{"values": [1,2,1,2,1,2,1,2,1,2,1,20,10,11,10,11,10,11], "improvement_direction": "decrease",
                   "target": 0.5, "screen_outliers": false, "fix_after_n_points": null, "rebase": [12]}"#;
    let json = app.post_api("/api/v1/spc", None, JSON, body).await.json();
    assert_eq!(json["segments"].as_array().map(Vec::len), Some(2), "{json}");
    assert_eq!(json["segments"][1]["start"], 12);
    assert_eq!(json["segments"][1]["end"], 17);
    assert!(close(&json["mean"], 10.5, 1e-9), "{json}");
    assert_eq!(json["points"][11]["point_type"], "special_cause_concern", "20 is high, and lower is better");
    assert_eq!(json["variation_icon"], "common_cause");
    assert_eq!(json["assurance_icon"], "consistent_fail", "a target below the lower limit when lower is better");

    // All values equal: limits undefined (null), never an error.
    let json = app.post_api("/api/v1/spc", None, JSON, r#"{"values": [3, 3, 3], "target": 1}"#).await.json();
    assert!(json["lpl"].is_null() && json["upl"].is_null(), "{json}");
    assert_eq!(json["assurance_icon"], "inconsistent");

    let thousand_and_one = format!(r#"{{"values": [{}]}}"#, vec!["1"; 1001].join(","));
    for (body, mentions) in [
        ("not json", "body"),
        ("{}", "values"),
        (r#"{"values": []}"#, "empty"),
        (r#"{"values": [1, "two", 3]}"#, "values[1]"),
        (r#"{"values": [1, null]}"#, "values[1]"),
        (r#"{"values": "1,2,3"}"#, "list of numbers"),
        (thousand_and_one.as_str(), "1000"),
        (r#"{"values": [1, 2], "fix_after_n_points": 11}"#, "at least 12"),
        (r#"{"values": [1, 2], "fix_after_n_points": -3}"#, "fix_after_n_points"),
        (r#"{"values": [1, 2], "rebase": [2]}"#, "out of range"),
        (r#"{"values": [1, 2], "rebase": [-1]}"#, "rebase"),
        (r#"{"values": [1, 2], "improvement_direction": "up"}"#, "increase, decrease or neutral"),
        (r#"{"values": [1, 2], "target": "high"}"#, "target"),
        (r#"{"values": [1, 2], "colour": "blue"}"#, "colour"),
    ] {
        let reply = app.post_api("/api/v1/spc", None, JSON, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}: {}", reply.body);
        let message = reply.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(mentions), "{body}: {message}");
    }
}

fn months_json(partner: Option<&str>) -> String {
    let rows: Vec<String> = MONTHS
        .iter()
        .map(|(period, value)| {
            let partner = partner.map(|p| format!(r#","partner":"{p}""#)).unwrap_or_default();
            format!(r#"{{"metric":"m_ed_12h_mh","ics":"SEL","period":"{period}","value":{value}{partner}}}"#)
        })
        .collect();
    format!("[{}]", rows.join(","))
}

async fn monthly_readings_chart_and_roll_into_the_quarter(app: TestApp) {
    // JSON: a monthly metric takes months, and refuses a quarter with a message.
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, &months_json(None)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["inserted"], 12);
    let quarter = r#"[{"metric":"m_ed_12h_mh","ics":"SEL","period":"2025-26-Q1","value":5}]"#;
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, quarter).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "m_ed_12h_mh is reported monthly: give a month such as 2024-04, not 2025-26-Q1"
    );
    let month_for_quarterly = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2025-04","value":80}]"#;
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, month_for_quarterly).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("reported quarterly"), "{}", reply.body);

    // CSV through the API: a partner's own months.
    let csv = "metric,ics,period,value\nm_ed_12h_mh,SEL,2025-04,4\nm_ed_12h_mh,SEL,2025-05,6\n";
    let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), "text/csv", csv).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // The UI's import (a server function posted as a form, as without JavaScript).
    let board = app.sign_in("board@demo.test").await;
    let csv = "metric,ics,period,value\nm_ed_12h_mh,NEL,2025-04,3\n";
    let reply = app.post_form("/api/readings/import", Some(&board), &[("csrf", &board.csrf), ("csv", csv)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // Filtering by a quarter finds its months.
    let listed = app.get("/api/v1/readings?ics=SEL&period=2025-26-Q1").await.json();
    let periods: Vec<&str> = listed.as_array().expect("list").iter().filter_map(|r| r["period"].as_str()).collect();
    assert!(periods.contains(&"2025-04") && periods.contains(&"2025-06"), "{listed}");

    // GET /api/v1/spc: the ICS-level series, every point named by its month.
    let reply = app.get("/api/v1/spc?metric=m_ed_12h_mh&ics=SEL").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json = reply.json();
    assert_eq!(json["metric"], "m_ed_12h_mh");
    assert_eq!(json["ics"], "SEL");
    assert_eq!(json["improvement_direction"], "decrease");
    assert_eq!(json["target"], 2.0);
    let points = json["points"].as_array().expect("points");
    assert_eq!(points.len(), 12);
    assert_eq!(points[0]["period"], "2025-04");
    assert_eq!(points[11]["period"], "2026-03");
    assert_eq!(points[11]["point_type"], "special_cause_concern");
    assert_eq!(json["variation_icon"], "concern_high");
    assert_eq!(json["assurance_icon"], "consistent_fail");
    assert!(close(&json["mean"], 64.0 / 12.0, 1e-9), "{json}");
    // One partner's own series.
    let partner = app
        .get("/api/v1/spc?metric=m_ed_12h_mh&ics=SEL&partner=south-london-and-maudsley-nhs-foundation-trust")
        .await
        .json();
    assert_eq!(partner["points"].as_array().map(Vec::len), Some(2), "{partner}");
    assert_eq!(partner["partner"], "south-london-and-maudsley-nhs-foundation-trust");
    // A series with no readings yet: no figures, no icons.
    let empty = app.get("/api/v1/spc?metric=m_ed_12h_mh&ics=SWL").await.json();
    assert_eq!(empty["points"], serde_json::json!([]));
    assert!(empty["variation_icon"].is_null() && empty["mean"].is_null(), "{empty}");
    for (query, status) in [
        ("", StatusCode::BAD_REQUEST),
        ("?metric=m_ed_12h_mh", StatusCode::BAD_REQUEST),
        ("?metric=m_nope&ics=SEL", StatusCode::NOT_FOUND),
        ("?metric=m_ed_12h_mh&ics=XYZ", StatusCode::NOT_FOUND),
        ("?metric=m_ed_12h_mh&ics=S%20L!", StatusCode::BAD_REQUEST),
        ("?metric=m_ed_12h_mh&ics=SEL&partner=nobody", StatusCode::NOT_FOUND),
    ] {
        let reply = app.get(&format!("/api/v1/spc{query}")).await;
        assert_eq!(reply.status, status, "{query}: {}", reply.body);
        assert!(reply.json()["error"].is_string(), "{query}: {}", reply.body);
    }

    // The quarter's RAG judges the mean of its months (4.9, 5, 9: 6.3%, beyond
    // the 5% amber edge: Red), and the reasons say how, with the variation and assurance.
    let status = app.get("/api/v1/status?period=2025-26-Q4&ics=SEL").await.json();
    let commitments = status["icss"][0]["principles"].as_array().expect("principles");
    let cell = commitments
        .iter()
        .flat_map(|p| p["commitments"].as_array().into_iter().flatten())
        .find(|c| c["id"] == "P3.C1")
        .expect("P3.C1");
    assert_eq!(cell["outcome"], "red", "{cell}");
    let reasons: Vec<&str> = cell["reasons"].as_array().expect("reasons").iter().filter_map(|r| r.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("12 hours in ED from arrival 6.3%")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("mean of the months (Jan 2026, Feb 2026, Mar 2026)")), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.starts_with("Making Data Count:")
            && r.contains("concern (higher) over 12 points to 2026-03; will consistently miss the target")),
        "{reasons:?}"
    );

    // The metric page: an XmR chart per ICS with both icons in words and the numbers.
    let page = app.get("/metrics/m_ed_12h_mh").await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "XmR chart: SEL",
        "Concern (higher)",
        "Will consistently miss the target",
        "data-variation=\"concern_high\"",
        "<th scope=\"row\">Mar 2026",
        "Special cause: concern",
        "Reported monthly",
    ] {
        assert!(page.body.contains(expected), "metric page lacks {expected}");
    }
    // ICS and London pages: the summary table; the ICS's gives the latest
    // value, London's (a column per ICS) the icons only.
    for (path, value) in [("/ics/SEL", Some("9%")), ("/status?period=2025-26-Q4", None)] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for expected in ["Making Data Count", "spc-summary", "Concern (higher)"].into_iter().chain(value) {
            assert!(page.body.contains(expected), "{path} lacks {expected}");
        }
    }
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'spc_rebase' AND action = $1")
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

async fn the_board_rebases_a_chart_and_it_is_audited(app: TestApp) {
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, &months_json(None)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let board = app.sign_in("board@demo.test").await;
    let fields = |period: &'static str, reason: &'static str| {
        vec![
            ("csrf", board.csrf.clone()),
            ("metric_id", "m_ed_12h_mh".to_string()),
            ("ics", "SEL".to_string()),
            ("period", period.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>, path: &'static str| {
        let app = &app;
        let board = &board;
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(path, Some(board), &borrowed).await
        }
    };
    let reply =
        post(fields("2026-01", "New mental health crisis assessment centre opened"), "/api/metrics/rebase").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(audited(&app, "create").await, 1);

    let json = app.get("/api/v1/spc?metric=m_ed_12h_mh&ics=SEL").await.json();
    let segments = json["segments"].as_array().expect("segments");
    assert_eq!(segments.len(), 2, "{json}");
    assert_eq!((segments[0]["start"].as_u64(), segments[0]["end"].as_u64()), (Some(0), Some(8)));
    assert_eq!((segments[1]["start"].as_u64(), segments[1]["end"].as_u64()), (Some(9), Some(11)));
    assert!(close(&json["mean"], (4.9 + 5.0 + 9.0) / 3.0, 1e-9), "the current limits are the new segment's: {json}");
    let page = app.get("/metrics/m_ed_12h_mh").await;
    assert!(page.body.contains("New mental health crisis assessment centre opened"));

    // The same period again is a conflict; a quarter for a monthly metric, an
    // unknown ICS or metric, an empty reason: 400s with their field.
    let reply = post(fields("2026-01", "Again"), "/api/metrics/rebase").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    for (mut fields, field) in [
        (fields("2025-26-Q4", "Quarter"), "period"),
        (fields("2026-02", ""), "reason"),
        (fields("2099-01", "Future"), "period"),
        (fields("2026-02", "Bad ICS"), "ics"),
        (fields("2026-02", "Bad metric"), "metric_id"),
    ] {
        if field == "ics" {
            fields[2].1 = "XYZ".into();
        }
        if field == "metric_id" {
            fields[1].1 = "m_nope".into();
        }
        let reply = post(fields, "/api/metrics/rebase").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{field}: {}", reply.body);
        assert!(reply.body.contains(field), "{field}: {}", reply.body);
    }

    let mut remove = fields("2026-01", "");
    remove.pop();
    let reply = post(remove.clone(), "/api/metrics/rebase/remove").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(audited(&app, "remove").await, 1);
    let json = app.get("/api/v1/spc?metric=m_ed_12h_mh&ics=SEL").await.json();
    assert_eq!(json["segments"], serde_json::json!([]));
    let reply = post(remove, "/api/metrics/rebase/remove").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
}
