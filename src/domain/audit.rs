//! What the audit log records: the kinds of change and the kinds of record
//! changed. One list of each, so every write and the audit page's filter agree.

/// What was done to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    Create,
    Update,
    /// A value set (an ICS's own target).
    Set,
    /// A value removed (an ICS's own target).
    Remove,
    Revoke,
    SignIn,
    /// A wrong email or password (the password is never recorded).
    SignInFailed,
    SignOut,
    /// An account switched off: its sessions end and its tokens stop working.
    Deactivate,
    Reactivate,
    /// A one-time link for setting a password was issued (never the link itself).
    IssuePasswordLink,
    /// A password set through a one-time link.
    SetPassword,
    /// A user changed their own password.
    ChangePassword,
}

impl AuditAction {
    pub const ALL: [AuditAction; 13] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Set,
        AuditAction::Remove,
        AuditAction::Revoke,
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::Deactivate,
        AuditAction::Reactivate,
        AuditAction::IssuePasswordLink,
        AuditAction::SetPassword,
        AuditAction::ChangePassword,
    ];

    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Set => "set",
            AuditAction::Remove => "remove",
            AuditAction::Revoke => "revoke",
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::Deactivate => "deactivate",
            AuditAction::Reactivate => "reactivate",
            AuditAction::IssuePasswordLink => "issue_password_link",
            AuditAction::SetPassword => "set_password",
            AuditAction::ChangePassword => "change_password",
        }
    }

    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == name.trim())
    }
}

/// The kind of record a change was made to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditEntity {
    Evidence,
    Reading,
    Metric,
    MetricIcsTarget,
    RagOverride,
    User,
    ApiToken,
    /// A sign-in session; for a failed attempt, the email address tried.
    Session,
    Organisation,
    /// An organisation's entry in the concordat's sign-up register.
    SignUp,
    /// An organisation's return for a period (`organisation/period`).
    Submission,
    /// A board pack frozen for a meeting.
    BoardPack,
    /// A point from which an SPC chart's limits are recalculated (`metric/ICS/period`).
    SpcRebase,
}

impl AuditEntity {
    pub const ALL: [AuditEntity; 13] = [
        AuditEntity::Evidence,
        AuditEntity::Reading,
        AuditEntity::Metric,
        AuditEntity::MetricIcsTarget,
        AuditEntity::RagOverride,
        AuditEntity::User,
        AuditEntity::ApiToken,
        AuditEntity::Session,
        AuditEntity::Organisation,
        AuditEntity::SignUp,
        AuditEntity::Submission,
        AuditEntity::BoardPack,
        AuditEntity::SpcRebase,
    ];

    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEntity::Evidence => "evidence",
            AuditEntity::Reading => "reading",
            AuditEntity::Metric => "metric",
            AuditEntity::MetricIcsTarget => "metric_ics_target",
            AuditEntity::RagOverride => "rag_override",
            AuditEntity::User => "user",
            AuditEntity::ApiToken => "api_token",
            AuditEntity::Session => "session",
            AuditEntity::Organisation => "organisation",
            AuditEntity::SignUp => "sign_up",
            AuditEntity::Submission => "submission",
            AuditEntity::BoardPack => "board_pack",
            AuditEntity::SpcRebase => "spc_rebase",
        }
    }

    /// In words, for the audit page.
    pub fn label(self) -> &'static str {
        match self {
            AuditEntity::Evidence => "Evidence",
            AuditEntity::Reading => "Readings",
            AuditEntity::Metric => "Metric catalogue",
            AuditEntity::MetricIcsTarget => "ICS targets",
            AuditEntity::RagOverride => "Status overrides",
            AuditEntity::User => "Users",
            AuditEntity::ApiToken => "API tokens",
            AuditEntity::Session => "Sign-ins",
            AuditEntity::Organisation => "Organisations",
            AuditEntity::SignUp => "Concordat sign-up",
            AuditEntity::Submission => "Submissions",
            AuditEntity::BoardPack => "Board packs",
            AuditEntity::SpcRebase => "SPC rebases",
        }
    }

    pub fn parse(name: &str) -> Option<AuditEntity> {
        AuditEntity::ALL.into_iter().find(|e| e.as_str() == name.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        for entity in AuditEntity::ALL {
            assert_eq!(AuditEntity::parse(entity.as_str()), Some(entity));
        }
        assert_eq!(AuditEntity::parse("rag_override"), Some(AuditEntity::RagOverride));
        assert_eq!(AuditEntity::parse("nonsense"), None);
        assert_eq!(AuditAction::parse(""), None);
    }

    #[test]
    fn names_are_distinct() {
        let names: std::collections::HashSet<_> = AuditEntity::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(names.len(), AuditEntity::ALL.len());
        let labels: std::collections::HashSet<_> = AuditEntity::ALL.iter().map(|e| e.label()).collect();
        assert_eq!(labels.len(), AuditEntity::ALL.len());
    }
}
