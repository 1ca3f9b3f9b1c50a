//! London's five Integrated Care Systems and the organisations that sign up.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Code of an Integrated Care System, e.g. `SEL`. Always upper case ASCII letters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IcsCode(String);

impl IcsCode {
    /// Accepts `sel` or `SEL`; anything but 2–8 ASCII letters is refused with a reason.
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.trim();
        if (2..=8).contains(&trimmed.len()) && trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(IcsCode(trimmed.to_ascii_uppercase()))
        } else {
            Err(format!("{value:?} is not an ICS code (expected letters such as SEL)"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IcsCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        IcsCode::parse(&value)
    }
}

impl From<IcsCode> for String {
    fn from(code: IcsCode) -> Self {
        code.0
    }
}

impl PartialEq<str> for IcsCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for IcsCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for IcsCode {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<IcsCode> for String {
    fn eq(&self, other: &IcsCode) -> bool {
        *self == other.0
    }
}

impl fmt::Display for IcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ics {
    pub code: String,
    pub name: String,
    pub boroughs: Vec<String>,
}

/// An ICS with the organisations that work in it, London-wide ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcsDetail {
    pub ics: Ics,
    pub partners: Vec<Organisation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Organisation {
    /// Stable slug of the name, e.g. `oxleas-nhs-foundation-trust`.
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrgKind,
    /// The ICS it belongs to; `None` for London-wide partners (police,
    /// ambulance) that serve every ICS.
    pub ics: Option<String>,
    /// Other ICSs whose boroughs it serves (SLaM, in SEL, also serves Croydon in SWL).
    pub also_serves: Vec<String>,
    /// NHS ODS code (NHS bodies), e.g. `RV5`.
    pub ods: Option<String>,
    /// ONS GSS code (councils, ICBs, police force areas), e.g. `E09000022`.
    pub ons: Option<String>,
    /// The day it came into being, if after 2023 (a merger's new trust), `YYYY-MM-DD`.
    pub started_on: Option<String>,
    /// The day it ceased or was retired from the tracker, `YYYY-MM-DD`. It stays
    /// for history: what it recorded keeps pointing at it.
    pub retired_on: Option<String>,
    /// The organisation that took over its services (a merger's new trust).
    pub successor_id: Option<String>,
}

impl Organisation {
    pub fn is_london_wide(&self) -> bool {
        self.ics.is_none()
    }

    /// Whether it serves `ics`: its own ICS, one it also serves, or any when London-wide.
    pub fn serves(&self, ics: &str) -> bool {
        match &self.ics {
            None => true,
            Some(own) => own == ics || self.also_serves.iter().any(|other| other == ics),
        }
    }

    /// The ICSs it serves, given every ICS code (all of them when London-wide).
    pub fn icss<'a>(&'a self, all: &'a [String]) -> Vec<String> {
        all.iter().filter(|code| self.serves(code)).cloned().collect()
    }

    /// Whether it had been retired (or had ceased) by `day` (`YYYY-MM-DD`).
    pub fn is_retired_on(&self, day: &str) -> bool {
        self.retired_on.as_deref().is_some_and(|retired| retired <= day)
    }
}

/// The agencies whose signature the concordat needs in an ICS: its ICB, every
/// mental health trust serving it, each of its local authorities, the
/// Metropolitan Police (and the City of London Police for NEL, which holds the
/// City), and the London Ambulance Service. Only organisations still in being
/// on `day` count.
pub fn required_signatories<'a>(ics: &str, organisations: &'a [Organisation], day: &str) -> Vec<&'a Organisation> {
    organisations
        .iter()
        .filter(|org| !org.is_retired_on(day) && org.started_on.as_deref().is_none_or(|started| started <= day))
        .filter(|org| match org.kind {
            OrgKind::Icb | OrgKind::LocalAuthority => org.ics.as_deref() == Some(ics),
            OrgKind::MhTrust => org.ics.is_some() && org.serves(ics),
            OrgKind::Police => org.id == METROPOLITAN_POLICE || (ics == "NEL" && org.id == CITY_OF_LONDON_POLICE),
            OrgKind::Ambulance => org.id == LONDON_AMBULANCE_SERVICE,
            _ => false,
        })
        .collect()
}

pub const METROPOLITAN_POLICE: &str = "metropolitan-police-service";
pub const CITY_OF_LONDON_POLICE: &str = "city-of-london-police";
pub const LONDON_AMBULANCE_SERVICE: &str = "london-ambulance-service-nhs-trust";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A partnership with no statutory body of its own: the London UEC Mental
    /// Health Recovery Board, which reviews everyone's progress, or Thrive LDN.
    #[default]
    Board,
    Icb,
    MhTrust,
    AcuteTrust,
    CommunityProvider,
    LocalAuthority,
    Police,
    Ambulance,
    Vcse,
    Healthwatch,
    /// NHS England's London region.
    NhsRegion,
}

