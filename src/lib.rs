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

/// Entry point of the WASM bundle. Pages are server-rendered; only their
/// islands (`#[island]` components: forms that answer in place, toggles)
/// hydrate, which Leptos's island script does right after this returns.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::*;
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // No router runs in the browser, so a server function's redirect (after
    // signing in, say) is a plain navigation.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location| {
        let _ = window().location().set_href(location);
    });
    // The island script hydrates each island in a chain of microtasks after
    // this returns; a timer runs after them all. Then the page's controls are
    // live, which people (and end-to-end tests) can read from the body.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
