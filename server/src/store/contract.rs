//! The store contract, written once as generic async functions over the traits and
//! run against every implementation: one `#[tokio::test]` per contract and store,
//! each on a fresh, empty store (SQLite in a folder of its own, PostgreSQL in a
//! schema of its own, so the tests run side by side). The PostgreSQL tests use the
//! database `TELEPATH_TEST_POSTGRES` names (by default
//! `postgres://postgres@127.0.0.1:5432/test`) and fail when it is not reachable.

mod conversations;
mod effort;
mod presence;
mod visitor_events;

use super::postgres::test_schema::{TestSchema, fresh_store};
use super::staff::{
    NewStaffAccount, SessionDigest, SessionLimits, StaffAccounts, StaffRole, StaffSessions, StaffStoreError,
    StoredPassword,
};
use super::{
    Clock, Conversations, EventLog, EventLogError, NewEvent, NewSubmission, PgStore, SqliteStore,
    Submissions, SubmissionsError,
};
use futures_util::StreamExt;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use telepath_domain::{EventKind, PageType};

/// A clock the test sets.
#[derive(Debug, Default)]
struct TestClock(AtomicI64);

impl TestClock {
    fn set(&self, now_ms: i64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// What the contract needs beyond the traits: a way to take the database away.
#[async_trait::async_trait]
trait ContractStore: EventLog + Submissions + StaffAccounts + StaffSessions + Conversations + Clone {
    async fn close(&self);
}

#[async_trait::async_trait]
impl ContractStore for SqliteStore {
    async fn close(&self) {
        SqliteStore::close(self).await;
    }
}

#[async_trait::async_trait]
impl ContractStore for PgStore {
    async fn close(&self) {
        PgStore::close(self).await;
    }
}

/// A fresh, empty SQLite store in its own folder (kept alive beside it).
async fn sqlite(clock: Arc<TestClock>) -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("telepath.sqlite3"), clock).await.unwrap();
    (store, dir)
}

/// A fresh, empty PostgreSQL store in its own schema (dropped with the guard beside it).
async fn postgres(clock: Arc<TestClock>) -> (PgStore, TestSchema) {
    fresh_store(clock).await
}

fn event(visitor: &str, kind: EventKind) -> NewEvent {
    NewEvent { visitor: visitor.into(), kind }
}

fn page_view(path: &str) -> EventKind {
    EventKind::PageViewed {
        page: PageType::Article,
        path: path.into(),
        title: "Refunds".into(),
        referrer: Some("/search".into()),
    }
}

async fn events_read_back_typed_newest_first_and_stamped_by_the_clock(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(1_000);
    let first = store.append(event("a", page_view("/articles/refunds"))).await.unwrap();
    clock.set(2_000);
    let feedback = EventKind::ArticleFeedback {
        slug: "refunds".into(),
        helpful: false,
        looking_for: Some("how to refund one line".into()),
    };
    let second = store.append(event("b", feedback.clone())).await.unwrap();
    clock.set(3_000);
    let third = store.append(event("a", page_view("/articles/invoices"))).await.unwrap();
    assert!(first < second && second < third, "ids grow: {first} {second} {third}");

    let views = store.recent(Some("page_viewed"), 10).await.unwrap();
    assert_eq!(views.iter().map(|view| view.id).collect::<Vec<_>>(), [third, first]);
    assert_eq!(views[0].kind, page_view("/articles/invoices"));
    assert_eq!((views[0].visitor.as_str(), views[0].occurred_at_ms), ("a", 3_000));
    assert_eq!(store.recent(None, 2).await.unwrap().len(), 2, "the limit holds");
    let stored = store.event(second).await.unwrap();
    assert_eq!((stored.kind, stored.occurred_at_ms), (feedback, 2_000));
    assert!(matches!(store.event(third + 1).await, Err(EventLogError::NotFound(id)) if id == third + 1));
}

async fn events_are_read_in_order_after_an_id_and_forgotten_past_retention(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    let mut ids = Vec::new();
    for (at, path) in [(1_000, "/articles/a"), (2_000, "/articles/b"), (3_000, "/articles/c")] {
        clock.set(at);
        ids.push(store.append(event("v", page_view(path))).await.unwrap());
    }
    let read = |events: Vec<crate::store::StoredEvent>| events.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(read(store.since(0, 10).await.unwrap()), ids);
    assert_eq!(read(store.since(ids[0], 1).await.unwrap()), [ids[1]]);
    assert!(store.since(ids[2], 10).await.unwrap().is_empty());
    assert_eq!(store.forget_before(2_000).await.unwrap(), 1);
    assert_eq!(read(store.since(0, 10).await.unwrap()), ids[1..]);
    assert_eq!(store.forget_before(2_000).await.unwrap(), 0, "nothing older is left");
}

