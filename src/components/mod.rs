//! Small widgets, each named for what it shows.

pub mod error_panel;
pub mod organisation_list;
pub mod principle_section;
