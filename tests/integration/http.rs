//! The HTTP surface: health, the JSON API and server-rendered pages.

use crate::on_both_backends;
use crate::support::{app_state, TestDb};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use concordat_tracker::web::router;
use tower::ServiceExt;

on_both_backends! {
    health_and_api => health_and_api;
    pages_render_without_javascript => pages_render_without_javascript;
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String) {
    // A stalled server render must fail the test, not hang the suite.
    let response = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        app.clone().oneshot(Request::get(uri).body(Body::empty()).expect("request")),
    )
    .await
    .unwrap_or_else(|_| panic!("no response to {uri} within 30 s"))
    .expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 10 * 1024 * 1024).await.expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn health_and_api(test_db: TestDb) {
    let app = router(app_state(test_db.open().await));

    assert_eq!(get(&app, "/healthz").await, (StatusCode::OK, "ok".to_string()));

    let (status, body) = get(&app, "/api/v1/concordat").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let principles = json["principles"].as_array().expect("principles");
    assert_eq!(principles.len(), 4);
    let ids: Vec<&str> = principles
        .iter()
        .flat_map(|p| p["commitments"].as_array().into_iter().flatten())
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 14);
    assert_eq!(ids.first(), Some(&"P1.C1"));
    assert_eq!(ids.last(), Some(&"P4.C5"));
    assert_eq!(principles[0]["commitments"][0]["actions"][0]["id"], "P1.C1.a");
}

async fn pages_render_without_javascript(test_db: TestDb) {
    let app = router(app_state(test_db.open().await));

    let (status, home) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    for principle in 1..=4 {
        assert!(home.contains(&format!("Principle {principle}")), "principle {principle} missing");
    }
    let commitments = home.matches("data-commitment=\"P").count();
    assert_eq!(commitments, 14, "all commitments are in the HTML, none waits for JavaScript");
    assert!(home.contains("anti-racist and culturally competent"));

    let (status, ics) = get(&app, "/ics/SEL").await;
    assert_eq!(status, StatusCode::OK);
    for borough in ["Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"] {
        assert!(ics.contains(borough), "{borough} missing");
    }
    assert!(ics.contains("Oxleas NHS Foundation Trust"));
    assert!(ics.contains("Latest evidence") && ics.contains("data-evidence="), "the ICS page shows recent evidence");

    let (status, list) = get(&app, "/ics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("North Central London") && list.contains("/ics/SWL"));

    let (status, missing) = get(&app, "/ics/XYZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("ICS XYZ was not found"));

    let (status, hostile) = get(&app, "/ics/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!hostile.contains("<script>alert(1)"), "input is escaped, never echoed raw");

    let (status, _) = get(&app, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
