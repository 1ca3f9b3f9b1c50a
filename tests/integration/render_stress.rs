//! Every page, anonymous and signed in, rendered many at once through the real
//! router, while further routers are built beside it (as a second instance in the
//! same process would). A render that stalls fails the test; it once did at
//! random (see `route_list` in src/web.rs).

use crate::app_tests;
use crate::support::{app_state, Browser, TestApp};
use axum::http::StatusCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

app_tests! {
    every_page_renders_under_concurrent_load => every_page_renders_under_concurrent_load;
}

const AT_ONCE: usize = 16;
const ROUNDS: usize = 50;
/// Far beyond any render here; only a stalled one gets near it.
const SLOWEST_ALLOWED: Duration = Duration::from_secs(10);

/// Every page route, with the status each answers anonymously and signed in.
fn page_routes(evidence_id: &str) -> Vec<(String, StatusCode, StatusCode)> {
    let ok = StatusCode::OK;
    let mut routes: Vec<(String, StatusCode, StatusCode)> = [
        "/",
        "/ics",
        "/ics/SEL",
        "/commitments/P1.C1",
        "/sign-in",
        "/metrics",
        "/metrics/m_s136_detentions",
        "/status",
        "/status?period=2023-24-Q1",
        "/status/SEL/P1.C1",
    ]
    .into_iter()
    .map(|path| (path.to_string(), ok, ok))
    .collect();
    routes.push((format!("/evidence/{evidence_id}"), ok, ok));
    // Pages for signed-in users say so to anonymous visitors.
    for path in ["/me", "/readings", "/account", "/audit", "/admin/users"] {
        routes.push((path.to_string(), StatusCode::UNAUTHORIZED, ok));
    }
    routes.push(("/ics/XYZ".to_string(), StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    routes.push(("/no-such-page".to_string(), StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    routes
}

async fn get_page(app: &TestApp, path: &str, browser: Option<&Browser>) -> (StatusCode, Duration) {
    let mut request = axum::http::Request::get(path);
    if let Some(browser) = browser {
        request = request.header("cookie", &browser.cookie);
    }
    let started = Instant::now();
    let reply =
        tokio::time::timeout(SLOWEST_ALLOWED, app.send(request.body(axum::body::Body::empty()).expect("request")))
            .await
            .unwrap_or_else(|_| panic!("no response to {path} within {SLOWEST_ALLOWED:?}: a stalled render"));
    (reply.status, started.elapsed())
}

async fn every_page_renders_under_concurrent_load(app: TestApp) {
    // The admin may see every page, the admin page included.
    let admin = app.sign_in("admin@demo.test").await;
    let slam = app.sign_in("slam@demo.test").await;
    let evidence_id: String = sqlx::query_scalar("SELECT id FROM evidence ORDER BY id LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .expect("seeded evidence");
    let routes = Arc::new(page_routes(&evidence_id));

    // An unknown address is the app's 404 page, with the signed-in header like
    // any other page (it once rendered without the app's state: no user).
    let missing = app.get_as("/no-such-page", &slam).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("slam@demo.test"), "{}", missing.body);

    // Every route once, checked for its status, before the load.
    for (path, anonymous, signed_in) in routes.iter() {
        assert_eq!(get_page(&app, path, None).await.0, *anonymous, "{path} anonymous");
        assert_eq!(get_page(&app, path, Some(&admin)).await.0, *signed_in, "{path} signed in");
    }

    let app = Arc::new(app);
    let browsers = Arc::new([None, Some(admin), Some(slam)]);
    for round in 0..ROUNDS {
        let mut renders = tokio::task::JoinSet::new();
        for slot in 0..AT_ONCE {
            let (app, routes, browsers) = (app.clone(), routes.clone(), browsers.clone());
            let n = round * AT_ONCE + slot;
            renders.spawn(async move {
                let (path, _, _) = &routes[n % routes.len()];
                let browser = browsers[(n / routes.len()) % browsers.len()].as_ref();
                let (status, took) = get_page(&app, path, browser).await;
                assert!(took < SLOWEST_ALLOWED, "{path} took {took:?} in round {round}");
                assert!(!status.is_server_error(), "{path}: {status} in round {round}");
            });
        }
        // A router built while pages render, as by another instance in this process.
        let pool = app.pool.clone();
        renders.spawn(async move {
            let _ = concordat_tracker::web::router(app_state(pool));
        });
        while let Some(result) = renders.join_next().await {
            result.expect("render task");
        }
    }
}
