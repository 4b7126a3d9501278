#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
//! Journey figures on synthetic visits (server/src/journeys/synthetic.rs): how fast
//! events are stored by the recorder's one writer (batches of up to 256 in one
//! transaction), how long the next-question model takes to learn the whole log,
//! and how well the three lists predict held-out next steps.
//!
//! Run: cargo bench -p telepath-server --bench journeys
//! A tenth of the events: cargo bench -p telepath-server --bench journeys -- --quick

use std::sync::Arc;
use std::time::Instant;
use telepath_server::journeys::Learned;
use telepath_server::journeys::evaluate::evaluate;
use telepath_server::journeys::synthetic::SyntheticHelpCentre;
use telepath_server::journeys::visits::Step;
use telepath_server::store::{EventKind, EventLog, NewEvent, PageType, SqliteStore, SystemClock};

mod support;

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
    let events: Vec<NewEvent> = centre
        .visits
        .iter()
        .flat_map(|visit| visit.steps.iter().map(|step| event(&visit.visitor, &step.step)))
        .collect();

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
    println!("| evaluation (learn 80% by time, score the rest) | {scoring:.1} s |");
    println!("| database on disk | {:.0} MB |", support::folder_bytes(dir.path()) as f64 / 1e6);
    println!("| process peak RSS | {:.0} MiB |", support::rss_kib("VmHWM") as f64 / 1024.0);
    println!();
    print!("{evaluation}");
}
