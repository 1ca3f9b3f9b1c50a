//! Writes under concurrency: many writers at once, and two app instances on one
//! database. Correctness, not timing: no request fails, every acknowledged value
//! is stored, and every value replaced is kept in the history.

use crate::app_tests;
use crate::support::TestApp;
use axum::http::StatusCode;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

app_tests! {
    concurrent_writers_never_fail_and_lose_nothing => concurrent_writers_never_fail_and_lose_nothing;
    two_instances_share_sessions_and_write_together => two_instances_share_sessions_and_write_together;
}

const WRITERS: usize = 50;
const BATCHES_PER_WRITER: usize = 8;
/// Few readings, so that writers collide on the same rows all the time.
const PERIODS: [&str; 2] = ["2023-24-Q1", "2023-24-Q2"];
const ICSS: [&str; 2] = ["SEL", "NEL"];

/// The reading writer `writer` sets in its `batch`-th request, with a value no
/// other write uses, so every stored or replaced value can be traced to its write.
fn write_of(writer: usize, batch: usize) -> (String, String, f64) {
    let n = writer + batch;
    let ics = ICSS[n % ICSS.len()].to_string();
    let period = PERIODS[(n / ICSS.len()) % PERIODS.len()].to_string();
    (ics, period, (writer * 1000 + batch) as f64)
}

/// Posts one-row batches of `m_s136_detentions` from `writers` at once, spread
/// over `instances`; returns each acknowledged value by (ICS, period).
async fn write_concurrently(instances: &[Arc<TestApp>], writers: usize) -> BTreeMap<(String, String), BTreeSet<u64>> {
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..writers {
        let app = instances[writer % instances.len()].clone();
        tasks.spawn(async move {
            let mut acknowledged = Vec::new();
            for batch in 0..BATCHES_PER_WRITER {
                let (ics, period, value) = write_of(writer, batch);
                let body =
                    format!(r#"[{{"metric":"m_s136_detentions","ics":"{ics}","period":"{period}","value":{value}}}]"#);
                let reply = app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &body).await;
                assert_eq!(reply.status, StatusCode::OK, "writer {writer} batch {batch}: {}", reply.body);
                acknowledged.push(((ics, period), value as u64));
            }
            acknowledged
        });
    }
    let mut written: BTreeMap<(String, String), BTreeSet<u64>> = BTreeMap::new();
    while let Some(result) = tasks.join_next().await {
        for (key, value) in result.expect("writer finished") {
            written.entry(key).or_default().insert(value);
        }
    }
    written
}

/// Every acknowledged value is either the reading's current value or in its
/// history, and nothing else is.
async fn assert_nothing_lost(app: &TestApp, written: &BTreeMap<(String, String), BTreeSet<u64>>) {
    for ((ics, period), values) in written {
        let current: f64 = sqlx::query_scalar(
            "SELECT value FROM reading WHERE metric_id = 'm_s136_detentions' AND ics_code = $1 AND period = $2 AND partner_id = ''",
        )
        .bind(ics)
        .bind(period)
        .fetch_one(&app.pool)
        .await
        .expect("the reading is stored");
        let replaced: Vec<f64> = sqlx::query_scalar(
            "SELECT h.value FROM reading_history h JOIN reading r ON r.id = h.reading_id
             WHERE r.metric_id = 'm_s136_detentions' AND r.ics_code = $1 AND r.period = $2 AND r.partner_id = ''",
        )
        .bind(ics)
        .bind(period)
        .fetch_all(&app.pool)
        .await
        .expect("history");
        let mut stored: Vec<u64> = replaced.iter().map(|v| *v as u64).collect();
        stored.push(current as u64);
        stored.sort_unstable();
        let expected: Vec<u64> = values.iter().copied().collect();
        assert_eq!(
            stored, expected,
            "{ics} {period}: the current value and the history hold exactly the acknowledged writes"
        );
    }
}

async fn concurrent_writers_never_fail_and_lose_nothing(app: TestApp) {
    let app = Arc::new(app);
    let written = write_concurrently(std::slice::from_ref(&app), WRITERS).await;
    assert_eq!(written.values().map(BTreeSet::len).sum::<usize>(), WRITERS * BATCHES_PER_WRITER);
    assert_nothing_lost(&app, &written).await;
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'reading'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(audited as usize, WRITERS * BATCHES_PER_WRITER, "every write is audited");
}

async fn two_instances_share_sessions_and_write_together(first: TestApp) {
    let second = first.second_instance().await;

    // Signed in on one instance, recognised on the other: sessions live in the database.
    let browser = first.sign_in("slam@demo.test").await;
    let me = second
        .send(
            axum::http::Request::post("/api/auth/me")
                .header("cookie", &browser.cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["email"], "slam@demo.test");
    assert_eq!(me.json()["csrf_token"], browser.csrf.as_str(), "the same session, with its CSRF token");
    // A form posted to the second instance with the session from the first.
    let token = second
        .post_form("/api/tokens/create", Some(&browser), &[("csrf", &browser.csrf), ("name", "from instance two")])
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);

    let instances = [Arc::new(first), Arc::new(second)];
    let written = write_concurrently(&instances, WRITERS).await;
    assert_nothing_lost(&instances[0], &written).await;
    assert_nothing_lost(&instances[1], &written).await;
}
