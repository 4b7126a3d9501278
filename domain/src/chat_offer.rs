//! When live chat is offered, written down in one place. The portal offers a person
//! when the visit shows the visitor is stuck, and says why in their own words:
//!
//! 1. **Lingering**: 90 seconds of *visible* time on one page of help content (60
//!    for newcomers; a site can change both, [`LingerTimes`]). The browser measures
//!    it and reports it, checked against [`LingerTimes::lingered`], as a `lingered`
//!    event.
//! 2. **Searches that led nowhere**: two different searches within 5 minutes that
//!    found nothing ([`OfferReason::SearchesFoundNothing`]), or found something nobody
//!    opened ([`OfferReason::SearchesWithoutClick`]). A search whose results were not
//!    opened only counts once the visitor moved on from it (searched again or opened
//!    another page): on its own results page they are still looking at them. The
//!    same words searched again (a reload, another filter) are one search.
//! 3. **A reworded search**: a search within 2 minutes of the one before, sharing a
//!    word with it or spelling one of its words differently, when neither got a
//!    click ([`OfferReason::ReformulatedSearch`]). It counts at once, on the second
//!    search's own page: the rewording says the first did not help.
//! 4. **A "no"** on an article.
//! 5. **Bouncing**: three or more different articles opened within 2 minutes.
//! 6. **A task form sent back with errors twice** (the same task).
//!
//! Rules 2 and 3 are about the same searches, so a visit gets at most one of them:
//! "found nothing" first, then "reworded", then "without a click".
//!
//! What cancels them:
//! - a success answers every sign before it: a "yes" vote or a sent task;
//! - a click on a result answers that search;
//! - a dismissed offer silences the rest of the visit (`ChatOfferDismissed`);
//! - a visit ends after 30 quiet minutes ([`VISIT_GAP_MS`], as journeys count
//!   visits), and the next one starts fresh.
//!
//! An offer already shown is no reason to hide it: the rules read the visit as it
//! is, so the offer stays on every page of the visit until it is dismissed or its
//! signs are answered (the caller stops asking once a conversation has started).
//! "Talk to us", on every page, needs no rule: the visitor asked, and the link makes
//! [`OfferReason::AskedForPerson`] itself, also after a dismissal.
//!
//! The rules only read events; the level changes nothing but the lingering time.

use crate::event::{EventKind, PageType};
use crate::level::Level;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::time::Duration;

/// Silence that ends a visit: the usual web-analytics session timeout, the one
/// the server's journeys and insights cut visits by (`journeys/visits.rs` and
/// `insights/rollups.rs` each keep their own copy today).
pub const VISIT_GAP_MS: i64 = 30 * 60 * 1000;
/// Two searches that led nowhere within this long of each other are a sign.
pub const SEARCHES_WINDOW_MS: i64 = 5 * 60 * 1000;
/// A search this soon after the one before can be a rewording of it.
pub const REWORDING_WINDOW_MS: i64 = 2 * 60 * 1000;
/// Three different articles within this long, without a "yes", are bouncing.
pub const BOUNCING_WINDOW_MS: i64 = 2 * 60 * 1000;
pub const BOUNCING_ARTICLES: u32 = 3;
/// A task form that comes back with errors this many times is a sign.
pub const TASK_FAILURES: u32 = 2;

/// Queries are kept in a reason up to this many characters (the search page cuts
/// them at 200 already).
const MAX_QUERY_CHARS: usize = 200;
/// At most this many queries are kept in a reason: the latest.
const MAX_QUERIES: usize = 3;
/// The rules read at most this many of the latest events since the last success:
/// a longer visit is a script, and reading it must stay cheap.
const MAX_SIGNS: usize = 500;
/// Words of a query compared with the next one's for a rewording.
const MAX_COMPARED_WORDS: usize = 6;
/// A query or slug quoted in words is cut to this many characters, so a hostile
/// query cannot make a huge line.
const QUOTED_CHARS: usize = 60;

