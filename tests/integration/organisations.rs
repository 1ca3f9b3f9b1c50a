//! Every London partner, edited by admins and board reviewers (versioned and
//! audited), and the concordat's sign-up register.

use crate::app_tests;
use crate::support::{Browser, TestApp};
use axum::http::StatusCode;

app_tests! {
    the_api_lists_every_partner_with_its_icss => the_api_lists_every_partner_with_its_icss;
    the_board_records_sign_up_and_each_ics_shows_its_gaps => the_board_records_sign_up_and_each_ics_shows_its_gaps;
    organisations_are_added_edited_and_retired_with_versions => organisations_are_added_edited_and_retired_with_versions;
    a_signature_posted_without_javascript_is_confirmed => a_signature_posted_without_javascript_is_confirmed;
}

const SLAM: &str = "south-london-and-maudsley-nhs-foundation-trust";

fn find<'a>(list: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    list.as_array().expect("a list").iter().find(|o| o["id"] == id).unwrap_or_else(|| panic!("{id} listed"))
}

async fn sign(app: &TestApp, who: &Browser, organisation: &str, icss: &str, signed_on: &str) -> crate::support::Reply {
    app.post_form(
        "/api/signup/record",
        Some(who),
        &[
            ("csrf", &who.csrf),
            ("organisation_id", organisation),
            ("signed_on", signed_on),
            ("signatory_name", "Dr Jane Chief"),
            ("signatory_role", "Chief Executive"),
            ("icss", icss),
        ],
    )
    .await
}

async fn the_api_lists_every_partner_with_its_icss(app: TestApp) {
    let reply = app.get("/api/v1/organisations").await;
    assert_eq!(reply.status, StatusCode::OK);
    let list = reply.json();
    assert_eq!(list.as_array().expect("list").len(), 85);
    let slam = find(&list, SLAM);
    assert_eq!(slam["ods"], "RV5");
    assert_eq!(slam["kind"], "mh_trust");
    assert_eq!(slam["icss"], serde_json::json!(["SEL", "SWL"]));
    assert_eq!(slam["retired"], false);
    assert!(slam["signed_up"].is_null());
    let met = find(&list, "metropolitan-police-service");
    assert_eq!(met["icss"], serde_json::json!(["NCL", "NEL", "NWL", "SEL", "SWL"]));
    let merged = find(&list, "camden-and-islington-nhs-foundation-trust");
    assert_eq!(merged["retired"], true);
    assert_eq!(merged["successor"], "north-london-nhs-foundation-trust");
    let lambeth = find(&list, "london-borough-of-lambeth");
    assert_eq!(lambeth["ons"], "E09000022");
    for ics in ["NCL", "NEL", "NWL", "SEL", "SWL"] {
        let icbs = list
            .as_array()
            .expect("list")
            .iter()
            .filter(|o| o["kind"] == "icb" && o["icss"] == serde_json::json!([ics]));
        assert_eq!(icbs.count(), 1, "{ics} has its ICB");
    }
}

