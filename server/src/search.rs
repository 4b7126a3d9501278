//! Instant, typo-tolerant article search in-process with tantivy: no extra service.
//!
//! Ranking rules, in one place (the weights are in `search/query.rs`):
//! - articles matching more of the query's words always come first, however well
//!   an article matches fewer words; words like "how" and "my" are dropped from
//!   questions;
//! - typos follow Meilisearch: none for words of 1-4 characters, one for 5-8, two
//!   for 9 or more, a swap of neighbours is one typo and the first letter is kept
//!   (details in `search/query.rs`); the last word also matches as a prefix
//!   (search as you type);
//! - a word matched exactly, by prefix or by synonym outranks a word matched only
//!   with a typo: articles matching more words for real come first, then those
//!   matching more words with typos, then relevance;
//! - exact matches score above fuzzy ones, and titles and headings above body text;
//! - the total is every article any word matched (within the filters), the count
//!   the filter links add up to, and every one of them is on some page;
//! - synonyms from content/synonyms.toml count as the word itself, a little lower.

mod collect;
mod document;
mod highlight;
mod lexicon;
mod model;
mod query;

pub use model::{FacetCounts, Hit, MAX_OFFSET, SearchRequest, SearchResults, Suggestions, SyncReport};
pub use query::{MAX_QUERY_CHARS, query_words};

use document::ArticleDocument;

use crate::content::ContentSnapshot;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError, Term};
use telepath_domain::{ArticleKind, Level};

/// Part of every document's content hash: bump it when what is indexed changes, so
/// the next sync re-indexes everything instead of skipping "unchanged" articles.
const SCHEMA_VERSION: u32 = 3;
const ANALYZER: &str = "telepath_en";
const SLUG: &str = "slug";
const CONTENT_HASH: &str = "content_hash";
const WRITER_MEMORY_BYTES: usize = 30_000_000;
/// Shorter words are left alone by "did you mean": too many real words are near them.
const SUGGEST_MIN_CHARS: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the search index failed: {0}")]
    Index(#[from] TantivyError),
    #[error("cannot prepare the search index folder {path}: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Two processes (say `telepath index` during an update by `telepath serve`) tried
    /// to write at the same moment; tantivy allows one writer per index.
    #[error("another telepath process is writing the search index in {path}; try again when it is done")]
    Busy { path: String },
}

impl SearchError {
    fn from_writer(error: TantivyError, location: &str) -> SearchError {
        match error {
            TantivyError::LockFailure(..) => SearchError::Busy { path: location.to_owned() },
            other => SearchError::Index(other),
        }
    }
}

/// The indexed fields, typed.
#[derive(Clone, Copy, Debug)]
pub struct SearchFields {
    pub slug: Field,
    pub title: Field,
    pub summary: Field,
    pub headings: Field,
    pub body: Field,
    pub tags: Field,
    /// The body's prose (no tables or code blocks), stored for snippets.
    pub prose: Field,
    pub category: Field,
    pub level: Field,
    pub kind: Field,
    pub content_hash: Field,
}

impl SearchFields {
    fn schema() -> (Schema, SearchFields) {
        let mut builder = Schema::builder();
        let text = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let fields = SearchFields {
            // FAST (column) fields are read per document without loading it: slug and
            // hash on every sync, category, level and kind for every match of a search.
            slug: builder.add_text_field(SLUG, STRING | STORED | FAST),
            title: builder.add_text_field("title", text.clone()),
            summary: builder.add_text_field("summary", text.clone()),
            headings: builder.add_text_field("headings", text.clone()),
            body: builder.add_text_field("body", text.clone()),
            tags: builder.add_text_field("tags", text),
            prose: builder.add_text_field("prose", STORED),
            category: builder.add_text_field(collect::CATEGORY, STRING | STORED | FAST),
            level: builder.add_text_field(collect::LEVEL, STRING | STORED | FAST),
            kind: builder.add_text_field(collect::KIND, STRING | STORED | FAST),
            content_hash: builder.add_text_field(CONTENT_HASH, STRING | FAST),
        };
        (builder.build(), fields)
    }
}

