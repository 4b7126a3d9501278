//! The next-question model learning from real visits over HTTP.

use crate::support::TestServer;
use std::time::Duration;
use telepath_server::testing::Fixture;

/// The page's "people usually ask next" links, in order.
fn next_questions(html: &str) -> Vec<String> {
    let Some(start) = html.find(r#"data-testid="next-questions""#) else { return Vec::new() };
    let list = &html[start..html[start..].find("</ul>").map_or(html.len(), |end| start + end)];
    list.split("<a href=\"").skip(1).filter_map(|link| link.split('"').next()).map(str::to_owned).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_visitors_read_on_the_article_page_offers_what_they_read_next_after_the_editors_pick() {
    let server = TestServer::start_with(Fixture::new(), |config| {
        config.journeys.refresh = Duration::from_millis(50);
    })
    .await;
    let client = reqwest::Client::new();
    let page = |cookie: Option<String>, path: &str| {
        let request = client.get(server.url(path));
        match cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        }
        .send()
    };
    let before = page(None, "/articles/send-an-invoice").await.unwrap().text().await.unwrap();
    assert_eq!(
        next_questions(&before),
        ["/articles/void-an-invoice?from=send-an-invoice"],
        "a cold start shows the editors' pick and nothing from another category"
    );

    let visitors = 5;
    for _ in 0..visitors {
        let first = page(None, "/articles/send-an-invoice").await.unwrap();
        let cookie = first
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("telepath_visitor="))
            .and_then(|value| value.split(';').next())
            .expect("a new visitor gets an id")
            .to_owned();
        page(Some(cookie), "/articles/reset-your-password").await.unwrap();
    }
    // The cold-start visit above and two page views per visitor.
    server.wait_until_learned("page_viewed", 1 + 2 * visitors, Duration::from_secs(20)).await;

    let after = page(None, "/articles/send-an-invoice").await.unwrap().text().await.unwrap();
    assert_eq!(
        next_questions(&after),
        [
            "/articles/void-an-invoice?from=send-an-invoice",
            "/articles/reset-your-password?from=send-an-invoice"
        ],
        "the editors' first pick stays first; what visitors read next follows"
    );
    let shown = server.wait_for_event("next_questions_shown", Duration::from_secs(10)).await;
    assert!(format!("{:?}", shown.kind).contains("/articles/void-an-invoice"), "{shown:?}");
    server.stop().await.unwrap();
}
