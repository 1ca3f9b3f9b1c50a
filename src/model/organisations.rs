//! Organisations and the concordat's sign-up register, as their pages show them.

use crate::domain::london::Organisation;
use crate::domain::signup::SignUp;
use serde::{Deserialize, Serialize};

/// One organisation with what the list and its page show beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationRow {
    pub organisation: Organisation,
    pub kind_label: String,
    /// Every ICS it serves (all five when London-wide).
    pub icss: Vec<String>,
    /// Retired (or ceased) by today.
    pub retired: bool,
    pub successor_name: Option<String>,
    /// Its signature, if it has signed. `signatory_name` is blank for readers
    /// who are not signed in: public pages name organisations, not people.
    pub signed_up: Option<SignUp>,
}

/// `/organisations`: every organisation; editors also get the add form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationsPage {
    pub rows: Vec<OrganisationRow>,
    /// The CSRF token for the add form, when the viewer may manage organisations.
    pub editor_csrf: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationVersionEntry {
    pub version: i64,
    pub saved_by: String,
    pub saved_at: String,
    pub name: String,
}

/// `/organisations/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationPage {
    pub row: OrganisationRow,
    pub version: i64,
    pub versions: Vec<OrganisationVersionEntry>,
    /// For the edit form, when the viewer may manage organisations.
    pub editor_csrf: Option<String>,
    /// For the sign-up form, when the viewer may record sign-up.
    pub signup_csrf: Option<String>,
}

/// An organisation named in the sign-up summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedOrganisation {
    pub id: String,
    pub name: String,
    pub kind_label: String,
    pub signed_on: Option<String>,
}

/// Sign-up in one ICS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcsSignUpView {
    pub ics: String,
    pub ics_name: String,
    pub required: usize,
    pub required_signed: usize,
    pub signatories: Vec<NamedOrganisation>,
    /// Required agencies that have not signed for this ICS.
    pub missing: Vec<NamedOrganisation>,
}

/// `/sign-up`: sign-up across London, today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpSummary {
    pub as_at: String,
    pub icss: Vec<IcsSignUpView>,
}
