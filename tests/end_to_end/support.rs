use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use telepath_server::Config;
use telepath_server::journeys::{EventRecorder, JourneyKnowledge};
use telepath_server::store::{EffortScores, EventLog, StoredEvent, Submissions};
use telepath_server::testing::Fixture;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The browser bundle scripts/build-site.sh writes; the test command builds it first.
pub fn site_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site")
}

/// The real server, serving a fixture on a random port until `stop` (or drop).
pub struct TestServer {
    pub base_url: String,
    pub events: Arc<dyn EventLog>,
    pub submissions: Arc<dyn Submissions>,
    pub effort: Arc<dyn EffortScores>,
    pub recorder: EventRecorder,
    pub journeys: Arc<JourneyKnowledge>,
    pub chat: telepath_server::chat::Chat,
    /// The SQLite file, to reopen after the server has stopped.
    pub database: PathBuf,
    pub bundle_hash: Option<String>,
    reloads: Option<tokio::sync::watch::Receiver<u64>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _fixture: Fixture,
}

impl TestServer {
    pub async fn start(fixture: Fixture) -> TestServer {
        TestServer::start_with(fixture, |_| {}).await
    }

    /// The real server with some settings changed first, e.g. short connection timeouts.
    pub async fn start_with(fixture: Fixture, adjust: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_at(fixture, "127.0.0.1:0", adjust).await
    }

    /// The real server on `address`: a restart on the address a browser already has.
    pub async fn start_at(fixture: Fixture, address: &str, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = fixture.config(&site_dir());
        adjust(&mut config);
        let state = telepath_server::prepare(&config).await.expect("the server prepares");
        let (events, submissions) = (state.portal.events.clone(), state.portal.submissions.clone());
        let effort = state.portal.effort.clone();
        let (recorder, database) = (state.portal.recorder.clone(), config.database_path());
        let journeys = state.portal.journeys.clone();
        let chat = state.chat.clone();
        let bundle_hash = state.assets.hash.clone();
        let reloads = state.content_watcher.as_ref().map(|watcher| watcher.reloads());
        // Bound before serving starts, so requests queue instead of racing the start.
        let listener = TcpListener::bind(address).await.expect("the address can be bound");
        let base_url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(telepath_server::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        TestServer {
            base_url,
            events,
            submissions,
            effort,
            recorder,
            journeys,
            chat,
            database,
            bundle_hash,
            reloads,
            shutdown: Some(shutdown),
            task: Some(task),
            _fixture: fixture,
        }
    }

    /// Changes each time the server finishes reloading content.
    pub fn reloads(&self) -> tokio::sync::watch::Receiver<u64> {
        self.reloads.clone().expect("the content watcher runs in tests")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `host:port`, for tests that speak raw TCP.
    pub fn address(&self) -> &str {
        self.base_url.trim_start_matches("http://")
    }

    /// Stops like [`TestServer::stop`] and hands back the fixture, whose data folder
    /// (the database) then outlives the server.
    pub async fn stop_keeping_data(mut self) -> (std::io::Result<()>, Fixture) {
        let stopped = self.stop_serving().await;
        (stopped, self._fixture)
    }

    /// Asks for a graceful shutdown and waits until the server has stopped.
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.stop_serving().await
    }

    async fn stop_serving(&mut self) -> std::io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.task.take() {
            Some(task) => task.await.expect("the server task does not panic"),
            None => Ok(()),
        }
    }

    /// Waits until `count` events of `kind` are stored and the next-question model
    /// has learned them all, or fails after `timeout`.
    pub async fn wait_until_learned(&self, kind: &str, count: usize, timeout: Duration) {
        let mut appended = self.events.subscribe();
        let mut learned = self.journeys.learned_through();
        let waited = tokio::time::timeout(timeout, async {
            let newest = loop {
                let events = self.events.recent(Some(kind), count as u32).await.expect("the store answers");
                if events.len() >= count {
                    break events[0].id;
                }
                appended.next().await.expect("the store outlives the test");
            };
            learned.wait_for(|through| *through >= newest).await.expect("the model outlives the test");
        })
        .await;
        waited.unwrap_or_else(|_| panic!("{count} `{kind}` events were not learned within {timeout:?}"));
    }

    /// Waits until an event of `kind` (its stored name, e.g. `article_feedback`) has
    /// been stored, or fails after `timeout`.
    pub async fn wait_for_event(&self, kind: &str, timeout: Duration) -> StoredEvent {
        // Subscribed before the first look, so an append in between is not missed.
        let mut appended = self.events.subscribe();
        let found = tokio::time::timeout(timeout, async {
            loop {
                let events = self.events.recent(Some(kind), 1).await.expect("the store answers");
                if let Some(event) = events.into_iter().next() {
                    return event;
                }
                appended.next().await.expect("the store outlives the test");
            }
        })
        .await;
        found.unwrap_or_else(|_| panic!("no `{kind}` event was stored within {timeout:?}"))
    }
}

/// How many panics the server's threads have had in this test binary so far. The
/// first call installs a hook that counts them (and still prints each one); tests
/// compare the count before and after, since a panic inside a connection's task
/// shows up to the client only as a dropped connection, if at all. Test threads are
/// named after their test's path (`module::test`), so their own failed assertions
/// are not counted.
pub fn server_panics() -> usize {
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !std::thread::current().name().is_some_and(|name| name.contains("::")) {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
    PANICS.load(Ordering::SeqCst)
}

/// The `telepath` binary scripts/test.sh builds before the tests.
pub fn telepath_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"), PathBuf::from);
    let binary = target.join("debug/telepath");
    assert!(
        binary.exists(),
        "{} is missing: build it first with `cargo build -p telepath-server --bin telepath` (scripts/test.sh does)",
        binary.display()
    );
    binary
}
