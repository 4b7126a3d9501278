//! From what a visitor typed to a tantivy query. Query syntax characters are never
//! interpreted: the input is cut into words, so `"`, `:`, `(`, `*`, `~`, `^` and `-`
//! are plain separators and can never cause a parse error.

use super::{SearchFields, SearchRequest, analyze};
use std::collections::HashMap;
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
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

/// Added once for each query word an article matches, so articles matching more of
/// the words always come first (Meilisearch's "words" rule); BM25 orders the rest.
const WORD_MATCH_BONUS: f32 = 20.0;

/// Words that carry no meaning in a question ("how do I …"): dropped from a query
/// unless nothing else is left.
const QUESTION_WORDS: &[&str] = &[
    "a", "an", "the", "i", "my", "me", "we", "our", "do", "does", "did", "how", "what", "when", "where",
    "why", "which", "can", "could", "should", "to", "of", "for", "in", "on", "is", "are", "am", "it", "and",
    "or", "with", "your", "you", "will", "be", "from", "at", "by", "this", "that", "there", "please",
];

/// Added to the score of an article written for the visitor's level (an article for
/// everyone gets half). A strong title match still beats it; a tie does not.
pub const LEVEL_BONUS: f32 = 3.0;
/// Added for the kind each level is routed to: step-by-step guides for newcomers,
/// reference material for experts.
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

/// The query for `words`. With `require_all`, only articles matching every word;
/// otherwise any word, ranked by how many words matched and then by relevance.
/// Filters and the visitor's level are applied while collecting the matches.
pub(super) fn build(
    fields: &SearchFields,
    analyzer: &mut TextAnalyzer,
    words: &[String],
    synonyms: &HashMap<String, Vec<String>>,
    require_all: bool,
) -> Box<dyn Query> {
    let meaningful: Vec<&String> =
        words.iter().filter(|word| !QUESTION_WORDS.contains(&word.as_str())).collect();
    let words: Vec<&String> = if meaningful.is_empty() { words.iter().collect() } else { meaningful };
    let mut word_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (index, word) in words.iter().enumerate() {
        let Some(query) = word_query(fields, analyzer, word, index + 1 == words.len(), synonyms) else {
            continue;
        };
        if require_all {
            word_clauses.push((Occur::Must, query));
        } else {
            word_clauses
                .push((Occur::Should, Box::new(ConstScoreQuery::new(query.box_clone(), WORD_MATCH_BONUS))));
            word_clauses.push((Occur::Should, query));
        }
    }
    Box::new(BooleanQuery::new(word_clauses))
}

/// `query` restricted to the request's category, level and kind.
pub(super) fn filtered(
    fields: &SearchFields,
    query: Box<dyn Query>,
    request: &SearchRequest,
) -> Box<dyn Query> {
    let exact = |field, value: &str| -> (Occur, Box<dyn Query>) {
        (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic)))
    };
    let mut clauses = vec![(Occur::Must, query)];
    if let Some(category) = &request.category {
        clauses.push(exact(fields.category, category));
    }
    if let Some(level) = request.level {
        clauses.push(exact(fields.level, level.as_str()));
    }
    if let Some(kind) = request.kind {
        clauses.push(exact(fields.kind, kind.as_str()));
    }
    Box::new(BooleanQuery::new(clauses))
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
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field_of, weight) in FIELD_WEIGHTS {
        let field = field_of(fields);
        let term = Term::from_field_text(field, &stem);
        let mut add = |query: Box<dyn Query>, boost: f32| {
            alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))))
        };
        add(Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)), weight * EXACT_OVER_FUZZY);
        if budget > 0 {
            add(Box::new(FuzzyTermQuery::new(term, budget, true)), weight);
        }
        if is_last && word.chars().count() >= 2 {
            let prefix = Term::from_field_text(field, word);
            add(Box::new(FuzzyTermQuery::new_prefix(prefix, budget.min(1), true)), weight * PREFIX_WEIGHT);
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
