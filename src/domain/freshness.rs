//! What a write changes, and what a computed view rests on, so that a cache
//! keeps a result exactly as long as nothing it rests on has changed.
//!
//! Every write of content names the [`Scope`]s it changes (a reading for SEL
//! in 2024-25-Q2: IcsReadings, SEL, 2024-25-Q2). The database keeps one
//! version number per scope, raised when a transaction that changed it
//! commits. A cached part lists its [`Dependency`]s (a period's SEL figures:
//! SEL's ICS-level readings up to that period, SEL's rebases, the catalogue);
//! its fingerprint is, for each dependency, the sum of the versions of the
//! scopes it covers. Versions only ever grow and scopes are never removed, so
//! a sum changes exactly when a covered scope changes: a part whose
//! fingerprint is unchanged is still right, whichever app instance wrote
//! what, and a change elsewhere (NCL, an earlier period, another commitment,
//! an account or a session) leaves it alone.
//!
//! Pure: `db::Write` records scopes and `db::freshness` reads versions.

use super::frequency::ReadingPeriod;
use super::period::ReportingPeriod;
use std::fmt;

/// A kind of content. Accounts, sessions, sign-in attempts, tokens and the
/// audit log are not content: no cached view rests on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// Principles, commitments and actions.
    Concordat,
    /// Metric definitions, targets (the catalogue's and each ICS's), who reports them.
    Catalogue,
    /// Organisations, the ICSs they serve, and their sign-up to the concordat.
    Organisations,
    /// Status overrides (by ICS).
    Overrides,
    /// SPC rebases (by ICS).
    Rebases,
    /// ICS-level figures (by ICS and quarter; a month counts in its quarter).
    IcsReadings,
    /// Partners' figures (by ICS and quarter).
    PartnerReadings,
    /// Evidence (by ICS, quarter and commitment).
    Evidence,
    /// Returns: their states, steps and accepted versions (by quarter).
    Returns,
    /// Frozen board packs.
    BoardPacks,
}

impl Topic {
    pub const ALL: [Topic; 10] = [
        Topic::Concordat,
        Topic::Catalogue,
        Topic::Organisations,
        Topic::Overrides,
        Topic::Rebases,
        Topic::IcsReadings,
        Topic::PartnerReadings,
        Topic::Evidence,
        Topic::Returns,
        Topic::BoardPacks,
    ];

    /// The name stored in `content_version.topic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Concordat => "concordat",
            Topic::Catalogue => "catalogue",
            Topic::Organisations => "organisations",
            Topic::Overrides => "overrides",
            Topic::Rebases => "rebases",
            Topic::IcsReadings => "ics_readings",
            Topic::PartnerReadings => "partner_readings",
            Topic::Evidence => "evidence",
            Topic::Returns => "returns",
            Topic::BoardPacks => "board_packs",
        }
    }

    pub fn parse(text: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|topic| topic.as_str() == text)
    }

    /// Whether the topic's scopes are kept by period.
    pub fn is_by_period(self) -> bool {
        matches!(self, Topic::IcsReadings | Topic::PartnerReadings | Topic::Evidence | Topic::Returns)
    }

    /// Topics a view may rest on up to a period (`Span::UpTo`): a chart's
    /// history. Reading versions for a period sums these topics' earlier
    /// scopes (see [`Versions`]).
    pub const WITH_HISTORY: [Topic; 1] = [Topic::IcsReadings];
}

/// What one write changed: a topic, narrowed where the topic is kept by ICS,
/// period or commitment (`None`: not narrowed). Ordered, so that a
/// transaction raises the versions of its scopes in one order and two
/// transactions never wait on each other's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    pub topic: Topic,
    pub ics: Option<String>,
    pub period: Option<ReportingPeriod>,
    pub commitment: Option<String>,
}

impl Scope {
    fn new(topic: Topic, ics: Option<&str>, period: Option<ReportingPeriod>, commitment: Option<&str>) -> Scope {
        Scope { topic, ics: ics.map(str::to_string), period, commitment: commitment.map(str::to_string) }
    }

    /// A topic kept whole (the concordat, the catalogue, organisations, frozen packs).
    pub fn whole(topic: Topic) -> Scope {
        Scope::new(topic, None, None, None)
    }

    /// A reading: the ICS-level figure (no partner) or a partner's, counted in
    /// its quarter.
    pub fn reading(ics: &str, period: ReadingPeriod, partner: bool) -> Scope {
        let topic = if partner { Topic::PartnerReadings } else { Topic::IcsReadings };
        Scope::new(topic, Some(ics), Some(period.quarter()), None)
    }

