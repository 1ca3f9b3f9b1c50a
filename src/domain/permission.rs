//! Who may do what.
//!
//! Every mutating endpoint on the server calls [`authorise`] before it touches
//! the database; the browser may hide buttons using the same rules, but only
//! the server's check counts. Reads are not actions: every signed-in user may
//! read everything, so only changes (and the audit log) are listed here.
//!
//! | role             | may                                                                 |
//! |------------------|---------------------------------------------------------------------|
//! | `admin`          | manage users and organisations, view the audit log, own API tokens |
//! | `board_reviewer` | everything except managing users and organisations                  |
//! | `ics_lead`       | evidence, readings and reviews for the one ICS they lead            |
//! | `partner_editor` | evidence and readings for their own organisation only               |
//! | `viewer`         | nothing but their own API tokens                                    |
//!
//! Administrators deliberately cannot edit evidence, readings, targets or
//! ratings: whoever controls accounts should not also be able to change the
//! figures the board relies on (separation of duties). An administrator who
//! also needs to edit data has a second account with that role.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::validation::FieldError;

/// The start of every refusal message. The server strips it and lets its own
/// error type add it back, so it must stay word for word.
const REFUSED: &str = "you do not have permission to";

/// What a user account is for. Stored and sent as the snake_case name
/// (`board_reviewer`), shown to people as [`label`](Role::label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and organisations; does not edit tracker data.
    Admin,
    /// Member of the London recovery board: edits the metric catalogue and
    /// targets, writes any reading, sets RAG overrides and reviews any ICS.
    BoardReviewer,
    /// Leads one ICS: edits and reviews everything for that ICS.
    IcsLead,
    /// Edits its own organisation's evidence and readings.
    PartnerEditor,
    /// ICP member: reads only.
    Viewer,
}

impl Role {
    /// Every role, in order of decreasing reach; for forms and tests.
    pub const ALL: [Role; 5] = [Role::Admin, Role::BoardReviewer, Role::IcsLead, Role::PartnerEditor, Role::Viewer];

    /// The stored name, e.g. `"board_reviewer"`; the same as the serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::BoardReviewer => "board_reviewer",
            Role::IcsLead => "ics_lead",
            Role::PartnerEditor => "partner_editor",
            Role::Viewer => "viewer",
        }
    }

    /// Reads a stored name (see [`as_str`](Role::as_str)). Surrounding
    /// whitespace is ignored; anything else unknown is an error on `role`
    /// that lists the names that would have worked.
    pub fn parse(value: &str) -> Result<Role, FieldError> {
        let wanted = value.trim();
        Role::ALL.into_iter().find(|role| role.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|role| role.as_str()).collect();
            FieldError::new("role", format!("'{wanted}' is not a role; use one of {}", names.join(", ")))
        })
    }

    /// Name for people, e.g. `"Board reviewer"`.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::BoardReviewer => "Board reviewer",
            Role::IcsLead => "ICS lead",
            Role::PartnerEditor => "Partner editor",
            Role::Viewer => "Viewer",
        }
    }

    /// Whether menus should offer the audit log (the server checks again).
    pub fn can_view_audit(self) -> bool {
        matches!(self, Role::Admin | Role::BoardReviewer)
    }

    /// Whether menus should offer the review queue (the server checks again).
    pub fn can_review(self) -> bool {
        matches!(self, Role::BoardReviewer | Role::IcsLead)
    }

    /// Whether menus should offer user management (the server checks again).
    pub fn can_manage_users(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The signed-in user (or API token holder) as the permission rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// The user's id.
    pub user_id: String,
    /// The user's email address, for logs.
    pub email: String,
    /// What the account is for.
    pub role: Role,
    /// The organisation the user belongs to.
    pub organisation_id: String,
    /// The ICS of that organisation; `None` for a London-wide organisation
    /// (the board, the Met, the London Ambulance Service).
    pub organisation_ics: Option<String>,
    /// Whether that organisation is the ICB of its ICS.
    pub organisation_is_icb: bool,
    /// The ICS an [`IcsLead`](Role::IcsLead) leads; ignored for other roles.
    pub lead_ics: Option<String>,
}

