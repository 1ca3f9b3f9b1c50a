//! Configuration, read once at start-up from the environment (see README).

use crate::db::{Backend, DEFAULT_DATABASE_URL};

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path/to/file.db` (default) or `postgres://…`.
    pub database_url: String,
    /// `CONCORDAT_DEMO=1`: create the demo accounts and tokens (see README). Never for deployments.
    pub demo: bool,
    /// `CONCORDAT_SUBMISSION_DAYS`: days after a quarter ends that submissions are due (default 20).
    pub submission_days: u32,
    /// `CONCORDAT_BEHIND_PROXY=1`: a reverse proxy in front appends the client's
    /// address to `X-Forwarded-For`, and sign-in throttling counts by that
    /// address. Off by default, since anyone can send that header.
    pub behind_proxy: bool,
    /// `CONCORDAT_SESSION_IDLE_MINUTES`: a session unused for this long ends
    /// (default 30, from 1 to 720), beside its absolute 12-hour lifetime.
    pub session_idle_minutes: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("DATABASE_URL is not valid: {0}")]
    DatabaseUrl(String),
    #[error("{0} must be 1 or 0, not {1:?}")]
    Switch(&'static str, String),
    #[error("CONCORDAT_SUBMISSION_DAYS must be a whole number of days from 0 to 366, not {0:?}")]
    SubmissionDays(String),
    #[error("CONCORDAT_SESSION_IDLE_MINUTES must be a whole number of minutes from 1 to 720, not {0:?}")]
    SessionIdleMinutes(String),
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads from any key lookup, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url =
            lookup("DATABASE_URL").filter(|v| !v.trim().is_empty()).unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        Backend::from_url(&database_url).map_err(|e| ConfigError::DatabaseUrl(e.to_string()))?;
        let demo = switch(&lookup, "CONCORDAT_DEMO")?;
        let behind_proxy = switch(&lookup, "CONCORDAT_BEHIND_PROXY")?;
        let submission_days = match lookup("CONCORDAT_SUBMISSION_DAYS").as_deref().map(str::trim) {
            None | Some("") => crate::domain::period::DEFAULT_SUBMISSION_DAYS,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|days| *days <= 366)
                .ok_or_else(|| ConfigError::SubmissionDays(text.to_string()))?,
        };
        let session_idle_minutes = match lookup("CONCORDAT_SESSION_IDLE_MINUTES").as_deref().map(str::trim) {
            None | Some("") => crate::server::auth::DEFAULT_IDLE_MINUTES,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|minutes| (1..=720).contains(minutes))
                .ok_or_else(|| ConfigError::SessionIdleMinutes(text.to_string()))?,
        };
        Ok(Config { database_url, demo, submission_days, behind_proxy, session_idle_minutes })
    }

    /// The database URL with any password replaced, for logs.
    pub fn redacted_database_url(&self) -> String {
        redact_password(&self.database_url)
    }
}

/// An on/off setting: `1` or `true`, `0` or `false`; unset is off.
fn switch(lookup: &impl Fn(&str) -> Option<String>, key: &'static str) -> Result<bool, ConfigError> {
    match lookup(key).as_deref().map(str::trim) {
        None | Some("") | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(other) => Err(ConfigError::Switch(key, other.to_string())),
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                url.to_string()
            }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_sqlite() {
        let config = Config::from_lookup(|_| None).expect("valid");
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        let blank = Config::from_lookup(|_| Some("  ".into())).expect("valid");
        assert_eq!(blank.database_url, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn demo_mode_is_off_unless_asked_for() {
        assert!(!Config::from_lookup(|_| None).expect("valid").demo);
        let on = Config::from_lookup(|k| (k == "CONCORDAT_DEMO").then(|| "1".to_string())).expect("valid");
        assert!(on.demo);
        let refused = Config::from_lookup(|k| (k == "CONCORDAT_DEMO").then(|| "yes please".to_string()));
        assert_eq!(refused.expect_err("refused").to_string(), "CONCORDAT_DEMO must be 1 or 0, not \"yes please\"");
    }

    #[test]
    fn forwarded_addresses_are_trusted_only_when_asked() {
        assert!(!Config::from_lookup(|_| None).expect("valid").behind_proxy);
        let on = Config::from_lookup(|k| (k == "CONCORDAT_BEHIND_PROXY").then(|| "true".to_string())).expect("valid");
        assert!(on.behind_proxy);
        assert!(Config::from_lookup(|k| (k == "CONCORDAT_BEHIND_PROXY").then(|| "2".to_string())).is_err());
    }

    #[test]
    fn submission_days_are_configurable() {
        assert_eq!(Config::from_lookup(|_| None).expect("valid").submission_days, 20);
        let set =
            |v: &'static str| Config::from_lookup(move |k| (k == "CONCORDAT_SUBMISSION_DAYS").then(|| v.to_string()));
        assert_eq!(set("30").expect("valid").submission_days, 30);
        assert!(set("-1").is_err());
        assert!(set("a month").is_err());
    }

    #[test]
    fn the_idle_timeout_is_configurable() {
        assert_eq!(Config::from_lookup(|_| None).expect("valid").session_idle_minutes, 30);
        let set = |v: &'static str| {
            Config::from_lookup(move |k| (k == "CONCORDAT_SESSION_IDLE_MINUTES").then(|| v.to_string()))
        };
        assert_eq!(set("15").expect("valid").session_idle_minutes, 15);
        for refused in ["0", "721", "half an hour", "-5"] {
            assert!(set(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn refuses_unknown_databases() {
        let err = Config::from_lookup(|_| Some("mysql://localhost/x".into())).unwrap_err();
        assert!(err.to_string().contains("sqlite: or postgres://"), "{err}");
    }

    #[test]
    fn passwords_never_reach_the_log() {
        let config = Config {
            database_url: "postgres://app:s3cret@db:5432/concordat".into(),
            demo: false,
            submission_days: 20,
            behind_proxy: false,
            session_idle_minutes: 30,
        };
        assert_eq!(config.redacted_database_url(), "postgres://app:***@db:5432/concordat");
        let plain = Config {
            database_url: "postgres://postgres@127.0.0.1/test".into(),
            demo: false,
            submission_days: 20,
            behind_proxy: false,
            session_idle_minutes: 30,
        };
        assert_eq!(plain.redacted_database_url(), "postgres://postgres@127.0.0.1/test");
    }
}
