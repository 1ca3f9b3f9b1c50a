//! Concordat Tracker: the London Mental Health Crisis Concordat, its partners'
//! progress, and the status computed from it.
//!
//! `domain` holds the rules (plain Rust, no I/O); `db` and `server` exist only in
//! the server build (`ssr`); `api` holds the server functions both builds share;
//! `pages` and `components` render them.

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod web;

/// Entry point of the WASM bundle: attaches the client to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
