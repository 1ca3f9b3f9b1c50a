//! The whole app as an axum router — pages, server functions, REST API and
//! assets — and serving it. It sits above every other layer, since it puts the
//! pages (`app`) and the server side (`server`) together.

use crate::app::{shell, App};
use crate::server::workbook_reader::MAX_WORKBOOK_BYTES;
use crate::server::{auth, conditional, errors, exports, figures, flash, headers, rest, spc, uploads, AppState};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// The app's routes, found once per process.
///
/// Why once: `generate_route_list` renders the app with resource loading
/// suppressed by a *process-global* flag (leptos_router's `RouteList::generate`
/// sets leptos_server's `IS_SUPPRESSING_RESOURCE_LOAD`). A resource first polled
/// on another thread while that flag is up parks on `pending()` for ever, so a
/// page being rendered while a second router is built never arrives
/// (leptos-rs/leptos#4773). That is what stalled the integration suite at
/// random: every test built its own router while other tests rendered pages. It
/// would stall a real server the same way if it ever built a router after it
/// began serving (two instances in one process, say). Generating the list once,
/// before any router exists, means the flag can never be up while a page renders:
/// every caller of `router` waits here until the first generation has finished.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole app as an axum router: pages, server functions, REST API and assets.
/// Tests build it with their own pool.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    Router::new()
        .route("/healthz", get(rest::healthz))
        .route("/api/v1/concordat", get(rest::concordat))
        .route("/api/v1/organisations", get(rest::organisations))
        .route("/api/v1/submissions", get(rest::get_submissions).post(rest::post_submission))
        .route(
            "/api/v1/readings",
            get(rest::get_readings)
                .post(rest::post_readings)
                // Room for a spreadsheet; the handler names the limit when a file passes it.
                .layer(DefaultBodyLimit::max(MAX_WORKBOOK_BYTES + 64 * 1024)),
        )
        // Read field by field, each field capped (see `uploads`); the whole
        // body is bounded too: a workbook, a CSV file and pasted CSV at most.
        .route(
            "/readings/upload",
            post(uploads::upload_workbook).layer(DefaultBodyLimit::max(3 * MAX_WORKBOOK_BYTES + 64 * 1024)),
        )
        .route("/me/figures.xlsx", get(figures::template_download))
        .route("/readings.csv", get(rest::export_readings_csv))
        .route("/readings.xlsx", get(rest::export_readings_xlsx))
        .route("/status.csv", get(exports::status_csv))
        .route("/submissions.csv", get(exports::submissions_csv))
        .route("/sign-up.csv", get(exports::sign_up_csv))
        .route("/api/v1/status", get(rest::get_status))
        .route("/api/v1/status/{ics}/{commitment}", get(rest::get_cell_status))
        // A series of at most 1,000 values: refused before parsing when larger.
        .route("/api/v1/spc", get(spc::get_spc).post(spc::post_spc).layer(DefaultBodyLimit::max(spc::MAX_SPC_BODY)))
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        // An unknown address renders the app's 404 page, which (like every page)
        // reads the signed-in user through the state.
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let state = state.clone();
                move || leptos::prelude::provide_context(state.clone())
            },
            shell,
        ))
        .layer(DefaultBodyLimit::max(rest::MAX_READINGS_BODY))
        .layer(axum::middleware::from_fn_with_state(state.clone(), errors::server_fn_error_status))
        .layer(axum::middleware::from_fn_with_state(state.pool.clone(), flash::restore))
        .layer(axum::middleware::from_fn_with_state(state.clone(), conditional::conditional_get))
        .layer(axum::middleware::from_fn(auth::reject_cross_site))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(compression())
        .with_state(state)
}

/// Responses compressed as the client accepts (brotli, else gzip), with
/// `Vary: Accept-Encoding`: pages, JSON, CSV, SVG and the WASM. Spreadsheets
/// are zip files already, and images other than SVG are compressed already.
/// Quality 4 of either: the best of both for answers made per request
/// (brotli's highest takes tens of times longer for a few per cent).
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate =
        DefaultPredicate::new().and(NotForContentType::const_new("application/vnd.openxmlformats-officedocument"));
    CompressionLayer::new().quality(CompressionLevel::Precise(4)).compress_when(predicate)
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(state: AppState) -> std::io::Result<()> {
    let addr = state.leptos_options.site_addr;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    // The peer's address is kept for sign-in throttling (see `server::throttle`).
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