/// Why chat was offered (or asked for). Stored: in `chat_offered` events and with
/// conversations (their `opened_because` list), as `{"reason": "searches_found_nothing", "queries": ["x", "y"]}`,
/// so the reason names and field names are a stored format. Rename nothing; a new
/// field must default when absent, and a changed one bumps the payload version of
/// `chat_offered` ([`EventKind::current_payload_version`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum OfferReason {
    /// The visitor read help content this long without moving on (measured in the browser).
    Lingered { seconds: u32 },
    /// Different searches within a few minutes found nothing: the latest few, as typed.
    SearchesFoundNothing { queries: Vec<String> },
    /// Different searches within a few minutes led to no result being opened.
    SearchesWithoutClick { queries: Vec<String> },
    /// A search soon reworded, neither with a result opened.
    ReformulatedSearch { first: String, second: String },
    /// A "no" on the article `slug` (events carry the slug, not the title).
    SaidNo { slug: String },
    /// This many different articles opened within a couple of minutes, none helped.
    Bouncing { articles: u32 },
    /// The form of `task` came back with errors this many times.
    TaskErrors { task: String, failures: u32 },
    /// The visitor chose "Talk to us": never made by the rules.
    AskedForPerson,
}

impl OfferReason {
    /// The reason's stored name (its serde tag), what insights group effort answers by.
    pub fn name(&self) -> &'static str {
        match self {
            OfferReason::Lingered { .. } => "lingered",
            OfferReason::SearchesFoundNothing { .. } => "searches_found_nothing",
            OfferReason::SearchesWithoutClick { .. } => "searches_without_click",
            OfferReason::ReformulatedSearch { .. } => "reformulated_search",
            OfferReason::SaidNo { .. } => "said_no",
            OfferReason::Bouncing { .. } => "bouncing",
            OfferReason::TaskErrors { .. } => "task_errors",
            OfferReason::AskedForPerson => "asked_for_person",
        }
    }

    /// The polite sentence shown to the visitor, quoting what they typed. Plain
    /// text: the caller escapes it for HTML.
    pub fn visitor_words(&self) -> String {
        match self {
            OfferReason::Lingered { .. } => {
                "Still reading? If this page doesn't answer your question, a person can help.".to_owned()
            }
            OfferReason::SearchesFoundNothing { queries } => {
                format!("Still looking? {} found nothing; a person can help.", searches_for(queries))
            }
            OfferReason::SearchesWithoutClick { queries } => {
                format!(
                    "Still looking? If the results for {} weren't what you need, a person can help.",
                    quoted_list(queries)
                )
            }
            OfferReason::ReformulatedSearch { first, second } => {
                format!(
                    "Still looking? You searched for {}, then {}; a person can help.",
                    quoted(first),
                    quoted(second)
                )
            }
            OfferReason::SaidNo { .. } => {
                "Sorry that article didn't help. A person can answer your question.".to_owned()
            }
            OfferReason::Bouncing { .. } => {
                "Haven't found the right article yet? A person can help.".to_owned()
            }
            OfferReason::TaskErrors { .. } => {
                "Trouble with this form? A person can help you finish it.".to_owned()
            }
            OfferReason::AskedForPerson => "You asked to talk to a person.".to_owned(),
        }
    }

    /// One short line for the support agent: what the visitor went through.
    pub fn agent_words(&self) -> String {
        match self {
            OfferReason::Lingered { seconds } => format!("Read one page for {seconds} s"),
            OfferReason::SearchesFoundNothing { queries } => {
                format!("{} found nothing: {}", count_of_searches(queries.len()), quoted_each(queries))
            }
            OfferReason::SearchesWithoutClick { queries } => {
                format!("{}, no result opened: {}", count_of_searches(queries.len()), quoted_each(queries))
            }
            OfferReason::ReformulatedSearch { first, second } => {
                format!("Reworded a search: {}, then {}", quoted(first), quoted(second))
            }
            OfferReason::SaidNo { slug } => format!("Said no to the article {}", quoted(slug)),
            OfferReason::Bouncing { articles } => {
                format!(
                    "Opened {articles} articles within {} minutes, no \"yes\"",
                    BOUNCING_WINDOW_MS / 60_000
                )
            }
            OfferReason::TaskErrors { task, failures } => {
                format!("The form {} came back with errors {failures} times", quoted(task))
            }
            OfferReason::AskedForPerson => "Asked for a person".to_owned(),
        }
    }
}

/// How long one page of help content must stay visible before a person is
/// offered: 90 seconds, and newcomers sooner, at 60, unless the site says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LingerTimes {
    pub everyone: Duration,
    pub newcomer: Duration,
}

impl Default for LingerTimes {
    fn default() -> Self {
        Self { everyone: Duration::from_secs(90), newcomer: Duration::from_secs(60) }
    }
}

impl LingerTimes {
    /// The visible time after which a visitor at `level` is offered a person.
    pub fn threshold(&self, level: Option<Level>) -> Duration {
        if level == Some(Level::Newcomer) { self.newcomer } else { self.everyone }
    }

