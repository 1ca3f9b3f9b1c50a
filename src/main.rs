//! The server binary: reads configuration, opens (creating, migrating and seeding)
//! the database, and serves the app.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use tracing_subscriber::EnvFilter;

    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();

    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("concordat-tracker: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
async fn run() -> Result<(), String> {
    use concordat_tracker::server::{config::Config, serve, AppState};
    use leptos::prelude::get_configuration;

    let config = Config::from_env().map_err(|e| e.to_string())?;
    let leptos_options = get_configuration(None).map_err(|e| format!("Leptos configuration: {e}"))?.leptos_options;
    tracing::info!(database = %config.redacted_database_url(), "opening database");
    let pool = concordat_tracker::db::open(&config.database_url)
        .await
        .map_err(|e| format!("{e} (DATABASE_URL={})", config.redacted_database_url()))?;
    serve(AppState { leptos_options, pool }).await.map_err(|e| format!("server stopped: {e}"))
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts from `hydrate()` in lib.rs; this binary is server-only.
}
