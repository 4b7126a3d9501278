//! Editors' insights kept as daily rollups, updated event by event as the log is
//! read (by the same reader that teaches the next-question model), so a report over
//! any period adds up a few small maps per day instead of scanning the log: its
//! cost follows the days and distinct queries, not the millions of events.
//!
//! What a visit tells beyond single events is followed per visitor until the visit
//! ends (30 quiet minutes):
//! - a search is "clicked" when a result of it is opened in the same visit (once
//!   per search, however many results are opened);
//! - a failed search (no results) followed in the same visit by a "yes" on an
//!   article, or by an article the visit ends on with no search after it, suggests
//!   that article answers the query: "people searching 'x' ended up on 'Y'";
//! - a search is "followed by a chat" when the same visit later starts a chat or
//!   leaves a message (once per query and visit, on the day of its latest search);
//! - a visit is self-served when it gave a "yes" or sent a task and never asked for
//!   a person (started a chat or left a message, or opened the "ask our team"
//!   article), and counted by the article it entered on (its topic).

use crate::store::StoredEvent;
use std::collections::{BTreeMap, HashMap, HashSet};
use telepath_domain::{EventKind, ListedPage, PageType};

const DAY_MS: i64 = 86_400_000;
/// Silence that ends a visit (the same 30 minutes journeys use).
pub const VISIT_GAP_MS: i64 = 30 * 60 * 1000;
/// The article that asks for a person (`urls::ASK_THE_TEAM`), beside live chat.
const ASK_FOR_A_PERSON: &str = telepath_app::urls::ASK_THE_TEAM;
/// Queries are kept as typed (trimmed, lower-cased) up to this many characters.
const MAX_QUERY_CHARS: usize = 100;

/// A day's counts, by what editors can act on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Day {
    pub searches: HashMap<String, SearchCounts>,
    /// Per article: (yes, no).
    pub votes: HashMap<String, (u32, u32)>,
    /// Per (task, field): forms sent back with an error there.
    pub field_errors: HashMap<(String, String), u32>,
    /// Per article or sent task: next-question lists shown after it, and links followed.
    pub next_questions: HashMap<(ListedPage, String), (u32, u32)>,
    /// Per (failed query, article): visits that searched it and ended up there.
    pub suggested_fixes: HashMap<(String, String), u32>,
    /// Per entry article (`None`: entered elsewhere), visits by how they ended.
    pub outcomes: HashMap<Option<String>, Outcomes>,
}

/// How visits ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// A "yes" or a sent task, and no request for a person.
    pub self_served: u32,
    pub asked_for_a_person: u32,
    pub neither: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchCounts {
    pub searched: u32,
    pub without_results: u32,
    /// Searches whose results were opened in the same visit.
    pub clicked: u32,
    /// Visits that searched this and then started a chat or left a message.
    pub followed_by_chat: u32,
}

/// What one visitor's current visit has shown so far.
#[derive(Debug, Default)]
struct Trail {
    last_at_ms: i64,
    /// Searches of this visit not yet clicked, by query.
    unclicked: HashSet<String>,
    /// Failed searches of this visit, with the day they happened.
    failed: Vec<(String, i64)>,
    /// Queries of this visit since it last asked for a chat, with the day of each one's latest search.
    searched_before_chat: HashMap<String, i64>,
    /// The article read since the last search, if any.
    landed: Option<String>,
    /// The first page of the visit, when it was an article.
    entry: Option<Option<String>>,
    started_day: i64,
    served: bool,
    asked_for_a_person: bool,
}

/// Each day's counts, by day number since the Unix epoch (UTC).
pub type DailyCounts = BTreeMap<i64, Day>;

#[derive(Debug, Default)]
pub struct Rollups {
    days: DailyCounts,
    trails: HashMap<String, Trail>,
}

pub fn normalise_query(query: &str) -> String {
    query.trim().to_lowercase().chars().take(MAX_QUERY_CHARS).collect()
}

