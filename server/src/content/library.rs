use super::ContentError;
use super::diagnostic::{Diagnostic, Position, Severity};
use super::front_matter::{ArticleFrontMatter, CategoryFrontMatter, Document, parse_document};
use super::kits::Kit;
use super::markdown::{
    Heading, ImageReference, ImageSource, InternalLink, MarkdownRenderer, RenderedMarkdown, TooDeeplyNested,
    render_markdown,
};
use super::media::resolve_media;
use super::notices::Notice;
use super::regular_file::{OpenError, ReadError, not_a_regular_file, read_regular_file};
use super::sections::{SourcePart, split_level_sections};
use super::tasks::Task;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use telepath_app::wire::{
    ArticleSummary, ArticleView, BodyPart, CategoryView, Level, LevelSection, LevelWording, SiteView,
    TaskView, TocEntry,
};

/// Larger files are refused: no help article needs a megabyte of markdown, and the
/// limit keeps one runaway file from slowing every reload.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// `content/site.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    pub product_name: String,
    pub tagline: String,
    pub support_hours: String,
    /// IANA name, e.g. `America/New_York`: the zone support hours are given in.
    #[serde(default = "SiteSettings::default_time_zone")]
    pub support_time_zone: String,
    /// The one-line question that asks a first-time visitor their level.
    #[serde(default = "SiteSettings::default_level_question")]
    pub level_question: String,
    #[serde(default)]
    pub levels: LevelsWording,
}

/// How each level is offered to visitors, in the site's own words.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsWording {
    pub newcomer: LevelWordingSettings,
    pub technical: LevelWordingSettings,
    pub expert: LevelWordingSettings,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelWordingSettings {
    /// The answer a visitor picks, e.g. "I'm new".
    pub choice: String,
    pub description: String,
}

impl Default for LevelsWording {
    fn default() -> Self {
        let wording = |choice: &str, description: &str| LevelWordingSettings {
            choice: choice.into(),
            description: description.into(),
        };
        Self {
            newcomer: wording("I'm new", "The basics, step by step, in plain words."),
            technical: wording("I'm somewhat technical", "Settings, integrations and getting more done."),
            expert: wording("I'm an expert", "Reference material, limits and automation."),
        }
    }
}

impl SiteSettings {
    fn default_time_zone() -> String {
        "UTC".into()
    }

    fn default_level_question() -> String {
        "Are you new, somewhat technical, or an expert?".into()
    }
}

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            product_name: "Telepath".into(),
            tagline: "Answers, guides and help for every level.".into(),
            support_hours: "see the contact page for opening hours".into(),
            support_time_zone: Self::default_time_zone(),
            level_question: Self::default_level_question(),
            levels: LevelsWording::default(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Category {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub order: i64,
    /// Article slugs in the order they are listed.
    pub articles: Vec<String>,
}

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

impl Article {
    fn summary(&self) -> ArticleSummary {
        ArticleSummary {
            slug: self.slug.clone(),
            title: self.front_matter.title.clone(),
            summary: self.front_matter.summary.clone(),
            level: self.front_matter.level,
            kind: self.front_matter.kind,
        }
    }
}

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
    pub notices: Vec<Notice>,
    /// Groups of words search treats as one.
    pub synonyms: Vec<Vec<String>>,
    /// Articles whose file currently has errors, served as they last loaded cleanly.
    pub last_good: Vec<String>,
}

impl ContentSnapshot {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn site_view(&self) -> SiteView {
        SiteView {
            product_name: self.site.product_name.clone(),
            tagline: self.site.tagline.clone(),
            support_hours: self.site.support_hours.clone(),
            support_time_zone: self.site.support_time_zone.clone(),
            level_question: self.site.level_question.clone(),
            levels: [
                (Level::Newcomer, &self.site.levels.newcomer),
                (Level::Technical, &self.site.levels.technical),
                (Level::Expert, &self.site.levels.expert),
            ]
            .into_iter()
            .map(|(level, wording)| LevelWording {
                level,
                choice: wording.choice.clone(),
                description: wording.description.clone(),
            })
            .collect(),
        }
    }

    pub fn category_view(&self, category: &Category) -> CategoryView {
        CategoryView {
            slug: category.slug.clone(),
            title: category.title.clone(),
            description: category.description.clone(),
            articles: category
                .articles
                .iter()
                .filter_map(|slug| self.articles.get(slug))
                .map(Article::summary)
                .collect(),
        }
    }

