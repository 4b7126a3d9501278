//! What visitors do that the portal learns from, as typed events: the kind is the
//! variant, its payload the variant's fields. Stored without personal data: page
//! paths, titles, slugs and queries, never another site's address.

use crate::chat_offer::OfferReason;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kinds of page a "People usually ask next" list is shown after and leads
/// to: an article, or a task (shown on its confirmation, or followed to its form).
/// Events written before tasks had the list read as articles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListedPage {
    #[default]
    Article,
    Task,
}

/// The kinds of page whose views the next-question learning reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageType {
    Article,
    Category,
    Kit,
    Task,
    SearchResults,
}

/// One thing a visitor did. The serde form is `{"kind": name, "payload": fields}`:
/// the store keeps the name in its `kind` column and the fields as the payload, so
/// a variant's name and fields are a stored format. Rename nothing; a changed
/// payload gets a new [`EventKind::payload_version`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum EventKind {
    /// "Was this article helpful?". After a "No", what the visitor answered to
    /// "What were you looking for?" comes as the same vote again, carrying it in
    /// `looking_for`: it explains the vote before it and is not counted as another.
    /// Payload version 2 added `looking_for`; version 1 payloads read with none.
    ArticleFeedback {
        slug: String,
        helpful: bool,
        #[serde(default)]
        looking_for: Option<String>,
    },
    /// A task form came back with errors: a sign the visitor may be stuck.
    /// `fields` names the refused fields (what insights count); `messages` holds,
    /// by field name, the words each was refused with, as the visitor read them on
    /// the form (made from the field's spec, never from what was typed), so an
    /// agent reads the same. Payload version 2 added `messages`; version 1
    /// payloads read with none.
    TaskValidationFailed {
        task: String,
        fields: Vec<String>,
        #[serde(default)]
        messages: BTreeMap<String, String>,
    },
    TaskSubmitted {
        task: String,
        reference: String,
    },
    /// A search that found nothing: for editors' insights, and a sign the visitor is stuck.
    SearchWithoutResults {
        query: String,
    },
    /// A page was shown. `referrer` is the path of the page the visitor came from,
    /// only when that page is on this site.
    PageViewed {
        page: PageType,
        path: String,
        title: String,
        referrer: Option<String>,
    },
    /// The visitor opened the result at `rank` (1 is the first) for `query`.
    SearchResultClicked {
        query: String,
        rank: u32,
        slug: String,
    },
    /// The visitor followed a "People usually ask next" link: from the article or
    /// the sent task `from` to the article or task form `to`. Payload version 2
    /// added `from_page` and `to_page`; version 1 payloads were articles to articles.
    NextQuestionClicked {
        from: String,
        to: String,
        #[serde(default)]
        from_page: ListedPage,
        #[serde(default)]
        to_page: ListedPage,
    },
    /// A search from the results page (its first page), with how many articles it
    /// found: what editors' insights count as top searches and content gaps.
    Searched {
        query: String,
        results: u32,
    },
    /// The "People usually ask next" list was shown after `from` (an article, or a
    /// task on its confirmation): the paths of its links, in order, so click-through
    /// can be measured against it. Payload version 2 added `from_page`; version 1
    /// payloads were shown after articles.
    NextQuestionsShown {
        from: String,
        shown: Vec<String>,
        #[serde(default)]
        from_page: ListedPage,
    },
    /// Live chat was offered on the page at `path`, for these reasons (the most
    /// recent sign first; see `chat_offer`). Recorded with each page that shows the
    /// offer; the reasons are a stored format of their own ([`OfferReason`]).
    ChatOffered {
        reasons: Vec<OfferReason>,
        path: String,
    },
    /// The visitor dismissed the chat offer on the page at `path`: it is not
    /// offered again in this visit ("Talk to us" stays).
    ChatOfferDismissed {
        path: String,
    },
    /// The visitor started conversation `conversation` with the support team (a
    /// chat, or a message left for later): what editors' insights count as asking
    /// for a person.
    ChatRequested {
        conversation: i64,
    },
    /// The page of help content at `path` stayed visible in the browser for
    /// `seconds` without the visitor moving on, at least the lingering time for their
    /// level (`chat_offer::LingerTimes`): a sign they may need a person.
    Lingered {
        path: String,
        seconds: u32,
    },
}

