//! The effort-score contract: one rating per visitor per touchpoint, a second one
//! replacing the first and saying so, and a summary by task, agent and offer reason
//! that keeps periods and scale versions apart.

use super::{ContractStore, TestClock, postgres, sqlite, staff_account};
use crate::store::staff::StaffRole;
use crate::store::{
    EffortKey, EffortScores, EffortScoresError, EffortSummaryRow, NewEffortRating, StoredEffortRating,
};
use std::sync::Arc;
use telepath_domain::{EffortScore, Touchpoint};

fn task(reference: &str) -> Touchpoint {
    Touchpoint::Task { task: "request-a-refund".into(), reference: reference.into() }
}

fn chat(conversation: i64, agent: Option<i64>, reasons: &[&str]) -> Touchpoint {
    Touchpoint::Chat { conversation, agent, offer_reasons: reasons.iter().map(|r| (*r).to_owned()).collect() }
}

fn rating(visitor: &str, touchpoint: Touchpoint, score: u8) -> NewEffortRating {
    NewEffortRating {
        visitor: visitor.into(),
        touchpoint,
        score: EffortScore::new(score).unwrap(),
        scale_version: 1,
    }
}

fn score(stored: &StoredEffortRating) -> u8 {
    stored.score.get()
}

async fn a_visitor_rates_a_touchpoint_once_and_rating_again_replaces_it_and_says_so(
    store: &(impl ContractStore + EffortScores),
    clock: &TestClock,
) {
    clock.set(1_000);
    let first = store.record(rating("v", task("TP-AAAA-2222"), 2)).await.unwrap();
    assert_eq!(first.replaced, None, "a first rating replaces nothing");
    assert_eq!(
        (first.rating.visitor.as_str(), &first.rating.touchpoint, score(&first.rating)),
        ("v", &task("TP-AAAA-2222"), 2)
    );
    assert_eq!((first.rating.scale_version, first.rating.rated_at_ms), (1, 1_000));
    assert_eq!(store.rating_for("v", &task("TP-AAAA-2222")).await.unwrap(), first.rating);

    clock.set(2_000);
    let changed = store.record(rating("v", task("TP-AAAA-2222"), 4)).await.unwrap();
    assert_eq!(changed.replaced, Some(EffortScore::new(2).unwrap()), "says which score it replaced");
    assert_eq!((changed.rating.id, score(&changed.rating)), (first.rating.id, 4), "the same rating, changed");
    assert_eq!(changed.rating.rated_at_ms, 2_000, "a changed rating counts from the change");
    assert_eq!(store.rating_for("v", &task("TP-AAAA-2222")).await.unwrap(), changed.rating);
    let same = store.record(rating("v", task("TP-AAAA-2222"), 4)).await.unwrap();
    assert_eq!(same.replaced, Some(EffortScore::new(4).unwrap()), "the same score again is still one rating");

    let theirs = store.record(rating("w", task("TP-AAAA-2222"), 5)).await.unwrap();
    assert_eq!(theirs.replaced, None, "another visitor's rating is their own");
    assert_ne!(theirs.rating.id, first.rating.id);
    assert_eq!(score(&store.rating_for("v", &task("TP-AAAA-2222")).await.unwrap()), 4, "untouched");
    for (visitor, touchpoint) in
        [("v", task("TP-BBBB-3333")), ("x", task("TP-AAAA-2222")), ("v", chat(1, None, &[]))]
    {
        let missing = store.rating_for(visitor, &touchpoint).await;
        assert!(
            matches!(missing, Err(EffortScoresError::NotFound(kind)) if kind == touchpoint.kind()),
            "{visitor} {touchpoint:?}: {missing:?}"
        );
    }

    let agent = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap().id;
    let first_chat =
        store.record(rating("v", chat(7, Some(agent), &["stuck", "newcomer"]), 5)).await.unwrap();
    assert_eq!(first_chat.replaced, None, "a chat is another touchpoint than a task");
    assert_eq!(first_chat.rating.touchpoint, chat(7, Some(agent), &["stuck", "newcomer"]));
    let corrected = store.record(rating("v", chat(7, Some(agent), &["stuck"]), 3)).await.unwrap();
    assert_eq!(corrected.replaced, Some(EffortScore::new(5).unwrap()));
    assert_eq!(corrected.rating.touchpoint, chat(7, Some(agent), &["stuck"]), "the latest agent and reasons");
    let found = store.rating_for("v", &chat(7, None, &[])).await.unwrap();
    assert_eq!(found, corrected.rating, "a chat is found by its conversation alone");
    let unanswered = store.record(rating("v", chat(8, None, &[]), 1)).await.unwrap();
    assert_eq!((unanswered.replaced, &unanswered.rating.touchpoint), (None, &chat(8, None, &[])));
}

