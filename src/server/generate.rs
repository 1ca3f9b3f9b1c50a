//! `concordat-tracker generate`: a London-at-scale data set for benchmarks
//! (issue 14), written into a fresh database through the app's own db layer,
//! so every row is one the app itself could have written.
//!
//! What it writes, from the partners, ICSs and metric catalogue the database
//! was seeded with, for every reporting period from the concordat's first to
//! the current one:
//! - an account per organisation, one per ICS lead and a board reviewer, none
//!   with a password (no one can sign in as them): evidence, readings and
//!   review steps need someone who entered them;
//! - `--evidence` entries by partners against commitments, with narratives,
//!   delivery statuses, milestones, links and, for some, later saved versions;
//! - `--readings` figures: ICS-level ones and partners' (the metrics their
//!   kind of organisation reports, for each ICS they serve, at each metric's
//!   frequency). The catalogue allows only a few thousand distinct figures
//!   (about 9,000 by late 2026); past that, the rest are revisions of figures
//!   already written, kept in `reading_history` as the app keeps a replaced
//!   value;
//! - each partner's return for each period, in a mix of states, with its
//!   review steps and what each accepted version contained;
//! - one audit entry for the whole run.
//!
//! Content comes from a ChaCha8 generator seeded with `--seed`, so one seed
//! gives the same values, narratives and states on every machine and backend
//! (for the same catalogue and the same current period). Row ids are the db
//! layer's own (`db::new_id`). Evidence and readings are dated from their
//! period (never later than the run), so years of data sort as they would have
//! arrived; returns' steps are dated now, as `db::submissions` dates them.
//!
//! Evidence and readings are written with `db::evidence::insert_many` /
//! `save_versions` and `db::readings::insert_many`, which leave the rows that
//! `insert`, `update` and `save_version`, and `upsert`, leave: one at a time,
//! the full size took about ten minutes on PostgreSQL. Each entry is validated
//! as the evidence form is (`domain::evidence::validate`) and each value as
//! the catalogue checks it (`domain::metric::validate_value`).

// Who makes a return: the rule the app itself uses.
use super::submissions::makes_returns;
use crate::db::audit::{self, Actor, Change};
use crate::db::evidence::{BulkEntry, Placement, SavedVersion};
use crate::db::metrics::Metric;
use crate::db::readings::{BulkReading, NewReading, Replaced, StoredReading};
use crate::db::submissions::NewStep;
use crate::db::users::NewUser;
use crate::db::{self, Pool};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::concordat::{Commitment, Concordat};
use crate::domain::evidence::{validate, EvidenceDraft, EvidenceInput};
use crate::domain::figures::{figure_slots, periods_for};
use crate::domain::frequency::{Frequency, Month, ReadingPeriod};
use crate::domain::london::{Ics, IcsCode, OrgKind, Organisation};
use crate::domain::metric::{format_value, validate_value, MetricDefinition, MetricKind};
use crate::domain::period::ReportingPeriod;
use crate::domain::permission::Role;
use crate::domain::rag::DeliveryStatus;
use crate::domain::submission::{check_note, next_state, SubmissionState, SubmissionStep};
use crate::error::AppError;
use crate::model::evidence::EvidenceEntry;
use crate::model::review::{AcceptedContent, ReviewedReading};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

/// Rows (evidence entries, readings, returns) per write transaction: big enough
/// that commits cost little, small enough that the write lock is held in short
/// turns and a failure loses one batch.
const BATCH: usize = 2000;

/// The organisation whose board reviewer decides returns (as in `admin create`).
const RECOVERY_BOARD: &str = "london-uec-mental-health-recovery-board";

/// Where generated accounts' emails live: `.test` is reserved, so no mail can
/// ever reach anyone.
const EMAIL_DOMAIN: &str = "generated.test";

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Evidence entries to write.
    pub evidence: u64,
    /// Readings to write (new figures, then revisions; see the module docs).
    pub readings: u64,
    pub seed: u64,
    /// Metrics the catalogue should have in use: if it has fewer, copies of
    /// the seeded ones are added first (0: the catalogue as it is). The seeded
    /// catalogue has 16, which allows only about 9,000 distinct figures over
    /// four years; a stress test of years of readings needs more.
    pub metrics: u64,
    /// Progress bars on standard error (they draw only on a terminal).
    pub show_progress: bool,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub seed: u64,
    /// Copies of seeded metrics added to the catalogue (see `Options::metrics`).
    pub metrics_added: u64,
    pub first_period: String,
    pub last_period: String,
    /// Accounts created (those left by an earlier, failed run are reused).
    pub accounts: u64,
    pub evidence: u64,
    /// Saved versions of those entries (each has at least one).
    pub evidence_versions: u64,
    /// New figures: rows of `reading`.
    pub readings: u64,
    /// Figures revised: rows of `reading_history`.
    pub reading_revisions: u64,
    /// Returns with a row in `submission` (one not started has none).
    pub submissions: u64,
    pub submission_steps: u64,
    pub accepted_versions: u64,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "generated with seed {} for {} to {} in {:.1} s:",
            self.seed,
            self.first_period,
            self.last_period,
            self.elapsed.as_secs_f64()
        )?;
        let rows = [
            ("metric", self.metrics_added, "copies of seeded metrics added to the catalogue"),
            ("app_user", self.accounts, "accounts without a password (no one can sign in as them)"),
            ("evidence", self.evidence, "evidence entries"),
            ("evidence_version", self.evidence_versions, "saved versions of them"),
            ("reading", self.readings, "figures (ICS-level and partners')"),
            ("reading_history", self.reading_revisions, "revised figures (replaced values)"),
            ("submission", self.submissions, "returns started"),
            ("submission_step", self.submission_steps, "review steps"),
            ("submission_version", self.accepted_versions, "accepted versions"),
            ("audit_log", 1, "entry for this run"),
        ];
        for (table, count, what) in rows {
            writeln!(f, "  {table:<19} {count:>9}  {what}")?;
        }
        write!(f, "  readings written: {} (new and revised)", self.readings + self.reading_revisions)
    }
}

/// Writes the data set (see the module docs) into a database that has no
/// evidence (beyond the seeded progress), readings or returns yet.
pub async fn generate(pool: &Pool, options: &Options) -> Result<Summary, AppError> {
    let started = Instant::now();
    let mut london = London::load(pool).await?;
    refuse_unless_empty(pool, &london).await?;
    let metrics_added = extend_catalogue(pool, &london.metrics, options.metrics).await?;
    if metrics_added > 0 {
        london = London::load(pool).await?;
    }
    let progress = Progress::new(options, &london);
    let people = People::create(pool, &london).await?;
    let mut summary = Summary {
        seed: options.seed,
        metrics_added,
        first_period: london.quarters.first().map(ToString::to_string).unwrap_or_default(),
        last_period: london.quarters.last().map(ToString::to_string).unwrap_or_default(),
        accounts: people.created,
        ..Summary::default()
    };
    write_evidence(pool, &london, &people, options, &mut summary, &progress.evidence).await?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), evidence = summary.evidence, "evidence written");
    write_readings(pool, &london, &people, options, &mut summary, &progress.readings).await?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), readings = summary.readings, "readings written");
    write_returns(pool, &london, &people, options, &mut summary, &progress.returns).await?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), returns = summary.submissions, "returns written");
    // PostgreSQL plans queries by its table statistics, which a bulk load
    // leaves stale until autovacuum next analyses (a minute or more): until
    // then a commitment's newest evidence was read by scanning all of it.
    if db::Backend::of(pool) == db::Backend::Postgres {
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    summary.elapsed = started.elapsed();
    record_run(pool, &summary).await?;
    Ok(summary)
}

/// Adds copies of the catalogue's metrics (milestones aside: they take one
/// reading ever) until `wanted` are in use, each reported by the same kinds
/// of organisation at the same frequency; returns how many were added.
async fn extend_catalogue(pool: &Pool, metrics: &[Metric], wanted: u64) -> Result<u64, AppError> {
    let originals: Vec<&MetricDefinition> =
        metrics.iter().map(|m| &m.definition).filter(|d| d.kind != MetricKind::Milestone).collect();
    let missing = usize::try_from(wanted).unwrap_or(usize::MAX).saturating_sub(metrics.len());
    if missing == 0 || originals.is_empty() {
        return Ok(0);
    }
    let mut tx = db::begin_write(pool).await?;
    let mut added = 0;
    for (index, original) in originals.iter().cycle().take(missing).enumerate() {
        let copy = index / originals.len() + 1;
        let definition = MetricDefinition {
            id: format!("{}_copy{copy}", original.id),
            name: format!("{} (stress copy {copy})", original.name),
            note: Some("Generated for a benchmark by concordat-tracker generate.".to_string()),
            ..(*original).clone()
        };
        if db::metrics::insert(&mut tx, &definition).await? {
            added += 1;
        }
    }
    tx.commit().await?;
    Ok(added)
}