async fn the_board_records_sign_up_and_each_ics_shows_its_gaps(app: TestApp) {
    let board = app.sign_in("board@demo.test").await;
    let slam = app.sign_in("slam@demo.test").await;
    assert_eq!(
        sign(&app, &slam, SLAM, "", "2023-07-19").await.status,
        StatusCode::FORBIDDEN,
        "partners do not record it"
    );
    let admin = app.sign_in("admin@demo.test").await;
    assert_eq!(sign(&app, &admin, SLAM, "", "2023-07-19").await.status, StatusCode::FORBIDDEN);

    let bad = sign(&app, &board, SLAM, "NEL", "2099-01-01").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("signed_on") && bad.body.contains("does not serve NEL"), "{}", bad.body);
    assert_eq!(sign(&app, &board, "no-such-organisation", "", "2023-07-19").await.status, StatusCode::NOT_FOUND);

    let signed = sign(&app, &board, SLAM, "SEL", "2023-07-19").await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);

    // The public API names the role, not the person; a token holder sees both.
    let public = find(&app.get("/api/v1/organisations").await.json(), SLAM).clone();
    assert_eq!(public["signed_up"]["signed_on"], "2023-07-19");
    assert_eq!(public["signed_up"]["icss"], serde_json::json!(["SEL"]));
    assert_eq!(public["signed_up"]["signatory_role"], "Chief Executive");
    assert!(public["signed_up"]["signatory_name"].is_null());
    let request = axum::http::Request::get("/api/v1/organisations").header("authorization", "Bearer demo-token-board");
    let with_token = app.send(request.body(axum::body::Body::empty()).expect("request")).await.json();
    assert_eq!(find(&with_token, SLAM)["signed_up"]["signatory_name"], "Dr Jane Chief");

    // SEL's page: SLaM among the signatories, Oxleas still missing; no person named in public.
    let sel = app.get("/ics/SEL").await;
    assert!(sel.body.contains("Concordat sign-up: 1 of 11 required agencies"), "{}", sel.body);
    let missing = sel.body.split("Required agencies that have not signed").nth(1).unwrap_or_default();
    let (missing, signatories) = missing.split_once("Signatories").unwrap_or_default();
    assert!(missing.contains("Oxleas NHS Foundation Trust") && !missing.contains("South London and Maudsley"));
    assert!(signatories.contains("South London and Maudsley"));
    assert!(!sel.body.contains("Dr Jane Chief"));
    // SWL needs SLaM too (it serves Croydon), and SLaM signed for SEL only.
    let summary = app.post_form("/api/signup/summary", None, &[]).await.json();
    let swl = summary["icss"].as_array().expect("icss").iter().find(|i| i["ics"] == "SWL").expect("SWL").clone();
    assert!(swl["missing"].as_array().expect("missing").iter().any(|o| o["id"] == SLAM));
    assert_eq!(app.get("/sign-up").await.status, StatusCode::OK);

    let withdrawn =
        app.post_form("/api/signup/withdraw", Some(&board), &[("csrf", &board.csrf), ("organisation_id", SLAM)]).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert!(find(&app.get("/api/v1/organisations").await.json(), SLAM)["signed_up"].is_null());
    let again =
        app.post_form("/api/signup/withdraw", Some(&board), &[("csrf", &board.csrf), ("organisation_id", SLAM)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'sign_up' ORDER BY occurred_at, id")
            .fetch_all(&app.pool)
            .await
            .expect("audit");
    assert_eq!(actions, ["set", "remove"]);
}

fn organisation_form<'a>(csrf: &'a str, id: &'a str, version: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("id", id),
        ("version", version),
        ("name", name),
        ("short_name", "CCC"),
        ("kind", "vcse"),
        ("ics", "SWL"),
        ("also_serves", "SEL"),
        ("ods", ""),
        ("ons", ""),
        ("started_on", "2025-04-01"),
        ("retired_on", ""),
        ("successor_id", ""),
    ]
}

