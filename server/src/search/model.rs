//! What a search asks and answers, in the index's own terms: the portal turns
//! these into the pages' views (`portal::views`).

use telepath_domain::{ArticleKind, Level};

/// What one sync changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// A search as the visitor asked it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    pub category: Option<String>,
    pub level: Option<Level>,
    pub kind: Option<ArticleKind>,
    /// The visitor's chosen level, which lifts articles written for them.
    pub visitor_level: Option<Level>,
    /// How many results to skip: `(page - 1) * limit`.
    pub offset: usize,
    pub limit: usize,
}

/// Results further than this are not paged to: nobody reads page 51, and the
/// collector keeps `offset + limit` candidates.
pub const MAX_OFFSET: usize = 1000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    /// The page asked for, best first.
    pub hits: Vec<Hit>,
    /// Every article any word matched within the filters: what the filter counts
    /// add up to, and what the pages hold.
    pub total: usize,
    /// How many articles each filter value would leave, given the other filters.
    pub counts: FacetCounts,
    /// True when not every word could be matched and results match some words only.
    pub relaxed: bool,
}

/// One article found, with its title and snippet already highlighted and escaped.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub slug: String,
    /// Escaped HTML with `<mark>` around matched words.
    pub title_html: String,
    /// Escaped HTML with `<mark>` around matched words.
    pub snippet_html: String,
    pub category: String,
    pub level: Level,
    pub kind: ArticleKind,
}

/// Articles per filter value (category slug, level name, kind name) for a search.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FacetCounts {
    pub categories: std::collections::BTreeMap<String, usize>,
    pub levels: std::collections::BTreeMap<String, usize>,
    pub kinds: std::collections::BTreeMap<String, usize>,
}

/// What the search box offers for a query typed so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Suggestions {
    /// The query these answer, as sent.
    pub query: String,
    /// The best few articles, even when they match only some of the words.
    pub hits: Vec<Hit>,
    /// True when no article has every word, so the hits match some.
    pub partial: bool,
    /// A spelling the articles use that finds every word, when not every word matched.
    pub did_you_mean: Option<String>,
}
