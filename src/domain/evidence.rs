//! A partner's evidence against a commitment for one reporting period:
//! checking the form, guarding concurrent edits, and laying out the narrative.
//!
//! The form posts an [`EvidenceDraft`] of raw strings; [`validate`] turns it
//! into an [`EvidenceInput`] or returns every problem at once, so the person
//! can fix them all in one go. The draft is kept unchanged for re-showing the
//! form. Text is stored as typed: markup and SQL are just text here, escaped
//! when shown and bound as parameters when stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::period::ReportingPeriod;
use super::rag::DeliveryStatus;
use super::validation::{clean_text, FieldError};

/// Longest narrative, in characters.
pub const MAX_NARRATIVE_CHARS: usize = 10_000;
/// Longest milestone description, in characters.
pub const MAX_MILESTONE_CHARS: usize = 500;
/// Most links one entry may carry.
pub const MAX_LINKS: usize = 10;
/// Longest link, in characters.
pub const MAX_LINK_CHARS: usize = 2_000;

/// The evidence form exactly as posted. Every field is the raw text, so a
/// form that fails validation can be shown again with what was typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceDraft {
    /// Commitment id, e.g. `P1.C2`.
    pub commitment_id: String,
    /// Action id within the commitment, e.g. `P1.C2.a`, if the evidence is for one action.
    pub action_id: Option<String>,
    /// Reporting period, e.g. `2023-24-Q1`.
    pub period: String,
    /// What was done, in plain text.
    pub narrative: String,
    /// Self-assessed delivery status by its stored name; empty when not given.
    pub delivery_status: String,
    /// Milestone description; empty when there is none.
    pub milestone: String,
    /// Milestone due date, `YYYY-MM-DD`.
    pub milestone_due: String,
    /// Date the milestone was met, `YYYY-MM-DD`; empty when not yet met.
    pub milestone_completed: String,
    /// Supporting links, one per line.
    pub links: String,
}

/// A milestone the evidence reports against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// What will be delivered.
    pub description: String,
    /// When it is due.
    pub due: NaiveDate,
    /// When it was met, if it has been.
    pub completed: Option<NaiveDate>,
}

/// Evidence that has passed [`validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInput {
    /// Commitment id, e.g. `P1.C2`.
    pub commitment_id: String,
    /// Action id within that commitment, e.g. `P1.C2.a`.
    pub action_id: Option<String>,
    /// The period the evidence is for; never later than the current period.
    pub period: ReportingPeriod,
    /// Trimmed narrative, at most [`MAX_NARRATIVE_CHARS`] characters, `\n` line endings.
    pub narrative: String,
    /// Self-assessed delivery status, if given.
    pub delivery_status: Option<DeliveryStatus>,
    /// The milestone, if one was described.
    pub milestone: Option<Milestone>,
    /// Supporting `http(s)` links, at most [`MAX_LINKS`].
    pub links: Vec<String>,
}

/// Checks a posted evidence form. `today` decides which periods are in the
/// future and which completion dates have not happened yet.
///
/// Returns every problem found, each naming its field (`commitment_id`,
/// `action_id`, `period`, `narrative`, `delivery_status`, `milestone`,
/// `milestone_due`, `milestone_completed` or `links`).
pub fn validate(draft: &EvidenceDraft, today: NaiveDate) -> Result<EvidenceInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    // Each check records its errors and yields None, so later checks still run.
    let commitment_id = keep(&mut errors, commitment_id(&draft.commitment_id));
    let action_id = keep(&mut errors, action_id(draft.action_id.as_deref(), commitment_id.as_deref()));
    let period = keep(&mut errors, period(&draft.period, today));
    let narrative = keep(&mut errors, clean_text("narrative", &draft.narrative, true, MAX_NARRATIVE_CHARS));
    let delivery_status = keep(&mut errors, parse_delivery_status(&draft.delivery_status));
    let milestone = keep_all(&mut errors, milestone(draft, today));
    let links = keep_all(&mut errors, links(&draft.links));

    match (commitment_id, action_id, period, narrative, delivery_status, milestone, links) {
        (
            Some(commitment_id),
            Some(action_id),
            Some(period),
            Some(narrative),
            Some(delivery_status),
            Some(milestone),
            Some(links),
        ) if errors.is_empty() => {
            Ok(EvidenceInput { commitment_id, action_id, period, narrative, delivery_status, milestone, links })
        }
        _ => Err(errors),
    }
}

