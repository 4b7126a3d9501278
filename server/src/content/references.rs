//! Names in one file that must match another file (an article's `next`, a task's
//! `category`, a markdown link), recorded while items parse and checked once
//! everything is loaded.

use super::diagnostic::{Diagnostic, Position};
use std::collections::HashSet;
use std::path::PathBuf;

/// A name in one file that must match another file.
pub struct Reference {
    pub path: PathBuf,
    pub position: Position,
    pub target: Target,
}

pub enum Target {
    /// A slug in a front matter list such as `next` or `related_articles`.
    ArticleSlug {
        key: &'static str,
        slug: String,
    },
    /// A markdown link to an article.
    ArticleLink {
        slug: String,
    },
    Task {
        key: &'static str,
        id: String,
    },
    Category {
        key: &'static str,
        slug: String,
    },
}

/// What a load found, by name.
pub struct Known<'a> {
    pub articles: HashSet<&'a str>,
    pub tasks: HashSet<&'a str>,
    pub categories: HashSet<&'a str>,
}

/// Warns about names that match nothing: the page still renders, but the reader
/// would hit a dead end.
pub fn check_references(references: &[Reference], known: &Known<'_>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for reference in references {
        let (code, message, help) = match &reference.target {
            Target::ArticleSlug { key, slug } if !known.articles.contains(slug.as_str()) => (
                "reference",
                format!("`{key}` names `{slug}`, but no article has that slug"),
                "use the file name of an existing article, without `.md`",
            ),
            Target::ArticleLink { slug } if !known.articles.contains(slug.as_str()) => (
                "link",
                format!("the link points to `{slug}`, but no article has that slug"),
                "check the file name, or link to the article's new location",
            ),
            Target::Task { key, id } if !known.tasks.contains(id.as_str()) => (
                "reference",
                format!("`{key}` names the task `{id}`, but there is no content/tasks/{id}.md"),
                "use the file name of a task, without `.md`",
            ),
            Target::Category { key, slug } if !known.categories.contains(slug.as_str()) => (
                "reference",
                format!(
                    "`{key}` names the category `{slug}`, but there is no content/articles/{slug}/ folder"
                ),
                "use the folder name of a category",
            ),
            _ => continue,
        };
        diagnostics
            .push(Diagnostic::warning(&reference.path, reference.position, code, message).with_help(help));
    }
    diagnostics
}
