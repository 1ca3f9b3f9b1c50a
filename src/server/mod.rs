//! The server side: configuration, shared state, authentication, the use cases
//! that server functions and REST handlers call, and the REST handlers. The
//! router that puts them together with the pages is `crate::web`.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod board_pack;
pub mod cache;
pub mod catalogue;
pub mod conditional;
pub mod config;
pub mod demo;
pub mod errors;
pub mod evidence;
pub mod exports;
pub mod figures;
pub mod flash;
pub mod generate;
pub mod headers;
pub mod london;
pub mod organisations;
pub mod readings;
pub mod reference;
pub mod rest;
pub mod secrets;
pub mod spc;
pub mod state;
pub mod status;
pub mod submissions;
pub mod throttle;
pub mod tokens;
pub mod uploads;
pub mod workbook_reader;
pub mod workbooks;

pub use state::AppState;