// ---- What the data set is made from ----

/// The seeded reference data, read once.
struct London {
    /// When the run started: no generated timestamp is later.
    now: DateTime<Utc>,
    today: NaiveDate,
    /// `ReportingPeriod::FIRST` to the current period, oldest first.
    quarters: Vec<ReportingPeriod>,
    icss: Vec<Ics>,
    ics_codes: Vec<String>,
    organisations: Vec<Organisation>,
    concordat: Concordat,
    /// The catalogue's metrics still in use, in catalogue order.
    metrics: Vec<Metric>,
}

impl London {
    async fn load(pool: &Pool) -> Result<Self, AppError> {
        let now = Utc::now();
        let today = now.date_naive();
        let quarters = ReportingPeriod::range(ReportingPeriod::FIRST, ReportingPeriod::containing(today));
        let icss = db::london::list_ics(pool).await?;
        let ics_codes = icss.iter().map(|ics| ics.code.clone()).collect();
        let organisations = db::london::list_organisations(pool).await?;
        let concordat = db::concordat::load(pool).await?;
        let metrics = db::metrics::list(pool).await?.into_iter().filter(|m| m.retired_at.is_none()).collect();
        Ok(London { now, today, quarters, icss, ics_codes, organisations, concordat, metrics })
    }

    /// Organisations that report (evidence, figures, a return) in `quarter`.
    fn partners_in(&self, quarter: ReportingPeriod) -> impl Iterator<Item = &Organisation> {
        self.organisations.iter().filter(move |org| makes_returns(org, quarter))
    }

    /// How many periods before the current one `index` (into `quarters`) is.
    fn age(&self, index: usize) -> usize {
        self.quarters.len().saturating_sub(index + 1)
    }
}

/// Generated data must never mix with real data, so a database that already
/// has any is refused. The seeded SEL progress is in every database and does
/// not count.
async fn refuse_unless_empty(pool: &Pool, london: &London) -> Result<(), AppError> {
    let mut evidence: i64 = 0;
    for commitment in london.concordat.commitments() {
        let per_ics = db::evidence::count_for_commitment(pool, &commitment.id, None).await?;
        evidence += per_ics.iter().map(|(_, count)| count).sum::<i64>();
    }
    let seed = crate::seed::load().map_err(|error| {
        tracing::error!(%error, "the embedded seed does not load");
        AppError::Internal
    })?;
    for item in &seed.progress {
        if db::evidence::get(pool, &item.id).await?.is_some() {
            evidence -= 1;
        }
    }
    let readings = db::readings::list(pool, None, None).await?.len();
    let mut returns = 0;
    for quarter in &london.quarters {
        returns += db::submissions::for_period(pool, &quarter.to_string()).await?.len();
    }
    if evidence > 0 || readings > 0 || returns > 0 {
        return Err(AppError::Conflict(format!(
            "this database already holds data ({evidence} evidence entries besides the seeded ones, {readings} \
             readings, {returns} returns); generate only writes into a database without any, so generated data \
             never mixes with real data: point DATABASE_URL at a new database"
        )));
    }
    Ok(())
}

// ---- Accounts ----

/// Who enters and reviews generated data.
struct Person {
    id: String,
    email: String,
    organisation_id: String,
}

struct People {
    /// A partner editor for each organisation that makes returns, by its id.
    editors: HashMap<String, Person>,
    /// The lead of each ICS (at its ICB), by ICS code.
    leads: HashMap<String, Person>,
    board: Person,
    /// How many were created (the rest were left by an earlier run).
    created: u64,
}

impl People {
    async fn create(pool: &Pool, london: &London) -> Result<People, AppError> {
        let board_org = london
            .organisations
            .iter()
            .find(|org| org.id == RECOVERY_BOARD)
            .or_else(|| london.organisations.iter().find(|org| org.kind == OrgKind::Board))
            .ok_or_else(|| AppError::NotFound(format!("the recovery board ({RECOVERY_BOARD})")))?;
        // (key, role, organisation, ICS led, email's local part)
        let mut wanted: Vec<(String, Role, &Organisation, Option<&str>, String)> =
            vec![("board".into(), Role::BoardReviewer, board_org, None, "board".into())];
        for ics in &london.ics_codes {
            let icb = london.organisations.iter().find(|o| o.kind == OrgKind::Icb && o.ics.as_deref() == Some(ics));
            if let Some(icb) = icb {
                wanted.push((
                    format!("lead {ics}"),
                    Role::IcsLead,
                    icb,
                    Some(ics),
                    format!("lead.{}", ics.to_lowercase()),
                ));
            }
        }
        for org in london.organisations.iter().filter(|o| !matches!(o.kind, OrgKind::Board | OrgKind::NhsRegion)) {
            wanted.push((format!("editor {}", org.id), Role::PartnerEditor, org, None, format!("editor.{}", org.id)));
        }
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        for (key, role, org, lead_ics, local) in wanted {
            let email = format!("{local}@{EMAIL_DOMAIN}");
            match db::users::user_id_by_email(pool, &email).await? {
                Some(id) => {
                    found.insert(key, Person { id, email, organisation_id: org.id.clone() });
                }
                None => missing.push((key, role, org, lead_ics, email)),
            }
        }
        let created = missing.len() as u64;
        if !missing.is_empty() {
            let mut tx = db::begin_write(pool).await?;
            for (key, role, org, lead_ics, email) in missing {
                let id = db::new_id();
                let what = match role {
                    Role::BoardReviewer => "board reviewer",
                    Role::IcsLead => "ICS lead",
                    _ => "editor",
                };
                let display_name = format!("Generated {what}, {}", display_name(org));
                let display_name: String = display_name.chars().take(200).collect();
                let user = NewUser {
                    id: &id,
                    email: &email,
                    display_name: &display_name,
                    // No password matches this, so no one can sign in as a generated account.
                    password_hash: super::secrets::NO_PASSWORD,
                    role,
                    organisation_id: &org.id,
                    lead_ics,
                };
                db::users::insert_user(&mut tx, &user).await?;
                found.insert(key, Person { id, email, organisation_id: org.id.clone() });
            }
            tx.commit().await?;
        }
        let board = found.remove("board").ok_or(AppError::Internal)?;
        let mut leads = HashMap::new();
        let mut editors = HashMap::new();
        for (key, person) in found {
            if let Some(ics) = key.strip_prefix("lead ") {
                leads.insert(ics.to_string(), person);
            } else if let Some(org) = key.strip_prefix("editor ") {
                editors.insert(org.to_string(), person);
            }
        }
        Ok(People { editors, leads, board, created })
    }

    fn editor(&self, org: &Organisation) -> Result<&Person, AppError> {
        self.editors.get(&org.id).ok_or(AppError::Internal)
    }

    /// Whoever decides `org`'s return: its ICS lead or the board.
    fn reviewer(&self, rng: &mut ChaCha8Rng, org: &Organisation) -> &Person {
        let lead = org.ics.as_ref().and_then(|ics| self.leads.get(ics));
        match lead {
            Some(lead) if rng.random_bool(0.5) => lead,
            _ => &self.board,
        }
    }

    /// Who enters an ICS-level figure: the ICS lead, or the board.
    fn ics_figures(&self, ics: &str) -> &Person {
        self.leads.get(ics).unwrap_or(&self.board)
    }
}

fn display_name(org: &Organisation) -> &str {
    org.short_name.as_deref().unwrap_or(&org.name)
}

// ---- Progress and batches ----

struct Progress {
    /// Kept so the bars stay drawn together until the run ends.
    _multi: MultiProgress,
    evidence: ProgressBar,
    readings: ProgressBar,
    returns: ProgressBar,
}

