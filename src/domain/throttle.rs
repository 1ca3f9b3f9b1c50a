//! How long sign-in stays closed after failed attempts: the rule, without the
//! clock or the database (the server counts failures per account and per
//! client address in the database, so every instance sees the same count).
//!
//! A few failures are free (people mistype). From then on each further failure
//! closes sign-in for twice as long as the last, up to a ceiling, so guessing
//! slows to a handful of tries an hour while a person who mistyped waits seconds.

/// The limits for one kind of key (an account, or a client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed before the first lockout.
    pub free_failures: i64,
    /// The first lockout, in seconds; each further failure doubles it.
    pub first_lockout_seconds: i64,
    /// No lockout is longer than this.
    pub max_lockout_seconds: i64,
    /// A count with no failure for this long starts again from zero.
    pub forget_after_seconds: i64,
}

/// Per account (the email address typed, whether or not it has an account, so
/// that the answer never tells which addresses exist).
pub const ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    free_failures: 5,
    first_lockout_seconds: 30,
    max_lockout_seconds: 15 * 60,
    forget_after_seconds: 24 * 3600,
};

/// Per client address: more generous, since a whole NHS site can share one
/// address, but it stops one machine trying a password against many accounts.
pub const ADDRESS: ThrottlePolicy = ThrottlePolicy {
    free_failures: 20,
    first_lockout_seconds: 30,
    max_lockout_seconds: 15 * 60,
    forget_after_seconds: 3600,
};

impl ThrottlePolicy {
    /// How long sign-in closes after the `failures`-th consecutive failure
    /// (`None` while failures are still free).
    pub fn lockout_seconds(&self, failures: i64) -> Option<i64> {
        let beyond = failures.checked_sub(self.free_failures)?;
        if beyond < 0 {
            return None;
        }
        // 2^beyond, saturating long before it could overflow.
        let factor = 1i64.checked_shl(u32::try_from(beyond.min(40)).unwrap_or(40)).unwrap_or(i64::MAX);
        Some(self.first_lockout_seconds.saturating_mul(factor).min(self.max_lockout_seconds))
    }
}

/// A wait said the way a person would say it: "30 seconds", "2 minutes".
pub fn describe_wait(seconds: i64) -> String {
    let seconds = seconds.max(1);
    if seconds < 60 {
        format!("{seconds} second{}", if seconds == 1 { "" } else { "s" })
    } else {
        let minutes = (seconds + 59) / 60;
        format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_first_failures_are_free() {
        for failures in 0..ACCOUNT.free_failures {
            assert_eq!(ACCOUNT.lockout_seconds(failures), None, "{failures} failures");
        }
        assert_eq!(ACCOUNT.lockout_seconds(-1), None);
    }

    #[test]
    fn lockouts_double_up_to_the_ceiling() {
        assert_eq!(ACCOUNT.lockout_seconds(5), Some(30));
        assert_eq!(ACCOUNT.lockout_seconds(6), Some(60));
        assert_eq!(ACCOUNT.lockout_seconds(7), Some(120));
        assert_eq!(ACCOUNT.lockout_seconds(10), Some(900));
        assert_eq!(ACCOUNT.lockout_seconds(i64::MAX), Some(900));
        assert_eq!(ADDRESS.lockout_seconds(19), None);
        assert_eq!(ADDRESS.lockout_seconds(20), Some(30));
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(describe_wait(1), "1 second");
        assert_eq!(describe_wait(0), "1 second");
        assert_eq!(describe_wait(30), "30 seconds");
        assert_eq!(describe_wait(60), "1 minute");
        assert_eq!(describe_wait(61), "2 minutes");
        assert_eq!(describe_wait(900), "15 minutes");
    }

    proptest! {
        #[test]
        fn more_failures_never_shorten_the_lockout(failures in 0i64..10_000) {
            for policy in [ACCOUNT, ADDRESS] {
                let now = policy.lockout_seconds(failures).unwrap_or(0);
                let next = policy.lockout_seconds(failures + 1).unwrap_or(0);
                prop_assert!(next >= now);
                prop_assert!(next <= policy.max_lockout_seconds);
            }
        }
    }
}
