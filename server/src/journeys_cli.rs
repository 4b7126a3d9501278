//! `telepath journeys …`: rebuild the next-question model from the whole log, score
//! it on held-out journeys, or remove events past the retention limit.

use anyhow::Context;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use telepath_server::config::Config;
use telepath_server::content::{ContentSnapshot, load_snapshot};
use telepath_server::journeys::Learned;
use telepath_server::journeys::evaluate::{Catalogue, evaluate};
use telepath_server::journeys::synthetic::SyntheticHelpCentre;
use telepath_server::journeys::visits::{Step, visits};
use telepath_server::store::{EventLog, Store, StoredEvent, SystemClock};

/// The share of the journeys' time span the model learns from; the rest is scored.
const TRAINING_SHARE: f64 = 0.8;

async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    telepath_server::data_dir::create_private_dir(&config.data_dir)
        .with_context(|| format!("cannot create the data folder {}", config.data_dir.display()))?;
    let database = config.database();
    telepath_server::store::open(&database, Arc::new(SystemClock))
        .await
        .with_context(|| format!("cannot open the database {database}"))
}

#[allow(clippy::print_stdout, reason = "the figures are the command's output")]
pub async fn rebuild(config: &Config) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    let started = Instant::now();
    let mut learned = Learned::default();
    learned.catch_up(store.as_ref()).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "read {} events in {seconds:.2} s ({:.0} events/s): {} steps learned, next questions known after {} pages",
        learned.events_read,
        learned.events_read as f64 / seconds.max(f64::EPSILON),
        learned.model.steps_learned(),
        learned.model.pages_known()
    );
    println!("a running portal relearns by itself every {:?}", config.journeys.refresh);
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::print_stdout, reason = "the figures are the command's output")]
pub async fn evaluate_command(config: &Config, synthetic: Option<(u64, usize)>) -> anyhow::Result<ExitCode> {
    let evaluation = match synthetic {
        Some((seed, count)) => {
            let centre = SyntheticHelpCentre::generate(seed, count);
            println!(
                "synthetic journeys: {count} visits, seed {seed} (structure: server/src/journeys/synthetic.rs)"
            );
            evaluate(&centre.visits, TRAINING_SHARE, &centre)
        }
        None => {
            let snapshot = load_snapshot(&config.content_dir)?;
            let store = open_store(config).await?;
            let events = every_event(store.as_ref()).await?;
            let journeys = visits(&events);
            println!("the local log: {} events, {} visits", events.len(), journeys.len());
            evaluate(&journeys, TRAINING_SHARE, &ContentCatalogue(&snapshot))
        }
    };
    print!("{evaluation}");
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::print_stdout, reason = "the count is the command's output")]
pub async fn forget(config: &Config) -> anyhow::Result<ExitCode> {
    let store = open_store(config).await?;
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let days = config.journeys.retention_days;
    let removed = store.forget_before(now_ms - i64::from(days) * 86_400_000).await?;
    println!("removed {removed} events older than {days} days");
    Ok(ExitCode::SUCCESS)
}

async fn every_event(log: &dyn EventLog) -> anyhow::Result<Vec<StoredEvent>> {
    let mut events = Vec::new();
    loop {
        let after = events.last().map_or(0, |event: &StoredEvent| event.id);
        let batch = log.since(after, 10_000).await?;
        if batch.is_empty() {
            return Ok(events);
        }
        events.extend(batch);
    }
}

/// The bundled content as the evaluation sees it: the editors' picks after each
/// article, and its category for a cold start.
struct ContentCatalogue<'a>(&'a ContentSnapshot);

impl Catalogue for ContentCatalogue<'_> {
    fn picks(&self, from: &Step) -> Vec<Step> {
        let Step::Article(slug) = from else { return Vec::new() };
        self.0.articles.get(slug).map_or_else(Vec::new, |article| {
            article.front_matter.next.iter().map(|next| Step::Article(next.clone())).collect()
        })
    }

    fn fallback(&self, from: &Step) -> Vec<Step> {
        let Step::Article(slug) = from else { return Vec::new() };
        let Some(article) = self.0.articles.get(slug) else { return Vec::new() };
        self.0
            .categories
            .iter()
            .find(|category| category.slug == article.category)
            .map_or_else(Vec::new, |category| {
                category.articles.iter().map(|slug| Step::Article(slug.clone())).collect()
            })
    }

    fn exists(&self, step: &Step) -> bool {
        match step {
            Step::Article(slug) => self.0.articles.contains_key(slug),
            Step::Task(id) => self.0.tasks.contains_key(id),
            Step::TaskSent(_) => false,
        }
    }
}