impl Rollups {
    /// Adds one event (events arrive in log order).
    pub fn add(&mut self, event: &StoredEvent) {
        let at = event.occurred_at_ms;
        let day_index = at.div_euclid(DAY_MS);
        let trail = self.trails.entry(event.visitor.clone()).or_default();
        if at - trail.last_at_ms > VISIT_GAP_MS {
            let ended = std::mem::take(trail);
            finish_visit(&mut self.days, ended);
        }
        let trail = self.trails.entry(event.visitor.clone()).or_default();
        trail.last_at_ms = at;
        if trail.entry.is_none() {
            let entry = match &event.kind {
                EventKind::PageViewed { page: PageType::Article, path, .. } => {
                    path.strip_prefix("/articles/").map(str::to_owned)
                }
                _ => None,
            };
            trail.entry = Some(entry);
            trail.started_day = day_index;
        }
        let day = self.days.entry(day_index).or_default();
        match &event.kind {
            EventKind::Searched { query, results } => {
                let query = normalise_query(query);
                let counts = day.searches.entry(query.clone()).or_default();
                counts.searched += 1;
                trail.landed = None;
                trail.searched_before_chat.insert(query.clone(), day_index);
                if *results == 0 {
                    counts.without_results += 1;
                    trail.failed.push((query, day_index));
                } else {
                    trail.unclicked.insert(query);
                }
            }
            EventKind::SearchResultClicked { query, .. } => {
                let query = normalise_query(query);
                if trail.unclicked.remove(&query) {
                    day.searches.entry(query).or_default().clicked += 1;
                }
            }
            // What a visitor was looking for follows the vote it explains: not a second vote.
            EventKind::ArticleFeedback { looking_for: Some(_), .. } => {}
            EventKind::ArticleFeedback { slug, helpful, looking_for: None } => {
                let votes = day.votes.entry(slug.clone()).or_default();
                if *helpful {
                    votes.0 += 1;
                    trail.served = true;
                    for (query, failed_on) in trail.failed.drain(..) {
                        let fixes = &mut self.days.entry(failed_on).or_default().suggested_fixes;
                        *fixes.entry((query, slug.clone())).or_default() += 1;
                    }
                    trail.landed = None;
                } else {
                    votes.1 += 1;
                }
            }
            EventKind::TaskValidationFailed { task, fields, .. } => {
                for field in fields {
                    *day.field_errors.entry((task.clone(), field.clone())).or_default() += 1;
                }
            }
            EventKind::PageViewed { page: PageType::Article, path, .. } => {
                trail.asked_for_a_person |= path == ASK_FOR_A_PERSON;
                if !trail.failed.is_empty() {
                    trail.landed = path.strip_prefix("/articles/").map(str::to_owned);
                }
            }
            EventKind::TaskSubmitted { .. } => trail.served = true,
            EventKind::ChatRequested { .. } => {
                trail.asked_for_a_person = true;
                for (query, searched_on) in trail.searched_before_chat.drain() {
                    self.days
                        .entry(searched_on)
                        .or_default()
                        .searches
                        .entry(query)
                        .or_default()
                        .followed_by_chat += 1;
                }
            }
            EventKind::NextQuestionsShown { from, from_page, .. } => {
                day.next_questions.entry((*from_page, from.clone())).or_default().0 += 1
            }
            EventKind::NextQuestionClicked { from, from_page, .. } => {
                day.next_questions.entry((*from_page, from.clone())).or_default().1 += 1
            }
            _ => {}
        }
    }

    /// Ends the visits quiet since before `now_ms - VISIT_GAP_MS`, counting what they
    /// ended on, and forgets them; says how many ended.
    pub fn close_quiet(&mut self, now_ms: i64) -> usize {
        let quiet: Vec<String> = self
            .trails
            .iter()
            .filter(|(_, trail)| now_ms - trail.last_at_ms > VISIT_GAP_MS)
            .map(|(visitor, _)| visitor.clone())
            .collect();
        let ended = quiet.len();
        for visitor in quiet {
            if let Some(trail) = self.trails.remove(&visitor) {
                finish_visit(&mut self.days, trail);
            }
        }
        ended
    }

    /// The counts so far, to publish for reports (the visits still open stay here).
    pub fn daily_counts(&self) -> &DailyCounts {
        &self.days
    }
}

