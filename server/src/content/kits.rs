//! Welcome kits: `content/kits/<level>.md`, `KIT_THINGS` things to know per level.

use super::diagnostic::{Diagnostic, Position};
use super::links::{Address, UnsafeAddress, classify};
use super::media::resolve_media;
use super::source::SourceContext;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use telepath_domain::picture::rendition_url;
use telepath_domain::{KIT_THINGS, KitThing, Level, MediaRef, VideoRef};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KitFrontMatter {
    level: Spanned<Level>,
    title: String,
    intro: String,
    next_step_label: String,
    next_step_href: Spanned<String>,
    #[serde(default, rename = "thing")]
    things: Vec<ThingFrontMatter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThingFrontMatter {
    title: Spanned<String>,
    body: Spanned<String>,
    image: Spanned<String>,
    image_alt: Option<String>,
    video: Option<Spanned<String>>,
    video_poster: Option<Spanned<String>>,
    video_captions: Option<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct Kit {
    /// The path as editors see it in diagnostics, e.g. `content/kits/newcomer.md`.
    pub source: PathBuf,
    pub level: Level,
    pub title: String,
    pub intro: String,
    pub things: Vec<KitThing>,
    pub next_step_label: String,
    pub next_step_href: String,
}

impl Kit {
    /// Parses `content/kits/<level>.md`, reporting every problem to `source`; `None`
    /// when the kit cannot be shown.
    pub(super) fn from_file(source: &mut SourceContext<'_>, path: &Path) -> Option<Kit> {
        let (document, text, shown) = source.parse_file::<KitFrontMatter>(path)?;
        let offset = document.front_matter_offset;
        let at = |span: std::ops::Range<usize>| Position::of_offset(&text, offset + span.start);
        let front_matter = document.front_matter;

        let level = *front_matter.level.get_ref();
        let stem = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default();
        if level == Level::All || level.as_str() != stem {
            source.report(
                Diagnostic::error(
                    &shown,
                    at(front_matter.level.span()),
                    "kit",
                    format!("this kit says level `{level}` but its file is `{stem}.md`"),
                )
                .with_help("name the file after its level: newcomer.md, technical.md or expert.md"),
            );
            return None;
        }
        // The visitor's progress cookie keeps one bit per thing, so a kit of any other
        // size could not be finished: it is left out, after every other check.
        let wrong_count = front_matter.things.len() != KIT_THINGS;
        if wrong_count {
            source.report(
                Diagnostic::error(
                    &shown,
                    Position::START,
                    "kit",
                    format!(
                        "the kit has {} things to know; a kit has exactly {KIT_THINGS}, so the kit is left out",
                        front_matter.things.len()
                    ),
                )
                .with_help(format!("add or remove `[[thing]]` entries until there are {KIT_THINGS}")),
            );
        }
        let href = front_matter.next_step_href.get_ref();
        let href_at = at(front_matter.next_step_href.span());
        match classify(href) {
            Ok(Address::SitePath(path)) => source.expect_portal_page(&shown, href_at, path),
            Ok(Address::External) => {}
            Err(unsafe_address) => {
                source.report(
                    Diagnostic::error(
                        &shown,
                        href_at,
                        "link",
                        format!("`next_step_href` = {href:?} {unsafe_address}, so the kit is left out"),
                    )
                    .with_help(UnsafeAddress::HELP),
                );
                return None;
            }
        }

        let file = KitFile { path, shown: &shown, text: &text, front_matter_offset: offset };
        let mut things = Vec::new();
        for thing in front_matter.things {
            things.push(file.thing(source, thing)?);
        }
        if wrong_count {
            return None;
        }
        Some(Kit {
            source: shown.clone(),
            level,
            title: front_matter.title,
            intro: front_matter.intro,
            things,
            next_step_label: front_matter.next_step_label,
            next_step_href: front_matter.next_step_href.into_inner(),
        })
    }
}

/// The kit file a thing to know is read from.
struct KitFile<'a> {
    path: &'a Path,
    shown: &'a Path,
    text: &'a str,
    front_matter_offset: usize,
}

impl KitFile<'_> {
    fn at(&self, span: std::ops::Range<usize>) -> Position {
        Position::of_offset(self.text, self.front_matter_offset + span.start)
    }

    /// One `[[thing]]`: its body rendered, its picture and video resolved under
    /// content/media; `None` when its body cannot be rendered.
    fn thing(&self, source: &mut SourceContext<'_>, thing: ThingFrontMatter) -> Option<KitThing> {
        let shown = self.shown;
        let body_start = string_content_start(self.text, self.front_matter_offset + thing.body.span().start);
        let body = source.render_markdown_at(shown, self.text, body_start, thing.body.get_ref())?;
        source.expect_links(shown, self.text, body_start, &body.internal_links);
        let media = |reference: &Spanned<String>, source: &mut SourceContext<'_>| match resolve_media(
            source.root,
            self.path,
            reference.get_ref(),
            shown,
            self.at(reference.span()),
        ) {
            Ok(resolved) => Some(resolved),
            Err(diagnostic) => {
                source.report(diagnostic);
                None
            }
        };
        let image = media(&thing.image, source);
        let alt = thing.image_alt.unwrap_or_default();
        if alt.trim().is_empty() {
            source.report(
                Diagnostic::warning(
                    shown,
                    self.at(thing.image.span()),
                    "accessibility",
                    "the picture has no alt text",
                )
                .with_help("add `image_alt = \"…\"` describing what the picture shows"),
            );
        }
        let video = match &thing.video {
            Some(video) => media(video, source).map(|resolved| VideoRef {
                src: resolved.url,
                // In WebP at its own width when the portal makes renditions of it:
                // a poster is fetched with the page, and has no srcset to choose from.
                poster: thing.video_poster.as_ref().and_then(|poster| media(poster, source)).map(|poster| {
                    match (&poster.digest, poster.width) {
                        (Some(digest), Some(width)) => rendition_url(&poster.url, digest, width),
                        _ => poster.url,
                    }
                }),
                captions: thing
                    .video_captions
                    .as_ref()
                    .and_then(|captions| media(captions, source))
                    .map(|m| m.url),
            }),
            None => None,
        };
        if thing.video.is_some() && thing.video_captions.is_none() {
            source.report(
                Diagnostic::warning(
                    shown,
                    self.at(thing.title.span()),
                    "accessibility",
                    "the video has no captions",
                )
                .with_help("add `video_captions = \"…vtt\"` so people who cannot hear it can follow"),
            );
        }
        Some(KitThing {
            title: thing.title.into_inner(),
            body_html: body.html,
            image: MediaRef {
                src: image.as_ref().map(|m| m.url.clone()).unwrap_or_default(),
                alt,
                width: image.as_ref().and_then(|m| m.width),
                height: image.as_ref().and_then(|m| m.height),
                digest: image.as_ref().and_then(|m| m.digest.clone()),
            },
            video,
        })
    }
}

/// Where the characters of the TOML string starting at `offset` begin: after the
/// opening quote, or after `"""` and the newline that may follow it.
fn string_content_start(text: &str, offset: usize) -> usize {
    let rest = &text[offset.min(text.len())..];
    for quote in ["\"\"\"", "'''"] {
        if let Some(after) = rest.strip_prefix(quote) {
            let newline = if after.starts_with("\r\n") { 2 } else { usize::from(after.starts_with('\n')) };
            return offset + 3 + newline;
        }
    }
    offset + usize::from(rest.starts_with(['"', '\'']))
}
