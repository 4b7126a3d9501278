//! The Customer Effort Score: one question, asked after a task is sent and when a
//! chat closes, answered with one click from 1 (very low effort) to 5 (very high).
//! The wording belongs to a numbered scale: ratings are stored with the version
//! they answered, so changing the question or its labels starts a new series
//! instead of mixing two.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The question of scale version [`EFFORT_SCALE_VERSION`].
pub const EFFORT_QUESTION: &str =
    "How much effort did you personally have to put forth to handle your request?";

/// The version of the question and labels below. Raise it whenever their wording
/// changes: insights summarise one version at a time.
pub const EFFORT_SCALE_VERSION: u32 = 1;

/// What each score means, from 1 to 5, in scale version [`EFFORT_SCALE_VERSION`].
pub const EFFORT_LABELS: [&str; 5] =
    ["Very low effort", "Low effort", "Medium effort", "High effort", "Very high effort"];

/// The same five, as a sentence names them: "you rated the effort 2 of 5 (low)".
const EFFORT_WORDS: [&str; 5] = ["very low", "low", "medium", "high", "very high"];

/// One answer to the effort question: a whole number from 1 to 5, and nothing else
/// (so a stored or posted score is checked once, where it is made).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct EffortScore(u8);

impl EffortScore {
    pub const LOWEST: EffortScore = EffortScore(1);
    pub const HIGHEST: EffortScore = EffortScore(5);

    pub fn new(score: u8) -> Result<EffortScore, EffortScoreError> {
        if (1..=5).contains(&score) {
            Ok(EffortScore(score))
        } else {
            Err(EffortScoreError::OutOfRange(score.to_string()))
        }
    }

    /// Every score, lowest effort first: the buttons, in order.
    pub fn all() -> impl Iterator<Item = EffortScore> {
        (1..=5).map(EffortScore)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// "Low effort": the button's words beside its number.
    pub fn label(self) -> &'static str {
        EFFORT_LABELS[self.index()]
    }

    /// "low": the score inside a sentence.
    pub fn words(self) -> &'static str {
        EFFORT_WORDS[self.index()]
    }

    /// 1 and 2 count as low effort: the share insights call "low effort".
    pub fn is_low(self) -> bool {
        self.0 <= 2
    }

    /// 0 for a score of 1, up to 4 for 5: where the score sits in a list of five.
    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

impl TryFrom<u8> for EffortScore {
    type Error = EffortScoreError;

    fn try_from(score: u8) -> Result<Self, Self::Error> {
        EffortScore::new(score)
    }
}

impl From<EffortScore> for u8 {
    fn from(score: EffortScore) -> u8 {
        score.0
    }
}

impl std::str::FromStr for EffortScore {
    type Err = EffortScoreError;

    /// Reads a form's value: `"2"`, with surrounding spaces allowed.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let value = value.trim();
        if value.is_empty() {
            return Err(EffortScoreError::Missing);
        }
        match value.parse::<u8>() {
            Ok(score) => EffortScore::new(score),
            Err(_) if value.bytes().all(|b| b.is_ascii_digit()) => {
                Err(EffortScoreError::OutOfRange(shortened(value)))
            }
            Err(_) => Err(EffortScoreError::NotANumber(shortened(value))),
        }
    }
}

impl fmt::Display for EffortScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a value is not an effort score. What was sent is kept short, so a forged
/// form cannot fill a log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EffortScoreError {
    /// No score was sent.
    Missing,
    /// A number, but not 1 to 5.
    OutOfRange(String),
    /// Not a whole number.
    NotANumber(String),
}

impl fmt::Display for EffortScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const RULE: &str =
            "an effort score is a whole number from 1 (very low effort) to 5 (very high effort)";
        match self {
            EffortScoreError::Missing => write!(f, "no effort score was chosen: {RULE}"),
            EffortScoreError::OutOfRange(value) => write!(f, "{value:?} is outside the scale: {RULE}"),
            EffortScoreError::NotANumber(value) => write!(f, "{value:?} is not a number: {RULE}"),
        }
    }
}

impl std::error::Error for EffortScoreError {}

fn shortened(value: &str) -> String {
    const KEPT: usize = 12;
    if value.chars().count() > KEPT {
        format!("{}…", value.chars().take(KEPT).collect::<String>())
    } else {
        value.to_owned()
    }
}

/// What a rating is about. A task is rated on its confirmation, once per sent
/// request; a chat when it closes, once per conversation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Touchpoint {
    /// The task `task` sent under `reference`.
    Task { task: String, reference: String },
    /// A live chat: the conversation, the staff account of the agent who answered
    /// (none when nobody did), and the names of the reasons chat was offered.
    Chat { conversation: i64, agent: Option<i64>, offer_reasons: Vec<String> },
}

impl Touchpoint {
    /// The stored name of the kind of touchpoint.
    pub fn kind(&self) -> &'static str {
        match self {
            Touchpoint::Task { .. } => "task",
            Touchpoint::Chat { .. } => "chat",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_is_one_to_five_and_reads_from_a_form_with_a_clear_error() {
        for (value, expected) in [("1", 1), ("5", 5), (" 3 ", 3)] {
            assert_eq!(value.parse::<EffortScore>().map(EffortScore::get), Ok(expected), "{value:?}");
        }
        let cases = [
            ("0", "\"0\" is outside the scale"),
            ("6", "\"6\" is outside the scale"),
            ("300", "\"300\" is outside the scale"),
            ("x", "\"x\" is not a number"),
            ("-1", "\"-1\" is not a number"),
            ("2.5", "\"2.5\" is not a number"),
            ("", "no effort score was chosen"),
            ("  ", "no effort score was chosen"),
            ("abcdefghijklmnopqrstuvwxyz", "\"abcdefghijkl…\" is not a number"),
        ];
        for (value, message) in cases {
            let error = value.parse::<EffortScore>().unwrap_err().to_string();
            assert!(error.starts_with(message), "{value:?}: {error}");
            assert!(error.ends_with("from 1 (very low effort) to 5 (very high effort)"), "{error}");
        }
        assert!(EffortScore::new(0).is_err() && EffortScore::new(6).is_err());
    }

    #[test]
    fn each_score_has_its_words_and_one_and_two_are_low_effort() {
        let scores: Vec<(u8, &str, &str, bool)> =
            EffortScore::all().map(|s| (s.get(), s.label(), s.words(), s.is_low())).collect();
        assert_eq!(
            scores,
            [
                (1, "Very low effort", "very low", true),
                (2, "Low effort", "low", true),
                (3, "Medium effort", "medium", false),
                (4, "High effort", "high", false),
                (5, "Very high effort", "very high", false),
            ]
        );
        assert_eq!((EffortScore::LOWEST.index(), EffortScore::HIGHEST.index()), (0, 4));
    }

    #[test]
    fn a_score_crosses_the_wire_as_a_number_and_only_in_range() {
        let score = EffortScore::new(4).unwrap();
        assert_eq!(serde_json::to_string(&score).unwrap(), "4");
        assert_eq!(serde_json::from_str::<EffortScore>("4").unwrap(), score);
        assert!(serde_json::from_str::<EffortScore>("9").is_err());
    }

    #[test]
    fn touchpoints_name_their_kind() {
        let task = Touchpoint::Task { task: "request-a-refund".into(), reference: "TP-ABCD-2345".into() };
        let chat = Touchpoint::Chat { conversation: 7, agent: None, offer_reasons: Vec::new() };
        assert_eq!((task.kind(), chat.kind()), ("task", "chat"));
    }
}
