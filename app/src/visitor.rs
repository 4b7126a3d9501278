//! What the portal remembers about an anonymous visitor, in cookies: their level (or
//! that they skipped the question), how far they got through each welcome kit, the
//! notices they dismissed, and how they voted on articles. Every value is parsed
//! strictly; anything tampered with or malformed reads as "nothing remembered",
//! never as an error.

use serde::{Deserialize, Serialize};
use telepath_domain::{KIT_THINGS, Level, VISITOR_LEVELS};

pub const LEVEL_COOKIE: &str = "telepath_level";
pub const KIT_PROGRESS_COOKIE: &str = "telepath_kits";
pub const DISMISSED_NOTICES_COOKIE: &str = "telepath_dismissed";
pub const ARTICLE_VOTES_COOKIE: &str = "telepath_votes";
/// The hidden form field (and server-function argument) carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// The `telepath_level` value of a visitor who chose not to answer.
const SKIPPED: &str = "skipped";
/// Enough for every notice a visitor could plausibly dismiss; the oldest go first.
const MAX_DISMISSED: usize = 24;
/// Votes remembered, the oldest forgotten first: 30 slugs of up to 80 characters
/// keep the cookie under the 4 KiB browsers allow.
const MAX_VOTES: usize = 30;
const ONE_YEAR_SECS: u32 = 365 * 24 * 60 * 60;

/// The visitor's answer to the level question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LevelAnswer {
    #[default]
    NotAsked,
    Skipped,
    Chosen(Level),
}

impl LevelAnswer {
    pub fn parse(cookie: &str) -> LevelAnswer {
        match Level::from_visitor_choice(cookie) {
            Some(level) => LevelAnswer::Chosen(level),
            None if cookie == SKIPPED => LevelAnswer::Skipped,
            None => LevelAnswer::NotAsked,
        }
    }

    /// What a level form sends: a level, `skip`, or nothing to forget the answer.
    pub fn from_form(value: &str) -> LevelAnswer {
        match value {
            "skip" => LevelAnswer::Skipped,
            other => LevelAnswer::parse(other),
        }
    }

    pub fn level(self) -> Option<Level> {
        match self {
            LevelAnswer::Chosen(level) => Some(level),
            LevelAnswer::NotAsked | LevelAnswer::Skipped => None,
        }
    }

    /// The `Set-Cookie` value that remembers this answer (or forgets it).
    pub fn set_cookie(self) -> String {
        match self {
            LevelAnswer::Chosen(level) => set_cookie(LEVEL_COOKIE, level.as_str()),
            LevelAnswer::Skipped => set_cookie(LEVEL_COOKIE, SKIPPED),
            LevelAnswer::NotAsked => format!("{LEVEL_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        }
    }
}

/// Which of the five things of each kit the visitor marked as read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KitProgress {
    /// One bit per thing, per visitor level in `VISITOR_LEVELS` order.
    read: [u8; 3],
}

impl KitProgress {
    const ALL_READ: u8 = (1 << KIT_THINGS) - 1;

    /// Parses `newcomer.technical.expert` bit masks, e.g. `31.0.4`.
    pub fn parse(cookie: &str) -> KitProgress {
        let masks: Vec<Option<u8>> = cookie
            .split('.')
            .map(|mask| mask.parse::<u8>().ok().filter(|mask| *mask <= Self::ALL_READ))
            .collect();
        match masks.as_slice() {
            [Some(newcomer), Some(technical), Some(expert)] => {
                KitProgress { read: [*newcomer, *technical, *expert] }
            }
            _ => KitProgress::default(),
        }
    }

    pub fn cookie_value(self) -> String {
        let [newcomer, technical, expert] = self.read;
        format!("{newcomer}.{technical}.{expert}")
    }

    pub fn set_cookie(self) -> String {
        set_cookie(KIT_PROGRESS_COOKIE, &self.cookie_value())
    }

    fn slot(level: Level) -> Option<usize> {
        VISITOR_LEVELS.iter().position(|candidate| *candidate == level)
    }

    pub fn is_read(self, level: Level, thing: usize) -> bool {
        thing < KIT_THINGS && Self::slot(level).is_some_and(|slot| self.read[slot] & (1 << thing) != 0)
    }

