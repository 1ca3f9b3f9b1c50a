//! The concordat's sign-up register: who has signed, when, by whom, for which
//! ICSs, and which of the agencies each ICS needs have not signed yet.

use super::london::{required_signatories, Organisation};
use super::validation::{clean_text, FieldError, FieldErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One organisation's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUp {
    /// `YYYY-MM-DD`
    pub signed_on: String,
    pub signatory_name: String,
    pub signatory_role: String,
    /// The ICSs it signed for (codes, in London's order).
    pub icss: Vec<String>,
}

/// A sign-up as a form sends it; `icss` empty means every ICS the organisation serves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignUpInput {
    pub signed_on: String,
    pub signatory_name: String,
    pub signatory_role: String,
    pub icss: Vec<String>,
}

/// Checks a sign-up for `org`: a real date not in the future, a name and role,
/// and only ICSs the organisation serves (`all_icss` in London's order).
pub fn validate(
    input: &SignUpInput,
    org: &Organisation,
    all_icss: &[String],
    today: NaiveDate,
) -> Result<SignUp, FieldErrors> {
    let mut errors = FieldErrors::new();
    let signed_on = errors.take(signed_on(&input.signed_on, today));
    let name = errors.take(clean_text("signatory_name", &input.signatory_name, true, 200));
    let role = errors.take(clean_text("signatory_role", &input.signatory_role, true, 200));
    let served = org.icss(all_icss);
    let asked: Vec<String> =
        input.icss.iter().map(|code| code.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).collect();
    let not_served: Vec<&String> = asked.iter().filter(|code| !served.contains(code)).collect();
    if !not_served.is_empty() {
        let list: Vec<&str> = not_served.iter().map(|c| c.as_str()).collect();
        errors.push(FieldError::new(
            "icss",
            format!("{} does not serve {}; it serves {}", org.name, list.join(", "), served.join(", ")),
        ));
    }
    let icss = if asked.is_empty() { served } else { all_icss.iter().filter(|c| asked.contains(c)).cloned().collect() };
    match (signed_on, name, role, errors.is_empty()) {
        (Some(signed_on), Some(signatory_name), Some(signatory_role), true) => {
            Ok(SignUp { signed_on: signed_on.to_string(), signatory_name, signatory_role, icss })
        }
        _ => Err(errors),
    }
}

fn signed_on(text: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let text = text.trim();
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| FieldError::new("signed_on", format!("{text:?} is not a date (YYYY-MM-DD)")))?;
    if date > today {
        return Err(FieldError::new("signed_on", format!("{date} is in the future")));
    }
    Ok(date)
}

/// Sign-up in one ICS: who has signed for it, and which required agencies have not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcsSignUp {
    pub ics: String,
    /// Organisations that signed for this ICS (ids), in the register's order.
    pub signatories: Vec<String>,
    /// Agencies the ICS needs that have not signed for it (ids).
    pub missing: Vec<String>,
    /// How many agencies the ICS needs.
    pub required: usize,
}

impl IcsSignUp {
    pub fn required_signed(&self) -> usize {
        self.required - self.missing.len()
    }
}

/// Sign-up in `ics` on `day`, from every organisation and the register.
pub fn ics_sign_up(
    ics: &str,
    organisations: &[Organisation],
    register: &HashMap<String, SignUp>,
    day: &str,
) -> IcsSignUp {
    let signed_for = |org: &Organisation| register.get(&org.id).is_some_and(|s| s.icss.iter().any(|c| c == ics));
    let required = required_signatories(ics, organisations, day);
    IcsSignUp {
        ics: ics.to_string(),
        signatories: organisations.iter().filter(|org| signed_for(org)).map(|org| org.id.clone()).collect(),
        missing: required.iter().filter(|org| !signed_for(org)).map(|org| org.id.clone()).collect(),
        required: required.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::london::OrgKind;

    fn icss() -> Vec<String> {
        ["NCL", "NEL", "NWL", "SEL", "SWL"].map(String::from).to_vec()
    }

    fn slam() -> Organisation {
        Organisation {
            id: "slam".into(),
            name: "SLaM".into(),
            kind: OrgKind::MhTrust,
            ics: Some("SEL".into()),
            also_serves: vec!["SWL".into()],
            ..Organisation::default()
        }
    }

    fn input(icss: &[&str]) -> SignUpInput {
        SignUpInput {
            signed_on: "2023-07-19".into(),
            signatory_name: "Dr A Chief".into(),
            signatory_role: "Chief Executive".into(),
            icss: icss.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
    }

    #[test]
    fn no_icss_named_means_every_ics_served() {
        let signed = validate(&input(&[]), &slam(), &icss(), today()).expect("valid");
        assert_eq!(signed.icss, ["SEL", "SWL"]);
        let one = validate(&input(&["swl"]), &slam(), &icss(), today()).expect("valid");
        assert_eq!(one.icss, ["SWL"]);
    }

    #[test]
    fn every_problem_is_named() {
        let bad = SignUpInput {
            signed_on: "2027-01-01".into(),
            signatory_name: " ".into(),
            signatory_role: "".into(),
            icss: vec!["NEL".into()],
        };
        let errors = validate(&bad, &slam(), &icss(), today()).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["signed_on", "signatory_name", "signatory_role", "icss"]);
        assert!(errors.0[3].message.contains("does not serve NEL; it serves SEL, SWL"), "{}", errors.0[3].message);
        let not_a_date = SignUpInput { signed_on: "19/07/2023".into(), ..input(&[]) };
        assert!(validate(&not_a_date, &slam(), &icss(), today()).is_err());
    }

    #[test]
    fn an_ics_lists_who_signed_for_it_and_who_it_still_needs() {
        let met = Organisation {
            id: crate::domain::london::METROPOLITAN_POLICE.into(),
            name: "Met".into(),
            kind: OrgKind::Police,
            ..Organisation::default()
        };
        let organisations = vec![slam(), met];
        let mut register = HashMap::new();
        register.insert("slam".to_string(), validate(&input(&["SEL"]), &slam(), &icss(), today()).expect("valid"));
        let sel = ics_sign_up("SEL", &organisations, &register, "2026-11-26");
        assert_eq!(sel.signatories, ["slam"]);
        assert_eq!(sel.missing, [crate::domain::london::METROPOLITAN_POLICE]);
        assert_eq!((sel.required, sel.required_signed()), (2, 1));
        let swl = ics_sign_up("SWL", &organisations, &register, "2026-11-26");
        assert!(swl.signatories.is_empty(), "SLaM signed for SEL only");
        assert_eq!(swl.missing.len(), 2);
    }
}
