//! The presence contract: an agent is online from saying so until stepping away,
//! signing out or falling silent for longer than the timeout, and a sign of life
//! never brings an away agent online.

use super::{ContractStore, TestClock, postgres, sqlite, staff_account};
use crate::store::staff::StaffRole;
use crate::store::{AgentPresence, PresenceError};
use std::sync::Arc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

async fn an_agent_is_online_until_away_signed_out_or_silent_too_long(
    store: &(impl ContractStore + AgentPresence),
    clock: &TestClock,
) {
    let mut agents = Vec::new();
    for email in ["ana@example.com", "bo@example.com", "cy@example.com", "dee@example.com"] {
        agents.push(store.add_account(staff_account(email, StaffRole::Agent)).await.unwrap().id);
    }
    let [ana, bo, cy, dee] = agents[..] else { unreachable!("four accounts were added") };
    clock.set(1_000);
    assert!(store.online_within(TIMEOUT).await.unwrap().is_empty());
    store.set_online(bo, true).await.unwrap();
    store.set_online(ana, true).await.unwrap();
    store.set_online(cy, false).await.unwrap();
    assert_eq!(store.online_within(TIMEOUT).await.unwrap(), [ana, bo], "lowest id first");
    store.set_online(bo, false).await.unwrap();
    store.signed_out(ana).await.unwrap();
    assert!(store.online_within(TIMEOUT).await.unwrap().is_empty());

    store.set_online(dee, true).await.unwrap();
    clock.set(61_000);
    store.heard_from(dee).await.unwrap();
    store.heard_from(cy).await.unwrap();
    clock.set(121_000);
    assert_eq!(store.online_within(TIMEOUT).await.unwrap(), [dee], "a sign of life keeps an agent online");
    clock.set(61_000 + 120_000);
    assert!(store.online_within(TIMEOUT).await.unwrap().is_empty(), "a silent console goes away by itself");
    store.set_online(dee, true).await.unwrap();
    assert_eq!(store.online_within(TIMEOUT).await.unwrap(), [dee], "saying so again brings them back");
    store.heard_from(ana).await.unwrap();
    assert_eq!(store.online_within(TIMEOUT).await.unwrap(), [dee], "a signed-out agent is not heard from");
}

async fn a_closed_store_answers_unavailable_for_presence(store: &(impl ContractStore + AgentPresence)) {
    store.close().await;
    assert!(matches!(store.set_online(1, true).await, Err(PresenceError::Unavailable(_))));
    assert!(matches!(store.online_within(TIMEOUT).await, Err(PresenceError::Unavailable(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_an_agent_is_online_until_away_signed_out_or_silent_too_long() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    an_agent_is_online_until_away_signed_out_or_silent_too_long(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_agent_is_online_until_away_signed_out_or_silent_too_long() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    an_agent_is_online_until_away_signed_out_or_silent_too_long(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_closed_store_answers_unavailable_for_presence() {
    let (store, _dir) = sqlite(Arc::default()).await;
    a_closed_store_answers_unavailable_for_presence(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_closed_store_answers_unavailable_for_presence() {
    let (store, _schema) = postgres(Arc::default()).await;
    a_closed_store_answers_unavailable_for_presence(&store).await;
}
