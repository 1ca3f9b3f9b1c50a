//! Passwords, session tokens and API tokens.
//!
//! Passwords are hashed with argon2id (slow on purpose). Session and API tokens
//! are 256 random bits, so a fast SHA-256 is enough to store them: only the hash
//! is kept, and a database leak reveals no usable token.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use crate::domain::validation::FieldError;
use crate::error::AppError;

/// Shortest password accepted when an account is created.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted: bounds the hashing work one request can cause.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Stored in place of a hash for an account whose password has not been set
/// yet (it was made with a set-password link): no password matches it.
pub const NO_PASSWORD: &str = "!";

/// How many argon2 computations run at once. Each takes about 19 MiB and a core
/// for tens of milliseconds; more attempts wait their turn instead of
/// exhausting the machine's memory and CPU.
const CONCURRENT_HASHES: usize = 2;

#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(CONCURRENT_HASHES))
}

/// Runs one argon2 job off the async threads, after waiting for a permit.
async fn queued<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let _permit = hashing_permits().acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(job).await.map_err(|error| {
        tracing::error!(%error, "password hashing panicked");
        AppError::Internal
    })
}

/// Hashes a new password, waiting its turn.
pub async fn hash_password_queued(password: String) -> Result<String, AppError> {
    queued(move || hash_password(&password)).await?.map_err(|error| {
        tracing::error!(%error, "password hashing failed");
        AppError::Internal
    })
}

/// Checks a password against a stored hash, waiting its turn.
pub async fn verify_password_queued(password: String, stored_hash: String) -> Result<bool, AppError> {
    queued(move || verify_password(&password, &stored_hash)).await
}

/// The rules for a new password, as a message for the form's `field`.
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        Err(FieldError::new(field, format!("must be at least {MIN_PASSWORD_CHARS} characters")))
    } else if length > MAX_PASSWORD_CHARS {
        Err(FieldError::new(field, format!("must be at most {MAX_PASSWORD_CHARS} characters")))
    } else {
        Ok(())
    }
}

pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// True only for the right password; a malformed stored hash is logged and fails.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    if stored_hash == NO_PASSWORD {
        // As long as a real check, so the time does not tell that this account
        // exists but has no password yet.
        let _ = PasswordHash::new(dummy_hash())
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok());
        return false;
    }
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(error) => {
            tracing::error!(%error, "stored password hash is malformed");
            false
        }
    }
}

/// A hash to verify against when the email is unknown, so that a wrong email and
/// a wrong password take the same time and an attacker cannot list accounts.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password, never matches").unwrap_or_default())
}

/// 32 random bytes, hex-encoded: a session token, API token or CSRF token.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time independent of where they first differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert!(!verify_password(&"x".repeat(MAX_PASSWORD_CHARS + 1), &hash));
        assert!(!verify_password("", NO_PASSWORD));
        assert!(!verify_password("!", NO_PASSWORD));
    }

    #[test]
    fn new_passwords_are_long_enough_and_bounded() {
        assert!(check_new_password("password", "twelve chars").is_ok());
        let short = check_new_password("password", "eleven char").expect_err("too short");
        assert_eq!(short.field, "password");
        assert!(short.message.contains("at least 12"));
        assert!(check_new_password("password", &"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash("demo-token-slam"), token_hash("demo-token-slam"));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