impl EventKind {
    /// Every stored name, so a reader can tell an unknown kind from a bad payload.
    pub const NAMES: [&'static str; 13] = [
        "article_feedback",
        "task_validation_failed",
        "task_submitted",
        "search_without_results",
        "page_viewed",
        "search_result_clicked",
        "next_question_clicked",
        "next_questions_shown",
        "searched",
        "chat_offered",
        "chat_offer_dismissed",
        "chat_requested",
        "lingered",
    ];

    /// The stable name stored in the `kind` column.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ArticleFeedback { .. } => "article_feedback",
            EventKind::TaskValidationFailed { .. } => "task_validation_failed",
            EventKind::TaskSubmitted { .. } => "task_submitted",
            EventKind::SearchWithoutResults { .. } => "search_without_results",
            EventKind::PageViewed { .. } => "page_viewed",
            EventKind::SearchResultClicked { .. } => "search_result_clicked",
            EventKind::NextQuestionClicked { .. } => "next_question_clicked",
            EventKind::NextQuestionsShown { .. } => "next_questions_shown",
            EventKind::Searched { .. } => "searched",
            EventKind::ChatOffered { .. } => "chat_offered",
            EventKind::ChatOfferDismissed { .. } => "chat_offer_dismissed",
            EventKind::ChatRequested { .. } => "chat_requested",
            EventKind::Lingered { .. } => "lingered",
        }
    }

    /// The schema version of this kind's payload as written today. Changing a
    /// variant's fields bumps its version here and teaches the reader the old shape.
    pub fn payload_version(&self) -> u32 {
        Self::current_payload_version(self.name()).unwrap_or(1)
    }

    /// The version this build writes for the kind called `name`, if it knows it.
    pub fn current_payload_version(name: &str) -> Option<u32> {
        match name {
            "article_feedback"
            | "task_validation_failed"
            | "next_question_clicked"
            | "next_questions_shown" => Some(2),
            name => Self::NAMES.contains(&name).then_some(1),
        }
    }

    /// Whether this build reads payload `version` of the kind called `name`. Every
    /// version so far only added fields that default when absent, so each older
    /// payload reads as the current shape; a newer one is another build's to read.
    pub fn reads_payload_version(name: &str, version: i64) -> bool {
        Self::current_payload_version(name).is_some_and(|current| (1..=i64::from(current)).contains(&version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_serialises_under_its_stored_name_with_its_fields_as_the_payload() {
        let events = [
            EventKind::ArticleFeedback { slug: "a".into(), helpful: true, looking_for: None },
            EventKind::TaskValidationFailed {
                task: "t".into(),
                fields: vec!["f".into()],
                messages: BTreeMap::from([("f".into(), "Please fill in “F”.".into())]),
            },
            EventKind::TaskSubmitted { task: "t".into(), reference: "TP-1".into() },
            EventKind::SearchWithoutResults { query: "q".into() },
            EventKind::PageViewed {
                page: PageType::SearchResults,
                path: "/search".into(),
                title: "Search".into(),
                referrer: None,
            },
            EventKind::SearchResultClicked { query: "q".into(), rank: 2, slug: "a".into() },
            EventKind::NextQuestionClicked {
                from: "a".into(),
                to: "t".into(),
                from_page: ListedPage::Article,
                to_page: ListedPage::Task,
            },
            EventKind::NextQuestionsShown {
                from: "t".into(),
                shown: vec!["/articles/b".into()],
                from_page: ListedPage::Task,
            },
            EventKind::Searched { query: "q".into(), results: 3 },
            EventKind::ChatOffered {
                reasons: vec![OfferReason::SaidNo { slug: "a".into() }],
                path: "/articles/a".into(),
            },
            EventKind::ChatOfferDismissed { path: "/articles/a".into() },
            EventKind::ChatRequested { conversation: 7 },
            EventKind::Lingered { path: "/articles/a".into(), seconds: 90 },
        ];
        assert_eq!(events.len(), EventKind::NAMES.len(), "one example per kind");
        for (event, name) in events.iter().zip(EventKind::NAMES) {
            assert_eq!(event.name(), name);
            let json = serde_json::to_value(event).unwrap();
            assert_eq!(json["kind"], name);
            assert!(json["payload"].is_object(), "{json}");
            assert_eq!(serde_json::from_value::<EventKind>(json).unwrap(), *event);
        }
        let feedback = serde_json::to_value(&events[0]).unwrap();
        assert_eq!(
            feedback["payload"],
            serde_json::json!({ "slug": "a", "helpful": true, "looking_for": null })
        );
        assert_eq!(
            serde_json::to_value(&events[9]).unwrap()["payload"],
            serde_json::json!({ "reasons": [{ "reason": "said_no", "slug": "a" }], "path": "/articles/a" })
        );
    }

    #[test]
    fn a_version_1_vote_reads_without_what_the_visitor_was_looking_for() {
        assert_eq!(EventKind::current_payload_version("article_feedback"), Some(2));
        assert!(EventKind::reads_payload_version("article_feedback", 1));
        assert!(!EventKind::reads_payload_version("article_feedback", 3));
        assert!(!EventKind::reads_payload_version("article_feedback", 0));
        assert!(!EventKind::reads_payload_version("page_viewed", 2));
        let version_1 =
            serde_json::json!({ "kind": "article_feedback", "payload": { "slug": "a", "helpful": false } });
        assert_eq!(
            serde_json::from_value::<EventKind>(version_1).unwrap(),
            EventKind::ArticleFeedback { slug: "a".into(), helpful: false, looking_for: None }
        );
    }

    #[test]
    fn a_version_1_task_error_reads_with_its_fields_and_no_messages() {
        assert_eq!(EventKind::current_payload_version("task_validation_failed"), Some(2));
        assert!(EventKind::reads_payload_version("task_validation_failed", 1));
        let version_1 = serde_json::json!({
            "kind": "task_validation_failed",
            "payload": { "task": "refund", "fields": ["amount"] }
        });
        assert_eq!(
            serde_json::from_value::<EventKind>(version_1).unwrap(),
            EventKind::TaskValidationFailed {
                task: "refund".into(),
                fields: vec!["amount".into()],
                messages: BTreeMap::new()
            }
        );
    }

    #[test]
    fn version_1_next_question_events_read_as_articles_to_articles() {
        for name in ["next_question_clicked", "next_questions_shown"] {
            assert_eq!(EventKind::current_payload_version(name), Some(2));
            assert!(EventKind::reads_payload_version(name, 1));
        }
        let clicked =
            serde_json::json!({ "kind": "next_question_clicked", "payload": { "from": "a", "to": "b" } });
        assert_eq!(
            serde_json::from_value::<EventKind>(clicked).unwrap(),
            EventKind::NextQuestionClicked {
                from: "a".into(),
                to: "b".into(),
                from_page: ListedPage::Article,
                to_page: ListedPage::Article
            }
        );
        let shown = serde_json::json!({
            "kind": "next_questions_shown",
            "payload": { "from": "a", "shown": ["/articles/b"] }
        });
        assert_eq!(
            serde_json::from_value::<EventKind>(shown).unwrap(),
            EventKind::NextQuestionsShown {
                from: "a".into(),
                shown: vec!["/articles/b".into()],
                from_page: ListedPage::Article
            }
        );
    }
}
