//! One file per route.
//!
//! Each page loads its data through one resource, from one server function that
//! returns everything the page shows (including the viewer's CSRF token), read
//! in one Suspense. Leptos 0.8's server rendering can stall when two Suspense
//! boundaries await one resource, when resources are created inside a Suspense,
//! or when one resource is keyed on another (leptos-rs/leptos#4851, #4866,
//! #4578); with `SsrMode::Async` a stalled render is a page that never arrives.
//! The header's signed-in user is the one shared resource, and only the header
//! (and `RequireUser`, on pages with no other resource) reads it.

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
pub mod status;
pub mod status_cell;
pub mod trend;