pub struct SearchIndex {
    index: Index,
    /// Where the index lives, for messages ("memory" for an index in RAM).
    location: String,
    reader: IndexReader,
    /// One sync at a time in this process. The tantivy writer itself is taken only
    /// for the length of a sync, so another process (or a second portal on the same
    /// data folder) can write between syncs.
    syncing: Mutex<()>,
    fields: SearchFields,
    /// word → the other words of its synonym group.
    synonyms: RwLock<HashMap<String, Vec<String>>>,
    /// Every word of the indexed articles and how often it occurs, for "did you mean".
    vocabulary: RwLock<HashMap<String, usize>>,
    /// The same words as an FST, for typos and prefixes.
    lexicon: RwLock<lexicon::Lexicon>,
    /// Category, level and kind of every document, per segment searched.
    facets: collect::FacetCache,
    /// Set only by tests (`fail_every_search`), to see what visitors get when the
    /// index breaks; always false in the portal.
    failing: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("documents", &self.reader.searcher().num_docs()).finish()
    }
}

impl SearchIndex {
    /// An index in memory, for tests.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = SearchFields::schema();
        SearchIndex::with_index(Index::create_in_ram(schema), fields, "memory".to_owned())
    }

    /// The index kept in `dir`, created if missing. An index tantivy cannot open, or
    /// one written with another schema (an older Telepath), is thrown away and
    /// created empty: it is derived from content, so the next sync rebuilds it,
    /// which beats refusing to start. A changed analyzer without a schema change is
    /// caught by [`SCHEMA_VERSION`] in every document's hash instead.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = SearchFields::schema();
        let folder_error = |source| SearchError::Folder { path: dir.to_owned(), source };
        let index = match Index::open_in_dir(dir) {
            Ok(index) if index.schema() == schema => index,
            existing => {
                if dir.exists() {
                    if let Err(error) = existing {
                        tracing::warn!("rebuilding the search index in {}: {error}", dir.display());
                    } else {
                        tracing::info!(
                            "rebuilding the search index in {}: its schema changed",
                            dir.display()
                        );
                    }
                    std::fs::remove_dir_all(dir).map_err(folder_error)?;
                }
                std::fs::create_dir_all(dir).map_err(folder_error)?;
                Index::create_in_dir(dir, schema)?
            }
        };
        SearchIndex::with_index(index, fields, dir.display().to_string())
    }

    fn with_index(index: Index, fields: SearchFields, location: String) -> Result<SearchIndex, SearchError> {
        // Tokenizers are not saved with an index: register ours on every open.
        index.tokenizers().register(ANALYZER, analyzer());
        // Reloaded by hand after each sync so results are current when it returns,
        // and on commit for merges finishing later or another process's writes.
        let reader = index.reader_builder().reload_policy(ReloadPolicy::OnCommitWithDelay).try_into()?;
        Ok(SearchIndex {
            index,
            location,
            reader,
            syncing: Mutex::new(()),
            fields,
            synonyms: RwLock::new(HashMap::new()),
            vocabulary: RwLock::new(HashMap::new()),
            lexicon: RwLock::new(lexicon::Lexicon::default()),
            facets: collect::FacetCache::default(),
            failing: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Brings the index in line with `snapshot`: new and changed articles are
    /// (re)indexed by slug, removed ones deleted, unchanged ones skipped by hash.
    pub fn sync(&self, snapshot: &ContentSnapshot) -> Result<SyncReport, SearchError> {
        self.write(snapshot, false, &mut |_| {})
    }

    /// Indexes every article of `snapshot` from scratch into one segment (the
    /// fastest to search), calling `on_progress` with the number indexed so far.
    pub fn rebuild(
        &self,
        snapshot: &ContentSnapshot,
        on_progress: &mut dyn FnMut(usize),
    ) -> Result<SyncReport, SearchError> {
        self.write(snapshot, true, on_progress)
    }

    fn write(
        &self,
        snapshot: &ContentSnapshot,
        from_scratch: bool,
        on_progress: &mut dyn FnMut(usize),
    ) -> Result<SyncReport, SearchError> {
        let _one_at_a_time = self.syncing.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut writer: IndexWriter = self
            .index
            .writer_with_num_threads(1, WRITER_MEMORY_BYTES)
            .map_err(|error| SearchError::from_writer(error, &self.location))?;
        // Holding the writer, nobody else can commit: what the reader sees now is
        // what this sync compares against, even if another process wrote last.
        self.reader.reload()?;
        let indexed = if from_scratch { HashMap::new() } else { self.indexed_hashes()? };
        let mut report = SyncReport::default();
        let mut vocabulary: HashMap<String, usize> = HashMap::new();
        let mut words = words_analyzer();
        if from_scratch {
            writer.delete_all_documents()?;
        }
        // In slug order, so equal scores always rank the same way.
        let mut articles: Vec<_> = snapshot.articles.values().collect();
        articles.sort_by(|a, b| a.slug.cmp(&b.slug));
        for (done, article) in articles.into_iter().enumerate() {
            on_progress(done);
            let document = ArticleDocument::from_article(article);
            document.count_words(&mut words, &mut vocabulary);
            let hash = document.hash();
            match indexed.get(&article.slug) {
                Some(old) if *old == hash => {
                    report.unchanged += 1;
                    continue;
                }
                Some(_) => report.updated += 1,
                None => report.added += 1,
            }
            writer.delete_term(Term::from_field_text(self.fields.slug, &article.slug));
            writer.add_document(document.into_tantivy(&self.fields, &hash))?;
        }
        on_progress(snapshot.articles.len());
        for slug in indexed.keys().filter(|slug| !snapshot.articles.contains_key(*slug)) {
            writer.delete_term(Term::from_field_text(self.fields.slug, slug));
            report.removed += 1;
        }
        if from_scratch || report.added + report.updated + report.removed > 0 {
            writer.commit()?;
            self.reader.reload()?;
            if from_scratch {
                let segments = self.index.searchable_segment_ids()?;
                if segments.len() > 1 {
                    writer.merge(&segments).wait()?;
                }
            }
            // Merges started by the commit finish before the writer's lock is let go.
            writer.wait_merging_threads()?;
            self.reader.reload()?;
        }
        *self.synonyms.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            synonym_map(&snapshot.synonyms);
        *self.lexicon.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            lexicon::Lexicon::build(&vocabulary);
        *self.vocabulary.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = vocabulary;
        Ok(report)
    }

    /// Slug → content hash of every indexed article, read from the fast fields.
    fn indexed_hashes(&self) -> Result<HashMap<String, String>, SearchError> {
        let searcher = self.reader.searcher();
        let mut hashes = HashMap::new();
        for segment in searcher.segment_readers() {
            let column = |name: &str| {
                segment
                    .fast_fields()
                    .str(name)?
                    .ok_or_else(|| TantivyError::SchemaError(format!("`{name}` is not a fast field")))
            };
            let (slugs, content_hashes) = (column(SLUG)?, column(CONTENT_HASH)?);
            let (mut slug, mut hash) = (String::new(), String::new());
            for doc in segment.doc_ids_alive() {
                let (Some(slug_ord), Some(hash_ord)) =
                    (slugs.ords().first(doc), content_hashes.ords().first(doc))
                else {
                    continue;
                };
                slugs.ord_to_str(slug_ord, &mut slug).map_err(TantivyError::from)?;
                content_hashes.ord_to_str(hash_ord, &mut hash).map_err(TantivyError::from)?;
                hashes.insert(slug.clone(), hash.clone());
            }
        }
        Ok(hashes)
    }

    /// Makes every later search fail as a broken index would.
    #[cfg(any(test, feature = "testing"))]
    pub fn fail_every_search(&self) {
        self.failing.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// One pass ranks the matches by words matched and relevance, counts them per
    /// filter value, and tells whether any article had every word.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        if self.failing.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(SearchError::Index(TantivyError::SystemError(
                "the index was made to fail by a test".into(),
            )));
        }
        let words = query_words(&request.query);
        if words.is_empty() {
            return Ok(SearchResults::default());
        }
        let synonyms = self.synonyms.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut analyzers = Analyzers::new();
        let searcher = self.reader.searcher();
        let limit = request.limit.clamp(1, 100);
        let offset = request.offset.min(MAX_OFFSET);
        let word_queries = {
            let lexicon = self.lexicon.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            query::build(&self.fields, &mut analyzers, &lexicon, &words, &synonyms)
        };
        let collect::Ranked { top, counts, most_words_matched, total } = collect::RankAndCount::new(
            request,
            offset + limit,
        )
        .run(&searcher, &self.facets, &word_queries)?;
        let relaxed = total > 0 && (most_words_matched as usize) < word_queries.len();
        let highlighter = highlight::Highlighter::new(&query::meaningful(&words), &synonyms, &mut analyzers);
        drop(synonyms);
        let mut hits = Vec::with_capacity(limit);
        for (_, address) in top.into_iter().skip(offset) {
            let document: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                document.get_first(field).and_then(|value| value.as_str()).unwrap_or_default().to_owned()
            };
            let summary = text(self.fields.summary);
            let prose = format!("{summary}\n{}", text(self.fields.prose));
            let everything = format!("{summary}\n{}", text(self.fields.body));
            hits.push(Hit {
                slug: text(self.fields.slug),
                title_html: highlighter.highlight_all(&text(self.fields.title)),
                snippet_html: highlighter.snippet(&[&prose, &everything]),
                category: text(self.fields.category),
                level: Level::parse(&text(self.fields.level)).unwrap_or(Level::All),
                kind: ArticleKind::parse(&text(self.fields.kind)).unwrap_or(ArticleKind::Explanation),
            });
        }
        Ok(SearchResults { hits, total, counts, relaxed })
    }

    /// What the search box offers while the visitor types: the best few articles,
    /// also when they match only some of the words (they say so), and a spelling
    /// the articles use when not every word matched. Never empty-handed: the box
    /// adds "see all results" itself.
    pub fn suggest(&self, query: &str, visitor_level: Option<Level>, limit: usize) -> Suggestions {
        let request =
            SearchRequest { query: query.to_owned(), visitor_level, limit, ..SearchRequest::default() };
        let results = self.search(&request).unwrap_or_else(|error| {
            tracing::error!("suggestions failed: {error}");
            SearchResults::default()
        });
        let did_you_mean = if results.hits.is_empty() || results.relaxed {
            self.did_you_mean_that_finds(&request)
        } else {
            None
        };
        Suggestions { query: query.to_owned(), hits: results.hits, partial: results.relaxed, did_you_mean }
    }

    /// [`SearchIndex::did_you_mean`], offered only when the corrected query finds
    /// articles with every word under the same filters.
    pub fn did_you_mean_that_finds(&self, request: &SearchRequest) -> Option<String> {
        self.did_you_mean(&request.query).filter(|suggestion| {
            let check = SearchRequest { query: suggestion.clone(), offset: 0, limit: 1, ..request.clone() };
            self.search(&check).is_ok_and(|found| !found.hits.is_empty() && !found.relaxed)
        })
    }

    /// The query with each word the articles never use replaced by the closest word
    /// they use most, or `None` when there is nothing better to suggest.
    pub fn did_you_mean(&self, query: &str) -> Option<String> {
        let vocabulary = self.vocabulary.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut changed = false;
        let words: Vec<String> = query_words(query)
            .into_iter()
            .map(|word| {
                if word.chars().count() < SUGGEST_MIN_CHARS || vocabulary.contains_key(&word) {
                    return word;
                }
                // One edit more than search forgives: the words search could not match.
                let budget = usize::from(query::typo_budget(&word)) + 1;
                let best = vocabulary
                    .iter()
                    .filter(|(known, _)| known.len().abs_diff(word.len()) <= budget)
                    .map(|(known, count)| {
                        (highlight::typo_distance(&word, known), std::cmp::Reverse(*count), known)
                    })
                    .filter(|(distance, _, _)| *distance <= budget)
                    .min();
                match best {
                    Some((_, _, known)) => {
                        changed = true;
                        known.clone()
                    }
                    None => word,
                }
            })
            .collect();
        changed.then(|| words.join(" "))
    }

    /// The words of `query`, lowercased, when each one of three letters or more is a
    /// word the articles use (shorter ones cannot spell a name or an address), so a
    /// page that shows them says nothing the help centre does not; `None` otherwise.
    /// Every word counts, also those past what a search reads.
    pub fn in_article_words(&self, query: &str) -> Option<String> {
        let vocabulary = self.vocabulary.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut folded = words_analyzer();
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        let all_known = words.iter().all(|word| match analyze(&mut folded, word).as_slice() {
            [known] if known.chars().count() < 3 => true,
            [known] => vocabulary.contains_key(known),
            // Dropped as junk for its length.
            _ => false,
        });
        (all_known && !words.is_empty()).then(|| words.join(" "))
    }

    pub fn fields(&self) -> &SearchFields {
        &self.fields
    }

    pub fn document_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// The two ways text is cut into terms, for one search.
pub(crate) struct Analyzers {
    pub(crate) stemmed: TextAnalyzer,
    pub(crate) written: TextAnalyzer,
}

impl Analyzers {
    fn new() -> Analyzers {
        Analyzers { stemmed: analyzer(), written: words_analyzer() }
    }
}

/// Lowercase, ASCII-folded words as written; long junk tokens dropped.
fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Lowercase, ASCII-folded, English-stemmed words; long junk tokens dropped.
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzed tokens of `text`.
pub(crate) fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().text.clone());
    }
    tokens
}

/// Each synonym's analyzed form → the other entries of its group, so "bills" finds
/// the group of "bill".
fn synonym_map(groups: &[Vec<String>]) -> HashMap<String, Vec<String>> {
    let mut analyzer = analyzer();
    let mut map = HashMap::new();
    for group in groups {
        for word in group {
            let others = group.iter().filter(|other| *other != word).cloned().collect();
            map.insert(analyze(&mut analyzer, word).join(" "), others);
        }
    }
    map
}

#[cfg(test)]
mod quality;
#[cfg(test)]
mod tests;
