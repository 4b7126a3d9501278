//! Recording events without making a page wait. Pages hand their events to a
//! bounded queue and move on; ONE writer task appends them to the event log in
//! order, everything queued at once in one transaction (up to `WRITE_BATCH`), so
//! a burst costs one commit rather than one each. A full queue drops the event and
//! counts it (the writer logs the count):
//! a page view is worth less than the page. On shutdown the writer takes no more
//! and writes everything already queued before `serve` returns.

use crate::store::{EventLog, NewEvent};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use telepath_domain::EventKind;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Events waiting for the writer. A burst this large means the database is far
/// behind; dropping then protects pages and memory.
pub const EVENT_QUEUE_CAPACITY: usize = 1024;
/// Events written in one transaction at most.
const WRITE_BATCH: usize = 256;

#[derive(Clone)]
pub struct EventRecorder {
    queue: mpsc::Sender<NewEvent>,
    dropped: Arc<Dropped>,
    writer: Arc<Mutex<Option<Writer>>>,
}

struct Writer {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

#[derive(Default)]
struct Dropped {
    /// Not yet logged.
    unreported: AtomicU64,
    total: AtomicU64,
}

impl std::fmt::Debug for EventRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventRecorder")
            .field("queued", &(self.queue.max_capacity() - self.queue.capacity()))
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

impl EventRecorder {
    /// Starts the writer on the current runtime.
    pub fn start(log: Arc<dyn EventLog>, capacity: usize) -> EventRecorder {
        let (queue, queued) = mpsc::channel(capacity);
        let (stop, stopped) = oneshot::channel();
        let dropped = Arc::new(Dropped::default());
        let task = tokio::spawn(write_events(log, queued, stopped, dropped.clone()));
        EventRecorder { queue, dropped, writer: Arc::new(Mutex::new(Some(Writer { stop, task }))) }
    }

    /// Queues an event for the writer; never waits. When the queue is full (or the
    /// writer has stopped) the event is dropped and counted.
    pub fn record(&self, visitor: &str, kind: EventKind) {
        if self.queue.try_send(NewEvent { visitor: visitor.to_owned(), kind }).is_err() {
            self.dropped.unreported.fetch_add(1, Ordering::Relaxed);
            self.dropped.total.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many events were dropped since the start.
    pub fn dropped(&self) -> u64 {
        self.dropped.total.load(Ordering::Relaxed)
    }

    /// Stops taking events and waits until the writer has written every queued one.
    pub async fn finish(&self) {
        let writer = self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(Writer { stop, task }) = writer {
            let _ = stop.send(());
            if let Err(error) = task.await {
                tracing::error!("the event writer stopped abnormally: {error}");
            }
        }
    }
}

async fn write_events(
    log: Arc<dyn EventLog>,
    mut queued: mpsc::Receiver<NewEvent>,
    mut stopped: oneshot::Receiver<()>,
    dropped: Arc<Dropped>,
) {
    let mut batch = Vec::with_capacity(WRITE_BATCH);
    loop {
        let received = tokio::select! {
            received = queued.recv_many(&mut batch, WRITE_BATCH) => received,
            // Stopped, or every recorder is gone: take no more, write what is queued.
            _ = &mut stopped => {
                queued.close();
                while queued.recv_many(&mut batch, WRITE_BATCH).await > 0 {
                    write(&*log, &mut batch, &dropped).await;
                }
                break;
            }
        };
        if received == 0 {
            break;
        }
        write(&*log, &mut batch, &dropped).await;
    }
    report_dropped(&dropped);
}

async fn write(log: &dyn EventLog, batch: &mut Vec<NewEvent>, dropped: &Dropped) {
    let count = batch.len();
    if let Err(error) = log.append_all(std::mem::take(batch)).await {
        tracing::warn!(count, "recording {count} events failed: {error}");
    }
    report_dropped(dropped);
}

fn report_dropped(dropped: &Dropped) {
    let count = dropped.unreported.swap(0, Ordering::Relaxed);
    if count > 0 {
        let total = dropped.total.load(Ordering::Relaxed);
        tracing::warn!(count, total, "the event queue was full: {count} events were not recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SqliteStore, SystemClock};

    fn search(query: &str) -> EventKind {
        EventKind::SearchWithoutResults { query: query.into() }
    }

    // One thread, so the writer cannot run until the test awaits: the queue fills
    // exactly, and what happens to the rest is certain.
    #[tokio::test(flavor = "current_thread")]
    async fn a_full_queue_drops_and_counts_without_waiting_and_finishing_writes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            SqliteStore::open(&dir.path().join("telepath.sqlite3"), Arc::new(SystemClock)).await.unwrap(),
        );
        let recorder = EventRecorder::start(store.clone(), 4);
        for number in 0..10 {
            recorder.record("v", search(&number.to_string()));
        }
        assert_eq!(recorder.dropped(), 6, "the four that fit are queued, the rest dropped");
        recorder.finish().await;
        let stored = store.recent(None, 100).await.unwrap();
        let queries: Vec<EventKind> = stored.into_iter().rev().map(|event| event.kind).collect();
        assert_eq!(queries, (0..4).map(|n| search(&n.to_string())).collect::<Vec<_>>(), "in order");
        recorder.record("v", search("late"));
        assert_eq!(recorder.dropped(), 7, "after finishing, events are dropped and counted");
    }
}
