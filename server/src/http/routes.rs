//! Every route the portal answers, in one list of groups. Each group carries the
//! layers its routes need, so no middleware has to pick requests by their path:
//! - **files**: the browser bundle, media, health, robots, sitemap, favicon. No
//!   visitor cookie, no form token: they are the same for everyone and cacheable.
//! - **visitor**: every page (the 404 page included), task forms and server
//!   functions. Each request gets its visitor id and form token, and every write
//!   must carry the token. Inside it:
//!   - **searching**: the results page and the search box's suggestions, under a
//!     per-client rate limit;
//!   - **api**: the server functions, whose typed errors become plain words.
//!   - **staff**: the sign-in page and its two forms, where the staff session is
//!     checked (who is signed in goes into the request), and inside it **editors**
//!     (`/editors` and everything under it), behind the editor-role guard, and
//!     **console** (`/console`: the agent console's pages, forms and the agents'
//!     conversation sockets), behind the agent-role guard; every request there is
//!     the agent's sign of life.
//!   - the customer's chat socket, a visitor route: it needs the visitor id, and
//!     checks the form token itself (an upgrade is a GET, which the token layer passes).
//!
//! Around all of them: writes from another site are refused, the site's origin is
//! noted, bodies are limited in size and time, and responses are compressed.

use super::staff::{RoleGuard, identify_staff, require_role};
use super::{
    AppState, assets, chat, connections, console, csrf, effort, error, insights, rate_limit, security, seo,
    staff, tasks, visitor,
};
use crate::portal::VisitorFacts;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on, post};
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list_with_exclusions_and_ssg_and_context};
use telepath_app::App;
use telepath_app::urls;
use telepath_domain::StaffRole;
use telepath_domain::picture::RENDITIONS_PATH;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// Pages are compressed as they are sent (the bundle is compressed once at build
/// time, at the highest level). Brotli's default (quality 11) halved the pages a
/// second; quality 4, what CDNs use for dynamic responses, keeps most of the saving
/// at a fraction of the CPU (figures in the page-weight issue's note).
const DYNAMIC_COMPRESSION: CompressionLevel = CompressionLevel::Precise(4);

