//! Cached views under writes (issue 24): a write invalidates what it changes
//! and only that, on every app instance, and whatever the writes, what a
//! cached view serves is what computing it afresh gives.

use crate::app_tests;
use crate::support::TestApp;
use axum::http::StatusCode;
use concordat_tracker::domain::period::ReportingPeriod;
use concordat_tracker::server::{board_pack, cache, status};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

app_tests! {
    a_write_on_one_instance_is_seen_by_the_other_next => a_write_on_one_instance_is_seen_by_the_other_next;
    a_write_recomputes_only_what_it_changed => a_write_recomputes_only_what_it_changed;
    accounts_and_sessions_leave_content_alone => accounts_and_sessions_leave_content_alone;
    readers_of_a_cold_part_wait_for_one_computation => readers_of_a_cold_part_wait_for_one_computation;
    cached_views_always_equal_fresh_ones => cached_views_always_equal_fresh_ones;
    pages_and_exports_carry_validators => pages_and_exports_carry_validators;
    responses_are_compressed_when_the_client_accepts_it => responses_are_compressed_when_the_client_accepts_it;
}

const Q1: &str = "2023-24-Q1";
const Q2: &str = "2023-24-Q2";

fn quarter(text: &str) -> ReportingPeriod {
    ReportingPeriod::parse(text).expect("period")
}

