//! One file per route.

pub mod account;
pub mod admin;
pub mod audit;
pub mod commitment;
pub mod evidence;
pub mod home;
pub mod ics;
pub mod ics_list;
pub mod me;
pub mod metrics;
pub mod not_found;
pub mod readings;
pub mod sign_in;
