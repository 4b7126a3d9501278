//! Site settings: `content/site.toml`, the product's name and words, and when
//! live chat is offered (`[chat]`, in `site/chat.rs`).

mod chat;

pub use chat::ChatSettings;

use super::dates::SiteTimeZone;
use super::diagnostic::{Diagnostic, Position};
use super::source::SourceContext;
use serde::Deserialize;

/// `content/site.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    pub product_name: String,
    pub tagline: String,
    /// Support hours in the site's words, as pages show them. What a program reads
    /// is `[chat] hours`.
    pub support_hours: String,
    /// IANA name, e.g. `America/New_York`: the zone every date on the site is read
    /// in (notices, "Updated" lines).
    #[serde(default = "SiteSettings::default_time_zone")]
    pub time_zone: String,
    /// IANA name, e.g. `America/New_York`: the zone support hours are given in
    /// (checked when `[chat] hours` are set, which are read in it).
    #[serde(default = "SiteSettings::default_time_zone")]
    pub support_time_zone: String,
    /// The one-line question that asks a first-time visitor their level.
    #[serde(default = "SiteSettings::default_level_question")]
    pub level_question: String,
    #[serde(default)]
    pub levels: LevelsWording,
    /// `[chat]` as written; what it means, checked, is `chat`.
    #[serde(default, rename = "chat")]
    chat_file: chat::ChatFile,
    /// When live chat is offered and how many conversations an agent takes.
    #[serde(skip)]
    pub chat: ChatSettings,
}

/// How each level is offered to visitors, in the site's own words.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsWording {
    pub newcomer: LevelWordingSettings,
    pub technical: LevelWordingSettings,
    pub expert: LevelWordingSettings,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelWordingSettings {
    /// The answer a visitor picks, e.g. "I'm new".
    pub choice: String,
    pub description: String,
}

impl Default for LevelsWording {
    fn default() -> Self {
        let wording = |choice: &str, description: &str| LevelWordingSettings {
            choice: choice.into(),
            description: description.into(),
        };
        Self {
            newcomer: wording("I'm new", "The basics, step by step, in plain words."),
            technical: wording("I'm somewhat technical", "Settings, integrations and getting more done."),
            expert: wording("I'm an expert", "Reference material, limits and automation."),
        }
    }
}

impl SiteSettings {
    fn default_time_zone() -> String {
        "UTC".into()
    }

    fn default_level_question() -> String {
        "Are you new, somewhat technical, or an expert?".into()
    }
}

impl SiteSettings {
    /// The site's time zone; `time_zone` was checked when the file loaded.
    pub fn zone(&self) -> SiteTimeZone {
        SiteTimeZone::named(&self.time_zone).unwrap_or_else(SiteTimeZone::utc)
    }
}

const ZONE_HELP: &str = "use an IANA name such as \"America/New_York\", \"Europe/London\" or \"UTC\"";

/// The byte offset of the `key = …` line in site.toml, or 0.
fn key_line(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('=')) {
            return offset;
        }
        offset += line.len();
    }
    0
}

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            product_name: "Telepath".into(),
            tagline: "Answers, guides and help for every level.".into(),
            support_hours: "see the contact page for opening hours".into(),
            time_zone: Self::default_time_zone(),
            support_time_zone: Self::default_time_zone(),
            level_question: Self::default_level_question(),
            levels: LevelsWording::default(),
            chat_file: chat::ChatFile::default(),
            chat: ChatSettings::default(),
        }
    }
}

impl SiteSettings {
    /// Reads `content/site.toml`; `None` (defaults apply) when there is none or it
    /// has a problem, which is reported to `source`.
    pub(super) fn from_source(source: &mut SourceContext<'_>) -> Option<SiteSettings> {
        let path = source.root.join("site.toml");
        if !path.exists() {
            return None;
        }
        let text = source.read_text(&path)?;
        let shown = source.display_path(&path);
        let mut site = match toml::from_str::<SiteSettings>(&text) {
            Ok(site) => site,
            Err(error) => {
                let position = Position::of_offset(&text, error.span().map_or(0, |span| span.start));
                source.report(
                    Diagnostic::error(shown, position, "site", error.message().trim().replace('\n', " "))
                        .with_source_line(&text),
                );
                return None;
            }
        };
        let mut problems = Vec::new();
        if SiteTimeZone::named(&site.time_zone).is_none() {
            problems.push(
                Diagnostic::error(
                    &shown,
                    Position::of_offset(&text, key_line(&text, "time_zone")),
                    "site",
                    format!("`time_zone` = {:?} is not a time zone name", site.time_zone),
                )
                .with_help(ZONE_HELP)
                .with_source_line(&text),
            );
        }
        match site.chat_file.check(&text, &shown, &site.support_time_zone) {
            Ok(chat) => site.chat = chat,
            Err(chat_problems) => problems.extend(chat_problems),
        }
        if problems.is_empty() {
            return Some(site);
        }
        for problem in problems {
            source.report(problem);
        }
        None
    }
}