    /// An evidence entry, where it is filed.
    pub fn evidence(ics: &str, period: ReportingPeriod, commitment: &str) -> Scope {
        Scope::new(Topic::Evidence, Some(ics), Some(period), Some(commitment))
    }

    /// An override of a commitment's status in an ICS (for any span of periods).
    pub fn overrides(ics: &str) -> Scope {
        Scope::new(Topic::Overrides, Some(ics), None, None)
    }

    /// A rebase of a metric's chart in an ICS (its limits from then on).
    pub fn rebases(ics: &str) -> Scope {
        Scope::new(Topic::Rebases, Some(ics), None, None)
    }

    /// A return for a period: any organisation's, any step.
    pub fn returns(period: ReportingPeriod) -> Scope {
        Scope::new(Topic::Returns, None, Some(period), None)
    }

    /// As stored: empty text for what is not narrowed.
    pub fn stored(&self) -> [String; 4] {
        [
            self.topic.as_str().to_string(),
            self.ics.clone().unwrap_or_default(),
            self.period.map(|p| p.to_string()).unwrap_or_default(),
            self.commitment.clone().unwrap_or_default(),
        ]
    }

    /// Read back from storage; `None` for a topic this build does not know
    /// (written by a newer one, so it concerns none of this build's views) or
    /// a period it cannot read.
    pub fn from_stored(topic: &str, ics: String, period: &str, commitment: String) -> Option<Scope> {
        let some = |text: String| (!text.is_empty()).then_some(text);
        let period = match period {
            "" => None,
            text => Some(ReportingPeriod::parse(text).ok()?),
        };
        Some(Scope { topic: Topic::parse(topic)?, ics: some(ics), period, commitment: some(commitment) })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.topic.as_str())?;
        for part in self.stored().iter().skip(1) {
            if !part.is_empty() {
                write!(f, " {part}")?;
            }
        }
        Ok(())
    }
}

/// Which periods of a topic a view rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// Every period (and the topic's unperioded scopes).
    Any,
    /// This quarter only.
    Exactly(ReportingPeriod),
    /// This quarter and every one before it (a chart's history).
    UpTo(ReportingPeriod),
}

/// One thing a cached part rests on: the scopes of a topic, narrowed by ICS,
/// span and commitment (`None`: any).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    pub topic: Topic,
    pub ics: Option<String>,
    pub span: Span,
    pub commitment: Option<String>,
}

impl Dependency {
    /// All of a topic.
    pub fn on(topic: Topic) -> Dependency {
        Dependency { topic, ics: None, span: Span::Any, commitment: None }
    }

    /// Narrowed to one ICS.
    pub fn in_ics(self, ics: &str) -> Dependency {
        Dependency { ics: Some(ics.to_string()), ..self }
    }

    /// Narrowed to some periods.
    pub fn over(self, span: Span) -> Dependency {
        Dependency { span, ..self }
    }

    /// Narrowed to one commitment.
    pub fn for_commitment(self, commitment: &str) -> Dependency {
        Dependency { commitment: Some(commitment.to_string()), ..self }
    }

    /// Whether a change to `scope` may change what this dependency covers.
    pub fn covers(&self, scope: &Scope) -> bool {
        if scope.topic != self.topic {
            return false;
        }
        // A scope not narrowed by ICS or commitment concerns every one.
        let narrower = |wanted: &Option<String>, got: &Option<String>| match (wanted, got) {
            (Some(wanted), Some(got)) => wanted == got,
            _ => true,
        };
        if !narrower(&self.ics, &scope.ics) || !narrower(&self.commitment, &scope.commitment) {
            return false;
        }
        match (self.span, scope.period) {
            (Span::Any, _) | (_, None) => true,
            (Span::Exactly(period), Some(quarter)) => quarter == period,
            (Span::UpTo(period), Some(quarter)) => quarter <= period,
        }
    }

    /// The largest period whose scopes this dependency covers, if it is bounded.
    pub fn last_period(&self) -> Option<ReportingPeriod> {
        match self.span {
            Span::Any => None,
            Span::Exactly(period) | Span::UpTo(period) => Some(period),
        }
    }
}

/// A scope's version as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeVersion {
    pub scope: Scope,
    pub version: i64,
}

/// The stored versions a request read for one period: every scope without a
/// period, every scope of that period, and for each topic in
/// [`Topic::WITH_HISTORY`] and ICS, the sum of its earlier scopes' versions
/// (as one scope of the latest of those periods).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    /// Which database they were read from, and by which app instance.
    pub database: String,
    pub period: ReportingPeriod,
    pub rows: Vec<ScopeVersion>,
}