    pub fn task_view(&self, id: &str) -> Option<TaskView> {
        let task = self.tasks.get(id)?;
        Some(TaskView {
            id: task.id.clone(),
            title: task.title.clone(),
            summary: task.summary.clone(),
            category_slug: task.category.clone(),
            intro_html: task.intro_html.clone(),
            what_happens_next: task.what_happens_next.clone(),
            fields: task.fields.clone(),
            mistakes: task.mistakes.clone(),
            related_articles: task
                .related_articles
                .iter()
                .filter_map(|slug| self.articles.get(slug))
                .map(Article::summary)
                .collect(),
        })
    }

    pub fn article_view(&self, slug: &str) -> Option<ArticleView> {
        let article = self.articles.get(slug)?;
        let category_title = self
            .categories
            .iter()
            .find(|category| category.slug == article.category)
            .map_or_else(|| article.category.clone(), |category| category.title.clone());
        let front_matter = &article.front_matter;
        Some(ArticleView {
            slug: article.slug.clone(),
            title: front_matter.title.clone(),
            summary: front_matter.summary.clone(),
            level: front_matter.level,
            kind: front_matter.kind,
            category_slug: article.category.clone(),
            category_title,
            updated: front_matter.updated.to_string(),
            body: article.body.clone(),
            toc: table_of_contents(&article.headings),
            next_questions: front_matter
                .next
                .iter()
                .filter_map(|slug| self.articles.get(slug))
                .map(Article::summary)
                .collect(),
        })
    }
}

/// The content being served, swapped whole when content changes.
#[derive(Debug)]
pub struct ContentLibrary {
    root: PathBuf,
    current: RwLock<Arc<ContentSnapshot>>,
}

impl ContentLibrary {
    /// Loads content/ once. File problems become diagnostics; only an unreadable
    /// content folder is an error.
    pub fn load(root: impl Into<PathBuf>) -> Result<Self, ContentError> {
        let root = root.into();
        let snapshot = load_snapshot(&root)?;
        Ok(Self { root, current: RwLock::new(Arc::new(snapshot)) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn snapshot(&self) -> Arc<ContentSnapshot> {
        self.current.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Reads content/ again and swaps the new snapshot in. A file that now has errors
    /// (half-saved, invalid, vanished mid-read) keeps being served as it last loaded
    /// cleanly; its diagnostics stay visible to editors.
    pub fn reload(&self) -> Result<Arc<ContentSnapshot>, ContentError> {
        let mut next = load_snapshot(&self.root)?;
        let previous = self.snapshot();
        keep_last_good(&previous, &mut next);
        let next = Arc::new(next);
        *self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = next.clone();
        Ok(next)
    }
}

/// Carries into `next` every article, category and site setting from `previous`
/// whose file has an error in `next`.
fn keep_last_good(previous: &ContentSnapshot, next: &mut ContentSnapshot) {
    let failed: HashSet<&Path> = next
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .map(|diagnostic| diagnostic.path.as_path())
        .collect();
    let site_failed = failed.iter().any(|path| path.ends_with("site.toml"));
    let mut kept = Vec::new();
    for article in previous.articles.values() {
        if failed.contains(article.source.as_path()) && !next.articles.contains_key(&article.slug) {
            kept.push(article.clone());
        }
    }
    for category in &mut next.categories {
        let index_failed =
            failed.iter().any(|path| path.ends_with(format!("articles/{}/_index.md", category.slug)));
        if let Some(old) = previous.categories.iter().find(|old| old.slug == category.slug)
            && index_failed
        {
            category.title.clone_from(&old.title);
            category.description.clone_from(&old.description);
            category.order = old.order;
        }
    }
    if site_failed {
        next.site = previous.site.clone();
    }
    for article in kept {
        if let Some(category) = next.categories.iter_mut().find(|category| category.slug == article.category)
        {
            category.articles.push(article.slug.clone());
        }
        next.last_good.push(article.slug.clone());
        next.articles.insert(article.slug.clone(), article);
    }
    next.last_good.sort();
    next.categories.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.title.cmp(&b.title)));
}

/// How far a load has got, in articles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadProgress {
    pub done: usize,
    pub total: usize,
}

/// Reads every file under `root` and collects all problems instead of stopping at the first.
pub fn load_snapshot(root: &Path) -> Result<ContentSnapshot, ContentError> {
    load_snapshot_with_progress(root, &mut |_| {})
}

/// `load_snapshot`, telling `on_progress` after each article (for progress bars on
/// large trees).
pub fn load_snapshot_with_progress(
    root: &Path,
    on_progress: &mut dyn FnMut(LoadProgress),
) -> Result<ContentSnapshot, ContentError> {
    let unreadable = |source| ContentError::Unreadable { path: root.to_owned(), source };
    let canonical_root = root.canonicalize().map_err(unreadable)?;
    let mut loader = Loader {
        root,
        canonical_root,
        snapshot: ContentSnapshot::default(),
        references: Vec::new(),
        progress: LoadProgress { done: 0, total: 0 },
        on_progress,
    };

    loader.load_site();
    let articles_dir = root.join("articles");
    let mut category_dirs: Vec<PathBuf> = match std::fs::read_dir(&articles_dir) {
        Ok(entries) => {
            entries.filter_map(Result::ok).map(|entry| entry.path()).filter(|path| path.is_dir()).collect()
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => {
            return Err(ContentError::Unreadable { path: articles_dir, source: error });
        }
    };
    category_dirs.sort();
    loader.progress.total = category_dirs
        .iter()
        .flat_map(|dir| loader.markdown_files(dir))
        .filter(|path| path.file_name() != Some("_index.md".as_ref()))
        .count();
    for dir in category_dirs {
        loader.load_category(&dir);
    }
    loader.load_kits();
    loader.load_tasks();
    loader.load_notices();
    loader.load_synonyms();
    loader.check_media_folder();
    loader.check_references();
    let mut snapshot = loader.snapshot;
    snapshot.categories.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.title.cmp(&b.title)));
    snapshot.diagnostics.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Ok(snapshot)
}