fn reading(metric: &str, ics: &str, period: &str, value: f64) -> String {
    format!(r#"[{{"metric":"{metric}","ics":"{ics}","period":"{period}","value":{value}}}]"#)
}

async fn post_reading(app: &TestApp, metric: &str, ics: &str, period: &str, value: f64) {
    let reply = app
        .post_api(
            "/api/v1/readings",
            Some("demo-token-board"),
            "application/json",
            &reading(metric, ics, period, value),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

fn cell_rag(status: &serde_json::Value, ics: &str, commitment: &str) -> String {
    status["icss"]
        .as_array()
        .and_then(|icss| icss.iter().find(|i| i["ics"] == ics))
        .and_then(|i| i["principles"].as_array())
        .and_then(|ps| {
            ps.iter().flat_map(|p| p["commitments"].as_array().into_iter().flatten()).find(|c| c["id"] == commitment)
        })
        .and_then(|c| c["rag"].as_str())
        .unwrap_or_else(|| panic!("{ics} {commitment} missing from {status}"))
        .to_string()
}

/// How many parts named `name` (a kind and a period, such as `figures
/// 2023-24-Q1`) an instance has computed.
async fn computed(app: &TestApp, name: &str) -> u64 {
    let versions = status::versions(&app.pool, quarter(Q1)).await.expect("versions");
    cache::computed(&versions.database, name)
}

async fn a_write_on_one_instance_is_seen_by_the_other_next(first: TestApp) {
    let second = first.second_instance().await;
    let path = format!("/api/v1/status?period={Q1}");
    post_reading(&first, "m_liaison_1h", "SEL", Q1, 90.0).await;
    for app in [&first, &second] {
        assert_eq!(cell_rag(&app.get(&path).await.json(), "SEL", "P3.C2"), "green");
    }
    // Both instances have it cached; a write through the first changes it on the second.
    post_reading(&first, "m_liaison_1h", "SEL", Q1, 70.0).await;
    assert_eq!(cell_rag(&second.get(&path).await.json(), "SEL", "P3.C2"), "red", "the second instance's next read");
    post_reading(&second, "m_liaison_1h", "SEL", Q1, 80.0).await;
    assert_eq!(cell_rag(&first.get(&path).await.json(), "SEL", "P3.C2"), "amber", "and the other way round");
    // The board pack and the cell's page too.
    let pack = first.get(&format!("/board-pack?period={Q1}")).await;
    assert_eq!(pack.status, StatusCode::OK);
    post_reading(&second, "m_liaison_1h", "SEL", Q1, 95.0).await;
    let cell = first.get(&format!("/status/SEL/P3.C2?period={Q1}")).await;
    assert!(cell.body.contains("95%"), "the cell's page on the first instance shows the second's write");
}

async fn a_write_recomputes_only_what_it_changed(app: TestApp) {
    let read_both = || async {
        for period in [Q1, Q2] {
            let reply = app.get(&format!("/api/v1/status?period={period}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        }
    };
    read_both().await;
    let figures_q1 = computed(&app, &format!("figures {Q1}")).await;
    let figures_q2 = computed(&app, &format!("figures {Q2}")).await;
    let evidence_q2 = computed(&app, &format!("evidence {Q2}")).await;
    assert_eq!(figures_q1, 5, "each ICS's figures, once");
    read_both().await;
    assert_eq!(computed(&app, &format!("figures {Q1}")).await, figures_q1, "nothing changed, nothing computed");

    // A reading for SEL in Q2: SEL's Q2 figures only; not NCL's, not Q1's.
    post_reading(&app, "m_liaison_1h", "SEL", Q2, 80.0).await;
    read_both().await;
    assert_eq!(computed(&app, &format!("figures {Q1}")).await, figures_q1, "an earlier period is untouched");
    assert_eq!(computed(&app, &format!("figures {Q2}")).await, figures_q2 + 1, "one ICS recomputed");
    assert_eq!(computed(&app, &format!("evidence {Q2}")).await, evidence_q2, "evidence is not recounted");

    // Evidence for one commitment in SEL, Q2: that cell's evidence only.
    let slam = app.sign_in("slam@demo.test").await;
    let form = [
        ("csrf", slam.csrf.as_str()),
        ("id", ""),
        ("version", "0"),
        ("organisation_id", ""),
        ("ics", ""),
        ("commitment_id", "P3.C2"),
        ("action_id", ""),
        ("period", Q2),
        ("narrative", "Core 24 staffing agreed"),
        ("delivery_status", "at_risk"),
        ("milestone", ""),
        ("milestone_due", ""),
        ("milestone_completed", ""),
        ("links", ""),
    ];
    let saved = app.post_form("/api/evidence/save", Some(&slam), &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let figures_q2 = computed(&app, &format!("figures {Q2}")).await;
    read_both().await;
    assert_eq!(computed(&app, &format!("evidence {Q2}")).await, evidence_q2 + 1, "one cell recounted");
    assert_eq!(computed(&app, &format!("figures {Q2}")).await, figures_q2, "figures are not recomputed");
    let status = app.get(&format!("/api/v1/status?period={Q2}")).await.json();
    assert_eq!(cell_rag(&status, "SEL", "P3.C2"), "amber", "at risk");
}

async fn accounts_and_sessions_leave_content_alone(app: TestApp) {
    let path = format!("/api/v1/status?period={Q1}");
    post_reading(&app, "m_liaison_1h", "SEL", Q1, 90.0).await;
    assert_eq!(app.get(&path).await.status, StatusCode::OK);
    let before = computed(&app, &format!("status {Q1}")).await;
    let content_before = concordat_tracker::db::freshness::content_sum(&app.pool).await.expect("versions");

    // Sign in, fail to, make a token, sign out, sign out with a made-up cookie.
    let browser = app.sign_in("slam@demo.test").await;
    let wrong = app.post_form("/api/auth/sign-in", None, &[("email", "slam@demo.test"), ("password", "wrong")]).await;
    assert!(wrong.status.is_client_error(), "{}", wrong.status);
    let token =
        app.post_form("/api/tokens/create", Some(&browser), &[("csrf", &browser.csrf), ("name", "script")]).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let out = app.post_form("/api/auth/sign-out", Some(&browser), &[("csrf", &browser.csrf)]).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.status);
    let made_up = crate::support::Browser { cookie: "concordat_session=made-up".into(), csrf: String::new() };
    app.post_form("/api/auth/sign-out", Some(&made_up), &[("csrf", "made-up")]).await;

    assert_eq!(app.get(&path).await.status, StatusCode::OK);
    assert_eq!(computed(&app, &format!("status {Q1}")).await, before, "the cached status was served");
    let content_after = concordat_tracker::db::freshness::content_sum(&app.pool).await.expect("versions");
    assert_eq!(content_after, content_before, "no content version moved");
}

async fn readers_of_a_cold_part_wait_for_one_computation(app: TestApp) {
    let path = format!("/api/v1/status?period={Q1}");
    assert_eq!(app.get(&path).await.status, StatusCode::OK);
    post_reading(&app, "m_liaison_1h", "SEL", Q1, 75.0).await;
    let (status, figures) =
        (computed(&app, &format!("status {Q1}")).await, computed(&app, &format!("figures {Q1}")).await);
    // Sixteen readers at once of what the write made cold.
    let app = std::sync::Arc::new(app);
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (app, path) = (app.clone(), path.clone());
        readers.spawn(async move { app.get(&path).await });
    }
    while let Some(reply) = readers.join_next().await {
        let reply = reply.expect("reader");
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(cell_rag(&reply.json(), "SEL", "P3.C2"), "amber", "each sees the write");
    }
    assert_eq!(computed(&app, &format!("status {Q1}")).await, status + 1, "the status was composed once");
    assert_eq!(computed(&app, &format!("figures {Q1}")).await, figures + 1, "SEL's figures were computed once");
}

/// One random write, through the app as its users make them; whether it was
/// made. Some are refused (a step the return's state does not allow): that is
/// part of it.
async fn random_write(
    app: &TestApp,
    rng: &mut ChaCha8Rng,
    board: &crate::support::Browser,
    slam: &crate::support::Browser,
) -> bool {
    let period = [Q1, Q2][rng.random_range(0..2)];
    let ics = ["SEL", "NEL"][rng.random_range(0..2)];
    let value = f64::from(rng.random_range(40..100u32));
    let status = match rng.random_range(0..9) {
        0 | 1 => {
            let metric = ["m_liaison_1h", "m_s136_detentions", "m_core24_eds"][rng.random_range(0..3)];
            let body = reading(metric, ics, period, value);
            app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &body).await.status
        }
        2 => {
            // A month of a monthly metric, if the catalogue has one; its quarter's figure.
            let month = ["2023-04", "2023-05", "2023-08"][rng.random_range(0..3)];
            let body = reading("m_ed_12h_mh", ics, month, value);
            app.post_api("/api/v1/readings", Some("demo-token-board"), "application/json", &body).await.status
        }
        3 => {
            let body = format!(
                r#"[{{"metric":"m_liaison_1h","ics":"SEL","period":"{period}","value":{value},"partner":"south-london-and-maudsley-nhs-foundation-trust"}}]"#
            );
            app.post_api("/api/v1/readings", Some("demo-token-slam"), "application/json", &body).await.status
        }
        4 => {
            let commitment = ["P3.C2", "P1.C1"][rng.random_range(0..2)];
            let status = ["on_track", "at_risk", "off_track", "complete", ""][rng.random_range(0..5)];
            let due = ["", "2023-05-31", "2023-09-30", "2024-03-31"][rng.random_range(0..4)];
            let completed = if due.is_empty() || rng.random_bool(0.5) { "" } else { "2023-08-15" };
            let milestone = if due.is_empty() { "" } else { "A milestone" };
            let form = [
                ("csrf", slam.csrf.as_str()),
                ("id", ""),
                ("version", "0"),
                ("organisation_id", ""),
                ("ics", ""),
                ("commitment_id", commitment),
                ("action_id", ""),
                ("period", period),
                ("narrative", "Progress made"),
                ("delivery_status", status),
                ("milestone", milestone),
                ("milestone_due", due),
                ("milestone_completed", completed),
                ("links", ""),
            ];
            app.post_form("/api/evidence/save", Some(slam), &form).await.status
        }
        5 => {
            let rag = ["red", "amber", "green"][rng.random_range(0..3)];
            let form = [
                ("csrf", board.csrf.as_str()),
                ("ics", ics),
                ("commitment_id", "P3.C2"),
                ("period", period),
                ("rag", rag),
                ("rationale", "Agreed at the board"),
                ("expires_after", Q2),
            ];
            app.post_form("/api/status/override", Some(board), &form).await.status
        }
        6 => {
            let target = format!("{}", rng.random_range(60..90u32));
            let amber = format!("{}", rng.random_range(40..60u32));
            let form = [
                ("csrf", board.csrf.as_str()),
                ("metric_id", "m_liaison_1h"),
                ("ics", ics),
                ("target", target.as_str()),
                ("amber", amber.as_str()),
            ];
            app.post_form("/api/metrics/ics-target", Some(board), &form).await.status
        }
        7 => {
            let (action, who) =
                [("submit", slam), ("accept", board), ("query", board), ("return", board)][rng.random_range(0..4)];
            let form = [
                ("csrf", who.csrf.as_str()),
                ("organisation", "south-london-and-maudsley-nhs-foundation-trust"),
                ("period", period),
                ("action", action),
                ("note", "Please say more"),
            ];
            app.post_form("/api/submissions/step", Some(who), &form).await.status
        }
        _ => {
            let endpoint = if rng.random_bool(0.6) { "/api/metrics/rebase" } else { "/api/metrics/rebase/remove" };
            let form = [
                ("csrf", board.csrf.as_str()),
                ("metric_id", "m_liaison_1h"),
                ("ics", ics),
                ("period", period),
                ("reason", "New service model"),
            ];
            app.post_form(endpoint, Some(board), &form).await.status
        }
    };
    status == StatusCode::OK
}

/// What the views of `period` serve on `app`, cached and computed afresh, must be equal.
async fn assert_views_fresh(app: &TestApp, period: &str, step: usize) {
    let pool = &app.pool;
    let days = concordat_tracker::domain::period::DEFAULT_SUBMISSION_DAYS;
    let cached = status::london(pool, quarter(period)).await.expect("status");
    let fresh = cache::bypassing(status::london(pool, quarter(period))).await.expect("fresh status");
    assert_eq!(cached.status, fresh.status, "step {step}, {period}: the status");
    assert_eq!(cached.spc, fresh.spc, "step {step}, {period}: Making Data Count");
    assert_eq!(cached.reviews, fresh.reviews, "step {step}, {period}: reviews");
    assert_eq!(cached.sources, fresh.sources, "step {step}, {period}: sources");
    assert_eq!(cached.states, fresh.states, "step {step}, {period}: return states");
    let pack = board_pack::live(pool, days, None, period).await.expect("pack");
    let fresh_pack = cache::bypassing(board_pack::live(pool, days, None, period)).await.expect("fresh pack");
    let without_time = |mut page: concordat_tracker::model::board_pack::BoardPackPage| {
        page.pack.generated_at = String::new();
        page
    };
    assert_eq!(without_time(pack), without_time(fresh_pack), "step {step}, {period}: the board pack");
    for (ics, commitment) in [("SEL", "P3.C2"), ("NEL", "P3.C2"), ("SEL", "P1.C1")] {
        let cell = status::cell_detail(pool, None, ics, commitment, period).await.expect("cell");
        let fresh_cell =
            cache::bypassing(status::cell_detail(pool, None, ics, commitment, period)).await.expect("cell");
        assert_eq!(cell, fresh_cell, "step {step}, {period}: {ics} {commitment}'s page");
        // Counted (the matrix) and listed (the cell's page), the statuses agree.
        let summary = cached.status.icss.iter().find(|i| i.ics == ics).and_then(|i| i.cell(commitment)).expect("cell");
        let listed = &cell.cell;
        assert_eq!(
            (
                summary.rag,
                summary.computed.rag,
                summary.computed.delivery,
                summary.computed.outcome,
                summary.computed.mismatch
            ),
            (
                listed.rag,
                listed.computed.rag,
                listed.computed.delivery,
                listed.computed.outcome,
                listed.computed.mismatch
            ),
            "step {step}, {period}: {ics} {commitment} counted and listed"
        );
    }
}

/// What the database keeps beside the readings and evidence for London's
/// views (each ICS-level series as one row, each cell's evidence counted) is
/// what the readings and evidence themselves say.
async fn assert_kept_digests_match(app: &TestApp, step: usize) {
    use std::collections::BTreeMap;
    let pool = &app.pool;
    let rows: Vec<(String, String, String, f64)> =
        sqlx::query_as("SELECT metric_id, ics_code, period, value FROM reading WHERE partner_id = ''")
            .fetch_all(pool)
            .await
            .expect("readings");
    let mut from_rows: BTreeMap<(String, String), Vec<(String, u64)>> = BTreeMap::new();
    for (metric, ics, period, value) in rows {
        from_rows.entry((metric, ics)).or_default().push((period, value.to_bits()));
    }
    let icss: Vec<String> = ["NCL", "NEL", "NWL", "SEL", "SWL"].map(String::from).to_vec();
    let mut kept: BTreeMap<(String, String), Vec<(String, u64)>> = BTreeMap::new();
    for (key, points) in concordat_tracker::db::readings::kept_series(pool, &icss).await.expect("kept series") {
        let points = concordat_tracker::db::readings::decode_series(&points).expect("decoded");
        kept.insert(key, points.into_iter().map(|(period, value)| (period, value.to_bits())).collect());
    }
    for points in from_rows.values_mut().chain(kept.values_mut()) {
        points.sort();
    }
    kept.retain(|_, points| !points.is_empty());
    assert_eq!(kept, from_rows, "step {step}: each kept series is its readings, bit for bit");

    let counted: Vec<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT c.period, c.ics_code, c.commitment_id, c.entries, c.organisations FROM evidence_cell c ORDER BY 1, 2, 3",
    )
    .fetch_all(pool)
    .await
    .expect("evidence cells");
    for (period, ics, commitment, entries, organisations) in counted {
        let listed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM evidence WHERE period = $1 AND ics_code = $2 AND commitment_id = $3",
        )
        .bind(&period)
        .bind(&ics)
        .bind(&commitment)
        .fetch_one(pool)
        .await
        .expect("count");
        assert_eq!(entries, listed, "step {step}: {period} {ics} {commitment} counts its entries");
        let total: i64 = organisations
            .split(',')
            .filter(|item| !item.is_empty())
            .map(|item| item.rsplit('|').next().and_then(|n| n.parse::<i64>().ok()).expect("count"))
            .sum();
        assert_eq!(total, listed, "step {step}: {period} {ics} {commitment} counts them by organisation");
    }
}

async fn cached_views_always_equal_fresh_ones(first: TestApp) {
    let second = first.second_instance().await;
    let board = first.sign_in("board@demo.test").await;
    let slam = first.sign_in("slam@demo.test").await;
    let mut rng = ChaCha8Rng::seed_from_u64(24);
    for period in [Q1, Q2] {
        assert_views_fresh(&first, period, 0).await;
        assert_views_fresh(&second, period, 0).await;
    }
    let mut made = 0;
    for step in 1..=40 {
        let writer = if rng.random_bool(0.5) { &first } else { &second };
        made += usize::from(random_write(writer, &mut rng, &board, &slam).await);
        assert_kept_digests_match(&first, step).await;
        for app in [&first, &second] {
            for period in [Q1, Q2] {
                assert_views_fresh(app, period, step).await;
            }
        }
    }
    assert!(made >= 25, "most writes are made ({made} of 40): the test changes what the views show");
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> crate::support::Reply {
    let mut request = axum::http::Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(axum::body::Body::empty()).expect("request")).await
}

async fn pages_and_exports_carry_validators(app: TestApp) {
    for path in [
        format!("/status?period={Q1}"),
        format!("/api/v1/status?period={Q1}"),
        format!("/status.csv?period={Q1}"),
        "/".into(),
    ] {
        let first = app.get(&path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let tag =
            first.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{path} has an ETag"));
        assert_eq!(first.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-cache"), "{path}");
        let again = get_with(&app, &path, &[("if-none-match", tag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path} unchanged");
        assert!(again.body.is_empty(), "a 304 has no body");
        assert_eq!(again.headers.get("etag").and_then(|v| v.to_str().ok()), Some(tag));
        assert!(
            again.headers.get("content-security-policy").is_none(),
            "a 304 keeps the stored page's policy, which names its scripts' nonce"
        );
        let other = get_with(&app, &path, &[("if-none-match", "W/\"stale\"")]).await;
        assert_eq!(other.status, StatusCode::OK, "{path} with another tag");
    }
    // A write changes the tag; a sign-in does not.
    let path = format!("/api/v1/status?period={Q1}");
    let tag = app.get(&path).await.headers.get("etag").cloned().expect("tag");
    app.sign_in("slam@demo.test").await;
    assert_eq!(app.get(&path).await.headers.get("etag"), Some(&tag), "a sign-in leaves the content as it was");
    post_reading(&app, "m_liaison_1h", "SEL", Q1, 70.0).await;
    let after = app.get(&path).await;
    assert_ne!(after.headers.get("etag"), Some(&tag), "a reading changes it");
    let stale = get_with(&app, &path, &[("if-none-match", tag.to_str().expect("tag"))]).await;
    assert_eq!(stale.status, StatusCode::OK, "the old tag gets the new content");
    assert_eq!(cell_rag(&stale.json(), "SEL", "P3.C2"), "red");

    // Signed-in pages are never stored, so they carry no validator.
    let board = app.sign_in("board@demo.test").await;
    let signed_in = app.get_as(&format!("/status?period={Q1}"), &board).await;
    assert!(signed_in.headers.get("etag").is_none());
    assert_eq!(signed_in.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
}

async fn responses_are_compressed_when_the_client_accepts_it(app: TestApp) {
    post_reading(&app, "m_liaison_1h", "SEL", Q1, 80.0).await;
    for (path, kind) in [
        (format!("/status?period={Q1}"), "text/html"),
        (format!("/api/v1/status?period={Q1}"), "application/json"),
        (format!("/status.csv?period={Q1}"), "text/csv"),
        (format!("/readings.csv?period={Q1}"), "text/csv"),
    ] {
        for encoding in ["br", "gzip"] {
            let reply = get_with(&app, &path, &[("accept-encoding", encoding)]).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}");
            let header =
                |name: &str| reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            assert!(header("content-type").starts_with(kind), "{path}: {}", header("content-type"));
            assert_eq!(header("content-encoding"), encoding, "{path} in {encoding}");
            assert!(header("vary").to_ascii_lowercase().contains("accept-encoding"), "{path} varies by encoding");
        }
        let plain = app.get(&path).await;
        assert!(plain.headers.get("content-encoding").is_none(), "{path} without Accept-Encoding is plain");
    }
    // A spreadsheet is a zip file already.
    let xlsx = get_with(&app, &format!("/readings.xlsx?period={Q1}"), &[("accept-encoding", "gzip")]).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers.get("content-encoding").is_none(), "xlsx is not compressed again");
}
