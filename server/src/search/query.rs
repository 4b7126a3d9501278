//! From what a visitor typed to queries, two per word. Query syntax characters
//! are never interpreted: the input is cut into words, so `"`, `:`, `(`, `*`, `~`,
//! `^` and `-` are plain separators and can never cause a parse error.
//!
//! Each word gets a *strong* query (the word itself by its stem, as a prefix when it
//! is the last word, or one of its synonyms) and a *typo* query (the word as typed,
//! with typos forgiven, against the words as written). Articles are ranked by how
//! many words they match strongly first (`collect.rs`), so a word matched by a typo
//! never outranks a word matched for real: `change currency` lists articles with
//! "currency" before articles that only have "current".
//!
//! Typos follow Meilisearch's documented rules (docs: "Typo tolerance calculations"
//! and "minWordSizeForTypos"):
//! - none for words of 1-4 characters, one for 5-8, two for 9 or more, counted on
//!   the word as typed;
//! - a swap of two neighbouring letters is one typo (Damerau-Levenshtein), so
//!   `chnage` finds "change";
//! - a typo on the first letter counts as two. For 5-8 letters that forbids it; for
//!   9 or more Meilisearch would still forgive a wrong first letter with the rest
//!   exact, which we do not: the first letter is always kept (fewer false matches,
//!   and the typo automaton walks only the terms under that letter).
//!
//! Typos and prefixes are matched against the words as written (lowercased and
//! folded, not stemmed; `lexicon.rs`), and the words found are searched by their
//! stems like the word itself: a typo automaton built from a stem and compared
//! with stems counts the stemmer's cuts as typos ("chnage" is two edits from the
//! stem "chang", one from "change"), and a stemmed "currenc" was one typo from
//! "current".
//!
//! Concatenation ("any way" for "anyway", one typo in Meilisearch) is not done.
//!
//! The weights, in one place:
//! - a word's relevance is BM25 per field, weighted by [`FIELD_WEIGHTS`], for the
//!   word and for each word a prefix or typo stands for (at most 24, the most
//!   frequent); an exact word counts [`EXACT_OVER_FUZZY`] times a typo match, a
//!   prefix and a synonym a little less than the word itself;
//! - articles are ranked by how many words they match strongly first, by how many
//!   they match at all (typos included) second, and by the summed relevance of
//!   those words third (`collect.rs`), so no amount of one word outweighs another;
//! - the visitor's level adds [`LEVEL_BONUS`] to the relevance of articles written
//!   for it (half for articles for everyone), and [`KIND_BONUS`] to the kind
//!   `telepath_domain::guidance::preferred_kind` routes the level to: the same
//!   preferences as everywhere else on the site (guidance rule 4).

use super::lexicon::Lexicon;
use super::{SearchFields, analyze};
use std::collections::HashMap;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

/// Longer input is cut here (the search box says so): no real question needs more.
pub const MAX_QUERY_CHARS: usize = 200;
/// More words than this add nothing but cost.
pub(super) const MAX_QUERY_WORDS: usize = 12;

/// Picks one field out of the schema.
type FieldOf = fn(&SearchFields) -> tantivy::schema::Field;

/// How much a match in each stemmed field counts, relative to body text.
const FIELD_WEIGHTS: [(FieldOf, f32); 5] = [
    (|fields| fields.title, 3.0),
    (|fields| fields.headings, 2.0),
    (|fields| fields.tags, 2.0),
    (|fields| fields.summary, 1.5),
    (|fields| fields.body, 1.0),
];
/// A word not at the end is read as cut short only from this length on.
const MIN_CUT_SHORT_CHARS: usize = 4;
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
    "got", "has", "have", "was", "were", "been",
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

/// Whether `found` (a word as written, lowercased and folded) is `typed` with no
/// more typos than its length allows and the first letter kept: the rule the typo
/// queries follow, for highlighting the same words.
pub(super) fn forgives(typed: &str, found: &str) -> bool {
    let budget = usize::from(typo_budget(typed));
    let (mut typed_chars, mut found_chars) = (typed.chars(), found.chars());
    budget > 0
        && typed_chars.next() == found_chars.next()
        && typed.chars().count().abs_diff(found.chars().count()) <= budget
        && super::highlight::typo_distance(typed_chars.as_str(), found_chars.as_str()) <= budget
}

/// What one word of the query matches.
pub(super) struct WordQuery {
    /// The word itself (by stem), as a prefix if it is the last word, or a synonym.
    pub(super) strong: Box<dyn Query>,
    /// The word as typed with typos forgiven, when its length allows any.
    pub(super) typo: Option<Box<dyn Query>>,
}

