//! Accounts and API tokens as the account and admin pages show them.

use serde::{Deserialize, Serialize};

/// A token as its owner (or an admin) sees it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// When it stops working by itself (`None`: it does not).
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub secret: String,
}

/// The account page: who you are, and your tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub email: String,
    pub role_label: String,
    pub csrf: String,
    pub tokens: Vec<ApiToken>,
    /// A token created by a form posted without JavaScript, shown once here
    /// after the redirect back (see `server::tokens::NEW_TOKEN_COOKIE`).
    pub new_token: Option<NewToken>,
}

/// A set-password link works this long after it is issued.
pub const PASSWORD_LINK_HOURS: i64 = 72;

/// How long a new token lives, as the form offers it (days; 0: no expiry).
pub const TOKEN_LIFETIME_CHOICES: [(u32, &str); 4] =
    [(30, "30 days"), (90, "90 days"), (365, "1 year"), (0, "No expiry (not advised)")];
pub const DEFAULT_TOKEN_DAYS: u32 = 90;

/// One account, for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role_label: String,
    pub organisation_name: String,
    pub lead_ics: Option<String>,
    pub active: bool,
    /// False until the user has set a password through their link.
    pub has_password: bool,
    pub created_at: String,
}

/// The admin's list of accounts, and the CSRF token its forms carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub csrf: String,
    pub users: Vec<UserSummary>,
}

/// One account and its tokens, for the admin's page about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub csrf: String,
    pub user: UserSummary,
    pub tokens: Vec<ApiToken>,
    /// Whether this is the admin looking at their own account (who cannot
    /// deactivate themselves).
    pub is_self: bool,
}

/// An account just created, or a new set-password link for one: the link is
/// shown to the admin once, to pass on; only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordLink {
    pub user_id: String,
    pub email: String,
    /// The secret the link carries.
    pub token: String,
    pub expires_at: String,
}

impl PasswordLink {
    /// The link's path on this site.
    pub fn path(&self) -> String {
        format!("/set-password?token={}", self.token)
    }
}
