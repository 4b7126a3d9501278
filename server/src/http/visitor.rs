//! The anonymous visitor id: random, kept in an HttpOnly cookie, never tied to a
//! person. Events in the store refer to it.

use super::csrf::CsrfKey;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use telepath_app::backend::{CsrfToken, VisitorId};
use telepath_app::visitor::{VisitorPrefs, set_cookie};

pub const VISITOR_COOKIE: &str = "telepath_visitor";
const VISITOR_ID_HEX_LEN: usize = 32;

/// Gives every page request a visitor id (the cookie's if it is well-formed, a new
/// one otherwise: a tampered or malformed cookie is replaced, never an error), the
/// form token bound to it, and what the visitor's other cookies remember.
pub async fn assign_visitor(State(csrf): State<CsrfKey>, mut request: Request, next: Next) -> Response {
    let existing = cookie_value(&request, VISITOR_COOKIE).filter(|id| is_valid_visitor_id(id));
    let prefs = VisitorPrefs::from_cookies(|name| cookie_value(&request, name));
    let (id, is_new) = match existing {
        Some(id) => (id, false),
        None => (new_visitor_id(), true),
    };
    let visitor = VisitorId(id.clone());
    request.extensions_mut().insert(CsrfToken(csrf.token_for(&visitor)));
    request.extensions_mut().insert(visitor);
    request.extensions_mut().insert(prefs);
    let mut response = next.run(request).await;
    if is_new && let Ok(value) = HeaderValue::from_str(&set_cookie(VISITOR_COOKIE, &id)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn cookie_value(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

fn new_visitor_id() -> String {
    let mut bytes = [0u8; VISITOR_ID_HEX_LEN / 2];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn is_valid_visitor_id(id: &str) -> bool {
    id.len() == VISITOR_ID_HEX_LEN && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_random_and_well_formed() {
        let (a, b) = (new_visitor_id(), new_visitor_id());
        assert!(is_valid_visitor_id(&a) && is_valid_visitor_id(&b));
        assert_ne!(a, b);
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for id in [
            "",
            "abc",
            "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
            "0123456789abcdef0123456789abcdef0",
            "<script>alert(1)</script>xxxxxx",
        ] {
            assert!(!is_valid_visitor_id(id), "{id}");
        }
    }
}
