//! Every page type, many times over fresh connections, on the multi-threaded
//! runtime production uses: a request's future moves between worker threads, which
//! is where a page once crashed most of the time while single-threaded tests passed.

use crate::support::{TestServer, server_panics};
use futures_util::StreamExt;
use telepath_server::store::NewSubmission;
use telepath_server::testing::Fixture;

/// Enough rounds that a crash depending on which thread resumes a request shows up
/// (the confirmation page failed 15 to 17 of 30 before the fix).
const ROUNDS: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_type_answers_every_request_without_a_crash() {
    let server = TestServer::start(Fixture::bundled()).await;
    let submission = server
        .store
        .save_submission(NewSubmission {
            task: "request-a-refund".into(),
            visitor: "0".repeat(32),
            fields: serde_json::json!({ "invoice_number": "INV-2041" }),
            idempotency_key: None,
        })
        .await
        .expect("the store saves a submission");
    let pages = [
        "/".to_owned(),
        "/categories/invoices".into(),
        "/articles/send-your-first-invoice".into(),
        "/kits/newcomer".into(),
        "/tasks/request-a-refund".into(),
        format!("/tasks/request-a-refund/sent/{}", submission.reference),
        "/mistakes/request-a-refund".into(),
        "/notices".into(),
        "/search?q=invoice".into(),
        "/search?q=xyzzy".into(),
        "/editors".into(),
        "/no/such/page".into(),
    ];
    let panics_before = server_panics();
    // No connection reuse: every request is a new connection, as most visitors' are.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let requests = (0..ROUNDS).flat_map(|_| pages.iter()).map(|path| {
        let (client, url) = (client.clone(), server.url(path));
        async move {
            let outcome = match client.get(&url).send().await {
                Ok(response) => {
                    let status = response.status();
                    response.bytes().await.map(|_| status).map_err(|error| error.to_string())
                }
                Err(error) => Err(error.to_string()),
            };
            (url, outcome)
        }
    });
    let outcomes: Vec<_> = futures_util::stream::iter(requests).buffer_unordered(8).collect().await;

    let dropped: Vec<_> = outcomes.iter().filter(|(_, outcome)| outcome.is_err()).collect();
    let failed: Vec<_> = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.as_ref().is_ok_and(|status| status.is_server_error()))
        .collect();
    assert!(dropped.is_empty(), "{} of {} requests dropped: {dropped:?}", dropped.len(), outcomes.len());
    assert!(failed.is_empty(), "{} of {} requests failed: {failed:?}", failed.len(), outcomes.len());
    assert_eq!(server_panics(), panics_before, "the server panicked while answering");
    let confirmations = outcomes.iter().filter(|(url, _)| url.contains("/sent/")).count();
    assert_eq!(confirmations, ROUNDS);
    server.stop().await.unwrap();
}
