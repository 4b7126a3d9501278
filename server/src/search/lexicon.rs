//! The words the articles use, as written (lowercased), with how often: the
//! dictionary a typed word is compared with to forgive typos and complete a prefix.
//! Kept in memory as an FST (the structure tantivy keeps its terms in), rebuilt on
//! every sync, so a typo or prefix automaton walks only the words under its first
//! letter. The words found are then searched by their stems, with BM25 and the
//! field weights like any other word.

use super::query::typo_budget;
use std::collections::HashMap;
use tantivy::Term;
use tantivy::query::{DfaWrapper, FuzzyTermQuery};
use tantivy::schema::Field;
use tantivy_fst::{Automaton, IntoStreamer, Map, Streamer};

/// At most this many words stand for one typed word (the most frequent): a short
/// prefix such as "in" would otherwise become hundreds of terms.
const MAX_EXPANSIONS: usize = 24;

pub(super) struct Lexicon {
    words: Map<Vec<u8>>,
}

impl Default for Lexicon {
    fn default() -> Lexicon {
        Lexicon::build(&HashMap::new())
    }
}

impl Lexicon {
    pub(super) fn build(vocabulary: &HashMap<String, usize>) -> Lexicon {
        let mut sorted: Vec<(&String, &usize)> = vocabulary.iter().collect();
        sorted.sort_unstable();
        let words = Map::from_iter(sorted.into_iter().map(|(word, count)| (word.as_bytes(), *count as u64)))
            // Keys are unique and sorted, so this cannot fail; an empty lexicon only
            // means no typo is forgiven.
            .unwrap_or_else(|_| Map::from_iter(std::iter::empty::<(&[u8], u64)>()).expect("an empty map"));
        Lexicon { words }
    }

    pub(super) fn contains(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// The words within the typos `written`'s length allows, the first letter kept
    /// (Meilisearch counts a typo there as two); with `prefix`, the words that start
    /// with such a spelling, for the word being typed.
    pub(super) fn with_typos(&self, written: &str, prefix: bool) -> Vec<String> {
        let budget = typo_budget(written);
        let Some(first) = written.chars().next() else { return Vec::new() };
        if budget == 0 {
            return Vec::new();
        }
        let budget = if prefix { budget.min(1) } else { budget };
        let rest = &written[first.len_utf8()..];
        let Ok(rest) = dfa(rest, budget, prefix) else { return Vec::new() };
        self.most_frequent(KeepFirstLetter { first: first.to_string().into_bytes().into(), rest })
    }

    /// The words that start with `written`.
    pub(super) fn completions(&self, written: &str) -> Vec<String> {
        match dfa(written, 0, true) {
            Ok(automaton) => self.most_frequent(automaton),
            Err(_) => Vec::new(),
        }
    }

    fn most_frequent<A: Automaton>(&self, automaton: A) -> Vec<String> {
        let mut stream = self.words.search(automaton).into_stream();
        let mut found = Vec::new();
        while let Some((word, count)) = stream.next() {
            found.push((std::cmp::Reverse(count), String::from_utf8_lossy(word).into_owned()));
        }
        found.sort_unstable();
        found.into_iter().take(MAX_EXPANSIONS).map(|(_, word)| word).collect()
    }
}

/// A Levenshtein automaton (a swap of neighbours is one edit) from tantivy; the
/// field is never looked at.
fn dfa(word: &str, distance: u8, prefix: bool) -> tantivy::Result<DfaWrapper> {
    let term = Term::from_field_text(Field::from_field_id(0), word);
    if prefix {
        FuzzyTermQuery::new_prefix(term, distance, true).automaton()
    } else {
        FuzzyTermQuery::new(term, distance, true).automaton()
    }
}

/// A typo automaton that keeps the first letter exactly.
struct KeepFirstLetter {
    first: Box<[u8]>,
    rest: DfaWrapper,
}

/// Where [`KeepFirstLetter`] is in a word: within its first letter's bytes, in the
/// rest, or off the track.
#[derive(Clone)]
enum Step {
    First(usize),
    Rest(u32),
    Dead,
}

impl Automaton for KeepFirstLetter {
    type State = Step;

    fn start(&self) -> Step {
        Step::First(0)
    }

    fn is_match(&self, state: &Step) -> bool {
        matches!(state, Step::Rest(rest) if self.rest.is_match(rest))
    }

    fn can_match(&self, state: &Step) -> bool {
        match state {
            Step::First(_) => true,
            Step::Rest(rest) => self.rest.can_match(rest),
            Step::Dead => false,
        }
    }

    fn accept(&self, state: &Step, byte: u8) -> Step {
        match *state {
            Step::First(at) if self.first.get(at) == Some(&byte) => {
                if at + 1 == self.first.len() {
                    Step::Rest(self.rest.start())
                } else {
                    Step::First(at + 1)
                }
            }
            Step::Rest(rest) => Step::Rest(self.rest.accept(&rest, byte)),
            Step::First(_) | Step::Dead => Step::Dead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_keep_the_first_letter_and_a_swap_is_one() {
        let vocabulary: HashMap<String, usize> =
            [("change", 9), ("changes", 3), ("chance", 1), ("current", 5), ("currency", 2), ("hange", 1)]
                .into_iter()
                .map(|(word, count)| (word.to_owned(), count))
                .collect();
        let lexicon = Lexicon::build(&vocabulary);
        assert_eq!(lexicon.with_typos("chnage", false), ["change"]);
        assert_eq!(lexicon.with_typos("currency", false), ["currency"], "current is two edits away");
        assert!(lexicon.with_typos("xhange", false).is_empty(), "the first letter is kept");
        assert!(lexicon.with_typos("chan", false).is_empty(), "four letters get no typo");
        assert_eq!(lexicon.completions("chan"), ["change", "changes", "chance"]);
        assert_eq!(lexicon.with_typos("chnag", true), ["change", "changes"]);
    }
}
