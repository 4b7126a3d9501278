//! Headers that keep pages from being framed, sniffed or scripted by anyone else, and
//! the refusal of cross-site writes.

use crate::config::PublicUrl;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use telepath_app::backend::SiteOrigin;

/// Adds the security headers to every response. Leptos needs exactly one inline
/// script (the module that loads the islands), so each response gets a fresh nonce
/// that only that script carries; `'wasm-unsafe-eval'` lets the browser compile wasm.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers
        .insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if is_personal(headers) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    response
}

/// Every page embeds the visitor's form token (and a page may set a cookie): a shared
/// cache must never hand it to someone else, nor the browser keep it after they leave.
fn is_personal(headers: &HeaderMap) -> bool {
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    is_html || headers.contains_key(header::SET_COOKIE)
}

/// Refuses state-changing requests that a browser says came from another site
/// (Fetch Metadata), or whose Origin is not this host.
pub async fn refuse_cross_site_writes(request: Request, next: Next) -> Response {
    if is_safe_method(request.method()) || is_same_site(&request) {
        return next.run(request).await;
    }
    tracing::info!(path = %request.uri().path(), "refused a cross-site request");
    super::error::HttpError::FromAnotherSite.for_client(request.headers())
}

/// Methods that only read: everything else changes something and must be defended.
pub(super) fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_same_site(request: &Request) -> bool {
    let header = |name| request.headers().get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    let own = request.extensions().get::<SiteOrigin>();
    match (header("origin"), own) {
        (Some(origin), Some(own)) => origin.eq_ignore_ascii_case(&own.0),
        // Browsers old enough to send neither header cannot be told apart from curl.
        _ => true,
    }
}

/// Puts the portal's origin, as the visitor's browser sees it, in the request's
/// extensions: the configured public URL (HTTPS behind a proxy), or else plain HTTP
/// and the Host the request names. The Origin check compares against it, and pages
/// build their canonical links and the sitemap from it. A scheme counts: a page on
/// `https://` of the same host is another origin.
pub async fn note_site_origin(
    State(public_url): State<Option<PublicUrl>>,
    mut request: Request,
    next: Next,
) -> Response {
    let origin = match &public_url {
        Some(url) => Some(url.origin().to_owned()),
        None => request
            .headers()
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .filter(|host| !host.is_empty() && host.bytes().all(|byte| byte.is_ascii_graphic()))
            .map(|host| format!("http://{}", host.to_ascii_lowercase())),
    };
    if let Some(origin) = origin {
        request.extensions_mut().insert(SiteOrigin(origin));
    }
    next.run(request).await
}
