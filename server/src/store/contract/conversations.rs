//! The conversations contract: the delivery promises chat rests on (once per
//! sender's id, dense ordered sequence numbers, exact catch-up), race-free claims,
//! and what closing, transfers and notes do.

use super::{ContractStore, TestClock, postgres, sqlite, staff_account};
use crate::store::conversations::{
    Claim, ConversationsError, KitTicks, MessageBody, NewConversation, NewMessage, VisitorContext,
};
use crate::store::staff::StaffRole;
use std::sync::Arc;
use telepath_domain::{ConversationState, Level, OfferReason, Resolution, Side};

fn from_visitor(client_id: &str, text: &str) -> NewMessage {
    NewMessage {
        client_id: client_id.into(),
        side: Side::Visitor,
        agent: None,
        body: MessageBody::Text(text.into()),
    }
}

fn from_agent(agent: i64, client_id: &str, text: &str) -> NewMessage {
    NewMessage {
        client_id: client_id.into(),
        side: Side::Agent,
        agent: Some(agent),
        body: MessageBody::Text(text.into()),
    }
}

fn visitor_conversation(visitor: &str) -> NewConversation {
    NewConversation {
        visitor: visitor.into(),
        level: Some(Level::Newcomer),
        opened_because: vec![
            OfferReason::SearchesFoundNothing { queries: vec!["vat".into(), "tax".into()] },
            OfferReason::AskedForPerson,
        ],
        visitor_context: VisitorContext::default(),
    }
}

async fn what_the_customers_browser_remembered_is_kept_with_the_conversation(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(7_000);
    let context = VisitorContext {
        kit: Some(KitTicks { level: Level::Newcomer, done: 3, steps: 5 }),
        dismissed_notices: vec!["phone-line-closed".into(), "slow-deliveries".into()],
    };
    let new = NewConversation { visitor_context: context.clone(), ..visitor_conversation("v1") };
    let opened = store.open_conversation(new).await.unwrap();
    assert_eq!(opened.visitor_context, context, "answered as stored");
    let plain = store.open_conversation(visitor_conversation("v2")).await.unwrap();
    assert_eq!(plain.visitor_context, VisitorContext::default(), "nothing remembered reads as nothing");

    assert_eq!(store.conversation(opened.id).await.unwrap().visitor_context, context);
    assert_eq!(store.conversations_of("v1", 5).await.unwrap()[0].visitor_context, context);
    let waiting = store.in_state(ConversationState::Waiting, 10).await.unwrap();
    let contexts: Vec<_> = waiting.iter().map(|conversation| conversation.visitor_context.clone()).collect();
    assert_eq!(contexts, [context, VisitorContext::default()], "the queue reads it too");
}