impl Progress {
    fn new(options: &Options, london: &London) -> Progress {
        let target = if options.show_progress { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let multi = MultiProgress::with_draw_target(target);
        let style = ProgressStyle::with_template(
            "{prefix:>9} [{bar:40}] {human_pos:>7}/{human_len:<7} {rate:>8} elapsed {elapsed:>4} ETA {eta:>4}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        // `{per_sec}` prints every decimal of the rate.
        .with_key("rate", |state: &ProgressState, out: &mut dyn fmt::Write| {
            let _ = write!(out, "{:.0}/s", state.per_sec());
        })
        .progress_chars("=> ");
        let returns: usize = london.quarters.iter().map(|q| london.partners_in(*q).count()).sum();
        let bar = |len: u64, prefix: &'static str| {
            let bar = multi.add(ProgressBar::new(len));
            bar.set_style(style.clone());
            bar.set_prefix(prefix);
            bar
        };
        let (evidence, readings, returns) =
            (bar(options.evidence, "evidence"), bar(options.readings, "readings"), bar(returns as u64, "returns"));
        Progress { _multi: multi, evidence, readings, returns }
    }
}

/// `days` after `date` (before it when negative); dates here are far from
/// chrono's limits, so the fallback is never used.
fn after(date: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days < 0 {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(date)
}

/// A write transaction (`db::begin_write`) that commits every `BATCH` rows.
struct Batch<'p> {
    pool: &'p Pool,
    tx: Option<db::Write>,
    rows: usize,
}

impl<'p> Batch<'p> {
    fn new(pool: &'p Pool) -> Self {
        Batch { pool, tx: None, rows: 0 }
    }

    async fn tx(&mut self) -> Result<&mut db::Write, AppError> {
        if self.tx.is_none() {
            self.tx = Some(db::begin_write(self.pool).await?);
        }
        self.tx.as_mut().ok_or(AppError::Internal)
    }

    /// One row written; commits when the batch is full.
    async fn row_done(&mut self) -> Result<(), AppError> {
        self.rows += 1;
        if self.rows >= BATCH {
            self.commit().await?;
        }
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), AppError> {
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        self.rows = 0;
        Ok(())
    }
}

// ---- Randomness ----

/// Independent streams for each part, so asking for more evidence does not
/// change the readings.
fn stream(seed: u64, part: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(part);
    rng
}

/// A generator for one named thing (a metric's series in one ICS, a point on
/// it), so its values do not depend on what else was generated or in what
/// order. FNV-1a: stable across Rust versions, unlike `std`'s hasher.
fn stable_rng(seed: u64, name: &str) -> ChaCha8Rng {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.to_le_bytes().iter().chain(name.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(hash)
}

/// An index chosen with probability proportional to its weight.
fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut left = rng.random::<f64>() * total;
    for (index, weight) in weights.iter().enumerate() {
        if left < *weight {
            return index;
        }
        left -= weight;
    }
    weights.len().saturating_sub(1)
}

/// Roughly normal, mean 0 and standard deviation 1 (four uniforms summed),
/// which is all plausible noise needs.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let sum: f64 = (0..4).map(|_| rng.random::<f64>()).sum();
    (sum - 2.0) * 3.0f64.sqrt()
}

/// Splits `total` in proportion to `weights`, the remainders going to the
/// largest fractions, so the parts add up to exactly `total`.
fn allocate(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| (exact[*b] - exact[*b].floor()).total_cmp(&(exact[*a] - exact[*a].floor())).then(a.cmp(b)));
    let short = total.saturating_sub(parts.iter().sum());
    for index in order.into_iter().cycle().take(usize::try_from(short).unwrap_or(usize::MAX)) {
        parts[index] += 1;
    }
    parts
}

