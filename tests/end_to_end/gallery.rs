//! Every kind of page at a phone and a desktop width, with and without JavaScript:
//! one heading, nothing wider than the screen, no console problems, and a screenshot
//! of each in target/tmp/screenshots for a person to look at.

use crate::browser::{Browser, element, emulate_screen, hydrated, screenshots};
use crate::support::TestServer;
use fantoccini::{Client, Locator};
use std::time::Duration;
use telepath_domain::picture::parse_rendition_path;
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

/// Screens in the order of the pictures they need, smallest first: a desktop,
/// Lighthouse's phone (412 CSS pixels at 1.75 device pixels each), a sharper phone.
const SCREENS: [(&str, u32, u32, f64); 3] =
    [("desktop", 1280, 1000, 1.0), ("phone", 412, 823, 1.75), ("sharp phone", 390, 844, 3.0)];

/// One picture as the browser took it: the widths its WebP source offers, the one it
/// fetched, and how many device pixels wide it shows.
struct FetchedPicture {
    offered: String,
    fetched: String,
    shown: f64,
}

/// Every picture on the page, each scrolled to and loaded (lazy ones load only near
/// the screen).
async fn pictures_as_fetched(client: &Client) -> Vec<FetchedPicture> {
    let script = "const done = arguments[0]; \
        const loaded = img => new Promise(resolve => { \
          const check = () => img.complete && img.currentSrc ? resolve() : setTimeout(check, 25); check(); }); \
        (async () => { const found = []; \
          for (const picture of document.querySelectorAll('picture')) { \
            const img = picture.querySelector('img'); img.scrollIntoView(); await loaded(img); \
            found.push({ offered: picture.querySelector('source').srcset, fetched: img.currentSrc, \
              shown: img.getBoundingClientRect().width * devicePixelRatio }); } \
          done(found); })();";
    let found = tokio::time::timeout(crate::browser::WAIT, client.execute_async(script, vec![]))
        .await
        .expect("every picture loads")
        .unwrap();
    let text = |picture: &serde_json::Value, key: &str| picture[key].as_str().unwrap().to_owned();
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|picture| FetchedPicture {
            offered: text(picture, "offered"),
            fetched: text(picture, "fetched"),
            shown: picture["shown"].as_f64().unwrap(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_picture_is_fetched_at_the_rendition_its_place_on_the_screen_needs_on_phones_and_desktops() {
    let server = TestServer::start(Fixture::bundled()).await;
    let serving = &server;
    Browser::run(true, |client| async move {
        for (screen, width, height, density) in SCREENS {
            emulate_screen(&client, width, height, density).await;
            for path in ["/kits/newcomer", "/articles/send-your-first-invoice"] {
                client.goto(&serving.url(path)).await.unwrap();
                let pictures = pictures_as_fetched(&client).await;
                assert!(!pictures.is_empty(), "{path} shows pictures");
                for picture in pictures {
                    let offered: Vec<u32> = picture
                        .offered
                        .split(", ")
                        .map(|candidate| {
                            candidate.rsplit_once(' ').unwrap().1.trim_end_matches('w').parse().unwrap()
                        })
                        .collect();
                    let fetched_path = url::Url::parse(&picture.fetched).unwrap().path().to_owned();
                    let (_, fetched, _) = parse_rendition_path(&fetched_path).unwrap_or_else(|| {
                        panic!("{screen}, {path}: a WebP rendition is fetched, not {fetched_path}")
                    });
                    // The smallest rendition that covers the picture's place, or the one
                    // just below it (chromium takes that when it is nearly enough).
                    let needed = picture.shown.ceil() as u32;
                    let enough =
                        offered.iter().copied().find(|width| *width >= needed).or(offered.last().copied());
                    let just_below = offered.iter().copied().rfind(|width| *width < needed);
                    assert!(
                        Some(fetched) == enough || Some(fetched) == just_below,
                        "{screen}, {path}: a picture {needed} device pixels wide was fetched at {fetched} \
                         of {offered:?} ({fetched_path})"
                    );
                }
            }
        }
    })
    .await;
    server.stop().await.unwrap();
}
