//! The console queue's live feed: one socket per agent with the queue page open,
//! sending the queue's [`QueueDigest`] first and again whenever it changes, so the
//! page can bring itself up to date. The store is read every [`QUEUE_CHECK`]
//! rather than woken by writers: conversations are opened by the customer's chat,
//! claimed by other agents, on any instance, and a few cheap reads per open console
//! need nothing from any of them.
//!
//! The feed also tells whether the console is still there: it pings, and a browser
//! with the page open answers by itself (a closed laptop does not), which keeps an
//! online agent online (`presence`). Written over any `Sink`/`Stream`, like the
//! chat socket, so tests use channels (and shorter intervals).

use super::Chat;
use super::console::queue_digest;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use telepath_app::wire::QueueDigest;
use tokio::time::{Duration, MissedTickBehavior};

/// How often the feed looks at the store, and asks the browser whether the page is
/// still open.
#[derive(Clone, Copy, Debug)]
pub struct FeedTiming {
    pub check: Duration,
    pub ping: Duration,
}

impl Default for FeedTiming {
    /// A look every 2 s; a ping every 30 s, well within the presence timeout, so an
    /// open console never goes away by itself.
    fn default() -> Self {
        FeedTiming { check: Duration::from_secs(2), ping: Duration::from_secs(30) }
    }
}

#[derive(Debug, PartialEq)]
pub enum FeedOut {
    Digest(QueueDigest),
    Ping,
    /// The server is shutting down (1001), or the store cannot be read (1011).
    Close {
        code: u16,
        reason: &'static str,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum FeedIn {
    /// The browser answered a ping, or said anything else.
    Alive,
    Closed,
}

/// Runs one agent's queue feed until the page goes, the server shuts down or the
/// store fails.
pub async fn run<Tx, Rx>(chat: &Chat, agent: i64, timing: FeedTiming, mut outgoing: Tx, mut incoming: Rx)
where
    Tx: Sink<FeedOut> + Unpin,
    Rx: Stream<Item = FeedIn> + Unpin,
{
    let mut check = tokio::time::interval(timing.check);
    check.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + timing.ping, timing.ping);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut sent: Option<QueueDigest> = None;
    loop {
        let out = tokio::select! {
            () = chat.shutdown.cancelled() => {
                FeedOut::Close { code: 1001, reason: "the server is restarting; reconnect" }
            }
            _ = check.tick() => match queue_digest(chat, agent).await {
                Ok(digest) if sent == Some(digest) => continue,
                Ok(digest) => {
                    sent = Some(digest);
                    FeedOut::Digest(digest)
                }
                Err(error) => {
                    tracing::error!(agent, "the console's queue cannot be read: {error}");
                    FeedOut::Close { code: 1011, reason: "the queue cannot be read right now; reconnect" }
                }
            },
            _ = ping.tick() => FeedOut::Ping,
            frame = incoming.next() => match frame {
                Some(FeedIn::Alive) => {
                    chat.presence.seen(agent).await;
                    continue;
                }
                None | Some(FeedIn::Closed) => return,
            },
        };
        let closing = matches!(out, FeedOut::Close { .. });
        if outgoing.send(out).await.is_err() || closing {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::ContentLibrary;
    use crate::store::conversations::{NewConversation, VisitorContext};
    use crate::store::{SqliteStore, SystemClock};
    use crate::testing::Fixture;
    use std::sync::Arc;
    use tokio::sync::mpsc;

    /// Waits for the page's next frame; the feed runs on short intervals, so ten
    /// seconds without one is a failure, not a slow machine.
    async fn next(page: &mut mpsc::UnboundedReceiver<FeedOut>) -> FeedOut {
        let frame = tokio::time::timeout(Duration::from_secs(10), page.recv()).await;
        frame.expect("a frame in time").expect("the feed is running")
    }

    /// The next digest the page gets, past any pings.
    async fn next_digest(page: &mut mpsc::UnboundedReceiver<FeedOut>) -> QueueDigest {
        loop {
            match next(page).await {
                FeedOut::Digest(digest) => return digest,
                FeedOut::Ping => continue,
                close @ FeedOut::Close { .. } => panic!("{close:?}"),
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_feed_says_when_the_queue_changes_pings_and_closes_on_shutdown() {
        let (dir, fixture) = (tempfile::tempdir().unwrap(), Fixture::new());
        let path = dir.path().join("t.sqlite3");
        let store = Arc::new(SqliteStore::open(&path, Arc::new(SystemClock)).await.unwrap());
        let content = Arc::new(ContentLibrary::load(fixture.content_dir()).unwrap());
        let chat = Chat::new(store.clone(), store.clone(), store.clone(), store, content);
        let (to_page, mut page) = mpsc::unbounded_channel();
        let (browser, mut from_browser) = mpsc::unbounded_channel();
        let outgoing = futures_util::sink::unfold(to_page, |to_page, out: FeedOut| async move {
            to_page.send(out).map(|()| to_page)
        });
        let incoming = futures_util::stream::poll_fn(move |cx| from_browser.poll_recv(cx));
        let timing = FeedTiming { check: Duration::from_millis(10), ping: Duration::from_millis(50) };
        let feed = {
            let chat = chat.clone();
            tokio::spawn(async move { run(&chat, 7, timing, Box::pin(outgoing), Box::pin(incoming)).await })
        };
        assert_eq!(next_digest(&mut page).await, QueueDigest::default(), "the first look");

        let new = NewConversation {
            visitor: "v".into(),
            level: None,
            opened_because: Vec::new(),
            visitor_context: VisitorContext::default(),
        };
        let opened = chat.conversations.open_conversation(new).await.unwrap();
        let expected = QueueDigest { waiting: 1, newest_waiting: opened.id, ..QueueDigest::default() };
        assert_eq!(next_digest(&mut page).await, expected, "a new customer waits");
        assert_eq!(next(&mut page).await, FeedOut::Ping, "nothing changed: the next frame is a ping");
        browser.send(FeedIn::Alive).unwrap();
        assert_eq!(next(&mut page).await, FeedOut::Ping, "an answer keeps the feed going");

        chat.shutdown.cancel();
        let closed = loop {
            match next(&mut page).await {
                FeedOut::Ping => continue,
                other => break other,
            }
        };
        assert!(matches!(closed, FeedOut::Close { code: 1001, .. }), "{closed:?}");
        feed.await.unwrap();
    }
}
