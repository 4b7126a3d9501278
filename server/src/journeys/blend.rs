//! How the "people usually ask next" list is made, in one place:
//! 1. The editors' first pick always comes first (they know what a page leads to
//!    before any visitor has shown it).
//! 2. Then the rest by score: what visitors went on to, as a share of the most
//!    common next step (0 to 1), plus `PICK_BONUS` for each of the editors' other
//!    picks, so a pick visitors also take rises and one they ignore can be passed.
//! 3. Until the model has seen `MIN_EVIDENCE` visits move on from a page, it is
//!    not trusted there (cold start): the editors' picks, then `fallback` (the same
//!    category at the visitor's level).
//! 4. Never the page itself or a confirmation; `SHOWN` at most, and topped up from
//!    the fallback to `MIN_SHOWN` when the rest run out.

use super::model::NextQuestionModel;
use super::visits::Step;

/// At most this many next questions are shown.
pub const SHOWN: usize = 5;
/// The list is topped up from the fallback to this many.
pub const MIN_SHOWN: usize = 3;
/// What an editors' pick (after the first) adds to its learned share.
pub const PICK_BONUS: f64 = 0.35;
/// Visits that must have moved on from a page before its learned steps are used.
pub const MIN_EVIDENCE: u32 = 3;

/// The next questions after `from`: editors' `picks` in their order, `fallback` for
/// a cold start, `exists` to skip anything no longer published.
pub fn next_questions(
    model: &NextQuestionModel,
    from: &Step,
    picks: &[Step],
    fallback: &[Step],
    exists: impl Fn(&Step) -> bool,
) -> Vec<Step> {
    let allowed = |step: &Step| step != from && step.is_destination() && exists(step);
    let mut shown: Vec<Step> = Vec::new();
    let push = |step: &Step, shown: &mut Vec<Step>| {
        if shown.len() < SHOWN && allowed(step) && !shown.contains(step) {
            shown.push(step.clone());
        }
    };
    if let Some(first) = picks.first() {
        push(first, &mut shown);
    }
    let learned = if model.evidence(from) >= MIN_EVIDENCE { model.ranked(from) } else { Vec::new() };
    let mut scored: Vec<(Step, f64)> = learned;
    for pick in picks.iter().skip(1) {
        match scored.iter_mut().find(|(step, _)| step == pick) {
            Some((_, score)) => *score += PICK_BONUS,
            None => scored.push((pick.clone(), PICK_BONUS)),
        }
    }
    // Stable: equal scores keep the model's order, then the editors'.
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (step, _) in &scored {
        push(step, &mut shown);
    }
    for step in fallback {
        if shown.len() >= MIN_SHOWN {
            break;
        }
        push(step, &mut shown);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::visits::{TimedStep, Visit};

    fn article(slug: &str) -> Step {
        Step::Article(slug.into())
    }

    fn learned(from: &str, to: &[(&str, usize)]) -> NextQuestionModel {
        let mut model = NextQuestionModel::default();
        for (slug, times) in to {
            for _ in 0..*times {
                let steps = [article(from), article(slug)];
                model.learn_visit(&Visit {
                    visitor: "v".into(),
                    started_ms: 0,
                    steps: steps.into_iter().map(|step| TimedStep { step, at_ms: 0 }).collect(),
                });
            }
        }
        model
    }

    fn slugs(steps: &[Step]) -> Vec<String> {
        steps.iter().map(|step| format!("{step:?}")).collect()
    }

    #[test]
    fn the_editors_first_pick_leads_then_what_visitors_do_with_other_picks_lifted() {
        let model = learned("a", &[("popular", 8), ("pick-two", 2), ("rare", 1)]);
        let picks = [article("first-pick"), article("pick-two"), article("ignored-pick")];
        let shown = next_questions(&model, &article("a"), &picks, &[], |_| true);
        // pick-two: 0.25 learned + 0.35; ignored-pick: 0.35; rare: 0.125.
        assert_eq!(
            slugs(&shown),
            slugs(&[
                article("first-pick"),
                article("popular"),
                article("pick-two"),
                article("ignored-pick"),
                article("rare")
            ])
        );
    }

    #[test]
    fn before_enough_visits_the_editors_picks_then_the_fallback_are_shown() {
        let model = learned("a", &[("popular", 2)]);
        let shown = next_questions(
            &model,
            &article("a"),
            &[article("pick")],
            &[article("a"), article("same-category")],
            |_| true,
        );
        assert_eq!(slugs(&shown), slugs(&[article("pick"), article("same-category")]));
    }

    #[test]
    fn unpublished_steps_the_page_itself_and_confirmations_are_never_shown() {
        let model = learned("a", &[("gone", 5), ("kept", 4)]);
        let picks = [article("a"), Step::TaskSent("refund".into())];
        let shown = next_questions(&model, &article("a"), &picks, &[], |step| step != &article("gone"));
        assert_eq!(slugs(&shown), slugs(&[article("kept")]));
    }
}