/// The organisation a reading is recorded for, when it is not an ICS-level figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerRef {
    /// The partner organisation's id.
    pub org_id: String,
    /// That organisation's ICS; `None` when it is London-wide.
    pub org_ics: Option<String>,
    /// Other ICSs it serves (SLaM, in SEL, also serves Croydon in SWL): its
    /// readings may be recorded against these too.
    #[serde(default)]
    pub also_serves: Vec<String>,
}

impl PartnerRef {
    /// Whether the partner's readings may be recorded against `ics`.
    pub fn serves(&self, ics: &str) -> bool {
        self.org_ics.as_deref().is_none_or(|own| own == ics) || self.also_serves.iter().any(|other| other == ics)
    }
}

/// Every change a user can ask the server to make.
///
/// When adding a variant, add its name to [`ACTION_KINDS`] and an example to
/// [`Action::examples`]; the tests fail until all three agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Create or edit evidence belonging to an organisation.
    EditEvidence {
        /// The organisation the evidence belongs to.
        org_id: String,
        /// That organisation's ICS; `None` when it is London-wide.
        org_ics: Option<String>,
    },
    /// Record a metric reading for an ICS, either ICS-level (`partner: None`)
    /// or for one partner organisation.
    WriteReading {
        /// The ICS the reading is recorded against.
        ics: String,
        /// The partner the reading is for, if not ICS-level.
        partner: Option<PartnerRef>,
    },
    /// Add, change or retire metrics, their thresholds and per-ICS targets.
    EditMetricCatalogue,
    /// Set or clear a RAG override for a commitment in an ICS.
    SetOverride {
        /// The ICS whose rating is overridden.
        ics: String,
    },
    /// Submit an organisation's return for a period, or answer a query on it.
    SubmitReturn {
        /// The organisation whose return it is.
        org_id: String,
    },
    /// Review (accept, query or return) a submission from an organisation in an ICS.
    ReviewSubmission {
        /// The ICS whose submission is reviewed.
        ics: String,
    },
    /// Create, change or deactivate user accounts.
    ManageUsers,
    /// Add, edit or retire organisations.
    ManageOrganisations,
    /// Record who has signed the concordat (or withdraw a record).
    RecordSignUp,
    /// Freeze the board pack as presented to a meeting.
    FreezeBoardPack,
    /// Create or revoke the caller's own API tokens.
    ManageOwnTokens,
    /// Read the audit log (it names users and shows every change).
    ViewAudit,
}

/// The name of every [`Action`] variant, as [`Action::kind`] returns it.
pub const ACTION_KINDS: &[&str] = &[
    "edit_evidence",
    "write_reading",
    "edit_metric_catalogue",
    "set_override",
    "submit_return",
    "review_submission",
    "manage_users",
    "manage_organisations",
    "record_sign_up",
    "freeze_board_pack",
    "manage_own_tokens",
    "view_audit",
];

