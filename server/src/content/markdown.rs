//! Markdown to safe HTML. This module owns every pulldown-cmark option and the one
//! HTML allowlist, so no page can show HTML that did not pass through both.

mod chat;

pub use chat::chat_text;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use telepath_domain::PictureDigest;
use telepath_domain::picture::webp_srcset;

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

/// Deeper nesting of quotes, lists and HTML elements is refused. The sanitiser's
/// HTML parser (html5ever, inside ammonia) takes time quadratic in nesting depth:
/// 100 KB of nested `>` kept the loader busy for minutes, while pulldown-cmark
/// parses the same text in milliseconds. Help articles need a few levels at most.
pub const MAX_NESTING: usize = 32;

/// Markdown nested deeper than [`MAX_NESTING`], found before any HTML is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("quotes, lists and HTML elements are nested more than {MAX_NESTING} levels deep here")]
pub struct TooDeeplyNested {
    /// Byte offset in the markdown source where the limit is crossed.
    pub offset: usize,
}

impl TooDeeplyNested {
    pub const HELP: &str = "flatten the quotes, lists or HTML; a help article needs a few levels at most";
}

/// A picture in markdown, for the caller to resolve and check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageReference {
    pub dest: String,
    pub alt: String,
    /// Byte offset in the markdown source.
    pub offset: usize,
}

/// Where a picture is served from and how big it is, so the page does not jump as
/// it loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageSource {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub digest: Option<PictureDigest>,
}

/// How wide an article's pictures show, following style/telepath.css: on a phone the
/// article runs edge to edge with 1rem of padding each side; up to 52rem the page's
/// padding and the article's (4vw) each side; beyond, the text column (`--measure`).
/// A phone told `100vw` fetched a rendition a step larger than it could show.
const ARTICLE_PICTURE_SIZES: &str =
    "(max-width: 40rem) calc(100vw - 2rem), (max-width: 52rem) calc(92vw - 2rem), 44rem";

/// Renders markdown whose pictures need no resolving (kit bodies, notices, intros).
pub fn render_markdown(source: &str) -> Result<RenderedMarkdown, TooDeeplyNested> {
    let mut renderer = MarkdownRenderer::default();
    let html = renderer.render(source, 0, &mut |_| None)?;
    Ok(renderer.finish(html))
}

/// Renders markdown in pieces that share heading ids, links and headings: an article
/// body with per-level sections is several pieces of one document.
#[derive(Default)]
pub struct MarkdownRenderer {
    heading_ids: HeadingIds,
    headings: Vec<Heading>,
    internal_links: Vec<InternalLink>,
    /// Tables so far in the document, so each scroll box gets its own name.
    tables: usize,
    /// Pictures so far in the document: only the first loads at once.
    pictures: usize,
}

