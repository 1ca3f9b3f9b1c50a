//! Domain types and rules: plain Rust, no database and no framework, so they can
//! be tested on their own and shared by the server and the browser.

pub mod concordat;
pub mod london;
pub mod period;
pub mod rag;
pub mod validation;
