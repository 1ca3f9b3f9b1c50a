//! Reference data from the concordat papers, compiled into the binary.
//!
//! The TOML files in `seed/` are copies of the concordat's own wording; they are
//! embedded with `include_str!` so a deployed server needs nothing beside it.
//! Parsing validates them completely, so a bad edit fails the unit tests rather
//! than a start-up.

use crate::domain::concordat::{action_id, commitment_id, Commitment, CommitmentAction, Concordat, Principle};
use crate::domain::evidence::{EvidenceInput, Milestone};
use crate::domain::london::{slug, Ics, IcsCode, OrgKind, Organisation};
use crate::domain::metric::MetricDefinition;
use crate::domain::period::ReportingPeriod;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashSet;

pub const CONCORDAT_TOML: &str = include_str!("../seed/concordat.toml");
pub const LONDON_TOML: &str = include_str!("../seed/london.toml");
pub const PARTNERS_TOML: &str = include_str!("../seed/london-partners.toml");
pub const METRICS_TOML: &str = include_str!("../seed/metrics.toml");
pub const SEL_PROGRESS_TOML: &str = include_str!("../seed/sel-progress-2023-04.toml");

/// The organisation the April 2023 SEL progress is attributed to.
pub const SEL_PROGRESS_ORGANISATION: &str = "nhs-south-east-london-icb";

/// Partners whose `ics` is this value serve every ICS.
const LONDON_WIDE: &str = "ALL";

#[derive(Debug, Clone, PartialEq)]
pub struct SeedData {
    pub concordat: Concordat,
    pub icss: Vec<Ics>,
    pub organisations: Vec<Organisation>,
    pub metrics: Vec<MetricDefinition>,
    pub progress: Vec<SeedEvidence>,
}

