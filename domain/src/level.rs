//! Who an article is for and what shape of help it gives: the words levels and
//! kinds are known by in content front matter, URLs, cookies and stored events.

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

/// One of the three levels a visitor can choose (`Level::All` is only for articles).
pub const VISITOR_LEVELS: [Level; 3] = [Level::Newcomer, Level::Technical, Level::Expert];
/// Every level, in the order menus and filters list them.
pub const LEVELS: [Level; 4] = [Level::Newcomer, Level::Technical, Level::Expert, Level::All];

impl Level {
    /// The level named in a URL or form, if it is one a visitor can choose.
    pub fn from_visitor_choice(value: &str) -> Option<Level> {
        VISITOR_LEVELS.into_iter().find(|level| level.as_str() == value)
    }

    /// Any level by its name, `all` included.
    pub fn parse(value: &str) -> Option<Level> {
        LEVELS.into_iter().find(|level| level.as_str() == value)
    }
}

impl ArticleKind {
    pub fn parse(value: &str) -> Option<ArticleKind> {
        [ArticleKind::Guide, ArticleKind::Explanation, ArticleKind::Reference, ArticleKind::Troubleshooting]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}