/// One query pair per meaningful word of `words`, in order; question words are
/// dropped unless nothing else is left. Each matches the articles with that word
/// anywhere and scores how well; counting and ranking the words matched, filters
/// and the visitor's level happen while collecting (`collect.rs`).
pub(super) fn build(
    fields: &SearchFields,
    analyzers: &mut super::Analyzers,
    lexicon: &Lexicon,
    words: &[String],
    synonyms: &HashMap<String, Vec<String>>,
) -> Vec<WordQuery> {
    let words = meaningful(words);
    words
        .iter()
        .enumerate()
        .filter_map(|(index, word)| {
            word_query(fields, analyzers, lexicon, word, index + 1 == words.len(), synonyms)
        })
        .collect()
}

/// The words a query searches for: all but question words, unless nothing else is left.
pub(super) fn meaningful(words: &[String]) -> Vec<&String> {
    let meaningful: Vec<&String> =
        words.iter().filter(|word| !QUESTION_WORDS.contains(&word.as_str())).collect();
    if meaningful.is_empty() { words.iter().collect() } else { meaningful }
}

/// One word anywhere in the article: exactly, as a prefix if it is the last word,
/// or as one of its synonyms (strong); or with typos (typo). Prefixes and typos
/// are looked up in the lexicon of words as written, and the words found are
/// searched by stem like the word itself.
fn word_query(
    fields: &SearchFields,
    analyzers: &mut super::Analyzers,
    lexicon: &Lexicon,
    word: &str,
    is_last: bool,
    synonyms: &HashMap<String, Vec<String>>,
) -> Option<WordQuery> {
    let stem = analyze(&mut analyzers.stemmed, word).into_iter().next()?;
    let written = analyze(&mut analyzers.written, word).into_iter().next()?;
    let mut stem_of = |found: &str| analyze(&mut analyzers.stemmed, found).into_iter().next();
    let mut strong_stems = vec![stem.clone()];
    let mut prefix_stems = Vec::new();
    if is_last && written.chars().count() >= 2 {
        for found in lexicon.completions(&written) {
            if let Some(found) = stem_of(&found).filter(|found| !strong_stems.contains(found)) {
                strong_stems.push(found.clone());
                prefix_stems.push(found);
            }
        }
    }
    let mut typo_stems: Vec<String> = Vec::new();
    let mut typos = lexicon.with_typos(&written, false);
    if is_last {
        typos.extend(lexicon.with_typos(&written, true));
    } else if typos.is_empty()
        && !lexicon.contains(&written)
        && written.chars().count() >= MIN_CUT_SHORT_CHARS
    {
        // A word the articles never use, with no typo near it, was probably cut
        // short ("recurr invoi"): its completions count like typos, below real words.
        typos = lexicon.completions(&written);
    }
    for found in typos {
        if let Some(found) =
            stem_of(&found).filter(|found| !strong_stems.contains(found) && !typo_stems.contains(found))
        {
            typo_stems.push(found);
        }
    }
    let synonym_tokens: Vec<Vec<String>> = synonyms
        .get(&stem)
        .into_iter()
        .flatten()
        .map(|synonym| analyze(&mut analyzers.stemmed, synonym))
        .collect();
    let mut strong: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut typo: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let boosted = |query: Box<dyn Query>, boost: f32| -> (Occur, Box<dyn Query>) {
        (Occur::Should, Box::new(BoostQuery::new(query, boost)))
    };
    let term = |field: Field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
    };
    for (field_of, weight) in FIELD_WEIGHTS {
        let field = field_of(fields);
        strong.push(boosted(term(field, &stem), weight * EXACT_OVER_FUZZY));
        for found in &prefix_stems {
            strong.push(boosted(term(field, found), weight * EXACT_OVER_FUZZY * PREFIX_WEIGHT));
        }
        for tokens in &synonym_tokens {
            let query: Box<dyn Query> = match tokens.as_slice() {
                [] => continue,
                [single] => term(field, single),
                several => Box::new(PhraseQuery::new(
                    several.iter().map(|token| Term::from_field_text(field, token)).collect(),
                )),
            };
            strong.push(boosted(query, weight * EXACT_OVER_FUZZY * SYNONYM_WEIGHT));
        }
        for found in &typo_stems {
            typo.push(boosted(term(field, found), weight));
        }
    }
    Some(WordQuery {
        strong: Box::new(BooleanQuery::new(strong)),
        typo: (!typo.is_empty()).then(|| Box::new(BooleanQuery::new(typo)) as Box<dyn Query>),
    })
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

    #[test]
    fn a_swap_is_one_typo_and_the_first_letter_is_kept() {
        assert!(forgives("chnage", "change"), "a swap of neighbours is one typo");
        assert!(forgives("recieve", "receive"));
        assert!(!forgives("currency", "current"), "two edits in eight letters");
        assert!(!forgives("hcange", "change"), "a typo on the first letter counts as two");
        assert!(!forgives("xhange", "change"));
        assert!(forgives("authenticatr", "authenticator"));
        assert!(!forgives("tap", "tip"), "four letters or fewer get no typo");
    }
}
