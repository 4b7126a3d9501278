//! A sent task form as its visitor sees it again: on the confirmation page and at
//! `/requests/<reference>`.

use serde::{Deserialize, Serialize};

/// One request a visitor sent, with what they sent and what happens next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    pub reference: String,
    pub task_id: String,
    pub task_title: String,
    /// When it was sent, in the site's time zone: "Wed 2 Dec 2026, 10:15 (New York time)".
    pub sent_text: String,
    /// The answers, in the form's order; fields left empty are left out.
    pub answers: Vec<SentAnswer>,
    pub what_happens_next: String,
    /// The day the first reply is due, when the task says how long it takes: "Fri 4 Dec".
    pub reply_by_text: Option<String>,
}

/// One field of a sent form, labelled as the form labelled it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentAnswer {
    pub label: String,
    pub value: String,
}
