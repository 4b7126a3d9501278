//! One spelling per address, settled before routing. `/search/`, `//search`,
//! `/./search`, `/x/../search` and `/%2e/search` all reach the search page in a
//! browser, so they must meet the same rate limit, redirects and checks as `/search`.
//! This runs outside the router (a layer around it): the router's own layers run
//! only after a route has been matched against the path as sent.

use super::error::HttpError;
use axum::extract::Request;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use telepath_app::visitor::local_return_path;

/// Sends a GET or HEAD for a non-canonical path on to the canonical one (308, the
/// query kept), so the address bar and links settle on one spelling; any other
/// method is routed as if the canonical path had been sent, so a form still works.
pub async fn normalise_path(mut request: Request, next: Next) -> Response {
    let Some(canonical) = canonical_path(request.uri().path()) else {
        return next.run(request).await;
    };
    let target = match request.uri().query() {
        Some(query) => format!("{canonical}?{query}"),
        None => canonical,
    };
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        // The canonical path never starts with `//`, but a backslash or an encoded
        // control character could still turn it into another host in a browser.
        let location = local_return_path(&target).and_then(|target| HeaderValue::from_str(target).ok());
        return match location {
            Some(location) => {
                (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response()
            }
            None => HttpError::BadAddress.for_client(request.headers()),
        };
    }
    let mut parts = request.uri().clone().into_parts();
    match target.parse::<PathAndQuery>() {
        Ok(path_and_query) => parts.path_and_query = Some(path_and_query),
        Err(_) => return HttpError::BadAddress.for_client(request.headers()),
    }
    match Uri::from_parts(parts) {
        Ok(uri) => *request.uri_mut() = uri,
        Err(_) => return HttpError::BadAddress.for_client(request.headers()),
    }
    next.run(request).await
}

/// The path with repeated slashes collapsed, `.` and `..` segments resolved (also
/// percent-encoded, as browsers resolve them) and no trailing slash except for `/`;
/// `None` when it already is canonical.
fn canonical_path(path: &str) -> Option<String> {
    // `OPTIONS *` and the like have no path to normalise.
    if !path.starts_with('/') {
        return None;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        if segment.is_empty() || is_single_dot(segment) {
            continue;
        }
        if is_double_dot(segment) {
            segments.pop();
        } else {
            segments.push(segment);
        }
    }
    let canonical = format!("/{}", segments.join("/"));
    (canonical != path).then_some(canonical)
}

fn is_single_dot(segment: &str) -> bool {
    segment == "." || segment.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(segment: &str) -> bool {
    matches!(segment.to_ascii_lowercase().as_str(), ".." | ".%2e" | "%2e." | "%2e%2e")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_path_has_one_canonical_form() {
        for (path, canonical) in [
            ("/search/", "/search"),
            ("//search", "/search"),
            ("/search//", "/search"),
            ("/./search", "/search"),
            ("/x/../search", "/search"),
            ("/%2e/search", "/search"),
            ("/x/%2E%2e/search", "/search"),
            ("/x/.%2e/search", "/search"),
            ("/../../search", "/search"),
            ("/media///kits", "/media/kits"),
            ("/api//suggest/", "/api/suggest"),
            ("//", "/"),
            ("/..", "/"),
            ("/articles/a..b/", "/articles/a..b"),
        ] {
            assert_eq!(canonical_path(path).as_deref(), Some(canonical), "{path}");
        }
        for path in ["/", "/search", "/articles/send-an-invoice", "/pkg/abc/app.js", "/a%2fb", "*"] {
            assert_eq!(canonical_path(path), None, "{path}");
        }
    }
}