impl MarkdownRenderer {
    /// Renders `source`, which starts at byte `offset` of the body. Relative links to
    /// `.md` files become portal URLs, every heading gets an id, pictures are sized by
    /// `resolve_image`, and the HTML is sanitised. Nesting deeper than
    /// [`MAX_NESTING`] is refused before any HTML is built or sanitised.
    pub fn render(
        &mut self,
        source: &str,
        offset: usize,
        resolve_image: &mut dyn FnMut(&ImageReference) -> Option<ImageSource>,
    ) -> Result<String, TooDeeplyNested> {
        let mut events: Vec<Event<'_>> = Vec::new();
        let mut open_heading: Option<(usize, HeadingLevel)> = None;
        let mut open_image: Option<(usize, CowStr<'_>, usize)> = None;
        let mut nesting = Nesting::default();
        // A picture inside a link already leads somewhere, so it is not made a link again.
        let mut open_links = 0usize;
        let mut table_names = Vec::new();

        for (event, range) in Parser::new_ext(source, markdown_options()).into_offset_iter() {
            if nesting.enter(&event) > MAX_NESTING {
                return Err(TooDeeplyNested { offset: offset + range.start });
            }
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    open_heading = Some((events.len(), level));
                    events.push(event);
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((start, level)) = open_heading.take() {
                        let text = plain_text(&events[start + 1..]);
                        let id = self.heading_ids.unique(&slugify(&text));
                        events[start] = Event::Start(Tag::Heading {
                            level,
                            id: Some(CowStr::from(id.clone())),
                            classes: Vec::new(),
                            attrs: Vec::new(),
                        });
                        self.headings.push(Heading { level: level as u8, id, text });
                    }
                    events.push(event);
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    let at = offset + range.start;
                    if let Some(slug) = dest_url.strip_prefix("/articles/") {
                        let slug = slug.split(['#', '?']).next().unwrap_or_default();
                        self.internal_links.push(InternalLink { slug: slug.to_owned(), offset: at });
                    }
                    let dest_url = match article_link(&dest_url) {
                        Some((slug, fragment)) => {
                            self.internal_links.push(InternalLink { slug: slug.clone(), offset: at });
                            CowStr::from(format!("/articles/{slug}{fragment}"))
                        }
                        None => dest_url,
                    };
                    open_links += 1;
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
                Event::End(TagEnd::Link) => {
                    open_links = open_links.saturating_sub(1);
                    events.push(event);
                }
                Event::Start(Tag::Table(_)) => {
                    self.tables += 1;
                    table_names.push(match self.headings.last() {
                        Some(heading) => format!("Table {}: {}", self.tables, heading.text),
                        None => format!("Table {}", self.tables),
                    });
                    events.push(event);
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    open_image = Some((events.len(), dest_url, offset + range.start));
                }
                Event::End(TagEnd::Image) => {
                    if let Some((start, dest, at)) = open_image.take() {
                        let alt = plain_text(&events[start..]);
                        events.truncate(start);
                        let reference = ImageReference { dest: dest.to_string(), alt, offset: at };
                        let source = resolve_image(&reference).unwrap_or(ImageSource {
                            url: reference.dest.clone(),
                            width: None,
                            height: None,
                            digest: None,
                        });
                        let html = image_html(&source, &reference.alt, open_links == 0, self.pictures == 0);
                        self.pictures += 1;
                        events.push(Event::InlineHtml(CowStr::from(html)));
                    }
                }
                other => events.push(other),
            }
        }

        let mut html = String::with_capacity(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        Ok(with_keyboard_scroll_boxes(&sanitize(&without_inline_styles_or_clashing_ids(html)), &table_names))
    }

    pub fn finish(self, html: String) -> RenderedMarkdown {
        RenderedMarkdown { html, headings: self.headings, internal_links: self.internal_links }
    }

    pub fn headings(&self) -> &[Heading] {
        &self.headings
    }

    pub fn internal_links(&self) -> &[InternalLink] {
        &self.internal_links
    }
}

/// How deep the HTML being built is nested: markdown quotes, lists and footnotes,
/// plus the elements raw HTML leaves open.
#[derive(Default)]
struct Nesting {
    blocks: usize,
    raw_html: usize,
}

impl Nesting {
    /// Takes `event` into account and returns the depth after it.
    fn enter(&mut self, event: &Event<'_>) -> usize {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_)) => self.blocks += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition) => {
                self.blocks = self.blocks.saturating_sub(1);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                self.raw_html = open_elements_after(self.raw_html, html)
            }
            _ => {}
        }
        self.blocks + self.raw_html
    }
}

/// How many HTML elements are open after `html`, given `open` before it. Only
/// elements that can hold others count: void elements (`<br>`, `<img>`) hold
/// nothing, and those whose end tag is optional (`<p>`, `<li>`, `<td>`) are closed
/// by the parser when the next one starts, so a page of them is not deep.
fn open_elements_after(mut open: usize, html: &str) -> usize {
    const NEVER_DEEP: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup",
        "caption", "rb", "rt", "rtc", "rp", "html", "head", "body",
    ];
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name_length = rest[name_start..].bytes().take_while(u8::is_ascii_alphanumeric).count();
        let name = &rest[name_start..name_start + name_length];
        if name.is_empty() || NEVER_DEEP.iter().any(|never| never.eq_ignore_ascii_case(name)) {
            continue;
        }
        open = if closing { open.saturating_sub(1) } else { open + 1 };
    }
    open
}