/// Form posts and server-function calls are small; anything larger is refused with 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let portal = state.portal.clone();
    // Leptos provides the request's parts before this runs (server functions and the
    // route list alike); without them (building the route list) nothing is recorded.
    let provide_backends = move || {
        let visitor = leptos::prelude::use_context::<axum::http::request::Parts>()
            .map_or_else(VisitorFacts::default, |parts| VisitorFacts::of(&parts.headers, &parts.extensions));
        portal.for_request(visitor).provide();
    };
    let (pages, _) =
        generate_route_list_with_exclusions_and_ssg_and_context(App, None, provide_backends.clone());
    let (search_pages, pages): (Vec<AxumRouteListing>, Vec<AxumRouteListing>) =
        pages.into_iter().partition(|page| page.path() == urls::SEARCH);
    let (staff_pages, pages): (Vec<AxumRouteListing>, Vec<AxumRouteListing>) =
        pages.into_iter().partition(|page| page.path() == urls::STAFF_SIGN_IN || is_editors(page.path()));
    // The console's pages are rendered by its own handlers, with their views.
    let pages: Vec<AxumRouteListing> = pages.into_iter().filter(|page| !is_console(page.path())).collect();
    let (editors_pages, sign_in_page): (Vec<AxumRouteListing>, Vec<AxumRouteListing>) =
        staff_pages.into_iter().partition(|page| is_editors(page.path()));
    let search_limit =
        axum::middleware::from_fn_with_state(state.search_limiter.clone(), rate_limit::limit_searches);

    let searching = Router::new()
        .leptos_routes_with_handler(search_pages, render_route)
        .route_layer(search_limit.clone());
    let api = server_functions(provide_backends, |path, route| {
        if path == urls::SUGGEST { route.route_layer(search_limit.clone()) } else { route }
    })
    .layer(axum::middleware::from_fn(error::answer_server_fn_errors));
    // Any other address under /editors is behind the guard too, so a page editors
    // get later is never open by accident and a 404 there tells outsiders nothing.
    let editors = Router::new()
        .leptos_routes_with_handler(editors_pages, render_route)
        .route("/editors/insights.csv", get(insights::insights_csv))
        .route(&format!("{}/{{*rest}}", urls::EDITORS), get(render_route))
        .route_layer(axum::middleware::from_fn_with_state(RoleGuard(StaffRole::Editor), require_role));
    let conversation = format!("{}/conversations/{{id}}", urls::CONSOLE);
    let form = |form: urls::ConsoleForm| format!("{conversation}/{}", form.segment());
    let console = Router::new()
        .route(urls::CONSOLE, get(console::queue_page))
        .route(urls::CONSOLE_PRESENCE, post(console::set_presence))
        .route(urls::CONSOLE_QUEUE_SOCKET, get(console::queue_socket))
        .route(&conversation, get(console::conversation_page))
        .route(&form(urls::ConsoleForm::Claim), post(console::claim))
        .route(&form(urls::ConsoleForm::Reply), post(console::reply))
        .route(&form(urls::ConsoleForm::SendArticle), post(console::send_article))
        .route(&form(urls::ConsoleForm::SendCannedReply), post(console::send_canned_reply))
        .route(&form(urls::ConsoleForm::Note), post(console::add_note))
        .route(&form(urls::ConsoleForm::Transfer), post(console::transfer))
        .route(&form(urls::ConsoleForm::Close), post(console::close))
        .route(&format!("{conversation}/socket"), get(chat::agent_socket))
        .route(&format!("{}/{{*rest}}", urls::CONSOLE), get(render_route))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), console::note_sign_of_life))
        .route_layer(axum::middleware::from_fn_with_state(RoleGuard(StaffRole::Agent), require_role));
    let staff = Router::new()
        .leptos_routes_with_handler(sign_in_page, render_route)
        .route(urls::STAFF_SIGN_IN, post(staff::sign_in))
        .route(urls::STAFF_SIGN_OUT, post(staff::sign_out))
        .merge(editors)
        .merge(console)
        .route_layer(axum::middleware::from_fn_with_state(state.staff.clone(), identify_staff));
    let visitor = Router::new()
        .leptos_routes_with_handler(pages, render_route)
        .route("/tasks/{task}", post(tasks::submit_task))
        .route(urls::CHAT, post(chat::send_from_form))
        .route(urls::CHAT_SOCKET, get(chat::visitor_socket))
        .route(urls::CHAT_OFFER_DISMISS, post(chat::dismiss_offer))
        .route(urls::CHAT_OFFER_LINGERED, post(chat::report_lingering))
        .route("/chat/{conversation}/effort", post(effort::rate_chat_effort))
        .route("/tasks/{task}/sent/{reference}/effort", post(effort::rate_task_effort))
        .merge(searching)
        .merge(api)
        .merge(staff)
        .fallback(render_route)
        .layer(axum::middleware::from_fn_with_state(state.csrf_key.clone(), csrf::require_form_token))
        .layer(axum::middleware::from_fn_with_state(state.csrf_key.clone(), visitor::assign_visitor));

    let media_dir = state.portal.content.root().join("media");
    let files = Router::new()
        .route("/healthz", get(healthz))
        .route("/robots.txt", get(seo::robots_txt))
        .route("/favicon.svg", get(seo::favicon))
        .route("/sitemap.xml", get(seo::sitemap_xml))
        .merge(assets::routes(&state.assets))
        .nest_service("/media", assets::media_service(&media_dir))
        .route(&format!("{RENDITIONS_PATH}/{{*rendition}}"), get(assets::rendition));

    Router::new()
        .merge(files)
        .merge(visitor)
        .layer(axum::middleware::from_fn(security::refuse_cross_site_writes))
        .layer(axum::middleware::from_fn_with_state(state.public_url.clone(), security::note_site_origin))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.connection_limits.request_body_timeout,
            connections::limit_body_time,
        ))
        .layer(CompressionLayer::new().quality(DYNAMIC_COMPRESSION))
        .with_state(state)
}

/// One route per server function the app registered, each given the capabilities
/// of its request; `layer_for` adds what one function needs beyond the group's.
fn server_functions(
    provide_backends: impl Fn() + Clone + Send + Sync + 'static,
    layer_for: impl Fn(&str, MethodRouter<AppState>) -> MethodRouter<AppState>,
) -> Router<AppState> {
    let mut router = Router::new();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        let provide_backends = provide_backends.clone();
        let handler = move |request: Request<Body>| async move {
            leptos_axum::handle_server_fns_with_context(provide_backends, request).await
        };
        match MethodFilter::try_from(method.clone()) {
            Ok(filter) => router = router.route(path, layer_for(path, on(filter, handler))),
            Err(_) => tracing::error!(%path, %method, "a server function uses a method no route can take"),
        }
    }
    router
}

/// `/editors` and every path under it.
fn is_editors(path: &str) -> bool {
    path.strip_prefix(urls::EDITORS).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `/console` and every path under it.
fn is_console(path: &str) -> bool {
    path.strip_prefix(urls::CONSOLE).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Every page, and the 404 page for any other path.
async fn render_route(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    state.pages.render(request, || {}).await
}

async fn healthz() -> impl IntoResponse {
    "ok"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_groups_take_whole_path_segments() {
        assert!(is_editors("/editors") && is_editors("/editors/insights"));
        assert!(!is_editors("/editorship") && !is_editors("/") && !is_editors("/staff/sign-in"));
        assert!(is_console("/console") && is_console("/console/conversations/:id"));
        assert!(!is_console("/consoles") && !is_console("/"));
    }

    #[test]
    fn the_search_box_endpoint_is_a_registered_server_function() {
        let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
        assert!(paths.contains(&urls::SUGGEST), "{paths:?}");
    }
}
