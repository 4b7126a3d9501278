//! Markdown as chat text: saved replies are written in markdown like every other
//! file, and sent as plain text (chat messages are never HTML). Emphasis loses its
//! marks, lists keep theirs, paragraphs a blank line between them, and a link keeps
//! its full address after its words so the customer's chat can make it clickable.

use super::{MAX_NESTING, Nesting, TooDeeplyNested, markdown_options};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A reply's text, and the links in it a chat cannot follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatText {
    pub text: String,
    /// Links that are not `http(s)` addresses (a site path, a `.md` file, `mailto:`),
    /// each with its byte offset in the markdown: in a chat they would be dead words.
    pub unfollowable_links: Vec<(String, usize)>,
}

/// The plain text `markdown` reads as. Nesting deeper than [`MAX_NESTING`] is
/// refused, as everywhere.
pub fn chat_text(markdown: &str) -> Result<ChatText, TooDeeplyNested> {
    let mut text = String::with_capacity(markdown.len());
    let mut unfollowable_links = Vec::new();
    let mut nesting = Nesting::default();
    // Each open list's next number (None: bullets), innermost last.
    let mut lists: Vec<Option<u64>> = Vec::new();
    // Each open link's address and where its words start in `text`.
    let mut links: Vec<(String, usize)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        if nesting.enter(&event) > MAX_NESTING {
            return Err(TooDeeplyNested { offset: range.start });
        }
        match event {
            Event::Text(words) | Event::Code(words) | Event::Html(words) | Event::InlineHtml(words) => {
                text.push_str(&words);
            }
            Event::SoftBreak => text.push(' '),
            Event::HardBreak | Event::Rule => text.push('\n'),
            Event::TaskListMarker(done) => text.push_str(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => text.push_str(&format!("[{name}]")),
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                end_block(&mut text);
            }
            Event::Start(Tag::Item) => {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(number)) => {
                        text.push_str(&format!("{number}. "));
                        *number += 1;
                    }
                    _ => text.push_str("- "),
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let address = dest_url.to_string();
                let is_web = ["http://", "https://"].iter().any(|scheme| {
                    address.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme))
                });
                if !is_web {
                    unfollowable_links.push((address.clone(), range.start));
                }
                links.push((address, text.len()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((address, words_start)) = links.pop()
                    && text[words_start..].trim() != address
                {
                    text.push_str(&format!(" ({address})"));
                }
            }
            Event::End(TagEnd::TableCell) => text.push_str(" | "),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => text.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Table
                | TagEnd::FootnoteDefinition,
            ) => end_block(&mut text),
            _ => {}
        }
    }
    Ok(ChatText { text: tidy(&text), unfollowable_links })
}

/// A block ends with a blank line, unless it is inside a list item.
fn end_block(text: &mut String) {
    while text.ends_with(' ') {
        text.pop();
    }
    if !text.ends_with("\n\n") {
        text.push_str(if text.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

/// Trailing spaces off every line, at most one blank line in a row, none around.
fn tidy(text: &str) -> String {
    let mut tidy = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.trim().lines().map(str::trim_end) {
        if line.is_empty() {
            blank_lines += 1;
            if blank_lines > 1 {
                continue;
            }
        } else {
            blank_lines = 0;
        }
        tidy.push_str(line);
        tidy.push('\n');
    }
    tidy.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_reads_as_the_plain_text_a_chat_shows() {
        let markdown = "Hi! Refunds take **3 to 5 days**\nto show.\n\n\
                        1. Open *Billing*.\n2. Choose `Refund`.\n\n\
                        - one\n  - nested\n\n\
                        See [our status page](https://status.example.com) or https://example.com/x.\n\n\
                        ## Still stuck?\n\n> Write back.\n";
        let chat = chat_text(markdown).unwrap();
        assert_eq!(
            chat.text,
            "Hi! Refunds take 3 to 5 days to show.\n\n\
             1. Open Billing.\n2. Choose Refund.\n\n\
             - one\n  - nested\n\n\
             See our status page (https://status.example.com) or https://example.com/x.\n\n\
             Still stuck?\n\nWrite back."
        );
        assert!(chat.unfollowable_links.is_empty());
    }

    #[test]
    fn links_a_chat_cannot_follow_are_found_with_their_place() {
        let markdown = "Read [refunds](/articles/refunds) or [this](refunds.md) or [mail](mailto:a@b.c).";
        let chat = chat_text(markdown).unwrap();
        let found: Vec<(&str, usize)> =
            chat.unfollowable_links.iter().map(|(address, at)| (address.as_str(), *at)).collect();
        assert_eq!(found, [("/articles/refunds", 5), ("refunds.md", 37), ("mailto:a@b.c", 59)]);
        assert_eq!(
            chat.text,
            "Read refunds (/articles/refunds) or this (refunds.md) or mail (mailto:a@b.c)."
        );
    }

    #[test]
    fn html_stays_text_and_deep_nesting_is_refused() {
        let chat = chat_text("<script>alert(1)</script>\n\nHi <b>there</b>").unwrap();
        assert_eq!(chat.text, "<script>alert(1)</script>\n\nHi <b>there</b>", "a chat escapes it as text");
        assert!(chat_text(&">".repeat(MAX_NESTING + 1)).is_err());
    }
}