/// Reads a delivery status by its stored name (`on_track`); blank means not given.
pub fn parse_delivery_status(value: &str) -> Result<Option<DeliveryStatus>, FieldError> {
    let name = value.trim();
    if name.is_empty() {
        return Ok(None);
    }
    DeliveryStatus::parse(name).map(Some).ok_or_else(|| {
        let names: Vec<&str> = DeliveryStatus::ALL.iter().map(|s| s.as_str()).collect();
        FieldError::new(
            "delivery_status",
            format!("{} is not a delivery status; choose one of {}, or leave it blank", quoted(name), names.join(", ")),
        )
    })
}

/// Splits a narrative into paragraphs at blank lines (lines of only
/// whitespace count as blank). Lines within a paragraph keep their `\n`.
/// The text is returned as is: the view escapes it, so nothing here is markup.
pub fn narrative_paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    // `lines` also strips a trailing `\r`, so Windows line endings split the same way.
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    paragraphs
}

// ---- Field checks ----

fn commitment_id(value: &str) -> Result<String, FieldError> {
    let id = value.trim();
    if id.is_empty() {
        return Err(FieldError::new("commitment_id", "is required; choose the commitment this evidence is for"));
    }
    if !is_commitment_id(id) {
        return Err(FieldError::new(
            "commitment_id",
            format!("{} is not a commitment id; expected P<number>.C<number>, e.g. P1.C2", quoted(id)),
        ));
    }
    Ok(id.to_string())
}

/// `P<n>.C<n>` with 1–3 digits each, the shape the concordat seed uses.
fn is_commitment_id(value: &str) -> bool {
    let Some((principle, commitment)) = value.split_once('.') else {
        return false;
    };
    let numbered = |s: &str, prefix: char| {
        s.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
    };
    numbered(principle, 'P') && numbered(commitment, 'C')
}

/// `commitment` is the validated commitment id, or `None` if that was wrong;
/// then only the action id's own shape can be checked.
fn action_id(value: Option<&str>, commitment: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(id) = value.map(str::trim).filter(|id| !id.is_empty()) else {
        return Ok(None);
    };
    let (prefix, letter) = id.rsplit_once('.').unwrap_or((id, ""));
    let letter_ok = letter.len() == 1 && letter.bytes().all(|b| b.is_ascii_lowercase());
    match commitment {
        Some(commitment) if !(letter_ok && prefix == commitment) => Err(FieldError::new(
            "action_id",
            format!(
                "{} is not an action of commitment {commitment}; expected {commitment} followed by a dot and \
                 a letter, e.g. {commitment}.a, or leave it blank",
                quoted(id)
            ),
        )),
        None if !(letter_ok && is_commitment_id(prefix)) => Err(FieldError::new(
            "action_id",
            format!("{} is not an action id; expected a commitment id, a dot and a letter, e.g. P1.C2.a", quoted(id)),
        )),
        _ => Ok(Some(id.to_string())),
    }
}

fn period(value: &str, today: NaiveDate) -> Result<ReportingPeriod, FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new("period", "is required; use the form YYYY-YY-Qn, e.g. 2023-24-Q1"));
    }
    let period = ReportingPeriod::parse(value).map_err(|e| FieldError::new("period", e.to_string()))?;
    let current = ReportingPeriod::containing(today);
    if period > current {
        return Err(FieldError::new(
            "period",
            format!(
                "cannot record evidence for a future period: {period} has not started yet; \
                 the latest period you can choose is {current}"
            ),
        ));
    }
    Ok(period)
}

