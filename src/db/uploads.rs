//! Previews of uploaded workbooks, kept for their uploader across a redirect
//! (see the `workbook_upload` migration). Never readings.

use super::Pool;

/// Keeps a preview for its uploader and deletes those older than a day.
pub async fn insert(pool: &Pool, id: &str, user_id: &str, filename: &str, content: &str) -> Result<(), sqlx::Error> {
    let now = super::now();
    let day_ago = super::timestamp(chrono::Utc::now() - chrono::Duration::days(1));
    let mut tx = super::begin_write(pool).await?;
    sqlx::query("DELETE FROM workbook_upload WHERE created_at < $1").bind(&day_ago).execute(tx.conn()).await?;
    sqlx::query(
        "INSERT INTO workbook_upload (id, user_id, filename, content, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id)
    .bind(user_id)
    .bind(filename)
    .bind(content)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

/// A preview's (filename, content), if it exists and is `user_id`'s.
pub async fn get(pool: &Pool, id: &str, user_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT filename, content FROM workbook_upload WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
}
