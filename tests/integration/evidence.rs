//! Evidence: saving, versions, conflicts, bad input, and escaping on the page.

use crate::app_tests;
use crate::support::{count, TestApp};
use axum::http::StatusCode;

app_tests! {
    evidence_is_saved_listed_and_versioned => evidence_is_saved_listed_and_versioned;
    concurrent_edits_conflict => concurrent_edits_conflict;
    bad_input_is_named_and_nothing_is_written => bad_input_is_named_and_nothing_is_written;
    seeded_sel_progress_is_listed => seeded_sel_progress_is_listed;
    editing_keeps_the_action => editing_keeps_the_action;
}

fn fields<'a>(csrf: &'a str, id: &'a str, version: &'a str, narrative: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("id", id),
        ("version", version),
        ("organisation_id", ""),
        ("ics", ""),
        ("commitment_id", "P3.C2"),
        ("action_id", ""),
        ("period", "2023-24-Q1"),
        ("narrative", narrative),
        ("delivery_status", "at_risk"),
        ("milestone", "Core 24 in all EDs"),
        ("milestone_due", "2024-03-31"),
        ("milestone_completed", ""),
        ("links", "https://example.org/core24"),
    ]
}

async fn evidence_is_saved_listed_and_versioned(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let narrative = "Liaison team <script>alert('x')</script> now 24/7'; DROP TABLE evidence;--";
    let reply = app.post_form("/api/evidence/save", Some(&slam), &fields(&slam.csrf, "", "0", narrative)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let saved = reply.json();
    assert_eq!(
        saved["organisation_id"], "south-london-and-maudsley-nhs-foundation-trust",
        "a partner's own organisation by default"
    );
    assert_eq!(saved["ics_code"], "SEL");
    assert_eq!(saved["narrative"], narrative, "text is stored as typed");
    let id = saved["id"].as_str().expect("id").to_string();

    let edited =
        app.post_form("/api/evidence/save", Some(&slam), &fields(&slam.csrf, &id, "1", "Now fully 24/7")).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.json()["version"], 2);

    let detail = app.post_form("/api/evidence/get", Some(&slam), &[("id", &id)]).await.json();
    let versions = detail["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2, "every version is kept");
    assert_eq!(versions[1]["entry"]["narrative"], narrative);
    assert_eq!(detail["can_edit"], true);

    // The commitment page lists it, escaped.
    let page = app.get("/commitments/P3.C2").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Now fully 24/7"));
    let edit_audits: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'evidence' AND entity_id = $1")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(edit_audits, 2);

    // The escaped original narrative, as the history shows it.
    let evidence_page = app.get(&format!("/evidence/{id}")).await;
    assert!(!evidence_page.body.contains("<script>alert('x')</script>"), "markup is escaped");
    assert!(evidence_page.body.contains("&lt;script&gt;"));
}

async fn concurrent_edits_conflict(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let lead = app.sign_in("sel.lead@demo.test").await;
    let created =
        app.post_form("/api/evidence/save", Some(&slam), &fields(&slam.csrf, "", "0", "First draft")).await.json();
    let id = created["id"].as_str().expect("id").to_string();

    // Both open version 1; the ICS lead saves first.
    let first =
        app.post_form("/api/evidence/save", Some(&lead), &fields(&lead.csrf, &id, "1", "The lead's wording")).await;
    assert_eq!(first.status, StatusCode::OK);
    let second =
        app.post_form("/api/evidence/save", Some(&slam), &fields(&slam.csrf, &id, "1", "SLaM's wording")).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    let message = second.json()["Conflict"].as_str().expect("conflict message").to_string();
    assert!(message.contains("sel.lead@demo.test saved version 2"), "{message}");
    assert!(message.contains("The lead's wording"), "their version is shown: {message}");
    assert!(message.contains("Your version is still in the form"), "{message}");

    let stored: String = sqlx::query_scalar("SELECT narrative FROM evidence WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(stored, "The lead's wording", "nothing was silently overwritten");
}

async fn bad_input_is_named_and_nothing_is_written(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let before = count(&app.pool, "evidence").await;
    let long = "x".repeat(10_001);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (fields(&slam.csrf, "", "0", ""), "narrative"),
        (fields(&slam.csrf, "", "0", &long), "narrative"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "period", "2023-24-Q9"), "period"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "period", "2099-00-Q1"), "period"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "milestone_due", "2023-02-30"), "milestone_due"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "links", "javascript:alert(1)"), "links"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "delivery_status", "great"), "delivery_status"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "commitment_id", "P9.C9"), "commitment_id"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "commitment_id", "' OR 1=1 --"), "commitment_id"),
        (replace(fields(&slam.csrf, "", "0", "ok"), "action_id", "P3.C2.z"), "action_id"),
    ];
    for (form, field) in cases {
        let reply = app.post_form("/api/evidence/save", Some(&slam), &form).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{field}: {}", reply.body);
        assert!(reply.body.contains(&format!("\"{field}\"")), "the error names {field}: {}", reply.body);
    }
    let reply = app.post_form("/api/evidence/save", Some(&slam), &fields(&slam.csrf, "no-such-id", "1", "ok")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app.pool, "evidence").await, before, "nothing half-written");

    // Without JavaScript the page comes back with the problem said once, at
    // the top, and named beside its field.
    let bad_date = replace(fields(&slam.csrf, "", "0", "ok"), "milestone_due", "2023-02-30");
    let reply = app.post_plain_form("/api/evidence/save", &slam, "http://localhost/commitments/P3.C2", &bad_date).await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let location = reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let path = location.trim_start_matches("http://localhost");
    let page = app.get_as(path, &slam).await;
    assert_eq!(page.body.matches("There is a problem").count(), 1, "{location}: {}", page.body);
    assert!(page.body.contains("id=\"milestone_due-error\""), "{}", page.body);
}

