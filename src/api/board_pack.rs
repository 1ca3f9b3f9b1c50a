//! The board pack, live and frozen.

use crate::error::AppError;
use crate::model::board_pack::{BoardPackPage, SnapshotInfo};
use leptos::prelude::*;

/// The live pack for a period (blank: the last complete quarter).
#[server(endpoint = "board-pack/live")]
pub async fn get_board_pack(period: String) -> Result<BoardPackPage, AppError> {
    use crate::server::{auth, board_pack, state};
    let session = auth::current_session().await?;
    board_pack::live(&state::pool()?, state::submission_days(), session.as_ref(), &period).await
}

/// Freezes the pack for a meeting and goes to the frozen copy.
#[server(endpoint = "board-pack/freeze")]
pub async fn freeze_board_pack(csrf: String, period: String, meeting_date: String) -> Result<String, AppError> {
    use crate::server::{auth, board_pack, state};
    let session = auth::require_session_with_csrf(&csrf).await?;
    let id = board_pack::freeze(&state::pool()?, state::submission_days(), &session.principal, &period, &meeting_date)
        .await?;
    leptos_axum::redirect(&format!("/board-packs/{id}"));
    Ok(id)
}

#[server(endpoint = "board-pack/list")]
pub async fn list_board_packs() -> Result<Vec<SnapshotInfo>, AppError> {
    use crate::server::{auth, board_pack, state};
    let session = auth::current_session().await?;
    board_pack::list(&state::pool()?, session.as_ref()).await
}

#[server(endpoint = "board-pack/frozen")]
pub async fn get_frozen_board_pack(id: String) -> Result<BoardPackPage, AppError> {
    use crate::server::{auth, board_pack, state};
    let session = auth::current_session().await?;
    board_pack::frozen(&state::pool()?, session.as_ref(), &id).await
}
