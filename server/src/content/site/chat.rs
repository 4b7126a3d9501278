//! `[chat]` in content/site.toml: when live chat is offered and how many
//! conversations one agent takes at once.
//!
//! ```toml
//! [chat]
//! hours = ["mon-fri 09:00-17:00", "sat 10:00-14:00"]   # read in support_time_zone
//! agent_capacity = 3
//! linger_seconds = 90            # visible time on one help page before a person is offered
//! newcomer_linger_seconds = 60   # the same for visitors who said they are new
//! ```
//!
//! Without `hours` (or without `[chat]`) no hours are set, and chat is offered
//! whenever an agent is online. How a line of hours reads is written down in
//! `telepath_domain::support_hours`; the free-text `support_hours` stays what pages
//! show.

use crate::content::dates::SiteTimeZone;
use crate::content::diagnostic::{Diagnostic, Position};
use jiff::Timestamp;
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;
use telepath_domain::chat::DEFAULT_AGENT_CAPACITY;
use telepath_domain::chat_offer::LingerTimes;
use telepath_domain::{OpeningHours, SupportHours};
use toml::Spanned;

/// `[chat]` as written, with where each value is, for diagnostics.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChatFile {
    hours: Option<Spanned<Vec<Spanned<String>>>>,
    agent_capacity: Option<Spanned<i64>>,
    linger_seconds: Option<Spanned<i64>>,
    newcomer_linger_seconds: Option<Spanned<i64>>,
}

/// Longer than a visit lasts without a sign of life: a time this long would never offer anything.
const LONGEST_LINGER_SECONDS: u64 = 30 * 60;

/// When live chat is offered and how many conversations an agent takes, checked
/// when site.toml loaded.
#[derive(Clone, Debug)]
pub struct ChatSettings {
    /// When the team answers, read in `zone`. `None` when site.toml sets no hours:
    /// chat is then offered whenever an agent is online.
    pub hours: Option<SupportHours>,
    /// The zone the hours are read in: `support_time_zone`.
    pub zone: SiteTimeZone,
    /// Conversations one agent takes at once.
    pub agent_capacity: u32,
    /// Visible time on one help page before a person is offered.
    pub linger: LingerTimes,
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            hours: None,
            zone: SiteTimeZone::utc(),
            agent_capacity: DEFAULT_AGENT_CAPACITY,
            linger: LingerTimes::default(),
        }
    }
}

impl ChatSettings {
    /// Whether the hours let chat be offered at `at` (an agent must still be
    /// online); always, when no hours are set.
    pub fn within_hours(&self, at: Timestamp) -> bool {
        self.hours.as_ref().is_none_or(|hours| hours.is_open_at(at, self.zone.time_zone()))
    }

    /// "We're back Monday at 09:00 (New York time)" outside the hours; `None`
    /// within them, or when no hours are set.
    pub fn reopening_words(&self, at: Timestamp) -> Option<String> {
        let words = self.hours.as_ref()?.reopening_words(at, self.zone.time_zone())?;
        Some(format!("{words} ({})", self.zone.label()))
    }
}

impl ChatFile {
    /// What `[chat]` says, or every problem with it, located in `text` (site.toml,
    /// shown to editors as `shown`). `support_time_zone` is checked only when there
    /// are hours, the one time a program reads it.
    pub(super) fn check(
        &self,
        text: &str,
        shown: &Path,
        support_time_zone: &str,
    ) -> Result<ChatSettings, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut error = |offset: usize, message: String, help: &str| {
            problems.push(
                Diagnostic::error(shown, Position::of_offset(text, offset), "site", message)
                    .with_help(help)
                    .with_source_line(text),
            );
        };
        let zone = SiteTimeZone::named(support_time_zone);
        let mut hours = None;
        if let Some(lines) = &self.hours {
            if lines.get_ref().is_empty() {
                error(
                    lines.span().start,
                    "`hours` is empty, so chat would never be offered".to_owned(),
                    "list when your team answers, e.g. [\"mon-fri 09:00-17:00\"], or leave `hours` out to offer chat whenever an agent is online",
                );
            }
            let mut ranges = Vec::new();
            for line in lines.get_ref() {
                match line.get_ref().parse::<OpeningHours>() {
                    Ok(range) => ranges.push(range),
                    Err(problem) => error(
                        offset_in_literal(text, line.span(), line.get_ref(), problem.offset),
                        problem.message,
                        &problem.help,
                    ),
                }
            }
            if zone.is_none() {
                error(
                    super::key_line(text, "support_time_zone"),
                    format!(
                        "`support_time_zone` = {support_time_zone:?} is not a time zone name, and chat `hours` are read in it"
                    ),
                    super::ZONE_HELP,
                );
            }
            hours = SupportHours::new(ranges);
        }
        let agent_capacity = match &self.agent_capacity {
            None => DEFAULT_AGENT_CAPACITY,
            Some(capacity) => match u32::try_from(*capacity.get_ref()) {
                Ok(capacity) if capacity > 0 => capacity,
                _ => {
                    error(
                        capacity.span().start,
                        format!("`agent_capacity` = {} is not a number of conversations", capacity.get_ref()),
                        &format!(
                            "give how many conversations one agent takes at once, at least 1; leave it out for {DEFAULT_AGENT_CAPACITY}"
                        ),
                    );
                    DEFAULT_AGENT_CAPACITY
                }
            },
        };
        let defaults = LingerTimes::default();
        let mut seconds = |key: &str, written: &Option<Spanned<i64>>, default: Duration| match written {
            None => default,
            Some(value) => match u64::try_from(*value.get_ref()) {
                Ok(seconds) if (1..=LONGEST_LINGER_SECONDS).contains(&seconds) => {
                    Duration::from_secs(seconds)
                }
                _ => {
                    error(
                        value.span().start,
                        format!(
                            "`{key}` = {} is not a number of seconds between 1 and {LONGEST_LINGER_SECONDS}",
                            value.get_ref()
                        ),
                        &format!(
                            "give how long a help page stays in view before a person is offered; leave it out for {}",
                            default.as_secs()
                        ),
                    );
                    default
                }
            },
        };
        let linger = LingerTimes {
            everyone: seconds("linger_seconds", &self.linger_seconds, defaults.everyone),
            newcomer: seconds("newcomer_linger_seconds", &self.newcomer_linger_seconds, defaults.newcomer),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ChatSettings { hours, zone: zone.unwrap_or_else(SiteTimeZone::utc), agent_capacity, linger })
    }
}

/// Where byte `offset` of a string's value is in the file, given the span of its
/// literal. A plain literal holds the value as written, so the offset points into
/// it; one with escapes (or a multi-line string) is pointed at as a whole.
fn offset_in_literal(text: &str, literal: Range<usize>, value: &str, offset: usize) -> usize {
    let written = text.get(literal.clone()).unwrap_or_default();
    let plain = written.len() == value.len() + 2 && written.get(1..written.len() - 1) == Some(value);
    if plain { literal.start + 1 + offset } else { literal.start }
}
