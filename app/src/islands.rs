//! The interactive parts of pages. Only these are compiled to WebAssembly.

mod feedback;

#[cfg(feature = "ssr")]
pub use feedback::ArticleFeedback;
