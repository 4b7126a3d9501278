//! The live chat panel: `/chat` as the server renders it (a list of messages and a
//! plain form that works without JavaScript), brought to life over the chat socket.
//!
//! This is a wasm module of its own, loaded by a module script on `/chat` only, so no
//! other page pays a byte for it (the shared Leptos bundle is loaded everywhere).
//! It speaks docs/chat-protocol.md: every message gets a fresh `client_id` and waits
//! in an outbox in sessionStorage until its `ack`; each `seq` is shown once; after a
//! drop it reconnects by itself with backoff, resumes with `after` = the highest
//! `seq` shown, and sends the outbox again with the same ids.

mod frames;
mod panel;

use wasm_bindgen::prelude::*;

/// Runs when the module is instantiated: attaches the panel if this page has a
/// conversation to follow, and otherwise does nothing.
#[wasm_bindgen(start)]
pub fn start() {
    if let Err(error) = panel::attach() {
        web_sys::console::error_2(&"chat panel:".into(), &error);
    }
}

/// How long to wait before reconnect number `attempt` (0 for the first): 1 s, 2 s,
/// 4 s… up to 30 s, each scaled by a `jitter` in [0, 1) to between 75% and 125%,
/// so many pages dropped at once do not come back in one wave.
pub fn reconnect_delay_ms(attempt: u32, jitter: f64) -> i32 {
    let base = 1000_f64 * f64::from(2_u32.saturating_pow(attempt.min(5))).min(30.0);
    (base * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))) as i32
}

/// Where an article card may link: the portal's own paths, or http(s). Anything
/// else (`javascript:`, `data:`, a protocol-relative `//host`) is shown as text.
pub fn safe_href(href: &str) -> Option<&str> {
    let own_path = href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/\\");
    (own_path || href.starts_with("https://") || href.starts_with("http://")).then_some(href)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnects_back_off_from_one_second_to_thirty_with_jitter() {
        let middle: Vec<i32> = (0..8).map(|attempt| reconnect_delay_ms(attempt, 0.5)).collect();
        assert_eq!(middle, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
        assert_eq!(reconnect_delay_ms(0, 0.0), 750);
        assert_eq!(reconnect_delay_ms(40, 1.0), 37500);
    }

    #[test]
    fn article_cards_link_only_to_the_portal_or_the_web() {
        assert_eq!(safe_href("/articles/refunds"), Some("/articles/refunds"));
        assert_eq!(safe_href("https://example.com/a"), Some("https://example.com/a"));
        for hostile in ["javascript:alert(1)", "//evil.example", "/\\evil.example", "data:text/html,x", ""] {
            assert_eq!(safe_href(hostile), None, "{hostile}");
        }
    }
}
