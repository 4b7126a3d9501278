//! An honest score for the next-question lists: journeys are split by time, the
//! model learns from the earlier part only, and every next step of the later part
//! is predicted from the step before it. Three lists compete: what visitors did
//! (learned), the editors' picks alone, and the blend the portal shows. A hit is the
//! true next step among the first three shown (hit@3); MRR@3 adds 1/rank for it.
//! The whole catalogue competes: a step the list does not name is a miss.

use super::blend;
use super::model::NextQuestionModel;
use super::visits::{Step, Visit};

/// How many suggestions a visitor is assumed to look at.
pub const CUTOFF: usize = 3;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    pub hits: usize,
    pub reciprocal_ranks: f64,
    pub predictions: usize,
}

impl Score {
    fn add(&mut self, shown: &[Step], truth: &Step) {
        self.predictions += 1;
        if let Some(rank) = shown.iter().take(CUTOFF).position(|step| step == truth) {
            self.hits += 1;
            self.reciprocal_ranks += 1.0 / (rank + 1) as f64;
        }
    }

    pub fn hit_at_3(&self) -> f64 {
        self.hits as f64 / self.predictions.max(1) as f64
    }

    pub fn mrr_at_3(&self) -> f64 {
        self.reciprocal_ranks / self.predictions.max(1) as f64
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    pub training_visits: usize,
    pub test_visits: usize,
    pub learned: Score,
    pub picks_only: Score,
    pub blend: Score,
}

/// What the editors picked after a step, and what a cold start falls back to.
pub trait Catalogue {
    fn picks(&self, from: &Step) -> Vec<Step>;
    fn fallback(&self, from: &Step) -> Vec<Step>;
    fn exists(&self, step: &Step) -> bool;
}

/// Learns from visits that started before the `training_share` point of the time
/// the journeys span, and scores the rest.
pub fn evaluate(visits: &[Visit], training_share: f64, catalogue: &impl Catalogue) -> Evaluation {
    let (Some(first), Some(last)) =
        (visits.iter().map(|v| v.started_ms).min(), visits.iter().map(|v| v.started_ms).max())
    else {
        return Evaluation::default();
    };
    let split = first + ((last - first) as f64 * training_share) as i64;
    let (training, test): (Vec<&Visit>, Vec<&Visit>) =
        visits.iter().partition(|visit| visit.started_ms < split);
    let mut model = NextQuestionModel::default();
    for visit in &training {
        model.learn_visit(visit);
    }
    let mut evaluation =
        Evaluation { training_visits: training.len(), test_visits: test.len(), ..Evaluation::default() };
    for visit in &test {
        for pair in visit.steps.windows(2) {
            let (from, truth) = (&pair[0].step, &pair[1].step);
            if !truth.is_destination() {
                continue;
            }
            let learned: Vec<Step> = model
                .ranked(from)
                .into_iter()
                .map(|(step, _)| step)
                .filter(|step| step.is_destination())
                .collect();
            let picks = catalogue.picks(from);
            let fallback = catalogue.fallback(from);
            let blended =
                blend::next_questions(&model, from, &picks, &fallback, |step| catalogue.exists(step));
            evaluation.learned.add(&learned, truth);
            evaluation.picks_only.add(&picks, truth);
            evaluation.blend.add(&blended, truth);
        }
    }
    evaluation
}

impl std::fmt::Display for Evaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let predictions = self.blend.predictions;
        writeln!(
            f,
            "learned from {} visits, scored on the next {} ({predictions} next steps)",
            self.training_visits, self.test_visits
        )?;
        writeln!(f, "| list | hit@3 | MRR@3 |")?;
        writeln!(f, "|---|---|---|")?;
        for (name, score) in [
            ("learned only", self.learned),
            ("editors' picks only", self.picks_only),
            ("blend (shown)", self.blend),
        ] {
            writeln!(f, "| {name} | {:.1}% | {:.3} |", score.hit_at_3() * 100.0, score.mrr_at_3())?;
        }
        Ok(())
    }
}
