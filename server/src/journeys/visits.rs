//! Journeys cut into visits: one visitor's anonymous events, split wherever they
//! went quiet for 30 minutes (the usual web-analytics session timeout). Only the
//! steps the next-question model can learn from and recommend are kept: articles
//! read, task forms opened, tasks sent.

use crate::store::StoredEvent;
use std::collections::HashMap;
use telepath_domain::{EventKind, PageType};

/// Silence that ends a visit.
pub const VISIT_GAP_MS: i64 = 30 * 60 * 1000;
/// Steps a visit may teach the model: a visitor who opens hundreds of pages (or a
/// script pretending to be one) weighs no more than a curious reader.
pub const MAX_STEPS_PER_VISIT: usize = 12;

/// One thing a visitor did that a next question can follow or be.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Article(String),
    /// The task's form was opened.
    Task(String),
    /// The task was sent: its confirmation page is where the next question shows.
    TaskSent(String),
}

impl Step {
    /// The step an event stands for, if it is one the model reads.
    pub fn of(event: &EventKind) -> Option<Step> {
        match event {
            EventKind::PageViewed { page: PageType::Article, path, .. } => {
                path.strip_prefix("/articles/").map(|slug| Step::Article(slug.to_owned()))
            }
            EventKind::PageViewed { page: PageType::Task, path, .. } => {
                path.strip_prefix("/tasks/").map(|task| Step::Task(task.to_owned()))
            }
            EventKind::TaskSubmitted { task, .. } => Some(Step::TaskSent(task.clone())),
            _ => None,
        }
    }

    /// Whether a visitor can be sent here: an article or a task's form, never a
    /// confirmation.
    pub fn is_destination(&self) -> bool {
        !matches!(self, Step::TaskSent(_))
    }
}

/// A step with when it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedStep {
    pub step: Step,
    pub at_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    pub visitor: String,
    pub started_ms: i64,
    /// In order; a step repeated straight after itself (a reload) counts once.
    pub steps: Vec<TimedStep>,
}

/// A step just added to a visit, with the visit's earlier steps (nearest first), so
/// a learner can count what followed what without holding whole visits.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    pub step: TimedStep,
    pub earlier: Vec<Step>,
}

/// Cuts events into visits as they come, in time order per visitor. Holds only each
/// visitor's current visit; those quiet for longer than a visit gap are forgotten
/// whenever `close_quiet` is called, so memory follows the visitors active now.
#[derive(Debug, Default)]
pub struct Sessioniser {
    open: HashMap<String, Visit>,
}

impl Visit {
    fn starting(visitor: &str, at_ms: i64) -> Visit {
        Visit { visitor: visitor.to_owned(), started_ms: at_ms, steps: Vec::new() }
    }

    /// Whether a step at `at_ms` belongs to this visit rather than a new one.
    fn continues_at(&self, at_ms: i64) -> bool {
        self.steps.last().is_none_or(|last| at_ms - last.at_ms <= VISIT_GAP_MS)
    }

    /// Adds a step unless it repeats the last one or the visit is full.
    fn add(&mut self, step: Step, at_ms: i64) -> Option<Arrival> {
        if self.steps.last().is_some_and(|last| last.step == step) || self.steps.len() >= MAX_STEPS_PER_VISIT
        {
            return None;
        }
        let earlier = self.steps.iter().rev().map(|timed| timed.step.clone()).collect();
        let timed = TimedStep { step, at_ms };
        self.steps.push(timed.clone());
        Some(Arrival { step: timed, earlier })
    }
}

impl Sessioniser {
    /// Adds one event; returns the step it added to its visitor's visit, if any.
    pub fn push(&mut self, event: &StoredEvent) -> Option<Arrival> {
        let step = Step::of(&event.kind)?;
        let at_ms = event.occurred_at_ms;
        let visit =
            self.open.entry(event.visitor.clone()).or_insert_with(|| Visit::starting(&event.visitor, at_ms));
        if !visit.continues_at(at_ms) {
            *visit = Visit::starting(&event.visitor, at_ms);
        }
        visit.add(step, at_ms)
    }

    /// Forgets visits with nothing for a visit gap before `now_ms`.
    pub fn close_quiet(&mut self, now_ms: i64) {
        self.open.retain(|_, visit| visit.continues_at(now_ms));
    }

