//! Marks the words a query matched, the same way the query matched them (exactly,
//! by stem, with a typo, as a prefix, or as a synonym), in escaped HTML, and picks
//! the snippet: whole sentences of prose, the one with the most query words.

use super::query::forgives;
use super::{Analyzers, analyze};
use crate::content::escape_html;
use std::cell::RefCell;
use std::collections::HashMap;

/// How many words a result snippet shows at most.
const SNIPPET_WORDS: usize = 28;
/// How many words of context come before the first match when a sentence is cut.
const LEAD_WORDS: usize = 6;

struct QueryWord {
    /// As typed, lowercased and folded.
    written: String,
    stem: String,
    synonym_stems: Vec<String>,
    is_last: bool,
}

pub(super) struct Highlighter {
    words: Vec<QueryWord>,
    analyzers: RefCell<Analyzers>,
    /// Token → the query word it matches, if any. Articles repeat their words, so
    /// most tokens are decided once per search instead of stemmed and compared
    /// every time.
    decided: RefCell<HashMap<String, Option<usize>>>,
}

impl Highlighter {
    pub(super) fn new(
        words: &[&String],
        synonyms: &HashMap<String, Vec<String>>,
        analyzers: &mut Analyzers,
    ) -> Highlighter {
        let mut query_words = Vec::new();
        for (index, word) in words.iter().enumerate() {
            let stem =
                analyze(&mut analyzers.stemmed, word).into_iter().next().unwrap_or_else(|| (*word).clone());
            let written =
                analyze(&mut analyzers.written, word).into_iter().next().unwrap_or_else(|| (*word).clone());
            let mut synonym_stems = Vec::new();
            for synonym in synonyms.get(&stem).into_iter().flatten() {
                synonym_stems.extend(analyze(&mut analyzers.stemmed, synonym));
            }
            query_words.push(QueryWord { written, stem, synonym_stems, is_last: index + 1 == words.len() });
        }
        Highlighter {
            words: query_words,
            analyzers: RefCell::new(Analyzers::new()),
            decided: RefCell::new(HashMap::new()),
        }
    }

    /// The index of the query word `token` matches, if any.
    fn matched_word(&self, token: &str) -> Option<usize> {
        if let Some(&decided) = self.decided.borrow().get(token) {
            return decided;
        }
        let (stem, written) = {
            let mut analyzers = self.analyzers.borrow_mut();
            let stem = analyze(&mut analyzers.stemmed, token).into_iter().next().unwrap_or_default();
            let written = analyze(&mut analyzers.written, token).into_iter().next().unwrap_or_default();
            (stem, written)
        };
        let matched = self.words.iter().position(|word| {
            stem == word.stem
                || word.synonym_stems.contains(&stem)
                || (word.is_last && word.written.chars().count() >= 2 && written.starts_with(&word.written))
                || forgives(&word.written, &written)
        });
        self.decided.borrow_mut().insert(token.to_owned(), matched);
        matched
    }

    fn matches(&self, token: &str) -> bool {
        self.matched_word(token).is_some()
    }

    /// `text` escaped, with every matching word in `<mark>`.
    pub(super) fn highlight_all(&self, text: &str) -> String {
        let runs = runs(text);
        render(&runs, |run| run.is_word && self.matches(run.text))
    }

    /// The snippet of a result: from the first of `sources` with a match, the
    /// sentence with the most of the query's words (the earliest of equals), with
    /// the sentences after it while they fit, or a window of it around its first
    /// match when it alone is too long. Sources are prose first (summary and body
    /// without tables or code), so a row of cells or a JSON payload is shown only
    /// when nothing else matches. Without any match, the first sentences.
    pub(super) fn snippet(&self, sources: &[&str]) -> String {
        for source in sources {
            let sentences = sentences(source);
            let mut best: Option<(usize, usize)> = None;
            for (index, sentence) in sentences.iter().enumerate() {
                let mut seen = 0u32;
                for run in runs(sentence).iter().filter(|run| run.is_word) {
                    if let Some(word) = self.matched_word(run.text) {
                        seen |= 1 << word.min(31);
                    }
                }
                let distinct = seen.count_ones() as usize;
                if distinct > best.map_or(0, |(_, most)| most) {
                    best = Some((index, distinct));
                    if distinct == self.words.len() {
                        break;
                    }
                }
            }
            if let Some((index, _)) = best {
                return self.render_sentences(&sentences[index..], true);
            }
        }
        let first = sources.iter().map(|source| sentences(source)).find(|sentences| !sentences.is_empty());
        first.map(|sentences| self.render_sentences(&sentences, false)).unwrap_or_default()
    }

