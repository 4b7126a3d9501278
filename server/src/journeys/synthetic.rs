//! Synthetic journeys with a known structure, so the evaluation can show what the
//! model learns (and CI can check it on a fixed set). The structure:
//! - `CATEGORIES` categories of `ARTICLES_PER_CATEGORY` articles (`c3-a7`) and one
//!   task each (`c3-task`);
//! - every article has three true next steps: the first is the editors' first pick;
//!   the second and third are in other categories and picked by no editor (what
//!   people really ask next); the editors' other two picks are neighbours in the
//!   same category, plausible and wrong;
//! - a visit starts at an article, popular ones more often (Zipf); after each step
//!   it follows one of the true next steps with probability `FOLLOW` (weights 0.4,
//!   0.35, 0.25) or jumps to any article, and ends with probability `END` (at most
//!   eight steps);
//! - visits are spread evenly over 60 days; the same seed gives the same journeys.

use super::evaluate::Catalogue;
use super::visits::{Step, TimedStep, Visit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

pub const CATEGORIES: usize = 8;
pub const ARTICLES_PER_CATEGORY: usize = 12;
pub const FOLLOW: f64 = 0.7;
pub const END: f64 = 0.25;
const MAX_STEPS: usize = 8;
const SPAN_MS: i64 = 60 * 86_400_000;

pub struct SyntheticHelpCentre {
    pub visits: Vec<Visit>,
    true_next: HashMap<Step, [Step; 3]>,
    picks: HashMap<Step, Vec<Step>>,
}

fn article(category: usize, index: usize) -> Step {
    Step::Article(format!("c{category}-a{index}"))
}

impl SyntheticHelpCentre {
    pub fn generate(seed: u64, visits: usize) -> SyntheticHelpCentre {
        let mut rng = StdRng::seed_from_u64(seed);
        let articles: Vec<(usize, usize)> = (0..CATEGORIES)
            .flat_map(|category| (0..ARTICLES_PER_CATEGORY).map(move |index| (category, index)))
            .collect();
        let mut true_next = HashMap::new();
        let mut picks = HashMap::new();
        for &(category, index) in &articles {
            let elsewhere = |offset: usize, rng: &mut StdRng| {
                article((category + offset) % CATEGORIES, rng.random_range(0..ARTICLES_PER_CATEGORY))
            };
            let first_pick = if index % 4 == 3 {
                Step::Task(format!("c{category}-task"))
            } else {
                article(category, (index + 1) % ARTICLES_PER_CATEGORY)
            };
            let next = [first_pick.clone(), elsewhere(1, &mut rng), elsewhere(3, &mut rng)];
            let neighbour = |step: usize| article(category, (index + step) % ARTICLES_PER_CATEGORY);
            picks.insert(article(category, index), vec![first_pick, neighbour(2), neighbour(3)]);
            true_next.insert(article(category, index), next);
        }
        let mut centre = SyntheticHelpCentre { visits: Vec::new(), true_next, picks };
        for number in 0..visits {
            let started_ms = SPAN_MS * number as i64 / visits.max(1) as i64;
            let visit = centre.walk(&mut rng, &articles, format!("visitor-{number}"), started_ms);
            centre.visits.push(visit);
        }
        centre
    }

    fn walk(&self, rng: &mut StdRng, articles: &[(usize, usize)], visitor: String, started_ms: i64) -> Visit {
        // Zipf over the catalogue: the article at rank r starts a visit with weight 1/(r+1).
        let total: f64 = (1..=articles.len()).map(|rank| 1.0 / rank as f64).sum();
        let mut pick = rng.random::<f64>() * total;
        let start = articles
            .iter()
            .enumerate()
            .find(|(rank, _)| {
                pick -= 1.0 / (rank + 1) as f64;
                pick <= 0.0
            })
            .map_or(articles[0], |(_, article)| *article);
        let mut step = article(start.0, start.1);
        let mut steps = Vec::new();
        for offset in 0..MAX_STEPS {
            steps.push(TimedStep { step: step.clone(), at_ms: started_ms + offset as i64 * 60_000 });
            if rng.random::<f64>() < END {
                break;
            }
            step = match self.true_next.get(&step) {
                Some(next) if rng.random::<f64>() < FOLLOW => {
                    let roll = rng.random::<f64>();
                    next[if roll < 0.4 {
                        0
                    } else if roll < 0.75 {
                        1
                    } else {
                        2
                    }]
                    .clone()
                }
                _ => {
                    let (category, index) = articles[rng.random_range(0..articles.len())];
                    article(category, index)
                }
            };
        }
        Visit { visitor, started_ms, steps }
    }
}

impl Catalogue for SyntheticHelpCentre {
    fn picks(&self, from: &Step) -> Vec<Step> {
        self.picks.get(from).cloned().unwrap_or_default()
    }

    /// The same category, in order: what a cold start shows.
    fn fallback(&self, from: &Step) -> Vec<Step> {
        let Step::Article(slug) = from else { return Vec::new() };
        let category = slug.split('-').next().unwrap_or_default();
        (0..ARTICLES_PER_CATEGORY).map(|index| Step::Article(format!("{category}-a{index}"))).collect()
    }

    fn exists(&self, _: &Step) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::evaluate::evaluate;

    #[test]
    fn on_the_synthetic_set_the_blend_beats_the_editors_picks_and_finds_most_next_steps() {
        let centre = SyntheticHelpCentre::generate(7, 20_000);
        let evaluation = evaluate(&centre.visits, 0.8, &centre);
        assert!(evaluation.blend.predictions > 5_000, "{evaluation}");
        assert!(evaluation.blend.hit_at_3() > evaluation.picks_only.hit_at_3(), "{evaluation}");
        assert!(evaluation.blend.mrr_at_3() > evaluation.picks_only.mrr_at_3(), "{evaluation}");
        assert!(evaluation.blend.hit_at_3() >= 0.6, "{evaluation}");
    }

    #[test]
    fn the_same_seed_gives_the_same_journeys() {
        let (a, b) = (SyntheticHelpCentre::generate(1, 50), SyntheticHelpCentre::generate(1, 50));
        assert_eq!(a.visits, b.visits);
        assert_ne!(a.visits, SyntheticHelpCentre::generate(2, 50).visits);
    }
}
