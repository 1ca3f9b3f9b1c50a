//! The readings API and CSV import: validation, permission, all-or-nothing, history.

use crate::app_tests;
use crate::support::{count, TestApp};
use axum::http::StatusCode;

app_tests! {
    a_partner_reports_for_every_ics_it_serves => a_partner_reports_for_every_ics_it_serves;
    json_readings_are_checked_and_written => json_readings_are_checked_and_written;
    csv_imports_are_all_or_nothing => csv_imports_are_all_or_nothing;
    tokens_are_required_and_scoped => tokens_are_required_and_scoped;
    readings_keep_their_history => readings_keep_their_history;
    a_partner_is_named_by_id_ods_code_or_name => a_partner_is_named_by_id_ods_code_or_name;
    readings_export_as_a_spreadsheet => readings_export_as_a_spreadsheet;
    the_board_says_which_kinds_of_organisation_report_a_metric => the_board_says_which_kinds_of_organisation_report_a_metric;
    csv_without_javascript_is_previewed_then_imported => csv_without_javascript_is_previewed_then_imported;
}

const JSON: &str = "application/json";
const CSV: &str = "text/csv";

async fn json_readings_are_checked_and_written(app: TestApp) {
    let good = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":80}]"#;
    let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, good).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["inserted"], 1);

    let again = app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, good).await;
    assert_eq!(again.json()["unchanged"], 1, "sending the same reading again changes nothing");

    let bad = good.replace(":80", ":180");
    let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, &bad).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let json = reply.json();
    assert_eq!(json["errors"][0]["column"], "value");
    assert_eq!(json["errors"][0]["row"], 1);
    assert!(json["error"].as_str().unwrap_or_default().contains("180 is not a percentage"), "{json}");

    // A partner editor's reading without `partner` is recorded as their own organisation's.
    let listed = app.get("/api/v1/readings?ics=SEL&period=2023-24-Q1").await.json();
    assert_eq!(listed[0]["partner_id"], "south-london-and-maudsley-nhs-foundation-trust");
    assert_eq!(listed[0]["value"], 80.0);

    for (body, column) in [
        (r#"[{"metric":"m_nope","ics":"SEL","period":"2023-24-Q1","value":1}]"#, "metric"),
        (r#"[{"metric":"m_liaison_1h","ics":"XYZ","period":"2023-24-Q1","value":1}]"#, "ics"),
        (r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q7","value":1}]"#, "period"),
        (r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":"eighty"}]"#, "value"),
        (r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":true}]"#, "value"),
    ] {
        let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.json()["errors"][0]["column"], column, "{body}");
    }
    for body in [
        "not json",
        "{}",
        "[]",
        r#"[{"metric":"m_liaison_1h"}]"#,
        r#"[{"metric":"m","ics":"SEL","period":"2023-24-Q1","value":1,"extra":1}]"#,
    ] {
        let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(reply.json()["error"].is_string());
    }
    let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), "text/plain", "x").await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

async fn csv_imports_are_all_or_nothing(app: TestApp) {
    let before = count(&app.pool, "reading").await;
    let mixed = "metric,ics,period,value\r\nm_liaison_1h,SEL,2023-24-Q1,80\r\nm_liaison_1h,SEL,2023-24-Q2,180\r\n";
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), CSV, mixed).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let json = reply.json();
    assert_eq!((json["errors"][0]["line"].as_u64(), json["errors"][0]["column"].as_str()), (Some(3), Some("value")));
    assert_eq!(count(&app.pool, "reading").await, before, "nothing is written when any row is wrong");

    let good = "\u{feff}metric,ics,period,value,partner,note\r\n\
                m_liaison_1h,SEL,2023-24-Q1,80,,\"ICS figure, from the SitRep\"\r\n\
                m_liaison_1h,SEL,2023-24-Q1,82,oxleas-nhs-foundation-trust,\r\n";
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), CSV, good).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["inserted"], 2);
    let again = app.post_api("/api/v1/readings", Some("demo-token-board"), CSV, good).await;
    assert_eq!((again.json()["inserted"].as_u64(), again.json()["unchanged"].as_u64()), (Some(0), Some(2)));

    // The export imports back unchanged.
    let exported = app.get("/readings.csv?ics=SEL&period=2023-24-Q1").await;
    assert_eq!(exported.status, StatusCode::OK);
    assert!(exported.body.starts_with("metric,ics,period,value,partner,note\n"), "{}", exported.body);
    let reimport = app.post_api("/api/v1/readings", Some("demo-token-board"), CSV, &exported.body).await;
    assert_eq!(reimport.json()["unchanged"], 2, "{}", reimport.body);
}