async fn a_batch_is_appended_in_order_in_one_go(store: &impl ContractStore, clock: &TestClock) {
    clock.set(5_000);
    let paths = ["/articles/a", "/articles/b", "/articles/c"];
    let last =
        store.append_all(paths.iter().map(|path| event("v", page_view(path))).collect()).await.unwrap();
    let stored = store.since(0, 10).await.unwrap();
    assert_eq!(stored.last().map(|event| event.id), last);
    let kinds: Vec<EventKind> = stored.into_iter().map(|event| event.kind).collect();
    assert_eq!(kinds, paths.map(page_view));
    assert_eq!(store.append_all(Vec::new()).await.unwrap(), None);
}

async fn a_subscription_yields_the_ids_of_new_events(store: &impl ContractStore) {
    let mut ids = store.subscribe();
    let id = store.append(event("a", page_view("/articles/refunds"))).await.unwrap();
    let seen = tokio::time::timeout(Duration::from_secs(10), ids.next()).await.unwrap();
    assert_eq!(seen, Some(id));
    let later = store.append(event("a", page_view("/articles/refunds"))).await.unwrap();
    let seen = tokio::time::timeout(Duration::from_secs(10), ids.next()).await.unwrap();
    assert_eq!(seen, Some(later));
}

async fn a_submission_gets_a_reference_and_a_repeated_key_from_one_visitor_stores_it_once(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(5_000);
    let submission = NewSubmission {
        task: "request-a-refund".into(),
        visitor: "v".into(),
        fields: json!({ "amount": "29.00" }),
        idempotency_key: Some("form-1".into()),
    };
    let first = store.save(submission.clone()).await.unwrap();
    assert!(first.reference.starts_with("TP-") && first.reference.len() == 12, "{}", first.reference);
    assert_eq!(first.submitted_at_ms, 5_000);
    clock.set(6_000);
    assert_eq!(store.save(submission.clone()).await.unwrap(), first, "the double submit returns the first");
    let other = store
        .save(NewSubmission { idempotency_key: Some("form-2".into()), ..submission.clone() })
        .await
        .unwrap();
    assert_ne!(other.reference, first.reference);
    let copied = NewSubmission {
        visitor: "someone else".into(),
        fields: json!({ "amount": "12.00" }),
        ..submission.clone()
    };
    let theirs = store.save(copied.clone()).await.unwrap();
    assert_ne!(theirs.reference, first.reference, "another visitor's copied key never returns the first");
    assert_eq!((theirs.visitor.as_str(), &theirs.fields), ("someone else", &copied.fields));
    assert_eq!(store.by_reference(&first.reference).await.unwrap(), first);
    assert!(matches!(
        store.by_reference("TP-NOPE-NOPE").await,
        Err(SubmissionsError::NotFound(reference)) if reference == "TP-NOPE-NOPE"
    ));
}

