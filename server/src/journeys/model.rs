//! The next-question model: for each article, task form or sent task, what
//! visitors went on to in the same visit. A simple sequential rule model, the kind
//! Ludewig & Jannach (2018) found as good as neural session recommenders:
//! - a step counts for each of the (up to) `WINDOW` steps before it in its visit,
//!   the nearest fully, each one further back half as much;
//! - recent visits weigh more: a step's weight doubles every `HALF_LIFE_DAYS`
//!   of the model's clock, which ranks the same as halving every older one, so
//!   learning a new event never touches the old counts;
//! - a visit teaches at most `MAX_STEPS_PER_VISIT` steps (see `visits`).

use super::visits::{Arrival, Step, Visit};
use std::collections::HashMap;

/// How far back in a visit a step still counts as leading here.
pub const WINDOW: usize = 3;
/// A step this many days older weighs half as much.
pub const HALF_LIFE_DAYS: f64 = 30.0;
const DAY_MS: f64 = 86_400_000.0;

#[derive(Clone, Debug, Default)]
pub struct NextQuestionModel {
    /// The moment weights are measured from: the first step learned.
    epoch_ms: Option<i64>,
    followed: HashMap<Step, HashMap<Step, f64>>,
    /// Visits that went straight on from each step: how much the model has seen.
    moved_on: HashMap<Step, u32>,
    steps_learned: u64,
}

impl NextQuestionModel {
    /// Learns one step of a visit from the steps before it.
    pub fn learn(&mut self, arrival: &Arrival) {
        let to = &arrival.step.step;
        if !to.is_destination() {
            return;
        }
        let epoch = *self.epoch_ms.get_or_insert(arrival.step.at_ms);
        let recency = 2f64.powf((arrival.step.at_ms - epoch) as f64 / (HALF_LIFE_DAYS * DAY_MS));
        for (distance, from) in arrival.earlier.iter().take(WINDOW).enumerate() {
            if from == to {
                continue;
            }
            let weight = recency * 0.5f64.powi(distance as i32);
            *self.followed.entry(from.clone()).or_default().entry(to.clone()).or_default() += weight;
            if distance == 0 {
                *self.moved_on.entry(from.clone()).or_default() += 1;
            }
        }
        self.steps_learned += 1;
    }

    /// Learns every step of a finished visit, in order.
    pub fn learn_visit(&mut self, visit: &Visit) {
        for arrival in visit.arrivals() {
            self.learn(&arrival);
        }
    }

    /// What followed `from`, best first, each with its share of the best score
    /// (1.0 for the first); ties in a stable order.
    pub fn ranked(&self, from: &Step) -> Vec<(Step, f64)> {
        let Some(followed) = self.followed.get(from) else { return Vec::new() };
        let mut ranked: Vec<(Step, f64)> = followed.iter().map(|(to, score)| (to.clone(), *score)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let best = ranked.first().map_or(1.0, |(_, score)| *score);
        ranked.into_iter().map(|(to, score)| (to, score / best)).collect()
    }

    /// How many visits went straight on from `from`.
    pub fn evidence(&self, from: &Step) -> u32 {
        self.moved_on.get(from).copied().unwrap_or(0)
    }

    pub fn steps_learned(&self) -> u64 {
        self.steps_learned
    }

    /// Pages the model can suggest something after.
    pub fn pages_known(&self) -> usize {
        self.followed.len()
    }
}

impl Visit {
    /// Each step of the visit with the steps before it, nearest first.
    pub fn arrivals(&self) -> impl Iterator<Item = Arrival> + '_ {
        self.steps.iter().enumerate().map(|(index, step)| Arrival {
            step: step.clone(),
            earlier: self.steps[..index].iter().rev().map(|earlier| earlier.step.clone()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::visits::TimedStep;

    fn visit(at_ms: i64, slugs: &[&str]) -> Visit {
        Visit {
            visitor: "v".into(),
            started_ms: at_ms,
            steps: slugs
                .iter()
                .map(|slug| TimedStep { step: Step::Article((*slug).into()), at_ms })
                .collect(),
        }
    }

    fn names(ranked: &[(Step, f64)]) -> Vec<String> {
        ranked
            .iter()
            .map(|(step, _)| match step {
                Step::Article(slug) | Step::Task(slug) | Step::TaskSent(slug) => slug.clone(),
            })
            .collect()
    }

    #[test]
    fn the_nearest_next_step_counts_most_and_further_ones_less() {
        let mut model = NextQuestionModel::default();
        model.learn_visit(&visit(0, &["a", "b", "c", "d", "e"]));
        let after_a = model.ranked(&Step::Article("a".into()));
        assert_eq!(names(&after_a), ["b", "c", "d"], "a window of three");
        assert_eq!(after_a.iter().map(|(_, share)| *share).collect::<Vec<_>>(), [1.0, 0.5, 0.25]);
        assert_eq!(model.evidence(&Step::Article("a".into())), 1);
    }

    #[test]
    fn recent_visits_outweigh_older_ones() {
        let mut model = NextQuestionModel::default();
        let day = DAY_MS as i64;
        model.learn_visit(&visit(0, &["a", "old"]));
        model.learn_visit(&visit(day, &["a", "old"]));
        model.learn_visit(&visit(90 * day, &["a", "new"]));
        assert_eq!(names(&model.ranked(&Step::Article("a".into()))), ["new", "old"]);
    }

    #[test]
    fn a_confirmation_is_learned_from_but_never_suggested() {
        let mut model = NextQuestionModel::default();
        let sent = Step::TaskSent("refund".into());
        let steps = [Step::Task("refund".into()), sent.clone(), Step::Article("when-refunds-arrive".into())];
        let visit = Visit {
            visitor: "v".into(),
            started_ms: 0,
            steps: steps.into_iter().map(|step| TimedStep { step, at_ms: 0 }).collect(),
        };
        model.learn_visit(&visit);
        assert_eq!(names(&model.ranked(&sent)), ["when-refunds-arrive"]);
        assert!(model.ranked(&Step::Task("refund".into())).iter().all(|(step, _)| step != &sent));
    }
}
