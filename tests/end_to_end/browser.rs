//! Journeys in headless Debian chromium through chromedriver (WebDriver), with and
//! without JavaScript. Any console error or warning fails a test.

use crate::support::TestServer;
use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;
use telepath_server::store::EventKind;
use telepath_server::testing::{FIXTURE_ARTICLE, Fixture};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const WAIT: Duration = Duration::from_secs(30);

/// chromedriver plus one chromium session; both are ended when the journey ends.
pub struct Browser {
    client: Client,
    _driver: Child,
    _scratch: tempfile::TempDir,
}

impl Browser {
    async fn launch(javascript: bool) -> Browser {
        let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a scratch folder");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env("TMPDIR", scratch.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver is installed (scripts/setup.sh installs it)");
        // chromedriver says when it is listening; the rest of its output is drained.
        let mut lines = BufReader::new(driver.stdout.take().expect("stdout is piped")).lines();
        let started = tokio::time::timeout(WAIT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("started successfully") {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(started, Ok(true), "chromedriver did not start");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let profile = scratch.path().join("profile");
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", format!("--user-data-dir={}", profile.display()),
            ],
        });
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": options,
        });
        let Value::Object(capabilities) = capabilities else { unreachable!("a JSON object literal") };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("chromium starts under chromedriver");
        Browser { client, _driver: driver, _scratch: scratch }
    }

    /// Runs `journey`, then always closes chromium, even when the journey panicked.
    pub async fn run<F, Fut>(javascript: bool, journey: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()>,
    {
        Self::run_expecting(javascript, |_| false, journey).await
    }

    /// As [`Browser::run`], for a journey that makes the browser log something on
    /// purpose (a server stopped, a request refused): the console messages
    /// `expected` accepts are its own doing; anything else still fails.
    pub async fn run_expecting<F, Fut>(javascript: bool, expected: fn(&str) -> bool, journey: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()>,
    {
        let browser = Browser::launch(javascript).await;
        let outcome = AssertUnwindSafe(journey(browser.client.clone())).catch_unwind().await;
        let console = console_problems(&browser.client, javascript, expected).await;
        let _ = browser.client.clone().close().await;
        if let Err(panic) = outcome {
            eprintln!("the browser console said: {console:#?}");
            std::panic::resume_unwind(panic);
        }
        assert!(console.is_empty(), "the browser console reported problems: {console:#?}");
    }
}

/// chromedriver's log endpoint, which fantoccini has no method for.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// chromedriver's door to the DevTools protocol, which fantoccini has no method for.
#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.method, "params": self.params }).to_string()))
    }
}

/// From the next page on, the browser is a screen `width` × `height` CSS pixels with
/// `density` device pixels to each CSS pixel, as a phone is (Lighthouse's phone: 412
/// by 823 at 1.75), and starts with an empty cache, so what it fetches is chosen
/// for that screen alone.
pub async fn emulate_screen(client: &Client, width: u32, height: u32, density: f64) {
    let metrics =
        json!({ "width": width, "height": height, "deviceScaleFactor": density, "mobile": width < 768 });
    for (method, params) in
        [("Emulation.setDeviceMetricsOverride", metrics), ("Network.clearBrowserCache", json!({}))]
    {
        client
            .issue_cmd(DevTools { method, params })
            .await
            .unwrap_or_else(|error| panic!("{method}: {error}"));
    }
}

async fn console_problems(client: &Client, javascript: bool, expected: fn(&str) -> bool) -> Vec<String> {
    let entries = client.issue_cmd(BrowserLog).await.expect("chromedriver returns the browser log");
    entries
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| matches!(entry["level"].as_str(), Some("SEVERE" | "WARNING")))
        .filter(|entry| !entry["message"].as_str().is_some_and(is_expected_page_status))
        .filter(|entry| !entry["message"].as_str().is_some_and(expected))
        .filter(|entry| javascript || !entry["message"].as_str().is_some_and(is_unused_bundle_preload))
        .map(|entry| format!("{}: {}", entry["level"], entry["message"]))
        .collect()
}

