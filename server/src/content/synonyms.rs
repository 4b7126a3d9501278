//! Search synonyms: `content/synonyms.toml`, groups of words customers swap.

use super::diagnostic::{Diagnostic, Position};
use super::source::SourceContext;
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    groups: Vec<Vec<Spanned<String>>>,
}

/// Reads `content/synonyms.toml` if there is one: groups of two or more words,
/// lowercased, reporting every problem to `source`.
pub(super) fn load_synonyms(source: &mut SourceContext<'_>) -> Vec<Vec<String>> {
    let path = source.root.join("synonyms.toml");
    if !path.exists() {
        return Vec::new();
    }
    let shown = source.display_path(&path);
    let Some(text) = source.read_text(&path) else { return Vec::new() };
    let file = match toml::from_str::<SynonymsFile>(&text) {
        Ok(file) => file,
        Err(error) => {
            let position = Position::of_offset(&text, error.span().map_or(0, |span| span.start));
            source.report(
                Diagnostic::error(&shown, position, "synonyms", error.message().trim().replace('\n', " "))
                    .with_help("write `groups = [[\"invoice\", \"bill\"], [\"refund\", \"money back\"]]`")
                    .with_source_line(&text),
            );
            return Vec::new();
        }
    };
    let mut first_group: HashMap<String, usize> = HashMap::new();
    let mut groups = Vec::new();
    for (index, group) in file.groups.into_iter().enumerate() {
        let mut words = Vec::new();
        for word in group {
            let position = Position::of_offset(&text, word.span().start);
            let normalized = word.get_ref().trim().to_lowercase();
            if normalized.is_empty() {
                source.report(Diagnostic::warning(
                    &shown,
                    position,
                    "synonyms",
                    "an empty synonym is ignored",
                ));
                continue;
            }
            if let Some(other) = first_group.insert(normalized.clone(), index)
                && other != index
            {
                source.report(
                    Diagnostic::warning(
                        &shown,
                        position,
                        "synonyms",
                        format!("`{normalized}` is in two groups"),
                    )
                    .with_help("keep each word in one group, or merge the groups"),
                );
            }
            words.push(normalized);
        }
        if words.len() >= 2 {
            groups.push(words);
        }
    }
    groups
}
