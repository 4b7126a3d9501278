//! The header search box in chromium: suggestions as you type with the keyboard, and
//! the same box opening the full results page without JavaScript.

use crate::browser::{Browser, WAIT, attribute, element, screenshots, text_of};
use crate::support::TestServer;
use fantoccini::Locator;
use fantoccini::key::Key;
use telepath_server::testing::Fixture;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_suggestions_follow_typing_and_the_keyboard_opens_one() {
    let server = TestServer::start(Fixture::bundled()).await;
    let home = server.url("/");
    Browser::run(true, |client| async move {
        client.goto(&home).await.unwrap();
        element(&client, "[data-testid=search-box][data-hydrated=yes]").await;
        let input = element(&client, "#header-search").await;
        assert_eq!(input.attr("role").await.unwrap().as_deref(), Some("combobox"));

        // A typo in the last word, as people type it.
        input.send_keys("refnd a custo").await.unwrap();
        let first = element(&client, "[data-testid=suggestion]").await;
        assert_eq!(attribute(&client, "#header-search", "aria-expanded").await.as_deref(), Some("true"));
        let html = first.html(true).await.unwrap();
        assert!(html.contains("<mark>"), "matched words are highlighted: {html}");
        let titles = client
            .execute(
                "return [...document.querySelectorAll('[data-testid=suggestion]')].map(li => li.textContent)",
                vec![],
            )
            .await
            .unwrap();
        assert!(titles.to_string().contains("Refund a customer payment"), "{titles}");
        screenshots(&client, "search-suggestions").await;

        input.send_keys(&Key::Down.to_string()).await.unwrap();
        let active =
            attribute(&client, "#header-search", "aria-activedescendant").await.expect("an option is active");
        assert_eq!(attribute(&client, &format!("#{active}"), "aria-selected").await.as_deref(), Some("true"));
        input.send_keys(&Key::Escape.to_string()).await.unwrap();
        assert_eq!(attribute(&client, "#header-search", "aria-expanded").await.as_deref(), Some("false"));

        // Typing on replaces the list with suggestions for the newest text only.
        input.send_keys(" xqzv").await.unwrap();
        element(&client, "#search-suggestions[hidden]").await;

        input.clear().await.unwrap();
        input.send_keys("payout").await.unwrap();
        element(&client, "[data-testid=suggestion]").await;
        input.send_keys(&Key::Down.to_string()).await.unwrap();
        let chosen =
            client.find(Locator::Css("[data-testid=suggestion][aria-selected=true] a")).await.unwrap();
        let href = chosen.attr("href").await.unwrap().expect("a suggestion links to its article");
        input.send_keys(&Key::Enter.to_string()).await.unwrap();
        client
            .wait()
            .at_most(WAIT)
            .for_url(&url::Url::parse(&format!("{home}{}", href.trim_start_matches('/'))).unwrap())
            .await
            .unwrap();
        assert!(!text_of(&client, "h1").await.is_empty());
    })
    .await;
    let recorded = server.events.recent(Some("search_without_results"), 10).await.unwrap();
    assert!(recorded.is_empty(), "what was typed along the way is not recorded as failed searches");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_same_box_opens_the_results_page() {
    let server = TestServer::start(Fixture::bundled()).await;
    let home = server.url("/");
    Browser::run(false, |client| async move {
        client.goto(&home).await.unwrap();
        let input = element(&client, "#header-search").await;
        input.send_keys("refnd a custo").await.unwrap();
        input.send_keys(&Key::Enter.to_string()).await.unwrap();
        element(&client, ".hits").await;
        let url = client.current_url().await.unwrap();
        assert_eq!(url.path(), "/search");
        assert!(text_of(&client, ".hits").await.contains("Refund a customer payment"));
        screenshots(&client, "search-results").await;
    })
    .await;
    server.stop().await.unwrap();
}
