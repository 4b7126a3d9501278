//! The content being served: one pass over content/ collects what each item parses
//! from the shared source context into a snapshot, and the library swaps it in.

use super::ContentError;
use super::article::Article;
use super::category::{Category, article_files, sort_categories};
use super::diagnostic::{Diagnostic, Position, Severity};
use super::kits::Kit;
use super::media::check_media_folder;
use super::notices::NoticeFile;
use super::references::{Known, Reference, check_references};
use super::replies::CannedReply;
use super::site::SiteSettings;
use super::snapshot::ContentSnapshot;
use super::source::{SourceContext, markdown_files};
use super::synonyms::load_synonyms;
use super::tasks::Task;
use std::collections::{HashMap, HashSet};
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
        let mut pass = read_content(&self.root, &mut |_| {})?;
        let previous = self.snapshot();
        keep_last_good(&previous, &mut pass.snapshot);
        // Names are checked against what is served, last good versions included: a
        // link to an article whose file is broken still leads to a page.
        let next = Arc::new(pass.finish());
        *self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = next.clone();
        Ok(next)
    }
}

/// Carries into `next` every article, category, kit, task, notice, saved reply and site setting
/// from `previous` whose file has an error in `next`, and lists those files in
/// `next.last_good`.
fn keep_last_good(previous: &ContentSnapshot, next: &mut ContentSnapshot) {
    let failed: HashSet<PathBuf> = next
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .map(|diagnostic| diagnostic.path.clone())
        .collect();
    let mut last_good: Vec<PathBuf> = Vec::new();
    let mut keep = |source: &Path| {
        let kept = failed.contains(source);
        if kept {
            last_good.push(source.to_owned());
        }
        kept
    };
    let mut kept_articles = Vec::new();
    for article in previous.articles.values() {
        if !next.articles.contains_key(&article.slug) && keep(&article.source) {
            kept_articles.push(article.clone());
        }
    }
    for (level, kit) in &previous.kits {
        if !next.kits.contains_key(level) && keep(&kit.source) {
            next.kits.insert(*level, kit.clone());
        }
    }
    for (id, task) in &previous.tasks {
        if !next.tasks.contains_key(id) && keep(&task.source) {
            next.tasks.insert(id.clone(), task.clone());
        }
    }
    for notice in &previous.notices {
        let present = next.notices.iter().any(|other| other.notice.id == notice.notice.id);
        if !present && keep(&notice.source) {
            next.notices.push(notice.clone());
        }
    }
    next.notices.sort_by(|a, b| a.source.cmp(&b.source));
    for reply in &previous.replies {
        if !next.replies.iter().any(|other| other.id == reply.id) && keep(&reply.source) {
            next.replies.push(reply.clone());
        }
    }
    next.replies.sort_by(|a, b| a.source.cmp(&b.source));
    // A category or the site settings always exist (with defaults when their file
    // fails), so they are matched by file name rather than by being missing.
    for category in &mut next.categories {
        let index =
            failed.iter().find(|path| path.ends_with(format!("articles/{}/_index.md", category.slug)));
        if let (Some(index), Some(old)) =
            (index, previous.categories.iter().find(|old| old.slug == category.slug))
        {
            last_good.push(index.clone());
            category.title.clone_from(&old.title);
            category.description.clone_from(&old.description);
            category.order = old.order;
        }
    }
    if let Some(site) = failed.iter().find(|path| path.ends_with("site.toml")) {
        last_good.push(site.clone());
        next.site = previous.site.clone();
    }
    for article in kept_articles {
        if let Some(category) = next.categories.iter_mut().find(|category| category.slug == article.category)
        {
            category.articles.push(article.slug.clone());
        }
        next.articles.insert(article.slug.clone(), article);
    }
    last_good.sort();
    next.last_good = last_good;
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
    Ok(read_content(root, on_progress)?.finish())
}

/// One pass over content/ before the names it found are checked.
struct ContentPass {
    snapshot: ContentSnapshot,
    references: Vec<Reference>,
}

impl ContentPass {
    /// Checks every recorded name against what the snapshot serves, and puts the
    /// diagnostics in the editors' order: errors first (they keep files off the
    /// site), then warnings, each by file and position.
    fn finish(mut self) -> ContentSnapshot {
        let snapshot = &mut self.snapshot;
        let known = Known {
            articles: snapshot.articles.keys().map(String::as_str).collect(),
            tasks: snapshot.tasks.keys().map(String::as_str).collect(),
            categories: snapshot.categories.iter().map(|category| category.slug.as_str()).collect(),
        };
        let unmatched = check_references(&self.references, &known);
        snapshot.diagnostics.extend(unmatched);
        snapshot.diagnostics.extend(shared_titles(snapshot));
        snapshot.diagnostics.sort_by(|a, b| {
            (std::cmp::Reverse(a.severity), &a.path, a.line, a.column).cmp(&(
                std::cmp::Reverse(b.severity),
                &b.path,
                b.line,
                b.column,
            ))
        });
        self.snapshot
    }
}

