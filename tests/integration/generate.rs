//! `concordat-tracker generate` (issue 14): a small data set on each backend,
//! as the app would have written it, the same for the same seed, up to the
//! current period, and read by the app's own pages.

use crate::on_both_backends;
use crate::support::{count, Kind, TestDb};
use concordat_tracker::db::{self, Pool};
use concordat_tracker::domain::frequency::ReadingPeriod;
use concordat_tracker::domain::metric::validate_value;
use concordat_tracker::domain::period::{ReportingPeriod, DEFAULT_SUBMISSION_DAYS};
use concordat_tracker::error::AppError;
use concordat_tracker::server::generate::{generate, Options, Summary};

on_both_backends! {
    a_small_london_is_generated_as_the_app_writes_it => a_small_london_is_generated_as_the_app_writes_it;
    readings_past_the_catalogue_are_revisions => readings_past_the_catalogue_are_revisions;
    a_bigger_catalogue_gives_more_distinct_figures => a_bigger_catalogue_gives_more_distinct_figures;
}

const SMALL: Options = Options { evidence: 300, readings: 600, seed: 7, metrics: 0, show_progress: false };

async fn generated(kind: Kind, options: &Options) -> (TestDb, Pool, Summary) {
    let database = TestDb::new(kind).await;
    let pool = database.open().await;
    let summary = generate(&pool, options).await.expect("generates");
    (database, pool, summary)
}

/// What one seed must reproduce: every reading (key and value), the sum of
/// their values, and the narratives of the generated evidence.
async fn fingerprint(pool: &Pool) -> (Vec<String>, f64, Vec<String>) {
    let readings = db::readings::list(pool, None, None).await.expect("readings");
    let sum = readings.iter().map(|r| r.value).sum();
    let mut figures: Vec<String> = readings
        .iter()
        .map(|r| format!("{} {} {} {} {}", r.metric_id, r.ics_code, r.period, r.partner_id, r.value))
        .collect();
    figures.sort();
    let mut narratives: Vec<String> = sqlx::query_scalar("SELECT narrative FROM evidence WHERE id NOT LIKE 'seed-%'")
        .fetch_all(pool)
        .await
        .expect("narratives");
    narratives.sort();
    (figures, sum, narratives)
}

fn current_period() -> ReportingPeriod {
    ReportingPeriod::containing(chrono::Utc::now().date_naive())
}

async fn a_small_london_is_generated_as_the_app_writes_it(database: TestDb) {
    let pool = database.open().await;
    let summary = generate(&pool, &SMALL).await.expect("generates");
    let seeded = concordat_tracker::seed::load().expect("seed").progress.len() as i64;

    // Counts: what was asked for, and what the summary says.
    assert_eq!((summary.evidence, summary.readings, summary.reading_revisions), (300, 600, 0), "{summary}");
    assert_eq!(count(&pool, "evidence").await, 300 + seeded);
    assert_eq!(count(&pool, "evidence_version").await, summary.evidence_versions as i64 + seeded);
    assert!(summary.evidence_versions > 300, "some entries were edited: {summary}");
    assert_eq!(count(&pool, "reading").await, 600);
    assert_eq!(count(&pool, "reading_history").await, 0);
    assert_eq!(count(&pool, "submission").await, summary.submissions as i64);
    assert_eq!(count(&pool, "submission_step").await, summary.submission_steps as i64);
    assert_eq!(count(&pool, "submission_version").await, summary.accepted_versions as i64);
    assert!(summary.submissions > 0 && summary.accepted_versions > 0, "{summary}");
    let runs = db::audit::list(&pool, None, None, Some("generate"), 10).await.expect("audit");
    assert_eq!(runs.len(), 1, "one audit entry for the whole run");

    // From the concordat's first period to the current one.
    let current = current_period();
    assert_eq!(summary.first_period, ReportingPeriod::FIRST.to_string());
    assert_eq!(summary.last_period, current.to_string());
    let newest: Option<String> =
        sqlx::query_scalar("SELECT MAX(period) FROM evidence").fetch_one(&pool).await.expect("newest evidence");
    assert_eq!(newest, Some(current.to_string()));
    let readings = db::readings::list(&pool, None, None).await.expect("readings");
    let quarters: Vec<ReportingPeriod> =
        readings.iter().map(|r| ReadingPeriod::parse(&r.period).expect("a month or a quarter").quarter()).collect();
    assert_eq!(quarters.iter().max(), Some(&current), "readings reach the current period");
    assert_eq!(quarters.iter().min(), Some(&ReportingPeriod::FIRST));

    // Every figure is one the catalogue and the partner allow.
    let metrics = db::metrics::list(&pool).await.expect("metrics");
    let organisations = db::london::list_organisations(&pool).await.expect("organisations");
    assert!(readings.iter().any(|r| r.partner_id.is_empty()) && readings.iter().any(|r| !r.partner_id.is_empty()));
    for reading in &readings {
        let metric = metrics.iter().find(|m| m.definition.id == reading.metric_id).expect("a catalogue metric");
        assert_eq!(ReadingPeriod::parse(&reading.period).map(|p| p.frequency()), Ok(metric.definition.frequency));
        assert!(validate_value(metric.definition.kind, reading.value).is_ok(), "{reading:?}");
        if !reading.partner_id.is_empty() {
            let org = organisations.iter().find(|o| o.id == reading.partner_id).expect("a partner");
            assert!(org.serves(&reading.ics_code) && metric.definition.is_reported_by(org.kind), "{reading:?}");
        }
    }

    // Each entry's newest saved version is the entry as the app reads it back.
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM evidence WHERE id NOT LIKE 'seed-%'").fetch_all(&pool).await.expect("ids");
    for id in &ids {
        let entry = db::evidence::get(&pool, id).await.expect("read").expect("entry");
        let versions = db::evidence::versions(&pool, id).await.expect("versions");
        assert_eq!(versions.len() as i64, entry.version, "{id}: a version for every save");
        assert_eq!(versions[0].entry, entry, "{id}: the newest version is the entry");
    }

    // The pages' loaders read it: the matrix for the current period (the
    // default) and the first, the returns, and an accepted version as accepted.
    let page = concordat_tracker::server::status::status_page(&pool, "").await.expect("status page");
    assert_eq!(page.matrix.period, current);
    assert_eq!(page.periods.first(), Some(&current));
    concordat_tracker::server::status::status_page(&pool, &ReportingPeriod::FIRST.to_string())
        .await
        .expect("first period's status");
    let returns =
        concordat_tracker::server::submissions::list(&pool, DEFAULT_SUBMISSION_DAYS, current.previous(), None, true)
            .await
            .expect("returns");
    assert!(returns.iter().any(|r| !r.history.is_empty()), "some returns have steps");
    let (organisation, period, version): (String, String, i64) = sqlx::query_as(
        "SELECT organisation_id, period, version FROM submission_version ORDER BY period, organisation_id",
    )
    .fetch_one(&pool)
    .await
    .expect("an accepted version");
    let review = concordat_tracker::server::submissions::review_page(
        &pool,
        DEFAULT_SUBMISSION_DAYS,
        None,
        &organisation,
        &period,
        Some(version),
    )
    .await
    .expect("an accepted version reads back");
    assert_eq!(review.showing_version, Some(version));

    // Generated data never mixes with data already there.
    match generate(&pool, &SMALL).await {
        Err(AppError::Conflict(message)) => assert!(message.contains("already holds data"), "{message}"),
        other => panic!("a second run must be refused: {other:?}"),
    }

    // The same seed gives the same data; another seed, other data.
    let (_again_db, again, again_summary) = generated(database.kind, &SMALL).await;
    assert_eq!(
        (again_summary.evidence_versions, again_summary.submissions, again_summary.submission_steps),
        (summary.evidence_versions, summary.submissions, summary.submission_steps)
    );
    let (figures, sum, narratives) = fingerprint(&pool).await;
    let (again_figures, again_sum, again_narratives) = fingerprint(&again).await;
    assert_eq!(again_sum, sum);
    assert_eq!(again_figures, figures);
    assert_eq!(again_narratives, narratives);
    let (_other_db, other, _) = generated(database.kind, &Options { seed: 8, ..SMALL }).await;
    let (other_figures, _, other_narratives) = fingerprint(&other).await;
    assert_ne!(other_figures, figures);
    assert_ne!(other_narratives, narratives);
}

