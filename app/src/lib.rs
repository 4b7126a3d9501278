//! Telepath's user interface: server-rendered pages with a few interactive islands.
//!
//! Every page is complete HTML from the server and works without JavaScript. The
//! `hydrate` build compiles only the `#[island]` components to WebAssembly.

// Leptos' views are nested types; the console's page with its live islands nests
// deeper than rustc's default of 128 when its layout is computed for codegen.
#![recursion_limit = "256"]

#[cfg(feature = "ssr")]
pub mod backend;
pub mod chat_text;
pub mod error;
mod islands;
#[cfg(feature = "ssr")]
mod pages;
pub mod staff;
pub mod urls;
pub mod visitor;
pub mod wire;

#[cfg(feature = "ssr")]
pub use pages::{App, shell};

/// The browser entry point: brings the islands on the current page to life.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