    /// The lingering reason, when the browser measured `visible` time of at least
    /// the level's threshold; `None` for less (a report sent too early).
    pub fn lingered(&self, visible: Duration, level: Option<Level>) -> Option<OfferReason> {
        (visible >= self.threshold(level))
            .then(|| OfferReason::Lingered { seconds: u32::try_from(visible.as_secs()).unwrap_or(u32::MAX) })
    }
}

/// The events of the visit still going on at `now_ms`, from `events` in time order
/// (milliseconds since the Unix epoch): those after the last 30 quiet minutes, or
/// none when the last event is more than 30 minutes old (the next page starts a
/// new visit). A gap of exactly 30 minutes continues the visit, as journeys count.
pub fn current_visit<E>(events: &[(i64, E)], now_ms: i64) -> &[(i64, E)] {
    let Some((last, _)) = events.last() else { return events };
    if now_ms.saturating_sub(*last) > VISIT_GAP_MS {
        return &events[events.len()..];
    }
    let start = events
        .windows(2)
        .rposition(|pair| pair[1].0.saturating_sub(pair[0].0) > VISIT_GAP_MS)
        .map_or(0, |gap| gap + 1);
    &events[start..]
}

/// Why to offer a person now, the most recent sign first (its words are the ones
/// to show); empty when nothing says the visitor is stuck. `events` are the
/// visitor's recent events with when they happened (milliseconds since the Unix
/// epoch), in any order; only the visit going on at `now_ms` counts (see
/// [`current_visit`]). Never [`OfferReason::AskedForPerson`] (the visitor's own choice).
pub fn offer_reasons<E: Borrow<EventKind>>(events: &[(i64, E)], now_ms: i64) -> Vec<OfferReason> {
    let mut timeline: Vec<(i64, &EventKind)> = events.iter().map(|(at, kind)| (*at, kind.borrow())).collect();
    // Stable: events of the same millisecond keep the order they were given in.
    timeline.sort_by_key(|(at, _)| *at);
    let visit = current_visit(&timeline, now_ms);
    if visit.iter().any(|(_, kind)| matches!(kind, EventKind::ChatOfferDismissed { .. })) {
        return Vec::new();
    }
    let answered = visit.iter().rposition(|(_, kind)| {
        matches!(kind, EventKind::ArticleFeedback { helpful: true, .. } | EventKind::TaskSubmitted { .. })
    });
    let signs = &visit[answered.map_or(0, |success| success + 1)..];
    let signs = &signs[signs.len().saturating_sub(MAX_SIGNS)..];

    let mut found: Vec<(i64, OfferReason)> = Vec::new();
    found.extend(lingering(signs));
    found.extend(search_reason(signs));
    found.extend(said_no(signs));
    found.extend(bouncing(signs));
    found.extend(task_errors(signs));
    // Stable: at the same moment, the order above.
    found.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    found.into_iter().map(|(_, reason)| reason).collect()
}

/// One query of the visit: the same words searched again are the same search.
#[derive(Debug)]
struct Search<'a> {
    /// The latest spelling, as typed.
    query: &'a str,
    key: String,
    last_at: i64,
    /// Index in the visit's signs of its latest occurrence.
    last_index: usize,
    /// The most results any occurrence found.
    results: u32,
    clicked: bool,
}

impl Search<'_> {
    fn found_nothing(&self) -> bool {
        self.results == 0
    }
}

/// Rule 1: the latest page the browser reported read long enough.
fn lingering(signs: &[(i64, &EventKind)]) -> Option<(i64, OfferReason)> {
    signs.iter().rev().find_map(|(at, kind)| match kind {
        EventKind::Lingered { seconds, .. } => Some((*at, OfferReason::Lingered { seconds: *seconds })),
        _ => None,
    })
}

