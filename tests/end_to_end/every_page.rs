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
        .submissions
        .save(NewSubmission {
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
        "/editors/insights".into(),
        "/no/such/page".into(),
    ];
    let editor = crate::staff::editor_cookie(&server).await;
    let panics_before = server_panics();
    // No connection reuse: every request is a new connection, as most visitors' are.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let requests = (0..ROUNDS).flat_map(|_| pages.iter()).map(|path| {
        let (client, url) = (client.clone(), server.url(path));
        // Staff pages as a signed-in editor, so they render rather than redirect.
        let cookie = if path.starts_with("/editors") { editor.clone() } else { String::new() };
        async move {
            let outcome = match client.get(&url).header("cookie", cookie).send().await {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn visitors_who_leave_mid_page_cause_no_crash() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start(Fixture::bundled()).await;
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let panics_before = server_panics();
    for round in 0..ROUNDS * 4 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.expect("the server accepts");
        let path = if round % 2 == 0 { "/search?q=invoice" } else { "/articles/send-your-first-invoice" };
        let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept-Encoding: br\r\n\r\n");
        socket.write_all(request.as_bytes()).await.unwrap();
        // Half the visitors leave before the answer starts, half after its first bytes.
        if round % 4 < 2 {
            let mut first = [0u8; 16];
            let _ = socket.read(&mut first).await;
        }
        drop(socket);
    }
    let home = reqwest::get(server.url("/")).await.expect("the server still answers");
    assert_eq!(home.status(), 200);
    assert_eq!(server_panics(), panics_before, "the server panicked when visitors left");
    server.stop().await.unwrap();
}