/// The catalogue allows a few thousand distinct figures; asked for more, the
/// rest are revisions, kept in the history as `upsert` keeps a replaced value.
async fn readings_past_the_catalogue_are_revisions(database: TestDb) {
    let pool = database.open().await;
    let options = Options { evidence: 0, readings: 30_000, seed: 3, metrics: 0, show_progress: false };
    let summary = generate(&pool, &options).await.expect("generates");
    assert!(summary.reading_revisions > 0, "{summary}");
    assert_eq!(summary.readings + summary.reading_revisions, 30_000);
    assert_eq!(count(&pool, "reading").await, summary.readings as i64);
    assert_eq!(count(&pool, "reading_history").await, summary.reading_revisions as i64);
    // Every replaced value belongs to a reading, and was replaced before the
    // reading's current value was entered.
    let orphans: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reading_history h LEFT JOIN reading r ON r.id = h.reading_id
         WHERE r.id IS NULL OR h.replaced_at > r.updated_at",
    )
    .fetch_one(&pool)
    .await
    .expect("history");
    assert_eq!(orphans, 0);
    let metrics = db::metrics::list(&pool).await.expect("metrics");
    let kinds: Vec<(String, f64)> =
        sqlx::query_as("SELECT r.metric_id, h.value FROM reading_history h JOIN reading r ON r.id = h.reading_id")
            .fetch_all(&pool)
            .await
            .expect("replaced values");
    for (metric_id, value) in kinds {
        let metric = metrics.iter().find(|m| m.definition.id == metric_id).expect("metric");
        assert!(validate_value(metric.definition.kind, value).is_ok(), "{metric_id} {value}");
    }
    assert_eq!(count(&pool, "evidence_version").await, count(&pool, "evidence").await, "only the seeded entries");
}

/// `--metrics` adds copies of seeded metrics first, so more of the readings
/// asked for are distinct figures rather than revisions.
async fn a_bigger_catalogue_gives_more_distinct_figures(database: TestDb) {
    let pool = database.open().await;
    let seeded = db::metrics::list(&pool).await.expect("metrics").len() as u64;
    let options = Options { evidence: 0, readings: 12_000, seed: 3, metrics: seeded + 10, show_progress: false };
    let summary = generate(&pool, &options).await.expect("generates");
    assert_eq!(summary.metrics_added, 10, "{summary}");
    let metrics = db::metrics::list(&pool).await.expect("metrics");
    assert_eq!(metrics.len() as u64, seeded + 10);
    let copy = metrics.iter().find(|m| m.definition.id.ends_with("_copy1")).expect("a copy");
    let original_id = copy.definition.id.trim_end_matches("_copy1");
    let original = metrics.iter().find(|m| m.definition.id == original_id).expect("its original");
    assert_eq!(copy.definition.frequency, original.definition.frequency);
    assert_eq!(copy.definition.reported_by, original.definition.reported_by);
    let copied_figures: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reading WHERE metric_id LIKE '%_copy%'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert!(copied_figures > 0, "the copies have figures");
    assert!(summary.readings > 9_200, "more distinct figures than the seeded catalogue allows: {summary}");
}