impl OrgKind {
    pub const ALL: [OrgKind; 11] = [
        OrgKind::Board,
        OrgKind::Icb,
        OrgKind::MhTrust,
        OrgKind::AcuteTrust,
        OrgKind::CommunityProvider,
        OrgKind::LocalAuthority,
        OrgKind::Police,
        OrgKind::Ambulance,
        OrgKind::Vcse,
        OrgKind::Healthwatch,
        OrgKind::NhsRegion,
    ];

    /// The value stored in the database and used in seed files.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Board => "board",
            OrgKind::Icb => "icb",
            OrgKind::MhTrust => "mh_trust",
            OrgKind::AcuteTrust => "acute_trust",
            OrgKind::CommunityProvider => "community_provider",
            OrgKind::LocalAuthority => "local_authority",
            OrgKind::Police => "police",
            OrgKind::Ambulance => "ambulance",
            OrgKind::Vcse => "vcse",
            OrgKind::Healthwatch => "healthwatch",
            OrgKind::NhsRegion => "nhs_region",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        OrgKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
            .ok_or_else(|| format!("{value:?} is not an organisation kind"))
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Board => "Partnership board",
            OrgKind::Icb => "Integrated care board",
            OrgKind::MhTrust => "Mental health trust",
            OrgKind::AcuteTrust => "Acute trust",
            OrgKind::CommunityProvider => "Community provider",
            OrgKind::LocalAuthority => "Local authority",
            OrgKind::Police => "Police",
            OrgKind::Ambulance => "Ambulance service",
            OrgKind::Vcse => "Voluntary, community and social enterprise",
            OrgKind::Healthwatch => "Healthwatch",
            OrgKind::NhsRegion => "NHS England region",
        }
    }
}

/// A URL-safe, stable id from an organisation's name:
/// "Guy's and St Thomas' NHS Foundation Trust" → `guys-and-st-thomas-nhs-foundation-trust`.
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '(' || c == ')') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_codes_are_normalised_and_checked() {
        assert_eq!(IcsCode::parse(" sel ").map(|c| c.to_string()), Ok("SEL".to_string()));
        for bad in ["", "S", "SEL1", "S E L", "<script>", "SEL'; DROP TABLE ics;--"] {
            assert!(IcsCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn org_kinds_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Ok(kind));
            assert!(!kind.label().is_empty());
        }
        assert!(OrgKind::parse("hospital").is_err());
    }

    #[test]
    fn slugs_are_stable_and_url_safe() {
        assert_eq!(slug("Guy's and St Thomas' NHS Foundation Trust"), "guys-and-st-thomas-nhs-foundation-trust");
        assert_eq!(slug("Healthwatch (South East London)"), "healthwatch-south-east-london");
        assert_eq!(slug("  Royal Borough of Greenwich "), "royal-borough-of-greenwich");
    }
}

/// An organisation as the add/edit form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationInput {
    pub name: String,
    pub short_name: String,
    pub kind: String,
    /// An ICS code, or `ALL` (or blank) for London-wide.
    pub ics: String,
    pub also_serves: Vec<String>,
    pub ods: String,
    pub ons: String,
    pub started_on: String,
    pub retired_on: String,
    pub successor_id: String,
}

