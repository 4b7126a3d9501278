//! The state of the content as the editors' page shows it.

use serde::{Deserialize, Serialize};

/// One content problem as the editors' page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticView {
    /// `content/articles/billing/refunds.md:3:5`
    pub location: String,
    pub is_error: bool,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    /// For syntax errors, the offending line with a caret under the column
    /// (several lines of preformatted text).
    pub excerpt: Option<String>,
}

/// The state of the content as editors see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContentReport {
    pub articles: usize,
    pub categories: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Errors first, then warnings.
    pub diagnostics: Vec<DiagnosticView>,
    /// Every file with errors, by path, and what customers see of it meanwhile.
    pub files_with_errors: Vec<FileWithErrors>,
}

/// `1 error`, `2 errors`: a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A content file with errors, as the editors' page explains it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileWithErrors {
    /// `content/articles/billing/refunds.md`
    pub path: String,
    /// Customers still see the version that last loaded cleanly; otherwise (a new
    /// file, or one broken since the server started) it is not published at all.
    pub last_good_live: bool,
}
