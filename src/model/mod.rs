//! The types that cross the server/browser boundary: what server functions
//! return and pages show. Both builds compile them; they depend on `domain` only,
//! so `db`, `server`, `api` and the pages can all use them without depending on
//! each other the wrong way (see `tests/layers.rs`).

pub mod account;
pub mod audit;
pub mod auth;
pub mod board_pack;
pub mod concordat;
pub mod evidence;
pub mod figures;
pub mod organisations;
pub mod readings;
pub mod review;
pub mod spc;
pub mod status;
pub mod submissions;