impl Action {
    /// The variant's name, for logs and metrics (e.g. `"edit_evidence"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Action::EditEvidence { .. } => "edit_evidence",
            Action::WriteReading { .. } => "write_reading",
            Action::EditMetricCatalogue => "edit_metric_catalogue",
            Action::SetOverride { .. } => "set_override",
            Action::SubmitReturn { .. } => "submit_return",
            Action::ReviewSubmission { .. } => "review_submission",
            Action::ManageUsers => "manage_users",
            Action::ManageOrganisations => "manage_organisations",
            Action::RecordSignUp => "record_sign_up",
            Action::FreezeBoardPack => "freeze_board_pack",
            Action::ManageOwnTokens => "manage_own_tokens",
            Action::ViewAudit => "view_audit",
        }
    }

    /// What the action does, worded to follow "you do not have permission to",
    /// e.g. `"edit evidence for oxleas-nhs-foundation-trust"`.
    pub fn describe(&self) -> String {
        match self {
            Action::EditEvidence { org_id, .. } => format!("edit evidence for {org_id}"),
            Action::WriteReading { ics, partner: None } => format!("record ICS-level readings for {ics}"),
            Action::WriteReading { ics, partner: Some(partner) } => {
                format!("record readings for {} in {ics}", partner.org_id)
            }
            Action::EditMetricCatalogue => "edit the metric catalogue and targets".to_string(),
            Action::SetOverride { ics } => format!("set RAG overrides for {ics}"),
            Action::SubmitReturn { org_id } => format!("submit the return of {org_id}"),
            Action::ReviewSubmission { ics } if ics.is_empty() => {
                "review submissions from London-wide organisations".to_string()
            }
            Action::ReviewSubmission { ics } => format!("review submissions for {ics}"),
            Action::ManageUsers => "manage users".to_string(),
            Action::ManageOrganisations => "add, edit or retire organisations".to_string(),
            Action::RecordSignUp => "record who has signed the concordat".to_string(),
            Action::FreezeBoardPack => "freeze a board pack".to_string(),
            Action::ManageOwnTokens => "manage your own API tokens".to_string(),
            Action::ViewAudit => "view the audit log".to_string(),
        }
    }

    /// One example of every variant, so tests can walk them all.
    pub fn examples() -> Vec<Action> {
        vec![
            Action::EditEvidence { org_id: "oxleas-nhs-foundation-trust".into(), org_ics: Some("SEL".into()) },
            Action::WriteReading {
                ics: "SEL".into(),
                partner: Some(PartnerRef {
                    org_id: "oxleas-nhs-foundation-trust".into(),
                    org_ics: Some("SEL".into()),
                    also_serves: Vec::new(),
                }),
            },
            Action::EditMetricCatalogue,
            Action::SetOverride { ics: "SEL".into() },
            Action::SubmitReturn { org_id: "oxleas-nhs-foundation-trust".into() },
            Action::ReviewSubmission { ics: "SEL".into() },
            Action::ManageUsers,
            Action::ManageOrganisations,
            Action::RecordSignUp,
            Action::FreezeBoardPack,
            Action::ManageOwnTokens,
            Action::ViewAudit,
        ]
    }
}

/// A refusal, worded for the person refused: what they tried, and why not.
/// The message always starts "you do not have permission to".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
#[error("{message}")]
pub struct Denied {
    /// E.g. "you do not have permission to edit evidence for
    /// oxleas-nhs-foundation-trust; partner editors can only edit evidence
    /// for their own organisation (south-london-and-maudsley-nhs-foundation-trust)".
    pub message: String,
}

/// Whether `principal` may do `action`; see the module documentation for the rules.
pub fn authorise(principal: &Principal, action: &Action) -> Result<(), Denied> {
    let refuse = |why: String| Denied { message: format!("{REFUSED} {}; {why}", action.describe()) };

    // A partner's reading belongs to an ICS the partner serves: its own, one
    // it also serves, or any when it is London-wide. A reading filed under
    // another ICS would be counted for the wrong ICS, so no role may record one.
    if let Action::WriteReading { ics, partner: Some(partner) } = action {
        if let (false, Some(partner_ics)) = (partner.serves(ics), &partner.org_ics) {
            let served: Vec<&str> =
                std::iter::once(partner_ics.as_str()).chain(partner.also_serves.iter().map(String::as_str)).collect();
            return Err(refuse(format!(
                "{} belongs to {partner_ics}, so its readings must be recorded against an ICS it serves: {}",
                partner.org_id,
                served.join(", ")
            )));
        }
    }

    let verdict = match principal.role {
        Role::Admin => admin(action),
        Role::BoardReviewer => board_reviewer(action),
        Role::IcsLead => ics_lead(principal, action),
        Role::PartnerEditor => partner_editor(principal, action),
        Role::Viewer => viewer(action),
    };
    verdict.map_err(refuse)
}

/// Separation of duties on the board's core decision: nobody accepts, queries
/// or returns a return they submitted or answered (`submitted_by`, the emails
/// on its submit and answer steps), nor one of their own organisation's.
/// Checked beside [`authorise`], which says whether the role may review at all.
pub fn may_decide_return(principal: &Principal, return_org_id: &str, submitted_by: &[&str]) -> Result<(), Denied> {
    if principal.organisation_id == return_org_id {
        return Err(Denied {
            message: format!(
                "{REFUSED} decide on {return_org_id}'s return; it is your own organisation's, so someone outside it decides"
            ),
        });
    }
    if submitted_by.iter().any(|email| email.eq_ignore_ascii_case(&principal.email)) {
        return Err(Denied {
            message: format!("{REFUSED} decide on {return_org_id}'s return; you submitted it, so someone else decides"),
        });
    }
    Ok(())
}