    /// The same progress with `thing` marked read (or unread).
    pub fn with(self, level: Level, thing: usize, read: bool) -> KitProgress {
        let mut next = self;
        if let Some(slot) = Self::slot(level).filter(|_| thing < KIT_THINGS) {
            if read {
                next.read[slot] |= 1 << thing;
            } else {
                next.read[slot] &= !(1 << thing);
            }
        }
        next
    }

    pub fn read_count(self, level: Level) -> usize {
        Self::slot(level).map_or(0, |slot| self.read[slot].count_ones() as usize)
    }

    pub fn is_finished(self, level: Level) -> bool {
        self.read_count(level) == KIT_THINGS
    }
}

/// The notices a visitor closed, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DismissedNotices(Vec<String>);

impl DismissedNotices {
    pub fn parse(cookie: &str) -> DismissedNotices {
        DismissedNotices(
            cookie.split('.').filter(|id| is_content_id(id)).take(MAX_DISMISSED).map(str::to_owned).collect(),
        )
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|dismissed| dismissed == id)
    }

    /// The ids, the earliest closed first.
    pub fn ids(&self) -> &[String] {
        &self.0
    }

    /// The same list with `id` added (the oldest dropped beyond the limit).
    pub fn with(&self, id: &str) -> DismissedNotices {
        let mut ids = self.0.clone();
        if is_content_id(id) && !self.contains(id) {
            ids.push(id.to_owned());
        }
        let excess = ids.len().saturating_sub(MAX_DISMISSED);
        ids.drain(..excess);
        DismissedNotices(ids)
    }

    pub fn set_cookie(&self) -> String {
        set_cookie(DISMISSED_NOTICES_COOKIE, &self.0.join("."))
    }
}

/// What a visitor answered to "Was this article helpful?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArticleVote {
    Helpful,
    /// "No", and "What were you looking for?" is still open.
    NotHelpful,
    /// "No", and the visitor answered the question (or sent it empty).
    NotHelpfulAnswered,
}

impl ArticleVote {
    fn code(self) -> char {
        match self {
            ArticleVote::Helpful => 'y',
            ArticleVote::NotHelpful => 'n',
            ArticleVote::NotHelpfulAnswered => 'a',
        }
    }

    fn from_code(code: &str) -> Option<ArticleVote> {
        [ArticleVote::Helpful, ArticleVote::NotHelpful, ArticleVote::NotHelpfulAnswered]
            .into_iter()
            .find(|vote| code.len() == 1 && code.starts_with(vote.code()))
    }

    pub fn is_helpful(self) -> bool {
        self == ArticleVote::Helpful
    }
}

/// The articles a visitor voted on, oldest first: `slug:y.other-slug:n`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleVotes(Vec<(String, ArticleVote)>);

impl ArticleVotes {
    pub fn parse(cookie: &str) -> ArticleVotes {
        ArticleVotes(
            cookie
                .split('.')
                .filter_map(|entry| {
                    let (slug, code) = entry.split_once(':')?;
                    Some((slug.to_owned(), ArticleVote::from_code(code)?)).filter(|_| is_content_id(slug))
                })
                .take(MAX_VOTES)
                .collect(),
        )
    }

    pub fn get(&self, slug: &str) -> Option<ArticleVote> {
        self.0.iter().find(|(voted, _)| voted == slug).map(|(_, vote)| *vote)
    }

    /// The same votes with this one for `slug` (replacing an earlier one), the
    /// oldest dropped beyond the limit.
    pub fn with(&self, slug: &str, vote: ArticleVote) -> ArticleVotes {
        let mut votes: Vec<_> = self.0.iter().filter(|(voted, _)| voted != slug).cloned().collect();
        if is_content_id(slug) {
            votes.push((slug.to_owned(), vote));
        }
        let excess = votes.len().saturating_sub(MAX_VOTES);
        votes.drain(..excess);
        ArticleVotes(votes)
    }

    pub fn set_cookie(&self) -> String {
        let value: Vec<String> =
            self.0.iter().map(|(slug, vote)| format!("{slug}:{}", vote.code())).collect();
        set_cookie(ARTICLE_VOTES_COOKIE, &value.join("."))
    }
}