/// One item of real progress from the concordat papers, recorded as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedEvidence {
    /// Stable, so seeding twice finds the entry already there.
    pub id: String,
    pub organisation_id: String,
    pub ics: String,
    pub input: EvidenceInput,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SeedError {
    #[error("{file}: {message}")]
    Syntax { file: &'static str, message: String },
    #[error("{file}: {message}")]
    Invalid { file: &'static str, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConcordatFile {
    title: String,
    status: String,
    owner: String,
    review: String,
    vision: Vec<String>,
    emphases: Vec<String>,
    aims: Vec<String>,
    principle: Vec<PrincipleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrincipleEntry {
    id: String,
    title: String,
    commitment: Vec<CommitmentEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentEntry {
    id: String,
    text: String,
    #[serde(default)]
    actions: Vec<String>,
    due: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LondonFile {
    ics: Vec<IcsEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnersFile {
    partner: Vec<PartnerEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IcsEntry {
    code: String,
    name: String,
    boroughs: Vec<String>,
}

/// One `[[partner]]` of london-partners.toml (its header explains the fields).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnerEntry {
    name: String,
    /// The tracker's id when it is not the slug of `name` (kept from its first seed).
    id: Option<String>,
    short: Option<String>,
    kind: String,
    ics: String,
    #[serde(default)]
    also_serves: Vec<String>,
    /// Boroughs served; the ICSs they belong to are what the tracker uses.
    #[serde(default)]
    #[allow(dead_code)]
    boroughs: Vec<String>,
    ods: Option<String>,
    ons: Option<String>,
    /// The sub-ICB location code, for MHSDS returns: not used by the tracker.
    #[allow(dead_code)]
    sub_icb: Option<String>,
    since: Option<toml::value::Datetime>,
    until: Option<toml::value::Datetime>,
    /// The name of the organisation that took over.
    successor: Option<String>,
    /// The name since a rename (same body, same code): what the tracker shows.
    current_name: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

/// Parses and checks the embedded seed files.
pub fn load() -> Result<SeedData, SeedError> {
    let mut seed = parse(CONCORDAT_TOML, LONDON_TOML, PARTNERS_TOML)?;
    seed.metrics = parse_metrics(METRICS_TOML, &seed.concordat)?;
    seed.progress = parse_progress(SEL_PROGRESS_TOML, &seed)?;
    Ok(seed)
}

pub fn parse(concordat_toml: &str, london_toml: &str, partners_toml: &str) -> Result<SeedData, SeedError> {
    let concordat = parse_concordat(concordat_toml)?;
    let icss = parse_london(london_toml)?;
    let organisations = parse_partners(partners_toml, &icss)?;
    Ok(SeedData { concordat, icss, organisations, metrics: Vec::new(), progress: Vec::new() })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricsFile {
    metric: Vec<MetricDefinition>,
}

fn parse_metrics(text: &str, concordat: &Concordat) -> Result<Vec<MetricDefinition>, SeedError> {
    const FILE: &str = "metrics.toml";
    let file: MetricsFile =
        toml::from_str(text).map_err(|e| SeedError::Syntax { file: FILE, message: e.to_string() })?;
    let mut ids = HashSet::new();
    file.metric
        .into_iter()
        .map(|metric| {
            let id = metric.id.clone();
            let metric = metric.validate().map_err(|errors| SeedError::Invalid {
                file: FILE,
                message: format!("{id}: {}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
            })?;
            if !concordat.commitments().any(|c| c.id == metric.commitment_id) {
                return Err(SeedError::Invalid {
                    file: FILE,
                    message: format!("{id}: unknown commitment {}", metric.commitment_id),
                });
            }
            if !ids.insert(id.clone()) {
                return Err(SeedError::Invalid { file: FILE, message: format!("{id} is listed twice") });
            }
            Ok(metric)
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgressFile {
    ics: String,
    period: String,
    item: Vec<ProgressItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgressItem {
    #[allow(dead_code)] // kept in the file for readers; the commitment id already names it
    principle: String,
    commitment: String,
    text: String,
    #[allow(dead_code)] // quantities in the text, kept for a later metric back-fill
    figures: Option<toml::Table>,
    due: Option<NaiveDate>,
}

fn parse_progress(text: &str, seed: &SeedData) -> Result<Vec<SeedEvidence>, SeedError> {
    const FILE: &str = "sel-progress-2023-04.toml";
    let invalid = |message: String| SeedError::Invalid { file: FILE, message };
    let file: ProgressFile =
        toml::from_str(text).map_err(|e| SeedError::Syntax { file: FILE, message: e.to_string() })?;
    let period = ReportingPeriod::parse(&file.period).map_err(|e| invalid(e.to_string()))?;
    if !seed.icss.iter().any(|i| i.code == file.ics) {
        return Err(invalid(format!("unknown ICS {}", file.ics)));
    }
    if !seed.organisations.iter().any(|o| o.id == SEL_PROGRESS_ORGANISATION) {
        return Err(invalid(format!("organisation {SEL_PROGRESS_ORGANISATION} is not in london.toml")));
    }
    file.item
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            if !seed.concordat.commitments().any(|c| c.id == item.commitment) {
                return Err(invalid(format!("item {}: unknown commitment {}", index + 1, item.commitment)));
            }
            let milestone =
                item.due.map(|due| Milestone { description: milestone_description(&item.text), due, completed: None });
            Ok(SeedEvidence {
                id: format!("seed-{}-{}-{:02}", file.ics.to_lowercase(), period, index + 1),
                organisation_id: SEL_PROGRESS_ORGANISATION.to_string(),
                ics: file.ics.clone(),
                input: EvidenceInput {
                    commitment_id: item.commitment,
                    action_id: None,
                    period,
                    narrative: item.text,
                    delivery_status: None,
                    milestone,
                    links: Vec::new(),
                },
            })
        })
        .collect()
}

/// The first clause of the item, which names what is due.
fn milestone_description(text: &str) -> String {
    let clause = text.split([':', ';', '.']).next().unwrap_or(text).trim();
    clause.chars().take(200).collect()
}

fn parse_concordat(text: &str) -> Result<Concordat, SeedError> {
    const FILE: &str = "concordat.toml";
    let invalid = |message: String| SeedError::Invalid { file: FILE, message };
    let file: ConcordatFile =
        toml::from_str(text).map_err(|e| SeedError::Syntax { file: FILE, message: e.to_string() })?;

    let mut principles = Vec::with_capacity(file.principle.len());
    for (p_index, entry) in file.principle.into_iter().enumerate() {
        let expected = format!("P{}", p_index + 1);
        if entry.id != expected {
            return Err(invalid(format!("principle {} has id {:?}; expected {expected}", p_index + 1, entry.id)));
        }
        let mut commitments = Vec::with_capacity(entry.commitment.len());
        for (c_index, c) in entry.commitment.into_iter().enumerate() {
            let expected = commitment_id(&entry.id, c_index + 1);
            if c.id != expected {
                return Err(invalid(format!("commitment {:?} is listed as {expected}", c.id)));
            }
            let actions = c
                .actions
                .into_iter()
                .enumerate()
                .map(|(a_index, text)| {
                    action_id(&c.id, a_index + 1)
                        .map(|id| CommitmentAction { id, number: a_index as i64 + 1, text })
                        .ok_or_else(|| invalid(format!("commitment {} has more than 26 actions", c.id)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            commitments.push(Commitment {
                id: c.id,
                principle_id: entry.id.clone(),
                number: c_index as i64 + 1,
                text: c.text,
                due: c.due,
                actions,
            });
        }
        if commitments.is_empty() {
            return Err(invalid(format!("principle {} has no commitments", entry.id)));
        }
        principles.push(Principle { id: entry.id, number: p_index as i64 + 1, title: entry.title, commitments });
    }
    if principles.is_empty() {
        return Err(invalid("no principles".into()));
    }

    Ok(Concordat {
        title: file.title,
        status: file.status,
        owner: file.owner,
        review: file.review,
        vision: file.vision,
        emphases: file.emphases,
        aims: file.aims,
        principles,
    })
}

fn parse_london(text: &str) -> Result<Vec<Ics>, SeedError> {
    const FILE: &str = "london.toml";
    let invalid = |message: String| SeedError::Invalid { file: FILE, message };
    let file: LondonFile =
        toml::from_str(text).map_err(|e| SeedError::Syntax { file: FILE, message: e.to_string() })?;
    let mut codes = HashSet::new();
    let mut icss = Vec::with_capacity(file.ics.len());
    for entry in file.ics {
        let code = IcsCode::parse(&entry.code).map_err(invalid)?;
        if !codes.insert(code.clone()) {
            return Err(invalid(format!("ICS {code} is listed twice")));
        }
        if entry.boroughs.is_empty() {
            return Err(invalid(format!("ICS {code} has no boroughs")));
        }
        icss.push(Ics { code: code.to_string(), name: entry.name, boroughs: entry.boroughs });
    }
    Ok(icss)
}

/// Every London partner, each checked: a known kind and ICS, unique ids, and a
/// successor that is itself listed.
fn parse_partners(text: &str, icss: &[Ics]) -> Result<Vec<Organisation>, SeedError> {
    const FILE: &str = "london-partners.toml";
    let invalid = |message: String| SeedError::Invalid { file: FILE, message };
    let file: PartnersFile =
        toml::from_str(text).map_err(|e| SeedError::Syntax { file: FILE, message: e.to_string() })?;
    let known_ics = |name: &str, code: &str| -> Result<String, SeedError> {
        let code = IcsCode::parse(code).map_err(invalid)?;
        if icss.iter().any(|ics| ics.code == code) {
            Ok(code.to_string())
        } else {
            Err(invalid(format!("{name} names unknown ICS {code}")))
        }
    };
    let ids_by_name: std::collections::HashMap<&str, String> =
        file.partner.iter().map(|p| (p.name.as_str(), p.id.clone().unwrap_or_else(|| slug(&p.name)))).collect();
    let mut ids = HashSet::new();
    let mut organisations = Vec::with_capacity(file.partner.len());
    for entry in &file.partner {
        let name = entry.name.as_str();
        let kind = OrgKind::parse(&entry.kind).map_err(|e| invalid(format!("{name}: {e}")))?;
        let ics = if entry.ics == LONDON_WIDE { None } else { Some(known_ics(name, &entry.ics)?) };
        let also_serves = entry.also_serves.iter().map(|code| known_ics(name, code)).collect::<Result<Vec<_>, _>>()?;
        let id = ids_by_name[name].clone();
        if !ids.insert(id.clone()) {
            return Err(invalid(format!("organisation {name:?} is listed twice")));
        }
        let successor_id = match &entry.successor {
            Some(successor) => Some(
                ids_by_name
                    .get(successor.as_str())
                    .cloned()
                    .ok_or_else(|| invalid(format!("{name}: successor {successor:?} is not listed")))?,
            ),
            None => None,
        };
        // "" means no code could be verified (the file says why).
        let code =
            |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        organisations.push(Organisation {
            id,
            name: entry.current_name.clone().unwrap_or_else(|| entry.name.clone()),
            short_name: entry.short.clone(),
            kind,
            ics,
            also_serves,
            ods: code(&entry.ods),
            ons: code(&entry.ons),
            started_on: entry.since.as_ref().map(ToString::to_string),
            retired_on: entry.until.as_ref().map(ToString::to_string),
            successor_id,
        });
    }
    Ok(organisations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_seed_has_the_whole_concordat() {
        let seed = load().expect("embedded seed parses");
        let concordat = &seed.concordat;
        assert_eq!(concordat.principles.len(), 4);
        assert_eq!(concordat.commitments().count(), 14);
        assert_eq!(concordat.emphases.len(), 3);
        let per_principle: Vec<usize> = concordat.principles.iter().map(|p| p.commitments.len()).collect();
        assert_eq!(per_principle, [3, 4, 2, 5]);
        let p1c1 = &concordat.principles[0].commitments[0];
        assert_eq!(p1c1.id, "P1.C1");
        assert_eq!(p1c1.actions.len(), 3);
        assert_eq!(p1c1.actions[2].id, "P1.C1.c");
        let p2c1 = &concordat.principles[1].commitments[0];
        assert_eq!(p2c1.due, NaiveDate::from_ymd_opt(2024, 3, 31));
    }

    #[test]
    fn embedded_seed_has_metrics_and_sel_progress() {
        let seed = load().expect("embedded seed parses");
        assert_eq!(seed.metrics.len(), 16);
        let liaison = seed.metrics.iter().find(|m| m.id == "m_liaison_1h").expect("m_liaison_1h");
        assert_eq!((liaison.target, liaison.amber), (Some(85.0), Some(75.0)));
        assert_eq!(seed.progress.len(), 18);
        assert!(seed.progress.iter().all(|e| e.input.period.to_string() == "2023-24-Q1" && e.ics == "SEL"));
        let hbpos = seed.progress.iter().find(|e| e.input.commitment_id == "P2.C3").expect("HBPoS item");
        let milestone = hbpos.input.milestone.as_ref().expect("due date becomes a milestone");
        assert_eq!(milestone.due, NaiveDate::from_ymd_opt(2023, 6, 30).expect("date"));
        assert_eq!(milestone.description, "Expansion of S136 Health Based Places of Safety in SEL");
        let ids: HashSet<&str> = seed.progress.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), seed.progress.len(), "ids are unique");
    }

    #[test]
    fn embedded_seed_has_london() {
        let seed = load().expect("embedded seed parses");
        let codes: Vec<&str> = seed.icss.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["NCL", "NEL", "NWL", "SEL", "SWL"]);
        let sel = seed.icss.iter().find(|i| i.code == "SEL").expect("SEL");
        assert_eq!(sel.boroughs.len(), 6);
        let slam =
            seed.organisations.iter().find(|o| o.short_name.as_deref() == Some("SLaM")).expect("SLaM is a partner");
        assert_eq!(slam.id, "south-london-and-maudsley-nhs-foundation-trust");
        assert_eq!(slam.kind, OrgKind::MhTrust);
        let police = seed.organisations.iter().find(|o| o.kind == OrgKind::Police).expect("police");
        assert!(police.is_london_wide());
    }

    #[test]
    fn embedded_seed_has_every_london_partner() {
        let seed = load().expect("embedded seed parses");
        assert_eq!(seed.organisations.len(), 85);
        let councils = seed.organisations.iter().filter(|o| o.kind == OrgKind::LocalAuthority && o.ics.is_some());
        assert_eq!(councils.count(), 33, "all 33 local authorities");
        let slam = seed.organisations.iter().find(|o| o.ods.as_deref() == Some("RV5")).expect("SLaM by ODS code");
        assert!(slam.serves("SEL") && slam.serves("SWL") && !slam.serves("NEL"), "SLaM also serves Croydon");
        let candi = seed.organisations.iter().find(|o| o.ods.as_deref() == Some("TAF")).expect("C&I");
        assert_eq!(candi.retired_on.as_deref(), Some("2024-11-01"));
        assert_eq!(candi.successor_id.as_deref(), Some("north-london-nhs-foundation-trust"));
        assert!(seed.organisations.iter().any(|o| o.id == "nhs-south-east-london-icb"), "the SEL ICB keeps its id");
        for ics in &seed.icss {
            assert_eq!(
                seed.organisations
                    .iter()
                    .filter(|o| o.kind == OrgKind::Icb && o.ics.as_deref() == Some(&ics.code))
                    .count(),
                1,
                "{} has one ICB",
                ics.code
            );
        }
    }

    #[test]
    fn each_ics_needs_its_icb_trusts_councils_police_and_ambulance() {
        use crate::domain::london::required_signatories;
        let seed = load().expect("embedded seed parses");
        let names = |ics: &str, day: &str| -> Vec<String> {
            required_signatories(ics, &seed.organisations, day).iter().map(|o| o.id.clone()).collect()
        };
        let sel = names("SEL", "2025-01-01");
        assert_eq!(sel.len(), 1 + 2 + 6 + 1 + 1, "{sel:?}");
        assert!(sel.contains(&"south-london-and-maudsley-nhs-foundation-trust".to_string()));
        let swl = names("SWL", "2025-01-01");
        assert!(swl.contains(&"south-london-and-maudsley-nhs-foundation-trust".to_string()), "SLaM serves Croydon");
        let nel = names("NEL", "2025-01-01");
        assert!(
            nel.contains(&"city-of-london-police".to_string())
                && nel.contains(&"metropolitan-police-service".to_string())
        );
        assert!(!names("NCL", "2025-01-01").contains(&"city-of-london-police".to_string()));
        // Before and after the North London merger.
        let before = names("NCL", "2024-06-01");
        let after = names("NCL", "2025-01-01");
        assert!(before.contains(&"camden-and-islington-nhs-foundation-trust".to_string()), "{before:?}");
        assert!(!after.contains(&"camden-and-islington-nhs-foundation-trust".to_string()));
        assert!(after.contains(&"north-london-nhs-foundation-trust".to_string()));
        assert!(!before.contains(&"north-london-nhs-foundation-trust".to_string()));
    }

    const MINIMAL_LONDON: &str = r#"
        [[ics]]
        code = "SEL"
        name = "South East London"
        boroughs = ["Bexley"]
    "#;

    const MINIMAL_PARTNERS: &str = r#"
        [[partner]]
        name = "Oxleas"
        kind = "mh_trust"
        ics = "SEL"
    "#;

    fn concordat_with(principle_id: &str, commitment_id: &str) -> String {
        format!(
            r#"title = "t"
            status = "s"
            owner = "o"
            review = "r"
            vision = []
            emphases = []
            aims = []
            [[principle]]
            id = "{principle_id}"
            title = "p"
              [[principle.commitment]]
              id = "{commitment_id}"
              text = "c""#
        )
    }

    #[test]
    fn out_of_order_ids_are_refused() {
        assert!(parse(&concordat_with("P1", "P1.C1"), MINIMAL_LONDON, MINIMAL_PARTNERS).is_ok());
        let err = parse(&concordat_with("P2", "P2.C1"), MINIMAL_LONDON, MINIMAL_PARTNERS).unwrap_err();
        assert!(err.to_string().contains("expected P1"), "{err}");
        let err = parse(&concordat_with("P1", "P1.C2"), MINIMAL_LONDON, MINIMAL_PARTNERS).unwrap_err();
        assert!(err.to_string().contains("P1.C1"), "{err}");
    }

    #[test]
    fn unknown_fields_kinds_and_icss_are_refused() {
        let concordat = concordat_with("P1", "P1.C1");
        let typo = MINIMAL_LONDON.replace("boroughs", "borough");
        assert!(matches!(parse(&concordat, &typo, MINIMAL_PARTNERS), Err(SeedError::Syntax { .. })));
        let kind = MINIMAL_PARTNERS.replace("mh_trust", "hospital");
        assert!(parse(&concordat, MINIMAL_LONDON, &kind).unwrap_err().to_string().contains("hospital"));
        let ics = MINIMAL_PARTNERS.replace("ics = \"SEL\"", "ics = \"XYZ\"");
        assert!(parse(&concordat, MINIMAL_LONDON, &ics).unwrap_err().to_string().contains("unknown ICS XYZ"));
        let successor = format!("{MINIMAL_PARTNERS}\nsuccessor = \"Nobody\"");
        assert!(parse(&concordat, MINIMAL_LONDON, &successor)
            .unwrap_err()
            .to_string()
            .contains("\"Nobody\" is not listed"));
    }
}