/// Rules 2 and 3: at most one reason about searches.
fn search_reason(signs: &[(i64, &EventKind)]) -> Option<(i64, OfferReason)> {
    let mut searches: Vec<Search<'_>> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    // Each occurrence in order, by index into `searches`, for rewordings.
    let mut occurrences: Vec<(i64, usize)> = Vec::new();
    let mut last_page_left: Option<usize> = None;
    for (index, (at, kind)) in signs.iter().enumerate() {
        let (query, results) = match kind {
            EventKind::Searched { query, results } => (query, *results),
            EventKind::SearchWithoutResults { query } => (query, 0),
            EventKind::SearchResultClicked { query, .. } => {
                if let Some(position) = by_key.get(&search_key(query)) {
                    searches[*position].clicked = true;
                }
                continue;
            }
            EventKind::PageViewed { page, .. } if *page != PageType::SearchResults => {
                last_page_left = Some(index);
                continue;
            }
            _ => continue,
        };
        let key = search_key(query);
        if key.is_empty() {
            continue;
        }
        let position = match by_key.get(&key) {
            Some(&position) => {
                let search = &mut searches[position];
                search.query = query.trim();
                search.last_at = *at;
                search.last_index = index;
                search.results = search.results.max(results);
                position
            }
            None => {
                by_key.insert(key.clone(), searches.len());
                searches.push(Search {
                    query: query.trim(),
                    key,
                    last_at: *at,
                    last_index: index,
                    results,
                    clicked: false,
                });
                searches.len() - 1
            }
        };
        if occurrences.last().is_none_or(|(_, previous)| *previous != position) {
            occurrences.push((*at, position));
        }
    }
    let latest_search = searches.iter().map(|search| search.last_index).max();
    // A search led nowhere when nothing of it was opened and it found nothing, or
    // the visitor has moved on from its results (another search, another page).
    let led_nowhere = |search: &Search<'_>| {
        let moved_on = latest_search != Some(search.last_index)
            || last_page_left.is_some_and(|left| left > search.last_index);
        !search.clicked && (search.found_nothing() || moved_on)
    };

    let mut nowhere: Vec<&Search<'_>> = searches.iter().filter(|search| led_nowhere(search)).collect();
    nowhere.sort_by_key(|search| search.last_at);
    let nothing_found: Vec<&Search<'_>> =
        nowhere.iter().copied().filter(|search| search.found_nothing()).collect();
    if let Some((at, window)) = latest_window(&nothing_found, SEARCHES_WINDOW_MS) {
        return Some((at, OfferReason::SearchesFoundNothing { queries: queries_of(window) }));
    }
    let reworded = occurrences.windows(2).rev().find_map(|pair| {
        let ((first_at, first), (second_at, second)) = (pair[0], pair[1]);
        let (first, second) = (&searches[first], &searches[second]);
        (second_at - first_at <= REWORDING_WINDOW_MS
            && !first.clicked
            && !second.clicked
            && reworded(&first.key, &second.key))
        .then(|| {
            let reason =
                OfferReason::ReformulatedSearch { first: kept(first.query), second: kept(second.query) };
            (second_at, reason)
        })
    });
    if reworded.is_some() {
        return reworded;
    }
    latest_window(&nowhere, SEARCHES_WINDOW_MS)
        .map(|(at, window)| (at, OfferReason::SearchesWithoutClick { queries: queries_of(window) }))
}

/// The latest run of at least two searches (in time order) within `window_ms` of
/// its last one, with when that last one was.
fn latest_window<'s, 'a>(
    searches: &'s [&'s Search<'a>],
    window_ms: i64,
) -> Option<(i64, &'s [&'s Search<'a>])> {
    (1..searches.len()).rev().find_map(|last| {
        let at = searches[last].last_at;
        let first = searches[..last].partition_point(|search| at - search.last_at > window_ms);
        (first < last).then(|| (at, &searches[first..=last]))
    })
}

fn queries_of(window: &[&Search<'_>]) -> Vec<String> {
    window[window.len().saturating_sub(MAX_QUERIES)..].iter().map(|search| kept(search.query)).collect()
}

/// A query as a reason keeps it.
fn kept(query: &str) -> String {
    query.chars().take(MAX_QUERY_CHARS).collect()
}

/// What makes two queries the same search: case and spacing aside.
fn search_key(query: &str) -> String {
    query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect()
}

/// Words too common to tie two searches together.
const COMMON_WORDS: [&str; 32] = [
    "a", "an", "and", "are", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "in", "is",
    "it", "me", "my", "no", "not", "of", "on", "or", "the", "to", "what", "when", "where", "why", "you",
    "your",
];

/// Whether `second` rewords `first` (both search keys): they share a word (or its
/// start: "refund" and "refunds"), or spell one of its words differently, with as
/// many typos as search forgives (none up to 4 letters, one up to 8, two beyond).
fn reworded(first: &str, second: &str) -> bool {
    let words = |query: &str| -> Vec<String> {
        query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty() && !COMMON_WORDS.contains(word))
            .take(MAX_COMPARED_WORDS)
            .map(|word| word.chars().take(40).collect())
            .collect()
    };
    let (first, second) = (words(first), words(second));
    first.iter().any(|a| second.iter().any(|b| same_word(a, b)))
}

