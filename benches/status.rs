//! How long the London matrix takes to compute.
//!
//! `cargo bench --bench status` judges synthetic data of three sizes in
//! memory, every evidence entry listed (the cell pages' way). With
//! `BENCH_DATABASE_URL` set (as `scripts/bench` sets it, to its stress
//! database), it also times the cold computation of the current period's
//! London status and of the last complete quarter's board pack on that
//! database, every part computed afresh as after a restart: the figure issue
//! 24 sets at 20 ms. Results go in the README table.

use chrono::NaiveDate;
use concordat_tracker::domain::concordat::{Commitment, Concordat, Principle};
use concordat_tracker::domain::frequency::{Frequency, Month, QuarterRollup, ReadingPeriod};
use concordat_tracker::domain::london::IcsCode;
use concordat_tracker::domain::metric::MetricKind;
use concordat_tracker::domain::metric_series::SeriesPoint;
use concordat_tracker::domain::period::ReportingPeriod;
use concordat_tracker::domain::rag::{DeliveryStatus, Direction, Thresholds};
use concordat_tracker::domain::status::{london_status, FigureData, StatusData, StatusEvidence, StatusMetric};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

fn data(metrics_per_commitment: usize, evidence_per_cell: usize) -> StatusData {
    let period = ReportingPeriod::parse("2023-24-Q1").expect("period");
    let ics_codes: Vec<String> = ["NCL", "NEL", "NWL", "SEL", "SWL"].map(String::from).to_vec();
    let principles: Vec<Principle> = (1..=4)
        .map(|p| Principle {
            id: format!("P{p}"),
            number: p,
            title: format!("Principle {p}"),
            commitments: (1..=4)
                .map(|c| Commitment {
                    id: format!("P{p}.C{c}"),
                    principle_id: format!("P{p}"),
                    number: c,
                    text: String::new(),
                    due: None,
                    actions: Vec::new(),
                })
                .collect(),
        })
        .collect();
    let commitment_ids: Vec<String> =
        principles.iter().flat_map(|p| p.commitments.iter().map(|c| c.id.clone())).collect();
    let mut metrics = Vec::new();
    let mut readings = HashMap::new();
    let mut evidence = Vec::new();
    for commitment in &commitment_ids {
        for m in 0..metrics_per_commitment {
            let id = format!("m_{commitment}_{m}");
            metrics.push(StatusMetric {
                id: id.clone(),
                name: format!("Metric {m} for {commitment}"),
                commitment_id: commitment.clone(),
                kind: MetricKind::Percent,
                unit: None,
                direction: Some(Direction::HigherIsBetter),
                thresholds: Some(Thresholds { target: 85.0, amber: 75.0 }),
                due: None,
                retired: false,
                frequency: Frequency::Monthly,
                rollup: QuarterRollup::Mean,
            });
            // A year of monthly readings, so each cell also draws its XmR chart.
            for (i, ics) in ics_codes.iter().enumerate() {
                let mut month = Month::containing(period.start_date());
                let mut points = Vec::new();
                for k in 0..12 {
                    let value = 60.0 + ((i * 7 + m * 3 + k * 5) % 40) as f64;
                    points.push(SeriesPoint { period: ReadingPeriod::Month(month), value });
                    month = month.previous();
                }
                readings.insert((id.clone(), ics.clone()), points);
            }
        }
        for ics in &ics_codes {
            for e in 0..evidence_per_cell {
                evidence.push(StatusEvidence {
                    ics: ics.clone(),
                    commitment_id: commitment.clone(),
                    organisation: "Partner".into(),
                    narrative: "Work under way across the ICS with partners and the voluntary sector".into(),
                    delivery_status: Some(if e % 3 == 0 { DeliveryStatus::AtRisk } else { DeliveryStatus::OnTrack }),
                    milestone: Some(("Milestone".into(), NaiveDate::from_ymd_opt(2023, 9, 30).expect("date"), None)),
                });
            }
        }
    }
    StatusData {
        figures: FigureData {
            period,
            as_at: period.end_date(),
            metrics,
            ics_thresholds: HashMap::new(),
            series: readings,
            rebases: HashMap::new(),
        },
        concordat: Concordat {
            title: String::new(),
            status: String::new(),
            owner: String::new(),
            review: String::new(),
            vision: Vec::new(),
            emphases: Vec::new(),
            aims: Vec::new(),
            principles,
        },
        ics_codes: ics_codes.iter().map(|c| IcsCode::parse(c).expect("ICS code")).collect(),
        evidence,
        overrides: HashMap::new(),
    }
}

/// The median of `runs` timings of `work`, in milliseconds, after one warm-up.
async fn median_ms<F, Fut>(runs: usize, mut work: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    work().await;
    let mut times: Vec<f64> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        work().await;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Cold status and board pack on a real database.
fn on_database(url: &str) {
    use concordat_tracker::server::{board_pack, cache, status};
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let pool = concordat_tracker::db::connect(url).await.expect("the benchmark database opens");
        concordat_tracker::db::migrate(&pool).await.expect("migrated");
        let current = ReportingPeriod::containing(chrono::Utc::now().date_naive());
        let pack = current.previous();
        let days = concordat_tracker::domain::period::DEFAULT_SUBMISSION_DAYS;
        let status_ms = median_ms(9, || async {
            black_box(cache::bypassing(status::london(&pool, current)).await.expect("status"));
        })
        .await;
        println!("cold status({current}) {status_ms:.1}");
        let pack_ms = median_ms(9, || async {
            black_box(cache::bypassing(board_pack::build(&pool, days, pack)).await.expect("board pack"));
        })
        .await;
        println!("cold board-pack({pack}) {pack_ms:.1}");
    });
}

fn main() {
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        on_database(&url);
        return;
    }
    println!("| scale | metrics | evidence entries | time per matrix |");
    println!("|---|---|---|---|");
    for (label, metrics_per_commitment, evidence_per_cell) in
        [("today (seed size)", 1, 2), ("a busy year", 5, 20), ("stress", 20, 100)]
    {
        let data = data(metrics_per_commitment, evidence_per_cell);
        let runs = 20;
        let start = Instant::now();
        for _ in 0..runs {
            black_box(london_status(black_box(&data)));
        }
        let each = start.elapsed() / runs;
        println!("| {label} | {} | {} | {:.2?} |", data.figures.metrics.len(), data.evidence.len(), each);
    }
}
