//! The anonymous visitor id: random, kept in an HttpOnly cookie, never tied to a
//! person. Events in the store refer to it.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;
use rand::RngCore;
use telepath_app::backend::{VisitorId, VisitorLevel};
use telepath_app::wire::Level;

pub const VISITOR_COOKIE: &str = "telepath_visitor";
pub const LEVEL_COOKIE: &str = "telepath_level";
const VISITOR_ID_HEX_LEN: usize = 32;
const ONE_YEAR_SECS: u32 = 365 * 24 * 60 * 60;

/// Gives every page request a visitor id: the cookie's if it is well-formed, a new
/// one otherwise (a tampered or malformed cookie is replaced, never an error).
pub async fn assign_visitor(mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/pkg/") || path.starts_with("/media/") || path == "/healthz" {
        return next.run(request).await;
    }
    let existing = cookie_value(&request, VISITOR_COOKIE).filter(|id| is_valid_visitor_id(id));
    // A forged or unknown level is ignored: the visitor simply has not chosen yet.
    if let Some(level) =
        cookie_value(&request, LEVEL_COOKIE).and_then(|value| Level::from_visitor_choice(&value))
    {
        request.extensions_mut().insert(VisitorLevel(level));
    }
    let (id, is_new) = match existing {
        Some(id) => (id, false),
        None => (new_visitor_id(), true),
    };
    request.extensions_mut().insert(VisitorId(id.clone()));
    let mut response = next.run(request).await;
    if is_new {
        let cookie =
            format!("{VISITOR_COOKIE}={id}; Path=/; Max-Age={ONE_YEAR_SECS}; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
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

/// Remembers (or with no level, forgets) the visitor's level and sends them on:
/// to `return_to` if it is a path on this site, else to their level's welcome kit.
pub async fn choose_level(axum::Form(choice): axum::Form<LevelChoice>) -> Response {
    let level = Level::from_visitor_choice(choice.level.as_deref().unwrap_or_default());
    let return_to = choice
        .return_to
        .filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'));
    let destination = match (level, return_to) {
        (_, Some(path)) => path,
        (Some(level), None) => format!("/kits/{level}"),
        (None, None) => "/".to_owned(),
    };
    let cookie = match level {
        Some(level) => {
            format!("{LEVEL_COOKIE}={level}; Path=/; Max-Age={ONE_YEAR_SECS}; HttpOnly; SameSite=Lax")
        }
        None => format!("{LEVEL_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    };
    let mut response = axum::response::Redirect::to(&destination).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The level form: `level` empty or missing means "skip / forget my level".
#[derive(Debug, serde::Deserialize)]
pub struct LevelChoice {
    level: Option<String>,
    return_to: Option<String>,
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
