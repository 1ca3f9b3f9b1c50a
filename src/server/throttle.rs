//! Sign-in throttling: one attempt's keys (the account tried and the client's
//! address), checked before the password is and counted after it fails.

use super::secrets;
use crate::db::{self, Pool};
use crate::domain::throttle::{describe_wait, ACCOUNT, ADDRESS};
use crate::error::AppError;
use axum::extract::ConnectInfo;
use chrono::Utc;
use sqlx::{Any, Transaction};
use std::net::{IpAddr, SocketAddr};

/// The keys one password attempt is counted under.
pub struct Attempt {
    account_key: String,
    address_key: String,
}

impl Attempt {
    /// `email` as typed (normalised); the key holds its hash, not the address.
    pub fn new(email: &str, client_address: &str) -> Attempt {
        Attempt {
            account_key: format!("account:{}", secrets::token_hash(email)),
            address_key: format!("address:{client_address}"),
        }
    }

    /// 429 while the account or the address is locked, saying how long to wait.
    pub async fn check_open(&self, pool: &Pool) -> Result<(), AppError> {
        let Some(until) = db::throttle::locked_until(pool, &[&self.account_key, &self.address_key]).await? else {
            return Ok(());
        };
        let seconds = (until - Utc::now()).num_seconds().max(1);
        tracing::warn!(seconds, "sign-in refused while throttled");
        Err(AppError::TooManyRequests {
            retry_after_seconds: u64::try_from(seconds).unwrap_or(1),
            message: format!(
                "Too many failed attempts to sign in. To protect the account, signing in is paused: try again in {}.",
                describe_wait(seconds)
            ),
        })
    }

    pub async fn record_failure(&self, tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
        db::throttle::record_failure(tx, &self.account_key, &ACCOUNT).await?;
        db::throttle::record_failure(tx, &self.address_key, &ADDRESS).await
    }

    /// The account's count starts again. The address's does not: otherwise one
    /// account of the attacker's own would reset the count between guesses at
    /// other accounts; it is forgotten an hour after its last failure instead.
    pub async fn record_success(&self, tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
        db::throttle::clear(tx, &self.account_key).await
    }
}

/// The client's address: with a trusted reverse proxy in front, the last
/// address in `X-Forwarded-For` (the one the proxy added; earlier ones are
/// whatever the client claimed); otherwise the connection's peer.
pub fn client_address(parts: &http::request::Parts, behind_proxy: bool) -> String {
    if behind_proxy {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .rfind(|value| !value.is_empty())
            .and_then(|value| value.parse::<IpAddr>().ok());
        if let Some(address) = forwarded {
            return address.to_string();
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::client_address;

    fn parts(forwarded: Option<&str>, peer: Option<&str>) -> http::request::Parts {
        let mut request = http::Request::builder();
        if let Some(value) = forwarded {
            request = request.header("x-forwarded-for", value);
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        if let Some(peer) = peer {
            parts.extensions.insert(axum::extract::ConnectInfo(peer.parse::<std::net::SocketAddr>().expect("addr")));
        }
        parts
    }

    #[test]
    fn the_peer_counts_unless_a_trusted_proxy_names_the_client() {
        let spoofed = parts(Some("203.0.113.9"), Some("198.51.100.7:5000"));
        assert_eq!(client_address(&spoofed, false), "198.51.100.7");
        assert_eq!(client_address(&spoofed, true), "203.0.113.9");
        let chain = parts(Some("1.1.1.1, 203.0.113.9"), Some("10.0.0.2:80"));
        assert_eq!(client_address(&chain, true), "203.0.113.9", "the proxy appends the real client last");
        let garbage = parts(Some("not an address"), Some("10.0.0.2:80"));
        assert_eq!(client_address(&garbage, true), "10.0.0.2");
        assert_eq!(client_address(&parts(None, None), false), "unknown");
    }
}
