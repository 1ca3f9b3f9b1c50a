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
pub mod admin_user;
pub mod audit;
pub mod board_pack;
pub mod commitment;
pub mod evidence;
pub mod figures;
pub mod home;
pub mod ics;
pub mod ics_list;
pub mod me;
pub mod metrics;
pub mod not_found;
pub mod organisation;
pub mod organisations;
pub mod readings;
pub mod review;
pub mod review_submission;
pub mod set_password;
pub mod sign_in;
pub mod sign_up;
pub mod status;
pub mod status_cell;
pub mod trend;

use leptos::prelude::*;
use leptos_router::hooks::{use_params, use_query};
use leptos_router::params::Params;

/// The route's parameters as `P` (e.g. `/commitments/{id}`). One that is
/// missing or unreadable is its default, so the server function says what is
/// wrong with it.
pub fn route_params<P>() -> impl Fn() -> P + Copy + Send + Sync + 'static
where
    P: Params + PartialEq + Default + Clone + Send + Sync + 'static,
{
    let params = use_params::<P>();
    move || params.get().unwrap_or_default()
}

/// The query string's parameters as `P` (e.g. `?period=2023-24-Q1`), read as
/// `route_params` reads the route's.
pub fn query_params<P>() -> impl Fn() -> P + Copy + Send + Sync + 'static
where
    P: Params + PartialEq + Default + Clone + Send + Sync + 'static,
{
    let query = use_query::<P>();
    move || query.get().unwrap_or_default()
}

/// A route with one id: `/commitments/{id}`, `/evidence/{id}`, `/metrics/{id}`.
#[derive(Params, Clone, Debug, Default, PartialEq)]
pub struct IdParams {
    pub id: Option<String>,
}

/// `?period=…`: the reporting period a status page shows (blank: the current one).
#[derive(Params, Clone, Debug, Default, PartialEq)]
pub struct PeriodQuery {
    pub period: Option<String>,
}