/// A visit that ended on an article after a failed search, with no search since,
/// suggests that article for the failed queries.
fn finish_visit(days: &mut DailyCounts, trail: Trail) {
    let Some(entry) = trail.entry else { return };
    let outcomes = days.entry(trail.started_day).or_default().outcomes.entry(entry).or_default();
    match (trail.asked_for_a_person, trail.served) {
        (true, _) => outcomes.asked_for_a_person += 1,
        (false, true) => outcomes.self_served += 1,
        (false, false) => outcomes.neither += 1,
    }
    let Some(slug) = trail.landed else { return };
    for (query, failed_on) in trail.failed {
        *days.entry(failed_on).or_default().suggested_fixes.entry((query, slug.clone())).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: i64, visitor: &str, minute: i64, kind: EventKind) -> StoredEvent {
        StoredEvent { id, visitor: visitor.into(), kind, occurred_at_ms: minute * 60_000 }
    }

    fn searched(query: &str, results: u32) -> EventKind {
        EventKind::Searched { query: query.into(), results }
    }

    fn read(slug: &str) -> EventKind {
        EventKind::PageViewed {
            page: PageType::Article,
            path: format!("/articles/{slug}"),
            title: String::new(),
            referrer: None,
        }
    }

    fn day0(rollups: &Rollups) -> &Day {
        &rollups.days[&0]
    }

    #[test]
    fn searches_count_once_as_clicked_however_many_results_are_opened() {
        let mut rollups = Rollups::default();
        let clicked =
            |rank| EventKind::SearchResultClicked { query: "Refund ".into(), rank, slug: "x".into() };
        for (id, kind) in
            [searched("refund", 4), clicked(1), clicked(2), searched("refund", 4), searched("VAT", 0)]
                .into_iter()
                .enumerate()
        {
            rollups.add(&at(id as i64, "a", id as i64, kind));
        }
        let searches = &day0(&rollups).searches;
        let counts = |searched, without_results, clicked| SearchCounts {
            searched,
            without_results,
            clicked,
            followed_by_chat: 0,
        };
        assert_eq!(searches["refund"], counts(2, 0, 1));
        assert_eq!(searches["vat"], counts(1, 1, 0));
    }

    #[test]
    fn a_failed_search_then_a_yes_or_the_last_article_of_the_visit_suggests_a_fix() {
        let mut rollups = Rollups::default();
        let yes =
            |slug: &str| EventKind::ArticleFeedback { slug: slug.into(), helpful: true, looking_for: None };
        let events = [
            at(1, "voter", 0, searched("chargeback", 0)),
            at(2, "voter", 1, read("disputes")),
            at(3, "voter", 2, yes("disputes")),
            at(4, "reader", 0, searched("chargeback", 0)),
            at(5, "reader", 1, read("refunds")),
            at(6, "searcher", 0, searched("chargeback", 0)),
            at(7, "searcher", 1, read("refunds")),
            at(8, "searcher", 2, searched("chargeback dispute", 3)),
        ];
        for event in &events {
            rollups.add(event);
        }
        rollups.close_quiet(100 * 60_000);
        let fixes = &day0(&rollups).suggested_fixes;
        assert_eq!(fixes.get(&("chargeback".into(), "disputes".into())), Some(&1));
        assert_eq!(fixes.get(&("chargeback".into(), "refunds".into())), Some(&1), "the reader ended there");
        assert_eq!(fixes.values().sum::<u32>(), 2, "the searcher searched again: no suggestion");
    }

    #[test]
    fn visits_are_counted_by_their_entry_article_as_self_served_asking_for_a_person_or_neither() {
        let mut rollups = Rollups::default();
        let yes = EventKind::ArticleFeedback { slug: "refunds".into(), helpful: true, looking_for: None };
        let sent = EventKind::TaskSubmitted { task: "refund".into(), reference: "TP-1".into() };
        let events = [
            at(1, "voter", 0, read("refunds")),
            at(2, "voter", 1, yes),
            at(3, "sender", 0, read("refunds")),
            at(4, "sender", 1, sent),
            at(5, "asker", 0, read("refunds")),
            at(6, "asker", 1, read("contact-support")),
            at(7, "browser", 0, read("refunds")),
            at(8, "searcher", 0, searched("x", 1)),
            at(9, "chatter", 0, read("refunds")),
            at(
                10,
                "chatter",
                1,
                EventKind::ArticleFeedback { slug: "refunds".into(), helpful: true, looking_for: None },
            ),
            at(11, "chatter", 2, EventKind::ChatRequested { conversation: 1 }),
        ];
        for event in &events {
            rollups.add(event);
        }
        rollups.close_quiet(100 * 60_000);
        let outcomes = &day0(&rollups).outcomes;
        assert_eq!(
            outcomes[&Some("refunds".to_owned())],
            Outcomes { self_served: 2, asked_for_a_person: 2, neither: 1 },
            "a chat asks for a person, whatever the visit said before"
        );
        assert_eq!(outcomes[&None], Outcomes { self_served: 0, asked_for_a_person: 0, neither: 1 });
    }

    #[test]
    fn a_search_is_followed_by_a_chat_once_per_visit_that_then_asks_for_a_person() {
        let mut rollups = Rollups::default();
        let chat = |conversation| EventKind::ChatRequested { conversation };
        let events = [
            at(1, "stuck", 0, searched("vat", 0)),
            at(2, "stuck", 1, searched("VAT ", 0)),
            at(3, "stuck", 2, searched("refund", 4)),
            at(4, "stuck", 3, chat(1)),
            at(5, "stuck", 4, chat(2)),
            at(6, "stuck", 5, searched("late fee", 0)),
            at(7, "calm", 0, searched("vat", 2)),
            at(8, "back", 0, searched("vat", 0)),
            at(9, "back", 90, chat(3)),
        ];
        for event in &events {
            rollups.add(event);
        }
        rollups.close_quiet(200 * 60_000);
        let followed = |query: &str| day0(&rollups).searches[query].followed_by_chat;
        assert_eq!(followed("vat"), 1, "searched twice, one visit, chats twice: once");
        assert_eq!(followed("refund"), 1);
        assert_eq!(followed("late fee"), 0, "searched after the chat");
        assert_eq!(day0(&rollups).searches["vat"].searched, 4);
    }

    #[test]
    fn votes_field_errors_and_next_questions_are_counted_per_day() {
        let mut rollups = Rollups::default();
        let events = [
            EventKind::ArticleFeedback { slug: "a".into(), helpful: false, looking_for: None },
            EventKind::ArticleFeedback {
                slug: "a".into(),
                helpful: false,
                looking_for: Some("how to void it".into()),
            },
            EventKind::ArticleFeedback { slug: "a".into(), helpful: true, looking_for: None },
            EventKind::TaskValidationFailed {
                task: "refund".into(),
                fields: vec!["invoice".into(), "amount".into()],
                messages: [("amount".into(), "Please enter 1 or more.".into())].into(),
            },
            EventKind::NextQuestionsShown {
                from: "a".into(),
                shown: vec!["/articles/b".into()],
                from_page: ListedPage::Article,
            },
            EventKind::NextQuestionClicked {
                from: "a".into(),
                to: "b".into(),
                from_page: ListedPage::Article,
                to_page: ListedPage::Article,
            },
            EventKind::NextQuestionsShown {
                from: "refund".into(),
                shown: vec!["/articles/b".into()],
                from_page: ListedPage::Task,
            },
        ];
        for (id, kind) in events.into_iter().enumerate() {
            rollups.add(&at(id as i64, "v", 0, kind));
        }
        rollups.add(&at(9, "v", 24 * 60 + 1, searched("later", 1)));
        let day = day0(&rollups);
        assert_eq!(day.votes["a"], (1, 1));
        assert_eq!(day.field_errors[&("refund".into(), "invoice".into())], 1);
        assert_eq!(day.next_questions[&(ListedPage::Article, "a".into())], (1, 1));
        assert_eq!(
            day.next_questions[&(ListedPage::Task, "refund".into())],
            (1, 0),
            "a task's confirmation is its own row, apart from any article of that name"
        );
        assert!(rollups.daily_counts()[&1].searches.contains_key("later"), "the next day has its own counts");
    }
}