async fn messages_are_stored_once_per_sender_id_and_numbered_in_order(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(5_000);
    let conversation = store.open_conversation(visitor_conversation("v1")).await.unwrap();
    assert_eq!(
        (conversation.state, conversation.level, conversation.last_seq, conversation.opened_at_ms),
        (ConversationState::Waiting, Some(Level::Newcomer), 0, 5_000)
    );
    assert_eq!(
        conversation.opened_because,
        visitor_conversation("v1").opened_because,
        "why chat was offered"
    );
    assert_eq!(store.conversation(conversation.id).await.unwrap(), conversation, "reads back as stored");
    let first = store.append_message(conversation.id, from_visitor("c-1", "Hello")).await.unwrap();
    assert!(first.was_new);
    assert_eq!((first.message.seq, first.message.sent_at_ms), (1, 5_000));
    let again = store.append_message(conversation.id, from_visitor("c-1", "Hello")).await.unwrap();
    assert!(!again.was_new, "a retried send is the same message");
    assert_eq!(again.message, first.message);
    let ana = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap();
    let reply =
        store.append_message(conversation.id, from_agent(ana.id, "c-1", "Hi, Ana here")).await.unwrap();
    assert_eq!(reply.message.seq, 2, "the same id from the other side is another message");
    let card = NewMessage {
        client_id: "c-2".into(),
        side: Side::Agent,
        agent: Some(ana.id),
        body: MessageBody::Article { slug: "refunds".into(), title: "Refunds".into() },
    };
    store.append_message(conversation.id, card).await.unwrap();

    let all = store.messages_after(conversation.id, 0, 100).await.unwrap();
    assert_eq!(all.iter().map(|message| message.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(all[2].body, MessageBody::Article { slug: "refunds".into(), title: "Refunds".into() });
    assert_eq!(all[1].agent, Some(ana.id));
    let missed = store.messages_after(conversation.id, 1, 100).await.unwrap();
    assert_eq!(missed, all[1..], "after 1: exactly what came later");
    assert_eq!(store.messages_after(conversation.id, 1, 1).await.unwrap(), all[1..2]);
    assert!(store.messages_after(conversation.id, 3, 100).await.unwrap().is_empty());
    assert_eq!(store.conversation(conversation.id).await.unwrap().last_seq, 3);

    let other = store.open_conversation(visitor_conversation("v2")).await.unwrap();
    assert!(
        store.messages_after(other.id, 0, 100).await.unwrap().is_empty(),
        "nothing leaks across conversations"
    );
    assert_eq!(store.append_message(other.id, from_visitor("c-1", "Mine")).await.unwrap().message.seq, 1);
    assert!(matches!(
        store.append_message(9_999, from_visitor("c-9", "?")).await,
        Err(ConversationsError::NotFound(9_999))
    ));
}

async fn concurrent_sends_get_dense_unique_numbers(store: &(impl ContractStore + 'static)) {
    let store = Arc::new(store.clone());
    let conversation = store.open_conversation(visitor_conversation("v1")).await.unwrap();
    let mut sends = tokio::task::JoinSet::new();
    for sender in 0..8 {
        let store = store.clone();
        sends.spawn(async move {
            for n in 0..10 {
                // Each message sent twice, as a client retrying after a lost acknowledgement would.
                let id = format!("s{sender}-{n}");
                let first = store.append_message(conversation.id, from_visitor(&id, "x")).await.unwrap();
                let retry = store.append_message(conversation.id, from_visitor(&id, "x")).await.unwrap();
                assert_eq!(first.message.seq, retry.message.seq);
            }
        });
    }
    while let Some(done) = sends.join_next().await {
        done.unwrap();
    }
    let stored = store.messages_after(conversation.id, 0, 1_000).await.unwrap();
    assert_eq!(stored.iter().map(|message| message.seq).collect::<Vec<_>>(), (1..=80).collect::<Vec<i64>>());
}

async fn only_one_of_two_agents_claiming_at_once_gets_it_and_capacity_holds(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(1_000);
    let ana = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap();
    let bo = store.add_account(staff_account("bo@example.com", StaffRole::Agent)).await.unwrap();
    let first = store.open_conversation(visitor_conversation("v1")).await.unwrap();
    clock.set(2_000);
    let second = store.open_conversation(visitor_conversation("v2")).await.unwrap();
    let queue = store.in_state(ConversationState::Waiting, 10).await.unwrap();
    assert_eq!(queue.iter().map(|c| c.id).collect::<Vec<_>>(), [first.id, second.id], "oldest first");

    let (ana_claim, bo_claim) =
        tokio::join!(store.claim(first.id, ana.id, 3), store.claim(first.id, bo.id, 3));
    let claims = [ana_claim.unwrap(), bo_claim.unwrap()];
    assert_eq!(claims.iter().filter(|claim| **claim == Claim::Claimed).count(), 1, "{claims:?}");
    let winner = if claims[0] == Claim::Claimed { ana.id } else { bo.id };
    assert!(claims.contains(&Claim::AlreadyTaken { by: winner }), "the other is told who has it: {claims:?}");
    let claimed = store.conversation(first.id).await.unwrap();
    assert_eq!(
        (claimed.state, claimed.agent, claimed.claimed_at_ms),
        (ConversationState::Active, Some(winner), Some(2_000))
    );
    assert_eq!(store.active_for(winner).await.unwrap().len(), 1);

    assert_eq!(store.claim(second.id, winner, 1).await.unwrap(), Claim::AtCapacity);
    assert_eq!(store.conversation(second.id).await.unwrap().state, ConversationState::Waiting);
    let loser = if winner == ana.id { bo.id } else { ana.id };
    assert_eq!(store.claim(second.id, loser, 1).await.unwrap(), Claim::Claimed);

    assert!(store.transfer(first.id, winner, loser).await.unwrap());
    assert_eq!(store.conversation(first.id).await.unwrap().agent, Some(loser));
    assert!(
        !store.transfer(first.id, winner, loser).await.unwrap(),
        "only the agent answering can hand it on"
    );
    assert!(matches!(store.claim(404, ana.id, 3).await, Err(ConversationsError::NotFound(404))));
}

async fn one_agents_two_claims_at_once_do_not_pass_their_capacity(store: &impl ContractStore) {
    let ana = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap();
    let first = store.open_conversation(visitor_conversation("v1")).await.unwrap();
    let second = store.open_conversation(visitor_conversation("v2")).await.unwrap();
    let (one, other) = tokio::join!(store.claim(first.id, ana.id, 1), store.claim(second.id, ana.id, 1));
    let claims = [one.unwrap(), other.unwrap()];
    assert_eq!(claims.iter().filter(|claim| **claim == Claim::Claimed).count(), 1, "{claims:?}");
    assert!(claims.contains(&Claim::AtCapacity), "{claims:?}");
    assert_eq!(store.active_for(ana.id).await.unwrap().len(), 1);
}

async fn a_closed_conversation_keeps_its_messages_and_takes_no_more(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(1_000);
    let ana = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap();
    let conversation = store.open_conversation(visitor_conversation("v1")).await.unwrap();
    store.claim(conversation.id, ana.id, 3).await.unwrap();
    let sent = store.append_message(conversation.id, from_visitor("c-1", "Thanks!")).await.unwrap();
    store.mark_read(conversation.id, Side::Agent, 1).await.unwrap();
    assert_eq!(
        store.mark_read(conversation.id, Side::Agent, 0).await.unwrap(),
        1,
        "reading never moves back"
    );
    assert_eq!(
        store.mark_read(conversation.id, Side::Visitor, 50).await.unwrap(),
        1,
        "nor past the last message"
    );
    store.add_note(conversation.id, ana.id, "Asked about refunds twice").await.unwrap();
    clock.set(9_000);
    let closed = store.close_conversation(conversation.id, Resolution::Solved).await.unwrap();
    assert_eq!(
        (closed.state, closed.resolution, closed.closed_at_ms),
        (ConversationState::Closed, Some(Resolution::Solved), Some(9_000))
    );
    clock.set(10_000);
    let again = store.close_conversation(conversation.id, Resolution::VisitorLeft).await.unwrap();
    assert_eq!(again, closed, "closing twice changes nothing");
    assert!(matches!(
        store.append_message(conversation.id, from_visitor("c-2", "One more thing")).await,
        Err(ConversationsError::Closed(_))
    ));
    let retry = store.append_message(conversation.id, from_visitor("c-1", "Thanks!")).await.unwrap();
    assert_eq!(
        retry.message, sent.message,
        "a retry of what was stored before the close still gets its answer"
    );
    assert_eq!(store.claim(conversation.id, ana.id, 3).await.unwrap(), Claim::Closed);
    assert_eq!(store.notes(conversation.id).await.unwrap()[0].body, "Asked about refunds twice");
    assert_eq!(store.conversations_of("v1", 10).await.unwrap(), [closed]);
    assert!(store.conversations_of("v2", 10).await.unwrap().is_empty());
}

async fn a_closed_store_answers_unavailable_for_conversations(store: &impl ContractStore) {
    let conversation = store.open_conversation(visitor_conversation("v1")).await.unwrap();
    store.close().await;
    assert!(matches!(
        store.append_message(conversation.id, from_visitor("c-1", "Hello")).await,
        Err(ConversationsError::Unavailable(_))
    ));
    assert!(matches!(
        store.messages_after(conversation.id, 0, 10).await,
        Err(ConversationsError::Unavailable(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_messages_are_stored_once_per_sender_id_and_numbered_in_order() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    messages_are_stored_once_per_sender_id_and_numbered_in_order(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_messages_are_stored_once_per_sender_id_and_numbered_in_order() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    messages_are_stored_once_per_sender_id_and_numbered_in_order(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_what_the_customers_browser_remembered_is_kept_with_the_conversation() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    what_the_customers_browser_remembered_is_kept_with_the_conversation(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_what_the_customers_browser_remembered_is_kept_with_the_conversation() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    what_the_customers_browser_remembered_is_kept_with_the_conversation(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_sends_get_dense_unique_numbers() {
    let (store, _dir) = sqlite(Arc::default()).await;
    concurrent_sends_get_dense_unique_numbers(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_sends_get_dense_unique_numbers() {
    let (store, _schema) = postgres(Arc::default()).await;
    concurrent_sends_get_dense_unique_numbers(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_only_one_of_two_agents_claiming_at_once_gets_it_and_capacity_holds() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    only_one_of_two_agents_claiming_at_once_gets_it_and_capacity_holds(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_only_one_of_two_agents_claiming_at_once_gets_it_and_capacity_holds() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    only_one_of_two_agents_claiming_at_once_gets_it_and_capacity_holds(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_one_agents_two_claims_at_once_do_not_pass_their_capacity() {
    let (store, _dir) = sqlite(Arc::default()).await;
    one_agents_two_claims_at_once_do_not_pass_their_capacity(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_one_agents_two_claims_at_once_do_not_pass_their_capacity() {
    let (store, _schema) = postgres(Arc::default()).await;
    one_agents_two_claims_at_once_do_not_pass_their_capacity(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_closed_conversation_keeps_its_messages_and_takes_no_more() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    a_closed_conversation_keeps_its_messages_and_takes_no_more(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_closed_conversation_keeps_its_messages_and_takes_no_more() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    a_closed_conversation_keeps_its_messages_and_takes_no_more(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_closed_store_answers_unavailable_for_conversations() {
    let (store, _dir) = sqlite(Arc::default()).await;
    a_closed_store_answers_unavailable_for_conversations(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_closed_store_answers_unavailable_for_conversations() {
    let (store, _schema) = postgres(Arc::default()).await;
    a_closed_store_answers_unavailable_for_conversations(&store).await;
}
