//! One pass over content/, collected: immutable, swapped whole on reload. Pages
//! read it through the views `portal::views` makes from it.

use super::article::Article;
use super::category::Category;
use super::diagnostic::{Diagnostic, Severity};
use super::kits::Kit;
use super::notices::NoticeFile;
use super::replies::CannedReply;
use super::site::SiteSettings;
use super::tasks::Task;
use std::collections::HashMap;
use std::path::PathBuf;
use telepath_domain::{Level, NoticePlace};

/// Everything loaded from one pass over content/. Immutable: a reload builds a new one.
#[derive(Clone, Debug, Default)]
pub struct ContentSnapshot {
    pub site: SiteSettings,
    pub categories: Vec<Category>,
    pub articles: HashMap<String, Article>,
    pub diagnostics: Vec<Diagnostic>,
    pub kits: HashMap<Level, Kit>,
    pub tasks: HashMap<String, Task>,
    /// In file-name order.
    pub notices: Vec<NoticeFile>,
    /// Saved replies agents send from the console, in file-name order.
    pub replies: Vec<CannedReply>,
    /// Groups of words search treats as one.
    pub synonyms: Vec<Vec<String>>,
    /// Files (as editors see their paths) that currently have errors and are served
    /// as they last loaded cleanly.
    pub last_good: Vec<PathBuf>,
}

impl ContentSnapshot {
    /// The page at `path` as notices' audiences name places: its category and task.
    /// The layout picks a page's banners by it, and the console's trail the notices a
    /// customer's pages showed.
    pub fn notice_place(&self, path: &str, level: Option<Level>) -> NoticePlace {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let task_category = |task: &str| self.tasks.get(task).map(|task| task.category.clone());
        let (category, task) = match segments.as_slice() {
            ["categories", category] => (Some((*category).to_owned()), None),
            ["articles", slug] => (self.articles.get(*slug).map(|article| article.category.clone()), None),
            ["tasks" | "mistakes", task, ..] => (task_category(task), Some((*task).to_owned())),
            _ => (None, None),
        };
        NoticePlace { path: path.to_owned(), category, task, level }
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// The files with at least one error, each once, by path.
    pub fn files_with_errors(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.path.clone())
            .collect();
        files.sort();
        files.dedup();
        files
    }
}
