use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the content, located like a compiler error so editors can
/// jump straight to it: `path:line:col: error[code]: message (help: …)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
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
    /// The offending line, for syntax errors: shown under the message with a caret
    /// at the column, like rustc, so the editor sees the mistake without opening
    /// the file.
    /// Boxed: most diagnostics have none, and every `Result<_, Diagnostic>` pays
    /// for the largest.
    #[serde(rename = "source_line", skip_serializing_if = "Option::is_none")]
    quote: Option<Box<Quote>>,
}

/// A quoted source line, serialised as the line itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Quote {
    line: String,
    /// Where the caret goes in `line`, 1-based in characters: the column, unless a
    /// long line was cut to the part around it.
    caret: usize,
}

impl Serialize for Quote {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.line)
    }
}

/// Longer lines are quoted around the column only: a 100 KB line of `>` would
/// bury the message.
const QUOTED_LINE_CHARS: usize = 100;

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
            quote: None,
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

    /// Quotes the diagnostic's line of `text`, the whole file it points into.
    pub fn with_source_line(mut self, text: &str) -> Self {
        let Some(line) = text.split('\n').nth(self.line.saturating_sub(1)) else { return self };
        let line = line.trim_end_matches('\r');
        let length = line.chars().count();
        if length <= QUOTED_LINE_CHARS {
            self.quote = Some(Box::new(Quote { line: line.to_owned(), caret: self.column }));
            return self;
        }
        let first = self.column.saturating_sub(1 + QUOTED_LINE_CHARS / 2).min(length - QUOTED_LINE_CHARS);
        let window: String = line.chars().skip(first).take(QUOTED_LINE_CHARS).collect();
        let before = if first > 0 { "…" } else { "" };
        let after = if first + QUOTED_LINE_CHARS < length { "…" } else { "" };
        self.quote = Some(Box::new(Quote {
            line: format!("{before}{window}{after}"),
            caret: self.column - first + before.chars().count(),
        }));
        self
    }

    /// The quoted line with a caret under the column, numbered like rustc:
    ///
    /// ```text
    ///   |
    /// 2 | tittle = "A"
    ///   | ^
    /// ```
    pub fn excerpt(&self) -> Option<String> {
        let Quote { line, caret } = self.quote.as_deref()?;
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        // Tabs stay tabs so the caret lines up however wide the terminal draws them.
        let indent: String =
            line.chars().take(caret.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        Some(format!("{gutter} |\n{number} | {line}\n{gutter} | {indent}^"))
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
    fn a_syntax_error_quotes_its_line_with_a_caret_under_the_column() {
        let text = "+++\ntitle = \"A\"\n\tlevel = newcomer\n+++\n";
        let diagnostic = Diagnostic::error("a.md", Position { line: 3, column: 10 }, "front-matter", "x")
            .with_source_line(text);
        assert_eq!(diagnostic.excerpt().unwrap(), "  |\n3 | \tlevel = newcomer\n  | \t        ^");
        let far = Diagnostic::error("a.md", Position { line: 12, column: 1 }, "front-matter", "x")
            .with_source_line(&"x\n".repeat(12));
        assert_eq!(far.excerpt().unwrap(), "   |\n12 | x\n   | ^");
        assert_eq!(Diagnostic::error("a.md", Position::START, "file", "x").excerpt(), None);
        let long = format!("{}X{}", ">".repeat(5000), ">".repeat(5000));
        let cut = Diagnostic::error("a.md", Position { line: 1, column: 5001 }, "nesting", "x")
            .with_source_line(&long);
        let excerpt = cut.excerpt().unwrap();
        let quoted = excerpt.lines().nth(1).unwrap();
        assert_eq!(quoted.chars().count(), "1 | ".len() + 2 + QUOTED_LINE_CHARS, "{excerpt}");
        let caret = excerpt.lines().nth(2).unwrap().chars().count() - 1;
        assert_eq!(quoted.chars().nth(caret), Some('X'), "{excerpt}");
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
