#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
//! Journey figures on synthetic visits (server/src/journeys/synthetic.rs), every
//! other one starting with a search (one of 5,000 queries, popular ones more
//! often, a fifth finding nothing): how fast events are stored by the recorder's
//! one writer (batches of up to 256 in one transaction), how long the
//! next-question model and the insights rollups take to learn the whole log, how
//! long the insights page's report takes, and how well the three lists predict
//! held-out next steps.
//!
//! Run: cargo bench -p telepath-server --bench journeys
//! A tenth of the events: cargo bench -p telepath-server --bench journeys -- --quick

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use telepath_server::insights;
use telepath_server::journeys::Learned;
use telepath_server::journeys::evaluate::evaluate;
use telepath_server::journeys::synthetic::SyntheticHelpCentre;
use telepath_server::journeys::visits::Step;
use telepath_server::store::{EventKind, EventLog, NewEvent, PageType, SqliteStore, SystemClock};

mod support;

/// Distinct search queries in the generated log.
const QUERIES: usize = 5_000;
/// Events written per transaction, as the recorder's writer does at most.
const WRITE_BATCH: usize = 256;

fn event(visitor: &str, step: &Step) -> NewEvent {
    let (page, path) = match step {
        Step::Article(slug) => (PageType::Article, format!("/articles/{slug}")),
        Step::Task(id) => (PageType::Task, format!("/tasks/{id}")),
        Step::TaskSent(id) => {
            let kind = EventKind::TaskSubmitted { task: id.clone(), reference: "TP-BENC-HMRK".into() };
            return NewEvent { visitor: visitor.to_owned(), kind };
        }
    };
    let kind = EventKind::PageViewed { page, path, title: "A page".into(), referrer: None };
    NewEvent { visitor: visitor.to_owned(), kind }
}

fn main() {
    let quick =
        std::env::args().any(|arg| arg == "--quick") || std::env::var_os("TELEPATH_BENCH_QUICK").is_some();
    let wanted_events: usize = if quick { 100_000 } else { 1_000_000 };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(measure(wanted_events));
}

/// One straight script: generate, store, learn, score, print.
async fn measure(wanted_events: usize) {
    // About 3.3 steps a visit on average; generate enough visits for the events wanted.
    let centre = SyntheticHelpCentre::generate(7, wanted_events * 10 / 33);
    let mut events: Vec<NewEvent> = Vec::new();
    for (number, visit) in centre.visits.iter().enumerate() {
        if number % 2 == 0 {
            // Popular queries more often: the square of an even spread leans to the start.
            let spread = (number * 7919 % 10_007) as f64 / 10_007.0;
            let query = format!("query {}", (spread * spread * QUERIES as f64) as usize);
            let results = if number % 10 == 0 { 0 } else { 3 };
            events.push(NewEvent {
                visitor: visit.visitor.clone(),
                kind: EventKind::Searched { query, results },
            });
        }
        events.extend(visit.steps.iter().map(|step| event(&visit.visitor, &step.step)));
    }

    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = Arc::new(
        SqliteStore::open(&dir.path().join("telepath.sqlite3"), Arc::new(SystemClock))
            .await
            .expect("a store"),
    );
    let started = Instant::now();
    for batch in events.chunks(WRITE_BATCH) {
        store.append_all(batch.to_vec()).await.expect("the batch is stored");
    }
    let ingest = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut learned = Learned::default();
    learned.catch_up(store.as_ref()).await.expect("the log reads back");
    let rebuild = started.elapsed().as_secs_f64();

    let today = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs() as i64 / 86_400;
    let counts = learned.insights.daily_counts();
    let mut report_times: Vec<f64> = (0..50)
        .map(|_| {
            let started = Instant::now();
            let report = insights::report(counts, insights::Period { last_day: today, days: 30 });
            assert!(!report.searches.is_empty(), "the generated searches are counted");
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    report_times.sort_by(f64::total_cmp);

    let started = Instant::now();
    let evaluation = evaluate(&centre.visits, 0.8, &centre);
    let scoring = started.elapsed().as_secs_f64();

    println!("| measure | figure |");
    println!("|---|---|");
    println!("| events stored | {} ({} visits) |", events.len(), centre.visits.len());
    println!(
        "| ingest by the one writer, {WRITE_BATCH} a transaction | {:.0} events/s ({ingest:.1} s) |",
        events.len() as f64 / ingest
    );
    println!(
        "| model rebuilt from the whole log (`telepath journeys rebuild`) | {rebuild:.1} s ({:.0} events/s), {} steps, {} pages known |",
        learned.events_read as f64 / rebuild,
        learned.model.steps_learned(),
        learned.model.pages_known()
    );
    println!(
        "| insights report for 30 days ({QUERIES} queries) | p50 {:.1} ms, max {:.1} ms |",
        report_times[report_times.len() / 2],
        report_times[report_times.len() - 1]
    );
    println!("| evaluation (learn 80% by time, score the rest) | {scoring:.1} s |");
    println!("| database on disk | {:.0} MB |", support::folder_bytes(dir.path()) as f64 / 1e6);
    println!("| process peak RSS | {:.0} MiB |", support::rss_kib("VmHWM") as f64 / 1024.0);
    println!();
    print!("{evaluation}");
}
