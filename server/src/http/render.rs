//! Page rendering that starts and ends on one thread.
//!
//! Leptos keeps some values of a render (island event handlers, an island's local
//! stored values) in `SendWrapper`s, which panic when dropped on a thread other than
//! the one that made them. On the multi-threaded runtime a request's future resumes
//! on whichever worker is free, so a page that awaits anything (the store today, chat
//! and insights later) crashed whenever its render finished on another thread. Each
//! render therefore runs from start to end on one thread of a small pool, and its
//! whole body is produced there: a panic while rendering then surfaces inside the
//! handler, where the panic catcher turns it into a 500, instead of cutting off a
//! half-sent page.

use super::error::HttpError;
use crate::portal::{Portal, VisitorFacts};
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use leptos::config::LeptosOptions;
use telepath_app::shell;
use tokio_util::task::LocalPoolHandle;

#[derive(Clone)]
pub struct PageRenderer {
    threads: LocalPoolHandle,
    options: LeptosOptions,
    portal: Portal,
}

impl std::fmt::Debug for PageRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageRenderer").field("threads", &self.threads.num_threads()).finish_non_exhaustive()
    }
}

impl PageRenderer {
    /// One rendering thread per core: rendering is CPU work once the data is in.
    pub fn new(options: LeptosOptions, portal: Portal) -> PageRenderer {
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        PageRenderer { threads: LocalPoolHandle::new(threads), options, portal }
    }

    /// Renders the page at the request's path, with `context` provided beside the
    /// portal's capabilities (over one content snapshot for the whole page).
    pub async fn render(
        &self,
        request: Request,
        context: impl Fn() + Clone + Send + Sync + 'static,
    ) -> Response {
        let visitor = VisitorFacts::of(request.headers(), request.extensions());
        let (options, backends) = (self.options.clone(), self.portal.for_request(visitor));
        let rendered = self.threads.spawn_pinned(move || async move {
            let render = leptos_axum::render_app_async_with_context(
                move || {
                    backends.provide();
                    context();
                },
                move || shell(options.clone()),
            );
            let (parts, body) = render(request).await.into_parts();
            match axum::body::to_bytes(body, usize::MAX).await {
                Ok(html) => Response::from_parts(parts, Body::from(html)),
                Err(error) => {
                    HttpError::PageUnavailable(format!("rendering failed part way: {error}")).into_response()
                }
            }
        });
        match rendered.await {
            Ok(response) => response,
            // Re-raised here, so the one panic catcher answers it like any other.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(cancelled) => {
                HttpError::PageUnavailable(format!("the rendering thread stopped: {cancelled}"))
                    .into_response()
            }
        }
    }
}
