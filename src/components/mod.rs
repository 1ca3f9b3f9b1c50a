//! Small widgets, each named for what it shows.

pub mod board_pack;
pub mod error_panel;
pub mod evidence_form;
pub mod evidence_list;
pub mod form;
pub mod ics_status;
pub mod loaded;
pub mod organisation_form;
pub mod organisation_list;
pub mod password_link;
pub mod principle_section;
pub mod rag_badge;
pub mod session;
pub mod sign_in_prompt;
pub mod signup_status;
pub mod spc_chart;
pub mod status_matrix;
pub mod submission_state;
pub mod token_table;
pub mod trend_chart;
