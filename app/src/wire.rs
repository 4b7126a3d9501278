//! Types that cross from the server to the pages and, inside islands, to the browser.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Who an article is written for. `All` articles suit every visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Newcomer,
    Technical,
    Expert,
    All,
}

impl Level {
    /// The badge text shown beside an article title.
    pub fn label(self) -> &'static str {
        match self {
            Level::Newcomer => "For newcomers",
            Level::Technical => "Somewhat technical",
            Level::Expert => "For experts",
            Level::All => "For everyone",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Newcomer => "newcomer",
            Level::Technical => "technical",
            Level::Expert => "expert",
            Level::All => "all",
        }
    }
}

/// What shape of help an article gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleKind {
    Guide,
    Explanation,
    Reference,
    Troubleshooting,
}

impl ArticleKind {
    pub fn label(self) -> &'static str {
        match self {
            ArticleKind::Guide => "Step-by-step guide",
            ArticleKind::Explanation => "Explanation",
            ArticleKind::Reference => "Reference",
            ArticleKind::Troubleshooting => "Troubleshooting",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Guide => "guide",
            ArticleKind::Explanation => "explanation",
            ArticleKind::Reference => "reference",
            ArticleKind::Troubleshooting => "troubleshooting",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ArticleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Site-wide settings editors keep in `content/site.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteView {
    pub product_name: String,
    pub tagline: String,
    pub support_hours: String,
}

/// An article as listed on the home and category pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub kind: ArticleKind,
}

/// A category with its articles, in the editors' order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub articles: Vec<ArticleSummary>,
}

/// Everything the article page shows. `body_html` is already sanitised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub kind: ArticleKind,
    pub category_slug: String,
    pub category_title: String,
    /// ISO date, e.g. `2026-10-14`.
    pub updated: String,
    pub body_html: String,
    pub next_questions: Vec<ArticleSummary>,
}

/// Something a visitor did that the portal learns from, stored without personal data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitorEvent {
    ArticleFeedback { slug: String, helpful: bool },
}

/// One content problem as the editors' page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticView {
    /// `content/articles/billing/refunds.md:3:5`
    pub location: String,
    pub is_error: bool,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
}

/// The state of the content as editors see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContentReport {
    pub articles: usize,
    pub categories: usize,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<DiagnosticView>,
    /// Slugs of articles served from their last good version because their file has errors.
    pub last_good: Vec<String>,
}
