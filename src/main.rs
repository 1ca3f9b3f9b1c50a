//! The server binary: reads configuration, opens (creating, migrating and seeding)
//! the database, and serves the app. `admin create` makes the first admin;
//! `generate` fills a new database with a London-at-scale data set for benchmarks.

/// mimalloc returns freed memory to the system; glibc's malloc kept each
/// worker thread's peak (a big import, a cold matrix) as resident memory.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3); the
/// Rust binding names no constant for it. The test below checks the index.
#[cfg(feature = "ssr")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once, not after mimalloc v3's
/// default second: with requests arriving more often than that, the delayed
/// purges kept most of each big request's peak resident (the benchmark's RSS
/// went from about 110 MB to 75 MB with this).
#[cfg(feature = "ssr")]
fn purge_freed_memory_at_once() {
    // SAFETY: mi_option_set only stores the option's value, and 0 is a valid
    // purge delay ("immediate"); it may be called at any time from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use tracing_subscriber::EnvFilter;

    purge_freed_memory_at_once();

    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => run().await,
        Some("admin") => cli::admin(&args[1..]).await,
        Some("generate") => cli::generate(&args[1..]).await,
        Some("--help") | Some("-h") | Some("help") => {
            println!("{}", cli::USAGE);
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{}", cli::USAGE)),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("concordat-tracker: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
async fn open_database() -> Result<(concordat_tracker::server::config::Config, concordat_tracker::db::Pool), String> {
    use concordat_tracker::server::config::Config;
    let config = Config::from_env().map_err(|e| e.to_string())?;
    tracing::info!(database = %config.redacted_database_url(), "opening database");
    let pool = concordat_tracker::db::open(&config.database_url)
        .await
        .map_err(|e| format!("{e} (DATABASE_URL={})", config.redacted_database_url()))?;
    Ok((config, pool))
}

#[cfg(feature = "ssr")]
async fn run() -> Result<(), String> {
    use concordat_tracker::server::{demo, AppState};
    use concordat_tracker::web::serve;
    use leptos::prelude::get_configuration;

    let leptos_options = get_configuration(None).map_err(|e| format!("Leptos configuration: {e}"))?.leptos_options;
    let (config, pool) = open_database().await?;
    if config.demo {
        tracing::warn!("demo mode: demo accounts and API tokens are enabled (password demo-password)");
        demo::seed(&pool).await.map_err(|e| format!("cannot create the demo accounts: {e}"))?;
    } else {
        let switched_off =
            demo::deactivate_accounts(&pool).await.map_err(|e| format!("cannot switch off the demo accounts: {e}"))?;
        if switched_off > 0 {
            tracing::warn!(switched_off, "demo mode is off: demo accounts deactivated");
        }
    }
    concordat_tracker::server::auth::set_idle_minutes(config.session_idle_minutes);
    let submission_days = config.submission_days;
    let behind_proxy = config.behind_proxy;
    serve(AppState { leptos_options, pool, submission_days, behind_proxy })
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

#[cfg(feature = "ssr")]
mod cli {
    use concordat_tracker::db::audit::Actor;
    use concordat_tracker::domain::permission::Role;
    use concordat_tracker::server::accounts::{create_user, NewAccount};
    use concordat_tracker::server::generate::Options;
    use std::io::{BufRead, IsTerminal, Write};

    pub const USAGE: &str = "usage:
  concordat-tracker                 serve the app (configuration from the environment)
  concordat-tracker admin create --email EMAIL [--organisation ID] [--name NAME]
      creates an admin; the password is read from CONCORDAT_ADMIN_PASSWORD or,
      if that is unset, from the first line of standard input (never echoed)
  concordat-tracker generate --evidence N --readings N [--seed S] [--metrics M]
      fills a new database (DATABASE_URL) with a London-at-scale data set for
      benchmarks: N evidence entries and N readings (new figures, then revisions
      once the catalogue's figures are all written), returns in every state and
      the accounts that wrote them, for every period from 2023-24-Q1 to the
      current one. The same seed (default 1) gives the same data. --metrics M
      first adds copies of the seeded metrics until M are in use (the seeded 16
      allow about 9,000 distinct figures). Refuses a database that already has
      evidence, readings or returns";

    fn flag(args: &[String], name: &str) -> Option<String> {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
    }

    fn read_password() -> Result<String, String> {
        if let Ok(password) = std::env::var("CONCORDAT_ADMIN_PASSWORD") {
            return Ok(password);
        }
        let stdin = std::io::stdin();
        let interactive = stdin.is_terminal();
        if interactive {
            eprint!("Password for the new admin: ");
            let _ = std::process::Command::new("stty").arg("-echo").status();
        }
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        if interactive {
            let _ = std::process::Command::new("stty").arg("echo").status();
            eprintln!();
        }
        read.map_err(|e| format!("cannot read the password: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }

    /// Reads `generate`'s arguments: both counts are required whole numbers.
    pub fn generate_options(args: &[String]) -> Result<Options, String> {
        let mut counts: [(&str, Option<u64>); 4] =
            [("--evidence", None), ("--readings", None), ("--seed", Some(1)), ("--metrics", Some(0))];
        let mut rest = args.iter();
        while let Some(name) = rest.next() {
            let Some((_, slot)) = counts.iter_mut().find(|(flag, _)| flag == name) else {
                return Err(format!("generate does not take {name:?}\n\n{USAGE}"));
            };
            let value = rest.next().ok_or_else(|| format!("{name} needs a number\n\n{USAGE}"))?;
            *slot = Some(value.trim().parse::<u64>().map_err(|_| {
                if value.trim().starts_with('-') {
                    format!("{name} cannot be negative (got {value:?})")
                } else {
                    format!("{name} must be a whole number of 0 or more, not {value:?}")
                }
            })?);
        }
        let [(_, evidence), (_, readings), (_, seed), (_, metrics)] = counts;
        let required = |count: Option<u64>, name: &str| count.ok_or_else(|| format!("{name} is required\n\n{USAGE}"));
        Ok(Options {
            evidence: required(evidence, "--evidence")?,
            readings: required(readings, "--readings")?,
            seed: seed.unwrap_or(1),
            metrics: metrics.unwrap_or(0),
            show_progress: true,
        })
    }

    pub async fn generate(args: &[String]) -> Result<(), String> {
        let options = generate_options(args)?;
        let (_, pool) = super::open_database().await?;
        let summary =
            concordat_tracker::server::generate::generate(&pool, &options).await.map_err(|e| e.to_string())?;
        // Not `println!`, which panics when standard output is closed (`| head`).
        writeln!(std::io::stdout(), "{summary}").map_err(|e| format!("cannot print the summary: {e}"))
    }

    pub async fn admin(args: &[String]) -> Result<(), String> {
        if args.first().map(String::as_str) != Some("create") {
            return Err(USAGE.to_string());
        }
        let email = flag(args, "--email").ok_or_else(|| format!("--email is required\n\n{USAGE}"))?;
        let organisation =
            flag(args, "--organisation").unwrap_or_else(|| "london-uec-mental-health-recovery-board".into());
        let name = flag(args, "--name").unwrap_or_else(|| "Administrator".into());
        let password = read_password()?;
        let (_, pool) = super::open_database().await?;
        let account = NewAccount {
            email,
            display_name: name,
            password: Some(password),
            role: Role::Admin,
            organisation_id: organisation,
            lead_ics: None,
        };
        let created = create_user(&pool, Actor::System("command line"), &account).await.map_err(|e| e.to_string())?;
        println!("created admin {} ({})", created.email, created.id);
        Ok(())
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle starts from `hydrate()` in lib.rs; this binary is server-only.
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        use libmimalloc_sys::mi_option_get;
        // SAFETY: reading an option has no preconditions.
        let default = unsafe { mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000, "mimalloc v3's default purge delay, 1000 ms (src/options.c)");
        super::purge_freed_memory_at_once();
        // SAFETY: as above.
        assert_eq!(unsafe { mi_option_get(super::MI_OPTION_PURGE_DELAY) }, 0);
    }

    use super::cli::generate_options;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn generate_takes_two_counts_and_a_seed() {
        let options = generate_options(&args("--evidence 100000 --readings 200000")).expect("valid");
        assert_eq!((options.evidence, options.readings, options.seed), (100_000, 200_000, 1));
        let options = generate_options(&args("--seed 9 --readings 0 --evidence 5")).expect("valid");
        assert_eq!((options.evidence, options.readings, options.seed), (5, 0, 9));
    }

    #[test]
    fn generate_refuses_counts_that_are_not_whole_numbers() {
        let refused = |text: &str| generate_options(&args(text)).expect_err(text);
        assert!(refused("--evidence -5 --readings 1").contains("--evidence cannot be negative"));
        assert!(refused("--evidence lots --readings 1").contains("--evidence must be a whole number"));
        assert!(refused("--evidence 1.5 --readings 1").contains("whole number"));
        assert!(refused("--evidence 1").contains("--readings is required"));
        assert!(refused("--evidence 1 --readings").contains("--readings needs a number"));
        assert!(refused("--evidence 1 --readings 2 --force").contains("does not take \"--force\""));
    }
}
