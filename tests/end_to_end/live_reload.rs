//! Editing files under content/ while the real server runs.

use crate::support::TestServer;
use std::time::{Duration, Instant};
use telepath_server::testing::{Fixture, article};

const FILE: &str = "articles/invoices/send-an-invoice.md";

/// Polls `path` until its body satisfies `ready`, and says how long that took.
async fn wait_for_page(server: &TestServer, path: &str, ready: impl Fn(u16, &str) -> bool) -> Duration {
    let started = Instant::now();
    let client = reqwest::Client::new();
    loop {
        let response = client.get(server.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        if ready(status, &response.text().await.unwrap()) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{path} did not change within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn good_edits_go_live_bad_ones_keep_the_last_good_version_and_show_diagnostics() {
    let fixture = Fixture::new();
    let content = fixture.content_dir();
    let server = TestServer::start(fixture).await;
    let path = "/articles/send-an-invoice";
    wait_for_page(&server, path, |status, html| status == 200 && html.contains("<h1>Send an invoice</h1>"))
        .await;

    std::fs::write(
        content.join(FILE),
        article("Send an invoice in seconds", "newcomer", "guide", &[], "New body\n"),
    )
    .unwrap();
    let live_after =
        wait_for_page(&server, path, |_, html| html.contains("<h1>Send an invoice in seconds</h1>")).await;
    eprintln!("a good edit was live after {live_after:?}");

    std::fs::write(content.join(FILE), "+++\ntitle = \"Send an invoice\"\nsummary = 3\n").unwrap();
    wait_for_page(&server, "/editors", |_, html| html.contains("send-an-invoice.md:1:1")).await;
    let page = reqwest::get(server.url(path)).await.unwrap().text().await.unwrap();
    assert!(page.contains("<h1>Send an invoice in seconds</h1>"), "customers keep the last good version");
    let editors = reqwest::get(server.url("/editors")).await.unwrap().text().await.unwrap();
    assert!(editors.contains("the front matter is never closed"), "{editors}");
    assert!(editors.contains("Customers still see the last good version of: send-an-invoice"), "{editors}");

    std::fs::remove_file(content.join(FILE)).unwrap();
    wait_for_page(&server, path, |status, _| status == 404).await;
    server.stop().await.unwrap();
}
