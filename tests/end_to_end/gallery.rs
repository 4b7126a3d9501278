//! Every kind of page at a phone and a desktop width, with and without JavaScript:
//! one heading, nothing wider than the screen, no console problems, and a screenshot
//! of each in target/tmp/screenshots for a person to look at.

use crate::browser::{Browser, element, hydrated, screenshots};
use crate::support::TestServer;
use fantoccini::{Client, Locator};
use std::time::Duration;
use telepath_domain::{EventKind, ListedPage};
use telepath_server::store::{EffortScore, NewEffortRating, NewEvent, Touchpoint};
use telepath_server::testing::Fixture;

const PAGES: [(&str, &str); 15] = [
    ("home", "/"),
    ("category", "/categories/getting-paid"),
    ("article", "/articles/set-up-ledgerly-tap"),
    ("kit", "/kits/technical"),
    ("task", "/tasks/request-a-refund"),
    ("mistakes", "/mistakes/request-a-refund"),
    ("notices", "/notices"),
    ("search", "/search?q=invoice+reminders"),
    ("search-nothing", "/search?q=xqzvw+blorp"),
    // A second search that finds nothing: from here on every page offers a person.
    ("search-nothing-again", "/search?q=wvxqz+plorb"),
    ("chat", "/chat"),
    ("staff-sign-in", "/staff/sign-in"),
    ("editors", "/editors"),
    ("insights", "/editors/insights"),
    ("not-found", "/articles/no-such-article"),
];

/// Width of the page beyond the window, in CSS pixels, at the phone width.
async fn overflow_on_a_phone(client: &Client) -> i64 {
    client.set_window_size(390, 1600).await.unwrap();
    let overflow = client
        .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
        .await
        .unwrap();
    client.set_window_size(1280, 1000).await.unwrap();
    overflow.as_i64().unwrap()
}

async fn tour(client: &Client, server: &TestServer, javascript: bool) {
    for (name, path) in PAGES {
        if path == "/editors" {
            crate::staff::sign_browser_in(client, server).await;
        }
        client.goto(&server.url(path)).await.unwrap();
        element(client, "main h1").await;
        let headings = client.find_all(Locator::Css("h1")).await.unwrap().len();
        assert_eq!(headings, 1, "{path}: one main heading");
        assert_eq!(overflow_on_a_phone(client).await, 0, "{path}: nothing is wider than a phone screen");
        if javascript {
            hydrated(client, "[data-testid=search-box]").await;
        }
        if name == "insights" {
            element(client, "[data-testid=insights-searches] figure svg").await;
            let gaps = element(client, "[data-testid=insights-searches]").await.text().await.unwrap();
            assert!(gaps.contains("late fee"), "a search that found nothing is shown: {gaps}");
            let next = element(client, "[data-testid=insights-next-questions]").await.text().await.unwrap();
            assert!(
                next.contains("Sent: Request a subscription refund"),
                "a task's confirmation has its row: {next}"
            );
        }
        screenshots(client, &format!("page-{name}-{}", if javascript { "js" } else { "nojs" })).await;
    }
}

/// A few visits' worth of searches, votes, task errors and next questions, so the
/// insights page is seen as an editor sees it: charts drawn and tables filled.
async fn visits_for_insights(server: &TestServer) {
    let searched = |query: &str, results| EventKind::Searched { query: query.into(), results };
    let vote =
        |slug: &str, helpful| EventKind::ArticleFeedback { slug: slug.into(), helpful, looking_for: None };
    let mut events = Vec::new();
    for n in 0..6 {
        let visitor = format!("reader-{n}");
        let mut visit = vec![
            searched("late fee", 0),
            searched("invoice reminders", 4),
            EventKind::SearchResultClicked {
                query: "invoice reminders".into(),
                rank: 1,
                slug: "send-your-first-invoice".into(),
            },
            vote("send-your-first-invoice", n % 3 != 0),
            vote("refund-a-customer-payment", n % 2 == 0),
            EventKind::TaskValidationFailed {
                task: "request-a-refund".into(),
                fields: vec!["invoice_number".into()],
                messages: Default::default(),
            },
            EventKind::NextQuestionsShown {
                from: "request-a-refund".into(),
                shown: vec!["/articles/refund-a-customer-payment".into()],
                from_page: ListedPage::Task,
            },
        ];
        if n % 2 == 0 {
            visit.push(EventKind::NextQuestionClicked {
                from: "request-a-refund".into(),
                to: "refund-a-customer-payment".into(),
                from_page: ListedPage::Task,
                to_page: ListedPage::Article,
            });
        }
        events.extend(visit.into_iter().map(|kind| NewEvent { visitor: visitor.clone(), kind }));
    }
    server.events.append_all(events).await.unwrap();
    server.wait_until_learned("article_feedback", 12, Duration::from_secs(20)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_a_desktop_with_and_without_javascript() {
    let server = TestServer::start_with(Fixture::bundled(), |config| {
        config.journeys.refresh = Duration::from_millis(50);
    })
    .await;
    visits_for_insights(&server).await;
    // Effort answers for two tasks, so the insights page draws its chart and fills its table.
    let answers = [("request-a-refund", [1, 2, 2, 4]), ("reset-two-factor", [3, 5, 1, 4])];
    for (task, scores) in answers {
        for (n, score) in scores.into_iter().enumerate() {
            let rating = NewEffortRating {
                visitor: format!("{task}-{n}"),
                touchpoint: Touchpoint::Task { task: task.into(), reference: format!("TP-{task}-{n}") },
                score: EffortScore::new(score).unwrap(),
                scale_version: 1,
            };
            server.effort.record(rating).await.unwrap();
        }
    }
    for javascript in [false, true] {
        let server = &server;
        Browser::run(javascript, |client| async move { tour(&client, server, javascript).await }).await;
    }
    server.stop().await.unwrap();
}