/// Ids of content (article slugs, notice ids) are file stems: lowercase words,
/// digits and dashes.
fn is_content_id(id: &str) -> bool {
    (1..=80).contains(&id.len())
        && id.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

/// Everything remembered about the visitor making the current request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VisitorPrefs {
    pub level: LevelAnswer,
    pub kits: KitProgress,
    pub dismissed: DismissedNotices,
    pub votes: ArticleVotes,
}

impl VisitorPrefs {
    /// Reads the visitor's cookies, given a lookup by cookie name.
    pub fn from_cookies(cookie: impl Fn(&str) -> Option<String>) -> VisitorPrefs {
        VisitorPrefs {
            level: cookie(LEVEL_COOKIE).map(|value| LevelAnswer::parse(&value)).unwrap_or_default(),
            kits: cookie(KIT_PROGRESS_COOKIE).map(|value| KitProgress::parse(&value)).unwrap_or_default(),
            dismissed: cookie(DISMISSED_NOTICES_COOKIE)
                .map(|value| DismissedNotices::parse(&value))
                .unwrap_or_default(),
            votes: cookie(ARTICLE_VOTES_COOKIE).map(|value| ArticleVotes::parse(&value)).unwrap_or_default(),
        }
    }
}

/// A `Set-Cookie` value for a year-long, script-proof, same-site cookie.
pub fn set_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; Path=/; Max-Age={ONE_YEAR_SECS}; HttpOnly; SameSite=Lax")
}

/// A path on this site to go back to after a form; anything a browser could take
/// to another host is refused. Browsers drop tabs and newlines from a URL and treat
/// `\` like `/`, so `/\t/evil` or `/\evil` would become `//evil` (another host):
/// the path must start with exactly one `/`, and neither it nor its percent-decoded
/// form may hold `//`, a backslash, whitespace or a control character.
pub fn local_return_path(path: &str) -> Option<&str> {
    let route = path.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decoded(route.as_bytes());
    let is_local = path.starts_with('/')
        && !path.bytes().any(is_unsafe_in_location)
        && !contains_double_slash(route.as_bytes())
        && !decoded.iter().copied().any(is_unsafe_in_location)
        && !contains_double_slash(&decoded);
    is_local.then_some(path)
}

fn is_unsafe_in_location(byte: u8) -> bool {
    byte == b'\\' || byte.is_ascii_control() || byte.is_ascii_whitespace()
}

fn contains_double_slash(path: &[u8]) -> bool {
    path.windows(2).any(|pair| pair == b"//")
}

