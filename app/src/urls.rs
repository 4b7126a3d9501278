//! Every portal address the pages link to, built in one place, so a route that
//! moves changes here and nowhere else.

use crate::wire::encode_query_value;
use telepath_domain::Level;

/// Where "ask our team" leads, until live chat takes over.
pub const ASK_THE_TEAM: &str = "/articles/contact-support";
pub const HOME: &str = "/";
pub const NOTICES: &str = "/notices";
pub const EDITORS: &str = "/editors";

pub fn article(slug: &str) -> String {
    format!("/articles/{slug}")
}

pub fn category(slug: &str) -> String {
    format!("/categories/{slug}")
}

pub fn kit(level: Level) -> String {
    format!("/kits/{}", level.as_str())
}

pub fn task(id: &str) -> String {
    format!("/tasks/{id}")
}

/// A task's confirmation page for the submission with `reference`.
pub fn task_sent(id: &str, reference: &str) -> String {
    format!("/tasks/{id}/sent/{}", encode_query_value(reference))
}

/// Where a sent request stands, for the visitor who sent it.
pub fn request(reference: &str) -> String {
    format!("/requests/{}", encode_query_value(reference))
}

/// The search results for `query` alone.
pub fn search(query: &str) -> String {
    format!("/search?q={}", encode_query_value(query))
}
