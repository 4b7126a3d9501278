//! The self-service half in chromium, with and without JavaScript: help on a phone's
//! first screen, a sent request shown back to its visitor only and its effort
//! question answered in one click, the question after a "No", a welcome kit that
//! moves on after "Got it", and scroll boxes the keyboard reaches. Screenshots land in target/tmp/screenshots.

use crate::browser::{Browser, WAIT, attribute, click, element, hydrated, screenshots, text_of};
use crate::onboarding::{fill, wait_for_text};
use crate::support::TestServer;
use fantoccini::{Client, Locator};
use serde_json::json;
use telepath_server::store::EventKind;
use telepath_server::testing::Fixture;

/// An iPhone 14's screen in CSS pixels.
const PHONE: (u32, u32) = (390, 844);

async fn run_script(client: &Client, script: &str) -> serde_json::Value {
    client.execute(script, vec![]).await.unwrap_or_else(|error| panic!("{script}: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_home_page_shows_a_search_box_and_an_article_link_on_the_first_screen() {
    let server = TestServer::start(Fixture::bundled()).await;
    for javascript in [false, true] {
        let home = server.url("/");
        Browser::run(javascript, |client| async move {
            client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
            client.goto(&home).await.unwrap();
            if javascript {
                hydrated(&client, "[data-testid=search-box]").await;
            }
            // Measured against the layout viewport, whatever the window's own chrome takes.
            let first_screen = run_script(
                &client,
                "const bottom = css => document.querySelector(css).getBoundingClientRect().bottom; \
                 const choices = [...document.querySelectorAll('.level-choice')].map(c => Math.round(c.getBoundingClientRect().top)); \
                 return { search: bottom('.hero [data-testid=search-box] input'), \
                          article: bottom('main a[href^=\"/articles/\"]'), \
                          banners: document.querySelector('[data-testid=notice-banners]').getBoundingClientRect().height, \
                          choiceRows: new Set(choices).size, choices: choices.length, \
                          headerBoxes: document.querySelectorAll('header [data-testid=search-box]').length };",
            )
            .await;
            let screen = f64::from(PHONE.1);
            assert!(first_screen["search"].as_f64().unwrap() <= screen, "{first_screen}");
            assert!(first_screen["article"].as_f64().unwrap() <= screen, "{first_screen}");
            assert!(first_screen["banners"].as_f64().unwrap() <= screen / 5.0, "banners stay small: {first_screen}");
            assert_eq!(first_screen["choices"], json!(3), "{first_screen}");
            assert_eq!(first_screen["choiceRows"], json!(1), "one line of three answers: {first_screen}");
            assert_eq!(first_screen["headerBoxes"], json!(0), "one search box, in the hero: {first_screen}");
            screenshots(&client, &format!("self-home-{}", if javascript { "js" } else { "nojs" })).await;
        })
        .await;
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_banner_opens_and_folds_with_and_without_javascript() {
    let server = TestServer::start(Fixture::bundled()).await;
    for javascript in [false, true] {
        let page = server.url("/categories/getting-paid");
        Browser::run(javascript, |client| async move {
            client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
            client.goto(&page).await.unwrap();
            let banner = "[data-notice=test-everywhere]";
            let body = format!("{banner} .notice-banner-body");
            let shown = format!("return document.querySelector('{body}').checkVisibility()");
            assert_eq!(run_script(&client, &shown).await, json!(false), "folded at first");
            click(&client, &format!("{banner} summary")).await;
            assert_eq!(run_script(&client, &shown).await, json!(true), "opened");
            assert!(text_of(&client, &body).await.contains("Chat and email answer as usual"));
            click(&client, &format!("{banner} summary")).await;
            assert_eq!(run_script(&client, &shown).await, json!(false), "folded again");
        })
        .await;
    }
    server.stop().await.unwrap();
}

/// Sends a correct reset-two-factor form and returns its reference.
async fn send_reset_two_factor(client: &Client, task_page: &str, javascript: bool) -> String {
    client.goto(task_page).await.unwrap();
    if javascript {
        hydrated(client, "[data-testid=task-form-checks]").await;
    }
    fill(client, "#field-account_email", "maria@bluefern.example").await;
    fill(client, "#field-business_name", "Blue Fern <Florist>").await;
    click(client, "#field-new_method option[value='Authenticator app (recommended)']").await;
    fill(client, "#field-explanation", "I lost my phone on holiday and need to sign in to send invoices.")
        .await;
    click(client, "[data-testid=send-task]").await;
    text_of(client, "[data-testid=reference]").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_request_shows_what_was_sent_asks_about_effort_and_its_status_page_is_for_its_visitor_only() {
    let server = TestServer::start(Fixture::bundled()).await;
    for (round, javascript) in [true, false].into_iter().enumerate() {
        let task_page = server.url("/tasks/reset-two-factor");
        let (sent, received) = tokio::sync::oneshot::channel();
        Browser::run(javascript, |client| async move {
            let reference = send_reset_two_factor(&client, &task_page, javascript).await;
            let what_was_sent = text_of(&client, "[data-testid=sent-answers]").await;
            for answer in ["maria@bluefern.example", "Blue Fern <Florist>", "Authenticator app (recommended)"] {
                assert!(what_was_sent.contains(answer), "{answer}: {what_was_sent}");
            }
            assert!(text_of(&client, "[data-testid=reply-by]").await.starts_with("We'll reply by "));
            let centred = run_script(
                &client,
                "const box = document.querySelector('[data-testid=confirmation]').getBoundingClientRect(); \
                 const lede = document.querySelector('[data-testid=confirmation] .lede').getBoundingClientRect(); \
                 return Math.abs((lede.left - box.left) - (box.right - lede.right)) < 2;",
            )
            .await;
            assert_eq!(centred, json!(true), "the subtitle sits in the middle of its box");
            screenshots(&client, &format!("self-task-sent-{}", if javascript { "js" } else { "nojs" })).await;

            // One click answers the effort question, a plain form either way; on a
            // phone the five answers sit in one row inside the screen.
            client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
            let scale = run_script(
                &client,
                "const buttons = [...document.querySelectorAll('.effort-choice')].map(b => b.getBoundingClientRect()); \
                 return { rows: new Set(buttons.map(b => Math.round(b.top))).size, count: buttons.length, \
                          inside: buttons.every(b => b.left >= 0 && b.right <= document.documentElement.clientWidth) };",
            )
            .await;
            assert_eq!(scale, json!({ "rows": 1, "count": 5, "inside": true }), "{scale}");
            click(&client, "[data-testid=effort-2]").await;
            wait_for_text(&client, "[data-testid=effort-thanks]", "Thanks — you rated the effort 2 of 5 (low).").await;
            screenshots(&client, &format!("self-effort-{}", if javascript { "js" } else { "nojs" })).await;

            click(&client, "[data-testid=request-status-link]").await;
            element(&client, "[data-testid=request-status]").await;
            assert!(text_of(&client, "h1").await.contains(&reference));
            assert!(text_of(&client, "[data-testid=sent-answers]").await.contains("maria@bluefern.example"));
            screenshots(&client, &format!("self-request-{}", if javascript { "js" } else { "nojs" })).await;
            sent.send(reference).unwrap();
        })
        .await;
        let rated: u32 =
            server.effort.summary(0, i64::MAX).await.unwrap().iter().map(|row| row.counts[1]).sum();
        assert_eq!(rated as usize, round + 1, "each visitor's click is stored once");
        let status_page = server.url(&format!("/requests/{}", received.await.unwrap()));
        Browser::run(javascript, |client| async move {
            client.goto(&status_page).await.unwrap();
            let refused = text_of(&client, "[data-testid=request-not-found]").await;
            assert!(refused.contains("only in the browser that sent it"), "{refused}");
            assert!(!refused.contains("maria@bluefern.example"));
        })
        .await;
    }
    server.stop().await.unwrap();
}

async fn a_no_and_what_was_missing(client: &Client, article: &str, javascript: bool) {
    client.goto(article).await.unwrap();
    if javascript {
        hydrated(client, "[data-testid=feedback]").await;
    }
    assert_eq!(text_of(client, "#next-heading").await, "People usually ask next");
    click(client, "[data-testid=feedback-no]").await;
    wait_for_text(client, "[data-testid=feedback-thanks]", "Thanks for telling us").await;
    assert_eq!(text_of(client, "label[for=looking-for]").await, "What were you looking for? (optional)");
    assert_eq!(
        text_of(client, "#next-heading").await,
        "These may answer it",
        "the next likely answers are the way on"
    );
    assert!(client.find(Locator::Css("[data-testid=ask-the-team]")).await.is_err(), "one way on");
    fill(client, "[data-testid=looking-for]", "How to resend an invoice").await;
    click(client, "[data-testid=send-looking-for]").await;
    wait_for_text(client, "[data-testid=feedback-thanks]", "use your answer").await;
    if javascript {
        assert_eq!(client.current_url().await.unwrap().fragment(), None, "answered in place");
        assert_eq!(
            run_script(client, "return document.activeElement.id").await,
            json!("feedback-thanks"),
            "focus stays with the answer, not lost at the top"
        );
    }
    screenshots(client, &format!("self-feedback-{}", if javascript { "js" } else { "nojs" })).await;

    client.goto(article).await.unwrap();
    element(client, "[data-testid=feedback]").await;
    assert!(text_of(client, "[data-testid=feedback-thanks]").await.contains("use your answer"), "remembered");
    assert!(client.find(Locator::Css("[data-testid=feedback-no]")).await.is_err(), "not asked again");
}

/// Waits until `count` votes are stored (with JavaScript they are sent in the
/// background, after the page has already said thanks), newest first.
async fn votes_stored(server: &TestServer, count: usize) -> Vec<telepath_server::store::StoredEvent> {
    use futures_util::StreamExt;
    let mut appended = server.events.subscribe();
    let stored = tokio::time::timeout(WAIT, async {
        loop {
            let votes = server.events.recent(Some("article_feedback"), 10).await.unwrap();
            if votes.len() >= count {
                return votes;
            }
            appended.next().await.expect("the store outlives the test");
        }
    })
    .await;
    stored.unwrap_or_else(|_| panic!("{count} votes were not stored in time"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_no_the_visitor_is_asked_what_was_missing_with_and_without_javascript() {
    for javascript in [true, false] {
        let server = TestServer::start(Fixture::new()).await;
        let article = server.url("/articles/send-an-invoice");
        Browser::run(javascript, |client| async move {
            a_no_and_what_was_missing(&client, &article, javascript).await;
        })
        .await;
        let stored = votes_stored(&server, 2).await;
        assert_eq!(
            stored[0].kind,
            EventKind::ArticleFeedback {
                slug: "send-an-invoice".into(),
                helpful: false,
                looking_for: Some("How to resend an invoice".into()),
            }
        );
        server.stop().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_got_it_moves_on_to_the_next_thing_as_the_plain_form_does() {
    let server = TestServer::start(Fixture::bundled()).await;
    let kit = server.url("/kits/technical");
    Browser::run(true, |client| async move {
        client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        client.goto(&kit).await.unwrap();
        hydrated(&client, "[data-testid=kit-checklist]").await;
        let where_am_i = "const active = document.activeElement; \
             return [active.id, Math.round(active.getBoundingClientRect().top)];";
        for thing in 1..=5 {
            click(&client, &format!("[data-testid=tick-{thing}]")).await;
            let expected = if thing < 5 { format!("thing-{}", thing + 1) } else { "kit-progress".to_owned() };
            let place = run_script(&client, where_am_i).await;
            assert_eq!(place[0], json!(expected), "after thing {thing}");
            let top = place[1].as_i64().unwrap();
            assert!((0..200).contains(&top), "{expected} is scrolled to the top of the screen: {top}");
        }
        assert_eq!(client.current_url().await.unwrap().fragment(), None, "in place, no reload");
        wait_for_text(&client, "[data-testid=kit-progress]", "Kit finished").await;
    })
    .await;
    server.stop().await.unwrap();
}

/// Chromium logs the save the server refuses on purpose (403); any other refused
/// request still fails.
fn is_the_refused_save(message: &str) -> bool {
    message.contains("/api/kit-progress") && message.contains("status of 403")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_a_got_it_the_server_refuses_is_undone_and_the_visitor_told() {
    let server = TestServer::start(Fixture::bundled()).await;
    let kit = server.url("/kits/technical");
    Browser::run_expecting(true, is_the_refused_save, |client| async move {
        client.goto(&kit).await.unwrap();
        hydrated(&client, "[data-testid=kit-checklist]").await;
        // Cookies cleared meanwhile make the visitor a stranger to the page's form
        // token, so the server refuses the save.
        client.delete_all_cookies().await.unwrap();
        click(&client, "[data-testid=tick-1]").await;
        let alert = element(&client, "[data-testid=kit-checklist] [role=alert]").await;
        assert_eq!(alert.text().await.unwrap(), "We couldn't save that. Please try again.");
        assert_eq!(
            attribute(&client, "[data-testid=tick-1]", "aria-pressed").await.as_deref(),
            Some("false")
        );
        assert_eq!(text_of(&client, "[data-testid=kit-progress]").await, "0 of 5 read", "the tick is undone");
    })
    .await;
    server.stop().await.unwrap();
}

/// Boxes that scroll but that a keyboard cannot reach, as axe-core's
/// scrollable-region-focusable rule finds them: an element that scrolls sideways or
/// down with neither a tabindex of its own nor anything focusable inside.
const UNREACHABLE_SCROLL_BOXES: &str = "return [...document.querySelectorAll('body *')].filter(el => { \
      const style = getComputedStyle(el); \
      const scrolls = (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth) \
        || (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight); \
      const focusable = el.tabIndex >= 0 || el.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])'); \
      return scrolls && !focusable; \
    }).map(el => el.outerHTML.slice(0, 120));";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_box_that_scrolls_on_a_phone_is_reachable_from_the_keyboard_and_named() {
    let fixture = Fixture::bundled();
    let server = TestServer::start(fixture).await;
    let pages = [
        "/editors",
        "/articles/compare-plans",
        "/articles/webhook-events-reference",
        "/articles/api-quickstart",
    ]
    .map(|path| server.url(path));
    let signed_in_to = &server;
    Browser::run(false, |client| async move {
        // The editors' page is for signed-in editors.
        crate::staff::sign_browser_in(&client, signed_in_to).await;
        client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        for page in &pages {
            client.goto(page).await.unwrap();
            element(&client, "main h1").await;
            let overflows = run_script(
                &client,
                "return [...document.querySelectorAll('.table-scroll')].some(box => box.scrollWidth > box.clientWidth)",
            )
            .await;
            if page.ends_with("/editors") || page.ends_with("/compare-plans") {
                assert_eq!(overflows, json!(true), "{page}: a table wider than a phone, so the check means something");
            }
            assert_eq!(run_script(&client, UNREACHABLE_SCROLL_BOXES).await, json!([]), "{page}");
            let unnamed = run_script(
                &client,
                "return [...document.querySelectorAll('[role=region]')].filter(r => !r.getAttribute('aria-label') && !r.getAttribute('aria-labelledby')).length",
            )
            .await;
            assert_eq!(unnamed, json!(0), "{page}: every scroll box says what it holds");
        }
    })
    .await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_refund_form_names_the_mistake_before_anything_is_sent() {
    let server = TestServer::start(Fixture::bundled()).await;
    let form = server.url("/tasks/request-a-refund");
    Browser::run(true, |client| async move {
        client.goto(&form).await.unwrap();
        hydrated(&client, "[data-testid=task-form-checks]").await;
        fill(&client, "#field-invoice_number", "INV-0142").await;
        fill(&client, "#field-amount", "$29.00").await;
        click(&client, "[data-testid=send-task]").await;
        wait_for_text(&client, "#field-invoice_number-error", "one of your own invoice numbers").await;
        assert!(
            text_of(&client, "#field-amount-error").await.is_empty(),
            "$29.00 is an amount as people write it"
        );
        screenshots(&client, "self-task-mistake-js").await;
    })
    .await;
    let failed = server.events.recent(Some("task_validation_failed"), 10).await.unwrap();
    assert!(failed.is_empty(), "the browser caught it; nothing was sent");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_layout_uses_the_desktop_width_and_a_phone_can_open_pictures_full_size() {
    let server = TestServer::start(Fixture::bundled()).await;
    let (article, home, pictured) = (
        server.url("/articles/compare-plans"),
        server.url("/"),
        server.url("/articles/send-your-first-invoice"),
    );
    Browser::run(false, |client| async move {
        client.set_window_size(1280, 900).await.unwrap();
        client.goto(&article).await.unwrap();
        let beside = run_script(
            &client,
            "const toc = document.querySelector('[data-testid=toc]').getBoundingClientRect(); \
             const body = document.querySelector('.article-body').getBoundingClientRect(); \
             window.scrollTo(0, 1200); \
             const after = document.querySelector('[data-testid=toc]').getBoundingClientRect(); \
             return { beside: toc.left >= body.right, stays: after.top >= 0 && after.top < 100 };",
        )
        .await;
        assert_eq!(
            beside,
            json!({ "beside": true, "stays": true }),
            "the contents sit beside the text, sticky"
        );

        client.goto(&home).await.unwrap();
        let last_card = run_script(
            &client,
            "const grid = document.querySelector('.category-grid').getBoundingClientRect(); \
             const cards = document.querySelectorAll('[data-testid=category]'); \
             const last = cards[cards.length - 1].getBoundingClientRect(); \
             return Math.round(last.width) === Math.round(grid.width);",
        )
        .await;
        assert_eq!(last_card, json!(true), "a last card alone on its row takes the row");

        // Links are either bold or underlined, never both, on every kind of page.
        for page in [&home, &article, &pictured] {
            client.goto(page).await.unwrap();
            let loud = run_script(
                &client,
                "return [...document.querySelectorAll('main a')].filter(a => { \
                   const style = getComputedStyle(a); \
                   return Number(style.fontWeight) >= 600 && style.textDecorationLine.includes('underline') \
                     && !a.classList.contains('button'); \
                 }).map(a => a.textContent.trim());",
            )
            .await;
            assert_eq!(loud, json!([]), "{page}: bold and underlined links");
        }

        client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        client.goto(&home).await.unwrap();
        let most_links_on_a_card = run_script(
            &client,
            "return Math.max(...[...document.querySelectorAll('[data-testid=category]')].map(card => \
               [...card.querySelectorAll('.article-list li')].filter(li => li.checkVisibility()).length));",
        )
        .await;
        assert_eq!(most_links_on_a_card, json!(3), "a phone shows each topic's top links");
        client.goto(&pictured).await.unwrap();
        let picture = element(&client, ".article-body a.full-size img").await;
        let src = picture.attr("src").await.unwrap().expect("the picture has a source");
        let href = element(&client, ".article-body a.full-size").await.attr("href").await.unwrap();
        assert_eq!(href.as_deref(), Some(src.as_str()), "the picture links to itself, full size");
    })
    .await;
    server.stop().await.unwrap();
}