/// What a reading's partner becomes before [`authorise`] sees it.
///
/// A blank partner (as a form posts it) means "no partner". A partner editor
/// who names no partner means their own organisation, since that is the only
/// partner they can record for. The exception is an editor at an ICB: for
/// them "no partner" keeps meaning an ICS-level figure, which they may record
/// for their own ICS; to record for the ICB as a partner they name it.
/// Everyone else's choice is kept.
pub fn resolve_reading_partner(principal: &Principal, partner: Option<String>) -> Option<String> {
    let partner = partner.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    match partner {
        None if principal.role == Role::PartnerEditor && !principal.organisation_is_icb => {
            Some(principal.organisation_id.clone())
        }
        other => other,
    }
}

/// Compares two ids, never letting two blank ones match: a blank id on an
/// account is a configuration mistake, not a licence to edit blank records.
fn same(a: &str, b: &str) -> bool {
    !a.is_empty() && a == b
}

const ONLY_ADMINS: &str = "only administrators manage users";
const ONLY_ADMINS_AND_BOARD: &str = "only administrators and the London recovery board manage organisations";
const ONLY_OWN_RETURN: &str =
    "an organisation submits its own return (its partner editors or, for an ICB, its ICS lead); the board reviews it";
const ONLY_BOARD_PACKS: &str = "only the London recovery board freezes its board packs";
const ONLY_BOARD_SIGN_UP: &str = "only the London recovery board records who has signed the concordat";
const ONLY_BOARD_CATALOGUE: &str = "only the London recovery board can edit the metric catalogue and targets";
const ONLY_BOARD_OVERRIDES: &str = "only the London recovery board can set RAG overrides";
const ONLY_BOARD_AUDIT: &str = "only board reviewers and administrators can view the audit log";

fn admin(action: &Action) -> Result<(), String> {
    match action {
        Action::ManageUsers | Action::ManageOrganisations | Action::ViewAudit | Action::ManageOwnTokens => Ok(()),
        Action::EditEvidence { .. }
        | Action::WriteReading { .. }
        | Action::EditMetricCatalogue
        | Action::SetOverride { .. }
        | Action::RecordSignUp
        | Action::FreezeBoardPack
        | Action::SubmitReturn { .. }
        | Action::ReviewSubmission { .. } => Err("administrators manage accounts but do not change tracker data, \
             so that no one person controls both; use an account with an editing role"
            .to_string()),
    }
}

fn board_reviewer(action: &Action) -> Result<(), String> {
    match action {
        Action::ManageUsers => Err(ONLY_ADMINS.to_string()),
        Action::SubmitReturn { .. } => Err(ONLY_OWN_RETURN.to_string()),
        Action::ManageOrganisations
        | Action::RecordSignUp
        | Action::FreezeBoardPack
        | Action::EditEvidence { .. }
        | Action::WriteReading { .. }
        | Action::EditMetricCatalogue
        | Action::SetOverride { .. }
        | Action::ReviewSubmission { .. }
        | Action::ManageOwnTokens
        | Action::ViewAudit => Ok(()),
    }
}

fn ics_lead(principal: &Principal, action: &Action) -> Result<(), String> {
    let Some(lead) = principal.lead_ics.as_deref().filter(|ics| !ics.is_empty()) else {
        // Without an ICS the account can only look after its own tokens.
        return match action {
            Action::ManageOwnTokens => Ok(()),
            _ => Err("your account is an ICS lead but does not say which ICS you lead; ask an administrator to set it"
                .to_string()),
        };
    };
    let only_own = || format!("as ICS lead for {lead} you can only make changes for {lead}");
    match action {
        Action::EditEvidence { org_ics, .. } => match org_ics.as_deref() {
            Some(ics) if same(ics, lead) => Ok(()),
            Some(_) => Err(only_own()),
            None => Err("that organisation works London-wide, so its evidence is edited by its own editors \
                 or the London recovery board"
                .to_string()),
        },
        // A London-wide partner's reading recorded for the lead's ICS is
        // allowed; partners of other ICSs were refused in `authorise`.
        Action::WriteReading { ics, .. } | Action::ReviewSubmission { ics } => {
            if same(ics, lead) {
                Ok(())
            } else {
                Err(only_own())
            }
        }
        Action::SubmitReturn { org_id } => {
            if same(org_id, &principal.organisation_id) {
                Ok(())
            } else {
                Err(ONLY_OWN_RETURN.to_string())
            }
        }
        Action::SetOverride { .. } => Err(ONLY_BOARD_OVERRIDES.to_string()),
        Action::EditMetricCatalogue => Err(ONLY_BOARD_CATALOGUE.to_string()),
        Action::ManageUsers => Err(ONLY_ADMINS.to_string()),
        Action::ManageOrganisations => Err(ONLY_ADMINS_AND_BOARD.to_string()),
        Action::RecordSignUp => Err(ONLY_BOARD_SIGN_UP.to_string()),
        Action::FreezeBoardPack => Err(ONLY_BOARD_PACKS.to_string()),
        Action::ViewAudit => Err(ONLY_BOARD_AUDIT.to_string()),
        Action::ManageOwnTokens => Ok(()),
    }
}

