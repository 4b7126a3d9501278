//! From what a visitor typed to one tantivy query per word. Query syntax characters
//! are never interpreted: the input is cut into words, so `"`, `:`, `(`, `*`, `~`,
//! `^` and `-` are plain separators and can never cause a parse error.
//!
//! The weights, in one place:
//! - a word's relevance is BM25 per field, weighted by [`FIELD_WEIGHTS`]; an exact
//!   word counts [`EXACT_OVER_FUZZY`] times a typo match, a prefix and a synonym a
//!   little less than the word itself;
//! - articles are ranked by how many words they match first and by the summed
//!   relevance of those words second (`collect.rs`), so no amount of one word
//!   outweighs another word;
//! - the visitor's level adds [`LEVEL_BONUS`] to the relevance of articles written
//!   for it (half for articles for everyone), and [`KIND_BONUS`] to the kind
//!   `telepath_app::guidance::preferred_kind` routes the level to: the same
//!   preferences as everywhere else on the site (guidance rule 4).

use super::{SearchFields, analyze};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::Term;
use tantivy::query::{
    AutomatonWeight, BooleanQuery, BoostQuery, DfaWrapper, EnableScoring, FuzzyTermQuery, Occur, PhraseQuery,
    Query, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

/// Longer input is cut here (the search box says so): no real question needs more.
pub const MAX_QUERY_CHARS: usize = 200;
/// More words than this add nothing but cost.
const MAX_QUERY_WORDS: usize = 12;

/// Picks one field out of the schema.
type FieldOf = fn(&SearchFields) -> tantivy::schema::Field;

/// How much a match in each field counts, relative to body text.
const FIELD_WEIGHTS: [(FieldOf, f32); 5] = [
    (|fields| fields.title, 3.0),
    (|fields| fields.headings, 2.0),
    (|fields| fields.tags, 2.0),
    (|fields| fields.summary, 1.5),
    (|fields| fields.body, 1.0),
];
/// An exact word counts this many times more than the same word found by typo tolerance.
const EXACT_OVER_FUZZY: f32 = 4.0;
const PREFIX_WEIGHT: f32 = 0.8;
const SYNONYM_WEIGHT: f32 = 0.8;

/// Words that carry no meaning in a question ("how do I …"): dropped from a query
/// unless nothing else is left.
const QUESTION_WORDS: &[&str] = &[
    "a", "an", "the", "i", "my", "me", "we", "our", "do", "does", "did", "how", "what", "when", "where",
    "why", "which", "can", "could", "should", "get", "to", "of", "for", "in", "on", "is", "are", "am", "it",
    "and", "or", "with", "your", "you", "will", "be", "from", "at", "by", "this", "that", "there", "please",
];

/// Added to the score of an article written for the visitor's level (an article for
/// everyone gets half). A strong title match still beats it; a tie does not.
pub const LEVEL_BONUS: f32 = 3.0;
/// Added for the kind `guidance::preferred_kind` routes the visitor's level to
/// (step-by-step guides for newcomers, reference material for experts).
pub const KIND_BONUS: f32 = 2.0;

/// The words of a query: lowercased, split on anything that is not a letter or digit.
pub fn query_words(input: &str) -> Vec<String> {
    let cut: String = input.chars().take(MAX_QUERY_CHARS).collect();
    cut.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .take(MAX_QUERY_WORDS)
        .collect()
}

/// Meilisearch's rule: no typo for 1-4 characters, one for 5-8, two for 9 or more.
pub fn typo_budget(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// One query per meaningful word of `words`, in order; question words are dropped
/// unless nothing else is left. Each matches the articles with that word anywhere
/// and scores how well; counting and ranking the words matched, filters and the
/// visitor's level happen while collecting (`collect.rs`).
pub(super) fn build(
    fields: &SearchFields,
    analyzer: &mut TextAnalyzer,
    words: &[String],
    synonyms: &HashMap<String, Vec<String>>,
) -> Vec<Box<dyn Query>> {
    let meaningful: Vec<&String> =
        words.iter().filter(|word| !QUESTION_WORDS.contains(&word.as_str())).collect();
    let words: Vec<&String> = if meaningful.is_empty() { words.iter().collect() } else { meaningful };
    words
        .iter()
        .enumerate()
        .filter_map(|(index, word)| word_query(fields, analyzer, word, index + 1 == words.len(), synonyms))
        .collect()
}

/// One word anywhere in the article: exactly, with typos, as a prefix if it is the
/// last word, or as one of its synonyms.
fn word_query(
    fields: &SearchFields,
    analyzer: &mut TextAnalyzer,
    word: &str,
    is_last: bool,
    synonyms: &HashMap<String, Vec<String>>,
) -> Option<Box<dyn Query>> {
    let stem = analyze(analyzer, word).into_iter().next()?;
    let budget = typo_budget(word);
    let synonym_tokens: Vec<Vec<String>> =
        synonyms.get(&stem).into_iter().flatten().map(|synonym| analyze(analyzer, synonym)).collect();
    // Each automaton is built once for the word and walks every field's terms.
    let automaton = |query: FuzzyTermQuery| query.automaton().ok().map(Arc::new);
    let typo_automaton = if budget > 0 {
        automaton(FuzzyTermQuery::new(Term::from_field_text(fields.body, &stem), budget, true))
    } else {
        None
    };
    let prefix_automaton = if is_last && word.chars().count() >= 2 {
        automaton(FuzzyTermQuery::new_prefix(Term::from_field_text(fields.body, word), budget.min(1), true))
    } else {
        None
    };
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field_of, weight) in FIELD_WEIGHTS {
        let field = field_of(fields);
        let term = Term::from_field_text(field, &stem);
        let mut add = |query: Box<dyn Query>, boost: f32| {
            alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))))
        };
        add(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)), weight * EXACT_OVER_FUZZY);
        if let Some(automaton) = &typo_automaton {
            add(Box::new(FieldAutomatonQuery { field, automaton: Arc::clone(automaton) }), weight);
        }
        if let Some(automaton) = &prefix_automaton {
            add(
                Box::new(FieldAutomatonQuery { field, automaton: Arc::clone(automaton) }),
                weight * PREFIX_WEIGHT,
            );
        }
        for tokens in &synonym_tokens {
            let query: Box<dyn Query> = match tokens.as_slice() {
                [] => continue,
                [single] => Box::new(TermQuery::new(
                    Term::from_field_text(field, single),
                    IndexRecordOption::WithFreqs,
                )),
                several => Box::new(PhraseQuery::new(
                    several.iter().map(|token| Term::from_field_text(field, token)).collect(),
                )),
            };
            add(query, weight * EXACT_OVER_FUZZY * SYNONYM_WEIGHT);
        }
    }
    Some(Box::new(BooleanQuery::new(alternatives)))
}