async fn tokens_are_required_and_scoped(app: TestApp) {
    let body = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":80}]"#;
    assert_eq!(app.post_api("/api/v1/readings", None, JSON, body).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.post_api("/api/v1/readings", Some("not-a-token"), JSON, body).await.status,
        StatusCode::UNAUTHORIZED
    );

    // SLaM's editor may not write Oxleas's figure, nor the ICS-level one.
    let other = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":80,"partner":"oxleas-nhs-foundation-trust"}]"#;
    let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, other).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.json()["error"].as_str().unwrap_or_default().contains("permission"));

    // A partner's figure belongs to its own ICS.
    let elsewhere = r#"[{"metric":"m_liaison_1h","ics":"NEL","period":"2023-24-Q1","value":80}]"#;
    let reply = app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, elsewhere).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.json()["errors"][0]["column"], "partner");

    // The board writes ICS-level figures anywhere.
    let ics_level = r#"[{"metric":"m_liaison_1h","ics":"NEL","period":"2023-24-Q1","value":70}]"#;
    assert_eq!(
        app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, ics_level).await.status,
        StatusCode::OK
    );
}

async fn readings_keep_their_history(app: TestApp) {
    let post =
        |value: u32| format!(r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":{value}}}]"#);
    for value in [80, 90, 70] {
        let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, &post(value)).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    assert_eq!(count(&app.pool, "reading").await, 1, "a new reading replaces the old");
    assert_eq!(count(&app.pool, "reading_history").await, 2, "earlier values are kept");
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'reading'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(audited, 3, "every change is audited");
    let listed = app.get("/api/v1/readings?ics=SEL&period=2023-24-Q1").await.json();
    assert_eq!(listed[0]["value"], 70.0);
    assert_eq!(app.get("/api/v1/readings?ics=S%20E%20L").await.status, StatusCode::BAD_REQUEST);

    // Batches mixing unchanged, changed and new readings: written as one at a
    // time would be (the bulk path).
    let batch = |q1: u32| {
        format!(
            r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":{q1}}},
                {{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q2","value":75}},
                {{"metric":"m_liaison_1h","ics":"NEL","period":"2023-24-Q{}","value":60}}]"#,
            if q1 == 70 { 1 } else { 2 }
        )
    };
    for (q1, expected) in [(70, (2, 0, 1)), (71, (1, 1, 1))] {
        let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, &batch(q1)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let counts = reply.json();
        let got = (&counts["inserted"], &counts["updated"], &counts["unchanged"]);
        assert_eq!(got, (&expected.0.into(), &expected.1.into(), &expected.2.into()), "{counts}");
    }
    let listed = app.get("/api/v1/readings?ics=SEL&period=2023-24-Q1").await.json();
    assert_eq!(listed[0]["value"], 71.0);
    assert_eq!(count(&app.pool, "reading_history").await, 3, "the replaced 70 is kept");
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'reading'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(audited, 7, "four more changes, each audited");
}

async fn a_partner_reports_for_every_ics_it_serves(app: TestApp) {
    // SLaM, in SEL, also serves Croydon in SWL; it does not serve NCL.
    let post = |ics: &'static str| {
        let app = &app;
        async move {
            let body = format!(r#"[{{"metric":"m_liaison_1h","ics":"{ics}","period":"2023-24-Q1","value":81}}]"#);
            app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", &body).await
        }
    };
    assert_eq!(post("SEL").await.status, StatusCode::OK);
    let swl = post("SWL").await;
    assert_eq!(swl.status, StatusCode::OK, "{}", swl.body);
    let ncl = post("NCL").await;
    assert_eq!(ncl.status, StatusCode::BAD_REQUEST);
    assert!(ncl.body.contains("does not serve NCL; it serves SEL, SWL"), "{}", ncl.body);
}

async fn a_partner_is_named_by_id_ods_code_or_name(app: TestApp) {
    // The board records Oxleas's figure three ways; each lands on Oxleas's id.
    for (partner, value) in [("oxleas-nhs-foundation-trust", 71), ("rpg", 72), ("Oxleas NHS Foundation Trust", 73)] {
        let body = format!(
            r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":{value},"partner":"{partner}"}}]"#
        );
        let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{partner}: {}", reply.body);
        let listed = app.get("/api/v1/readings?ics=SEL&period=2023-24-Q1").await.json();
        assert_eq!(listed[0]["partner_id"], "oxleas-nhs-foundation-trust", "{partner}");
        assert_eq!(listed[0]["value"], f64::from(value), "{partner}");
    }
    // CSV too, by ODS code.
    let csv = "metric,ics,period,value,partner\nm_liaison_1h,SEL,2023-24-Q2,74,RPG\n";
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), CSV, csv).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let listed = app.get("/api/v1/readings?ics=SEL&period=2023-24-Q2").await.json();
    assert_eq!(listed[0]["partner_id"], "oxleas-nhs-foundation-trust");
    // An unknown one says how to name an organisation.
    let body = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":70,"partner":"ZZZ9"}]"#;
    let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), JSON, body).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("its ODS code (e.g. RPG) or its full name"), "{}", reply.body);
}