fn partner_editor(principal: &Principal, action: &Action) -> Result<(), String> {
    let own = principal.organisation_id.as_str();
    let own_ics = principal.organisation_ics.as_deref();
    match action {
        Action::EditEvidence { org_id, .. } => {
            if same(org_id, own) {
                Ok(())
            } else {
                Err(format!("partner editors can only edit evidence for their own organisation ({own})"))
            }
        }
        Action::WriteReading { ics, partner: Some(partner) } => {
            if !same(&partner.org_id, own) {
                return Err(format!("partner editors can only record readings for their own organisation ({own})"));
            }
            match own_ics {
                // London-wide organisations report into every ICS.
                None => Ok(()),
                Some(home) if same(ics, home) || partner.also_serves.iter().any(|other| same(ics, other)) => Ok(()),
                Some(home) => Err(format!("{own} belongs to {home}, so its readings must be recorded against {home}")),
            }
        }
        Action::WriteReading { ics, partner: None } => {
            if principal.organisation_is_icb && own_ics.is_some_and(|home| same(ics, home)) {
                Ok(())
            } else if principal.organisation_is_icb {
                Err(format!(
                    "as an editor at the ICB for {} you can only record ICS-level readings for that ICS",
                    own_ics.unwrap_or("no ICS")
                ))
            } else {
                Err(format!(
                    "ICS-level readings are recorded by the ICB, its ICS lead or the London recovery board; \
                     choose your own organisation ({own}) as the partner"
                ))
            }
        }
        Action::SetOverride { .. } => Err(ONLY_BOARD_OVERRIDES.to_string()),
        Action::EditMetricCatalogue => Err(ONLY_BOARD_CATALOGUE.to_string()),
        Action::SubmitReturn { org_id } => {
            if same(org_id, own) {
                Ok(())
            } else {
                Err(format!("partner editors submit only their own organisation's return ({own})"))
            }
        }
        Action::ReviewSubmission { .. } => {
            Err("submissions are reviewed by the ICS lead or the London recovery board".to_string())
        }
        Action::ManageUsers => Err(ONLY_ADMINS.to_string()),
        Action::ManageOrganisations => Err(ONLY_ADMINS_AND_BOARD.to_string()),
        Action::RecordSignUp => Err(ONLY_BOARD_SIGN_UP.to_string()),
        Action::FreezeBoardPack => Err(ONLY_BOARD_PACKS.to_string()),
        Action::ViewAudit => Err(ONLY_BOARD_AUDIT.to_string()),
        Action::ManageOwnTokens => Ok(()),
    }
}

