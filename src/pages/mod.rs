//! One file per route.

pub mod home;
pub mod ics;
pub mod ics_list;
pub mod not_found;