async fn a_summary_counts_each_score_by_task_agent_and_offer_reason_in_the_period_and_version_apart(
    store: &(impl ContractStore + EffortScores),
    clock: &TestClock,
) {
    let ana = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await.unwrap().id;
    let bo = store.add_account(staff_account("bo@example.com", StaffRole::Agent)).await.unwrap().id;
    let refund = |reference: &str| task(reference);
    let address =
        |reference: &str| Touchpoint::Task { task: "change-address".into(), reference: reference.into() };
    clock.set(999);
    store.record(rating("early", refund("TP-0000-0000"), 5)).await.unwrap();
    clock.set(1_000);
    store.record(rating("a", refund("TP-AAAA-0001"), 1)).await.unwrap();
    store.record(rating("b", refund("TP-AAAA-0002"), 2)).await.unwrap();
    store.record(rating("c", refund("TP-AAAA-0003"), 2)).await.unwrap();
    store.record(rating("d", address("TP-AAAA-0004"), 5)).await.unwrap();
    store.record(rating("e", chat(1, Some(ana), &["stuck", "newcomer", "stuck"]), 4)).await.unwrap();
    store.record(rating("f", chat(2, Some(ana), &["stuck"]), 2)).await.unwrap();
    store.record(rating("g", chat(3, Some(bo), &[]), 3)).await.unwrap();
    store.record(rating("h", chat(4, None, &["newcomer"]), 5)).await.unwrap();
    store
        .record(NewEffortRating { scale_version: 2, ..rating("i", refund("TP-AAAA-0005"), 3) })
        .await
        .unwrap();
    clock.set(1_500);
    // Changed inside the period: counted once, with its new score.
    store.record(rating("c", refund("TP-AAAA-0003"), 3)).await.unwrap();
    clock.set(2_000);
    store.record(rating("late", refund("TP-ZZZZ-9999"), 5)).await.unwrap();

    let row = |scale_version, key, counts| EffortSummaryRow { scale_version, key, counts };
    let task_key = |task: &str| EffortKey::Task { task: task.into() };
    assert_eq!(
        store.summary(1_000, 2_000).await.unwrap(),
        [
            row(1, task_key("change-address"), [0, 0, 0, 0, 1]),
            row(1, task_key("request-a-refund"), [1, 1, 1, 0, 0]),
            row(1, EffortKey::ChatAgent { agent: None }, [0, 0, 0, 0, 1]),
            row(1, EffortKey::ChatAgent { agent: Some(ana) }, [0, 1, 0, 1, 0]),
            row(1, EffortKey::ChatAgent { agent: Some(bo) }, [0, 0, 1, 0, 0]),
            row(1, EffortKey::ChatOfferReason { reason: "newcomer".into() }, [0, 0, 0, 1, 1]),
            row(1, EffortKey::ChatOfferReason { reason: "stuck".into() }, [0, 1, 0, 1, 0]),
            row(2, task_key("request-a-refund"), [0, 0, 1, 0, 0]),
        ],
        "ordered by version, then tasks, agents and reasons"
    );
    assert!(store.summary(3_000, 4_000).await.unwrap().is_empty(), "an empty period has no rows");
    assert_eq!(
        store.summary(0, 1_000).await.unwrap(),
        [row(1, task_key("request-a-refund"), [0, 0, 0, 0, 1])],
        "the end of a period is not in it"
    );
}

async fn a_closed_store_answers_unavailable_for_effort_too(store: &(impl ContractStore + EffortScores)) {
    store.close().await;
    let recorded = store.record(rating("v", task("TP-AAAA-2222"), 3)).await;
    assert!(matches!(recorded, Err(EffortScoresError::Unavailable(_))), "{recorded:?}");
    let read = store.rating_for("v", &task("TP-AAAA-2222")).await;
    assert!(matches!(read, Err(EffortScoresError::Unavailable(_))), "{read:?}");
    assert!(matches!(store.summary(0, 1).await, Err(EffortScoresError::Unavailable(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_visitor_rates_a_touchpoint_once_and_rating_again_replaces_it_and_says_so() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    a_visitor_rates_a_touchpoint_once_and_rating_again_replaces_it_and_says_so(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_visitor_rates_a_touchpoint_once_and_rating_again_replaces_it_and_says_so() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    a_visitor_rates_a_touchpoint_once_and_rating_again_replaces_it_and_says_so(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_summary_counts_each_score_by_task_agent_and_offer_reason_in_the_period_and_version_apart() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    a_summary_counts_each_score_by_task_agent_and_offer_reason_in_the_period_and_version_apart(
        &store, &clock,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_summary_counts_each_score_by_task_agent_and_offer_reason_in_the_period_and_version_apart()
{
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    a_summary_counts_each_score_by_task_agent_and_offer_reason_in_the_period_and_version_apart(
        &store, &clock,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_closed_store_answers_unavailable_for_effort_too() {
    let (store, _dir) = sqlite(Arc::default()).await;
    a_closed_store_answers_unavailable_for_effort_too(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_closed_store_answers_unavailable_for_effort_too() {
    let (store, _schema) = postgres(Arc::default()).await;
    a_closed_store_answers_unavailable_for_effort_too(&store).await;
}
