//! The help centre's content: markdown files with typed front matter under content/,
//! loaded into an immutable snapshot that pages read. Problems in files are collected
//! as diagnostics for editors; they never stop the server.

mod article;
mod category;
mod dates;
mod diagnostic;
mod front_matter;
mod kits;
mod library;
mod links;
mod markdown;
mod media;
mod notices;
mod references;
mod regular_file;
mod renditions;
mod replies;
mod sections;
mod site;
mod snapshot;
mod source;
mod synonyms;
mod tasks;
mod watcher;

pub use article::Article;
pub use category::Category;
pub use dates::{SiteTimeZone, readable_date};
pub use diagnostic::{Diagnostic, Position, Severity};
pub use front_matter::{ArticleFrontMatter, CategoryFrontMatter};
pub use kits::Kit;
pub use library::{ContentLibrary, LoadProgress, load_snapshot, load_snapshot_with_progress};
pub(crate) use markdown::escape_html;
pub use markdown::{RenderedMarkdown, render_markdown, sanitize};
pub use media::{MediaRefusal, servable_media_file};
pub use notices::{NoticeFile, unix_seconds};
pub use renditions::{MadeRenditions, RenditionError, Renditions};
pub use replies::CannedReply;
pub use site::{ChatSettings, SiteSettings};
pub use snapshot::ContentSnapshot;
pub use tasks::Task;
pub use watcher::ContentWatcher;

use std::path::PathBuf;

/// Failures that stop content from loading at all (as opposed to diagnostics about
/// single files, which are collected).
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("the content folder {path} cannot be read: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot watch {path} for changes: {source}")]
    Watch {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
}
#[cfg(test)]
mod robustness;
#[cfg(test)]
mod tests;
