//! The first five minutes for each level, in headless chromium with and without
//! JavaScript: the level question, the welcome kit worked through to the end, the
//! portal reordered for the level, a task that warns before mistakes, and a notice
//! dismissed for good. Screenshots of each page land in target/tmp/screenshots.

use crate::browser::{Browser, WAIT, attribute, click, element, hydrated, screenshots, text_of};
use crate::support::TestServer;
use fantoccini::{Client, Locator};
use telepath_server::testing::Fixture;

/// What each level should find first on the home page of the bundled help centre.
const LEVELS: [(&str, &str, &str); 3] = [
    ("newcomer", "getting-started", "Popular with people like you (for newcomers)"),
    ("technical", "integrations-and-api", "Popular with people like you (somewhat technical)"),
    ("expert", "integrations-and-api", "Popular with people like you (for experts)"),
];

async fn first_category(client: &Client) -> String {
    attribute(client, "[data-testid=category]", "data-category").await.expect("categories are listed")
}

/// Waits until the element's text contains `expected`.
pub(crate) async fn wait_for_text(client: &Client, css: &str, expected: &str) {
    let script = "const [css, expected, done] = arguments; \
        const check = () => { const el = document.querySelector(css); \
          if (el && el.textContent.includes(expected)) { done(true); } else { setTimeout(check, 25); } }; check();";
    let waited =
        tokio::time::timeout(WAIT, client.execute_async(script, vec![css.into(), expected.into()])).await;
    assert!(waited.is_ok(), "{css} never said {expected:?}; it says {:?}", text_of(client, css).await);
}

/// A full first visit for `level`: answer the question, read the five things, come home.
async fn first_five_minutes(client: &Client, home: &str, level: &str, javascript: bool) {
    client.goto(home).await.unwrap();
    assert!(text_of(client, "[data-testid=level-question] h2").await.contains("Are you new"));
    if javascript {
        hydrated(client, "[data-testid=level-question]").await;
    }
    if level == "newcomer" {
        screenshots(client, &format!("home-first-visit-{}", if javascript { "js" } else { "nojs" })).await;
    }
    click(client, &format!("[data-testid=choose-{level}]")).await;

    element(client, "[data-testid=kit-checklist]").await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        format!("/kits/{level}"),
        "the answer leads to the kit"
    );
    assert_eq!(text_of(client, "[data-testid=kit-progress]").await, "0 of 5 read");
    if javascript {
        hydrated(client, "[data-testid=kit-checklist]").await;
    }
    if level == "newcomer" {
        // The newcomer kit's video is its picture until asked for.
        assert!(!is_shown(client, "[data-testid=kit-video] video").await, "no player before it is asked for");
        click(client, "[data-testid=kit-video] summary").await;
        assert!(is_shown(client, "[data-testid=kit-video] video").await, "the player, once asked for");
    }
    for thing in 1..=5 {
        click(client, &format!("[data-testid=tick-{thing}]")).await;
        if thing < 5 {
            wait_for_text(client, "[data-testid=kit-progress]", &format!("{thing} of 5 read")).await;
        }
        if javascript {
            assert_eq!(client.current_url().await.unwrap().path(), format!("/kits/{level}"));
            assert_eq!(client.current_url().await.unwrap().fragment(), None, "ticked in place, no reload");
        }
    }
    wait_for_text(client, "[data-testid=kit-progress]", "Kit finished").await;
    assert_eq!(attribute(client, "[data-testid=tick-5]", "aria-pressed").await.as_deref(), Some("true"));
    screenshots(client, &format!("kit-{level}-{}", if javascript { "js" } else { "nojs" })).await;

    client.goto(home).await.unwrap();
    assert_eq!(text_of(client, "[data-testid=your-kit-status]").await, "Finished ✓", "the kit shows as done");
    assert!(client.find(Locator::Css("[data-testid=level-question]")).await.is_err(), "not asked twice");
}