/// A typo-tolerant or prefix match in one field, with an automaton shared by all
/// fields: building a Levenshtein automaton costs more than walking a field's
/// terms with it. Like tantivy's `FuzzyTermQuery`, every match scores the same.
#[derive(Clone)]
struct FieldAutomatonQuery {
    field: Field,
    automaton: Arc<DfaWrapper>,
}

impl std::fmt::Debug for FieldAutomatonQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldAutomatonQuery").field("field", &self.field).finish_non_exhaustive()
    }
}

impl Query for FieldAutomatonQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(self.field, Arc::clone(&self.automaton))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax_is_plain_text_and_long_input_is_cut() {
        assert_eq!(query_words("\"refund\": (card*) ~fee^2 -late"), ["refund", "card", "fee", "2", "late"]);
        assert_eq!(query_words("   "), Vec::<String>::new());
        assert_eq!(query_words(&"a".repeat(10_000)), ["a".repeat(MAX_QUERY_CHARS)]);
        assert_eq!(query_words(&"word ".repeat(100)).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn typo_budget_follows_word_length() {
        let cases =
            [("fee", 0), ("card", 0), ("payout", 1), ("invoices", 1), ("statement", 2), ("authenticator", 2)];
        for (word, budget) in cases {
            assert_eq!(typo_budget(word), budget, "{word}");
        }
    }
}
