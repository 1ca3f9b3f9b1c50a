//! The concordat itself: its vision, principles, commitments and numbered actions.
//!
//! Ids are stable and meaningful (`P1`, `P1.C1`, `P1.C1.a`) so they can be used in
//! URLs, API payloads and CSV files without a lookup.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Concordat {
    pub title: String,
    pub status: String,
    pub owner: String,
    pub review: String,
    pub vision: Vec<String>,
    /// "Services and support are to be: …" — the three emphases.
    pub emphases: Vec<String>,
    pub aims: Vec<String>,
    pub principles: Vec<Principle>,
}

impl Concordat {
    pub fn commitments(&self) -> impl Iterator<Item = &Commitment> {
        self.principles.iter().flat_map(|p| p.commitments.iter())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Principle {
    pub id: String,
    /// 1-based position, shown as "Principle 1".
    pub number: i64,
    pub title: String,
    pub commitments: Vec<Commitment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: String,
    pub principle_id: String,
    /// 1-based position within its principle.
    pub number: i64,
    pub text: String,
    /// When the concordat says the commitment must be delivered by.
    pub due: Option<NaiveDate>,
    pub actions: Vec<CommitmentAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentAction {
    pub id: String,
    pub number: i64,
    pub text: String,
}

/// Id of a principle's `number`-th (1-based) commitment: `P1` + 2 → `P1.C2`.
pub fn commitment_id(principle_id: &str, number: usize) -> String {
    format!("{principle_id}.C{number}")
}

/// Id of a commitment's `number`-th (1-based) action: `P1.C1` + 1 → `P1.C1.a`.
///
/// Letters, not digits, so an action id can never be mistaken for a commitment id.
pub fn action_id(commitment_id: &str, number: usize) -> Option<String> {
    let letter = (b'a' + u8::try_from(number.checked_sub(1)?).ok()?) as char;
    letter.is_ascii_lowercase().then(|| format!("{commitment_id}.{letter}"))
}

/// Checks the shape of a commitment id from a URL or upload (`P3.C2`).
pub fn is_commitment_id(value: &str) -> bool {
    let Some((principle, commitment)) = value.split_once('.') else {
        return false;
    };
    let numbered = |s: &str, prefix: char| {
        s.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
    };
    numbered(principle, 'P') && numbered(commitment, 'C')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_built_from_positions() {
        assert_eq!(commitment_id("P2", 3), "P2.C3");
        assert_eq!(action_id("P1.C1", 1).as_deref(), Some("P1.C1.a"));
        assert_eq!(action_id("P1.C1", 26).as_deref(), Some("P1.C1.z"));
        assert_eq!(action_id("P1.C1", 0), None);
        assert_eq!(action_id("P1.C1", 27), None);
    }

    #[test]
    fn commitment_ids_are_recognised() {
        assert!(is_commitment_id("P3.C2"));
        assert!(is_commitment_id("P10.C12"));
        for bad in ["", "P3", "P3.C", "P.C2", "p3.c2", "P3.C2.a", "P3.X2", "P3.C2'--", "P1234.C1"] {
            assert!(!is_commitment_id(bad), "{bad:?} accepted");
        }
    }
}