/// Fills `{name}` placeholders.
fn fill(template: &str, vars: &[(&str, String)]) -> String {
    vars.iter().fold(template.to_string(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

fn choose<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> Result<&'a T, AppError> {
    items.choose(rng).ok_or(AppError::Internal)
}

// ---- Evidence ----

const OPENINGS: &[&str] = &[
    "{org} has continued to work with partners across {ics} on this commitment this quarter.",
    "In {borough}, {org} and the local authority have jointly reviewed the crisis pathway for adults.",
    "This quarter {org} focused on the response to people in crisis out of hours in {borough}.",
    "{org} led a multi-agency review of crisis care in {borough}, with people who use services and their carers.",
    "Working through the {ics} crisis collaborative, {org} has taken forward the actions agreed at the last board.",
    "{org} reports steady progress against this commitment in {borough} and the neighbouring boroughs.",
    "Following the concordat workshop in {borough}, {org} agreed three priorities with its partners for the year.",
];

const ACTIVITIES: &[&str] = &[
    "{n} staff completed trauma-informed care training, including colleagues from the police and the ambulance service.",
    "A crisis café opened in {borough}, open from 6pm to midnight every day, and had {n} visits in its first month.",
    "The mental health joint response car ran {d} days a week and attended {n} calls that would otherwise have needed a police response.",
    "Handovers at the health-based place of safety now take {m} minutes on average, down from {m2} minutes last quarter.",
    "Liaison psychiatry saw {p}% of emergency department referrals within one hour.",
    "We recruited {k} peer support workers with lived experience of crisis, who now work alongside the home treatment team.",
    "The NHS 111 mental health option answered {n} calls, {p}% of them resolved without a referral to emergency services.",
    "Crisis plans were written together with {n} people who had used crisis services more than three times in a year.",
    "An audit of {k} out-of-area placements found {k2} that earlier community support could have avoided.",
    "The Right Care, Right Person protocol was agreed with the Metropolitan Police and {k} frontline teams were briefed.",
    "The crisis line supported {n} people, and {p}% of those asked said they felt listened to.",
    "A data-sharing agreement between the trust, the council and the police was signed, so crisis plans can be seen at the point of contact.",
    "Section 136 detentions in {borough} fell to {k} this quarter, with most people taken to a health-based place of safety.",
    "The community mental health team extended its duty service to weekends, seeing {n} people who would otherwise have waited until Monday.",
];

const OUTCOMES: &[&str] = &[
    "Demand remains higher than planned, particularly on Friday and Saturday nights.",
    "Recruitment to the overnight rota remains the main risk; {k} posts are covered by agency staff.",
    "Delayed discharges continue to limit capacity, with {k} people clinically ready for discharge at the end of the quarter.",
    "Feedback from carers has been positive, although waits for a first assessment still vary between boroughs.",
    "Black men remain over-represented in detentions under the Mental Health Act, and the equality working group is reviewing the data.",
    "Long waits in emergency departments for people in crisis have fallen, but twelve-hour waits still occur.",
    "Funding for the service is confirmed until the end of the financial year.",
];

const NEXT_STEPS: &[&str] = &[
    "Next quarter we will extend the service to {borough2} and report the first outcomes to the ICS board.",
    "The evaluation will be presented to the {ics} crisis concordat group in {month}.",
    "We will review progress with partners at the next quarterly concordat meeting.",
    "A business case for recurrent funding goes to the ICB in {month}.",
];

const UPDATES: &[&str] = &[
    "Update: the figures above have been validated against the national return.",
    "Update: the service has now extended its hours to weekends.",
    "Update: two further peer support workers started in {month}.",
    "Update: the evaluation report was accepted by the ICS board in {month}.",
    "Update: following review, the milestone date has been confirmed with partners.",
];

const MILESTONES: &[&str] = &[
    "Crisis café open in {borough}",
    "Section 136 suite refurbished and reopened",
    "Joint response car running seven days a week",
    "Crisis line connected to NHS 111 mental health option",
    "Peer support workers in post",
    "Data-sharing agreement signed by all partners",
    "Trauma-informed care training completed by all crisis staff",
    "Right Care, Right Person phase {k} live",
    "Evaluation report to the ICS board",
];

const DOCUMENTS: &[&str] = &["board-paper", "evaluation", "action-plan", "minutes", "dashboard", "case-study"];

/// Delivery statuses (none, then `DeliveryStatus::ALL`'s order) weighted by how
/// long ago the period was: the older, the more is complete.
fn status_weights(age: usize) -> [f64; 6] {
    match age {
        0 => [10.0, 10.0, 45.0, 20.0, 8.0, 7.0],
        1..=3 => [10.0, 4.0, 40.0, 20.0, 8.0, 18.0],
        _ => [10.0, 2.0, 25.0, 12.0, 6.0, 45.0],
    }
}

/// How often each kind of organisation records evidence.
fn activity(kind: OrgKind) -> f64 {
    match kind {
        OrgKind::Icb | OrgKind::MhTrust => 4.0,
        OrgKind::Police | OrgKind::Ambulance => 3.0,
        OrgKind::AcuteTrust => 2.0,
        _ => 1.0,
    }
}

/// What a narrative's placeholders stand for.
fn narrative_vars(
    rng: &mut ChaCha8Rng,
    org: &Organisation,
    ics: &Ics,
    quarter: ReportingPeriod,
) -> Vec<(&'static str, String)> {
    let borough = ics.boroughs.choose(rng).cloned().unwrap_or_else(|| ics.name.clone());
    let borough2 = ics.boroughs.choose(rng).cloned().unwrap_or_else(|| ics.name.clone());
    let m2: u32 = rng.random_range(60..=240);
    let later = Month::containing(quarter.end_date()).next();
    let month = if rng.random_bool(0.5) { later } else { later.next() };
    vec![
        ("org", display_name(org).to_string()),
        ("ics", ics.code.clone()),
        ("borough", borough),
        ("borough2", borough2),
        ("n", rng.random_range(12..=900u32).to_string()),
        ("k", rng.random_range(2..=12u32).to_string()),
        ("k2", rng.random_range(1..=2u32).to_string()),
        ("d", rng.random_range(4..=7u32).to_string()),
        ("p", rng.random_range(55..=98u32).to_string()),
        ("m2", m2.to_string()),
        ("m", rng.random_range(m2 / 3..m2).to_string()),
        ("month", month.label()),
    ]
}

fn narrative(rng: &mut ChaCha8Rng, vars: &[(&str, String)]) -> Result<String, AppError> {
    let mut sentences = vec![fill(choose(rng, OPENINGS)?, vars)];
    let mut activities: Vec<&&str> = ACTIVITIES.iter().collect();
    activities.shuffle(rng);
    let count = rng.random_range(1..=3);
    sentences.extend(activities.into_iter().take(count).map(|t| fill(t, vars)));
    for _ in 0..rng.random_range(0..=2) {
        sentences.push(fill(choose(rng, OUTCOMES)?, vars));
    }
    let mut text = sentences.join(" ");
    if rng.random_bool(0.6) {
        text.push_str("\n\n");
        text.push_str(&fill(choose(rng, NEXT_STEPS)?, vars));
    }
    Ok(text)
}

/// An entry as first saved and then as each later edit saved it: the forms a
/// partner would have posted.
fn entry_drafts(
    rng: &mut ChaCha8Rng,
    london: &London,
    org: &Organisation,
    ics: &Ics,
    quarter: ReportingPeriod,
    age: usize,
    commitment: &Commitment,
) -> Result<Vec<EvidenceDraft>, AppError> {
    let vars = narrative_vars(rng, org, ics, quarter);
    let action_id = match commitment.actions.choose(rng) {
        Some(action) if rng.random_bool(0.4) => Some(action.id.clone()),
        _ => None,
    };
    let status = match pick_weighted(rng, &status_weights(age)) {
        0 => None,
        index => DeliveryStatus::ALL.get(index - 1).copied(),
    };
    let narrative = narrative(rng, &vars)?;
    let (milestone, due, completed) = if rng.random_bool(0.35) {
        let due = after(quarter.start_date(), rng.random_range(20..=300));
        let done = status == Some(DeliveryStatus::Complete) || (due < london.today && rng.random_bool(0.5));
        let completed = done.then(|| completion_date(rng, quarter, due, london.today));
        (fill(choose(rng, MILESTONES)?, &vars), due.to_string(), completed.map(|d| d.to_string()).unwrap_or_default())
    } else {
        (String::new(), String::new(), String::new())
    };
    let links: Vec<String> = (0..pick_weighted(rng, &[50.0, 30.0, 15.0, 5.0]))
        .map(|n| {
            Ok(format!("https://{}.example.org/concordat/{quarter}/{}-{}", org.id, choose(rng, DOCUMENTS)?, n + 1))
        })
        .collect::<Result<_, AppError>>()?;
    let first = EvidenceDraft {
        commitment_id: commitment.id.clone(),
        action_id,
        period: quarter.to_string(),
        narrative,
        delivery_status: status.map(DeliveryStatus::as_str).unwrap_or_default().to_string(),
        milestone,
        milestone_due: due,
        milestone_completed: completed,
        links: links.join("\n"),
    };
    let edits = if rng.random_bool(0.2) { rng.random_range(1..=3) } else { 0 };
    let mut drafts = vec![first];
    for _ in 0..edits {
        let previous = drafts.last().cloned().unwrap_or_default();
        drafts.push(edited(rng, london, &previous, quarter, &vars)?);
    }
    Ok(drafts)
}

/// A date a milestone due on `due` was met: around then, within the quarter's
/// start and today (a completion date cannot be in the future).
fn completion_date(rng: &mut ChaCha8Rng, quarter: ReportingPeriod, due: NaiveDate, today: NaiveDate) -> NaiveDate {
    let date = after(due, rng.random_range(-45..=30));
    date.max(quarter.start_date()).min(today)
}

/// A later save of an entry: an update added, the status moved on, a milestone met.
fn edited(
    rng: &mut ChaCha8Rng,
    london: &London,
    previous: &EvidenceDraft,
    quarter: ReportingPeriod,
    vars: &[(&str, String)],
) -> Result<EvidenceDraft, AppError> {
    let mut next = previous.clone();
    next.narrative = format!("{}\n\n{}", previous.narrative, fill(choose(rng, UPDATES)?, vars));
    next.delivery_status = match previous.delivery_status.as_str() {
        "" | "not_started" => "on_track",
        "on_track" if rng.random_bool(0.4) => "complete",
        "at_risk" | "off_track" if rng.random_bool(0.5) => "on_track",
        other => other,
    }
    .to_string();
    if let Ok(due) = NaiveDate::parse_from_str(&next.milestone_due, "%Y-%m-%d") {
        if next.milestone_completed.is_empty() && (next.delivery_status == "complete" || due < london.today) {
            next.milestone_completed = completion_date(rng, quarter, due, london.today).to_string();
        }
    }
    Ok(next)
}

async fn write_evidence(
    pool: &Pool,
    london: &London,
    people: &People,
    options: &Options,
    summary: &mut Summary,
    bar: &ProgressBar,
) -> Result<(), AppError> {
    let mut rng = stream(options.seed, 1);
    // Its rate and ETA count from now, not from when the bars were drawn.
    bar.reset();
    let commitments: Vec<&Commitment> = london.concordat.commitments().collect();
    // More partners record more as the concordat beds in.
    let weights: Vec<f64> = (0..london.quarters.len()).map(|index| 2.0 + index as f64).collect();
    let per_quarter = allocate(options.evidence, &weights);
    let mut planned = Vec::with_capacity(BATCH);
    for (index, (quarter, count)) in london.quarters.iter().zip(per_quarter).enumerate() {
        let partners: Vec<&Organisation> = london.partners_in(*quarter).collect();
        let partner_weights: Vec<f64> = partners.iter().map(|org| activity(org.kind)).collect();
        for _ in 0..count {
            let org = partners.get(pick_weighted(&mut rng, &partner_weights)).copied().ok_or(AppError::Internal)?;
            // A London-wide partner's entry is for the ICS its form names.
            let ics_code = match &org.ics {
                Some(code) => code.clone(),
                None => choose(&mut rng, &london.ics_codes)?.clone(),
            };
            let ics = london.icss.iter().find(|ics| ics.code == ics_code).ok_or(AppError::Internal)?;
            let commitment = *choose(&mut rng, &commitments)?;
            let drafts = entry_drafts(&mut rng, london, org, ics, *quarter, london.age(index), commitment)?;
            // Saved during the quarter or before its return was due, each edit some days later.
            let mut at = moment_between(&mut rng, quarter.start_date(), after(quarter.end_date(), 20), london.now);
            let mut saves = Vec::with_capacity(drafts.len());
            for draft in &drafts {
                saves.push((validate(draft, london.today)?, db::timestamp(at)));
                at = later(at, rng.random_range(86_400..45 * 86_400), london.now);
            }
            planned.push(PlannedEntry { id: db::new_id(), org, ics: ics_code, editor: people.editor(org)?, saves });
            if planned.len() == BATCH {
                summary.evidence_versions += write_entries(pool, &planned).await?;
                summary.evidence += planned.len() as u64;
                bar.inc(planned.len() as u64);
                planned.clear();
            }
        }
    }
    summary.evidence_versions += write_entries(pool, &planned).await?;
    summary.evidence += planned.len() as u64;
    bar.inc(planned.len() as u64);
    bar.finish();
    Ok(())
}

/// An entry to write: each save as validated (`domain::evidence::validate`,
/// as the form is) and when it was made.
struct PlannedEntry<'a> {
    id: String,
    org: &'a Organisation,
    ics: String,
    editor: &'a Person,
    saves: Vec<(EvidenceInput, String)>,
}

impl PlannedEntry<'_> {
    /// The entry as `db::evidence::get_in` reads it back after its `version`th
    /// save, which `save_version` would keep.
    fn as_saved(&self, version: usize) -> Result<EvidenceEntry, AppError> {
        let (input, at) = self.saves.get(version.saturating_sub(1)).ok_or(AppError::Internal)?;
        let milestone = input.milestone.as_ref();
        Ok(EvidenceEntry {
            id: self.id.clone(),
            commitment_id: input.commitment_id.clone(),
            action_id: input.action_id.clone(),
            organisation_id: self.org.id.clone(),
            organisation_name: self.org.name.clone(),
            ics_code: IcsCode::parse(&self.ics).map_err(|_| AppError::Internal)?,
            period: input.period,
            narrative: input.narrative.clone(),
            delivery_status: input.delivery_status,
            milestone: milestone.map(|m| m.description.clone()),
            milestone_due: milestone.map(|m| m.due),
            milestone_completed: milestone.and_then(|m| m.completed),
            links: input.links.clone(),
            version: i64::try_from(version).map_err(|_| AppError::Internal)?,
            updated_at: at.clone(),
            updated_by: Some(self.editor.email.clone()),
        })
    }
}

