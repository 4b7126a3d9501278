//! The HTTP face of the portal: one router, its middleware, and the `serve` seam.

mod assets;
mod connections;
mod csrf;
mod error;
mod normalise;
mod rate_limit;
mod render;
mod security;
mod seo;
mod tasks;
mod visitor;

pub use assets::AssetBundle;
pub use connections::serve;
pub use csrf::{CsrfError, CsrfKey};
pub use rate_limit::RateLimiter;
pub use render::PageRenderer;
pub use visitor::VISITOR_COOKIE;

use crate::config::ConnectionLimits;
use crate::content::ContentWatcher;
use crate::portal::Portal;
use axum::Router;
use axum::extract::{FromRef, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list_with_exclusions_and_ssg_and_context};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use telepath_app::{App, shell};
use tower::ServiceBuilder;
use tower::util::BoxCloneSyncService;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

/// Form posts and server-function calls are small; anything larger is refused with 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn router(state: AppState) -> Router {
    let portal = state.portal.clone();
    let provide_backend = move || portal.for_request().provide();
    let (routes, _) =
        generate_route_list_with_exclusions_and_ssg_and_context(App, None, provide_backend.clone());
    let media_dir = state.portal.content.root().join("media");

    Router::new()
        .route("/healthz", get(healthz))
        .route("/robots.txt", get(seo::robots_txt))
        .route("/favicon.svg", get(seo::favicon))
        .route("/sitemap.xml", get(seo::sitemap_xml))
        .route("/tasks/{task}", post(tasks::submit_task))
        // Server functions only (no page routes): pages go through the page renderer.
        .leptos_routes_with_context(&state, Vec::new(), provide_backend, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .leptos_routes_with_handler(routes, render_route)
        .merge(assets::routes(&state.assets))
        .nest_service("/media", assets::media_service(&media_dir))
        .fallback(render_route)
        .layer(axum::middleware::from_fn(error::answer_server_fn_errors))
        .layer(axum::middleware::from_fn_with_state(state.csrf_key.clone(), csrf::require_form_token))
        .layer(axum::middleware::from_fn_with_state(state.csrf_key.clone(), visitor::assign_visitor))
        .layer(axum::middleware::from_fn_with_state(state.search_limiter.clone(), rate_limit::limit_searches))
        .layer(axum::middleware::from_fn(security::refuse_cross_site_writes))
        .layer(axum::middleware::from_fn_with_state(state.public_url.clone(), security::note_site_origin))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.connection_limits.request_body_timeout,
            connections::limit_body_time,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
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

/// Every page, and the 404 page for any other path.
async fn render_route(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    state.pages.render(request, || {}).await
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

async fn healthz() -> impl IntoResponse {
    "ok"
}

#[cfg(test)]
mod tests;