    /// The first of `sentences`, and the next ones while they fit in
    /// [`SNIPPET_WORDS`]; a first sentence too long is cut around its first match.
    fn render_sentences(&self, sentences: &[&str], has_match: bool) -> String {
        let word_count = |sentence: &str| runs(sentence).iter().filter(|run| run.is_word).count();
        let Some(first) = sentences.first() else { return String::new() };
        if word_count(first) > SNIPPET_WORDS {
            return self.window(first, has_match);
        }
        let mut words = 0;
        let mut parts = Vec::new();
        for sentence in sentences {
            let count = word_count(sentence);
            if words + count > SNIPPET_WORDS {
                break;
            }
            words += count;
            parts.push(render(&runs(sentence), |run| run.is_word && self.matches(run.text)));
        }
        let mut html = parts.join(" ");
        if parts.len() < sentences.len() {
            html.push_str(" …");
        }
        html
    }

    /// [`SNIPPET_WORDS`] words of one long sentence around its first match.
    fn window(&self, text: &str, has_match: bool) -> String {
        let runs = runs(text);
        let word_indexes: Vec<usize> =
            runs.iter().enumerate().filter(|(_, run)| run.is_word).map(|(index, _)| index).collect();
        let first_match = if has_match {
            word_indexes.iter().position(|&index| self.matches(runs[index].text)).unwrap_or(0)
        } else {
            0
        };
        let start_word =
            first_match.saturating_sub(LEAD_WORDS).min(word_indexes.len().saturating_sub(SNIPPET_WORDS));
        let end_word = (start_word + SNIPPET_WORDS).min(word_indexes.len());
        if end_word == 0 {
            return String::new();
        }
        let (start, end) = (word_indexes[start_word], word_indexes[end_word - 1] + 1);
        let mut html = String::new();
        if start_word > 0 {
            html.push_str("… ");
        }
        html.push_str(&render(&runs[start..end], |run| run.is_word && self.matches(run.text)));
        if end_word < word_indexes.len() {
            html.push_str(" …");
        }
        html
    }
}

/// `text` cut into sentences: at line ends (one line per block of prose) and after
/// `.`, `!` or `?` followed by a space and a capital letter or a digit.
fn sentences(text: &str) -> Vec<&str> {
    let mut sentences = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        for (at, c) in line.char_indices() {
            if !matches!(c, '.' | '!' | '?') {
                continue;
            }
            let end = at + c.len_utf8();
            let rest = &line[end..];
            let next_starts = rest.strip_prefix(' ').and_then(|rest| rest.chars().next());
            if next_starts.is_some_and(|next| next.is_uppercase() || next.is_ascii_digit()) {
                sentences.push(line[start..end].trim());
                start = end;
            }
        }
        sentences.push(line[start..].trim());
    }
    sentences.retain(|sentence| sentence.chars().any(char::is_alphanumeric));
    sentences
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
    use super::{sentences, typo_distance};

    #[test]
    fn text_is_cut_into_sentences_at_line_ends_and_full_stops() {
        assert_eq!(
            sentences("Open Settings. Choose 3 days, e.g. before.\nThen save! ok\n\n"),
            ["Open Settings.", "Choose 3 days, e.g. before.", "Then save! ok"]
        );
    }

    #[test]
    fn a_swapped_pair_is_one_typo() {
        assert_eq!(typo_distance("payuot", "payout"), 1);
        assert_eq!(typo_distance("invocie", "invoice"), 1);
        assert_eq!(typo_distance("kitten", "sitting"), 3);
    }
}
