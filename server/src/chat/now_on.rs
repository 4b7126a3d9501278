//! The page the customer has open, for the agent's socket: each page they view
//! while the agent's console is open goes out as [`ServerFrame::NowOn`], so the
//! console's "Now on" follows them without a reload. Read from the event log (the
//! same page views the trail reads) on its subscription's wake-ups, in a task of
//! its own whose channel the socket loop can stop reading at any point without
//! losing a page.

use super::trail::local_link;
use crate::store::{EventLog, EventLogError};
use futures_util::StreamExt;
use std::sync::Arc;
use telepath_app::wire::ServerFrame;
use telepath_domain::EventKind;
use tokio::sync::mpsc;
use tokio_util::task::AbortOnDropHandle;

/// Events read from the log at a time when several were appended at once.
const READ_PAGE: u32 = 200;

/// Page views waiting for a slow socket; a newer one makes older ones moot anyway.
const WAITING_PAGES: usize = 8;

/// The pages `visitor` views from now on, as frames for the agent's socket. Every
/// page view appended after this returns is delivered; the task ends when the
/// returned follower is dropped.
pub async fn follow(events: Arc<dyn EventLog>, visitor: String) -> Result<PagesViewed, EventLogError> {
    // Subscribed before the newest id is read: nothing appended in between is missed.
    let mut appended = events.subscribe();
    let mut after = events.recent(None, 1).await?.first().map_or(0, |newest| newest.id);
    let (frames, receiver) = mpsc::channel(WAITING_PAGES);
    let task = tokio::spawn(async move {
        while appended.next().await.is_some() {
            match newest_page_view(events.as_ref(), &visitor, &mut after).await {
                Ok(Some(frame)) => {
                    if frames.send(frame).await.is_err() {
                        return;
                    }
                }
                Ok(None) => {}
                // The next wake-up reads again from where this one stopped.
                Err(error) => tracing::warn!("the customer's page views cannot be read: {error}"),
            }
        }
    });
    Ok(PagesViewed { receiver, _task: AbortOnDropHandle::new(task) })
}

/// The agent's end of [`follow`].
#[derive(Debug)]
pub struct PagesViewed {
    receiver: mpsc::Receiver<ServerFrame>,
    _task: AbortOnDropHandle<()>,
}

impl PagesViewed {
    /// The next page the customer viewed. Cancel-safe: a frame not taken stays.
    pub async fn next(&mut self) -> Option<ServerFrame> {
        self.receiver.recv().await
    }
}

/// Reads the log after `after` (moving it on) and answers `visitor`'s newest page
/// view on this site among what was appended, if any.
async fn newest_page_view(
    events: &dyn EventLog,
    visitor: &str,
    after: &mut i64,
) -> Result<Option<ServerFrame>, EventLogError> {
    let mut newest = None;
    loop {
        let batch = events.since(*after, READ_PAGE).await?;
        for event in &batch {
            *after = event.id;
            if let EventKind::PageViewed { path, title, .. } = &event.kind
                && event.visitor == visitor
                && let Some(link) = local_link(title, path)
            {
                newest = Some(ServerFrame::NowOn { title: link.title, href: link.href });
            }
        }
        if batch.len() < READ_PAGE as usize {
            return Ok(newest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewEvent, SqliteStore, SystemClock};
    use telepath_domain::PageType;

    fn viewed(visitor: &str, path: &str, title: &str) -> NewEvent {
        let kind = EventKind::PageViewed {
            page: PageType::Article,
            path: path.into(),
            title: title.into(),
            referrer: None,
        };
        NewEvent { visitor: visitor.into(), kind }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_the_customers_own_new_pages_on_this_site_go_to_the_agent() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Arc::new(SqliteStore::open(&dir.path().join("t.sqlite3"), Arc::new(SystemClock)).await.unwrap());
        store.append(viewed("customer", "/articles/before", "Before the console opened")).await.unwrap();
        let mut pages = follow(store.clone(), "customer".into()).await.unwrap();

        store.append(viewed("someone-else", "/articles/theirs", "Not theirs")).await.unwrap();
        store.append(viewed("customer", "//evil.example/x", "Another site")).await.unwrap();
        let searched = EventKind::Searched { query: "refund".into(), results: 2 };
        store.append(NewEvent { visitor: "customer".into(), kind: searched }).await.unwrap();
        store.append(viewed("customer", "/articles/void-an-invoice", "Void an invoice")).await.unwrap();
        assert_eq!(
            pages.next().await,
            Some(ServerFrame::NowOn {
                title: "Void an invoice".into(),
                href: "/articles/void-an-invoice".into()
            })
        );
        store.append(viewed("customer", "/categories/invoices", "Invoices")).await.unwrap();
        assert_eq!(
            pages.next().await,
            Some(ServerFrame::NowOn { title: "Invoices".into(), href: "/categories/invoices".into() })
        );
    }
}
