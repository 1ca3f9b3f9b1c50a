//! The concordat's principles, commitments and actions.

use super::Pool;
use crate::domain::concordat::{Commitment, CommitmentAction, Concordat, Principle};
use crate::domain::freshness::{Scope, Topic};
use crate::seed::SeedData;
use chrono::NaiveDate;
use sqlx::FromRow;

#[derive(FromRow)]
struct SqlText {
    kind: String,
    text: String,
}

#[derive(FromRow)]
struct SqlPrinciple {
    id: String,
    position: i64,
    title: String,
}

#[derive(FromRow)]
struct SqlCommitment {
    id: String,
    principle_id: String,
    position: i64,
    text: String,
    due_date: Option<String>,
}

#[derive(FromRow)]
struct SqlAction {
    id: String,
    commitment_id: String,
    position: i64,
    text: String,
}

/// Writes the reference data. Rows that exist already are left alone, so seeding
/// is idempotent and never overwrites an edit made in the app.
pub async fn seed(pool: &Pool, seed: &SeedData) -> Result<(), sqlx::Error> {
    let now = super::now();
    let mut tx = super::begin_write(pool).await?;
    // Only what is missing is written, but this runs once a start: say it changed.
    tx.changed(Scope::whole(Topic::Concordat));

    let c = &seed.concordat;
    let singles = [("title", &c.title), ("status", &c.status), ("owner", &c.owner), ("review", &c.review)];
    let lists = [("vision", &c.vision), ("emphasis", &c.emphases), ("aim", &c.aims)];
    let texts = singles.into_iter().map(|(kind, text)| (kind, 1, text)).chain(
        lists
            .into_iter()
            .flat_map(|(kind, items)| items.iter().enumerate().map(move |(i, text)| (kind, i as i64 + 1, text))),
    );
    for (kind, position, text) in texts {
        sqlx::query(
            "INSERT INTO concordat_text (kind, position, text, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (kind, position) DO NOTHING",
        )
        .bind(kind)
        .bind(position)
        .bind(text)
        .bind(&now)
        .execute(tx.conn())
        .await?;
    }

    for principle in &c.principles {
        sqlx::query(
            "INSERT INTO principle (id, position, title, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&principle.id)
        .bind(principle.number)
        .bind(&principle.title)
        .bind(&now)
        .execute(tx.conn())
        .await?;
        for commitment in &principle.commitments {
            sqlx::query(
                "INSERT INTO commitment (id, principle_id, position, text, due_date, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&commitment.id)
            .bind(&principle.id)
            .bind(commitment.number)
            .bind(&commitment.text)
            .bind(commitment.due.map(|d| d.to_string()))
            .bind(&now)
            .execute(tx.conn())
            .await?;
            for action in &commitment.actions {
                sqlx::query(
                    "INSERT INTO commitment_action (id, commitment_id, position, text, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (id) DO NOTHING",
                )
                .bind(&action.id)
                .bind(&commitment.id)
                .bind(action.number)
                .bind(&action.text)
                .bind(&now)
                .execute(tx.conn())
                .await?;
            }
        }
    }

    super::london::seed(&mut tx, &seed.icss, &seed.organisations, &now).await?;
    tx.commit().await
}

/// The whole concordat in four queries, however many commitments it has.
pub async fn load(pool: &Pool) -> Result<Concordat, sqlx::Error> {
    let texts: Vec<SqlText> =
        sqlx::query_as("SELECT kind, text FROM concordat_text ORDER BY kind, position").fetch_all(pool).await?;
    let principles: Vec<SqlPrinciple> =
        sqlx::query_as("SELECT id, position, title FROM principle ORDER BY position").fetch_all(pool).await?;
    let commitments: Vec<SqlCommitment> = sqlx::query_as(
        "SELECT c.id, c.principle_id, c.position, c.text, c.due_date
         FROM commitment c JOIN principle p ON p.id = c.principle_id
         ORDER BY p.position, c.position",
    )
    .fetch_all(pool)
    .await?;
    let actions: Vec<SqlAction> = sqlx::query_as(
        "SELECT id, commitment_id, position, text FROM commitment_action ORDER BY commitment_id, position",
    )
    .fetch_all(pool)
    .await?;

    let text_of =
        |kind: &str| -> Vec<String> { texts.iter().filter(|t| t.kind == kind).map(|t| t.text.clone()).collect() };
    let single = |kind: &str| text_of(kind).into_iter().next().unwrap_or_default();

    let mut commitments_by_principle: Vec<(String, Commitment)> = Vec::with_capacity(commitments.len());
    for row in commitments {
        let due = row.due_date.as_deref().map(parse_stored_date).transpose()?;
        let actions = actions
            .iter()
            .filter(|a| a.commitment_id == row.id)
            .map(|a| CommitmentAction { id: a.id.clone(), number: a.position, text: a.text.clone() })
            .collect();
        commitments_by_principle.push((
            row.principle_id.clone(),
            Commitment {
                id: row.id,
                principle_id: row.principle_id,
                number: row.position,
                text: row.text,
                due,
                actions,
            },
        ));
    }

    let principles = principles
        .into_iter()
        .map(|p| Principle {
            commitments: commitments_by_principle
                .iter()
                .filter(|(principle_id, _)| *principle_id == p.id)
                .map(|(_, c)| c.clone())
                .collect(),
            id: p.id,
            number: p.position,
            title: p.title,
        })
        .collect();

    Ok(Concordat {
        title: single("title"),
        status: single("status"),
        owner: single("owner"),
        review: single("review"),
        vision: text_of("vision"),
        emphases: text_of("emphasis"),
        aims: text_of("aim"),
        principles,
    })
}

/// Dates are written by this app as `YYYY-MM-DD`; anything else is corrupt data.
pub(crate) fn parse_stored_date(value: &str) -> Result<NaiveDate, sqlx::Error> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|e| sqlx::Error::Decode(format!("stored date {value:?}: {e}").into()))
}