pub(super) struct Loader<'a> {
    pub root: &'a Path,
    canonical_root: PathBuf,
    pub snapshot: ContentSnapshot,
    references: Vec<Reference>,
    progress: LoadProgress,
    on_progress: &'a mut dyn FnMut(LoadProgress),
}

/// A name in one file that must match another file, checked once everything is loaded.
pub(super) struct Reference {
    pub path: PathBuf,
    pub position: Position,
    pub target: Target,
}

pub(super) enum Target {
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

impl Loader<'_> {
    /// The path shown to editors: `content/articles/x/y.md` rather than an absolute path.
    pub(super) fn display_path(&self, path: &Path) -> PathBuf {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        let root_name = self.root.file_name().map_or_else(|| PathBuf::from("content"), PathBuf::from);
        root_name.join(relative)
    }

    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.snapshot.diagnostics.push(diagnostic);
    }

    /// Reads a text file, reporting (and skipping) anything unsafe or unreadable: a
    /// link out of content/, anything but a regular file, a file over the limit.
    pub(super) fn read_text(&mut self, path: &Path) -> Option<String> {
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

    fn load_site(&mut self) {
        let path = self.root.join("site.toml");
        if !path.exists() {
            return;
        }
        let Some(text) = self.read_text(&path) else {
            return;
        };
        match toml::from_str::<SiteSettings>(&text) {
            Ok(site) => self.snapshot.site = site,
            Err(error) => {
                let position = Position::of_offset(&text, error.span().map_or(0, |span| span.start));
                let shown = self.display_path(&path);
                self.report(Diagnostic::error(
                    shown,
                    position,
                    "site",
                    error.message().trim().replace('\n', " "),
                ));
            }
        }
    }

    fn load_category(&mut self, dir: &Path) {
        let slug = dir.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
        let index = dir.join("_index.md");
        let (title, description, order) = match self.parse::<CategoryFrontMatter>(&index) {
            Some(document) => {
                let front_matter = document.front_matter;
                (front_matter.title, front_matter.description, front_matter.order)
            }
            None => (slug.replace('-', " "), String::new(), i64::MAX),
        };

        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
            .unwrap_or_default();
        files.retain(|path| {
            path.extension().is_some_and(|ext| ext == "md") && path.file_name() != Some("_index.md".as_ref())
        });
        files.sort();

        let mut article_slugs = Vec::new();
        for path in files {
            self.progress.done += 1;
            (self.on_progress)(self.progress);
            if let Some(article) = self.load_article(&slug, &path) {
                article_slugs.push(article.slug.clone());
                self.snapshot.articles.insert(article.slug.clone(), article);
            }
        }
        let articles = &self.snapshot.articles;
        article_slugs.sort_by_key(|slug| {
            let article = &articles[slug];
            (level_rank(article.front_matter.level), article.front_matter.title.to_lowercase())
        });
        self.snapshot.categories.push(Category { slug, title, description, order, articles: article_slugs });
    }

    /// Warns about names that match nothing: the page still renders, but the reader
    /// would hit a dead end.
    fn check_references(&mut self) {
        let task_ids: HashSet<&str> = self.snapshot.tasks.keys().map(String::as_str).collect();
        let mut diagnostics = Vec::new();
        for reference in &self.references {
            let (code, message, help) = match &reference.target {
                Target::ArticleSlug { key, slug } if !self.snapshot.articles.contains_key(slug) => (
                    "reference",
                    format!("`{key}` names `{slug}`, but no article has that slug"),
                    "use the file name of an existing article, without `.md`".to_owned(),
                ),
                Target::ArticleLink { slug } if !self.snapshot.articles.contains_key(slug) => (
                    "link",
                    format!("the link points to `{slug}`, but no article has that slug"),
                    "check the file name, or link to the article's new location".to_owned(),
                ),
                Target::Task { key, id } if !task_ids.contains(id.as_str()) => (
                    "reference",
                    format!("`{key}` names the task `{id}`, but there is no content/tasks/{id}.md"),
                    "use the file name of a task, without `.md`".to_owned(),
                ),
                Target::Category { key, slug }
                    if !self.snapshot.categories.iter().any(|c| &c.slug == slug) =>
                {
                    (
                        "reference",
                        format!(
                            "`{key}` names the category `{slug}`, but there is no content/articles/{slug}/ folder"
                        ),
                        "use the folder name of a category".to_owned(),
                    )
                }
                _ => continue,
            };
            diagnostics.push(
                Diagnostic::warning(&reference.path, reference.position, code, message).with_help(help),
            );
        }
        self.snapshot.diagnostics.extend(diagnostics);
    }

    /// Records the links found in rendered markdown for checking.
    pub(super) fn expect_links(
        &mut self,
        path: &Path,
        text: &str,
        body_offset: usize,
        links: &[InternalLink],
    ) {
        for link in links {
            self.references.push(Reference {
                path: path.to_owned(),
                position: Position::of_offset(text, body_offset + link.offset),
                target: Target::ArticleLink { slug: link.slug.clone() },
            });
        }
    }

    /// Renders markdown found at byte `start` of `text` (a notice's body, a kit
    /// thing's `body`), reporting nesting too deep to render.
    pub(super) fn render_markdown_at(
        &mut self,
        shown: &Path,
        text: &str,
        start: usize,
        markdown: &str,
    ) -> Option<RenderedMarkdown> {
        match render_markdown(markdown) {
            Ok(rendered) => Some(rendered),
            Err(too_deep) => {
                self.report(too_deeply_nested(
                    shown,
                    Position::of_offset(text, start + too_deep.offset),
                    too_deep,
                ));
                None
            }
        }
    }

    /// Reads and parses a markdown file with front matter, reporting any problem.
    /// Returns the document, its full text and its path as editors see it.
    pub(super) fn parse_file<T: serde::de::DeserializeOwned>(
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

    /// The `.md` files directly in `dir`, sorted; none if the folder does not exist.
    pub(super) fn markdown_files(&self, dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
            .unwrap_or_default();
        files.retain(|path| path.extension().is_some_and(|ext| ext == "md"));
        files.sort();
        files
    }

    pub(super) fn reference(&mut self, path: &Path, position: Position, target: Target) {
        self.references.push(Reference { path: path.to_owned(), position, target });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, path: &Path) -> Option<Document<T>> {
        let shown = self.display_path(path);
        if !path.exists() {
            self.report(
                Diagnostic::error(&shown, Position::START, "category", "the category has no _index.md")
                    .with_help("add _index.md with `title`, `description` and `order` in its front matter"),
            );
            return None;
        }
        let text = self.read_text(path)?;
        match parse_document::<T>(&shown, &text) {
            Ok(document) => Some(document),
            Err(diagnostic) => {
                self.report(diagnostic);
                None
            }
        }
    }

    fn load_article(&mut self, category: &str, path: &Path) -> Option<Article> {
        let shown = self.display_path(path);
        let slug = path.file_stem()?.to_str()?.to_owned();
        if !is_valid_slug(&slug) {
            self.report(
                Diagnostic::error(
                    &shown,
                    Position::START,
                    "slug",
                    format!("`{slug}` is not a valid article slug"),
                )
                .with_help(
                    "name the file with lowercase letters, digits and hyphens, e.g. `send-an-invoice.md`",
                ),
            );
            return None;
        }
        if let Some(existing) = self.snapshot.articles.get(&slug) {
            let other = self.display_path(&existing.path);
            self.report(
                Diagnostic::error(
                    &shown,
                    Position::START,
                    "slug",
                    format!("the slug `{slug}` is already used by {}", other.display()),
                )
                .with_help("rename one of the files; slugs are unique across all categories"),
            );
            return None;
        }
        let text = self.read_text(path)?;
        let document = match parse_document::<ArticleFrontMatter>(&shown, &text) {
            Ok(document) => document,
            Err(diagnostic) => {
                self.report(diagnostic);
                return None;
            }
        };
        if document.front_matter.summary.trim().is_empty() {
            self.report(
                Diagnostic::warning(
                    &shown,
                    Position::of_offset(&text, document.front_matter_offset),
                    "summary",
                    "the article has no summary",
                )
                .with_help("add `summary = \"…\"`: one sentence shown under the title, in lists and in search results"),
            );
        }
        let parts = match split_level_sections(&document.body) {
            Ok(parts) => parts,
            Err(error) => {
                let position = Position::of_offset(&text, document.body_offset + error.offset);
                self.report(
                    Diagnostic::error(&shown, position, "sections", error.message).with_help(error.help),
                );
                return None;
            }
        };
        let mut renderer = MarkdownRenderer::default();
        let mut image_problems = Vec::new();
        let mut resolve_image = |image: &ImageReference| {
            let position = Position::of_offset(&text, document.body_offset + image.offset);
            if image.alt.trim().is_empty() {
                image_problems.push(
                    Diagnostic::warning(&shown, position, "accessibility", "the picture has no alt text")
                        .with_help("describe the picture between the brackets: ![what it shows](…)"),
                );
            }
            if image.dest.contains("://") {
                return None;
            }
            match resolve_media(self.root, path, &image.dest, &shown, position) {
                Ok(media) => Some(ImageSource { url: media.url, width: media.width, height: media.height }),
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
            self.report(problem);
        }
        let body = match body {
            Ok(body) => body,
            Err(too_deep) => {
                let position = Position::of_offset(&text, document.body_offset + too_deep.offset);
                self.report(too_deeply_nested(&shown, position, too_deep));
                return None;
            }
        };
        let links = renderer.internal_links().to_vec();
        let article = Article {
            slug,
            category: category.to_owned(),
            path: path.to_owned(),
            source: shown.clone(),
            body,
            headings: renderer.headings().to_vec(),
            front_matter: document.front_matter,
        };
        for slug in &article.front_matter.next {
            let quoted = format!("\"{slug}\"");
            let offset = text[document.front_matter_offset..]
                .find(&quoted)
                .map_or(document.front_matter_offset, |index| document.front_matter_offset + index);
            self.references.push(Reference {
                path: shown.clone(),
                position: Position::of_offset(&text, offset),
                target: Target::ArticleSlug { key: "next", slug: slug.clone() },
            });
        }
        for id in &article.front_matter.tasks {
            let offset = text[document.front_matter_offset..]
                .find(&format!("\"{id}\""))
                .map_or(document.front_matter_offset, |index| document.front_matter_offset + index);
            self.references.push(Reference {
                path: shown.clone(),
                position: Position::of_offset(&text, offset),
                target: Target::Task { key: "tasks", id: id.clone() },
            });
        }
        self.expect_links(&shown, &text, document.body_offset, &links);
        Some(article)
    }
}

fn too_deeply_nested(shown: &Path, position: Position, too_deep: TooDeeplyNested) -> Diagnostic {
    Diagnostic::error(shown, position, "nesting", too_deep.to_string()).with_help(TooDeeplyNested::HELP)
}

fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Articles with fewer second-level headings than this read fine without a table
/// of contents.
const TOC_MIN_HEADINGS: usize = 3;

fn table_of_contents(headings: &[Heading]) -> Vec<TocEntry> {
    let sections: Vec<TocEntry> = headings
        .iter()
        .filter(|heading| heading.level == 2)
        .map(|heading| TocEntry { id: heading.id.clone(), text: heading.text.clone() })
        .collect();
    if sections.len() >= TOC_MIN_HEADINGS { sections } else { Vec::new() }
}

/// Newcomer-friendly articles first in category lists.
fn level_rank(level: Level) -> u8 {
    match level {
        Level::Newcomer => 0,
        Level::All => 1,
        Level::Technical => 2,
        Level::Expert => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Fixture, article};

    const SLUG: &str = "send-an-invoice";
    const FILE: &str = "articles/invoices/send-an-invoice.md";

    fn title(library: &ContentLibrary) -> Option<String> {
        library.snapshot().articles.get(SLUG).map(|article| article.front_matter.title.clone())
    }

    #[test]
    fn a_bad_edit_keeps_the_last_good_version_until_it_is_fixed() {
        let fixture = Fixture::new();
        let library = ContentLibrary::load(fixture.content_dir()).unwrap();
        assert_eq!(title(&library).as_deref(), Some("Send an invoice"));

        for broken in ["+++\ntitle = \"Half sav", "+++\ntittle = \"Typo\"\n+++\n", ""] {
            fixture.write(FILE, broken);
            let snapshot = library.reload().unwrap();
            assert_eq!(title(&library).as_deref(), Some("Send an invoice"), "after {broken:?}");
            assert_eq!(snapshot.last_good, [SLUG]);
            assert!(snapshot.errors() >= 1);
            let category = snapshot.categories.iter().find(|category| category.slug == "invoices").unwrap();
            assert!(category.articles.iter().any(|slug| slug == SLUG), "still listed in its category");
        }

        fixture.write(FILE, &article("Send an invoice today", "newcomer", "guide", &[], "Body\n"));
        let snapshot = library.reload().unwrap();
        assert_eq!(title(&library).as_deref(), Some("Send an invoice today"));
        assert!(snapshot.last_good.is_empty());
        assert_eq!(snapshot.errors(), 0);
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_line_and_the_old_version_stays() {
        let fixture = Fixture::new();
        let library = ContentLibrary::load(fixture.content_dir()).unwrap();
        fixture.write_bytes(FILE, b"+++\ntitle = \"Caf\xe9\"\n+++\n");
        let snapshot = library.reload().unwrap();
        let diagnostic = snapshot.diagnostics.iter().find(|d| d.code == "encoding").unwrap();
        assert!(diagnostic.to_string().ends_with(
            "articles/invoices/send-an-invoice.md:2:13: error[encoding]: the file is not valid UTF-8 (help: save the file with UTF-8 encoding)"
        ), "{diagnostic}");
        assert_eq!(title(&library).as_deref(), Some("Send an invoice"));
    }

    #[test]
    fn a_deleted_article_disappears_and_links_to_it_become_warnings() {
        let fixture = Fixture::new();
        let library = ContentLibrary::load(fixture.content_dir()).unwrap();
        std::fs::remove_file(fixture.content_dir().join("articles/invoices/void-an-invoice.md")).unwrap();
        let snapshot = library.reload().unwrap();
        assert!(!snapshot.articles.contains_key("void-an-invoice"));
        let messages: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            messages.iter().any(|m| m.contains("warning[reference]: `next` names `void-an-invoice`")),
            "{messages:#?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("warning[link]: the link points to `void-an-invoice`")),
            "{messages:#?}"
        );
        assert_eq!(snapshot.errors(), 0);
    }

    #[test]
    fn duplicate_slugs_oversized_files_and_links_outside_content_are_reported() {
        let fixture = Fixture::new();
        fixture.write("articles/account/send-an-invoice.md", &article("Dup", "all", "guide", &[], "x\n"));
        fixture.write("articles/account/huge.md", &"x".repeat(MAX_FILE_BYTES as usize + 1));
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), article("Secret", "all", "guide", &[], "x\n")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), fixture.content_dir().join("articles/account/linked.md"))
            .unwrap();

        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        let messages: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
        let expect =
            |needle: &str| assert!(messages.iter().any(|m| m.contains(needle)), "{needle}: {messages:#?}");
        expect(
            "articles/invoices/send-an-invoice.md:1:1: error[slug]: the slug `send-an-invoice` is already used by",
        );
        expect(
            "articles/account/huge.md:1:1: error[file]: the file is 1048577 bytes, over the limit of 1048576 bytes (1 MiB) (help: split it into several articles)",
        );
        #[cfg(unix)]
        expect("articles/account/linked.md:1:1: error[file]: this link points outside the content folder");
        assert!(!snapshot.articles.contains_key("linked"));
    }
}
