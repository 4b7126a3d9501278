//! The shared source context every content item parses itself from: the content
//! root, the diagnostics sink, the references to check once everything is loaded,
//! and the helpers for reading files, rendering markdown and recording links.
//! Items (articles, categories, kits, tasks, notices, synonyms, site settings) use
//! this; only the library collects what they return.

use super::diagnostic::{Diagnostic, Position};
use super::front_matter::{Document, parse_document};
use super::markdown::{InternalLink, RenderedMarkdown, TooDeeplyNested, render_markdown};
use super::references::{Reference, Target};
use super::regular_file::{OpenError, ReadError, not_a_regular_file, read_regular_file};
use std::path::{Path, PathBuf};

/// Larger files are refused: no help article needs a megabyte of markdown, and the
/// limit keeps one runaway file from slowing every reload.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// One pass over content/: where it is, and what the pass has found so far.
pub struct SourceContext<'a> {
    pub root: &'a Path,
    canonical_root: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    pub references: Vec<Reference>,
}

impl<'a> SourceContext<'a> {
    /// `canonical_root` is `root` with every link resolved: files whose real path
    /// leaves it are refused.
    pub fn new(root: &'a Path, canonical_root: PathBuf) -> Self {
        Self { root, canonical_root, diagnostics: Vec::new(), references: Vec::new() }
    }

    /// The path shown to editors: `content/articles/x/y.md` rather than an absolute path.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        let root_name = self.root.file_name().map_or_else(|| PathBuf::from("content"), PathBuf::from);
        root_name.join(relative)
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn reference(&mut self, path: &Path, position: Position, target: Target) {
        self.references.push(Reference { path: path.to_owned(), position, target });
    }

    /// Reads a text file, reporting (and skipping) anything unsafe or unreadable: a
    /// link out of content/, anything but a regular file, a file over the limit.
    pub fn read_text(&mut self, path: &Path) -> Option<String> {
        let shown = self.display_path(path);
        let real = match path.canonicalize() {
            Ok(real) if !real.starts_with(&self.canonical_root) => {
                self.report(
                    Diagnostic::error(
                        &shown,
                        Position::START,
                        "file",
                        "this link points outside the content folder",
                    )
                    .with_help("copy the file into content/ instead of linking to it"),
                );
                return None;
            }
            Ok(real) => real,
            Err(error) => {
                self.report(Diagnostic::error(
                    &shown,
                    Position::START,
                    "file",
                    format!("cannot be read: {error}"),
                ));
                return None;
            }
        };
        // The canonical path is the one checked above; opening it (and not following a
        // link at its last step) reads that file, not one a link was changed to since.
        let bytes = match read_regular_file(&real, MAX_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge { bytes, limit }) => {
                self.report(
                    Diagnostic::error(
                        &shown,
                        Position::START,
                        "file",
                        format!("the file is {bytes} bytes, over the limit of {limit} bytes (1 MiB)"),
                    )
                    .with_help("split it into several articles"),
                );
                return None;
            }
            Err(ReadError::Open(OpenError::NotRegular { kind })) => {
                self.report(not_a_regular_file(&shown, kind));
                return None;
            }
            Err(error) => {
                self.report(Diagnostic::error(&shown, Position::START, "file", error.to_string()));
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => Some(text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text)),
            Err(error) => {
                let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
                let position =
                    Position::of_offset(std::str::from_utf8(valid).unwrap_or_default(), valid.len());
                self.report(
                    Diagnostic::error(&shown, position, "encoding", "the file is not valid UTF-8")
                        .with_help("save the file with UTF-8 encoding"),
                );
                None
            }
        }
    }

    /// Reads and parses a markdown file with front matter, reporting any problem.
    /// Returns the document, its full text and its path as editors see it.
    pub fn parse_file<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &Path,
    ) -> Option<(Document<T>, String, PathBuf)> {
        let shown = self.display_path(path);
        let text = self.read_text(path)?;
        match parse_document::<T>(&shown, &text) {
            Ok(document) => Some((document, text, shown)),
            Err(diagnostic) => {
                self.report(diagnostic);
                None
            }
        }
    }

    /// Records the links found in rendered markdown for checking.
    pub fn expect_links(&mut self, path: &Path, text: &str, body_offset: usize, links: &[InternalLink]) {
        for link in links {
            self.reference(
                path,
                Position::of_offset(text, body_offset + link.offset),
                Target::ArticleLink { slug: link.slug.clone() },
            );
        }
    }

    /// A page of this portal named in content: `/articles/<slug>` and `/tasks/<id>`
    /// must exist.
    pub fn expect_portal_page(&mut self, shown: &Path, position: Position, path: &str) {
        if let Some(slug) = path.strip_prefix("/articles/") {
            self.reference(
                shown,
                position,
                Target::ArticleLink { slug: slug.split('#').next().unwrap_or_default().to_owned() },
            );
        } else if let Some(id) = path.strip_prefix("/tasks/") {
            self.reference(shown, position, Target::Task { key: "href", id: id.to_owned() });
        }
    }

    /// Renders markdown found at byte `start` of `text` (a notice's body, a kit
    /// thing's `body`), reporting nesting too deep to render.
    pub fn render_markdown_at(
        &mut self,
        shown: &Path,
        text: &str,
        start: usize,
        markdown: &str,
    ) -> Option<RenderedMarkdown> {
        match render_markdown(markdown) {
            Ok(rendered) => Some(rendered),
            Err(too_deep) => {
                self.report(
                    too_deeply_nested(shown, Position::of_offset(text, start + too_deep.offset), too_deep)
                        .with_source_line(text),
                );
                None
            }
        }
    }
}

pub fn too_deeply_nested(shown: &Path, position: Position, too_deep: TooDeeplyNested) -> Diagnostic {
    Diagnostic::error(shown, position, "nesting", too_deep.to_string()).with_help(TooDeeplyNested::HELP)
}

/// The `.md` files directly in `dir`, sorted; none if the folder does not exist.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
        .unwrap_or_default();
    files.retain(|path| path.extension().is_some_and(|ext| ext == "md"));
    files.sort();
    files
}