async fn a_closed_store_answers_unavailable(store: &impl ContractStore) {
    store.close().await;
    let appended = store.append(event("a", page_view("/articles/refunds"))).await;
    assert!(matches!(appended, Err(EventLogError::Unavailable(_))), "{appended:?}");
    assert!(matches!(store.recent(None, 1).await, Err(EventLogError::Unavailable(_))));
    let saved = store
        .save(NewSubmission {
            task: "t".into(),
            visitor: "v".into(),
            fields: json!({}),
            idempotency_key: None,
        })
        .await;
    assert!(matches!(saved, Err(SubmissionsError::Unavailable(_))), "{saved:?}");
    assert!(matches!(store.by_reference("TP-AAAA-AAAA").await, Err(SubmissionsError::Unavailable(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_events_read_back_typed_newest_first_and_stamped_by_the_clock() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    events_read_back_typed_newest_first_and_stamped_by_the_clock(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_events_read_back_typed_newest_first_and_stamped_by_the_clock() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    events_read_back_typed_newest_first_and_stamped_by_the_clock(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_events_are_read_in_order_after_an_id_and_forgotten_past_retention() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    events_are_read_in_order_after_an_id_and_forgotten_past_retention(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_events_are_read_in_order_after_an_id_and_forgotten_past_retention() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    events_are_read_in_order_after_an_id_and_forgotten_past_retention(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_batch_is_appended_in_order_in_one_go() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    a_batch_is_appended_in_order_in_one_go(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_batch_is_appended_in_order_in_one_go() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    a_batch_is_appended_in_order_in_one_go(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_subscription_yields_the_ids_of_new_events() {
    let (store, _dir) = sqlite(Arc::default()).await;
    a_subscription_yields_the_ids_of_new_events(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_subscription_yields_the_ids_of_new_events() {
    let (store, _schema) = postgres(Arc::default()).await;
    a_subscription_yields_the_ids_of_new_events(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_submission_gets_a_reference_and_a_repeated_key_from_one_visitor_stores_it_once() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    a_submission_gets_a_reference_and_a_repeated_key_from_one_visitor_stores_it_once(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_submission_gets_a_reference_and_a_repeated_key_from_one_visitor_stores_it_once() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    a_submission_gets_a_reference_and_a_repeated_key_from_one_visitor_stores_it_once(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_closed_store_answers_unavailable() {
    let (store, _dir) = sqlite(Arc::default()).await;
    a_closed_store_answers_unavailable(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_closed_store_answers_unavailable() {
    let (store, _schema) = postgres(Arc::default()).await;
    a_closed_store_answers_unavailable(&store).await;
}

pub(super) fn staff_account(email: &str, role: StaffRole) -> NewStaffAccount {
    NewStaffAccount {
        email: email.into(),
        name: "Ana Lima".into(),
        role,
        password: StoredPassword("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into()),
    }
}

const LIMITS: SessionLimits =
    SessionLimits { idle: Duration::from_secs(8 * 3600), absolute: Duration::from_secs(12 * 3600) };
const MINUTE: i64 = 60_000;

async fn staff_accounts_are_unique_by_email_and_disabling_one_ends_its_sessions(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(1_000);
    let ana = store.add_account(staff_account("ana@example.com", StaffRole::Editor)).await.unwrap();
    assert_eq!(
        (ana.email.as_str(), ana.role, ana.created_at_ms, ana.disabled_at_ms),
        ("ana@example.com", StaffRole::Editor, 1_000, None)
    );
    let taken = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await;
    assert!(matches!(taken, Err(StaffStoreError::Conflict)), "{taken:?}");
    let bo = store.add_account(staff_account("bo@example.com", StaffRole::Agent)).await.unwrap();
    assert_eq!(store.accounts().await.unwrap(), [ana.clone(), bo.clone()], "oldest first");
    assert_eq!(store.account_by_email("ana@example.com").await.unwrap(), ana);
    for unknown in ["nobody@example.com", "ANA@example.com", "' OR 1=1 --", ""] {
        assert!(
            matches!(store.account_by_email(unknown).await, Err(StaffStoreError::NotFound(_))),
            "{unknown:?}"
        );
    }

    let (ana_session, bo_session) = (SessionDigest([1; 32]), SessionDigest([2; 32]));
    store.start_session(ana.id, &ana_session, LIMITS).await.unwrap();
    store.start_session(bo.id, &bo_session, LIMITS).await.unwrap();
    assert_eq!(store.live_session(&ana_session, LIMITS).await.unwrap().account, ana);
    clock.set(2_000);
    let disabled = store.disable_account("ana@example.com").await.unwrap();
    assert_eq!(disabled.disabled_at_ms, Some(2_000));
    assert!(matches!(store.live_session(&ana_session, LIMITS).await, Err(StaffStoreError::NotFound(_))));
    assert_eq!(store.live_session(&bo_session, LIMITS).await.unwrap().account, bo, "others stay signed in");
    assert!(matches!(store.disable_account("nobody@example.com").await, Err(StaffStoreError::NotFound(_))));

    let new_password = StoredPassword("$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3".into());
    store.set_password("bo@example.com", new_password.clone()).await.unwrap();
    assert_eq!(store.account_by_email("bo@example.com").await.unwrap().password, new_password);
    assert!(
        matches!(store.live_session(&bo_session, LIMITS).await, Err(StaffStoreError::NotFound(_))),
        "a new password ends the sessions the old one started"
    );
    assert!(matches!(
        store.set_password("nobody@example.com", new_password).await,
        Err(StaffStoreError::NotFound(_))
    ));
}

async fn a_session_ends_when_idle_too_long_when_open_too_long_and_on_sign_out(
    store: &impl ContractStore,
    clock: &TestClock,
) {
    clock.set(0);
    let ana = store.add_account(staff_account("ana@example.com", StaffRole::Admin)).await.unwrap();
    let idle_ms = i64::try_from(LIMITS.idle.as_millis()).unwrap();
    let absolute_ms = i64::try_from(LIMITS.absolute.as_millis()).unwrap();

    let (quiet, active) = (SessionDigest([3; 32]), SessionDigest([6; 32]));
    store.start_session(ana.id, &quiet, LIMITS).await.unwrap();
    store.start_session(ana.id, &active, LIMITS).await.unwrap();
    clock.set(idle_ms / 2);
    let seen = store.live_session(&active, LIMITS).await.unwrap();
    assert_eq!(seen.last_seen_ms, idle_ms / 2, "use counts as activity");
    clock.set(idle_ms);
    assert!(
        matches!(store.live_session(&quiet, LIMITS).await, Err(StaffStoreError::NotFound(_))),
        "idle too long"
    );
    store.live_session(&active, LIMITS).await.expect("active within the idle limit");
    clock.set(idle_ms + MINUTE);
    assert!(
        matches!(store.live_session(&quiet, LIMITS).await, Err(StaffStoreError::NotFound(_))),
        "and gone for good"
    );

    let busy = SessionDigest([4; 32]);
    let start = 4 * idle_ms;
    clock.set(start);
    store.start_session(ana.id, &busy, LIMITS).await.unwrap();
    let mut now = start;
    while now + idle_ms / 2 < start + absolute_ms {
        now += idle_ms / 2;
        clock.set(now);
        store.live_session(&busy, LIMITS).await.expect("busy, and within the absolute limit");
    }
    clock.set(start + absolute_ms);
    assert!(
        matches!(store.live_session(&busy, LIMITS).await, Err(StaffStoreError::NotFound(_))),
        "open too long"
    );

    let ended = SessionDigest([5; 32]);
    store.start_session(ana.id, &ended, LIMITS).await.unwrap();
    store.end_session(&ended).await.unwrap();
    store.end_session(&ended).await.expect("ending twice is fine");
    assert!(matches!(store.live_session(&ended, LIMITS).await, Err(StaffStoreError::NotFound(_))));
    assert!(matches!(
        store.live_session(&SessionDigest([9; 32]), LIMITS).await,
        Err(StaffStoreError::NotFound(_))
    ));
}

async fn a_closed_store_answers_unavailable_for_staff_too(store: &impl ContractStore) {
    store.close().await;
    let added = store.add_account(staff_account("ana@example.com", StaffRole::Agent)).await;
    assert!(matches!(added, Err(StaffStoreError::Unavailable(_))), "{added:?}");
    let live = store.live_session(&SessionDigest([1; 32]), LIMITS).await;
    assert!(matches!(live, Err(StaffStoreError::Unavailable(_))), "{live:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_staff_accounts_are_unique_by_email_and_disabling_one_ends_its_sessions() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    staff_accounts_are_unique_by_email_and_disabling_one_ends_its_sessions(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_staff_accounts_are_unique_by_email_and_disabling_one_ends_its_sessions() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    staff_accounts_are_unique_by_email_and_disabling_one_ends_its_sessions(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_session_ends_when_idle_too_long_when_open_too_long_and_on_sign_out() {
    let clock = Arc::new(TestClock::default());
    let (store, _dir) = sqlite(clock.clone()).await;
    a_session_ends_when_idle_too_long_when_open_too_long_and_on_sign_out(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_session_ends_when_idle_too_long_when_open_too_long_and_on_sign_out() {
    let clock = Arc::new(TestClock::default());
    let (store, _schema) = postgres(clock.clone()).await;
    a_session_ends_when_idle_too_long_when_open_too_long_and_on_sign_out(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_closed_store_answers_unavailable_for_staff_too() {
    let (store, _dir) = sqlite(Arc::default()).await;
    a_closed_store_answers_unavailable_for_staff_too(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_closed_store_answers_unavailable_for_staff_too() {
    let (store, _schema) = postgres(Arc::default()).await;
    a_closed_store_answers_unavailable_for_staff_too(&store).await;
}
