//! Saved replies: `content/replies/<id>.md`, answers editors write once in markdown
//! (a `title` in the front matter, the reply as the body) and agents send in one
//! click from the console, as chat text. Checked like every other file: a reply too
//! long for one message, or without words, is left out and reported at its line.

use super::diagnostic::{Diagnostic, Position};
use super::markdown::chat_text;
use super::source::{SourceContext, too_deeply_nested};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use telepath_domain::chat::{MAX_MESSAGE_CHARS, clean_message};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyFrontMatter {
    title: Spanned<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CannedReply {
    /// The file's name without `.md`: how the console's form names it.
    pub id: String,
    /// The path as editors see it in diagnostics, e.g. `content/replies/refund-timing.md`.
    pub source: PathBuf,
    pub title: String,
    /// The body as the chat text sent, cleaned as a typed message would be.
    pub text: String,
}

impl CannedReply {
    pub(super) fn from_file(source: &mut SourceContext<'_>, path: &Path) -> Option<CannedReply> {
        let id = path.file_stem()?.to_str()?.to_owned();
        let (document, text, shown) = source.parse_file::<ReplyFrontMatter>(path)?;
        let title = document.front_matter.title;
        let at = |offset: usize| Position::of_offset(&text, offset);
        if title.get_ref().trim().is_empty() {
            source.report(
                Diagnostic::error(
                    &shown,
                    at(document.front_matter_offset + title.span().start),
                    "reply",
                    "the title is empty",
                )
                .with_help("say what the reply answers, e.g. title = \"When a refund arrives\""),
            );
            return None;
        }
        let chat = match chat_text(&document.body) {
            Ok(chat) => chat,
            Err(too_deep) => {
                let position = at(document.body_offset + too_deep.offset);
                source.report(too_deeply_nested(&shown, position, too_deep).with_source_line(&text));
                return None;
            }
        };
        for (address, offset) in &chat.unfollowable_links {
            source.report(
                Diagnostic::warning(
                    &shown,
                    at(document.body_offset + offset),
                    "link",
                    format!("a chat cannot follow the link to `{address}`: the customer sees it as words"),
                )
                .with_help("write the full address (https://…); to send an article, agents use its card in the console")
                .with_source_line(&text),
            );
        }
        let characters = chat.text.chars().count();
        let words = match clean_message(&chat.text) {
            Ok(words) => words,
            Err(_) if characters > MAX_MESSAGE_CHARS => {
                source.report(
                    Diagnostic::error(
                        &shown,
                        at(document.body_offset),
                        "reply",
                        format!(
                            "the reply is {characters} characters; a chat message holds at most {MAX_MESSAGE_CHARS}"
                        ),
                    )
                    .with_help("shorten it, or split it into two replies"),
                );
                return None;
            }
            Err(_) => {
                source.report(
                    Diagnostic::error(&shown, at(document.body_offset), "reply", "the reply has no text")
                        .with_help("write the reply below the closing `+++` line"),
                );
                return None;
            }
        };
        Some(CannedReply { id, source: shown, title: title.into_inner().trim().to_owned(), text: words })
    }
}

#[cfg(test)]
mod tests {
    use crate::content::load_snapshot;
    use crate::testing::Fixture;

    fn messages(fixture: &Fixture) -> Vec<String> {
        load_snapshot(&fixture.content_dir()).unwrap().diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_saved_reply_is_its_title_and_its_markdown_as_chat_text() {
        let fixture = Fixture::new();
        fixture.write(
            "replies/refund-timing.md",
            "+++\ntitle = \"When a refund arrives\"\n+++\nRefunds take **3 to 5 days**.\n\nSee [status](https://status.example.com).\n",
        );
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        assert!(snapshot.diagnostics.is_empty(), "{:?}", snapshot.diagnostics);
        let reply = &snapshot.replies[0];
        assert_eq!((reply.id.as_str(), reply.title.as_str()), ("refund-timing", "When a refund arrives"));
        assert_eq!(reply.text, "Refunds take 3 to 5 days.\n\nSee status (https://status.example.com).");
    }

    #[test]
    fn a_broken_edit_keeps_the_last_good_reply() {
        let fixture = Fixture::new();
        fixture.write("replies/hello.md", "+++\ntitle = \"Hello\"\n+++\nHi there.\n");
        let library = crate::content::ContentLibrary::load(fixture.content_dir()).unwrap();
        fixture.write("replies/hello.md", "+++\ntitle = \"Hello\"\n+++\n\n");
        let snapshot = library.reload().unwrap();
        assert_eq!(snapshot.replies.len(), 1, "{:?}", snapshot.diagnostics);
        assert_eq!(snapshot.replies[0].text, "Hi there.");
        assert_eq!(snapshot.last_good, [std::path::Path::new("content/replies/hello.md")]);
    }

    #[test]
    fn a_reply_that_cannot_be_sent_is_reported_where_it_goes_wrong() {
        let fixture = Fixture::new();
        fixture.write("replies/typo.md", "+++\ntitel = \"Oops\"\n+++\nHi\n");
        fixture.write("replies/untitled.md", "+++\ntitle = \"  \"\n+++\nHi\n");
        fixture.write("replies/empty.md", "+++\ntitle = \"Empty\"\n+++\n\n  \n");
        fixture.write("replies/long.md", &format!("+++\ntitle = \"Long\"\n+++\n{}\n", "word ".repeat(900)));
        fixture
            .write("replies/links.md", "+++\ntitle = \"Links\"\n+++\nRead [refunds](/articles/refunds).\n");
        let found = messages(&fixture);
        let expect = |needle: &str| assert!(found.iter().any(|m| m.contains(needle)), "{needle}: {found:#?}");
        expect("replies/typo.md:2:1: error[front-matter]: unknown field `titel`");
        expect("replies/untitled.md:2:9: error[reply]: the title is empty");
        expect("replies/empty.md:4:1: error[reply]: the reply has no text");
        expect(
            "replies/long.md:4:1: error[reply]: the reply is 4499 characters; a chat message holds at most 4000",
        );
        expect(
            "replies/links.md:4:6: warning[link]: a chat cannot follow the link to `/articles/refunds`: the customer sees it as words",
        );
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        let ids: Vec<&str> = snapshot.replies.iter().map(|reply| reply.id.as_str()).collect();
        assert_eq!(ids, ["links"], "only the reply that can be sent is kept");
    }
}
