//! Domain types and rules: plain Rust, no database and no framework, so they can
//! be tested on their own and shared by the server and the browser.

pub mod audit;
pub mod concordat;
pub mod evidence;
pub mod figures;
pub mod frequency;
pub mod freshness;
pub mod london;
pub mod metric;
pub mod metric_series;
pub mod period;
pub mod permission;
pub mod rag;
pub mod signup;
pub mod spc;
pub mod status;
pub mod submission;
pub mod throttle;
// Files are read and written only on the server, so the csv crate stays out of the WASM.
#[cfg(feature = "ssr")]
pub mod readings_csv;
#[cfg(feature = "ssr")]
pub mod readings_sheet;
pub mod validation;
