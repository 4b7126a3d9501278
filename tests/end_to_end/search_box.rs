//! The header search box in chromium: suggestions as you type with the keyboard
//! (never a silent list: partial matches, "did you mean", "see all results"), the
//! same box opening the full results page without JavaScript, and the results page
//! on a phone.

use crate::browser::{Browser, WAIT, attribute, click, element, hydrated, screenshots, text_of};
use crate::support::TestServer;
use fantoccini::Locator;
use fantoccini::key::Key;
use telepath_server::testing::Fixture;

/// The header search box on `page`, once its island is alive.
async fn hydrated_search_box(client: &fantoccini::Client, page: &str) -> fantoccini::elements::Element {
    client.goto(page).await.unwrap();
    hydrated(client, "[data-testid=search-box]").await;
    element(client, "#header-search").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_suggestions_follow_typing_and_the_keyboard_opens_one() {
    let server = TestServer::start(Fixture::bundled()).await;
    let home = server.url("/");
    Browser::run(true, |client| async move {
        let input = hydrated_search_box(&client, &home).await;
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

        // Typing on replaces the list with suggestions for the newest text only, and
        // words nothing has still get the best partial matches and "see all results".
        input.send_keys(" xqzv").await.unwrap();
        let see_all = element(&client, "[data-testid=suggestion-see-all]").await;
        client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(
                "//*[@data-testid='suggestion-see-all'][contains(., 'refnd a custo xqzv')]",
            ))
            .await
            .unwrap();
        assert_eq!(see_all.attr("role").await.unwrap().as_deref(), Some("option"));
        element(&client, "[data-testid=suggestion]").await;
        let nested = client
            .execute(
                "return document.querySelectorAll('[role=option] a, [role=option] button').length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(nested, serde_json::json!(0), "no links inside options (axe: nested-interactive)");

        input.clear().await.unwrap();
        input.send_keys("payout").await.unwrap();
        element(&client, "[data-testid=suggestion]").await;
        input.send_keys(&Key::Down.to_string()).await.unwrap();
        let chosen = client.find(Locator::Css("[data-testid=suggestion][aria-selected=true]")).await.unwrap();
        let href = chosen.attr("data-href").await.unwrap().expect("a suggestion knows its article");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_nothing_has_still_offer_see_all_results_by_keyboard() {
    let server = TestServer::start(Fixture::bundled()).await;
    let home = server.url("/");
    Browser::run(true, |client| async move {
        let input = hydrated_search_box(&client, &home).await;
        input.send_keys("xyzzy plugh").await.unwrap();
        element(&client, "[data-testid=suggestion-see-all]").await;
        assert_eq!(attribute(&client, "#header-search", "aria-expanded").await.as_deref(), Some("true"));
        screenshots(&client, "search-suggestions-see-all").await;
        input.send_keys(&Key::Down.to_string()).await.unwrap();
        let active =
            attribute(&client, "#header-search", "aria-activedescendant").await.expect("an option is active");
        assert_eq!(
            attribute(&client, &format!("#{active}"), "data-testid").await.as_deref(),
            Some("suggestion-see-all")
        );
        input.send_keys(&Key::Enter.to_string()).await.unwrap();
        element(&client, "[data-testid=no-results]").await;
        let url = client.current_url().await.unwrap();
        assert_eq!((url.path(), url.query()), ("/search", Some("q=xyzzy+plugh")));
        let kept =
            client.execute("return document.querySelector('#header-search').value", vec![]).await.unwrap();
        assert_eq!(kept, serde_json::json!("xyzzy plugh"), "the header box holds the query");
    })
    .await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_filters_come_first_folded_and_the_header_search_stays_reachable() {
    let server = TestServer::start(Fixture::bundled()).await;
    let results = server.url("/search?q=invoice+reminder");
    Browser::run(false, |client| async move {
        client.set_window_size(390, 900).await.unwrap();
        client.goto(&results).await.unwrap();
        element(&client, ".hits").await;
        let boxes = client
            .execute("return document.querySelectorAll('[role=search], form.search-box').length", vec![])
            .await;
        assert_eq!(boxes.unwrap(), serde_json::json!(1), "one search box on the results page");
        let layout = client
            .execute(
                "const top = css => document.querySelector(css).getBoundingClientRect().top;
                 const search = document.querySelector('#header-search').getBoundingClientRect();
                 return [top('[data-testid=filters] > summary'), top('.hits'),
                         document.querySelector('.filters').checkVisibility(), search.width, search.top];",
                vec![],
            )
            .await
            .unwrap();
        let [summary, hits, filters_shown, search_width, search_top] = layout.as_array().unwrap().as_slice()
        else {
            panic!("{layout}")
        };
        assert!(summary.as_f64() < hits.as_f64(), "the Filter control comes before the results: {layout}");
        assert_eq!(filters_shown, &serde_json::json!(false), "folded until asked: {layout}");
        assert!(search_width.as_f64().unwrap() > 200.0 && search_top.as_f64().unwrap() < 200.0, "{layout}");
        screenshots(&client, "search-results-phone-filters").await;
        client.set_window_size(390, 900).await.unwrap();
        click(&client, "[data-testid=filters] > summary").await;
        let shown =
            client.execute("return document.querySelector('.filters').checkVisibility()", vec![]).await;
        assert_eq!(shown.unwrap(), serde_json::json!(true), "opens without JavaScript");
        client.find(Locator::Css("a[rel=next]")).await.unwrap().click().await.unwrap();
        element(&client, "[data-testid=hits][start='21']").await;
        assert_eq!(client.current_url().await.unwrap().query(), Some("q=invoice+reminder&page=2"));
    })
    .await;
    server.stop().await.unwrap();
}
