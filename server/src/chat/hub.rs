//! Who is listening to which conversation, in this process. The hub carries only
//! wake-ups and ephemeral signals: "message `seq` is stored" makes every socket of
//! the conversation read what it has not sent yet from the store, so a socket that
//! missed a wake-up (lagged, or joined late) still delivers everything, in order.
//! With several instances on PostgreSQL, `relay` feeds other instances' wake-ups in
//! through [`ChatHub::publish_here`] and sends this instance's typing out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use telepath_domain::Side;
use tokio::sync::{broadcast, mpsc};

/// Wake-ups waiting for a slow socket before it is told it lagged (and catches up
/// from the store instead).
const ROOM_BACKLOG: usize = 64;

/// Something that happened in a conversation, for the sockets listening to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoomEvent {
    /// Message `seq` is stored: read the store up to it.
    Stored { seq: i64 },
    /// `side` started or stopped typing. Never stored.
    Typing { side: Side, active: bool },
    /// `side` has read up to `seq`.
    Read { side: Side, seq: i64 },
    /// Claimed, transferred or closed: read the conversation again.
    StatusChanged,
    /// Wake-ups from other instances may have been lost: read everything again.
    CatchUp,
}

#[derive(Clone, Debug, Default)]
pub struct ChatHub {
    rooms: Arc<Mutex<HashMap<i64, broadcast::Sender<RoomEvent>>>>,
    /// Where typing goes for the other instances, once `relay` has started.
    typing_out: Arc<OnceLock<mpsc::UnboundedSender<(i64, Side, bool)>>>,
}

impl ChatHub {
    /// Starts listening to `conversation`. Join before reading the store, so nothing
    /// stored in between goes unnoticed.
    pub fn join(&self, conversation: i64) -> Membership {
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        let receiver =
            rooms.entry(conversation).or_insert_with(|| broadcast::Sender::new(ROOM_BACKLOG)).subscribe();
        Membership { hub: self.clone(), conversation, receiver: Some(receiver) }
    }

    /// Tells every socket of `conversation`, on every instance; nobody listening is
    /// fine. Other instances learn of stored messages, status and read marks from
    /// the database's own wake-ups, so only typing is sent to them from here.
    pub fn publish(&self, conversation: i64, event: RoomEvent) {
        if let (RoomEvent::Typing { side, active }, Some(typing_out)) = (event, self.typing_out.get()) {
            let _relay_stopped = typing_out.send((conversation, side, active));
        }
        self.publish_here(conversation, event);
    }

    /// Tells the sockets of `conversation` on this instance only.
    pub fn publish_here(&self, conversation: i64, event: RoomEvent) {
        let rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(room) = rooms.get(&conversation) {
            let _nobody_listening = room.send(event);
        }
    }

    /// Tells every socket on this instance.
    pub fn publish_to_every_room_here(&self, event: RoomEvent) {
        let rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        for room in rooms.values() {
            let _nobody_listening = room.send(event);
        }
    }

    /// Sends this instance's typing to `typing_out` from now on (once).
    pub fn forward_typing(&self, typing_out: mpsc::UnboundedSender<(i64, Side, bool)>) {
        let _already_forwarding = self.typing_out.set(typing_out);
    }

    /// How many conversations have a socket open here.
    pub fn rooms(&self) -> usize {
        self.rooms.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// One socket's place in a conversation's room; the room goes with its last member.
#[derive(Debug)]
pub struct Membership {
    hub: ChatHub,
    conversation: i64,
    receiver: Option<broadcast::Receiver<RoomEvent>>,
}

impl Membership {
    pub async fn next(&mut self) -> Result<RoomEvent, broadcast::error::RecvError> {
        match &mut self.receiver {
            Some(receiver) => receiver.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        drop(self.receiver.take());
        let mut rooms = self.hub.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if rooms.get(&self.conversation).is_some_and(|room| room.receiver_count() == 0) {
            rooms.remove(&self.conversation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn members_hear_their_conversation_only_and_empty_rooms_go() {
        let hub = ChatHub::default();
        let mut first = hub.join(1);
        let mut also_first = hub.join(1);
        let mut second = hub.join(2);
        hub.publish(1, RoomEvent::Stored { seq: 1 });
        hub.publish(2, RoomEvent::Typing { side: Side::Agent, active: true });
        hub.publish(3, RoomEvent::StatusChanged);
        assert_eq!(first.next().await.unwrap(), RoomEvent::Stored { seq: 1 });
        assert_eq!(also_first.next().await.unwrap(), RoomEvent::Stored { seq: 1 });
        assert_eq!(second.next().await.unwrap(), RoomEvent::Typing { side: Side::Agent, active: true });
        assert_eq!(hub.rooms(), 2);
        drop(first);
        assert_eq!(hub.rooms(), 2, "a room stays while someone listens");
        drop(also_first);
        drop(second);
        assert_eq!(hub.rooms(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_typing_goes_to_other_instances_and_a_catch_up_reaches_every_room() {
        let hub = ChatHub::default();
        let (typing_out, mut to_other_instances) = mpsc::unbounded_channel();
        hub.forward_typing(typing_out);
        let (mut first, mut second) = (hub.join(1), hub.join(2));
        hub.publish(1, RoomEvent::Stored { seq: 4 });
        hub.publish(1, RoomEvent::Typing { side: Side::Visitor, active: true });
        assert_eq!(to_other_instances.recv().await, Some((1, Side::Visitor, true)));
        assert!(to_other_instances.try_recv().is_err(), "stored messages wake them from the database");
        assert_eq!(first.next().await.unwrap(), RoomEvent::Stored { seq: 4 });
        assert_eq!(first.next().await.unwrap(), RoomEvent::Typing { side: Side::Visitor, active: true });

        hub.publish_to_every_room_here(RoomEvent::CatchUp);
        assert_eq!(first.next().await.unwrap(), RoomEvent::CatchUp);
        assert_eq!(second.next().await.unwrap(), RoomEvent::CatchUp);
    }
}
