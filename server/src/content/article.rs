//! Articles: `content/articles/<category>/<slug>.md`, front matter and a markdown
//! body that may hold per-level sections and pictures under content/media.

use super::diagnostic::{Diagnostic, Position};
use super::front_matter::{ArticleFrontMatter, Document};
use super::markdown::{Heading, ImageReference, ImageSource, MarkdownRenderer, TooDeeplyNested};
use super::media::resolve_media;
use super::references::Target;
use super::sections::{SourcePart, split_level_sections};
use super::source::{SourceContext, too_deeply_nested};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use telepath_domain::{BodyPart, LevelSection};

#[derive(Clone, Debug)]
pub struct Article {
    pub slug: String,
    pub category: String,
    pub path: PathBuf,
    /// The path as editors see it in diagnostics, e.g. `content/articles/x/y.md`.
    pub source: PathBuf,
    pub front_matter: ArticleFrontMatter,
    pub body: Vec<BodyPart>,
    pub headings: Vec<Heading>,
}

/// An article file being read: where it is and its text.
struct ArticleFile<'a> {
    path: &'a Path,
    shown: &'a Path,
    text: &'a str,
}

impl Article {
    /// Parses the article at `path` in `category`, reporting every problem to
    /// `source`; `None` when it cannot be shown. `loaded` holds the articles read so
    /// far, whose slugs it may not reuse.
    pub(super) fn from_file(
        source: &mut SourceContext<'_>,
        category: &str,
        path: &Path,
        loaded: &HashMap<String, Article>,
    ) -> Option<Article> {
        let shown = source.display_path(path);
        let slug = path.file_stem()?.to_str()?.to_owned();
        if let Some(problem) = slug_problem(source, &shown, &slug, loaded) {
            source.report(problem);
            return None;
        }
        let (document, text, _) = source.parse_file::<ArticleFrontMatter>(path)?;
        if document.front_matter.summary.trim().is_empty() {
            source.report(
                Diagnostic::warning(
                    &shown,
                    Position::of_offset(&text, document.front_matter_offset),
                    "summary",
                    "the article has no summary",
                )
                .with_help("add `summary = \"…\"`: one sentence shown under the title, in lists and in search results"),
            );
        }
        let file = ArticleFile { path, shown: &shown, text: &text };
        let mut renderer = MarkdownRenderer::default();
        let body = file.render_body(source, &document, &mut renderer)?;
        file.expect_front_matter_names(source, &document);
        source.expect_links(&shown, &text, document.body_offset, renderer.internal_links());
        Some(Article {
            slug,
            category: category.to_owned(),
            path: path.to_owned(),
            source: shown.clone(),
            body,
            headings: renderer.headings().to_vec(),
            front_matter: document.front_matter,
        })
    }
}

/// Why `slug` cannot name an article: not a valid slug, or already taken.
fn slug_problem(
    source: &SourceContext<'_>,
    shown: &Path,
    slug: &str,
    loaded: &HashMap<String, Article>,
) -> Option<Diagnostic> {
    if !is_valid_slug(slug) {
        return Some(
            Diagnostic::error(
                shown,
                Position::START,
                "slug",
                format!("`{slug}` is not a valid article slug"),
            )
            .with_help("name the file with lowercase letters, digits and hyphens, e.g. `send-an-invoice.md`"),
        );
    }
    let existing = loaded.get(slug)?;
    let other = source.display_path(&existing.path);
    Some(
        Diagnostic::error(
            shown,
            Position::START,
            "slug",
            format!("the slug `{slug}` is already used by {}", other.display()),
        )
        .with_help("rename one of the files; slugs are unique across all categories"),
    )
}

impl ArticleFile<'_> {
    /// Renders the body, shared and per-level parts alike, resolving its pictures;
    /// `None` when its level sections or its nesting cannot be rendered.
    fn render_body(
        &self,
        source: &mut SourceContext<'_>,
        document: &Document<ArticleFrontMatter>,
        renderer: &mut MarkdownRenderer,
    ) -> Option<Vec<BodyPart>> {
        let (shown, text) = (self.shown, self.text);
        let parts = match split_level_sections(&document.body) {
            Ok(parts) => parts,
            Err(error) => {
                let position = Position::of_offset(text, document.body_offset + error.offset);
                source.report(
                    Diagnostic::error(shown, position, "sections", error.message)
                        .with_help(error.help)
                        .with_source_line(text),
                );
                return None;
            }
        };
        let mut image_problems = Vec::new();
        let mut resolve_image = |image: &ImageReference| {
            let position = Position::of_offset(text, document.body_offset + image.offset);
            if image.alt.trim().is_empty() {
                image_problems.push(
                    Diagnostic::warning(shown, position, "accessibility", "the picture has no alt text")
                        .with_help("describe the picture between the brackets: ![what it shows](…)"),
                );
            }
            if image.dest.contains("://") {
                return None;
            }
            match resolve_media(source.root, self.path, &image.dest, shown, position) {
                Ok(media) => Some(ImageSource {
                    url: media.url,
                    width: media.width,
                    height: media.height,
                    digest: media.digest,
                }),
                Err(problem) => {
                    image_problems.push(problem);
                    None
                }
            }
        };
        let body: Result<Vec<BodyPart>, TooDeeplyNested> = parts
            .into_iter()
            .map(|part| {
                Ok(match part {
                    SourcePart::Shared { text, offset } => {
                        BodyPart::Shared(renderer.render(text, offset, &mut resolve_image)?)
                    }
                    SourcePart::ByLevel(blocks) => BodyPart::ByLevel(
                        blocks
                            .into_iter()
                            .map(|block| {
                                Ok(LevelSection {
                                    level: block.level,
                                    html: renderer.render(block.text, block.offset, &mut resolve_image)?,
                                })
                            })
                            .collect::<Result<_, TooDeeplyNested>>()?,
                    ),
                })
            })
            .collect();
        for problem in image_problems {
            source.report(problem);
        }
        match body {
            Ok(body) => Some(body),
            Err(too_deep) => {
                let position = Position::of_offset(text, document.body_offset + too_deep.offset);
                source.report(too_deeply_nested(shown, position, too_deep).with_source_line(text));
                None
            }
        }
    }

    /// Records the articles named in `next` and the tasks in `tasks` for checking,
    /// located at their first quoted mention in the front matter.
    fn expect_front_matter_names(
        &self,
        source: &mut SourceContext<'_>,
        document: &Document<ArticleFrontMatter>,
    ) {
        let start = document.front_matter_offset;
        let at = |name: &str| {
            let offset = self.text[start..].find(&format!("\"{name}\"")).map_or(start, |index| start + index);
            Position::of_offset(self.text, offset)
        };
        for slug in &document.front_matter.next {
            source.reference(self.shown, at(slug), Target::ArticleSlug { key: "next", slug: slug.clone() });
        }
        for id in &document.front_matter.tasks {
            source.reference(self.shown, at(id), Target::Task { key: "tasks", id: id.clone() });
        }
    }
}

fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
