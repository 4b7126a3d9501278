//! The content being served: one pass over content/ collects what each item parses
//! from the shared source context into a snapshot, and the library swaps it in.

use super::ContentError;
use super::article::Article;
use super::category::{Category, article_files, sort_categories};
use super::diagnostic::Severity;
use super::kits::Kit;
use super::media::check_media_folder;
use super::notices::Notice;
use super::references::{Known, check_references};
use super::site::SiteSettings;
use super::snapshot::ContentSnapshot;
use super::source::{SourceContext, markdown_files};
use super::synonyms::load_synonyms;
use super::tasks::Task;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

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
    sort_categories(&mut next.categories);
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
    let mut source = SourceContext::new(root, canonical_root);
    let mut snapshot = ContentSnapshot::default();

    if let Some(site) = SiteSettings::from_source(&mut source) {
        snapshot.site = site;
    }
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
    let mut progress =
        LoadProgress { done: 0, total: category_dirs.iter().map(|dir| article_files(dir).len()).sum() };
    for dir in category_dirs {
        let mut category = Category::from_dir(&mut source, &dir);
        let mut slugs = Vec::new();
        for path in article_files(&dir) {
            progress.done += 1;
            on_progress(progress);
            if let Some(article) = Article::from_file(&mut source, &category.slug, &path, &snapshot.articles)
            {
                slugs.push(article.slug.clone());
                snapshot.articles.insert(article.slug.clone(), article);
            }
        }
        category.list_articles(slugs, &snapshot.articles);
        snapshot.categories.push(category);
    }
    for path in markdown_files(&root.join("kits")) {
        if let Some(kit) = Kit::from_file(&mut source, &path) {
            snapshot.kits.insert(kit.view.level, kit);
        }
    }
    for path in markdown_files(&root.join("tasks")) {
        if let Some(task) = Task::from_file(&mut source, &path) {
            snapshot.tasks.insert(task.id.clone(), task);
        }
    }
    for path in markdown_files(&root.join("notices")) {
        if let Some(notice) = Notice::from_file(&mut source, &path) {
            snapshot.notices.push(notice);
        }
    }
    snapshot.synonyms = load_synonyms(&mut source);
    check_media_folder(&mut source);
    let known = Known {
        articles: snapshot.articles.keys().map(String::as_str).collect(),
        tasks: snapshot.tasks.keys().map(String::as_str).collect(),
        categories: snapshot.categories.iter().map(|category| category.slug.as_str()).collect(),
    };
    let unmatched = check_references(&source.references, &known);
    snapshot.diagnostics = source.diagnostics;
    snapshot.diagnostics.extend(unmatched);
    sort_categories(&mut snapshot.categories);
    snapshot.diagnostics.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::source::MAX_FILE_BYTES;
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
