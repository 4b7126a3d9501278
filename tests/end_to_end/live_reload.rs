//! Editing files under content/ while the real server runs.

use crate::support::TestServer;
use std::time::{Duration, Instant};
use telepath_server::testing::{Fixture, article};
use tokio::sync::watch;

const FILE: &str = "articles/invoices/send-an-invoice.md";

/// Checks `path` after every content reload until its body satisfies `ready`. The
/// watcher's reload counter is the condition: no fixed sleep, no polling interval.
async fn wait_for_page(
    server: &TestServer,
    reloads: &mut watch::Receiver<u64>,
    path: &str,
    cookie: &str,
    ready: impl Fn(u16, &str) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let client = reqwest::Client::new();
    loop {
        let response = client.get(server.url(path)).header("cookie", cookie).send().await.unwrap();
        let status = response.status().as_u16();
        if ready(status, &response.text().await.unwrap()) {
            return;
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        let reloaded = tokio::time::timeout(remaining, reloads.changed()).await;
        assert!(matches!(reloaded, Ok(Ok(()))), "{path} did not change within 10 s");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_edits_go_live_bad_ones_keep_the_last_good_version_and_show_diagnostics() {
    let fixture = Fixture::new();
    let content = fixture.content_dir();
    let server = TestServer::start(fixture).await;
    let mut reloads = server.reloads();
    let path = "/articles/send-an-invoice";
    wait_for_page(&server, &mut reloads, path, "", |status, html| {
        status == 200 && html.contains("<h1>Send an invoice</h1>")
    })
    .await;

    let edited = Instant::now();
    std::fs::write(
        content.join(FILE),
        article("Send an invoice in seconds", "newcomer", "guide", &[], "New body\n"),
    )
    .unwrap();
    wait_for_page(&server, &mut reloads, path, "", |_, html| {
        html.contains("<h1>Send an invoice in seconds</h1>")
    })
    .await;
    eprintln!("a good edit was live after {:?}", edited.elapsed());

    std::fs::write(content.join(FILE), "+++\ntitle = \"Send an invoice\"\nsummary = 3\n").unwrap();
    let editor = crate::staff::editor_cookie(&server).await;
    wait_for_page(&server, &mut reloads, "/editors", &editor, |_, html| {
        html.contains("send-an-invoice.md:1:1")
    })
    .await;
    let page = reqwest::get(server.url(path)).await.unwrap().text().await.unwrap();
    assert!(page.contains("<h1>Send an invoice in seconds</h1>"), "customers keep the last good version");
    let editors = reqwest::Client::new().get(server.url("/editors")).header("cookie", &editor).send().await;
    let editors = editors.unwrap().text().await.unwrap();
    assert!(editors.contains("the front matter is never closed"), "{editors}");
    assert!(
        editors.contains("send-an-invoice.md</code>: <strong>the last good version is still live</strong>"),
        "{editors}"
    );

    std::fs::remove_file(content.join(FILE)).unwrap();
    wait_for_page(&server, &mut reloads, path, "", |status, _| status == 404).await;
    server.stop().await.unwrap();
}
