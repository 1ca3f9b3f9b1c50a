//! Fresh databases for each test, on both backends, removed afterwards.

use concordat_tracker::db::{self, Pool};
use concordat_tracker::server::AppState;
use leptos::prelude::LeptosOptions;
use sqlx::{Connection, Executor};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The maintenance database on the local PostgreSQL server; each test creates its own
/// database beside it.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("ct_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database that exists for one test. `url` opens it again (to test restarts).
pub struct TestDb {
    pub url: String,
    pub kind: Kind,
    name: String,
}

impl TestDb {
    pub async fn new(kind: Kind) -> TestDb {
        sqlx::any::install_default_drivers();
        let name = unique_name();
        let url = match kind {
            Kind::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                format!("sqlite://{}", path.display())
            }
            Kind::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed for these tests: {e}"));
                conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
                conn.close().await.expect("close admin connection");
                let base = admin.rsplit_once('/').map(|(base, _)| base).expect("database URL has a path");
                format!("{base}/{name}")
            }
        };
        TestDb { url, kind, name }
    }

    /// Connects, migrates and seeds, as the app does at start-up.
    pub async fn open(&self) -> Pool {
        db::open(&self.url).await.expect("database opens, migrates and seeds")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self.kind {
            Kind::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", self.name));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Kind::Postgres => {
                // Drop runs inside the test's runtime, so the async clean-up gets its own.
                let name = self.name.clone();
                let cleanup = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    runtime.block_on(async move {
                        if let Ok(mut conn) = sqlx::AnyConnection::connect(&postgres_admin_url()).await {
                            let _ = conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
                        }
                    });
                });
                let _ = cleanup.join();
            }
        }
    }
}

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder().output_name("concordat_tracker").site_root("target/site").build()
}

pub fn app_state(pool: Pool) -> AppState {
    AppState {
        leptos_options: leptos_options(),
        pool,
        submission_days: concordat_tracker::domain::period::DEFAULT_SUBMISSION_DAYS,
        behind_proxy: false,
    }
}

/// Row count of a table (the name comes from the test, never from input).
pub async fn count(pool: &Pool, table: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("count {table}: {e}"))
}

/// Declares `name::sqlite` and `name::postgres` tests running `body(TestDb)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident => $body:ident;)+) => {
        $(
            mod $name {
                use $crate::support::{Kind, TestDb};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$body(TestDb::new(Kind::Sqlite).await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$body(TestDb::new(Kind::Postgres).await).await;
                }
            }
        )+
    };
}

/// The whole app over a fresh database, with the demo accounts and tokens.
pub struct TestApp {
    pub router: axum::Router,
    pub pool: Pool,
    /// Held so the database is removed when the test (and every instance on it)
    /// ends, not before.
    database: std::sync::Arc<TestDb>,
}

