//! Telepath's server: content, store and HTTP, plus the seam tests start it through.
//!
//! `prepare` turns a [`Config`] into an [`AppState`]; [`serve`] runs it on a listener
//! until a shutdown future completes. Tests bind port 0 and call both.

pub mod auth;
pub mod chat;
pub mod config;
pub mod content;
pub mod data_dir;
pub mod http;
pub mod insights;
pub mod journeys;
pub mod portal;
pub mod search;
pub mod store;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use config::Config;
pub use http::{AppState, router, serve, service};

use content::{ContentError, ContentLibrary, ContentWatcher, Severity};
use http::AssetBundle;
use leptos::config::LeptosOptions;
use portal::Portal;
use search::{SearchError, SearchIndex};
use std::path::PathBuf;
use std::sync::Arc;
use store::{OpenError, SystemClock};

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] OpenError),
    #[error(transparent)]
    Content(#[from] ContentError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Csrf(#[from] http::CsrfError),
    #[error(transparent)]
    Staff(#[from] auth::AuthError),
}

/// Opens the store, loads the content and finds the browser bundle. Problems in
/// single content files are logged as diagnostics and do not stop the start.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
    data_dir::create_private_dir(&config.data_dir)
        .map_err(|source| StartError::DataDir { path: config.data_dir.clone(), source })?;
    let database = config.database();
    let store = store::open(&database, Arc::new(SystemClock)).await?;
    tracing::info!("store opened: {database}");
    let csrf_key = http::CsrfKey::shared_or_own(store.as_ref(), &config.data_dir).await?;
    let content = Arc::new(ContentLibrary::load(&config.content_dir)?);
    let snapshot = content.snapshot();
    for diagnostic in &snapshot.diagnostics {
        match diagnostic.severity {
            Severity::Error => tracing::error!("{diagnostic}"),
            Severity::Warning => tracing::warn!("{diagnostic}"),
        }
    }
    tracing::info!(
        articles = snapshot.articles.len(),
        categories = snapshot.categories.len(),
        errors = snapshot.errors(),
        warnings = snapshot.warnings(),
        "content loaded from {}",
        config.content_dir.display()
    );

    // Kept on disk, so a restart re-indexes only what changed since the last run.
    let search = Arc::new(SearchIndex::open(&config.search_index_dir())?);
    let report = search.sync(&snapshot)?;
    tracing::info!(
        added = report.added,
        updated = report.updated,
        removed = report.removed,
        unchanged = report.unchanged,
        "search index synced"
    );
    let keep_search_current = {
        let search = search.clone();
        Arc::new(move |snapshot: &content::ContentSnapshot| match search.sync(snapshot) {
            Ok(report) => tracing::info!(?report, "search index updated"),
            Err(error) => tracing::error!("search index update failed, results may be stale: {error}"),
        })
    };

    // Without a watcher the portal still serves; edits then need a restart.
    let content_watcher = match ContentWatcher::start(content.clone(), keep_search_current) {
        Ok(watcher) => Some(Arc::new(watcher)),
        Err(error) => {
            tracing::warn!("live reload is off: {error}");
            None
        }
    };

    let assets = AssetBundle::load(&config.site_dir);
    let leptos_options = LeptosOptions::builder()
        .output_name("app")
        .site_root(config.site_dir.to_string_lossy().into_owned())
        .site_pkg_dir(assets.url_dir())
        .build();
    let served_over_https = config.public_url.as_ref().is_some_and(config::PublicUrl::is_https);
    let staff = auth::StaffAuth::new(store.clone(), store.clone(), served_over_https)?;
    let chat = chat::Chat::new(store.clone(), store.clone(), store.clone(), store.clone(), content.clone());
    if let Some(signals) = store.chat_signals() {
        chat::relay::start(&chat.hub, signals, chat.shutdown.clone());
    }
    let portal = Portal {
        content,
        events: store.clone(),
        recorder: journeys::EventRecorder::start(store.clone(), journeys::EVENT_QUEUE_CAPACITY),
        journeys: journeys::JourneyKnowledge::start(store.clone(), config.journeys),
        submissions: store.clone(),
        effort: store,
        search,
        chat: chat.clone(),
        development: config.development,
    };
    let renditions = Arc::new(content::Renditions::new(&config.content_dir, config.renditions_dir()));
    Ok(AppState {
        renditions,
        pages: http::PageRenderer::new(leptos_options.clone(), portal.clone()),
        leptos_options,
        portal,
        content_watcher,
        search_limiter: Arc::new(http::RateLimiter::default()),
        csrf_key,
        assets: Arc::new(assets),
        shutdown_timeout: config.shutdown_timeout,
        connection_limits: config.connections,
        trusted_proxies: config.trusted_proxies.clone().into(),
        public_url: config.public_url.clone(),
        staff,
        chat,
    })
}