fn milestone(draft: &EvidenceDraft, today: NaiveDate) -> Result<Option<Milestone>, Vec<FieldError>> {
    let mut errors = Vec::new();
    // All three fields are checked before deciding, so a too-long description
    // and a bad date are reported together.
    let description = keep(&mut errors, clean_text("milestone", &draft.milestone, false, MAX_MILESTONE_CHARS));
    let due = keep(&mut errors, date("milestone_due", &draft.milestone_due));
    let completed = keep(
        &mut errors,
        date("milestone_completed", &draft.milestone_completed).and_then(|done| match done {
            Some(done) if done > today => Err(FieldError::new(
                "milestone_completed",
                format!(
                    "{} is in the future; enter the date the milestone was met, which cannot be after today ({})",
                    done.format("%Y-%m-%d"),
                    today.format("%Y-%m-%d")
                ),
            )),
            _ => Ok(done),
        }),
    );

    // Presence is judged on what was typed, so an invalid value still counts as given.
    let described = !draft.milestone.trim().is_empty();
    let dated = !draft.milestone_due.trim().is_empty() || !draft.milestone_completed.trim().is_empty();
    if described && draft.milestone_due.trim().is_empty() {
        errors.push(FieldError::new(
            "milestone_due",
            "is required when a milestone is given; enter the date it is due as YYYY-MM-DD",
        ));
    }
    if !described && dated {
        errors.push(FieldError::new("milestone", "describe the milestone these dates belong to, or clear the dates"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match (description, due, completed) {
        (Some(description), Some(Some(due)), Some(completed)) if described => {
            Ok(Some(Milestone { description, due, completed }))
        }
        _ => Ok(None),
    }
}

/// Records a single-field check's error and yields its value, if any.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

/// Records a check's errors and yields its value, if any.
fn keep_all<T>(errors: &mut Vec<FieldError>, result: Result<T, Vec<FieldError>>) -> Option<T> {
    result.map_err(|mut found| errors.append(&mut found)).ok()
}

/// Reads a strict `YYYY-MM-DD` date; blank is `None`.
fn date(field: &str, value: &str) -> Result<Option<NaiveDate>, FieldError> {
    let text = value.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    let not_a_date =
        || FieldError::new(field, format!("{} is not a date; use YYYY-MM-DD, e.g. 2024-03-31", quoted(text)));
    if !shaped {
        return Err(not_a_date());
    }
    // The shape check makes these slices ASCII digits, so parsing cannot fail;
    // mapping to the same error keeps the path panic-free regardless.
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(not_a_date());
    };
    let year = i32::try_from(year).map_err(|_| not_a_date())?;
    NaiveDate::from_ymd_opt(year, month, day)
        .map(Some)
        .ok_or_else(|| FieldError::new(field, format!("{text} is not a date; use YYYY-MM-DD")))
}

fn links(value: &str) -> Result<Vec<String>, Vec<FieldError>> {
    let links: Vec<&str> = value.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    let mut errors = Vec::new();
    if links.len() > MAX_LINKS {
        errors.push(FieldError::new(
            "links",
            format!(
                "has {} links; the limit is {MAX_LINKS}, so remove some or link to a page that lists them",
                links.len()
            ),
        ));
    }
    for (index, link) in links.iter().enumerate() {
        let number = index + 1;
        let length = link.chars().count();
        let problem = if length > MAX_LINK_CHARS {
            Some(format!("link {number} is {length} characters long; the limit is {MAX_LINK_CHARS}"))
        } else if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some(format!("link {number} ({}) contains spaces; put one link on each line", quoted(link)))
        } else if !has_web_scheme(link) {
            // Anything else (javascript:, data:, file:) could run code or read
            // local files when clicked, so only web addresses are kept.
            Some(format!("link {number} ({}) must be a web address starting with https:// or http://", quoted(link)))
        } else {
            None
        };
        if let Some(message) = problem {
            errors.push(FieldError::new("links", message));
        }
    }
    if errors.is_empty() {
        Ok(links.into_iter().map(str::to_string).collect())
    } else {
        Err(errors)
    }
}

/// Whether `link` starts with `https://` or `http://` (any case) and has a host after it.
fn has_web_scheme(link: &str) -> bool {
    ["https://", "http://"].iter().any(|scheme| {
        link.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme)) && link.len() > scheme.len()
    })
}