/// A signed-in browser: its cookie and the CSRF token its forms carry.
#[derive(Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    pub async fn new(kind: Kind) -> TestApp {
        let db = TestDb::new(kind).await;
        let pool = db.open().await;
        concordat_tracker::server::demo::seed(&pool).await.expect("demo accounts");
        let router = concordat_tracker::web::router(app_state(pool.clone()));
        TestApp { router, pool, database: std::sync::Arc::new(db) }
    }

    /// A second app instance on the same database, with its own pool and router,
    /// started (connected, migrated, seeded) as a second server would be.
    pub async fn second_instance(&self) -> TestApp {
        let pool = self.database.open().await;
        let router = concordat_tracker::web::router(app_state(pool.clone()));
        TestApp { router, pool, database: self.database.clone() }
    }

    pub async fn send(&self, request: axum::http::Request<axum::body::Body>) -> Reply {
        use tower::ServiceExt;
        let uri = request.uri().to_string();
        // A stalled server render must fail the test, not hang the suite.
        let response = tokio::time::timeout(std::time::Duration::from_secs(30), self.router.clone().oneshot(request))
            .await
            .unwrap_or_else(|_| panic!("no response to {uri} within 30 s"))
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.expect("body");
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Posts a form to a server function, as a script in the page would.
    pub async fn post_form(&self, path: &str, browser: Option<&Browser>, fields: &[(&str, &str)]) -> Reply {
        let mut request = axum::http::Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json");
        if let Some(browser) = browser {
            request = request.header("cookie", &browser.cookie);
        }
        self.send(request.body(axum::body::Body::from(form_body(fields))).expect("request")).await
    }

    /// A form posted without JavaScript from the page at `referer`: the
    /// browser asks for HTML and is sent back there.
    pub async fn post_plain_form(
        &self,
        path: &str,
        browser: &Browser,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let request = axum::http::Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("referer", referer)
            .header("cookie", &browser.cookie);
        self.send(request.body(axum::body::Body::from(form_body(fields))).expect("request")).await
    }

    pub async fn sign_in(&self, email: &str) -> Browser {
        let request = axum::http::Request::post("/api/auth/sign-in")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(axum::body::Body::from(form_body(&[("email", email), ("password", "demo-password")])))
            .expect("request");
        use tower::ServiceExt;
        let response = self.router.clone().oneshot(request).await.expect("response");
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "sign-in of {email}: {}",
            response.status()
        );
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("concordat_session="))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_string();
        let me = self
            .send(
                axum::http::Request::post("/api/auth/me")
                    .header("cookie", &cookie)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        let csrf = me.json()["csrf_token"].as_str().expect("csrf token").to_string();
        Browser { cookie, csrf }
    }

    pub async fn post_api(&self, path: &str, token: Option<&str>, content_type: &str, body: &str) -> Reply {
        let mut request = axum::http::Request::post(path).header("content-type", content_type);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(axum::body::Body::from(body.to_string())).expect("request")).await
    }

    /// As `post_api`, with a body of any bytes (a spreadsheet).
    pub async fn post_api_bytes(&self, path: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> Reply {
        let mut request = axum::http::Request::post(path).header("content-type", content_type);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(axum::body::Body::from(body)).expect("request")).await
    }

    /// Posts a file as the `/readings` page's upload form does (multipart,
    /// with the CSRF token first), as a browser without JavaScript would.
    pub async fn upload(&self, path: &str, browser: &Browser, csrf: &str, filename: &str, file: &[u8]) -> Reply {
        self.post_multipart(path, browser, csrf, &[("workbook", Some(filename), file)]).await
    }

    /// A multipart form post, as a browser sends it without JavaScript: the
    /// CSRF token, then each part (a file when it has a file name).
    pub async fn post_multipart(
        &self,
        path: &str,
        browser: &Browser,
        csrf: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> Reply {
        let boundary = "----concordat-test-boundary";
        let mut body =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").into_bytes();
        for (name, filename, content) in parts {
            let disposition = match filename {
                Some(filename) => {
                    format!("name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream")
                }
                None => format!("name=\"{name}\""),
            };
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = axum::http::Request::post(path)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .header("accept", "text/html")
            .header("cookie", &browser.cookie);
        self.send(request.body(axum::body::Body::from(body)).expect("request")).await
    }

    /// A page or API read by a signed-in browser.
    pub async fn get_as(&self, path: &str, browser: &Browser) -> Reply {
        let request = axum::http::Request::get(path).header("cookie", &browser.cookie);
        self.send(request.body(axum::body::Body::empty()).expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(axum::http::Request::get(path).body(axum::body::Body::empty()).expect("request")).await
    }
}

/// A reporting period that has not started yet.
pub fn future_period() -> String {
    let today = chrono::Utc::now().date_naive();
    concordat_tracker::domain::period::ReportingPeriod::containing(today).next().to_string()
}

/// The fields of the admin's new-account form (`/api/users/create`).
pub fn new_account_fields<'a>(
    csrf: &'a str,
    email: &'a str,
    role: &'a str,
    organisation_id: &'a str,
) -> [(&'a str, &'a str); 6] {
    [
        ("csrf", csrf),
        ("email", email),
        ("display_name", "New Person"),
        ("role", role),
        ("organisation_id", organisation_id),
        ("lead_ics", ""),
    ]
}

/// Declares `name::sqlite` and `name::postgres` tests running `body(TestApp)`.
#[macro_export]
macro_rules! app_tests {
    ($($name:ident => $body:ident;)+) => {
        $(
            mod $name {
                use $crate::support::{Kind, TestApp};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$body(TestApp::new(Kind::Sqlite).await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$body(TestApp::new(Kind::Postgres).await).await;
                }
            }
        )+
    };
}
