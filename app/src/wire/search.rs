//! Search as the results page and the search box show it.

use super::articles::ArticleSummary;
use serde::{Deserialize, Serialize};
use telepath_domain::{ArticleKind, Level};

/// One search result, with its title and snippet already highlighted and escaped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub slug: String,
    /// Escaped HTML with `<mark>` around matched words.
    pub title_html: String,
    /// Escaped HTML with `<mark>` around matched words.
    pub snippet_html: String,
    pub category: String,
    pub level: Level,
    pub kind: ArticleKind,
}

/// A search as it arrives in the address: `/search?q=…&category=…&level=…&kind=…&page=…`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub q: String,
    pub category: Option<String>,
    pub level: Option<String>,
    pub kind: Option<String>,
    /// 1-based; anything else than a number from 1 on means the first page.
    pub page: Option<String>,
}

impl SearchQuery {
    /// A search for `q` alone, first page, no filters.
    pub fn for_text(q: &str) -> SearchQuery {
        SearchQuery { q: q.to_owned(), ..SearchQuery::default() }
    }

    /// The address of this search: `/search?q=…`, then the filters and the page
    /// that are set (page 1 is left out), percent-encoded.
    pub fn href(&self) -> String {
        let mut href = crate::urls::search(&self.q);
        for (name, value) in [
            ("category", &self.category),
            ("level", &self.level),
            ("kind", &self.kind),
            ("page", &self.page.clone().filter(|page| page != "1")),
        ] {
            if let Some(value) = value {
                href.push_str(&format!("&{name}={}", encode_query_value(value)));
            }
        }
        href
    }
}

/// Percent-encodes a query-string value (spaces as `+`).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What the search box offers as the visitor types. The box always adds "see all
/// results", so the list never goes silent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Suggestions {
    /// The query these answer, as sent.
    pub query: String,
    /// The best few articles, even when they match only some of the words.
    pub hits: Vec<SearchHit>,
    /// True when no article has every word, so the hits match some.
    pub partial: bool,
    /// A spelling the articles use that finds every word, when not every word matched.
    pub did_you_mean: Option<String>,
}

/// Everything the results page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    /// The query as searched, after cutting.
    pub query: String,
    /// True when the query was longer than the limit and was cut.
    pub was_cut: bool,
    pub max_query_chars: usize,
    /// This page's results.
    pub hits: Vec<SearchHit>,
    /// Every article the search found within the filters, on all pages.
    pub total: usize,
    /// This page, 1-based, how many there are, and how many results a page holds.
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    /// True when no article matched every word, so these match some.
    pub relaxed: bool,
    /// Filters from the address that name nothing, e.g. `level=wizard`; ignored.
    pub ignored_filters: Vec<String>,
    pub category: Option<String>,
    pub level: Option<Level>,
    pub kind: Option<ArticleKind>,
    pub counts: FacetCounts,
    /// Every category, as (slug, title), for the filter links.
    pub categories: Vec<(String, String)>,
    /// A spelling the articles use, offered when the query matched nothing (or not every word).
    pub did_you_mean: Option<String>,
    /// Shown when nothing matched, so a search is never a dead end.
    pub popular: Vec<ArticleSummary>,
    /// The query, in its words lowercased, under which a search engine may index
    /// this page: only page one of unfiltered results that found articles with
    /// every word, for words the articles use. Any other search page would let
    /// anyone put words of their own on the help centre's domain, or is a
    /// near-copy of one that is indexed.
    pub indexed_as: Option<String>,
}

/// Articles per filter value (category slug, level name, kind name) for a search.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FacetCounts {
    pub categories: std::collections::BTreeMap<String, usize>,
    pub levels: std::collections::BTreeMap<String, usize>,
    pub kinds: std::collections::BTreeMap<String, usize>,
}