async fn organisations_are_added_edited_and_retired_with_versions(app: TestApp) {
    let board = app.sign_in("board@demo.test").await;
    let slam = app.sign_in("slam@demo.test").await;
    let refused = app
        .post_form(
            "/api/organisations/save",
            Some(&slam),
            &organisation_form(&slam.csrf, "", "0", "Croydon Crisis Cafe"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let added = app
        .post_form(
            "/api/organisations/save",
            Some(&board),
            &organisation_form(&board.csrf, "", "0", "Croydon Crisis Cafe"),
        )
        .await;
    assert!(added.status.is_success() || added.status.is_redirection(), "{}: {}", added.status, added.body);
    let id = "croydon-crisis-cafe";
    let listed = app.get("/api/v1/organisations").await.json();
    assert_eq!(find(&listed, id)["icss"], serde_json::json!(["SEL", "SWL"]));
    let duplicate = app
        .post_form(
            "/api/organisations/save",
            Some(&board),
            &organisation_form(&board.csrf, "", "0", "croydon crisis cafe"),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::BAD_REQUEST, "{}", duplicate.body);

    let edited = app
        .post_form(
            "/api/organisations/save",
            Some(&board),
            &organisation_form(&board.csrf, id, "1", "Croydon Crisis Café"),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let stale = app
        .post_form("/api/organisations/save", Some(&board), &organisation_form(&board.csrf, id, "1", "Lost Edit"))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "an edit of an old version is refused: {}", stale.body);

    let mut bad = organisation_form(&board.csrf, id, "2", "");
    bad[6] = ("ics", "XYZ");
    bad[8] = ("ods", "not a code");
    let refused = app.post_form("/api/organisations/save", Some(&board), &bad).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    for field in ["name", "ics", "ods"] {
        assert!(refused.body.contains(&format!("\"field\":\"{field}\"")), "{field}: {}", refused.body);
    }

    // Retired into a successor by an admin: it stays, marked, and leaves the ICS page.
    let admin = app.sign_in("admin@demo.test").await;
    let mut retire = organisation_form(&admin.csrf, id, "2", "Croydon Crisis Café");
    retire[11] = ("retired_on", "2025-12-31");
    retire[12] = ("successor_id", SLAM);
    let retired = app.post_form("/api/organisations/save", Some(&admin), &retire).await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);
    let listed = app.get("/api/v1/organisations").await.json();
    assert_eq!(find(&listed, id)["retired"], true);
    assert_eq!(find(&listed, id)["successor"], SLAM);
    assert!(!app.get("/ics/SWL").await.body.contains("Croydon Crisis Café"));

    let page = app.get(&format!("/organisations/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Version 3") && page.body.contains("Version 1"), "every version is listed");
    assert!(!page.body.contains("@demo.test"), "the public page names no one");
    assert_eq!(app.get("/organisations/no-such-organisation").await.status, StatusCode::NOT_FOUND);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'organisation' AND entity_id = $1 ORDER BY occurred_at, id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("audit");
    assert_eq!(actions, ["create", "update", "update"]);
}

/// Without JavaScript a successful post comes back to the form's page with
/// `?done=` naming the server function, and the page confirms what was done;
/// the next post's outcome replaces it.
async fn a_signature_posted_without_javascript_is_confirmed(app: TestApp) {
    let board = app.sign_in("board@demo.test").await;
    // As a browser sends it: no query, no fragment (Leptos answers with `…?`).
    let page = "http://localhost/organisations/oxleas-nhs-foundation-trust";
    let form = [
        ("csrf", board.csrf.as_str()),
        ("organisation_id", "oxleas-nhs-foundation-trust"),
        ("signed_on", "2023-07-19"),
        ("signatory_name", "Ify Okocha"),
        ("signatory_role", "Chief Executive"),
        ("icss", ""),
    ];
    let reply = app.post_plain_form("/api/signup/record", &board, page, &form).await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let location = reply.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(location, "http://localhost/organisations/oxleas-nhs-foundation-trust?done=signup%2Frecord");
    let confirmed = app.get_as(location.trim_start_matches("http://localhost"), &board).await;
    assert!(confirmed.body.contains("Signature recorded."), "{}", confirmed.body);
    assert!(confirmed.body.contains("Signed on 2023-07-19 by Ify Okocha"), "{}", confirmed.body);
    let plain = app.get_as("/organisations/oxleas-nhs-foundation-trust", &board).await;
    assert!(!plain.body.contains("Signature recorded."), "only just after the post");

    let refused = app.post_plain_form("/api/signup/record", &board, &location, &[("csrf", board.csrf.as_str())]).await;
    let location = refused.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(location.contains("problem=") && !location.contains("done="), "{location}");
}
