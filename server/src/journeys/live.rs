//! What the portal knows from journeys, kept current by one learner task: it reads
//! the events recorded since it last looked (every `refresh`), adds them to the
//! next-question model and to the editors' insights rollups, and publishes new
//! copies for pages to read; pages never wait for it. Once a day it also removes
//! events older than the retention limit.

use super::model::NextQuestionModel;
use super::visits::Sessioniser;
use crate::config::JourneySettings;
use crate::insights::{DailyCounts, Rollups};
use crate::store::{EventLog, EventLogError};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// Events read from the log at a time.
const BATCH: u32 = 10_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug)]
pub struct JourneyKnowledge {
    model: RwLock<Arc<NextQuestionModel>>,
    insights: RwLock<Arc<DailyCounts>>,
    learned_through: watch::Sender<i64>,
}

impl JourneyKnowledge {
    /// An empty model and its learner, started on the current runtime.
    pub fn start(log: Arc<dyn EventLog>, settings: JourneySettings) -> Arc<JourneyKnowledge> {
        let shown = Arc::new(JourneyKnowledge {
            model: RwLock::new(Arc::default()),
            insights: RwLock::new(Arc::default()),
            learned_through: watch::Sender::new(0),
        });
        let learner =
            Learner { log, shown: shown.clone(), state: Learned::default(), settings, forgot_at_ms: 0 };
        tokio::spawn(learner.run());
        shown
    }

    /// The model as last published.
    pub fn model(&self) -> Arc<NextQuestionModel> {
        self.model.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The editors' daily counts as last published.
    pub fn insights(&self) -> Arc<DailyCounts> {
        self.insights.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The id of the last event the published model has learned, as it changes.
    pub fn learned_through(&self) -> watch::Receiver<i64> {
        self.learned_through.subscribe()
    }

    fn publish(&self, model: NextQuestionModel, insights: DailyCounts, through: i64) {
        *self.model.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(model);
        *self.insights.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(insights);
        self.learned_through.send_replace(through);
    }
}

/// What has been learned so far, and where in the log.
#[derive(Debug, Default)]
pub struct Learned {
    pub model: NextQuestionModel,
    pub insights: Rollups,
    sessioniser: Sessioniser,
    pub through: i64,
    pub events_read: u64,
}

impl Learned {
    /// Reads and learns every event after `through`; true when there were any.
    pub async fn catch_up(&mut self, log: &dyn EventLog) -> Result<bool, EventLogError> {
        let mut any = false;
        loop {
            let events = log.since(self.through, BATCH).await?;
            let Some(last) = events.last() else { return Ok(any) };
            self.through = last.id;
            self.events_read += events.len() as u64;
            any = true;
            for event in &events {
                if let Some(arrival) = self.sessioniser.push(event) {
                    self.model.learn(&arrival);
                }
                self.insights.add(event);
            }
            if let Some(newest) = events.iter().map(|event| event.occurred_at_ms).max() {
                self.sessioniser.close_quiet(newest);
                self.insights.close_quiet(newest);
            }
        }
    }
}

struct Learner {
    log: Arc<dyn EventLog>,
    shown: Arc<JourneyKnowledge>,
    state: Learned,
    settings: JourneySettings,
    forgot_at_ms: i64,
}

impl Learner {
    async fn run(mut self) {
        let mut every = tokio::time::interval(self.settings.refresh);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            self.forget_old_events().await;
            let learned = match self.state.catch_up(self.log.as_ref()).await {
                Ok(learned) => learned,
                // The next round reads from where this one stopped.
                Err(error) => {
                    tracing::warn!("the next-question model could not read new events: {error}");
                    false
                }
            };
            // Visits end by going quiet, which no event announces: the clock does.
            let ended = self.state.insights.close_quiet(now_ms()) > 0;
            if learned || ended {
                self.shown.publish(
                    self.state.model.clone(),
                    self.state.insights.daily_counts().clone(),
                    self.state.through,
                );
            }
        }
    }

    async fn forget_old_events(&mut self) {
        let now_ms = now_ms();
        if now_ms - self.forgot_at_ms < DAY_MS {
            return;
        }
        self.forgot_at_ms = now_ms;
        let before = now_ms - i64::from(self.settings.retention_days) * DAY_MS;
        match self.log.forget_before(before).await {
            Ok(0) => {}
            Ok(removed) => {
                tracing::info!(removed, days = self.settings.retention_days, "removed events past retention")
            }
            Err(error) => tracing::warn!("removing events past retention failed: {error}"),
        }
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_millis() as i64
}
