//! How long the London matrix takes to compute, at today's size and at scale.
//! Run with `cargo bench --bench status`; results go in the README table.
//! The database side is a fixed number of queries (see `db::status::load`), so
//! this measures the part that grows with the data: judging every cell.

use chrono::NaiveDate;
use concordat_tracker::domain::concordat::{Commitment, Concordat, Principle};
use concordat_tracker::domain::frequency::{Frequency, Month, QuarterRollup, ReadingPeriod};
use concordat_tracker::domain::london::IcsCode;
use concordat_tracker::domain::metric::MetricKind;
use concordat_tracker::domain::metric_series::SeriesPoint;
use concordat_tracker::domain::period::ReportingPeriod;
use concordat_tracker::domain::rag::{DeliveryStatus, Direction, Thresholds};
use concordat_tracker::domain::status::{london_status, StatusData, StatusEvidence, StatusMetric};
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
        period,
        as_at: period.end_date(),
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
        metrics,
        ics_thresholds: HashMap::new(),
        series: readings,
        rebases: HashMap::new(),
        evidence,
        overrides: HashMap::new(),
    }
}

fn main() {
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
        println!("| {label} | {} | {} | {:.2?} |", data.metrics.len(), data.evidence.len(), each);
    }
}