fn same_word(a: &str, b: &str) -> bool {
    let (shorter, longer) = if a.chars().count() <= b.chars().count() { (a, b) } else { (b, a) };
    let longer_chars = longer.chars().count();
    let typos = match longer_chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    };
    let shorter_chars = shorter.chars().count();
    shorter == longer
        || (shorter_chars >= 3 && longer.starts_with(shorter))
        || (typos > 0 && longer_chars - shorter_chars <= typos && edit_distance(shorter, longer) <= typos)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and a
/// swap of two neighbouring letters each count one.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

/// Rule 4: the latest "no" (a "no" repeated with what the visitor was looking for
/// is the same vote).
fn said_no(signs: &[(i64, &EventKind)]) -> Option<(i64, OfferReason)> {
    signs.iter().rev().find_map(|(at, kind)| match kind {
        EventKind::ArticleFeedback { slug, helpful: false, .. } => {
            Some((*at, OfferReason::SaidNo { slug: slug.clone() }))
        }
        _ => None,
    })
}

/// Rule 5: the latest moment at least three different articles had been opened
/// within two minutes, with how many. One pass with a sliding window, so a flood of
/// page views costs no more than reading it.
fn bouncing(signs: &[(i64, &EventKind)]) -> Option<(i64, OfferReason)> {
    let articles: Vec<(i64, &str)> = signs
        .iter()
        .filter_map(|(at, kind)| match kind {
            EventKind::PageViewed { page: PageType::Article, path, .. } => {
                path.strip_prefix("/articles/").map(|slug| (*at, slug))
            }
            _ => None,
        })
        .collect();
    let mut in_window: HashMap<&str, usize> = HashMap::new();
    let mut first = 0;
    let mut latest = None;
    for (at, slug) in &articles {
        *in_window.entry(slug).or_default() += 1;
        while at - articles[first].0 > BOUNCING_WINDOW_MS {
            let leaving = articles[first].1;
            if let Some(count) = in_window.get_mut(leaving) {
                *count -= 1;
                if *count == 0 {
                    in_window.remove(leaving);
                }
            }
            first += 1;
        }
        let different = u32::try_from(in_window.len()).unwrap_or(u32::MAX);
        if different >= BOUNCING_ARTICLES {
            latest = Some((*at, OfferReason::Bouncing { articles: different }));
        }
    }
    latest
}

/// Rule 6: the task whose form came back with errors at least twice, the latest
/// such if several did.
fn task_errors(signs: &[(i64, &EventKind)]) -> Option<(i64, OfferReason)> {
    let mut failures: HashMap<&str, (u32, i64)> = HashMap::new();
    for (at, kind) in signs {
        if let EventKind::TaskValidationFailed { task, .. } = kind {
            let entry = failures.entry(task).or_default();
            *entry = (entry.0 + 1, *at);
        }
    }
    failures
        .into_iter()
        .filter(|(_, (count, _))| *count >= TASK_FAILURES)
        .max_by_key(|(task, (_, at))| (*at, *task))
        .map(|(task, (count, at))| (at, OfferReason::TaskErrors { task: task.to_owned(), failures: count }))
}

/// Typed text quoted for reading: control and direction-changing characters
/// (which could make a line lie about its order) dropped, spaces collapsed, cut to
/// [`QUOTED_CHARS`].
fn quoted(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let cleaned = words.join(" ");
    if cleaned.chars().count() > QUOTED_CHARS {
        let cut: String = cleaned.chars().take(QUOTED_CHARS - 1).collect();
        format!("'{}…'", cut.trim_end())
    } else {
        format!("'{cleaned}'")
    }
}

/// "'x'", "'x' and 'y'", "'x', 'y' and 'z'".
fn quoted_list(queries: &[String]) -> String {
    let quoted: Vec<String> = queries.iter().map(|query| quoted(query)).collect();
    match quoted.split_last() {
        None => "your searches".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// "'x', 'y'" for agents.
fn quoted_each(queries: &[String]) -> String {
    queries.iter().map(|query| quoted(query)).collect::<Vec<_>>().join(", ")
}

fn searches_for(queries: &[String]) -> String {
    match queries.len() {
        0 => "Your searches".to_owned(),
        1 => format!("Your search for {}", quoted_list(queries)),
        _ => format!("Searches for {}", quoted_list(queries)),
    }
}

fn count_of_searches(count: usize) -> String {
    if count == 1 { "1 search".to_owned() } else { format!("{count} searches") }
}

#[cfg(test)]
mod tests;
