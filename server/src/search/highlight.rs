//! Marks the words a query matched, the same way the query matched them (exactly,
//! by stem, with a typo, as a prefix, or as a synonym), in escaped HTML.

use super::analyze;
use super::query::typo_budget;
use crate::content::escape_html;
use std::cell::RefCell;
use std::collections::HashMap;
use tantivy::tokenizer::TextAnalyzer;

/// How many words a result snippet shows.
const SNIPPET_WORDS: usize = 28;
/// How many words of context come before the first match.
const LEAD_WORDS: usize = 6;

struct QueryWord {
    word: String,
    stem: String,
    stem_chars: usize,
    budget: u8,
    is_last: bool,
}

pub(super) struct Highlighter {
    words: Vec<QueryWord>,
    synonym_stems: Vec<String>,
    analyzer: RefCell<TextAnalyzer>,
    /// Token → whether it matches. Articles repeat their words, so most tokens are
    /// decided once per search instead of stemmed and compared every time.
    decided: RefCell<HashMap<String, bool>>,
}

impl Highlighter {
    pub(super) fn new(
        words: &[String],
        synonyms: &HashMap<String, Vec<String>>,
        analyzer: &mut TextAnalyzer,
    ) -> Highlighter {
        let mut query_words = Vec::new();
        let mut synonym_stems = Vec::new();
        for (index, word) in words.iter().enumerate() {
            let stem = analyze(analyzer, word).into_iter().next().unwrap_or_else(|| word.clone());
            for synonym in synonyms.get(&stem).into_iter().flatten() {
                synonym_stems.extend(analyze(analyzer, synonym));
            }
            query_words.push(QueryWord {
                word: word.clone(),
                stem_chars: stem.chars().count(),
                stem,
                budget: typo_budget(word),
                is_last: index + 1 == words.len(),
            });
        }
        Highlighter {
            words: query_words,
            synonym_stems,
            analyzer: RefCell::new(analyzer.clone()),
            decided: RefCell::new(HashMap::new()),
        }
    }

    fn matches(&self, token: &str) -> bool {
        if let Some(&decided) = self.decided.borrow().get(token) {
            return decided;
        }
        let lower = token.to_lowercase();
        let stem = analyze(&mut self.analyzer.borrow_mut(), &lower).into_iter().next().unwrap_or_default();
        let stem_chars = stem.chars().count();
        let matched = self.synonym_stems.contains(&stem)
            || self.words.iter().any(|word| {
                let budget = usize::from(word.budget);
                stem == word.stem
                    // Words whose lengths differ by more than the budget are never within it.
                    || (budget > 0
                        && stem_chars.abs_diff(word.stem_chars) <= budget
                        && typo_distance(&stem, &word.stem) <= budget)
                    || (word.is_last && word.word.chars().count() >= 2 && lower.starts_with(&word.word))
            });
        self.decided.borrow_mut().insert(token.to_owned(), matched);
        matched
    }

    /// `text` escaped, with every matching word in `<mark>`.
    pub(super) fn highlight_all(&self, text: &str) -> String {
        let runs = runs(text);
        render(&runs, |run| run.is_word && self.matches(run.text))
    }

    /// A short window of `text` around its first match, escaped and marked. Reads
    /// `text` only up to the end of the window: article bodies are long, and the
    /// first match is usually early.
    pub(super) fn snippet(&self, text: &str) -> String {
        let mut runs = Runs { text, start: 0 };
        let mut seen = Vec::new();
        // Indexes in `seen` of the words.
        let mut word_indexes = Vec::new();
        let mut first_match = None;
        for run in runs.by_ref() {
            if run.is_word {
                word_indexes.push(seen.len());
                if self.matches(run.text) {
                    first_match = Some(word_indexes.len() - 1);
                    seen.push(run);
                    break;
                }
            }
            seen.push(run);
        }
        let start_word = first_match.unwrap_or(0).saturating_sub(LEAD_WORDS);
        while word_indexes.len() < start_word + SNIPPET_WORDS {
            let Some(run) = runs.next() else { break };
            if run.is_word {
                word_indexes.push(seen.len());
            }
            seen.push(run);
        }
        if word_indexes.is_empty() {
            return String::new();
        }
        let end_word = (start_word + SNIPPET_WORDS).min(word_indexes.len());
        let start = word_indexes[start_word];
        let end = word_indexes[end_word - 1] + 1;
        let mut html = String::new();
        if start_word > 0 {
            html.push_str("… ");
        }
        html.push_str(&render(&seen[start..end], |run| run.is_word && self.matches(run.text)));
        let more_words = end_word < word_indexes.len()
            || seen[end..].iter().any(|run| run.is_word)
            || runs.any(|run| run.is_word);
        if more_words {
            html.push_str(" …");
        }
        html
    }
}

struct Run<'a> {
    text: &'a str,
    is_word: bool,
}

/// `text` cut into alternating runs of word characters and everything else.
fn runs(text: &str) -> Vec<Run<'_>> {
    Runs { text, start: 0 }.collect()
}

/// The runs of `text` from byte `start` on, one at a time.
struct Runs<'a> {
    text: &'a str,
    start: usize,
}

impl<'a> Iterator for Runs<'a> {
    type Item = Run<'a>;

    fn next(&mut self) -> Option<Run<'a>> {
        let rest = &self.text[self.start..];
        let is_word = rest.chars().next()?.is_alphanumeric();
        let length = rest.find(|c: char| c.is_alphanumeric() != is_word).unwrap_or(rest.len());
        self.start += length;
        Some(Run { text: &rest[..length], is_word })
    }
}

fn render(runs: &[Run<'_>], marked: impl Fn(&Run<'_>) -> bool) -> String {
    let mut html = String::new();
    for run in runs {
        let escaped = escape_html(run.text);
        if marked(run) {
            html.push_str("<mark>");
            html.push_str(&escaped);
            html.push_str("</mark>");
        } else {
            html.push_str(&escaped);
        }
    }
    html
}

/// Edits between two words, counting a swap of neighbours as one edit, as the
/// index's fuzzy matching does (optimal string alignment distance).
pub(super) fn typo_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1).min(table[i][j - 1] + 1).min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::typo_distance;

    #[test]
    fn a_swapped_pair_is_one_typo() {
        assert_eq!(typo_distance("payuot", "payout"), 1);
        assert_eq!(typo_distance("invocie", "invoice"), 1);
        assert_eq!(typo_distance("kitten", "sitting"), 3);
    }
}
