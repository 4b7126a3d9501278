//! A period's insights, added up from the daily counts: what editors read on
//! `/editors/insights` and download as CSV.

use super::rollups::{DailyCounts, Outcomes, SearchCounts};
use std::collections::HashMap;
use telepath_domain::ListedPage;

/// The `days` days ending with day number `last_day` (since the Unix epoch, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub last_day: i64,
    pub days: u32,
}

impl Period {
    fn first_day(self) -> i64 {
        self.last_day - i64::from(self.days) + 1
    }

    /// The period in milliseconds since the Unix epoch: from the start of its first
    /// day (inclusive) to the start of the day after its last (exclusive).
    pub fn bounds_ms(self) -> (i64, i64) {
        const DAY_MS: i64 = 86_400_000;
        (self.first_day() * DAY_MS, (self.last_day + 1) * DAY_MS)
    }

    /// The period of the same length just before this one, for trends.
    fn previous(self) -> Period {
        Period { last_day: self.first_day() - 1, days: self.days }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchRow {
    pub query: String,
    pub counts: SearchCounts,
    /// Searches in the period before, to compare.
    pub before: u32,
}

impl SearchRow {
    /// Searches whose results were shown but none opened.
    pub fn not_clicked(&self) -> u32 {
        self.counts.searched
            - self.counts.without_results
            - self.counts.clicked.min(self.counts.searched - self.counts.without_results)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct VoteRow {
    pub slug: String,
    pub yes: u32,
    pub no: u32,
}

impl VoteRow {
    pub fn helpful_share(&self) -> f64 {
        f64::from(self.yes) / f64::from((self.yes + self.no).max(1))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldErrorRow {
    pub task: String,
    pub field: String,
    pub errors: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NextQuestionRow {
    /// The article, or the task whose confirmation showed the list.
    pub from_page: ListedPage,
    pub from: String,
    pub shown: u32,
    pub followed: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FixRow {
    pub query: String,
    pub slug: String,
    pub visits: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Per day of the period, oldest first: (day, searches, searches without results).
    pub searches_by_day: Vec<(i64, u32, u32)>,
    /// Most searched first.
    pub searches: Vec<SearchRow>,
    /// Worst first: the lowest share of "yes", then the most votes.
    pub votes: Vec<VoteRow>,
    pub field_errors: Vec<FieldErrorRow>,
    pub next_questions: Vec<NextQuestionRow>,
    pub suggested_fixes: Vec<FixRow>,
    /// How visits ended, by the article they entered on (`None`: elsewhere).
    pub outcomes: Vec<(Option<String>, Outcomes)>,
}

impl Report {
    pub fn without_results(&self) -> impl Iterator<Item = &SearchRow> {
        self.searches_by(|row| row.counts.without_results)
    }

    /// Searches whose visits went on to ask for a person in a chat, the most first.
    pub fn followed_by_chat(&self) -> impl Iterator<Item = &SearchRow> {
        self.searches_by(|row| row.counts.followed_by_chat)
    }

    pub fn without_clicks(&self) -> impl Iterator<Item = &SearchRow> {
        self.searches_by(SearchRow::not_clicked)
    }

    /// The searches with some of `count`, the most first, then by query.
    fn searches_by(&self, count: impl Fn(&SearchRow) -> u32) -> impl Iterator<Item = &SearchRow> {
        let mut rows: Vec<&SearchRow> = self.searches.iter().filter(|row| count(row) > 0).collect();
        rows.sort_by(|a, b| count(b).cmp(&count(a)).then_with(|| a.query.cmp(&b.query)));
        rows.into_iter()
    }
}

fn sorted_desc<K: Ord + Clone, T>(map: HashMap<K, T>, key: impl Fn(&T) -> u32) -> Vec<(K, T)> {
    let mut rows: Vec<(K, T)> = map.into_iter().collect();
    rows.sort_by(|a, b| key(&b.1).cmp(&key(&a.1)).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// Adds up the days of `period`.
pub fn report(counts: &DailyCounts, period: Period) -> Report {
    let mut searches: HashMap<String, SearchCounts> = HashMap::new();
    let mut votes: HashMap<String, (u32, u32)> = HashMap::new();
    let mut field_errors: HashMap<(String, String), u32> = HashMap::new();
    let mut next_questions: HashMap<(ListedPage, String), (u32, u32)> = HashMap::new();
    let mut fixes: HashMap<(String, String), u32> = HashMap::new();
    let mut outcomes: HashMap<Option<String>, Outcomes> = HashMap::new();
    let mut searches_by_day = Vec::new();
    for day in period.first_day()..=period.last_day {
        let Some(counts) = counts.get(&day) else {
            searches_by_day.push((day, 0, 0));
            continue;
        };
        let (mut searched, mut failed) = (0, 0);
        for (query, day_counts) in &counts.searches {
            let total = searches.entry(query.clone()).or_default();
            total.searched += day_counts.searched;
            total.without_results += day_counts.without_results;
            total.clicked += day_counts.clicked;
            total.followed_by_chat += day_counts.followed_by_chat;
            searched += day_counts.searched;
            failed += day_counts.without_results;
        }
        searches_by_day.push((day, searched, failed));
        for (slug, (yes, no)) in &counts.votes {
            let total = votes.entry(slug.clone()).or_default();
            total.0 += yes;
            total.1 += no;
        }
        for (key, errors) in &counts.field_errors {
            *field_errors.entry(key.clone()).or_default() += errors;
        }
        for (from, (shown, followed)) in &counts.next_questions {
            let total = next_questions.entry(from.clone()).or_default();
            total.0 += shown;
            total.1 += followed;
        }
        for (key, visits) in &counts.suggested_fixes {
            *fixes.entry(key.clone()).or_default() += visits;
        }
        for (entry, day_outcomes) in &counts.outcomes {
            let total = outcomes.entry(entry.clone()).or_default();
            total.self_served += day_outcomes.self_served;
            total.asked_for_a_person += day_outcomes.asked_for_a_person;
            total.neither += day_outcomes.neither;
        }
    }
    let previous = period.previous();
    let before = |query: &str| -> u32 {
        counts
            .range(previous.first_day()..=previous.last_day)
            .filter_map(|(_, day)| day.searches.get(query))
            .map(|counts| counts.searched)
            .sum()
    };
    let searches = sorted_desc(searches, |counts| counts.searched)
        .into_iter()
        .map(|(query, counts)| SearchRow { before: before(&query), query, counts })
        .collect();
    let mut votes: Vec<VoteRow> =
        votes.into_iter().map(|(slug, (yes, no))| VoteRow { slug, yes, no }).collect();
    votes.sort_by(|a, b| {
        a.helpful_share()
            .total_cmp(&b.helpful_share())
            .then((b.yes + b.no).cmp(&(a.yes + a.no)))
            .then(a.slug.cmp(&b.slug))
    });
    Report {
        searches_by_day,
        searches,
        votes,
        field_errors: sorted_desc(field_errors, |errors| *errors)
            .into_iter()
            .map(|((task, field), errors)| FieldErrorRow { task, field, errors })
            .collect(),
        next_questions: sorted_desc(next_questions, |(shown, _)| *shown)
            .into_iter()
            .map(|((from_page, from), (shown, followed))| NextQuestionRow {
                from_page,
                from,
                shown,
                followed,
            })
            .collect(),
        suggested_fixes: sorted_desc(fixes, |visits| *visits)
            .into_iter()
            .map(|((query, slug), visits)| FixRow { query, slug, visits })
            .collect(),
        outcomes: sorted_desc(outcomes, |o| o.self_served + o.asked_for_a_person + o.neither),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::Day;

    fn day(searches: &[(&str, u32, u32, u32)], votes: &[(&str, u32, u32)]) -> Day {
        Day {
            searches: searches
                .iter()
                .map(|(query, searched, without_results, clicked)| {
                    (
                        (*query).to_owned(),
                        SearchCounts {
                            searched: *searched,
                            without_results: *without_results,
                            clicked: *clicked,
                            followed_by_chat: *clicked / 2,
                        },
                    )
                })
                .collect(),
            votes: votes.iter().map(|(slug, yes, no)| ((*slug).to_owned(), (*yes, *no))).collect(),
            ..Day::default()
        }
    }

    #[test]
    fn a_period_adds_up_its_days_with_trends_gaps_and_the_worst_articles_first() {
        let counts: DailyCounts = [
            (8, day(&[("refund", 5, 0, 5)], &[])),
            (9, day(&[("refund", 2, 0, 1), ("vat", 3, 3, 0)], &[("good", 9, 1), ("bad", 1, 3)])),
            (10, day(&[("refund", 4, 0, 2), ("api key", 2, 0, 0)], &[("bad", 0, 1), ("unsure", 1, 1)])),
        ]
        .into_iter()
        .collect();
        let report = report(&counts, Period { last_day: 10, days: 2 });
        assert_eq!(report.searches_by_day, [(9, 5, 3), (10, 6, 0)]);
        let top: Vec<(&str, u32, u32)> =
            report.searches.iter().map(|row| (row.query.as_str(), row.counts.searched, row.before)).collect();
        assert_eq!(top, [("refund", 6, 5), ("vat", 3, 0), ("api key", 2, 0)]);
        assert_eq!(report.without_results().map(|row| row.query.as_str()).collect::<Vec<_>>(), ["vat"]);
        let unclicked: Vec<(&str, u32)> =
            report.without_clicks().map(|row| (row.query.as_str(), row.not_clicked())).collect();
        assert_eq!(unclicked, [("refund", 3), ("api key", 2)]);
        let then_chat: Vec<(&str, u32)> =
            report.followed_by_chat().map(|row| (row.query.as_str(), row.counts.followed_by_chat)).collect();
        assert_eq!(then_chat, [("refund", 1)], "0 on day 9, 1 on day 10; day 8 is before the period");
        let votes: Vec<&str> = report.votes.iter().map(|row| row.slug.as_str()).collect();
        assert_eq!(votes, ["bad", "unsure", "good"]);
    }
}
