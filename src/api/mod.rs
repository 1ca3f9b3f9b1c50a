//! Server functions: public endpoints that the pages call. Each signs the caller
//! in (and checks the form's CSRF token) where it changes anything, then hands
//! over to `server::*`, which checks permission and input and calls `db`.

pub mod account;
pub mod audit;
pub mod auth;
pub mod board_pack;
pub mod concordat;
pub mod evidence;
pub mod figures;
pub mod organisations;
pub mod readings;
pub mod spc;
pub mod status;
pub mod submissions;
