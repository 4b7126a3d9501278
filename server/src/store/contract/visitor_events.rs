//! The contract for reading one visitor's events, the agent console's trail: only
//! theirs, from a moment on, oldest first, and the newest ones when there are more
//! than asked for.

use super::{ContractStore, TestClock, event, page_view, postgres, sqlite};
use std::sync::Arc;
use telepath_domain::EventKind;

async fn one_visitors_events_are_read_oldest_first_from_a_moment_keeping_the_newest(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    for (at, visitor, path) in [
        (1_000, "ana", "/articles/a"),
        (2_000, "bo", "/articles/b"),
        (3_000, "ana", "/articles/c"),
        (3_000, "ana", "/articles/d"),
        (4_000, "ana", "/articles/e"),
    ] {
        clock.set(at);
        store.append(event(visitor, page_view(path))).await.unwrap();
    }
    let paths = |events: Vec<crate::store::StoredEvent>| {
        events
            .into_iter()
            .map(|event| match event.kind {
                EventKind::PageViewed { path, .. } => path,
                other => panic!("{other:?}"),
            })
            .collect::<Vec<_>>()
    };
    let all = store.visitor_events("ana", 0, 10).await.unwrap();
    assert!(all.iter().all(|event| event.visitor == "ana"), "{all:?}");
    assert_eq!(
        all.iter().map(|event| event.occurred_at_ms).collect::<Vec<_>>(),
        [1_000, 3_000, 3_000, 4_000]
    );
    assert_eq!(paths(all), ["/articles/a", "/articles/c", "/articles/d", "/articles/e"]);
    assert_eq!(
        paths(store.visitor_events("ana", 3_000, 10).await.unwrap()),
        ["/articles/c", "/articles/d", "/articles/e"],
        "from the moment on, that moment included"
    );
    assert_eq!(
        paths(store.visitor_events("ana", 0, 2).await.unwrap()),
        ["/articles/d", "/articles/e"],
        "the newest when there are more, still oldest first"
    );
    assert!(store.visitor_events("ana", 4_001, 10).await.unwrap().is_empty());
    assert!(store.visitor_events("nobody", 0, 10).await.unwrap().is_empty());
    assert!(store.visitor_events("' OR 1=1 --", 0, 10).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_one_visitors_events_are_read_oldest_first_from_a_moment_keeping_the_newest() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    one_visitors_events_are_read_oldest_first_from_a_moment_keeping_the_newest(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_one_visitors_events_are_read_oldest_first_from_a_moment_keeping_the_newest() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    one_visitors_events_are_read_oldest_first_from_a_moment_keeping_the_newest(&store, &clock).await;
}
