//! Whether to offer a person to this visitor now, and why: the domain's rules
//! (`telepath_domain::chat_offer`) over the visit's events as the log has them, plus
//! what the current request has just recorded (the log may not have it yet).

use super::{Availability, Chat};
use crate::store::{ConversationsError, EventLog, EventLogError, NewEvent};
use telepath_domain::chat_offer::{VISIT_GAP_MS, current_visit, offer_reasons};
use telepath_domain::{ConversationState, EventKind, OfferReason};

/// The most events of one visitor the rules read; they read the latest visit only.
const EVENTS_READ: u32 = 500;

/// How far back the log is read: a visit is cut by 30 minutes of silence, and
/// one that goes on longer than this still has its latest signs inside it.
const LOOK_BACK_MS: i64 = 6 * VISIT_GAP_MS;

#[derive(Debug, thiserror::Error)]
pub enum OfferError {
    #[error(transparent)]
    Events(#[from] EventLogError),
    #[error(transparent)]
    Conversations(#[from] ConversationsError),
}

/// What the page offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    Nothing,
    /// The visitor is already talking to us: the page points back to it.
    ConversationOpen,
    /// A person, for these reasons (the most recent first), if one can answer now.
    Person {
        reasons: Vec<OfferReason>,
        availability: Availability,
    },
    /// No sign yet, on help content: the offer waits in the page until the browser
    /// has shown it long enough (`LingerTimes`), then shows itself and reports it.
    WhenLingering {
        availability: Availability,
    },
}

/// The visitor's latest events, oldest first, ending with `just_now`.
async fn latest_events(
    events: &dyn EventLog,
    visitor: &str,
    just_now: &[EventKind],
    now_ms: i64,
) -> Result<Vec<(i64, EventKind)>, EventLogError> {
    let mut visit: Vec<(i64, EventKind)> = events
        .visitor_events(visitor, now_ms - LOOK_BACK_MS, EVENTS_READ)
        .await?
        .into_iter()
        .map(|event| (event.occurred_at_ms, event.kind))
        .collect();
    visit.extend(just_now.iter().map(|kind| (now_ms, kind.clone())));
    Ok(visit)
}

/// Why a conversation the visitor starts now was opened: what the rules see in
/// their visit, then that they asked for a person. Without the log, only the asking.
pub async fn reasons_to_open(events: &dyn EventLog, visitor: &str, now_ms: i64) -> Vec<OfferReason> {
    let mut reasons = match latest_events(events, visitor, &[], now_ms).await {
        Ok(visit) => offer_reasons(&visit, now_ms),
        Err(error) => {
            tracing::warn!("the visit's events cannot be read for a new conversation: {error}");
            Vec::new()
        }
    };
    reasons.push(OfferReason::AskedForPerson);
    reasons
}

/// The offer for `visitor` on the page at `path` (its query is not recorded), `just_now` being what this
/// request recorded. A new set of reasons is recorded as a `chat_offered` event,
/// once per visit, so insights can count offers and what came of them.
pub async fn offer_for(
    chat: &Chat,
    events: &dyn EventLog,
    visitor: &str,
    path: &str,
    just_now: &[EventKind],
    now_ms: i64,
) -> Result<Offer, OfferError> {
    if let Some(newest) = chat.conversations.conversations_of(visitor, 1).await?.into_iter().next() {
        if newest.state != ConversationState::Closed {
            return Ok(Offer::ConversationOpen);
        }
        // They have talked to us in this visit already: the page does not ask again.
        if now_ms - newest.closed_at_ms.unwrap_or(now_ms) < VISIT_GAP_MS {
            return Ok(Offer::Nothing);
        }
    }
    let visit = latest_events(events, visitor, just_now, now_ms).await?;
    let reasons = offer_reasons(&visit, now_ms);
    let now = jiff::Timestamp::from_millisecond(now_ms).unwrap_or_else(|_| jiff::Timestamp::now());
    if reasons.is_empty() {
        let dismissed = current_visit(&visit, now_ms)
            .iter()
            .any(|(_, kind)| matches!(kind, EventKind::ChatOfferDismissed { .. }));
        if dismissed || !telepath_app::urls::is_help_content(path) {
            return Ok(Offer::Nothing);
        }
        return Ok(Offer::WhenLingering { availability: chat.who_can_answer(now).await? });
    }
    let offered_before = current_visit(&visit, now_ms).iter().rev().find_map(|(_, kind)| match kind {
        EventKind::ChatOffered { reasons, .. } => Some(reasons.clone()),
        _ => None,
    });
    if offered_before.as_ref() != Some(&reasons) {
        let page = path.split(['?', '#']).next().unwrap_or(path).to_owned();
        let offered = EventKind::ChatOffered { reasons: reasons.clone(), path: page };
        // The offer is shown whether or not its record could be written.
        if let Err(error) = events.append(NewEvent { visitor: visitor.to_owned(), kind: offered }).await {
            tracing::warn!("a chat offer was not recorded: {error}");
        }
    }
    Ok(Offer::Person { reasons, availability: chat.who_can_answer(now).await? })
}