impl Versions {
    /// The fingerprint of `dependencies`; `None` if one of them reaches
    /// scopes these versions were not read for (another period, or the whole
    /// history of a topic kept by period): the caller must not cache then.
    pub fn fingerprint(&self, dependencies: &[Dependency]) -> Option<Fingerprint> {
        let readable = |dependency: &Dependency| match dependency.span {
            Span::Any => !dependency.topic.is_by_period(),
            Span::Exactly(period) => period == self.period,
            Span::UpTo(period) => period == self.period && Topic::WITH_HISTORY.contains(&dependency.topic),
        };
        dependencies.iter().all(readable).then(|| fingerprint(dependencies, &self.rows))
    }
}

/// A fingerprint of what a cached part rests on: for each of its dependencies
/// in order, the sum of the versions of the scopes it covers. Equal
/// fingerprints (for the same dependencies) mean nothing it rests on changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Fingerprint(pub Vec<i64>);

/// The fingerprint of `dependencies` given the stored versions (any superset
/// of the scopes they cover).
pub fn fingerprint(dependencies: &[Dependency], versions: &[ScopeVersion]) -> Fingerprint {
    Fingerprint(
        dependencies
            .iter()
            .map(|dependency| {
                versions.iter().filter(|v| dependency.covers(&v.scope)).map(|v| v.version).fold(0i64, i64::wrapping_add)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn quarter(text: &str) -> ReportingPeriod {
        ReportingPeriod::parse(text).expect("quarter")
    }

    #[test]
    fn a_reading_counts_in_its_quarter_and_for_its_ics() {
        let month = ReadingPeriod::parse("2024-08").expect("month");
        let scope = Scope::reading("SEL", month, false);
        assert_eq!(scope.to_string(), "ics_readings SEL 2024-25-Q2");
        let sel_figures = Dependency::on(Topic::IcsReadings).in_ics("SEL");
        assert!(sel_figures.clone().over(Span::UpTo(quarter("2024-25-Q2"))).covers(&scope));
        assert!(sel_figures.clone().over(Span::UpTo(quarter("2025-26-Q1"))).covers(&scope), "a later period's chart");
        assert!(!sel_figures.clone().over(Span::UpTo(quarter("2024-25-Q1"))).covers(&scope), "not an earlier period");
        assert!(!sel_figures.over(Span::Exactly(quarter("2024-25-Q3"))).covers(&scope));
        let ncl = Dependency::on(Topic::IcsReadings).in_ics("NCL").over(Span::UpTo(quarter("2025-26-Q1")));
        assert!(!ncl.covers(&scope), "not another ICS");
        assert!(!Dependency::on(Topic::PartnerReadings).covers(&scope), "not partners' figures");
    }

    #[test]
    fn evidence_concerns_its_commitment_only() {
        let scope = Scope::evidence("SEL", quarter("2024-25-Q2"), "P3.C2");
        let cell = |commitment: &str| {
            Dependency::on(Topic::Evidence)
                .in_ics("SEL")
                .over(Span::Exactly(quarter("2024-25-Q2")))
                .for_commitment(commitment)
        };
        assert!(cell("P3.C2").covers(&scope));
        assert!(!cell("P3.C1").covers(&scope));
        assert!(Dependency::on(Topic::Evidence).covers(&scope));
    }

    #[test]
    fn whole_scopes_concern_every_ics_and_period() {
        let catalogue = Scope::whole(Topic::Catalogue);
        let dependency = Dependency::on(Topic::Catalogue).in_ics("SEL").over(Span::Exactly(quarter("2024-25-Q2")));
        assert!(dependency.covers(&catalogue));
        assert!(Dependency::on(Topic::Overrides).in_ics("SEL").covers(&Scope::overrides("SEL")));
        assert!(!Dependency::on(Topic::Overrides).in_ics("NEL").covers(&Scope::overrides("SEL")));
    }

    #[test]
    fn versions_read_for_a_period_answer_only_for_it() {
        let period = quarter("2024-25-Q2");
        let versions = Versions {
            database: "test".into(),
            period,
            rows: vec![
                ScopeVersion { scope: Scope::whole(Topic::Catalogue), version: 3 },
                ScopeVersion { scope: Scope::evidence("SEL", period, "P3.C2"), version: 2 },
                ScopeVersion {
                    scope: Scope::reading("SEL", ReadingPeriod::Quarter(period.previous()), false),
                    version: 7,
                },
            ],
        };
        let figures = Dependency::on(Topic::IcsReadings).in_ics("SEL").over(Span::UpTo(period));
        let cell = Dependency::on(Topic::Evidence).in_ics("SEL").over(Span::Exactly(period)).for_commitment("P3.C2");
        let fingerprint = versions.fingerprint(&[Dependency::on(Topic::Catalogue), figures, cell]);
        assert_eq!(fingerprint, Some(Fingerprint(vec![3, 7, 2])));
        let other_period = Dependency::on(Topic::Evidence).over(Span::Exactly(period.next()));
        assert_eq!(versions.fingerprint(&[other_period]), None);
        assert_eq!(versions.fingerprint(&[Dependency::on(Topic::Evidence)]), None, "every period's evidence");
        let evidence_history = Dependency::on(Topic::Evidence).over(Span::UpTo(period));
        assert_eq!(versions.fingerprint(&[evidence_history]), None, "evidence is not read with its history");
    }

    #[test]
    fn topics_and_scopes_round_trip() {
        for topic in Topic::ALL {
            assert_eq!(Topic::parse(topic.as_str()), Some(topic));
        }
        assert_eq!(Topic::parse("sessions"), None);
        for scope in [
            Scope::evidence("SEL", quarter("2024-25-Q2"), "P3.C2"),
            Scope::whole(Topic::Catalogue),
            Scope::overrides("NCL"),
            Scope::returns(quarter("2023-24-Q1")),
        ] {
            let [topic, ics, period, commitment] = scope.stored();
            assert_eq!(Scope::from_stored(&topic, ics, &period, commitment), Some(scope));
        }
        assert_eq!(Scope::from_stored("sessions", String::new(), "", String::new()), None);
    }

    fn arbitrary_scope() -> impl Strategy<Value = Scope> {
        let topic = prop::sample::select(Topic::ALL.to_vec());
        let ics = prop::sample::select(vec!["", "NCL", "SEL"]);
        let period = prop::option::of((2023..2026i32, 1..=4u8));
        let commitment = prop::sample::select(vec!["", "P1.C1", "P3.C2"]);
        (topic, ics, period, commitment).prop_map(|(topic, ics, period, commitment)| {
            Scope::new(
                topic,
                Some(ics).filter(|i| !i.is_empty()),
                period.map(|(year, q)| ReportingPeriod::new(year, q).expect("period")),
                Some(commitment).filter(|c| !c.is_empty()),
            )
        })
    }

    fn arbitrary_dependency() -> impl Strategy<Value = Dependency> {
        let topic = prop::sample::select(Topic::ALL.to_vec());
        let ics = prop::option::of(prop::sample::select(vec!["NCL".to_string(), "SEL".to_string()]));
        let span = prop_oneof![
            Just(Span::Any),
            (2023..2026i32, 1..=4u8).prop_map(|(y, q)| Span::Exactly(ReportingPeriod::new(y, q).expect("period"))),
            (2023..2026i32, 1..=4u8).prop_map(|(y, q)| Span::UpTo(ReportingPeriod::new(y, q).expect("period"))),
        ];
        let commitment = prop::option::of(prop::sample::select(vec!["P1.C1".to_string(), "P3.C2".to_string()]));
        (topic, ics, span, commitment).prop_map(|(topic, ics, span, commitment)| Dependency {
            topic,
            ics,
            span,
            commitment,
        })
    }

    proptest! {
        /// The property the caches rely on: raising the version of a scope
        /// changes the fingerprint of exactly the dependencies that cover it.
        #[test]
        fn a_change_moves_the_fingerprints_that_cover_it_and_no_other(
            scopes in prop::collection::btree_set(arbitrary_scope(), 1..12),
            dependencies in prop::collection::vec(arbitrary_dependency(), 1..8),
            versions in prop::collection::vec(1..1000i64, 12),
            changed in 0..12usize,
        ) {
            let scopes: Vec<Scope> = scopes.into_iter().collect();
            let stored: Vec<ScopeVersion> = scopes.iter().zip(&versions)
                .map(|(scope, version)| ScopeVersion { scope: scope.clone(), version: *version })
                .collect();
            let changed = changed % stored.len();
            let mut after = stored.clone();
            after[changed].version += 1;
            let before_print = fingerprint(&dependencies, &stored);
            let after_print = fingerprint(&dependencies, &after);
            for (i, dependency) in dependencies.iter().enumerate() {
                let moved = before_print.0[i] != after_print.0[i];
                prop_assert_eq!(moved, dependency.covers(&stored[changed].scope), "{:?} and {}", dependency, stored[changed].scope);
            }
            // A scope written for the first time moves what covers it too.
            let mut grown = stored.clone();
            let new_scope = Scope::whole(Topic::BoardPacks);
            if !scopes.contains(&new_scope) {
                grown.push(ScopeVersion { scope: new_scope.clone(), version: 1 });
                let grown_print = fingerprint(&dependencies, &grown);
                for (i, dependency) in dependencies.iter().enumerate() {
                    prop_assert_eq!(before_print.0[i] != grown_print.0[i], dependency.covers(&new_scope));
                }
            }
        }
    }
}