/// Writes a batch of entries in one transaction: each row as its last save
/// left it and every save kept as a version, as `server::evidence::save`
/// leaves them (`db::evidence`'s bulk writes: one at a time, 100,000 entries
/// took about six minutes on PostgreSQL). Returns the versions kept.
async fn write_entries(pool: &Pool, planned: &[PlannedEntry<'_>]) -> Result<u64, AppError> {
    if planned.is_empty() {
        return Ok(0);
    }
    let mut rows = Vec::with_capacity(planned.len());
    let mut saved = Vec::new();
    for entry in planned {
        let (first, last) = match (entry.saves.first(), entry.saves.last()) {
            (Some(first), Some(last)) => (first, last),
            _ => return Err(AppError::Internal),
        };
        rows.push(BulkEntry {
            id: &entry.id,
            placement: Placement { organisation_id: &entry.org.id, ics_code: &entry.ics },
            input: &last.0,
            version: i64::try_from(entry.saves.len()).map_err(|_| AppError::Internal)?,
            user_id: Some(&entry.editor.id),
            created_at: &first.1,
            updated_at: &last.1,
        });
        for version in 1..=entry.saves.len() {
            saved.push((entry.as_saved(version)?, &entry.editor.id));
        }
    }
    let versions: Vec<SavedVersion<'_>> = saved
        .iter()
        .map(|(entry, user)| SavedVersion { entry, user_id: Some(user.as_str()), saved_at: &entry.updated_at })
        .collect();
    let mut tx = db::begin_write(pool).await?;
    db::evidence::insert_many(&mut tx, &rows).await?;
    db::evidence::save_versions(&mut tx, &versions).await?;
    tx.commit().await?;
    Ok(versions.len() as u64)
}

/// A moment from the start of `from` to the start of `to`, never after `latest`.
fn moment_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate, latest: DateTime<Utc>) -> DateTime<Utc> {
    let start = from.and_time(NaiveTime::MIN).and_utc();
    let end = to.and_time(NaiveTime::MIN).and_utc().min(latest);
    let span = (end - start).num_seconds().max(1) * 1_000_000;
    start.checked_add_signed(TimeDelta::microseconds(rng.random_range(0..span))).unwrap_or(start).min(latest)
}

/// `seconds` after `at`, never after `latest` (dates here are far from
/// chrono's limits, so the fallback is never used).
fn later(at: DateTime<Utc>, seconds: i64, latest: DateTime<Utc>) -> DateTime<Utc> {
    at.checked_add_signed(TimeDelta::seconds(seconds)).unwrap_or(at).min(latest)
}

// ---- Readings ----

/// One figure: a metric in an ICS for a period, ICS-level or one partner's.
#[derive(Debug, Clone, PartialEq)]
struct Slot {
    /// Index into `London::metrics`.
    metric: usize,
    ics: String,
    partner: Option<String>,
    period: ReadingPeriod,
}