fn viewer(action: &Action) -> Result<(), String> {
    match action {
        Action::ManageOwnTokens => Ok(()),
        _ => {
            Err("viewers can read everything but change nothing; ask an administrator if you need to edit".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    // The organisations the table refers to.
    const TRUST: &str = "south-london-and-maudsley-nhs-foundation-trust"; // in SEL
    const OTHER_TRUST: &str = "oxleas-nhs-foundation-trust"; // also in SEL
    const ICB: &str = "nhs-south-east-london-icb"; // SEL's ICB
    const FAR_TRUST: &str = "camden-and-islington-nhs-foundation-trust"; // in NCL
    const LONDON: &str = "london-ambulance-service"; // London-wide
    const BOARD: &str = "london-uec-mental-health-recovery-board"; // London-wide

    fn principal(role: Role, org: &str, org_ics: Option<&str>, is_icb: bool, lead: Option<&str>) -> Principal {
        Principal {
            user_id: format!("user-{org}"),
            email: format!("someone@{org}.test"),
            role,
            organisation_id: org.to_string(),
            organisation_ics: org_ics.map(str::to_string),
            organisation_is_icb: is_icb,
            lead_ics: lead.map(str::to_string),
        }
    }

    #[test]
    fn nobody_decides_on_their_own_return() {
        let lead = principal(Role::IcsLead, ICB, Some("SEL"), true, Some("SEL"));
        let own = may_decide_return(&lead, ICB, &[]).expect_err("own organisation");
        assert!(own.message.starts_with(REFUSED) && own.message.contains("own organisation"), "{}", own.message);
        assert!(may_decide_return(&lead, TRUST, &[]).is_ok(), "another organisation's return");
        let submitted = may_decide_return(&lead, TRUST, &["SOMEONE@icb.test", &lead.email]).expect_err("submitted");
        assert!(submitted.message.contains("you submitted it"), "{}", submitted.message);
        let board = principal(Role::BoardReviewer, BOARD, None, false, None);
        assert!(may_decide_return(&board, TRUST, &["editor@trust.test"]).is_ok());
    }

    /// The columns of the table below, in order.
    fn principals() -> Vec<(&'static str, Principal)> {
        vec![
            ("admin", principal(Role::Admin, BOARD, None, false, None)),
            ("board", principal(Role::BoardReviewer, BOARD, None, false, None)),
            ("SEL lead", principal(Role::IcsLead, ICB, Some("SEL"), true, Some("SEL"))),
            ("trust editor", principal(Role::PartnerEditor, TRUST, Some("SEL"), false, None)),
            ("ICB editor", principal(Role::PartnerEditor, ICB, Some("SEL"), true, None)),
            ("London editor", principal(Role::PartnerEditor, LONDON, None, false, None)),
            ("viewer", principal(Role::Viewer, ICB, Some("SEL"), true, None)),
        ]
    }

    fn evidence(org: &str, ics: Option<&str>) -> Action {
        Action::EditEvidence { org_id: org.into(), org_ics: ics.map(str::to_string) }
    }

    fn reading(ics: &str, partner: Option<(&str, Option<&str>)>) -> Action {
        Action::WriteReading {
            ics: ics.into(),
            partner: partner.map(|(org, org_ics)| PartnerRef {
                org_id: org.into(),
                org_ics: org_ics.map(str::to_string),
                // The trust in the table serves Croydon, in SWL, as SLaM does.
                also_serves: if org == TRUST { vec!["SWL".into()] } else { Vec::new() },
            }),
        }
    }

    const Y: bool = true;
    const N: bool = false;

    /// Every action variant, with own and other organisations and ICSs, against
    /// every kind of principal. Columns: admin, board, SEL lead, trust editor
    /// (SEL), ICB editor (SEL), London-wide editor, viewer.
    fn table() -> Vec<(&'static str, Action, [bool; 7])> {
        vec![
            ("evidence: the trust's own", evidence(TRUST, Some("SEL")), [N, Y, Y, Y, N, N, N]),
            ("evidence: another SEL trust", evidence(OTHER_TRUST, Some("SEL")), [N, Y, Y, N, N, N, N]),
            ("evidence: the SEL ICB's", evidence(ICB, Some("SEL")), [N, Y, Y, N, Y, N, N]),
            ("evidence: an NCL trust", evidence(FAR_TRUST, Some("NCL")), [N, Y, N, N, N, N, N]),
            ("evidence: London-wide org", evidence(LONDON, None), [N, Y, N, N, N, Y, N]),
            ("reading: SEL ICS-level", reading("SEL", None), [N, Y, Y, N, Y, N, N]),
            ("reading: NCL ICS-level", reading("NCL", None), [N, Y, N, N, N, N, N]),
            ("reading: the trust, SEL", reading("SEL", Some((TRUST, Some("SEL")))), [N, Y, Y, Y, N, N, N]),
            ("reading: other SEL trust", reading("SEL", Some((OTHER_TRUST, Some("SEL")))), [N, Y, Y, N, N, N, N]),
            ("reading: ICB as partner", reading("SEL", Some((ICB, Some("SEL")))), [N, Y, Y, N, Y, N, N]),
            ("reading: NCL trust, NCL", reading("NCL", Some((FAR_TRUST, Some("NCL")))), [N, Y, N, N, N, N, N]),
            ("reading: London org, SEL", reading("SEL", Some((LONDON, None))), [N, Y, Y, N, N, Y, N]),
            ("reading: London org, NCL", reading("NCL", Some((LONDON, None))), [N, Y, N, N, N, Y, N]),
            // Filed under the wrong ICS: nobody, not even the trust itself.
            ("reading: the trust, NCL", reading("NCL", Some((TRUST, Some("SEL")))), [N, N, N, N, N, N, N]),
            // The trust also serves SWL: its own editors and the board may record it there.
            ("reading: the trust, SWL", reading("SWL", Some((TRUST, Some("SEL")))), [N, Y, N, Y, N, N, N]),
            ("reading: NCL trust, SEL", reading("SEL", Some((FAR_TRUST, Some("NCL")))), [N, N, N, N, N, N, N]),
            ("metric catalogue", Action::EditMetricCatalogue, [N, Y, N, N, N, N, N]),
            ("override: SEL", Action::SetOverride { ics: "SEL".into() }, [N, Y, N, N, N, N, N]),
            ("override: NCL", Action::SetOverride { ics: "NCL".into() }, [N, Y, N, N, N, N, N]),
            ("submit: the trust's", Action::SubmitReturn { org_id: TRUST.into() }, [N, N, N, Y, N, N, N]),
            ("submit: the ICB's", Action::SubmitReturn { org_id: ICB.into() }, [N, N, Y, N, Y, N, N]),
            ("review: London-wide", Action::ReviewSubmission { ics: String::new() }, [N, Y, N, N, N, N, N]),
            ("review: SEL", Action::ReviewSubmission { ics: "SEL".into() }, [N, Y, Y, N, N, N, N]),
            ("review: NCL", Action::ReviewSubmission { ics: "NCL".into() }, [N, Y, N, N, N, N, N]),
            ("manage users", Action::ManageUsers, [Y, N, N, N, N, N, N]),
            ("manage organisations", Action::ManageOrganisations, [Y, Y, N, N, N, N, N]),
            ("record sign-up", Action::RecordSignUp, [N, Y, N, N, N, N, N]),
            ("freeze a board pack", Action::FreezeBoardPack, [N, Y, N, N, N, N, N]),
            ("own tokens", Action::ManageOwnTokens, [Y, Y, Y, Y, Y, Y, Y]),
            ("audit log", Action::ViewAudit, [Y, Y, N, N, N, N, N]),
        ]
    }

    #[test]
    fn every_role_against_every_action() {
        let principals = principals();
        let mut failures = Vec::new();
        for (case, action, expected) in table() {
            for ((who, principal), allowed) in principals.iter().zip(expected) {
                let result = authorise(principal, &action);
                if result.is_ok() != allowed {
                    failures.push(format!("{who} / {case}: expected {allowed}, got {result:?}"));
                }
                if let Err(denied) = result {
                    let prefix = format!("{REFUSED} {};", action.describe());
                    assert!(denied.message.starts_with(&prefix), "{}", denied.message);
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn table_covers_every_role_and_action_kind() {
        let roles: BTreeSet<&str> = principals().iter().map(|(_, p)| p.role.as_str()).collect();
        let all_roles: BTreeSet<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(roles, all_roles);
        let kinds: BTreeSet<&str> = table().iter().map(|(_, action, _)| action.kind()).collect();
        assert_eq!(kinds, ACTION_KINDS.iter().copied().collect());
    }

    #[test]
    fn action_kinds_match_the_variants() {
        let examples = Action::examples();
        let kinds: Vec<&str> = examples.iter().map(Action::kind).collect();
        assert_eq!(kinds, ACTION_KINDS, "examples() and ACTION_KINDS list the variants in different orders or sets");
        let distinct: BTreeSet<&str> = ACTION_KINDS.iter().copied().collect();
        assert_eq!(distinct.len(), ACTION_KINDS.len(), "ACTION_KINDS has a duplicate");
        // The serde tag and kind() are the same name, so logs and JSON agree.
        for action in &examples {
            let json = serde_json::to_value(action).unwrap();
            assert_eq!(json["kind"], action.kind());
        }
    }

    #[test]
    fn refusals_say_what_and_why() {
        let slam = principal(Role::PartnerEditor, TRUST, Some("SEL"), false, None);
        let denied = authorise(&slam, &evidence(OTHER_TRUST, Some("SEL"))).unwrap_err();
        assert_eq!(
            denied.message,
            "you do not have permission to edit evidence for oxleas-nhs-foundation-trust; partner editors can \
             only edit evidence for their own organisation (south-london-and-maudsley-nhs-foundation-trust)"
        );
        assert_eq!(denied.to_string(), denied.message);

        let admin = principal(Role::Admin, BOARD, None, false, None);
        let denied = authorise(&admin, &evidence(TRUST, Some("SEL"))).unwrap_err();
        assert!(denied.message.contains("do not change tracker data"), "{}", denied.message);

        let lead = principal(Role::IcsLead, ICB, Some("SEL"), true, Some("SEL"));
        let denied = authorise(&lead, &Action::SetOverride { ics: "SEL".into() }).unwrap_err();
        assert_eq!(
            denied.message,
            "you do not have permission to set RAG overrides for SEL; only the London recovery board can set RAG overrides"
        );

        let board = principal(Role::BoardReviewer, BOARD, None, false, None);
        let denied = authorise(&board, &reading("NCL", Some((TRUST, Some("SEL"))))).unwrap_err();
        assert!(denied.message.ends_with("must be recorded against an ICS it serves: SEL, SWL"), "{}", denied.message);
    }

    #[test]
    fn a_lead_without_an_ics_can_only_manage_tokens() {
        for lead in [None, Some("")] {
            let p = principal(Role::IcsLead, ICB, Some("SEL"), true, lead);
            for action in Action::examples() {
                let allowed = authorise(&p, &action).is_ok();
                assert_eq!(allowed, action == Action::ManageOwnTokens, "{action:?}");
            }
        }
    }

    #[test]
    fn blank_ids_never_match() {
        let p = principal(Role::PartnerEditor, "", Some("SEL"), false, None);
        assert!(authorise(&p, &evidence("", Some("SEL"))).is_err());
        assert!(authorise(&p, &reading("SEL", Some(("", Some("SEL"))))).is_err());
    }

    #[test]
    fn reading_partner_resolution() {
        let trust = principal(Role::PartnerEditor, TRUST, Some("SEL"), false, None);
        let icb = principal(Role::PartnerEditor, ICB, Some("SEL"), true, None);
        let lead = principal(Role::IcsLead, ICB, Some("SEL"), true, Some("SEL"));
        assert_eq!(resolve_reading_partner(&trust, None).as_deref(), Some(TRUST));
        assert_eq!(resolve_reading_partner(&trust, Some("  ".into())).as_deref(), Some(TRUST));
        assert_eq!(resolve_reading_partner(&trust, Some(OTHER_TRUST.into())).as_deref(), Some(OTHER_TRUST));
        assert_eq!(resolve_reading_partner(&icb, None), None);
        assert_eq!(resolve_reading_partner(&icb, Some(ICB.into())).as_deref(), Some(ICB));
        assert_eq!(resolve_reading_partner(&lead, None), None);
        assert_eq!(resolve_reading_partner(&lead, Some(format!(" {TRUST} "))).as_deref(), Some(TRUST));

        // After resolution, a trust editor's partner-less reading is allowed.
        let resolved = resolve_reading_partner(&trust, None).map(|org| PartnerRef {
            org_id: org,
            org_ics: Some("SEL".into()),
            also_serves: Vec::new(),
        });
        assert!(authorise(&trust, &Action::WriteReading { ics: "SEL".into(), partner: resolved }).is_ok());
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{}\"", role.as_str()));
            assert!(!role.label().is_empty());
        }
        assert_eq!(Role::parse(" viewer "), Ok(Role::Viewer));
        let err = Role::parse("superuser").unwrap_err();
        assert_eq!(err.field, "role");
        assert_eq!(
            err.message,
            "'superuser' is not a role; use one of admin, board_reviewer, ics_lead, partner_editor, viewer"
        );
    }
}