fn replace<'a>(mut form: Vec<(&'a str, &'a str)>, key: &str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    for field in &mut form {
        if field.0 == key {
            field.1 = value;
        }
    }
    form
}

async fn seeded_sel_progress_is_listed(app: TestApp) {
    let evidence: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM evidence WHERE ics_code = 'SEL' AND period = '2023-24-Q1' AND organisation_id = 'nhs-south-east-london-icb'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(evidence, 18);
    let page = app.get("/commitments/P2.C3").await;
    assert!(page.body.contains("Expansion of S136 Health Based Places of Safety"), "seeded evidence is on the page");
}

/// The edit page offers the commitment's actions with the entry's own selected,
/// so saving the form as it comes keeps the entry's action.
async fn editing_keeps_the_action(app: TestApp) {
    let slam = app.sign_in("slam@demo.test").await;
    let new = replace(
        replace(fields(&slam.csrf, "", "0", "Crisis line live"), "commitment_id", "P1.C1"),
        "action_id",
        "P1.C1.a",
    );
    let saved = app.post_form("/api/evidence/save", Some(&slam), &new).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let id = saved.json()["id"].as_str().expect("id").to_string();

    let page = app.get_as(&format!("/evidence/{id}"), &slam).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<select id="action_id" name="action_id">"#), "the edit form offers the actions");
    assert!(page.body.contains(r#"<option value="P1.C1.a" selected"#), "with the entry's action selected");
    assert!(!page.body.contains(r#"name="action_id" value="""#), "and no hidden empty action");

    // Saved as the page's form sends it, with only the narrative changed.
    let edit = replace(
        replace(fields(&slam.csrf, &id, "1", "Crisis line live and staffed 24/7"), "commitment_id", "P1.C1"),
        "action_id",
        "P1.C1.a",
    );
    let edited = app.post_form("/api/evidence/save", Some(&slam), &edit).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.json()["action_id"], "P1.C1.a");
    let stored: Option<String> = sqlx::query_scalar("SELECT action_id FROM evidence WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(stored.as_deref(), Some("P1.C1.a"), "the edit kept the action");
}