/// pulldown-cmark aligns table cells with `style`, which the sanitiser removes (and the
/// CSP forbids), so alignment becomes a class; footnote ids get a `fn:` prefix, which
/// no heading id can have, so `[^notes]` and a "## Notes" heading never share an id.
fn without_inline_styles_or_clashing_ids(mut html: String) -> String {
    for cell in ["th", "td"] {
        for align in ["left", "center", "right"] {
            html = html.replace(
                &format!(r#"<{cell} style="text-align: {align}">"#),
                &format!(r#"<{cell} class="align-{align}">"#),
            );
        }
    }
    html.replace(r#"<div class="footnote-definition" id=""#, r#"<div class="footnote-definition" id="fn:"#)
        .replace(
            r##"<sup class="footnote-reference"><a href="#"##,
            r##"<sup class="footnote-reference"><a href="#fn:"##,
        )
}

/// Pictures carry their size, so text does not jump while they load. The first of
/// a document loads at once and ahead of other files (it is often what the page is
/// about); the others load when scrolled near. A PNG or JPEG is also offered as WebP
/// renditions by width, for the browser to pick the one its screen needs. Unless it
/// is inside a link, a picture links to its original, so the small print of a
/// screenshot can be opened full size on a phone.
fn image_html(source: &ImageSource, alt: &str, linked: bool, first: bool) -> String {
    let url = escape_html(&source.url);
    let mut img = format!(r#"<img src="{url}" alt="{}""#, escape_html(alt));
    if let (Some(width), Some(height)) = (source.width, source.height) {
        img.push_str(&format!(r#" width="{width}" height="{height}""#));
    }
    img.push_str(if first {
        r#" loading="eager" fetchpriority="high" decoding="async">"#
    } else {
        r#" loading="lazy" decoding="async">"#
    });
    let picture = match (&source.digest, source.width) {
        (Some(digest), Some(width)) => format!(
            r#"<picture><source type="image/webp" srcset="{}" sizes="{ARTICLE_PICTURE_SIZES}">{img}</picture>"#,
            escape_html(&webp_srcset(&source.url, digest, width))
        ),
        _ => img,
    };
    if linked { format!(r#"<a class="full-size" href="{url}">{picture}</a>"#) } else { picture }
}

/// Wide tables and code scroll inside their own box, and a box that scrolls must be
/// reachable from the keyboard (axe: scrollable-region-focusable): each table is
/// wrapped in a named, focusable region (`names`, in document order) and each code
/// block is focusable. Done after sanitising, which would drop these attributes from
/// authors' HTML, so only the portal's own boxes carry them.
fn with_keyboard_scroll_boxes(html: &str, names: &[String]) -> String {
    let mut names = names.iter();
    let mut wrapped = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<table>") {
        let name = names.next().map_or_else(|| "Table".to_owned(), |name| escape_html(name));
        wrapped.push_str(&rest[..at]);
        wrapped.push_str(&format!(
            r#"<div class="table-scroll" tabindex="0" role="region" aria-label="{name}">"#
        ));
        let end = rest[at..].find("</table>").map_or(rest.len(), |end| at + end + "</table>".len());
        wrapped.push_str(&rest[at..end]);
        wrapped.push_str("</div>");
        rest = &rest[end..];
    }
    wrapped.push_str(rest);
    wrapped.replace("<pre>", r#"<pre tabindex="0">"#)
}

/// Escapes text for HTML element content and quoted attribute values alike.
pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
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

/// Heading ids given out so far in one document.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// The next suffix to try for each repeated base, so the thousandth "Steps"
    /// heading does not try `steps-1` to `steps-998` again: with a scan from 1
    /// every time, 25,000 identical headings took 144 s.
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// `base`, or `base-1`, `base-2`, … : the first not given out yet.
    fn unique(&mut self, base: &str) -> String {
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        let suffix = self.next_suffix.entry(base.to_owned()).or_insert(1);
        loop {
            let id = format!("{base}-{suffix}");
            *suffix += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
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
        "picture",
        "pre",
        "source",
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
        ("img", &["src", "alt", "title", "width", "height", "loading", "decoding", "fetchpriority"]),
        ("source", &["type", "srcset", "sizes"]),
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
        ("a", &["full-size"]),
        ("th", &["align-left", "align-center", "align-right"]),
        ("td", &["align-left", "align-center", "align-right"]),
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
mod tests;