async fn portal_reordered_for(client: &Client, level: &str, first: &str, popular: &str) {
    assert_eq!(first_category(client).await, first, "{level}: the level's topics first");
    assert_eq!(text_of(client, "#popular-heading").await, popular);
    assert!(text_of(client, "[data-testid=level-switch-summary]").await.starts_with("Level: "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_each_level_answers_once_finishes_its_kit_and_sees_the_portal_reordered() {
    let server = TestServer::start(Fixture::bundled()).await;
    let home = server.url("/");
    let mut orders = Vec::new();
    for (level, first, popular) in LEVELS {
        let home = home.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        Browser::run(true, |client| async move {
            first_five_minutes(&client, &home, level, true).await;
            portal_reordered_for(&client, level, first, popular).await;
            let order = client
                .execute("return [...document.querySelectorAll('[data-testid=category]')].map(c => c.dataset.category)", vec![])
                .await
                .unwrap();
            screenshots(&client, &format!("home-{level}")).await;
            tx.send(order).unwrap();
        })
        .await;
        orders.push(rx.await.unwrap());
    }
    assert_ne!(orders[0], orders[1], "newcomers and technical visitors see different orders");
    assert_ne!(orders[1], orders[2], "technical visitors and experts see different orders");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_each_level_gets_the_same_first_five_minutes_through_plain_forms() {
    let server = TestServer::start(Fixture::bundled()).await;
    let home = server.url("/");
    let article = server.url("/articles/ways-to-get-paid");
    for (level, first, popular) in LEVELS {
        let (home, article) = (home.clone(), article.clone());
        Browser::run(false, |client| async move {
            first_five_minutes(&client, &home, level, false).await;
            portal_reordered_for(&client, level, first, popular).await;

            // Changing the level from another page comes back to that page.
            client.goto(&article).await.unwrap();
            click(&client, "[data-testid=level-switch-summary]").await;
            let other = if level == "expert" { "newcomer" } else { "expert" };
            click(&client, &format!("[data-testid=switch-{other}]")).await;
            // Only the page the form comes back to has the new level pressed: waiting for
            // the article alone could find the old page's before the redirect lands.
            element(&client, &format!("[data-testid=switch-{other}][aria-pressed=true]")).await;
            assert_eq!(client.current_url().await.unwrap().path(), "/articles/ways-to-get-paid");
            let label = if other == "expert" { "Level: For experts" } else { "Level: For newcomers" };
            assert_eq!(text_of(&client, "[data-testid=level-switch-summary]").await, label);
        })
        .await;
    }
    server.stop().await.unwrap();
}

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|error| panic!("{css}: {error}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn is_shown(client: &Client, css: &str) -> bool {
    client.find(Locator::Css(css)).await.unwrap().is_displayed().await.unwrap()
}

/// The reset-two-factor task: its mistakes before the form, a mistaken answer caught
/// with the input kept, then a reference and what happens next.
async fn task_journey(client: &Client, task_page: &str, javascript: bool) {
    client.goto(task_page).await.unwrap();
    let order = client
        .execute(
            "const m = document.querySelector('[data-testid=mistakes-inline]'); \
             const f = document.querySelector('[data-testid=task-form]'); \
             return [m.querySelectorAll('li').length, !!(m.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING)]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(order, serde_json::json!([5, true]), "five mistakes, before the form");
    if javascript {
        hydrated(client, "[data-testid=task-form-checks]").await;
    }
    fill(client, "#field-account_email", "maria@bluefern").await;
    fill(client, "#field-business_name", "Blue Fern Florist").await;
    client
        .find(Locator::Css("#field-new_method option[value='Authenticator app (recommended)']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(client, "#field-explanation", "Lost my phone").await;
    click(client, "[data-testid=send-task]").await;

    wait_for_text(client, "[data-testid=error-summary]", "Please check 2 of your answers").await;
    assert!(is_shown(client, "[data-testid=error-summary]").await);
    assert!(text_of(client, "#field-explanation-error").await.contains("at least 20 characters"));
    for invalid in ["#field-account_email", "#field-explanation"] {
        assert_eq!(attribute(client, invalid, "aria-invalid").await.as_deref(), Some("true"), "{invalid}");
        let border = client
            .execute(
                &format!("return getComputedStyle(document.querySelector('{invalid}')).borderTopColor"),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            border,
            serde_json::json!("rgb(179, 38, 30)"),
            "{invalid} has the red outline of a mistake"
        );
    }
    let kept = client.find(Locator::Css("#field-account_email")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("maria@bluefern"), "what was typed is kept");
    screenshots(client, &format!("task-errors-{}", if javascript { "js" } else { "nojs" })).await;

    fill(client, "#field-account_email", "maria@bluefern.example").await;
    fill(client, "#field-explanation", "I lost my phone on holiday and need to sign in to send invoices.")
        .await;
    if javascript {
        // The browser checks again as the visitor types, so the error goes once it is fixed.
        element(client, "#field-explanation:not([aria-invalid])").await;
        element(client, "#field-account_email:not([aria-invalid])").await;
    }
    click(client, "[data-testid=send-task]").await;
    let reference = text_of(client, "[data-testid=reference]").await;
    assert!(reference.starts_with("TP-"), "{reference}");
    assert!(text_of(client, "[data-testid=what-next]").await.contains("What happens next"));
    screenshots(client, &format!("task-sent-{}", if javascript { "js" } else { "nojs" })).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_warns_before_mistakes_catches_one_in_the_browser_and_confirms_with_a_reference() {
    let server = TestServer::start(Fixture::bundled()).await;
    let page = server.url("/tasks/reset-two-factor");
    Browser::run(true, |client| async move { task_journey(&client, &page, true).await }).await;
    let failed = server.events.recent(Some("task_validation_failed"), 10).await.unwrap();
    assert!(failed.is_empty(), "the browser caught the mistake before anything was sent");
    assert_eq!(server.events.recent(Some("task_submitted"), 10).await.unwrap().len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_server_catches_the_mistake_and_keeps_what_was_typed() {
    let server = TestServer::start(Fixture::bundled()).await;
    let page = server.url("/tasks/reset-two-factor");
    Browser::run(false, |client| async move { task_journey(&client, &page, false).await }).await;
    let failed = server.events.recent(Some("task_validation_failed"), 10).await.unwrap();
    assert_eq!(failed.len(), 1, "the server recorded the stuck moment");
    assert_eq!(server.events.recent(Some("task_submitted"), 10).await.unwrap().len(), 1);
    server.stop().await.unwrap();
}

const EVERYWHERE: &str = "[data-notice=test-everywhere]";

async fn notice_is_dismissed_for_good(client: &Client, home: &str, other_page: &str, javascript: bool) {
    client.goto(home).await.unwrap();
    assert!(text_of(client, EVERYWHERE).await.contains("Our phone line is closed on Friday"));
    if javascript {
        element(client, "leptos-island [data-notice=test-everywhere]").await;
        hydrated(client, "[data-testid=level-question]").await;
    }
    if !javascript {
        // Marks this page, so the wait below is for the page the form answers with:
        // the click returns before the posted form has loaded.
        client.execute("document.body.dataset.beforeForm = 'yes'", vec![]).await.unwrap();
    }
    click(client, &format!("{EVERYWHERE} [data-testid=dismiss-notice]")).await;
    if javascript {
        element(client, &format!("{EVERYWHERE}[hidden]")).await;
        assert_eq!(client.current_url().await.unwrap().as_str(), home, "dismissed in place");
    } else {
        element(client, "body:not([data-before-form]) [data-testid=level-question]").await;
        assert!(client.find(Locator::Css(EVERYWHERE)).await.is_err(), "gone after the form");
    }
    for page in [home, other_page] {
        client.goto(page).await.unwrap();
        element(client, "main").await;
        assert!(client.find(Locator::Css(EVERYWHERE)).await.is_err(), "{page}: stays dismissed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_banner_is_dismissed_and_stays_dismissed_with_and_without_javascript() {
    let server = TestServer::start(Fixture::bundled()).await;
    let (home, other) = (server.url("/"), server.url("/categories/getting-paid"));
    for javascript in [true, false] {
        let (home, other) = (home.clone(), other.clone());
        Browser::run(javascript, |client| async move {
            notice_is_dismissed_for_good(&client, &home, &other, javascript).await;
        })
        .await;
    }
    server.stop().await.unwrap();
}

/// Whether the level menu is showing, as the browser decides it.
async fn level_menu_is_open(client: &Client) -> bool {
    let open =
        client.execute("return document.querySelector('#level-menu').matches(':popover-open')", vec![]);
    open.await.unwrap() == serde_json::json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_level_menu_closes_on_escape_and_on_a_click_outside_with_and_without_javascript() {
    let server = TestServer::start(Fixture::bundled()).await;
    for javascript in [false, true] {
        let article = server.url("/articles/ways-to-get-paid");
        Browser::run(javascript, |client| async move {
            client.goto(&article).await.unwrap();
            click(&client, "[data-testid=level-switch-summary]").await;
            element(&client, "[data-testid=switch-expert]").await;
            assert!(level_menu_is_open(&client).await, "the button opens the menu");

            client
                .active_element()
                .await
                .unwrap()
                .send_keys(&fantoccini::key::Key::Escape.to_string())
                .await
                .unwrap();
            assert!(!level_menu_is_open(&client).await, "Escape closes it");

            click(&client, "[data-testid=level-switch-summary]").await;
            assert!(level_menu_is_open(&client).await);
            click(&client, "main h1").await;
            assert!(!level_menu_is_open(&client).await, "a click outside closes it");

            click(&client, "[data-testid=level-switch-summary]").await;
            click(&client, "[data-testid=switch-expert]").await;
            element(&client, "[data-testid=switch-expert][aria-pressed=true]").await;
            assert_eq!(text_of(&client, "[data-testid=level-switch-summary]").await, "Level: For experts");
            click(&client, "[data-testid=level-switch-summary]").await;
            element(&client, "[data-testid=forget-level]").await;
            screenshots(&client, &format!("level-menu-open-{}", if javascript { "js" } else { "nojs" }))
                .await;
        })
        .await;
    }
    server.stop().await.unwrap();
}