/// Quotes user text for a message, shortened so a pasted essay in the wrong
/// box does not become an essay of an error.
fn quoted(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() > SHOWN {
        let start: String = text.chars().take(SHOWN).collect();
        format!("'{start}…'")
    } else {
        format!("'{text}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A Tuesday in 2023-24 Q2.
    fn today() -> NaiveDate {
        d(2023, 8, 15)
    }

    fn draft() -> EvidenceDraft {
        EvidenceDraft {
            commitment_id: "P1.C2".into(),
            action_id: Some("P1.C2.a".into()),
            period: "2023-24-Q1".into(),
            narrative: "Street triage now covers all boroughs.".into(),
            delivery_status: "on_track".into(),
            milestone: "Pilot evaluated".into(),
            milestone_due: "2023-09-30".into(),
            milestone_completed: "2023-08-01".into(),
            links: "https://example.org/report.pdf\n\n  http://example.org/minutes  \n".into(),
        }
    }

    /// The errors for `draft`, as (field, message) pairs.
    fn errors(draft: &EvidenceDraft) -> Vec<(String, String)> {
        match validate(draft, today()) {
            Ok(input) => panic!("expected errors, got {input:?}"),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    fn only_error(draft: &EvidenceDraft) -> (String, String) {
        let errors = errors(draft);
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn a_good_draft_validates() {
        let input = validate(&draft(), today()).unwrap();
        assert_eq!(
            input,
            EvidenceInput {
                commitment_id: "P1.C2".into(),
                action_id: Some("P1.C2.a".into()),
                period: ReportingPeriod::parse("2023-24-Q1").unwrap(),
                narrative: "Street triage now covers all boroughs.".into(),
                delivery_status: Some(DeliveryStatus::OnTrack),
                milestone: Some(Milestone {
                    description: "Pilot evaluated".into(),
                    due: d(2023, 9, 30),
                    completed: Some(d(2023, 8, 1)),
                }),
                links: vec!["https://example.org/report.pdf".into(), "http://example.org/minutes".into()],
            }
        );
    }

    #[test]
    fn optional_fields_may_be_blank() {
        let input = validate(
            &EvidenceDraft {
                action_id: Some("  ".into()),
                delivery_status: String::new(),
                milestone: " ".into(),
                milestone_due: String::new(),
                milestone_completed: String::new(),
                links: "\n \n".into(),
                ..draft()
            },
            today(),
        )
        .unwrap();
        assert_eq!(input.action_id, None);
        assert_eq!(input.delivery_status, None);
        assert_eq!(input.milestone, None);
        assert!(input.links.is_empty());
        assert_eq!(validate(&EvidenceDraft { action_id: None, ..draft() }, today()).unwrap().action_id, None);
    }

    #[test]
    fn the_current_period_is_allowed() {
        let input = validate(&EvidenceDraft { period: "2023/24 Q2".into(), ..draft() }, today()).unwrap();
        assert_eq!(input.period.to_string(), "2023-24-Q2");
    }

    #[test]
    fn commitment_id_errors() {
        for bad in ["P1", "p1.c2", "P1.C2.a", "P1.X2", "P1.C2'--", "P1234.C1"] {
            let (field, message) = only_error(&EvidenceDraft { commitment_id: bad.into(), action_id: None, ..draft() });
            assert_eq!(field, "commitment_id");
            assert!(message.contains("expected P<number>.C<number>, e.g. P1.C2"), "{message}");
        }
        assert_eq!(
            only_error(&EvidenceDraft { commitment_id: " ".into(), action_id: None, ..draft() }),
            ("commitment_id".into(), "is required; choose the commitment this evidence is for".into())
        );
    }

    #[test]
    fn action_id_errors() {
        let (field, message) = only_error(&EvidenceDraft { action_id: Some("P1.C3.a".into()), ..draft() });
        assert_eq!(field, "action_id");
        assert_eq!(
            message,
            "'P1.C3.a' is not an action of commitment P1.C2; expected P1.C2 followed by a dot and a letter, \
             e.g. P1.C2.a, or leave it blank"
        );
        for bad in ["P1.C2.A", "P1.C2.ab", "P1.C2.1", "P1.C2.", "P1.C2"] {
            assert_eq!(only_error(&EvidenceDraft { action_id: Some(bad.into()), ..draft() }).0, "action_id", "{bad}");
        }
        // With a broken commitment id, the action id's own shape is still checked.
        let errs = errors(&EvidenceDraft { commitment_id: "C2".into(), action_id: Some("junk".into()), ..draft() });
        assert_eq!(errs.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["commitment_id", "action_id"]);
        let errs = errors(&EvidenceDraft { commitment_id: "C2".into(), action_id: Some("P1.C2.b".into()), ..draft() });
        assert_eq!(errs.len(), 1, "a well-shaped action id is not blamed for the commitment id");
    }

    #[test]
    fn period_errors() {
        let (field, message) = only_error(&EvidenceDraft { period: "2023-25-Q1".into(), ..draft() });
        assert_eq!(field, "period");
        assert!(message.contains("not consecutive"), "{message}");
        assert_eq!(only_error(&EvidenceDraft { period: "Q1".into(), ..draft() }).0, "period");
        assert_eq!(only_error(&EvidenceDraft { period: "".into(), ..draft() }).0, "period");
    }

    #[test]
    fn future_period_is_refused() {
        let (field, message) = only_error(&EvidenceDraft { period: "2023-24-Q3".into(), ..draft() });
        assert_eq!(field, "period");
        assert_eq!(
            message,
            "cannot record evidence for a future period: 2023-24-Q3 has not started yet; \
             the latest period you can choose is 2023-24-Q2"
        );
        assert_eq!(only_error(&EvidenceDraft { period: "2024-25-Q1".into(), ..draft() }).0, "period");
    }

    #[test]
    fn narrative_errors() {
        assert_eq!(
            only_error(&EvidenceDraft { narrative: " \n ".into(), ..draft() }),
            ("narrative".into(), "is required".into())
        );
        let (field, message) = only_error(&EvidenceDraft { narrative: "a".repeat(10_001), ..draft() });
        assert_eq!(field, "narrative");
        assert_eq!(message, "is 10001 characters long; the limit is 10000");
        assert!(validate(&EvidenceDraft { narrative: "é".repeat(10_000), ..draft() }, today()).is_ok());
    }

    #[test]
    fn markup_and_sql_are_kept_verbatim() {
        let narrative = "<script>alert('x')</script>\n\nRobert'); DROP TABLE evidence;--";
        let milestone = "<b>bold</b> & 'quoted' \"text\"";
        let input =
            validate(&EvidenceDraft { narrative: narrative.into(), milestone: milestone.into(), ..draft() }, today())
                .unwrap();
        assert_eq!(input.narrative, narrative);
        assert_eq!(input.milestone.unwrap().description, milestone);
        assert_eq!(
            narrative_paragraphs(&input.narrative),
            ["<script>alert('x')</script>", "Robert'); DROP TABLE evidence;--"]
        );
    }

    #[test]
    fn delivery_status_errors_and_names() {
        let (field, message) = only_error(&EvidenceDraft { delivery_status: "green".into(), ..draft() });
        assert_eq!(field, "delivery_status");
        assert_eq!(
            message,
            "'green' is not a delivery status; choose one of not_started, on_track, at_risk, off_track, complete, \
             or leave it blank"
        );
        // The names offered are exactly the serde names.
        for status in DeliveryStatus::ALL {
            assert_eq!(parse_delivery_status(status.as_str()), Ok(Some(status)));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(parse_delivery_status("  at_risk "), Ok(Some(DeliveryStatus::AtRisk)));
        assert_eq!(parse_delivery_status(""), Ok(None));
        assert!(parse_delivery_status("On Track").is_err());
    }

    #[test]
    fn milestone_errors() {
        let (field, message) = only_error(&EvidenceDraft { milestone: "m".repeat(501), ..draft() });
        assert_eq!(field, "milestone");
        assert_eq!(message, "is 501 characters long; the limit is 500");

        let (field, message) = only_error(&EvidenceDraft { milestone_due: String::new(), ..draft() });
        assert_eq!(field, "milestone_due");
        assert!(message.starts_with("is required when a milestone is given"), "{message}");

        let dates_only = EvidenceDraft { milestone: String::new(), ..draft() };
        assert_eq!(only_error(&dates_only).0, "milestone");

        let (field, message) = only_error(&EvidenceDraft { milestone_completed: "2023-08-16".into(), ..draft() });
        assert_eq!(field, "milestone_completed");
        assert_eq!(
            message,
            "2023-08-16 is in the future; enter the date the milestone was met, which cannot be after today (2023-08-15)"
        );
        // Completed today, or before the due date, or after it, are all fine.
        for done in ["2023-08-15", "2020-01-01", "2023-08-14"] {
            assert!(validate(&EvidenceDraft { milestone_completed: done.into(), ..draft() }, today()).is_ok());
        }
        // A due date in the future is normal.
        assert!(validate(&EvidenceDraft { milestone_due: "2030-03-31".into(), ..draft() }, today()).is_ok());
    }

    #[test]
    fn dates_must_be_real_and_iso() {
        assert_eq!(
            only_error(&EvidenceDraft { milestone_due: "2023-02-30".into(), ..draft() }),
            ("milestone_due".into(), "2023-02-30 is not a date; use YYYY-MM-DD".into())
        );
        assert_eq!(
            only_error(&EvidenceDraft { milestone_completed: "2023-02-29".into(), ..draft() }),
            ("milestone_completed".into(), "2023-02-29 is not a date; use YYYY-MM-DD".into())
        );
        for bad in ["30/09/2023", "2023-9-30", "2023-09-30T00:00", "+2023-09-3", "２０２３-09-30", "yesterday"] {
            let (field, message) = only_error(&EvidenceDraft { milestone_due: bad.into(), ..draft() });
            assert_eq!(field, "milestone_due", "{bad}");
            assert!(message.ends_with("is not a date; use YYYY-MM-DD, e.g. 2024-03-31"), "{message}");
        }
        let leap = validate(&EvidenceDraft { milestone_due: "2024-02-29".into(), ..draft() }, today()).unwrap();
        assert_eq!(leap.milestone.unwrap().due, d(2024, 2, 29));
    }

    #[test]
    fn links_must_be_web_addresses() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>x</script>",
            "file:///etc/passwd",
            "ftp://x",
            "example.org",
            "https://",
        ] {
            let (field, message) =
                only_error(&EvidenceDraft { links: format!("https://ok.example\n{bad}"), ..draft() });
            assert_eq!(field, "links");
            assert!(message.starts_with("link 2 ("), "{message}");
            assert!(message.ends_with("must be a web address starting with https:// or http://"), "{message}");
        }
        assert!(validate(&EvidenceDraft { links: "HTTPS://EXAMPLE.ORG/A".into(), ..draft() }, today()).is_ok());
        let (field, message) = only_error(&EvidenceDraft { links: "https://a.example/x y".into(), ..draft() });
        assert_eq!(field, "links");
        assert_eq!(message, "link 1 ('https://a.example/x y') contains spaces; put one link on each line");
        let long = format!("https://example.org/{}", "a".repeat(2_000));
        assert_eq!(
            only_error(&EvidenceDraft { links: long, ..draft() }).1,
            "link 1 is 2020 characters long; the limit is 2000"
        );
    }

    #[test]
    fn at_most_ten_links() {
        let ten: Vec<String> = (1..=10).map(|i| format!("https://example.org/{i}")).collect();
        assert_eq!(validate(&EvidenceDraft { links: ten.join("\n"), ..draft() }, today()).unwrap().links, ten);
        let eleven = format!("{}\nhttps://example.org/11", ten.join("\r\n"));
        let (field, message) = only_error(&EvidenceDraft { links: eleven, ..draft() });
        assert_eq!(field, "links");
        assert_eq!(message, "has 11 links; the limit is 10, so remove some or link to a page that lists them");
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let bad = EvidenceDraft {
            commitment_id: "X".into(),
            action_id: Some("nope".into()),
            period: "2099-00-Q1".into(),
            narrative: String::new(),
            delivery_status: "done".into(),
            milestone: "Launch".into(),
            milestone_due: "2023-02-30".into(),
            milestone_completed: "2023-13-01".into(),
            links: "javascript:alert(1)\nhttps://a b".into(),
        };
        let fields: Vec<String> = errors(&bad).into_iter().map(|(field, _)| field).collect();
        assert_eq!(
            fields,
            [
                "commitment_id",
                "action_id",
                "period",
                "narrative",
                "delivery_status",
                "milestone_due",
                "milestone_completed",
                "links",
                "links"
            ]
        );
        // The draft is untouched, ready to show again.
        assert_eq!(bad.milestone_completed, "2023-13-01");
    }

    #[test]
    fn description_and_date_errors_are_both_reported() {
        let both = EvidenceDraft { milestone: "m".repeat(501), milestone_due: "2023-02-30".into(), ..draft() };
        let fields: Vec<String> = errors(&both).into_iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["milestone", "milestone_due"]);
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(narrative_paragraphs(""), Vec::<String>::new());
        assert_eq!(narrative_paragraphs(" \n\t\n"), Vec::<String>::new());
        assert_eq!(narrative_paragraphs("One line."), ["One line."]);
        assert_eq!(
            narrative_paragraphs("First,\nstill first.  \n\n\n  \nSecond.\r\n\r\nThird.\n"),
            ["First,\nstill first.", "Second.", "Third."]
        );
        // Leading indentation inside a paragraph is the writer's choice; kept.
        assert_eq!(narrative_paragraphs("\n\n  - item\n  - item"), ["  - item\n  - item"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn validate_never_panics(
            commitment in ".{0,12}", action in proptest::option::of(".{0,12}"), period in ".{0,12}",
            narrative in ".{0,40}", status in ".{0,12}", milestone in ".{0,20}", due in "[0-9-]{0,12}",
            completed in "[0-9-]{0,12}", links in "(.{0,20}\n){0,12}",
        ) {
            let draft = EvidenceDraft {
                commitment_id: commitment, action_id: action, period, narrative, delivery_status: status,
                milestone, milestone_due: due, milestone_completed: completed, links,
            };
            if let Err(errors) = validate(&draft, today()) {
                prop_assert!(!errors.is_empty());
            }
        }

        #[test]
        fn paragraphs_are_never_blank_and_keep_all_text(text in "[a-z \n]{0,80}") {
            let paragraphs = narrative_paragraphs(&text);
            prop_assert!(paragraphs.iter().all(|p| !p.trim().is_empty()));
            let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
            prop_assert_eq!(words(&paragraphs.join("\n\n")), words(&text));
        }
    }
}