/// Checks an organisation's details, naming every problem. `id` is its id (a
/// new one's is the slug of its name); `all_icss` every ICS code; `exists`
/// says whether an id names an organisation (for the successor).
pub fn validate_organisation(
    id: &str,
    input: &OrganisationInput,
    all_icss: &[String],
    exists: impl Fn(&str) -> bool,
) -> Result<Organisation, super::validation::FieldErrors> {
    use super::validation::{clean_text, FieldError, FieldErrors};
    let mut errors = FieldErrors::new();
    let name = errors.take(clean_text("name", &input.name, true, 200));
    let short_name = errors.take(clean_text("short_name", &input.short_name, false, 40)).filter(|s| !s.is_empty());
    let kind = errors.take(OrgKind::parse(input.kind.trim()).map_err(|e| FieldError::new("kind", e)));
    let known = |field: &str, code: &str| -> Result<String, FieldError> {
        let code = IcsCode::parse(code).map_err(|e| FieldError::new(field, e))?;
        all_icss
            .iter()
            .find(|c| **c == code)
            .cloned()
            .ok_or_else(|| FieldError::new(field, format!("there is no ICS {code}")))
    };
    let ics = match input.ics.trim() {
        "" | "ALL" | "all" => None,
        code => errors.take(known("ics", code)),
    };
    let mut also_serves = Vec::new();
    for code in input.also_serves.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if let Some(code) = errors.take(known("also_serves", code)) {
            if ics.as_deref() != Some(code.as_str()) && !also_serves.contains(&code) {
                also_serves.push(code);
            }
        }
    }
    if ics.is_none() {
        also_serves.clear(); // a London-wide organisation serves every ICS already
    }
    also_serves.sort_by_key(|code| all_icss.iter().position(|c| c == code));
    let code = |field: &'static str, value: &str, valid: fn(&str) -> bool, example: &str| {
        let value = value.trim().to_ascii_uppercase();
        if value.is_empty() {
            Ok(None)
        } else if valid(&value) {
            Ok(Some(value))
        } else {
            Err(FieldError::new(field, format!("{value:?} is not a code like {example}")))
        }
    };
    let ods = errors
        .take(code(
            "ods",
            &input.ods,
            |v| (3..=5).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric()),
            "RV5",
        ))
        .flatten();
    let ons = errors
        .take(code(
            "ons",
            &input.ons,
            |v| v.len() == 9 && v.starts_with('E') && v[1..].bytes().all(|b| b.is_ascii_digit()),
            "E09000022",
        ))
        .flatten();
    let date = |field: &'static str, value: &str| -> Result<Option<String>, FieldError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map(|d| Some(d.to_string()))
            .map_err(|_| FieldError::new(field, format!("{value:?} is not a date (YYYY-MM-DD)")))
    };
    let started_on = errors.take(date("started_on", &input.started_on)).flatten();
    let retired_on = errors.take(date("retired_on", &input.retired_on)).flatten();
    if let (Some(start), Some(end)) = (&started_on, &retired_on) {
        if end < start {
            errors.push(FieldError::new("retired_on", format!("{end} is before it started ({start})")));
        }
    }
    let successor_id = match input.successor_id.trim() {
        "" => None,
        same if same == id => {
            errors.push(FieldError::new("successor_id", "an organisation cannot succeed itself"));
            None
        }
        other if exists(other) => Some(other.to_string()),
        other => {
            errors.push(FieldError::new("successor_id", format!("there is no organisation {other:?}")));
            None
        }
    };
    if id.is_empty() {
        errors.push(FieldError::new("name", "needs letters or digits to make the organisation's id"));
    }
    match (name, kind, errors.is_empty()) {
        (Some(name), Some(kind), true) => Ok(Organisation {
            id: id.to_string(),
            name,
            short_name,
            kind,
            ics,
            also_serves,
            ods,
            ons,
            started_on,
            retired_on,
            successor_id,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod organisation_input_tests {
    use super::*;

    fn icss() -> Vec<String> {
        ["NCL", "NEL", "NWL", "SEL", "SWL"].map(String::from).to_vec()
    }

    fn input() -> OrganisationInput {
        OrganisationInput {
            name: " Croydon Crisis Café ".into(),
            kind: "vcse".into(),
            ics: "swl".into(),
            also_serves: vec!["SEL".into(), "SWL".into(), "".into()],
            ods: "ab1".into(),
            ons: "".into(),
            started_on: "2025-04-01".into(),
            ..OrganisationInput::default()
        }
    }

    #[test]
    fn a_good_organisation_is_normalised() {
        let org = validate_organisation("croydon-crisis-cafe", &input(), &icss(), |_| false).expect("valid");
        assert_eq!(org.name, "Croydon Crisis Café");
        assert_eq!(org.ics.as_deref(), Some("SWL"));
        assert_eq!(org.also_serves, ["SEL"], "its own ICS is not repeated");
        assert_eq!(org.ods.as_deref(), Some("AB1"));
        assert_eq!(org.started_on.as_deref(), Some("2025-04-01"));
        let london = OrganisationInput { ics: "ALL".into(), ..input() };
        let org = validate_organisation("x", &london, &icss(), |_| false).expect("valid");
        assert!(org.ics.is_none() && org.also_serves.is_empty());
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = OrganisationInput {
            name: "".into(),
            kind: "hospital".into(),
            ics: "XYZ".into(),
            ods: "not a code".into(),
            ons: "W06000001".into(),
            started_on: "2025-04-01".into(),
            retired_on: "2024-01-01".into(),
            successor_id: "nobody".into(),
            ..OrganisationInput::default()
        };
        let errors = validate_organisation("x", &bad, &icss(), |_| false).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind", "ics", "ods", "ons", "retired_on", "successor_id"]);
        let own = OrganisationInput { successor_id: "x".into(), ..input() };
        assert!(validate_organisation("x", &own, &icss(), |_| true).is_err(), "not its own successor");
    }
}