/// Chromium logs every page that answers with an error status. A task form or the
/// staff sign-in form sent back with errors (422) and an unknown address (404)
/// answer so on purpose; a missing script, style or picture still fails the test.
fn is_expected_page_status(message: &str) -> bool {
    let url = message.split_whitespace().next().unwrap_or_default();
    let is_page = !url.contains("/pkg/") && !url.contains("/media/");
    is_page && (message.contains("status of 404") || message.contains("status of 422"))
}

/// With JavaScript off, the bundle every page preloads is never run, and chromium
/// says so when a page stays open a few seconds (as a chat does while the other
/// side answers). Only the bundle's preload is forgiven.
fn is_unused_bundle_preload(message: &str) -> bool {
    message.contains("/pkg/") && message.contains("was preloaded using link preload but not used")
}

/// The element `css` selects, once it is on the page.
pub async fn element(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css}: {error}"))
}

/// The island `css` selects, once it runs in the browser. The islands' bundle loads
/// only when a visitor reaches for one (app/src/pages/islands.js), so the pointer
/// moves over the island first, as a visitor's would.
pub async fn hydrated(client: &Client, css: &str) -> fantoccini::elements::Element {
    let island = element(client, css).await;
    let argument = serde_json::to_value(&island).unwrap();
    client.execute("arguments[0].scrollIntoView({block: 'center'});", vec![argument]).await.unwrap();
    let over = MouseActions::new("pointer".into()).then(PointerAction::MoveToElement {
        element: island,
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    client.perform_actions(over).await.unwrap_or_else(|error| panic!("moving over {css}: {error}"));
    element(client, &format!("{css}[data-hydrated=yes]")).await
}

pub async fn text_of(client: &Client, css: &str) -> String {
    element(client, css).await.text().await.unwrap()
}

pub async fn attribute(client: &Client, css: &str, name: &str) -> Option<String> {
    element(client, css).await.attr(name).await.unwrap()
}

pub async fn click(client: &Client, css: &str) {
    element(client, css).await.click().await.unwrap_or_else(|error| panic!("clicking {css}: {error}"));
}

fn screenshot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Saves the page as a phone (390 px) and a desktop (1280 px) would show it, as
/// `<name>-phone.png` and `<name>-desktop.png` under target/tmp/screenshots, then
/// restores the desktop window.
pub async fn screenshots(client: &Client, name: &str) {
    for (width, suffix) in [(390, "phone"), (1280, "desktop")] {
        client.set_window_size(width, 1600).await.unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(screenshot_path(&format!("{name}-{suffix}.png")), png).unwrap();
    }
    client.set_window_size(1280, 1000).await.unwrap();
}

/// The start of every journey: the home page, then a click through to the article.
async fn open_article_from_home(client: &Client, home: &str) {
    client.goto(home).await.unwrap();
    let link = client.find(Locator::Css(&format!("a[href='/articles/{FIXTURE_ARTICLE}']"))).await.unwrap();
    link.click().await.unwrap();
    assert_eq!(text_of(client, "h1").await, "Send an invoice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_an_article_read_loads_no_wasm_and_a_vote_is_still_sent_in_place() {
    let server = TestServer::start(Fixture::new()).await;
    let article = server.url(&format!("/articles/{FIXTURE_ARTICLE}"));
    Browser::run(true, |client| async move {
        client.goto(&article).await.unwrap();
        let loaded = || async {
            let found = client
                .execute(
                    "return [document.documentElement.dataset.islands, performance.getEntriesByType('resource')\
                     .map((entry) => entry.name.split('/').pop()).filter((name) => /\\.(js|wasm)$/.test(name))];",
                    vec![],
                )
                .await
                .unwrap();
            serde_json::from_value::<(String, Vec<String>)>(found).unwrap()
        };
        assert_eq!(loaded().await, ("waiting".to_owned(), vec![]), "a page being read fetches no script and no wasm");

        // Clicked at once: the click waits for the island's bundle and is then
        // answered by the island, in place.
        let before = client.current_url().await.unwrap();
        client.find(Locator::Css("[data-testid=feedback-yes]")).await.unwrap().click().await.unwrap();
        assert!(text_of(&client, "[data-testid=feedback-thanks]").await.contains("Glad it helped"));
        assert_eq!(
            client.current_url().await.unwrap(),
            before,
            "the answer was sent without leaving the page"
        );
        assert_eq!(attribute(&client, "[data-testid=feedback]", "data-hydrated").await.as_deref(), Some("yes"));
        assert_eq!(
            loaded().await,
            ("ready".to_owned(), vec!["app.js".to_owned(), "app_bg.wasm".to_owned()]),
            "the customers' glue and wasm, once"
        );
        screenshots(&client, "article").await;
    })
    .await;
    let event = server.wait_for_event("article_feedback", WAIT).await;
    assert_eq!(
        event.kind,
        EventKind::ArticleFeedback { slug: FIXTURE_ARTICLE.into(), helpful: true, looking_for: None }
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_same_journey_reaches_the_article_and_the_vote_still_works() {
    let server = TestServer::start(Fixture::new()).await;
    let home = server.url("/");
    Browser::run(false, |client| async move {
        open_article_from_home(&client, &home).await;
        let feedback = client.find(Locator::Css("[data-testid=feedback]")).await.unwrap();
        assert_eq!(
            feedback.attr("data-hydrated").await.unwrap().as_deref(),
            Some("no"),
            "JavaScript is really off"
        );

        client.find(Locator::Css("[data-testid=feedback-no]")).await.unwrap().click().await.unwrap();
        assert!(text_of(&client, "[data-testid=feedback-thanks]").await.contains("Thanks for telling us"));
        let url = client.current_url().await.unwrap();
        assert_eq!(url.path(), format!("/articles/{FIXTURE_ARTICLE}"));
        assert_eq!(url.fragment(), Some("feedback"));
    })
    .await;
    let event = server.wait_for_event("article_feedback", WAIT).await;
    assert_eq!(
        event.kind,
        EventKind::ArticleFeedback { slug: FIXTURE_ARTICLE.into(), helpful: false, looking_for: None }
    );
    server.stop().await.unwrap();
}

/// Markdown and HTML that try every way we know to run script in a page.
const HOSTILE_CORPUS: &[&str] = &[
    "<script>window.__xss = 1; alert(1)</script>",
    // The picture exists but is not an image, so an onerror that survived would fire.
    "<img src=\"/media/logo.txt\" onerror=\"window.__xss = 1\">",
    "[click](javascript:window.__xss=1)",
    "[click](JaVaScRiPt:window.__xss=1)",
    "<a href=\"jav&#x09;ascript:window.__xss=1\">tab</a>",
    "![x](javascript:window.__xss=1)",
    "<svg><script>window.__xss = 1</script></svg>",
    "<svg onload=\"window.__xss = 1\"></svg>",
    "<math><mtext><table><mglyph><style><img src=\"/media/logo.txt\" onerror=\"window.__xss = 1\">",
    "<iframe srcdoc=\"<script>parent.__xss = 1</script>\"></iframe>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">data</a>",
    "<details open ontoggle=\"window.__xss = 1\"><summary>x</summary></details>",
    "<object data=\"javascript:window.__xss=1\"></object>",
    "<noscript><p title=\"</noscript><img src=/media/logo.txt onerror=window.__xss=1>\"></noscript>",
    "<form><button formaction=\"javascript:window.__xss=1\">go</button></form>",
    "<input autofocus onfocus=\"window.__xss = 1\">",
    "<video><source onerror=\"window.__xss = 1\"></video>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\">",
    "<base href=\"javascript:/\">",
    "<style>body { background: url(javascript:window.__xss=1) }</style>",
    "<div style=\"background:url(javascript:window.__xss=1)\">styled</div>",
    "```\n</code></pre><script>window.__xss = 1</script>\n```",
    "<a href=\"#\" onclick=\"window.__xss = 1\" data-testid=\"hostile-link\">click me</a>",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_markdown_and_html_never_run_script_in_a_real_browser() {
    let fixture = Fixture::new();
    let body = format!("## Hostile\n\n{}\n", HOSTILE_CORPUS.join("\n\n"));
    fixture.write(
        "articles/invoices/hostile.md",
        &telepath_server::testing::article("Hostile", "all", "reference", &[], &body),
    );
    let server = TestServer::start(fixture).await;
    let page = server.url("/articles/hostile");
    Browser::run(true, |client| async move {
        client.goto(&page).await.unwrap();
        hydrated(&client, "[data-testid=feedback]").await;
        for link in client.find_all(Locator::Css(".article-body a")).await.unwrap() {
            link.click().await.unwrap();
        }
        assert!(client.get_alert_text().await.is_err(), "no dialog opened");
        let ran = client
            .execute("return [window.__xss, document.querySelectorAll('.article-body script, .article-body iframe, .article-body [onerror], .article-body [onclick], .article-body a[href^=\"javascript\"]').length]", vec![])
            .await
            .unwrap();
        assert_eq!(ran, json!([null, 0]), "nothing hostile ran or survived");
        assert!(client.current_url().await.unwrap().path().starts_with("/articles/hostile"));
    })
    .await;
    server.stop().await.unwrap();
}

/// Breaks out of a `<title>`, a `<textarea>`, a quoted attribute and a script, and
/// points a link and a refresh elsewhere. Written as a TOML literal string, so it
/// has no single quote.
const BREAKOUT: &str = "</title></textarea></script>\"><x-injected></x-injected>\
    <meta http-equiv=\"refresh\" content=\"0;url=https://evil.invalid/\">\
    <a href=\"javascript:window.__xss=1\">x</a><script>window.__xss=1</script>";

/// Replaces the front matter's `title = ...` line of a fixture file.
fn retitle(fixture: &Fixture, relative: &str, title: &str) {
    let path = fixture.content_dir().join(relative);
    let source = std::fs::read_to_string(&path).unwrap();
    let line = source.lines().find(|line| line.starts_with("title = ")).unwrap();
    std::fs::write(&path, source.replacen(line, &format!("title = '{title}'"), 1)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_titles_summaries_headings_and_queries_stay_text_in_a_real_browser() {
    let fixture = Fixture::bundled();
    fixture.write(
        "articles/invoices/hostile.md",
        &format!(
            "+++\ntitle = '{BREAKOUT}'\nsummary = '{BREAKOUT}'\nlevel = \"all\"\nkind = \"guide\"\nupdated = 2026-10-01\n+++\n\
             ## {BREAKOUT}\n\nInvoice text.\n\n## Second {BREAKOUT}\n\nMore.\n\n## Third\n\nEnd.\n"
        ),
    );
    retitle(&fixture, "articles/invoices/_index.md", BREAKOUT);
    retitle(&fixture, "tasks/request-a-refund.md", BREAKOUT);
    retitle(&fixture, "kits/newcomer.md", BREAKOUT);
    retitle(&fixture, "notices/test-everywhere.md", BREAKOUT);
    let server = TestServer::start(fixture).await;
    let query: String = url::form_urlencoded::byte_serialize(BREAKOUT.as_bytes()).collect();
    // Each page, and whether its title shows a hostile title or query.
    let pages = [
        ("/".to_owned(), false),
        ("/articles/hostile".into(), true),
        ("/categories/invoices".into(), true),
        ("/search?q=invoice".into(), false),
        (format!("/search?q={query}"), true),
        ("/tasks/request-a-refund".into(), true),
        ("/mistakes/request-a-refund".into(), true),
        ("/kits/newcomer".into(), true),
        ("/notices".into(), false),
        (format!("/articles/{query}"), false),
    ];
    let base = server.base_url.clone();
    Browser::run(true, |client| async move {
        for (path, hostile_title) in &pages {
            client.goto(&format!("{base}{path}")).await.unwrap();
            hydrated(&client, "[data-testid=search-box]").await;
            let found = client
                .execute(
                    "return [window.__xss === undefined, document.querySelectorAll('x-injected, meta[http-equiv], \
                     a[href^=\"javascript\"]').length, document.title]",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(found[0], json!(true), "{path}: no script ran");
            assert_eq!(found[1], json!(0), "{path}: nothing was injected into the page");
            let title = found[2].as_str().unwrap_or_default();
            assert!(title.ends_with("Ledgerly Help Centre"), "{path}: {title}");
            if *hostile_title {
                assert!(title.contains("</title></textarea></script>"), "{path}: shown as text: {title}");
            }
            assert!(client.current_url().await.unwrap().as_str().starts_with(&base), "{path}: still on the portal");
        }
        client.goto(&format!("{base}/articles/hostile")).await.unwrap();
        let title = client.title().await.unwrap();
        assert!(title.starts_with("</title></textarea>"), "the title is shown as the text it is: {title}");
    })
    .await;
    server.stop().await.unwrap();
}