async fn readings_export_as_a_spreadsheet(app: TestApp) {
    let good = r#"[{"metric":"m_liaison_1h","ics":"SEL","period":"2023-24-Q1","value":80,"note":"=HYPERLINK(\"x\")"}]"#;
    assert_eq!(app.post_api("/api/v1/readings", Some("demo-token-slam"), JSON, good).await.status, StatusCode::OK);
    let reply = app.get("/readings.xlsx?ics=SEL&period=2023-24-Q1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_eq!(reply.headers["content-disposition"], "attachment; filename=\"readings-SEL-2023-24-Q1.xlsx\"");
    assert!(reply.body.starts_with("PK\u{3}\u{4}"), "an .xlsx is a zip");
    assert!(reply.body.contains("xl/worksheets/sheet1.xml"), "with a worksheet");
    // The same filters as the CSV, with the same refusals.
    assert_eq!(app.get("/readings.xlsx?ics=XYZ").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/readings.xlsx?period=2023-24-Q9").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/readings.xlsx").await.status, StatusCode::OK);
}

async fn reported_by(app: &TestApp, metric: &str) -> (serde_json::Value, String) {
    let catalogue = app.post_form("/api/metrics/list", None, &[]).await.json();
    let entry = catalogue["entries"].as_array().expect("entries").iter().find(|m| m["id"] == metric).cloned();
    let entry = entry.expect("metric");
    (entry["reported_by"].clone(), entry["version"].to_string())
}