/// Every figure the catalogue allows in each quarter: ICS-level ones (every
/// metric, every ICS) and then partners' (the boxes of each partner's figures
/// form, `domain::figures`), each at its metric's frequency and only for
/// periods that have started.
fn reading_slots(london: &London) -> Vec<(Vec<Slot>, Vec<Slot>)> {
    let index: HashMap<&str, usize> =
        london.metrics.iter().enumerate().map(|(i, m)| (m.definition.id.as_str(), i)).collect();
    london
        .quarters
        .iter()
        .map(|quarter| {
            let mut ics_level = Vec::new();
            for (metric, m) in london.metrics.iter().enumerate() {
                for ics in &london.ics_codes {
                    for period in periods_for(m.definition.frequency, *quarter, london.today) {
                        ics_level.push(Slot { metric, ics: ics.clone(), partner: None, period });
                    }
                }
            }
            let definitions = london.metrics.iter().map(|m| &m.definition);
            let partners = london
                .partners_in(*quarter)
                .flat_map(|org| {
                    figure_slots(org, definitions.clone(), &london.ics_codes, *quarter, london.today)
                        .into_iter()
                        .filter_map(|slot| {
                            let metric = *index.get(slot.metric_id.as_str())?;
                            Some(Slot { metric, ics: slot.ics, partner: Some(org.id.clone()), period: slot.period })
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            (ics_level, partners)
        })
        .collect()
}

/// Which figures to write when there are more than wanted: each quarter gets
/// its share, half of it ICS-level figures (what RAG is judged on, a quarter
/// of all there are) and half partners', either topping up the other.
fn choose_slots(rng: &mut ChaCha8Rng, per_quarter: Vec<(Vec<Slot>, Vec<Slot>)>, wanted: u64) -> Vec<Slot> {
    let sizes: Vec<f64> = per_quarter.iter().map(|(a, b)| (a.len() + b.len()) as f64).collect();
    let shares = allocate(wanted, &sizes);
    let mut chosen = Vec::new();
    for ((mut ics_level, mut partners), share) in per_quarter.into_iter().zip(shares) {
        ics_level.shuffle(rng);
        partners.shuffle(rng);
        let share = usize::try_from(share).unwrap_or(usize::MAX);
        let partner_take = partners.len().min(share - ics_level.len().min(share.div_ceil(2)));
        let ics_take = ics_level.len().min(share - partner_take);
        chosen.extend(ics_level.into_iter().take(ics_take));
        chosen.extend(partners.into_iter().take(partner_take));
    }
    chosen
}

/// Typical scale of the seed catalogue's counts for a whole ICS (a partner
/// reports a share of it); other metrics get a scale from their kind.
fn typical_count(metric_id: &str) -> (f64, f64) {
    match metric_id {
        "m_community_access" => (8_000.0, 20_000.0),
        "m_ed_mh_attendances" => (800.0, 2_000.0),
        "m_s136_detentions" => (120.0, 400.0),
        "m_hbpos_open" => (2.0, 6.0),
        "m_los_over_60" => (20.0, 90.0),
        "m_clinically_ready" => (10.0, 60.0),
        _ => (50.0, 500.0),
    }
}

/// A series' level and the highest value it can take.
fn series_base(rng: &mut ChaCha8Rng, metric: &MetricDefinition, ics_level: bool) -> (f64, Option<f64>) {
    let share = if ics_level { 1.0 } else { rng.random_range(0.15..0.5) };
    match (metric.target, metric.amber) {
        // Around the RAG bands, so some series are green, some amber, some red.
        (Some(target), Some(amber)) => {
            let (low, high) = (target.min(amber), target.max(amber));
            let base = low + (high - low).max(1.0) * rng.random_range(-0.3..1.3);
            // A small count with a target is a scale like days a week: the
            // target (or amber) is its ceiling.
            let ceiling = (metric.kind == MetricKind::Count && high <= 10.0).then_some(high);
            (base, ceiling)
        }
        (Some(target), None) => (target * rng.random_range(0.6..1.3), None),
        _ => match metric.kind {
            MetricKind::Percent => (rng.random_range(40.0..95.0), None),
            MetricKind::Rate => (rng.random_range(30.0..140.0), None),
            MetricKind::Ratio => (rng.random_range(1.2..4.5), None),
            MetricKind::Count | MetricKind::Milestone => {
                let (low, high) = typical_count(&metric.id);
                ((rng.random_range(low..high) * share).max(1.0), None)
            }
        },
    }
}

/// A value as the kind allows it, rounded as a person would type it.
fn tidy(kind: MetricKind, value: f64, ceiling: Option<f64>) -> f64 {
    let value = value.max(0.0);
    let value = ceiling.map_or(value, |c| value.min(c));
    match kind {
        MetricKind::Percent => ((value * 10.0).round() / 10.0).min(100.0),
        MetricKind::Count => value.round(),
        MetricKind::Rate => (value * 10.0).round() / 10.0,
        MetricKind::Ratio => (value * 100.0).round() / 100.0,
        MetricKind::Milestone => {
            if value >= 0.5 {
                1.0
            } else {
                0.0
            }
        }
    }
}

fn months_since_first(date: NaiveDate) -> f64 {
    let first = ReportingPeriod::FIRST.start_date();
    f64::from((date.year() - first.year()) * 12 + date.month() as i32 - first.month() as i32)
}

/// The figure for a slot: the series' level with a drift, a winter peak for
/// monthly figures and noise, so SPC charts show ordinary and special
/// variation; and the highest value the series takes.
fn reading_value(seed: u64, metric: &MetricDefinition, slot: &Slot) -> Result<(f64, Option<f64>), AppError> {
    let series = format!("{}\0{}\0{}", metric.id, slot.ics, slot.partner.as_deref().unwrap_or_default());
    let mut rng = stable_rng(seed, &series);
    let (value, ceiling) = if metric.kind == MetricKind::Milestone {
        // Done some time around its due date, and done for good.
        let due = metric.due.unwrap_or_else(|| ReportingPeriod::FIRST.end_date());
        let done_on = after(due, rng.random_range(-90..=270));
        (if slot.period.end_date() >= done_on { 1.0 } else { 0.0 }, Some(1.0))
    } else {
        let (base, ceiling) = series_base(&mut rng, metric, slot.partner.is_none());
        let drift = rng.random_range(-0.01..0.01) * base;
        let spread = rng.random_range(0.03..0.09) * base.max(1.0);
        let mut point = stable_rng(seed, &format!("{series}\0{}", slot.period));
        let month = slot.period.start_date().month0() as f64;
        let winter = if metric.frequency == Frequency::Monthly {
            0.06 * base * (2.0 * std::f64::consts::PI * (month - 0.5) / 12.0).cos()
        } else {
            0.0
        };
        let t = months_since_first(slot.period.start_date());
        (tidy(metric.kind, base + drift * t + winter + normal(&mut point) * spread, ceiling), ceiling)
    };
    let value = validate_value(metric.kind, value).map_err(|why| {
        tracing::error!(metric = %metric.id, value, %why, "generated a value the catalogue refuses");
        AppError::Internal
    })?;
    Ok((value, ceiling))
}

/// A figure revised after validation: near the value first reported
/// (revisions correct it, they do not wander), within what the kind and the
/// series allow, and never the value it replaces (`None` if it cannot move).
fn revised(rng: &mut ChaCha8Rng, kind: MetricKind, first: f64, last: f64, ceiling: Option<f64>) -> Option<f64> {
    let candidate = tidy(kind, first * (1.0 + rng.random_range(-0.05..0.05)), ceiling);
    if candidate != last {
        return Some(candidate);
    }
    let step = match kind {
        MetricKind::Count | MetricKind::Milestone => 1.0,
        MetricKind::Percent | MetricKind::Rate => 0.1,
        MetricKind::Ratio => 0.01,
    };
    let deltas = if rng.random_bool(0.5) { [step, -step] } else { [-step, step] };
    deltas.into_iter().map(|delta| tidy(kind, last + delta, ceiling)).find(|next| *next != last)
}

const READING_NOTES: &[&str] = &[
    "Provisional: the validated figure follows next month.",
    "Includes out-of-area placements.",
    "One site's records arrived late and are estimated.",
    "From the national MHSDS return.",
    "Lower than usual because of a system change during the period.",
];

const REVISION_NOTES: &[&str] = &[
    "Revised after MHSDS validation.",
    "Corrected: late records from one site now included.",
    "Revised to match the published national figure.",
];

async fn write_readings(
    pool: &Pool,
    london: &London,
    people: &People,
    options: &Options,
    summary: &mut Summary,
    bar: &ProgressBar,
) -> Result<(), AppError> {
    let mut rng = stream(options.seed, 2);
    bar.reset();
    let per_quarter = reading_slots(london);
    let available: u64 = per_quarter.iter().map(|(a, b)| (a.len() + b.len()) as u64).sum();
    let mut slots = choose_slots(&mut rng, per_quarter, options.readings.min(available));
    // Written as they would have arrived: period by period.
    slots.sort_by(|a, b| (a.period, a.metric, &a.ics, &a.partner).cmp(&(b.period, b.metric, &b.ics, &b.partner)));
    // Each figure's values, first to last, with their notes; and its kind and ceiling.
    let mut values: Vec<Vec<(f64, Option<String>)>> = Vec::with_capacity(slots.len());
    let mut limits = Vec::with_capacity(slots.len());
    for slot in &slots {
        let metric = london.metrics.get(slot.metric).ok_or(AppError::Internal)?;
        let note = if rng.random_bool(0.04) { Some(choose(&mut rng, READING_NOTES)?.to_string()) } else { None };
        let (value, ceiling) = reading_value(options.seed, &metric.definition, slot)?;
        values.push(vec![(value, note)]);
        limits.push((metric.definition.kind, ceiling));
    }
    // Past the distinct figures the catalogue allows: revisions of them (not
    // of milestones, which are done or not).
    let revisable: Vec<usize> = (0..slots.len()).filter(|i| limits[*i].0 != MetricKind::Milestone).collect();
    let mut revisions = options.readings.saturating_sub(slots.len() as u64);
    let mut stuck = 0;
    while revisions > 0 {
        let index = *choose(&mut rng, &revisable)?;
        let (kind, ceiling) = limits[index];
        let (first, last) = match (values[index].first(), values[index].last()) {
            (Some(first), Some(last)) => (first.0, last.0),
            _ => return Err(AppError::Internal),
        };
        let Some(value) = revised(&mut rng, kind, first, last, ceiling) else {
            // A series that can take one value only: revise another.
            stuck += 1;
            if stuck > 1000 {
                return Err(AppError::Internal);
            }
            continue;
        };
        validate_value(kind, value).map_err(|_| AppError::Internal)?;
        values[index].push((value, Some(choose(&mut rng, REVISION_NOTES)?.to_string())));
        revisions -= 1;
    }
    let mut planned = Vec::new();
    let mut pending = 0;
    for (slot, values) in slots.iter().zip(values) {
        pending += values.len();
        planned.push(plan_reading(&mut rng, london, people, slot, values)?);
        if pending >= BATCH {
            write_figures(pool, &planned, summary).await?;
            bar.inc(pending as u64);
            (planned, pending) = (Vec::new(), 0);
        }
    }
    write_figures(pool, &planned, summary).await?;
    bar.inc(pending as u64);
    bar.finish();
    Ok(())
}

/// A figure to write: its last value and the ones it replaced, when each was
/// entered (some days after its period ended, revisions weeks later) and by
/// whom: the partner's editor or, for an ICS-level figure, the ICS lead.
struct PlannedReading {
    reading: NewReading,
    user_id: String,
    created_at: String,
    updated_at: String,
    replaced: Vec<Replaced>,
}

fn plan_reading(
    rng: &mut ChaCha8Rng,
    london: &London,
    people: &People,
    slot: &Slot,
    values: Vec<(f64, Option<String>)>,
) -> Result<PlannedReading, AppError> {
    let metric = london.metrics.get(slot.metric).ok_or(AppError::Internal)?;
    let by = match &slot.partner {
        Some(partner) => people.editors.get(partner).ok_or(AppError::Internal)?,
        None => people.ics_figures(&slot.ics),
    };
    let end = slot.period.end_date();
    let mut at = moment_between(rng, after(end, 5), after(end, 40), london.now);
    let created_at = db::timestamp(at);
    let mut replaced = Vec::with_capacity(values.len().saturating_sub(1));
    let mut values = values.into_iter();
    let (mut value, mut note) = values.next().ok_or(AppError::Internal)?;
    for (next, next_note) in values {
        at = later(at, rng.random_range(3 * 86_400..60 * 86_400), london.now);
        replaced.push(Replaced { value, note, replaced_at: db::timestamp(at) });
        (value, note) = (next, next_note);
    }
    Ok(PlannedReading {
        reading: NewReading {
            metric_id: metric.definition.id.clone(),
            metric_version: metric.version,
            ics_code: slot.ics.clone(),
            period: slot.period.to_string(),
            partner_id: slot.partner.clone(),
            value,
            note,
        },
        user_id: by.id.clone(),
        created_at,
        updated_at: db::timestamp(at),
        replaced,
    })
}

/// Writes a batch of figures in one transaction, as `db::readings::upsert`
/// leaves them after each value (`db::readings::insert_many`: one `upsert` at
/// a time, 200,000 took about four minutes on PostgreSQL).
async fn write_figures(pool: &Pool, planned: &[PlannedReading], summary: &mut Summary) -> Result<(), AppError> {
    if planned.is_empty() {
        return Ok(());
    }
    let rows: Vec<BulkReading<'_>> = planned
        .iter()
        .map(|p| BulkReading {
            reading: &p.reading,
            user_id: Some(&p.user_id),
            created_at: &p.created_at,
            updated_at: &p.updated_at,
            replaced: &p.replaced,
        })
        .collect();
    let mut tx = db::begin_write(pool).await?;
    let inserted = db::readings::insert_many(&mut tx, &rows).await?;
    if inserted != rows.len() {
        // Only another writer meanwhile can have written these figures.
        return Err(AppError::Conflict("readings were written into this database while it was being generated".into()));
    }
    tx.commit().await?;
    summary.readings += inserted as u64;
    summary.reading_revisions += planned.iter().map(|p| p.replaced.len() as u64).sum::<u64>();
    Ok(())
}

// ---- Returns ----

/// Where a return ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    NotStarted,
    Submitted,
    Queried,
    Returned,
    Accepted,
    /// Accepted, then an entry changed: back to draft as version 2.
    Reopened,
    /// Reopened, then submitted and accepted again as version 2.
    Reaccepted,
}

impl Outcome {
    const ALL: [Outcome; 7] = [
        Outcome::NotStarted,
        Outcome::Submitted,
        Outcome::Queried,
        Outcome::Returned,
        Outcome::Accepted,
        Outcome::Reopened,
        Outcome::Reaccepted,
    ];

    /// The current period's returns are mostly not yet due; older ones mostly accepted.
    fn pick(rng: &mut ChaCha8Rng, age: usize) -> Outcome {
        let weights: [f64; 7] = match age {
            0 => [80.0, 12.0, 5.0, 3.0, 0.0, 0.0, 0.0],
            1 => [10.0, 20.0, 10.0, 8.0, 45.0, 4.0, 3.0],
            _ => [3.0, 3.0, 2.0, 2.0, 82.0, 3.0, 5.0],
        };
        Outcome::ALL[pick_weighted(rng, &weights)]
    }

    /// The steps to its first accepted version, or to where it stops.
    fn steps(self, rng: &mut ChaCha8Rng) -> Vec<SubmissionStep> {
        use SubmissionStep::{Accept, Answer, Query, Return, Submit};
        match self {
            Outcome::NotStarted => vec![],
            Outcome::Submitted if rng.random_bool(0.3) => vec![Submit, Query, Answer],
            Outcome::Submitted => vec![Submit],
            Outcome::Queried if rng.random_bool(0.25) => vec![Submit, Return, Submit, Query],
            Outcome::Queried => vec![Submit, Query],
            Outcome::Returned => vec![Submit, Return],
            Outcome::Accepted | Outcome::Reopened | Outcome::Reaccepted => {
                match pick_weighted(rng, &[60.0, 25.0, 15.0]) {
                    0 => vec![Submit, Accept],
                    1 => vec![Submit, Query, Answer, Accept],
                    _ => vec![Submit, Return, Submit, Accept],
                }
            }
        }
    }
}

const QUERIES: &[&str] = &[
    "Please confirm the figures for the last month of the quarter; they differ markedly from the month before.",
    "The narrative does not say which boroughs the service covers; please add them.",
    "Could you add the due dates for the milestones you mention?",
    "Is the fall in detentions a change in recording or a real change?",
];

const ANSWERS: &[&str] = &[
    "Confirmed: the figure includes out-of-area placements, as agreed with the ICB.",
    "Added the boroughs and the start date to the narrative.",
    "The milestone dates are now recorded against each entry.",
    "A real change: the joint response car now covers the evening peak.",
];

const RETURNS: &[&str] = &[
    "Figures for two months are missing; please complete them and submit again.",
    "The evidence does not cover the actions agreed at the last board; please update it.",
    "Please split the ICS-wide figure by partner before resubmitting.",
];

const CORRECTIONS: &[&str] = &[
    "Correction after acceptance: the number of visits has been updated to the validated figure.",
    "Correction after acceptance: the milestone date was wrong and has been fixed.",
];

/// A return being written: who it belongs to and where it stands.
struct Return<'a> {
    org: &'a Organisation,
    period: String,
    version: i64,
    state: Option<SubmissionState>,
}

async fn write_returns(
    pool: &Pool,
    london: &London,
    people: &People,
    options: &Options,
    summary: &mut Summary,
    bar: &ProgressBar,
) -> Result<(), AppError> {
    let mut rng = stream(options.seed, 3);
    bar.reset();
    // Every metric, as the review page names them (retired ones included).
    let metrics = db::metrics::list(pool).await?;
    let mut batch = Batch::new(pool);
    for (index, quarter) in london.quarters.iter().enumerate() {
        // Readings are all written by now: read each quarter's once.
        let readings = db::readings::list(pool, None, Some((*quarter).into())).await?;
        for org in london.partners_in(*quarter) {
            let outcome = Outcome::pick(&mut rng, london.age(index));
            let mut ret = Return { org, period: quarter.to_string(), version: 1, state: None };
            let tx = batch.tx().await?;
            for step in outcome.steps(&mut rng) {
                take_step(tx, people, &mut rng, &mut ret, step, &readings, &metrics, summary).await?;
            }
            if matches!(outcome, Outcome::Reopened | Outcome::Reaccepted)
                && reopen(tx, london, people, &mut rng, &mut ret, summary).await?
                && outcome == Outcome::Reaccepted
            {
                for step in [SubmissionStep::Submit, SubmissionStep::Accept] {
                    take_step(tx, people, &mut rng, &mut ret, step, &readings, &metrics, summary).await?;
                }
            }
            if ret.state.is_some() {
                summary.submissions += 1;
            }
            batch.row_done().await?;
            bar.inc(1);
        }
    }
    batch.commit().await?;
    bar.finish();
    Ok(())
}

/// One step, as `server::submissions::take_step` takes it: allowed by the
/// workflow, with a note where one is needed, and on acceptance what the
/// return contained kept.
#[allow(clippy::too_many_arguments)]
async fn take_step(
    tx: &mut db::Write,
    people: &People,
    rng: &mut ChaCha8Rng,
    ret: &mut Return<'_>,
    step: SubmissionStep,
    readings: &[StoredReading],
    metrics: &[Metric],
    summary: &mut Summary,
) -> Result<(), AppError> {
    let state = next_state(ret.state.unwrap_or(SubmissionState::Draft), step).map_err(|why| {
        tracing::error!(%why, step = step.as_str(), "generated a step the workflow refuses");
        AppError::Internal
    })?;
    let by = if step.is_partners() { people.editor(ret.org)? } else { people.reviewer(rng, ret.org) };
    let note = match step {
        SubmissionStep::Query => choose(rng, QUERIES)?,
        SubmissionStep::Answer => choose(rng, ANSWERS)?,
        SubmissionStep::Return => choose(rng, RETURNS)?,
        SubmissionStep::Submit | SubmissionStep::Accept => "",
    };
    let note = check_note(step, note)?;
    let new_step = NewStep {
        organisation_id: &ret.org.id,
        period: &ret.period,
        version: ret.version,
        step,
        state,
        note: note.as_deref(),
        by_user_id: &by.id,
        by_email: &by.email,
        by_organisation: &by.organisation_id,
        from: ret.state,
    };
    if !db::submissions::take_step(tx, &new_step).await? {
        return Err(AppError::Conflict(format!("the return of {} for {} changed meanwhile", ret.org.id, ret.period)));
    }
    summary.submission_steps += 1;
    ret.state = Some(state);
    if step == SubmissionStep::Accept {
        let content = accepted_content(tx, ret, readings, metrics).await?;
        let json = serde_json::to_string(&content).map_err(|_| AppError::Internal)?;
        db::submissions::keep_accepted_version(tx, &ret.org.id, &ret.period, ret.version, &json).await?;
        summary.accepted_versions += 1;
    }
    Ok(())
}

/// What an accepted return contains, as `server::submissions` reads it: the
/// organisation's evidence and its figures for the period.
async fn accepted_content(
    tx: &mut db::Write,
    ret: &Return<'_>,
    readings: &[StoredReading],
    metrics: &[Metric],
) -> Result<AcceptedContent, AppError> {
    let evidence = db::evidence::list_for_organisation(tx.conn(), &ret.org.id, &ret.period).await?;
    let readings = readings
        .iter()
        .filter(|r| r.partner_id == ret.org.id)
        .map(|r| {
            let metric = metrics.iter().find(|m| m.definition.id == r.metric_id);
            ReviewedReading {
                metric_name: metric.map_or_else(|| r.metric_id.clone(), |m| m.definition.name.clone()),
                target: metric.and_then(|m| m.definition.target).map(format_value),
                value: format_value(r.value),
                metric_id: r.metric_id.clone(),
                ics: r.ics_code.clone(),
            }
        })
        .collect();
    Ok(AcceptedContent { evidence, readings })
}

/// An accepted return's entry corrected, which reopens it as a new version
/// (`server::evidence::save` then `server::submissions::reopen_after_change`).
/// `false` when it has no evidence to correct.
async fn reopen(
    tx: &mut db::Write,
    london: &London,
    people: &People,
    rng: &mut ChaCha8Rng,
    ret: &mut Return<'_>,
    summary: &mut Summary,
) -> Result<bool, AppError> {
    let mut entries = db::evidence::list_for_organisation(tx.conn(), &ret.org.id, &ret.period).await?;
    // Ordered by content, not by when rows were written, so the choice is the seed's.
    entries.sort_by(|a, b| (&a.commitment_id, &a.narrative).cmp(&(&b.commitment_id, &b.narrative)));
    let Some(entry) = entries.choose(rng) else {
        return Ok(false);
    };
    let draft = EvidenceDraft {
        commitment_id: entry.commitment_id.clone(),
        action_id: entry.action_id.clone(),
        period: entry.period.to_string(),
        narrative: format!("{}\n\n{}", entry.narrative, choose(rng, CORRECTIONS)?),
        delivery_status: entry.delivery_status.map(DeliveryStatus::as_str).unwrap_or_default().to_string(),
        milestone: entry.milestone.clone().unwrap_or_default(),
        milestone_due: entry.milestone_due.map(|d| d.to_string()).unwrap_or_default(),
        milestone_completed: entry.milestone_completed.map(|d| d.to_string()).unwrap_or_default(),
        links: entry.links.join("\n"),
    };
    let input = validate(&draft, london.today)?;
    let editor = people.editor(ret.org)?;
    if !db::evidence::update(tx, &entry.id, entry.version, &input, &editor.id).await? {
        return Err(AppError::Conflict(format!("evidence {} changed while it was being generated", entry.id)));
    }
    let saved = db::evidence::get_in(tx, &entry.id).await?.ok_or(AppError::Internal)?;
    db::evidence::save_version(tx, &saved, Some(&editor.id)).await?;
    summary.evidence_versions += 1;
    db::submissions::lock(tx, &ret.org.id, &ret.period).await?;
    match db::submissions::reopen_if_accepted(tx, &ret.org.id, &ret.period).await? {
        Some(version) => {
            ret.version = version;
            ret.state = Some(SubmissionState::Draft);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The one audit entry for the whole run: what was generated, by whom.
async fn record_run(pool: &Pool, summary: &Summary) -> Result<(), AppError> {
    let after = serde_json::json!({
        "seed": summary.seed,
        "periods": [summary.first_period, summary.last_period],
        "accounts": summary.accounts,
        "evidence": summary.evidence,
        "evidence_versions": summary.evidence_versions,
        "readings": summary.readings,
        "reading_revisions": summary.reading_revisions,
        "submissions": summary.submissions,
        "submission_steps": summary.submission_steps,
        "accepted_versions": summary.accepted_versions,
    });
    let entity_id = format!("generated data set, seed {}", summary.seed);
    let mut tx = db::begin_write(pool).await?;
    let change = Change {
        action: AuditAction::Create,
        entity: AuditEntity::Evidence,
        entity_id: &entity_id,
        before: None,
        after: Some(after),
    };
    audit::record(&mut tx, Actor::System("generate"), change).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_adds_up_and_follows_the_weights() {
        assert_eq!(allocate(10, &[1.0, 1.0]), [5, 5]);
        assert_eq!(allocate(10, &[1.0, 2.0, 2.0]), [2, 4, 4]);
        let parts = allocate(100_000, &[2.0, 3.0, 4.0, 5.0]);
        assert_eq!(parts.iter().sum::<u64>(), 100_000);
        assert!(parts.windows(2).all(|w| w[0] < w[1]), "{parts:?}");
        assert_eq!(allocate(1, &[1.0, 1.0, 1.0]).iter().sum::<u64>(), 1);
        assert_eq!(allocate(5, &[]), Vec::<u64>::new());
        assert_eq!(allocate(5, &[0.0, 0.0]), [0, 0]);
    }

    #[test]
    fn values_are_what_each_kind_allows() {
        for value in [-3.0, 0.04, 12.345, 99.96, 150.0] {
            for kind in MetricKind::ALL {
                let tidied = tidy(kind, value, None);
                assert!(validate_value(kind, tidied).is_ok(), "{kind:?} {value} -> {tidied}");
                let mut rng = stream(1, 9);
                let mut last = tidied;
                for _ in 0..50 {
                    let changed = revised(&mut rng, kind, tidied, last, None).unwrap_or(last);
                    assert_ne!(changed, last, "{kind:?}");
                    assert!(validate_value(kind, changed).is_ok(), "{kind:?} {tidied} -> {changed}");
                    last = changed;
                }
                // Revisions stay near the first figure.
                assert!((last - tidied).abs() <= tidied.abs() * 0.06 + 1.0, "{kind:?} {tidied} -> {last}");
            }
        }
        assert_eq!(tidy(MetricKind::Count, 9.4, Some(7.0)), 7.0, "a ceiling holds");
        let mut rng = stream(1, 9);
        for _ in 0..50 {
            let changed = revised(&mut rng, MetricKind::Count, 7.0, 7.0, Some(7.0));
            assert_eq!(changed, Some(6.0), "a figure at its ceiling can only come down");
        }
        assert_eq!(revised(&mut rng, MetricKind::Count, 0.0, 0.0, Some(0.0)), None);
    }

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let draw = |seed| {
            let mut rng = stream(seed, 1);
            (0..5).map(|_| rng.random_range(0..1000u32)).collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
        let a: f64 = stable_rng(1, "m\0SEL\0").random();
        let b: f64 = stable_rng(1, "m\0SEL\0").random();
        assert_eq!(a, b);
        assert_ne!(stable_rng(1, "m\0SEL\0").random::<u64>(), stable_rng(1, "m\0NEL\0").random::<u64>());
    }

    #[test]
    fn placeholders_are_filled() {
        let vars = [("org", "Oxleas".to_string()), ("n", "12".to_string())];
        assert_eq!(fill("{org} saw {n} people; {org} again", &vars), "Oxleas saw 12 people; Oxleas again");
    }
}
