use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the content, located like a compiler error so editors can
/// jump straight to it: `path:line:col: error[code]: message (help: …)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file's path as editors know it, e.g. `content/articles/billing/refunds.md`.
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, counted in characters.
    pub column: usize,
    pub severity: Severity,
    /// A short stable name for the kind of problem, e.g. `front-matter`.
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<PathBuf>,
        position: Position,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            line: position.line,
            column: position.column,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        position: Position,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self { severity: Severity::Warning, ..Self::error(path, position, code, message) }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}:{}:{}: {severity}[{}]: {}",
            self.path.display(),
            self.line,
            self.column,
            self.code,
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// A 1-based line and column in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };

    /// The position of a byte offset in `text`; offsets past the end point just after it.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        Position { line, column: before[line_start..].chars().count() + 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_character_columns() {
        let text = "+++\ntitle = \"Café\"\nbad\n";
        assert_eq!(Position::of_offset(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of_offset(text, 4), Position { line: 2, column: 1 });
        let bad = text.find("bad").unwrap();
        assert_eq!(Position::of_offset(text, bad), Position { line: 3, column: 1 });
        let quote = text.rfind('"').unwrap();
        assert_eq!(Position::of_offset(text, quote), Position { line: 2, column: 14 });
        assert_eq!(Position::of_offset(text, 10_000).line, 4);
    }

    #[test]
    fn displays_like_a_compiler() {
        let diagnostic = Diagnostic::error(
            "content/articles/billing/refunds.md",
            Position { line: 3, column: 5 },
            "front-matter",
            "unknown field `tittle`",
        )
        .with_help("did you mean `title`?");
        assert_eq!(
            diagnostic.to_string(),
            "content/articles/billing/refunds.md:3:5: error[front-matter]: unknown field `tittle` (help: did you mean `title`?)"
        );
    }
}