async fn the_board_says_which_kinds_of_organisation_report_a_metric(app: TestApp) {
    // The seed says who reports each metric: ED figures from acute trusts and the ICB.
    let (kinds, version) = reported_by(&app, "m_ed_12h_mh").await;
    assert_eq!(kinds, serde_json::json!(["icb", "acute_trust"]));
    let board = app.sign_in("board@demo.test").await;
    let set = |version: String, ticked: &'static [&'static str]| {
        let board = board.clone();
        let app = &app;
        async move {
            let mut fields: Vec<(String, String)> = vec![
                ("csrf".into(), board.csrf.clone()),
                ("id".into(), "m_ed_12h_mh".into()),
                ("version".into(), version),
                ("reported_by[_]".into(), String::new()),
            ];
            fields.extend(ticked.iter().map(|kind| (format!("reported_by[{kind}]"), "on".to_string())));
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post_form("/api/metrics/reporters", Some(&board), &borrowed).await
        }
    };
    let reply = set(version.clone(), &["acute_trust", "mh_trust", "icb"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (kinds, newer) = reported_by(&app, "m_ed_12h_mh").await;
    assert_eq!(kinds, serde_json::json!(["icb", "mh_trust", "acute_trust"]));
    // An edit from the old version is a conflict; an unknown kind a 400; none ticked clears it.
    assert_eq!(set(version, &["police"]).await.status, StatusCode::CONFLICT);
    let reply = set(newer.clone(), &["hospital"]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("is not an organisation kind"), "{}", reply.body);
    assert_eq!(set(newer, &[]).await.status, StatusCode::OK);
    assert_eq!(reported_by(&app, "m_ed_12h_mh").await.0, serde_json::json!([]));
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'metric' AND entity_id = 'm_ed_12h_mh'")
            .fetch_one(&app.pool)
            .await
            .expect("audit");
    assert_eq!(audited, 2, "each change is audited");
    // The catalogue page shows it, with a link to the board's form to change it,
    // which opens one metric at a time.
    let page = app.get_as("/metrics", &board).await;
    assert!(page.body.contains("href=\"/metrics?edit=m_ed_12h_mh#edit-m_ed_12h_mh\""), "a link opens the form");
    assert!(!page.body.contains("name=\"reported_by[police]\""), "no form is open");
    let page = app.get_as("/metrics?edit=m_ed_12h_mh", &board).await;
    assert_eq!(page.body.matches("name=\"reported_by[police]\"").count(), 1, "one form, a box per kind");
}

/// The page's CSV form is a plain multipart post: a chosen file, or pasted
/// text (which wins when both come), is checked and previewed on a page of
/// its own, and nothing is written until Import.
async fn csv_without_javascript_is_previewed_then_imported(app: TestApp) {
    let lead = app.sign_in("sel.lead@demo.test").await;
    let before = count(&app.pool, "reading").await;
    let bad = "metric,ics,period,value\nm_liaison_1h,SEL,2023-24-Q1,80\nm_liaison_1h,SEL,2023-24-Q2,180\n";
    let page = preview_of(
        &app,
        &lead,
        app.post_multipart("/readings/upload", &lead, &lead.csrf, &[("csv", None, bad.as_bytes())]).await,
    )
    .await;
    assert!(page.contains("1 problem in the file: nothing will be imported"), "{page}");
    assert!(page.contains("180 is not a percentage"), "{page}");

    let good = "\u{feff}metric,ics,period,value\r\nm_liaison_1h,SEL,2023-24-Q3,86\r\n";
    let chosen = [("csv_file", Some("readings.csv"), good.as_bytes()), ("csv", None, b"  \r\n".as_slice())];
    let page = preview_of(&app, &lead, app.post_multipart("/readings/upload", &lead, &lead.csrf, &chosen).await).await;
    assert!(page.contains("Preview of readings.csv") && page.contains("Ready to import 1 reading"), "{page}");
    assert_eq!(before, count(&app.pool, "reading").await, "a preview writes nothing");

    let pasted_wins = [("csv_file", Some("readings.csv"), bad.as_bytes()), ("csv", None, good.as_bytes())];
    let page =
        preview_of(&app, &lead, app.post_multipart("/readings/upload", &lead, &lead.csrf, &pasted_wins).await).await;
    assert!(page.contains("Preview of the pasted CSV") && page.contains("Ready to import 1 reading"), "{page}");

    let nothing = app.post_multipart("/readings/upload", &lead, &lead.csrf, &[("csv", None, b"".as_slice())]).await;
    let location = nothing.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.contains("problem=") && !location.contains("error"), "{location}");
    assert!(app.get_as(&location, &lead).await.body.contains("choose a CSV file"), "the page says what is wrong");
    let forged =
        app.post_multipart("/readings/upload", &lead, "not-the-token", &[("csv", None, good.as_bytes())]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

async fn preview_of(app: &TestApp, who: &crate::support::Browser, reply: crate::support::Reply) -> String {
    assert!(reply.status.is_redirection(), "{}: {}", reply.status, reply.body);
    let location = reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.starts_with("/readings?upload="), "{location}");
    app.get_as(&location, who).await.body
}
