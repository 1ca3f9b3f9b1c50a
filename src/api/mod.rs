//! Server functions: public endpoints that the pages call. Each checks its input
//! (and, once accounts exist, permission), then calls `db`; none holds logic.

pub mod account;
pub mod audit;
pub mod auth;
pub mod concordat;
pub mod evidence;
pub mod readings;
pub mod status;
