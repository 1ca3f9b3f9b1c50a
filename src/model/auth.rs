//! Who is signed in, as the browser may know it.

use serde::{Deserialize, Serialize};

/// What the browser may know about the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub email: String,
    pub role: crate::domain::permission::Role,
    pub organisation_id: String,
    pub organisation_ics: Option<String>,
    pub lead_ics: Option<String>,
    /// Every form this user submits carries it back (CSRF protection).
    pub csrf_token: String,
}
