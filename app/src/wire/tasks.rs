//! Task pages: the form and what came back with errors (the confirmation is `requests.rs`).

use super::articles::ArticleSummary;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use telepath_domain::{FieldError, FieldSpec, Mistake};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub category_slug: String,
    pub intro_html: String,
    pub what_happens_next: String,
    pub fields: Vec<FieldSpec>,
    pub mistakes: Vec<Mistake>,
    pub related_articles: Vec<ArticleSummary>,
    /// The article about this task ("How it works"), when the task names one.
    pub how_it_works: Option<ArticleSummary>,
    /// The site's date as the page was made (`2026-12-02`), so the browser counts
    /// date rules (a 30-day window) from the same day the server does.
    pub today: String,
}

/// A task as listed on the home page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
}

/// What a visitor sent in a task form that came back with errors: shown again with
/// the errors beside the fields, nothing they typed lost.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskFormState {
    pub values: HashMap<String, String>,
    pub errors: Vec<FieldError>,
    /// Set when the form was fine but could not be stored.
    pub form_error: Option<String>,
}

impl TaskFormState {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|error| error.field == field).map(|error| error.message.as_str())
    }
}
