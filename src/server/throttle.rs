//! Sign-in throttling: one attempt's keys (the account tried and the client's
//! address), counted before the password is checked and given back if it
//! was right; and the device cookie that lets a browser which has signed in
//! to an account before keep trying that account while its address is locked.

use super::secrets;
use crate::db::throttle::Counted;
use crate::db::{self, Pool};
use crate::domain::throttle::{describe_wait, ACCOUNT, ADDRESS};
use crate::error::AppError;
use axum::extract::ConnectInfo;
use chrono::{Duration, Utc};
use sqlx::{Any, Transaction};
use std::net::{IpAddr, SocketAddr};

/// The cookie naming a browser that has signed in before (OWASP's device
/// cookie). It holds a random token; the server keeps its hash beside the
/// accounts signed in to from it.
pub const DEVICE_COOKIE: &str = "concordat_device";
/// How long a browser stays known after its last sign-in.
pub const DEVICE_DAYS: i64 = 90;

/// The keys one password attempt is counted under.
pub struct Attempt {
    account_key: String,
    address_key: String,
    /// The browser has signed in to this account before: the address's count
    /// does not apply to it (the account's does).
    known_device: bool,
}

/// An attempt counted before its password is checked. Dropped without
/// `settle_success`, it stays counted as a failure.
pub struct Reservation {
    account_key: String,
    counted: Vec<Counted>,
}

impl Attempt {
    /// `email` as typed (normalised); the key holds its hash, not the address.
    pub fn new(email: &str, client_address: &str) -> Attempt {
        Attempt {
            account_key: format!("account:{}", secrets::token_hash(email)),
            address_key: format!("address:{client_address}"),
            known_device: false,
        }
    }

    /// The same attempt, from a browser that showed `device_token` (its device
    /// cookie), if that browser has signed in to this account before.
    pub async fn from_device(mut self, pool: &Pool, device_token: Option<&str>) -> Result<Attempt, AppError> {
        if let Some(token) = device_token.filter(|token| !token.is_empty() && token.len() <= 128) {
            self.known_device =
                db::throttle::device_known(pool, &secrets::token_hash(token), &self.account_key).await?;
        }
        Ok(self)
    }

    /// Counts the attempt before the password is checked: 429 while the
    /// account (or, from an unknown browser, the address) is locked, saying how
    /// long to wait. Parallel attempts are counted one by one, so no more than
    /// the policy's free failures are ever checked before the lock closes.
    pub async fn reserve(&self, pool: &Pool) -> Result<Reservation, AppError> {
        let mut keys = vec![(self.account_key.as_str(), &ACCOUNT)];
        if !self.known_device {
            keys.push((self.address_key.as_str(), &ADDRESS));
        }
        match db::throttle::reserve(pool, &keys).await? {
            Ok(counted) => Ok(Reservation { account_key: self.account_key.clone(), counted }),
            Err(until) => {
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
        }
    }

    /// Remembers this browser for this account after a successful sign-in:
    /// the token its device cookie carries (the one it showed, or a new one).
    pub async fn remember_device(
        &self,
        tx: &mut Transaction<'_, Any>,
        device_token: Option<&str>,
    ) -> Result<String, sqlx::Error> {
        let token = device_token
            .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
            .map_or_else(secrets::random_token, str::to_owned);
        let expires_at = Utc::now() + Duration::days(DEVICE_DAYS);
        db::throttle::remember_device(tx, &secrets::token_hash(&token), &self.account_key, expires_at).await?;
        Ok(token)
    }
}

impl Reservation {
    /// The password was right. The account's count starts again. The
    /// address's only gets this attempt back: otherwise one account of the
    /// attacker's own would reset the count between guesses at other
    /// accounts; it is forgotten an hour after its last failure instead.
    pub async fn settle_success(&self, tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
        for counted in &self.counted {
            if counted.key == self.account_key {
                db::throttle::clear(tx, &counted.key).await?;
            } else {
                db::throttle::refund(tx, counted).await?;
            }
        }
        Ok(())
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
