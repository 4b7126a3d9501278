//! Chat messages as every page shows them, the customer's and the agent console's
//! alike (docs/chat-protocol.md, "Text is text"): plain text, escaped, each message
//! in an element of its own with `dir="auto"`, and only `http(s)` addresses made
//! into links. Compiled into islands too, so a message added live reads exactly as
//! one the server rendered.

use leptos::prelude::*;

/// What a link in a message may do: open without telling the site who sent the
/// reader (`noreferrer`), without a handle back to this tab (`noopener`), and
/// without vouching for the address (`nofollow`).
pub const LINK_REL: &str = "noopener noreferrer nofollow";

/// A run of a message: words, or an address to make a link of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// Cuts `text` into words and `http://`/`https://` addresses. An address starts
/// where a word starts and runs until a space, a character that cannot be part of
/// one (quotes, angle brackets, anything invisible or direction-changing), or the
/// end; punctuation that ends a sentence (`.`, `,`, `)` without its `(`…) is left
/// outside it. Nothing else (`javascript:`, `data:`, `www.` without a scheme)
/// becomes a link. Joining the pieces gives back `text` exactly.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let starts_word = text[..at].chars().next_back().is_none_or(|before| !before.is_alphanumeric());
        let link = if starts_word { address_at_start(rest) } else { None };
        match link {
            Some(length) => {
                if plain_from < at {
                    pieces.push(Piece::Text(&text[plain_from..at]));
                }
                pieces.push(Piece::Link(&text[at..at + length]));
                at += length;
                plain_from = at;
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain_from < text.len() {
        pieces.push(Piece::Text(&text[plain_from..]));
    }
    pieces
}

/// The length in bytes of the address `text` starts with, if it starts with one.
fn address_at_start(text: &str) -> Option<usize> {
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|scheme| text.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme)))?;
    let mut end = scheme.len()
        + text[scheme.len()..].find(|c: char| !is_address_char(c)).unwrap_or(text.len() - scheme.len());
    // Sentence punctuation after an address belongs to the sentence; a closing
    // bracket only when the address did not open it (a Wikipedia page's
    // `(disambiguation)` keeps its own). Counted once, so a paste of a thousand
    // brackets costs no more than its length.
    let unopened = |open: char, close: char| {
        let address = &text[..end];
        address.matches(close).count().saturating_sub(address.matches(open).count())
    };
    let (mut parens, mut brackets) = (unopened('(', ')'), unopened('[', ']'));
    while end > scheme.len() {
        let Some(last) = text[..end].chars().next_back() else { break };
        let trailing = match last {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~' => true,
            ')' if parens > 0 => {
                parens -= 1;
                true
            }
            ']' if brackets > 0 => {
                brackets -= 1;
                true
            }
            _ => false,
        };
        if !trailing {
            break;
        }
        end -= last.len_utf8();
    }
    let host = &text[scheme.len()..end];
    host.chars().next().is_some_and(|first| first.is_alphanumeric() || first == '[').then_some(end)
}

/// Letters and digits of any script, and the ASCII punctuation addresses use. No
/// spaces, quotes, angle brackets or backticks (they end an address in prose and
/// in HTML alike), and nothing invisible: a direction override inside an address
/// would show one address and lead to another.
fn is_address_char(c: char) -> bool {
    c.is_alphanumeric()
        || (c.is_ascii_punctuation() && !matches!(c, '"' | '<' | '>' | '`' | '\\' | '^' | '{' | '}' | '|'))
}

/// One message's text: escaped (Leptos escapes every text node and attribute),
/// isolated in its own element whose direction follows its own first strong
/// character, line breaks kept by the stylesheet, addresses as links that open in
/// a new tab.
#[component]
pub fn MessageText(#[prop(into)] text: String) -> impl IntoView {
    let pieces: Vec<AnyView> = pieces(&text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(words) => words.to_owned().into_any(),
            Piece::Link(address) => view! {
                <a href=address.to_owned() rel=LINK_REL target="_blank">{address.to_owned()}</a>
            }
            .into_any(),
        })
        .collect();
    view! { <p class="message-text" dir="auto">{pieces}</p> }
}

#[cfg(test)]
mod tests {
    use super::Piece::{Link, Text};
    use super::*;

    #[test]
    fn only_web_addresses_become_links_and_nothing_is_lost() {
        let cases: &[(&str, &[Piece<'_>])] = &[
            ("no links here", &[Text("no links here")]),
            ("see https://example.com", &[Text("see "), Link("https://example.com")]),
            ("http://a.example/x?y=1&z=2#top ok", &[Link("http://a.example/x?y=1&z=2#top"), Text(" ok")]),
            ("HTTPS://EXAMPLE.COM", &[Link("HTTPS://EXAMPLE.COM")]),
            ("Read https://example.com/a.", &[Text("Read "), Link("https://example.com/a"), Text(".")]),
            ("(https://example.com/a)", &[Text("("), Link("https://example.com/a"), Text(")")]),
            (
                "https://en.wikipedia.org/wiki/Rust_(language), ok",
                &[Link("https://en.wikipedia.org/wiki/Rust_(language)"), Text(", ok")],
            ),
            ("javascript:alert(1)", &[Text("javascript:alert(1)")]),
            ("JavaScript://%0aalert(1)", &[Text("JavaScript://%0aalert(1)")]),
            ("data:text/html,<script>", &[Text("data:text/html,<script>")]),
            ("www.example.com", &[Text("www.example.com")]),
            ("xhttps://example.com", &[Text("xhttps://example.com")]),
            ("https:// nothing", &[Text("https:// nothing")]),
            ("https://.", &[Text("https://.")]),
            (
                "<a href=\"https://evil.example\">x</a>",
                &[Text("<a href=\""), Link("https://evil.example"), Text("\">x</a>")],
            ),
            (
                "https://good.example\u{202e}lmth.exe",
                &[Link("https://good.example"), Text("\u{202e}lmth.exe")],
            ),
            (
                "https://de.wikipedia.org/wiki/Straße\nnext line",
                &[Link("https://de.wikipedia.org/wiki/Straße"), Text("\nnext line")],
            ),
            ("https://[::1]:8080/x", &[Link("https://[::1]:8080/x")]),
            ("ünï https://a.example", &[Text("ünï "), Link("https://a.example")]),
        ];
        for (text, expected) in cases {
            let found = pieces(text);
            assert_eq!(&found, expected, "{text:?}");
            let joined: String = found
                .iter()
                .map(|piece| match piece {
                    Text(text) | Link(text) => *text,
                })
                .collect();
            assert_eq!(&joined, text, "nothing is lost");
        }
    }

    #[test]
    fn a_megabyte_paste_is_cut_quickly_and_whole() {
        let paste = "https://a.example/".repeat(30_000)
            + &")".repeat(200_000)
            + &" https://b.example/(".repeat(10_000)
            + &"x ".repeat(100_000);
        let started = std::time::Instant::now();
        let found = pieces(&paste);
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        let joined: usize = found
            .iter()
            .map(|piece| match piece {
                Text(text) | Link(text) => text.len(),
            })
            .sum();
        assert_eq!(joined, paste.len());
    }
}
