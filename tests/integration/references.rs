//! Well-formed references to things that do not exist answer 4xx naming them,
//! in server functions and the JSON API alike; never 500.

use crate::app_tests;
use crate::support::{count, TestApp};
use axum::http::StatusCode;

app_tests! {
    unknown_references_are_client_errors => unknown_references_are_client_errors;
    readings_for_periods_not_yet_started_are_refused => readings_for_periods_not_yet_started_are_refused;
}

fn assert_client_error(what: &str, status: StatusCode, body: &str, names: &str) {
    assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND, "{what}: {status} {body}");
    assert!(body.contains(names), "{what}: the message names {names}: {body}");
}

async fn unknown_references_are_client_errors(app: TestApp) {
    let board = app.sign_in("board@demo.test").await;
    let admin = app.sign_in("admin@demo.test").await;
    let csrf = board.csrf.as_str();

    let target = [("csrf", csrf), ("metric_id", "m_liaison_1h"), ("ics", "ZZZ"), ("target", "65"), ("amber", "60")];
    let reply = app.post_form("/api/metrics/ics-target", Some(&board), &target).await;
    assert_client_error("ICS target for ZZZ", reply.status, &reply.body, "ZZZ");
    let target = [("csrf", csrf), ("metric_id", "m_nope"), ("ics", "SEL"), ("target", "65"), ("amber", "60")];
    let reply = app.post_form("/api/metrics/ics-target", Some(&board), &target).await;
    assert_client_error("ICS target for an unknown metric", reply.status, &reply.body, "m_nope");

    let mut override_form = vec![
        ("csrf", csrf),
        ("ics", "ZZZ"),
        ("commitment_id", "P3.C2"),
        ("period", "2023-24-Q1"),
        ("rag", "amber"),
        ("rationale", "Agreed at the board"),
        ("expires_after", "2023-24-Q2"),
    ];
    let reply = app.post_form("/api/status/override", Some(&board), &override_form).await;
    assert_client_error("override for ZZZ", reply.status, &reply.body, "ZZZ");
    override_form[1].1 = "SEL";
    override_form[2].1 = "P9.C9";
    let reply = app.post_form("/api/status/override", Some(&board), &override_form).await;
    assert_client_error("override for an unknown commitment", reply.status, &reply.body, "P9.C9");

    let user = [
        ("csrf", admin.csrf.as_str()),
        ("email", "new.lead@example.nhs.uk"),
        ("display_name", "New Lead"),
        ("password", "a long enough password"),
        ("role", "ics_lead"),
        ("organisation_id", "nhs-south-east-london-icb"),
        ("lead_ics", "ZZZ"),
    ];
    let reply = app.post_form("/api/users/create", Some(&admin), &user).await;
    assert_client_error("an ICS lead of ZZZ", reply.status, &reply.body, "ZZZ");
    let mut user = user;
    user[6].1 = "SEL";
    user[5].1 = "no-such-organisation";
    let reply = app.post_form("/api/users/create", Some(&admin), &user).await;
    assert_client_error("a user of an unknown organisation", reply.status, &reply.body, "no-such-organisation");

    let update = [("csrf", csrf), ("id", "m_nope"), ("version", "1"), ("target", "1"), ("amber", "2")];
    let reply = app.post_form("/api/metrics/update", Some(&board), &update).await;
    assert_client_error("updating an unknown metric", reply.status, &reply.body, "m_nope");

    for (path, names) in [
        ("/api/v1/status?ics=ZZZ", "ZZZ"),
        ("/api/v1/status?period=2099-00-Q1", "2099-00-Q1"),
        ("/api/v1/status?period=2019-20-Q1", "2019-20-Q1"),
        ("/api/v1/readings?ics=ZZZ", "ZZZ"),
        ("/readings.csv?ics=ZZZ", "ZZZ"),
        ("/ics/ZZZ", "ZZZ"),
        ("/status/ZZZ/P1.C1", "ZZZ"),
        ("/status/SEL/P9.C9", "P9.C9"),
        ("/status?period=2099-00-Q1", "2099-00-Q1"),
        ("/commitments/P9.C9", "P9.C9"),
        ("/metrics/m_nope", "m_nope"),
        ("/evidence/no-such-entry", "no-such-entry"),
    ] {
        let reply = app.get(path).await;
        assert_client_error(path, reply.status, &reply.body, names);
    }
    let cell = [("ics", "SEL"), ("commitment_id", "P9.C9"), ("period", "")];
    let reply = app.post_form("/api/status/cell", None, &cell).await;
    assert_client_error("status cell of an unknown commitment", reply.status, &reply.body, "P9.C9");

    let slam = app.sign_in("slam@demo.test").await;
    let evidence = [
        ("csrf", slam.csrf.as_str()),
        ("id", ""),
        ("version", "0"),
        ("organisation_id", "no-such-organisation"),
        ("ics", ""),
        ("commitment_id", "P3.C2"),
        ("action_id", ""),
        ("period", "2023-24-Q1"),
        ("narrative", "Progress"),
        ("delivery_status", ""),
        ("milestone", ""),
        ("milestone_due", ""),
        ("milestone_completed", ""),
        ("links", ""),
    ];
    let reply = app.post_form("/api/evidence/save", Some(&slam), &evidence).await;
    assert_client_error("evidence for an unknown organisation", reply.status, &reply.body, "no-such-organisation");

    let reading = r#"[{"metric":"m_nope","ics":"ZZZ","period":"2023-24-Q1","value":1,"partner":"no-such-org"}]"#;
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", reading).await;
    assert_client_error("a reading of unknown things", reply.status, &reply.body, "m_nope");
    assert!(reply.body.contains("ZZZ"), "{}", reply.body);
}

async fn readings_for_periods_not_yet_started_are_refused(app: TestApp) {
    let before = count(&app.pool, "reading").await;
    let current = concordat_tracker::domain::period::ReportingPeriod::containing(chrono::Utc::now().date_naive());
    let next = current.next();
    for period in [next.to_string(), "2099-00-Q1".to_string()] {
        let body = format!(r#"[{{"metric":"m_s136_detentions","ics":"SEL","period":"{period}","value":3}}]"#);
        let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{period}: {}", reply.body);
        assert!(reply.body.contains(&format!("{period} has not started yet")), "{}", reply.body);
        let csv = format!("metric,ics,period,value\nm_s136_detentions,SEL,{period},3\n");
        let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), "text/csv", &csv).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{period} by CSV: {}", reply.body);
    }
    assert_eq!(count(&app.pool, "reading").await, before, "nothing was written");

    let body = format!(r#"[{{"metric":"m_s136_detentions","ics":"SEL","period":"{current}","value":3}}]"#);
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "the period in progress is allowed: {}", reply.body);
}
