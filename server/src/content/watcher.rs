//! Live reload: watches content/ and reloads once edits settle, without a restart.

use super::{ContentError, ContentLibrary, ContentSnapshot, Diagnostic, Severity};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Editors' saves often arrive as several events (truncate, write, rename); waiting
/// for this much quiet turns them into one reload while staying well under a second.
const SETTLE: Duration = Duration::from_millis(150);

/// Keeps watching while it lives; dropping it stops the watch.
pub struct ContentWatcher {
    _watcher: notify::RecommendedWatcher,
    generation: watch::Receiver<u64>,
}

impl std::fmt::Debug for ContentWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentWatcher").field("generation", &*self.generation.borrow()).finish()
    }
}

impl ContentWatcher {
    /// Starts watching `library`'s folder; `on_reload` runs (on a blocking thread)
    /// with each new snapshot, e.g. to bring the search index up to date. Must be
    /// called inside a Tokio runtime.
    pub fn start(
        library: Arc<ContentLibrary>,
        on_reload: Arc<dyn Fn(&ContentSnapshot) + Send + Sync>,
    ) -> Result<ContentWatcher, ContentError> {
        let (changes_tx, mut changes) = mpsc::unbounded_channel::<()>();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
                Ok(event) if is_change(&event.kind) => {
                    let _ = changes_tx.send(());
                }
                Ok(_) => {}
                Err(error) => tracing::warn!("content watcher: {error}"),
            })
            .map_err(|source| ContentError::Watch { path: library.root().to_owned(), source })?;
        watcher
            .watch(library.root(), RecursiveMode::Recursive)
            .map_err(|source| ContentError::Watch { path: library.root().to_owned(), source })?;

        let (generation_tx, generation) = watch::channel(0u64);
        tokio::spawn(async move {
            while changes.recv().await.is_some() {
                while tokio::time::timeout(SETTLE, changes.recv()).await.is_ok_and(|change| change.is_some())
                {
                }
                let (library, on_reload) = (library.clone(), on_reload.clone());
                let reload = move || {
                    let before = library.snapshot();
                    let snapshot = library.reload()?;
                    on_reload(&snapshot);
                    Ok::<_, ContentError>((before, snapshot))
                };
                match tokio::task::spawn_blocking(reload).await {
                    Ok(Ok((before, snapshot))) => {
                        tracing::info!(
                            articles = snapshot.articles.len(),
                            errors = snapshot.errors(),
                            warnings = snapshot.warnings(),
                            "content reloaded"
                        );
                        log_changes(&before.diagnostics, &snapshot.diagnostics);
                        generation_tx.send_modify(|generation| *generation += 1);
                    }
                    Ok(Err(error)) => {
                        tracing::error!("content reload failed, still serving the last good version: {error}")
                    }
                    Err(error) => tracing::error!(
                        "content reload panicked, still serving the last good version: {error}"
                    ),
                }
            }
        });
        Ok(ContentWatcher { _watcher: watcher, generation })
    }

    /// Counts completed reloads; tests and the editors' page can wait on it.
    pub fn reloads(&self) -> watch::Receiver<u64> {
        self.generation.clone()
    }
}

/// Logs the diagnostics a reload added and the ones it resolved. Every save reloads,
/// so logging them all each time would repeat the same problems until nobody
/// reads the log.
fn log_changes(before: &[Diagnostic], after: &[Diagnostic]) {
    let changes = DiagnosticChanges::between(before, after);
    for diagnostic in changes.new {
        match diagnostic.severity {
            Severity::Error => tracing::error!("{diagnostic}"),
            Severity::Warning => tracing::warn!("{diagnostic}"),
        }
    }
    for diagnostic in changes.resolved {
        tracing::info!("resolved: {diagnostic}");
    }
}

/// What one reload changed in the diagnostics, each in the editors' order.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct DiagnosticChanges<'a> {
    pub new: Vec<&'a Diagnostic>,
    pub resolved: Vec<&'a Diagnostic>,
}

impl<'a> DiagnosticChanges<'a> {
    pub(super) fn between(before: &'a [Diagnostic], after: &'a [Diagnostic]) -> Self {
        let in_before: HashSet<&Diagnostic> = before.iter().collect();
        let in_after: HashSet<&Diagnostic> = after.iter().collect();
        Self {
            new: after.iter().filter(|diagnostic| !in_before.contains(diagnostic)).collect(),
            resolved: before.iter().filter(|diagnostic| !in_after.contains(diagnostic)).collect(),
        }
    }
}

fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}
