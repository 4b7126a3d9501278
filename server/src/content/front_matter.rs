//! TOML front matter between `+++` lines, parsed strictly into typed structs.

use super::diagnostic::{Diagnostic, Position};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::path::Path;
use telepath_domain::{ArticleKind, Level};

const FENCE: &str = "+++";

/// Front matter of `content/articles/<category>/<slug>.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleFrontMatter {
    pub title: String,
    /// Missing is a warning, not an error: the article still helps without one.
    #[serde(default)]
    pub summary: String,
    pub level: Level,
    pub kind: ArticleKind,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Editors' picks for the next likely question: slugs of other articles.
    #[serde(default)]
    pub next: Vec<String>,
    /// Self-service tasks this article is about.
    #[serde(default)]
    pub tasks: Vec<String>,
    pub updated: toml::value::Datetime,
}

/// Front matter of `content/articles/<category>/_index.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFrontMatter {
    pub title: String,
    pub description: String,
    #[serde(default = "CategoryFrontMatter::default_order")]
    pub order: i64,
}

impl CategoryFrontMatter {
    fn default_order() -> i64 {
        100
    }
}

/// A markdown file split into its parsed front matter and its body.
#[derive(Debug)]
pub struct Document<T> {
    pub front_matter: T,
    /// Byte offset of the front matter text in the file.
    pub front_matter_offset: usize,
    pub body: String,
    /// Byte offset of the body in the file, so body problems report file positions.
    pub body_offset: usize,
}

/// Splits `text` into front matter and body and parses the front matter as `T`.
pub fn parse_document<T: DeserializeOwned>(path: &Path, text: &str) -> Result<Document<T>, Diagnostic> {
    let (front_matter_text, front_matter_offset, body_offset) = split(path, text)?;
    let front_matter = toml::from_str::<T>(front_matter_text)
        .map_err(|error| toml_diagnostic(path, text, front_matter_offset, &error))?;
    Ok(Document { front_matter, front_matter_offset, body: text[body_offset..].to_owned(), body_offset })
}

fn split<'a>(path: &Path, text: &'a str) -> Result<(&'a str, usize, usize), Diagnostic> {
    let missing = || {
        Diagnostic::error(path, Position::START, "front-matter", "the file does not start with front matter")
            .with_help("begin the file with a line `+++`, then `title = \"…\"` and the other fields, then a closing `+++` line")
    };
    let first_line_end = text.find('\n').map_or(text.len(), |index| index + 1);
    if text[..first_line_end].trim_end() != FENCE {
        return Err(missing());
    }
    let mut line_start = first_line_end;
    while line_start < text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |index| line_start + index + 1);
        if text[line_start..line_end].trim_end() == FENCE {
            return Ok((&text[first_line_end..line_start], first_line_end, line_end));
        }
        line_start = line_end;
    }
    Err(Diagnostic::error(path, Position::START, "front-matter", "the front matter is never closed")
        .with_help("end the front matter with a line containing only `+++`"))
}

fn toml_diagnostic(path: &Path, text: &str, offset: usize, error: &toml::de::Error) -> Diagnostic {
    let span_start = error.span().map_or(0, |span| span.start);
    let position = Position::of_offset(text, offset + span_start);
    let message = error.message().trim();
    let (message, help) = explain(message);
    let diagnostic = Diagnostic::error(path, position, "front-matter", message).with_source_line(text);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// Rewrites serde's messages into plain words with a suggested fix.
fn explain(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = backticked(expected);
        let help = match closest(field, &allowed) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => format!(
                "allowed fields are {}",
                allowed.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        return (format!("unknown field `{field}`"), Some(help));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = backticked(expected);
        let help = match closest(value, &allowed) {
            Some(suggestion) => {
                format!("did you mean `{suggestion}`? allowed values are {}", allowed.join(", "))
            }
            None => format!("allowed values are {}", allowed.join(", ")),
        };
        return (format!("unknown value `{value}`"), Some(help));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return (format!("missing field `{field}`"), Some(format!("add `{field} = …` to the front matter")));
    }
    (message.replace('\n', " "), None)
}

fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The allowed word nearest to `word`, if it is near enough to be a likely typo.
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|candidate| (edit_distance(word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article_error(text: &str) -> String {
        parse_document::<ArticleFrontMatter>(Path::new("content/articles/billing/refunds.md"), text)
            .expect_err("the front matter is invalid")
            .to_string()
    }

    const VALID: &str = "+++\ntitle = \"Refunds\"\nsummary = \"How refunds work.\"\nlevel = \"newcomer\"\nkind = \"guide\"\nupdated = 2026-10-01\n+++\nBody\n";

    #[test]
    fn valid_front_matter_parses_and_the_body_follows_it() {
        let document = parse_document::<ArticleFrontMatter>(Path::new("a.md"), VALID).unwrap();
        assert_eq!(document.front_matter.title, "Refunds");
        assert_eq!(document.front_matter.level, Level::Newcomer);
        assert_eq!(document.body, "Body\n");
        assert_eq!(&VALID[document.body_offset..], "Body\n");
    }

    #[test]
    fn front_matter_errors_name_the_file_line_column_and_fix() {
        let cases = [
            (
                VALID.replace("title", "tittle"),
                "content/articles/billing/refunds.md:2:1: error[front-matter]: unknown field `tittle` (help: did you mean `title`?)",
            ),
            (
                VALID.replace("level = \"newcomer\"", "level = \"beginer\""),
                "content/articles/billing/refunds.md:4:9: error[front-matter]: unknown value `beginer` (help: allowed values are newcomer, technical, expert, all)",
            ),
            (
                VALID.replace("kind = \"guide\"", "kind = \"guid\""),
                "content/articles/billing/refunds.md:5:8: error[front-matter]: unknown value `guid` (help: did you mean `guide`? allowed values are guide, explanation, reference, troubleshooting)",
            ),
            (
                VALID.replace("updated = 2026-10-01\n", ""),
                "content/articles/billing/refunds.md:2:1: error[front-matter]: missing field `updated` (help: add `updated = …` to the front matter)",
            ),
            (
                "# Refunds\n".to_owned(),
                "content/articles/billing/refunds.md:1:1: error[front-matter]: the file does not start with front matter (help: begin the file with a line `+++`, then `title = \"…\"` and the other fields, then a closing `+++` line)",
            ),
            (
                "+++\ntitle = \"Refunds\"\n".to_owned(),
                "content/articles/billing/refunds.md:1:1: error[front-matter]: the front matter is never closed (help: end the front matter with a line containing only `+++`)",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(article_error(&text), expected, "for:\n{text}");
        }
    }

    #[test]
    fn toml_syntax_errors_point_into_the_file() {
        let text = VALID.replace("title = \"Refunds\"", "title = \"Refunds");
        let message = article_error(&text);
        assert!(message.starts_with("content/articles/billing/refunds.md:2:"), "{message}");
        assert!(message.contains("error[front-matter]"), "{message}");
    }

    #[test]
    fn typo_suggestions_only_for_near_misses() {
        assert_eq!(closest("tittle", &["title", "summary"]), Some("title"));
        assert_eq!(closest("colour", &["title", "summary"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
