//! Markdown to safe HTML. This module owns every pulldown-cmark option and the one
//! HTML allowlist, so no page can show HTML that did not pass through both.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// A heading of the rendered article, for its table of contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to another article written as a relative `.md` path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalLink {
    pub slug: String,
    /// Byte offset of the link in the markdown source.
    pub offset: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedMarkdown {
    pub html: String,
    pub headings: Vec<Heading>,
    pub internal_links: Vec<InternalLink>,
}

pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders an article body. Relative links to `.md` files become portal URLs, every
/// heading gets an id for its anchor, and the HTML is sanitised before it is returned.
pub fn render_markdown(source: &str) -> RenderedMarkdown {
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut headings = Vec::new();
    let mut internal_links = Vec::new();
    let mut used_ids = HashSet::new();
    let mut open_heading: Option<(usize, HeadingLevel)> = None;

    for (event, range) in Parser::new_ext(source, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open_heading = Some((events.len(), level));
                events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, level)) = open_heading.take() {
                    let text = plain_text(&events[start + 1..]);
                    let id = unique_id(&slugify(&text), &mut used_ids);
                    events[start] = Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id.clone())),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    });
                    headings.push(Heading { level: level as u8, id, text });
                }
                events.push(event);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                if let Some(slug) = dest_url.strip_prefix("/articles/") {
                    let slug = slug.split(['#', '?']).next().unwrap_or_default();
                    internal_links.push(InternalLink { slug: slug.to_owned(), offset: range.start });
                }
                let dest_url = match article_link(&dest_url) {
                    Some((slug, fragment)) => {
                        internal_links.push(InternalLink { slug: slug.clone(), offset: range.start });
                        CowStr::from(format!("/articles/{slug}{fragment}"))
                    }
                    None => dest_url,
                };
                events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            other => events.push(other),
        }
    }

    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    RenderedMarkdown { html: sanitize(&html), headings, internal_links }
}

/// `../billing/refunds.md#partial-refunds` → (`refunds`, `#partial-refunds`).
fn article_link(dest: &str) -> Option<(String, String)> {
    if dest.contains("://") || dest.starts_with('/') || dest.starts_with('#') || dest.contains(':') {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, format!("#{fragment}")),
        None => (dest, String::new()),
    };
    let file = path.rsplit('/').next()?;
    let slug = file.strip_suffix(".md")?;
    (!slug.is_empty()).then(|| (slug.to_owned(), fragment))
}

fn plain_text(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// GitHub's anchor rule: lowercase, spaces to hyphens, punctuation dropped.
pub fn slugify(text: &str) -> String {
    let slug: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' | '-' => Some('-'),
            c if c.is_alphanumeric() || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    if slug.is_empty() { "section".to_owned() } else { slug }
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut id = base.to_owned();
    let mut suffix = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{suffix}");
        suffix += 1;
    }
    id
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "div",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "input",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
    .into_iter()
    .collect();
    let tag_attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href", "title"].as_slice()),
        ("img", &["src", "alt", "title", "width", "height"]),
        ("h1", &["id"]),
        ("h2", &["id"]),
        ("h3", &["id"]),
        ("h4", &["id"]),
        ("h5", &["id"]),
        ("h6", &["id"]),
        ("div", &["id"]),
        ("input", &["type", "checked", "disabled"]),
        ("code", &["class"]),
    ]
    .into_iter()
    .map(|(tag, attributes)| (tag, attributes.iter().copied().collect()))
    .collect();
    let allowed_classes: HashMap<&str, HashSet<&str>> = [
        (
            "blockquote",
            [
                "markdown-alert-note",
                "markdown-alert-tip",
                "markdown-alert-important",
                "markdown-alert-warning",
                "markdown-alert-caution",
            ]
            .as_slice(),
        ),
        ("div", &["footnote-definition"]),
        ("sup", &["footnote-reference", "footnote-definition-label"]),
    ]
    .into_iter()
    .map(|(tag, classes)| (tag, classes.iter().copied().collect()))
    .collect();

    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(tag_attributes)
        .allowed_classes(allowed_classes)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Task-list checkboxes are the only inputs markdown produces.
            ("input", "type") => (value == "checkbox").then_some(value.into()),
            // Only the `language-*` class pulldown-cmark puts on fenced code.
            ("code", "class") => {
                let safe = value.strip_prefix("language-").is_some_and(|language| {
                    language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '+')
                });
                safe.then_some(value.into())
            }
            _ => Some(value.into()),
        });
    builder
});

/// Drops every tag, attribute and URL scheme that is not on the allowlist.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_anchors_and_are_listed() {
        let rendered =
            render_markdown("## Partial refunds\n\ntext\n\n## Partial refunds\n\n### What's `next`?\n");
        assert!(
            rendered.html.contains(r#"<h2 id="partial-refunds">Partial refunds</h2>"#),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains(r#"<h2 id="partial-refunds-1">"#), "{}", rendered.html);
        assert_eq!(
            rendered.headings[2],
            Heading { level: 3, id: "whats-next".into(), text: "What's next?".into() }
        );
    }

    #[test]
    fn relative_markdown_links_become_portal_urls() {
        let source = "See [refunds](../billing/refunds.md#partial-refunds) and [fees](fees.md).";
        let rendered = render_markdown(source);
        assert!(rendered.html.contains(r#"href="/articles/refunds#partial-refunds""#), "{}", rendered.html);
        assert!(rendered.html.contains(r#"href="/articles/fees""#), "{}", rendered.html);
        assert_eq!(
            rendered.internal_links.iter().map(|link| link.slug.as_str()).collect::<Vec<_>>(),
            ["refunds", "fees"]
        );
        assert_eq!(rendered.internal_links[0].offset, source.find('[').unwrap());
    }

    #[test]
    fn external_links_keep_their_address_and_get_a_safe_rel() {
        let html = render_markdown("[Status](https://status.example.com)").html;
        assert!(
            html.contains(r#"<a href="https://status.example.com" rel="noopener noreferrer">Status</a>"#),
            "{html}"
        );
    }

    #[test]
    fn callouts_tables_and_code_survive_sanitising() {
        let html = render_markdown(
            "> [!WARNING]\n> Careful\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nlet x = 1;\n```\n",
        )
        .html;
        assert!(html.contains(r#"<blockquote class="markdown-alert-warning">"#), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
        assert!(html.contains(r#"<code class="language-rust">"#), "{html}");
    }

    #[test]
    fn hostile_html_and_urls_never_survive() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<form action=\"https://evil.example\"><input name=q></form>",
            "```\"><script>alert(1)</script>\nx\n```",
            "<code class=\"language-x onmouseover=alert(1)\">x</code>",
        ];
        for source in hostile {
            let html = render_markdown(source).html.to_lowercase();
            for needle in [
                "<script",
                "onerror",
                "javascript:",
                "data:",
                "<iframe",
                "<svg",
                "<math",
                "style=",
                "<form",
                "onmouseover",
            ] {
                assert!(!html.contains(needle), "{needle:?} survived in {html:?} from {source:?}");
            }
        }
    }
}
