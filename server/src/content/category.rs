//! Categories: a folder under `content/articles/` with an `_index.md` giving its
//! title, description and order; its articles are the `.md` files beside it.

use super::article::Article;
use super::diagnostic::{Diagnostic, Position};
use super::front_matter::{CategoryFrontMatter, parse_document};
use super::source::SourceContext;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use telepath_domain::guidance::editors_level_rank;

#[derive(Clone, Debug)]
pub struct Category {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub order: i64,
    /// Article slugs in the order they are listed.
    pub articles: Vec<String>,
}

impl Category {
    /// Reads the category's `_index.md`, reporting any problem to `source`; without
    /// a usable one the folder name stands in for the title and the category goes
    /// last. Its articles are listed by `list_articles`.
    pub(super) fn from_dir(source: &mut SourceContext<'_>, dir: &Path) -> Category {
        let slug = dir.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
        let (title, description, order) = match parse_index(source, &dir.join("_index.md")) {
            Some(front_matter) => (front_matter.title, front_matter.description, front_matter.order),
            None => (slug.replace('-', " "), String::new(), i64::MAX),
        };
        Category { slug, title, description, order, articles: Vec::new() }
    }

    /// Lists `slugs` (articles of this category, all in `articles`) in the editors'
    /// order: newcomer-friendly first (`editors_level_rank`), then by title.
    pub(super) fn list_articles(&mut self, mut slugs: Vec<String>, articles: &HashMap<String, Article>) {
        slugs.sort_by_key(|slug| {
            let article = &articles[slug];
            (editors_level_rank(article.front_matter.level), article.front_matter.title.to_lowercase())
        });
        self.articles = slugs;
    }
}

/// The editors' order of categories: `order`, then title.
pub fn sort_categories(categories: &mut [Category]) {
    categories.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.title.cmp(&b.title)));
}

/// The article files of the category folder `dir`, sorted.
pub fn article_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
        .unwrap_or_default();
    files.retain(|path| {
        path.extension().is_some_and(|ext| ext == "md") && path.file_name() != Some("_index.md".as_ref())
    });
    files.sort();
    files
}

fn parse_index(source: &mut SourceContext<'_>, path: &Path) -> Option<CategoryFrontMatter> {
    let shown = source.display_path(path);
    if !path.exists() {
        source.report(
            Diagnostic::error(&shown, Position::START, "category", "the category has no _index.md")
                .with_help("add _index.md with `title`, `description` and `order` in its front matter"),
        );
        return None;
    }
    let text = source.read_text(path)?;
    match parse_document::<CategoryFrontMatter>(&shown, &text) {
        Ok(document) => Some(document.front_matter),
        Err(diagnostic) => {
            source.report(diagnostic);
            None
        }
    }
}