/// `%XX` escapes decoded once; anything that is not a valid escape is kept as it is.
fn percent_decoded(text: &[u8]) -> Vec<u8> {
    let hex = |byte: u8| (byte as char).to_digit(16);
    let mut decoded = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some((&byte, tail)) = rest.split_first() {
        if let (b'%', [high, low, after @ ..]) = (byte, tail)
            && let (Some(high), Some(low)) = (hex(*high), hex(*low))
        {
            decoded.push((high * 16 + low) as u8);
            rest = after;
        } else {
            decoded.push(byte);
            rest = tail;
        }
    }
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_answers_round_trip_and_forged_values_read_as_not_asked() {
        for (cookie, expected) in [
            ("newcomer", LevelAnswer::Chosen(Level::Newcomer)),
            ("expert", LevelAnswer::Chosen(Level::Expert)),
            ("skipped", LevelAnswer::Skipped),
            ("all", LevelAnswer::NotAsked),
            ("wizard", LevelAnswer::NotAsked),
            ("", LevelAnswer::NotAsked),
            ("Expert", LevelAnswer::NotAsked),
        ] {
            assert_eq!(LevelAnswer::parse(cookie), expected, "{cookie:?}");
        }
        assert_eq!(LevelAnswer::from_form("skip"), LevelAnswer::Skipped);
        assert!(LevelAnswer::Chosen(Level::Technical).set_cookie().starts_with("telepath_level=technical;"));
        assert!(LevelAnswer::NotAsked.set_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn kit_progress_marks_things_per_level_and_survives_the_cookie() {
        let progress = KitProgress::default()
            .with(Level::Newcomer, 0, true)
            .with(Level::Newcomer, 4, true)
            .with(Level::Expert, 2, true);
        assert!(progress.is_read(Level::Newcomer, 0) && progress.is_read(Level::Newcomer, 4));
        assert!(!progress.is_read(Level::Technical, 0));
        assert_eq!(progress.read_count(Level::Newcomer), 2);
        assert_eq!(KitProgress::parse(&progress.cookie_value()), progress);

        let finished = (0..KIT_THINGS).fold(progress, |acc, thing| acc.with(Level::Technical, thing, true));
        assert!(finished.is_finished(Level::Technical) && !finished.is_finished(Level::Newcomer));
        assert_eq!(finished.with(Level::Technical, 3, false).read_count(Level::Technical), 4);
        assert_eq!(progress.with(Level::All, 1, true), progress, "`all` has no kit");
        assert_eq!(progress.with(Level::Newcomer, 9, true), progress, "kits have five things");
    }

    #[test]
    fn tampered_kit_progress_reads_as_nothing_read() {
        for cookie in ["", "31", "31.0", "32.0.0", "a.b.c", "-1.0.0", "1.2.3.4", "255.255.255"] {
            assert_eq!(KitProgress::parse(cookie), KitProgress::default(), "{cookie:?}");
        }
    }

    #[test]
    fn dismissed_notices_keep_only_well_formed_ids_and_a_bounded_list() {
        let dismissed = DismissedNotices::parse("outage.<script>.Bad.payouts-maintenance-2027");
        assert!(dismissed.contains("outage") && dismissed.contains("payouts-maintenance-2027"));
        assert!(!dismissed.contains("<script>") && !dismissed.contains("Bad"));
        assert_eq!(dismissed.with("outage"), dismissed, "dismissing twice changes nothing");

        let many = (0..40).fold(DismissedNotices::default(), |acc, n| acc.with(&format!("notice-{n}")));
        assert!(many.contains("notice-39") && !many.contains("notice-0"), "the oldest are dropped");
        assert_eq!(DismissedNotices::parse(&many.0.join(".")), many);
    }

    #[test]
    fn article_votes_are_remembered_per_article_replaced_and_bounded() {
        let votes = ArticleVotes::parse("send-an-invoice:y.void:n.<b>:y.Bad:n.refunds:x.payouts:a");
        assert_eq!(votes.get("send-an-invoice"), Some(ArticleVote::Helpful));
        assert_eq!(votes.get("void"), Some(ArticleVote::NotHelpful));
        assert_eq!(votes.get("payouts"), Some(ArticleVote::NotHelpfulAnswered));
        assert_eq!(votes.get("refunds"), None, "an unknown answer is no answer");
        assert_eq!(votes.get("<b>"), None);
        let answered = votes.with("void", ArticleVote::NotHelpfulAnswered);
        assert_eq!(answered.get("void"), Some(ArticleVote::NotHelpfulAnswered));
        assert!(answered.set_cookie().starts_with("telepath_votes=send-an-invoice:y.payouts:a.void:a;"));
        assert_eq!(votes.with("<script>", ArticleVote::Helpful), votes, "a forged slug is not kept");

        let many =
            (0..40).fold(ArticleVotes::default(), |acc, n| acc.with(&format!("a-{n}"), ArticleVote::Helpful));
        assert!(many.get("a-39").is_some() && many.get("a-0").is_none(), "the oldest are forgotten");
        let cookie = many.set_cookie();
        let value = cookie.trim_start_matches("telepath_votes=").split(';').next().unwrap();
        assert_eq!(ArticleVotes::parse(value), many);
    }

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        for local in
            ["/", "/articles/x?y=1#z", "/search?q=a%20b&next=http://x", "/kits/expert#thing-2", "/caf%C3%A9"]
        {
            assert_eq!(local_return_path(local), Some(local), "{local:?}");
        }
        for hostile in [
            "",
            "evil",
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/a\r\nSet-Cookie: x",
            "/a\u{1}b",
            "/a\u{7f}b",
            "/articles//x",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:%20x",
            "/search?q=\\x",
        ] {
            assert_eq!(local_return_path(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decoded(b"/a%2Fb%zz%4"), b"/a/b%zz%4");
        assert_eq!(percent_decoded(b"%e2%9c%93"), "\u{2713}".as_bytes());
    }
}
