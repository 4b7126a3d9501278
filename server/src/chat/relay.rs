//! Several instances, one portal: other instances' chat wake-ups reach this
//! instance's sockets, and this instance's typing reaches theirs. Only for a
//! PostgreSQL store (an SQLite store belongs to one instance); the wake-ups come
//! from its triggers ([`ChatSignals`]), so every stored message wakes every
//! instance, whichever wrote it, and nothing but typing is sent from here.

use super::hub::{ChatHub, RoomEvent};
use crate::store::signals::{ChatSignal, ChatSignals, Heard};
use telepath_domain::Side;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Starts relaying until `stop` is cancelled.
pub fn start(hub: &ChatHub, signals: ChatSignals, stop: CancellationToken) {
    let instance = rand::random::<u64>();
    let (typing, mut to_send) = mpsc::unbounded_channel::<(i64, Side, bool)>();
    hub.forward_typing(typing);
    let sender = signals.clone();
    let sending_stop = stop.clone();
    tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                () = sending_stop.cancelled() => return,
                next = to_send.recv() => next,
            };
            let Some((conversation, side, active)) = next else { return };
            let signal = ChatSignal::Typing { conversation, side, active, from: instance };
            // Typing is a hint that is stale in seconds: one that cannot be sent is dropped.
            if let Err(error) = sender.send(&signal).await {
                tracing::debug!("typing not sent to other instances: {error}");
            }
        }
    });
    let hub = hub.clone();
    tokio::spawn(async move {
        signals
            .listen(&stop, &mut |heard| match heard {
                Heard::Signal(signal) => {
                    if let Some((conversation, event)) = room_event(signal, instance) {
                        hub.publish_here(conversation, event);
                    }
                }
                Heard::Resumed => hub.publish_to_every_room_here(RoomEvent::CatchUp),
            })
            .await;
    });
}

/// What a wake-up means for this instance's sockets: nothing for its own typing.
fn room_event(signal: ChatSignal, instance: u64) -> Option<(i64, RoomEvent)> {
    Some(match signal {
        ChatSignal::Stored { conversation, seq } => (conversation, RoomEvent::Stored { seq }),
        ChatSignal::StatusChanged { conversation } => (conversation, RoomEvent::StatusChanged),
        ChatSignal::Read { conversation, side, seq } => (conversation, RoomEvent::Read { side, seq }),
        ChatSignal::Typing { from, .. } if from == instance => return None,
        ChatSignal::Typing { conversation, side, active, .. } => {
            (conversation, RoomEvent::Typing { side, active })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wake_up_reaches_its_room_except_this_instances_own_typing() {
        let here = 7;
        assert_eq!(
            room_event(ChatSignal::Stored { conversation: 3, seq: 9 }, here),
            Some((3, RoomEvent::Stored { seq: 9 }))
        );
        assert_eq!(
            room_event(ChatSignal::StatusChanged { conversation: 3 }, here),
            Some((3, RoomEvent::StatusChanged))
        );
        assert_eq!(
            room_event(ChatSignal::Read { conversation: 3, side: Side::Visitor, seq: 2 }, here),
            Some((3, RoomEvent::Read { side: Side::Visitor, seq: 2 }))
        );
        let typing = |from| ChatSignal::Typing { conversation: 3, side: Side::Agent, active: true, from };
        assert_eq!(
            room_event(typing(8), here),
            Some((3, RoomEvent::Typing { side: Side::Agent, active: true }))
        );
        assert_eq!(room_event(typing(here), here), None, "this instance's sockets heard it already");
    }
}