    pub fn open_visits(&self) -> usize {
        self.open.len()
    }
}

/// Every visit in `events` (any order), each visit's steps in time order, the
/// visits by when they started.
pub fn visits(events: &[StoredEvent]) -> Vec<Visit> {
    let mut ordered: Vec<&StoredEvent> = events.iter().collect();
    ordered.sort_by(|a, b| (&a.visitor, a.occurred_at_ms, a.id).cmp(&(&b.visitor, b.occurred_at_ms, b.id)));
    let mut visits: Vec<Visit> = Vec::new();
    for event in ordered {
        let Some(step) = Step::of(&event.kind) else { continue };
        let at_ms = event.occurred_at_ms;
        match visits.last_mut() {
            Some(visit) if visit.visitor == event.visitor && visit.continues_at(at_ms) => {
                visit.add(step, at_ms);
            }
            _ => {
                let mut visit = Visit::starting(&event.visitor, at_ms);
                visit.add(step, at_ms);
                visits.push(visit);
            }
        }
    }
    visits.sort_by(|a, b| (a.started_ms, &a.visitor).cmp(&(b.started_ms, &b.visitor)));
    visits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewed(id: i64, visitor: &str, minute: i64, path: &str) -> StoredEvent {
        let page = if path.starts_with("/tasks/") { PageType::Task } else { PageType::Article };
        StoredEvent {
            id,
            visitor: visitor.into(),
            kind: EventKind::PageViewed { page, path: path.into(), title: String::new(), referrer: None },
            occurred_at_ms: minute * 60_000,
        }
    }

    fn steps(visit: &Visit) -> Vec<Step> {
        visit.steps.iter().map(|timed| timed.step.clone()).collect()
    }

    #[test]
    fn thirty_quiet_minutes_end_a_visit_and_each_visitor_has_their_own() {
        let events = [
            viewed(1, "a", 0, "/articles/one"),
            viewed(2, "b", 1, "/articles/two"),
            viewed(3, "a", 10, "/articles/two"),
            viewed(4, "a", 40, "/articles/three"),
            viewed(5, "a", 71, "/tasks/refund"),
            StoredEvent {
                id: 6,
                visitor: "a".into(),
                kind: EventKind::TaskSubmitted { task: "refund".into(), reference: "TP-1".into() },
                occurred_at_ms: 72 * 60_000,
            },
            StoredEvent {
                id: 7,
                visitor: "a".into(),
                kind: EventKind::SearchWithoutResults { query: "x".into() },
                occurred_at_ms: 73 * 60_000,
            },
        ];
        let visits = visits(&events);
        let by_visitor: Vec<(&str, Vec<Step>)> =
            visits.iter().map(|visit| (visit.visitor.as_str(), steps(visit))).collect();
        assert_eq!(
            by_visitor,
            [
                (
                    "a",
                    vec![
                        Step::Article("one".into()),
                        Step::Article("two".into()),
                        Step::Article("three".into())
                    ]
                ),
                ("b", vec![Step::Article("two".into())]),
                ("a", vec![Step::Task("refund".into()), Step::TaskSent("refund".into())]),
            ]
        );
    }

    #[test]
    fn a_reload_counts_once_and_a_flood_stops_teaching_after_the_cap() {
        let mut sessioniser = Sessioniser::default();
        let mut taught = 0;
        for id in 0..1000 {
            let path = if id % 3 == 0 { "/articles/one".to_owned() } else { format!("/articles/a{id}") };
            let event = viewed(id, "flood", 0, &path);
            taught += usize::from(sessioniser.push(&event).is_some());
            taught += usize::from(sessioniser.push(&event).is_some());
        }
        assert_eq!(taught, MAX_STEPS_PER_VISIT);
    }

    #[test]
    fn quiet_visits_are_closed_and_forgotten() {
        let mut sessioniser = Sessioniser::default();
        sessioniser.push(&viewed(1, "a", 0, "/articles/one"));
        sessioniser.push(&viewed(2, "b", 20, "/articles/two"));
        sessioniser.close_quiet(31 * 60_000);
        assert_eq!(sessioniser.open_visits(), 1);
    }
}
