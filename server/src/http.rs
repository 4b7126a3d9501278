//! The HTTP face of the portal: one router, its middleware, and the `serve` seam.

mod assets;
mod chat;
mod connections;
mod console;
mod csrf;
mod effort;
mod error;
mod insights;
mod normalise;
mod rate_limit;
mod render;
mod routes;
mod security;
mod seo;
mod staff;
mod tasks;
mod visitor;

pub use assets::AssetBundle;
pub use connections::serve;
pub use csrf::{CsrfError, CsrfKey};
pub use rate_limit::RateLimiter;
pub use render::PageRenderer;
pub use routes::{MAX_REQUEST_BODY_BYTES, router};
pub use visitor::VISITOR_COOKIE;

use crate::config::ConnectionLimits;
use crate::content::ContentWatcher;
use crate::portal::Portal;
use axum::Router;
use axum::extract::{FromRef, Request};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower::util::BoxCloneSyncService;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

/// What every request handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub portal: Portal,
    pub pages: PageRenderer,
    pub assets: Arc<AssetBundle>,
    pub search_limiter: Arc<RateLimiter>,
    pub csrf_key: CsrfKey,
    /// `None` when the platform refused to watch content/ (edits then need a restart).
    pub content_watcher: Option<Arc<ContentWatcher>>,
    pub shutdown_timeout: Duration,
    /// The origin customers use, when it is not the one each request names.
    pub public_url: Option<crate::config::PublicUrl>,
    pub connection_limits: ConnectionLimits,
    /// Proxies trusted to name the client (`config::Config::trusted_proxies`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    pub staff: crate::auth::StaffAuth,
    pub chat: crate::chat::Chat,
    pub renditions: Arc<crate::content::Renditions>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The whole HTTP application as `serve` runs it, and as router tests drive it.
pub type HttpService = BoxCloneSyncService<Request, Response, Infallible>;

/// The router inside the layers that must see every request before routing (the
/// path's one spelling) and every response, including those made outside the
/// router: redirects to the canonical path get the security headers and are traced.
pub fn service(state: AppState) -> HttpService {
    with_outer_layers(router(state))
}

fn with_outer_layers(router: Router) -> HttpService {
    let service = ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(security::security_headers))
        .layer(CatchPanicLayer::custom(error::answer_panic))
        .layer(axum::middleware::from_fn(normalise::normalise_path))
        .service(router);
    BoxCloneSyncService::new(service)
}

/// Renders the page at the request's path with `form` in context: the way a task
/// page with its submitted values and errors is shown again.
async fn render_page(
    state: &AppState,
    form: telepath_app::wire::TaskFormState,
    request: axum::extract::Request,
) -> axum::response::Response {
    state.pages.render(request, move || provide_context(form.clone())).await
}

/// Reads a form's body: 408 when it did not arrive in time, 413 when it is over the limit.
async fn read_form_body(body: axum::body::Body) -> Result<axum::body::Bytes, error::HttpError> {
    axum::body::to_bytes(body, MAX_REQUEST_BODY_BYTES).await.map_err(|failure| {
        if connections::is_body_timeout(&failure) {
            error::HttpError::TooSlow
        } else {
            error::HttpError::TooLarge
        }
    })
}

#[cfg(test)]
mod tests;
