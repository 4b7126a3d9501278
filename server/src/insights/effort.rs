//! Customer effort for editors: the store's counts for a period, added up per
//! task, for all chats, per agent and per reason chat was offered, on one scale
//! version (a reworded question starts a new series, never mixed with the old).

use crate::store::{EffortKey, EffortSummaryRow};
use std::collections::HashMap;

/// How many ratings of each score something got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EffortTally {
    /// Ratings of 1 to 5: `counts[0]` is the number of 1s.
    pub counts: [u32; 5],
}

impl EffortTally {
    pub fn ratings(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// The mean score, 1 to 5; `None` without ratings.
    pub fn mean(&self) -> Option<f64> {
        let ratings = self.ratings();
        let total: u64 = self.counts.iter().zip(1u64..).map(|(count, score)| u64::from(*count) * score).sum();
        (ratings > 0).then(|| total as f64 / f64::from(ratings))
    }

    /// The share (0 to 1) of ratings of 1 or 2, "low effort".
    pub fn low_effort_share(&self) -> f64 {
        f64::from(self.counts[0] + self.counts[1]) / f64::from(self.ratings().max(1))
    }

    fn add(&mut self, counts: &[u32; 5]) {
        for (total, count) in self.counts.iter_mut().zip(counts) {
            *total += count;
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EffortReport {
    pub scale_version: u32,
    /// Per task id, most ratings first.
    pub tasks: Vec<(String, EffortTally)>,
    /// All chats together; `None` when no chat was rated.
    pub chat: Option<EffortTally>,
    /// Per agent (staff account id; `None`: nobody answered), most ratings first.
    pub agents: Vec<(Option<i64>, EffortTally)>,
    /// Per reason chat was offered, most ratings first.
    pub offer_reasons: Vec<(String, EffortTally)>,
    /// Ratings in the period on other scale versions, left out of everything above.
    pub other_scale_ratings: u32,
}

/// Adds up the store's summary rows of scale `scale_version`, counting the rest
/// only as left out.
pub fn effort_report(rows: &[EffortSummaryRow], scale_version: u32) -> EffortReport {
    let mut tasks: HashMap<String, EffortTally> = HashMap::new();
    let mut agents: HashMap<Option<i64>, EffortTally> = HashMap::new();
    let mut offer_reasons: HashMap<String, EffortTally> = HashMap::new();
    let mut other_scale_ratings = 0;
    for row in rows {
        if row.scale_version != scale_version {
            // Each rating is in one task row or one agent row: counting those
            // counts every left-out rating once.
            if matches!(row.key, EffortKey::Task { .. } | EffortKey::ChatAgent { .. }) {
                other_scale_ratings += row.counts.iter().sum::<u32>();
            }
            continue;
        }
        match &row.key {
            EffortKey::Task { task } => tasks.entry(task.clone()).or_default().add(&row.counts),
            EffortKey::ChatAgent { agent } => agents.entry(*agent).or_default().add(&row.counts),
            EffortKey::ChatOfferReason { reason } => {
                offer_reasons.entry(reason.clone()).or_default().add(&row.counts)
            }
        }
    }
    let chat = (!agents.is_empty()).then(|| {
        let mut all = EffortTally::default();
        agents.values().for_each(|tally| all.add(&tally.counts));
        all
    });
    EffortReport {
        scale_version,
        tasks: most_rated_first(tasks),
        chat,
        agents: most_rated_first(agents),
        offer_reasons: most_rated_first(offer_reasons),
        other_scale_ratings,
    }
}

fn most_rated_first<K: Ord>(tallies: HashMap<K, EffortTally>) -> Vec<(K, EffortTally)> {
    let mut rows: Vec<(K, EffortTally)> = tallies.into_iter().collect();
    rows.sort_by(|a, b| b.1.ratings().cmp(&a.1.ratings()).then_with(|| a.0.cmp(&b.0)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(scale_version: u32, key: EffortKey, counts: [u32; 5]) -> EffortSummaryRow {
        EffortSummaryRow { scale_version, key, counts }
    }

    fn task(task: &str) -> EffortKey {
        EffortKey::Task { task: task.into() }
    }

    #[test]
    fn one_scale_is_added_up_per_task_chat_agent_and_reason_and_the_others_only_counted() {
        let rows = [
            row(1, task("change-address"), [0, 0, 1, 0, 0]),
            row(1, task("request-a-refund"), [2, 1, 0, 0, 1]),
            row(1, EffortKey::ChatAgent { agent: None }, [0, 0, 0, 0, 1]),
            row(1, EffortKey::ChatAgent { agent: Some(3) }, [1, 1, 0, 0, 0]),
            row(1, EffortKey::ChatOfferReason { reason: "stuck".into() }, [1, 0, 0, 0, 1]),
            row(2, task("request-a-refund"), [0, 0, 0, 4, 0]),
            row(2, EffortKey::ChatAgent { agent: Some(3) }, [0, 1, 0, 0, 0]),
            row(2, EffortKey::ChatOfferReason { reason: "stuck".into() }, [0, 1, 0, 0, 0]),
        ];
        let report = effort_report(&rows, 1);
        let tasks: Vec<(&str, u32)> =
            report.tasks.iter().map(|(t, tally)| (t.as_str(), tally.ratings())).collect();
        assert_eq!(tasks, [("request-a-refund", 4), ("change-address", 1)], "most rated first");
        let refund = report.tasks[0].1;
        assert_eq!(refund.mean(), Some((1.0 + 1.0 + 2.0 + 5.0) / 4.0));
        assert_eq!(refund.low_effort_share(), 0.75);
        assert_eq!(report.chat, Some(EffortTally { counts: [1, 1, 0, 0, 1] }), "every chat, once");
        assert_eq!(report.agents.iter().map(|(agent, _)| *agent).collect::<Vec<_>>(), [Some(3), None]);
        assert_eq!(report.offer_reasons, [("stuck".to_owned(), EffortTally { counts: [1, 0, 0, 0, 1] })]);
        assert_eq!(report.other_scale_ratings, 5, "version 2's ratings, each counted once");

        let empty = effort_report(&[], 1);
        assert_eq!((empty.chat, empty.tasks.len(), empty.other_scale_ratings), (None, 0, 0));
        assert_eq!(EffortTally::default().mean(), None);
        assert_eq!(EffortTally::default().low_effort_share(), 0.0);
    }
}
