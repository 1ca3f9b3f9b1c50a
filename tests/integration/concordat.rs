//! Migrations and seed on both backends.

use crate::on_both_backends;
use crate::support::{count, TestDb};
use concordat_tracker::{db, seed};

on_both_backends! {
    first_start_creates_and_seeds => first_start_creates_and_seeds;
    seeding_is_idempotent => seeding_is_idempotent;
    the_concordat_reads_back_as_seeded => the_concordat_reads_back_as_seeded;
    ics_detail_lists_boroughs_and_partners => ics_detail_lists_boroughs_and_partners;
    seeding_fills_codes_but_keeps_edits => seeding_fills_codes_but_keeps_edits;
}

const SEEDED_TABLES: [(&str, i64); 8] = [
    ("principle", 4),
    ("commitment", 14),
    ("commitment_action", 12),
    ("ics", 5),
    ("borough", 33),
    ("organisation", 85),
    ("organisation_also_serves", 4),
    ("concordat_text", 11),
];

async fn first_start_creates_and_seeds(test_db: TestDb) {
    let pool = test_db.open().await;
    for (table, expected) in SEEDED_TABLES {
        assert_eq!(count(&pool, table).await, expected, "{table} on {:?}", test_db.kind);
    }
    pool.close().await;
}

async fn seeding_is_idempotent(test_db: TestDb) {
    let first = test_db.open().await;
    first.close().await;
    // A restart: migrations and seed run again against the same database.
    let second = test_db.open().await;
    db::migrate(&second).await.expect("migrating twice is a no-op");
    let seed = seed::load().expect("seed parses");
    db::concordat::seed(&second, &seed).await.expect("seeding twice is a no-op");
    for (table, expected) in SEEDED_TABLES {
        assert_eq!(count(&second, table).await, expected, "{table} after restart on {:?}", test_db.kind);
    }
    second.close().await;
}

async fn the_concordat_reads_back_as_seeded(test_db: TestDb) {
    let pool = test_db.open().await;
    let loaded = db::concordat::load(&pool).await.expect("concordat loads");
    let seeded = seed::load().expect("seed parses").concordat;
    assert_eq!(loaded, seeded);
    pool.close().await;
}

async fn ics_detail_lists_boroughs_and_partners(test_db: TestDb) {
    let pool = test_db.open().await;
    let icss = db::london::list_ics(&pool).await.expect("ICSs load");
    assert_eq!(icss.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["NCL", "NEL", "NWL", "SEL", "SWL"]);

    let sel = db::london::ics_detail(&pool, "SEL").await.expect("query").expect("SEL exists");
    assert_eq!(sel.ics.boroughs, ["Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"]);
    assert_eq!(sel.partners.len(), 15 + 7, "15 SEL partners and 7 London-wide (the boards oversee, not partner)");
    assert_eq!(sel.partners[0].name, "NHS South East London Integrated Care Board");
    assert_eq!(sel.partners[0].ods.as_deref(), Some("QKK"));
    assert!(sel.partners.iter().rev().take(7).all(|p| p.is_london_wide()), "London-wide partners come last");

    let swl = db::london::ics_detail(&pool, "SWL").await.expect("query").expect("SWL exists");
    let slam = swl.partners.iter().find(|p| p.ods.as_deref() == Some("RV5")).expect("SLaM serves Croydon");
    assert_eq!(slam.ics.as_deref(), Some("SEL"));
    assert_eq!(slam.also_serves, ["SWL"]);

    let ncl = db::london::ics_detail(&pool, "NCL").await.expect("query").expect("NCL exists");
    let ids: Vec<&str> = ncl.partners.iter().map(|p| p.id.as_str()).collect();
    assert!(ids.contains(&"north-london-nhs-foundation-trust"), "{ids:?}");
    assert!(!ids.contains(&"camden-and-islington-nhs-foundation-trust"), "merged trusts are history, not partners");
    let merged = db::london::get_organisation(&pool, "camden-and-islington-nhs-foundation-trust")
        .await
        .expect("query")
        .expect("kept for history");
    assert_eq!(merged.successor_id.as_deref(), Some("north-london-nhs-foundation-trust"));
    assert!(db::london::ics_detail(&pool, "XYZ").await.expect("query").is_none());
    pool.close().await;
}

async fn seeding_fills_codes_but_keeps_edits(test_db: TestDb) {
    let pool = test_db.open().await;
    // As a database seeded before codes were recorded, with a name changed in the app.
    sqlx::query(
        "UPDATE organisation SET ods = NULL, name = 'SEL ICB (renamed)' WHERE id = 'nhs-south-east-london-icb'",
    )
    .execute(&pool)
    .await
    .expect("older state");
    let seed = seed::load().expect("seed parses");
    db::concordat::seed(&pool, &seed).await.expect("seeding again");
    let icb = db::london::get_organisation(&pool, "nhs-south-east-london-icb").await.expect("query").expect("ICB");
    assert_eq!(icb.ods.as_deref(), Some("QKK"), "the missing code is filled");
    assert_eq!(icb.name, "SEL ICB (renamed)", "the edit is kept");
    pool.close().await;
}