/// A task and an article with one title read as one thing in search and on the
/// home page, and a visitor cannot tell which does the job: each file sharing a
/// title (ignoring case and punctuation) with another article or task is warned.
fn shared_titles(snapshot: &ContentSnapshot) -> Vec<Diagnostic> {
    let key = |title: &str| -> String {
        title.chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).collect::<String>().to_lowercase()
    };
    let mut by_title: HashMap<String, Vec<(&str, &Path)>> = HashMap::new();
    let articles = snapshot
        .articles
        .values()
        .map(|article| (article.front_matter.title.as_str(), article.source.as_path()));
    let tasks = snapshot.tasks.values().map(|task| (task.title.as_str(), task.source.as_path()));
    for (title, path) in articles.chain(tasks) {
        by_title.entry(key(title)).or_default().push((title, path));
    }
    let mut warnings = Vec::new();
    for files in by_title.values().filter(|files| files.len() > 1) {
        for (title, path) in files {
            let mut others: Vec<String> = files
                .iter()
                .filter(|(_, other)| other != path)
                .map(|(_, other)| other.display().to_string())
                .collect();
            others.sort();
            warnings.push(
                Diagnostic::warning(
                    *path,
                    Position::START,
                    "title",
                    format!("the title “{title}” is also the title of {}", others.join(", ")),
                )
                .with_help(
                    "give each its own: a task says what it does (\"Request a refund\"), the article about it how it works (\"How refunds work\"); link them with the task's `how_it_works`",
                ),
            );
        }
    }
    warnings
}

fn read_content(root: &Path, on_progress: &mut dyn FnMut(LoadProgress)) -> Result<ContentPass, ContentError> {
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
            snapshot.kits.insert(kit.level, kit);
        }
    }
    for path in markdown_files(&root.join("tasks")) {
        if let Some(task) = Task::from_file(&mut source, &path) {
            snapshot.tasks.insert(task.id.clone(), task);
        }
    }
    for path in markdown_files(&root.join("notices")) {
        if let Some(notice) = NoticeFile::from_file(&mut source, &path) {
            snapshot.notices.push(notice);
        }
    }
    for path in markdown_files(&root.join("replies")) {
        if let Some(reply) = CannedReply::from_file(&mut source, &path) {
            snapshot.replies.push(reply);
        }
    }
    snapshot.synonyms = load_synonyms(&mut source);
    check_media_folder(&mut source);
    snapshot.diagnostics = source.diagnostics;
    sort_categories(&mut snapshot.categories);
    Ok(ContentPass { snapshot, references: source.references })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::source::MAX_FILE_BYTES;
    use crate::testing::{Fixture, article, task_file};

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
            assert_eq!(snapshot.last_good, [Path::new("content").join(FILE)]);
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

    #[test]
    fn a_task_and_an_article_with_one_title_are_warned_and_how_it_works_must_name_an_article() {
        let fixture = Fixture::new();
        fixture.write("tasks/send.md", &task_file("Send an invoice!", "send-an-invoice"));
        fixture.write("tasks/void.md", &task_file("Void it", "no-such-article"));
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        let messages: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
        let expect =
            |needle: &str| assert!(messages.iter().any(|m| m.contains(needle)), "{needle}: {messages:#?}");
        expect("tasks/send.md:1:1: warning[title]: the title “Send an invoice!” is also the title of ");
        expect(
            "articles/invoices/send-an-invoice.md:1:1: warning[title]: the title “Send an invoice” is also the title of ",
        );
        expect("tasks/void.md:6:16: warning[reference]: `how_it_works` names `no-such-article`");
        assert_eq!(messages.iter().filter(|m| m.contains("warning[title]")).count(), 2, "{messages:#?}");
        assert_eq!(snapshot.tasks["send"].how_it_works.as_deref(), Some("send-an-invoice"));
    }

    #[test]
    fn a_mistake_the_form_warns_about_needs_a_rule_that_catches_it_or_a_reason_it_cannot() {
        let fixture = Fixture::new();
        let field = "[[field]]\nname = \"code\"\nlabel = \"Code\"\nkind = \"text\"\n";
        let mistakes = [
            "field = \"code\"\n",
            "field = \"code\"\ncannot_catch = \"Any code looks right.\"\n",
            "field = \"code\"\ncatch = { pattern = \"^INV\", example = \"LG-1\", message = \"Yours.\" }\n",
            "field = \"code\"\ncatch = { pattern = \"(\", message = \"Broken.\" }\n",
            "catch = { older_than_days = 30, message = \"Old.\" }\n",
        ]
        .map(|extra| format!("[[mistake]]\ntitle = \"M\"\nwhat_people_do = \"D\"\nwhy_it_fails = \"F\"\nhow_to_avoid = \"A\"\n{extra}"))
        .concat();
        fixture.write(
            "tasks/codes.md",
            &format!("+++\ntitle = \"Codes\"\nsummary = \"S\"\ncategory = \"invoices\"\nwhat_happens_next = \"N\"\n{field}{mistakes}+++\n"),
        );
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        let messages: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
        let expect =
            |needle: &str| assert!(messages.iter().any(|m| m.contains(needle)), "{needle}: {messages:#?}");
        expect("warning[mistakes]: the form warns about mistake 1 at `code` but no rule catches it");
        expect("warning[mistakes]: the example \"LG-1\" of mistake 3 is not caught by its rule");
        expect("error[mistakes]: the rule of mistake 4: the pattern is not a valid regular expression");
        expect("error[mistakes]: mistake 5 has a rule but no field to check");
        assert!(!messages.iter().any(|m| m.contains("mistake 2")), "a reason is enough: {messages:#?}");
    }
}
