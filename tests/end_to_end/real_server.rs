//! The real server over real TCP with a real HTTP client.

use crate::support::TestServer;
use reqwest::header;
use telepath_server::testing::Fixture;

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_links_to_articles_that_render_and_unknown_ones_are_404() {
    let server = TestServer::start(Fixture::new()).await;
    let client = client();

    let home = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    let href = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/articles/"))
        .expect("the home page links to an article")
        .to_owned();

    let article = client.get(server.url(&href)).send().await.unwrap();
    assert_eq!(article.status(), 200);
    assert!(article.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(article.text().await.unwrap().contains("data-testid=\"article\""));

    let missing = client.get(server.url("/articles/does-not-exist")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_bundle_is_served_compressed_under_a_content_hash_and_cached_for_a_year() {
    let server = TestServer::start(Fixture::new()).await;
    let hash =
        server.bundle_hash.clone().expect("the test command builds the bundle (scripts/build-site.sh) first");
    let client = client();

    let page = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/pkg/{hash}/app.js")), "{page}");

    for (encoding, file) in
        [("br", "app_bg.wasm"), ("gzip", "app_bg.wasm"), ("br", "app.js"), ("gzip", "telepath.css")]
    {
        let response = client
            .get(server.url(&format!("/pkg/{hash}/{file}")))
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{file}");
        assert_eq!(response.headers()[header::CONTENT_ENCODING], encoding, "{file}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{file}"
        );
    }
    let wasm = client.get(server.url(&format!("/pkg/{hash}/app_bg.wasm"))).send().await.unwrap();
    assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(&wasm.bytes().await.unwrap()[..4], b"\0asm");

    let stale = client.get(server.url("/pkg/0000000000000000/app.js")).send().await.unwrap();
    assert_eq!(stale.status(), 404, "an old bundle's URL is not served");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_pages_load_a_bundle_without_the_agent_consoles_islands_and_staff_pages_one_with_them() {
    let server = TestServer::start(Fixture::new()).await;
    let hash =
        server.bundle_hash.clone().expect("the test command builds the bundle (scripts/build-site.sh) first");
    let client = client();
    let islands_of = |path: &'static str| {
        let (client, server, hash) = (client.clone(), &server, hash.clone());
        async move {
            let page = client.get(server.url(path)).send().await.unwrap().text().await.unwrap();
            let glue = page
                .split(&format!("\"/pkg/{hash}/"))
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .find(|file| file.ends_with(".js"))
                .unwrap_or_else(|| panic!("{path} names no bundle: {page}"))
                .to_owned();
            let script = client.get(server.url(&format!("/pkg/{hash}/{glue}"))).send().await.unwrap();
            assert_eq!(script.status(), 200, "{path}: {glue}");
            let script = script.text().await.unwrap();
            let exported = |island: &str| script.contains(&format!("export function {island}_"));
            (glue, exported("ArticleFeedback"), exported("ConsoleLive"), exported("QueueWatch"))
        }
    };
    assert_eq!(
        islands_of("/articles/send-an-invoice").await,
        ("app.js".to_owned(), true, false, false),
        "a customer's page: its own islands, none of the console's"
    );
    assert_eq!(
        islands_of("/staff/sign-in").await,
        ("app_staff.js".to_owned(), true, true, true),
        "a staff page: the console's islands too"
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_bundle_files_that_exist_are_cached_for_a_year() {
    let server = TestServer::start(Fixture::new()).await;
    let hash =
        server.bundle_hash.clone().expect("the test command builds the bundle (scripts/build-site.sh) first");
    let client = client();
    for missing in [format!("/pkg/{hash}/no-such-file.js"), format!("/pkg/{hash}/app.js.map")] {
        let response = client.get(server.url(&missing)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{missing}");
        let cache =
            response.headers().get(header::CACHE_CONTROL).map(|value| value.to_str().unwrap().to_owned());
        assert!(!cache.unwrap_or_default().contains("immutable"), "{missing}");
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_supports_range_requests_for_video_players() {
    let server = TestServer::start(Fixture::new()).await;
    let response =
        client().get(server.url("/media/logo.txt")).header(header::RANGE, "bytes=2-6").send().await.unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(response.text().await.unwrap(), "media");
    server.stop().await.unwrap();
}

/// A PNG screenshot-like picture: smooth bands with sharp edges, so both encoders
/// have real work to do.
fn screenshot_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let band = ((y / 40) % 3) as u8;
        image::Rgb([(x % 256) as u8, 80 * band, if x % 100 < 3 { 0 } else { 230 }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut png, image::ImageFormat::Png).expect("a PNG can be encoded");
    png.into_inner()
}

/// The addresses and widths in the first WebP `srcset` of a page.
fn webp_sources(html: &str) -> Vec<(String, u32)> {
    let srcset = html
        .split(r#"<source type="image/webp" srcset=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the page offers a WebP picture: {html}"));
    srcset
        .split(", ")
        .map(|candidate| {
            let (url, width) = candidate.split_once(' ').expect("each candidate has a width");
            (url.to_owned(), width.trim_end_matches('w').parse().expect("a width in pixels"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_picture_is_offered_as_webp_at_each_width_and_falls_back_to_the_original() {
    let fixture = Fixture::new();
    let original = screenshot_png(800, 500);
    fixture.write_bytes("media/screens/dashboard.png", &original);
    fixture.write(
        "articles/account/find-the-dashboard.md",
        &telepath_server::testing::article(
            "Find the dashboard",
            "all",
            "guide",
            &[],
            "![The dashboard](../../media/screens/dashboard.png)\n",
        ),
    );
    let server = TestServer::start(fixture).await;
    let client = client();
    let page = client.get(server.url("/articles/find-the-dashboard")).send().await.unwrap();
    let sources = webp_sources(&page.text().await.unwrap());
    let widths: Vec<u32> = sources.iter().map(|(_, width)| *width).collect();
    assert_eq!(widths, [360, 540, 720, 800], "the standard widths below the original, then the original's");

    for (url, width) in &sources {
        let response = client.get(server.url(url)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        let headers = response.headers().clone();
        assert_eq!(headers[header::CONTENT_TYPE], "image/webp", "{url}");
        assert!(headers[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"), "{url}");
        let webp = response.bytes().await.unwrap();
        let picture = image::load_from_memory_with_format(&webp, image::ImageFormat::WebP)
            .unwrap_or_else(|error| panic!("{url} is a WebP picture: {error}"));
        assert_eq!(
            (picture.width(), picture.height()),
            (*width, (f64::from(*width) * 500.0 / 800.0).round() as u32),
            "{url}"
        );
        assert!(
            webp.len() < original.len(),
            "{url}: {} bytes against the PNG's {}",
            webp.len(),
            original.len()
        );
    }

    let (newest, _) = &sources[0];
    let stale = newest.replacen(&newest[12..28], "0000000000000000", 1);
    assert_ne!(&stale, newest, "the digest is the 16 characters after /renditions/");
    let response = client.get(server.url(&stale)).send().await.unwrap();
    assert_eq!(response.status(), 307, "an older picture's rendition sends the browser to the picture");
    assert_eq!(response.headers()[header::LOCATION], "/media/screens/dashboard.png");
    let unknown = client.get(server.url("/renditions/not-a-rendition")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kit_video_waits_behind_its_picture_its_poster_is_webp_and_its_fallback_is_never_fetched() {
    let fixture = Fixture::new();
    let poster = screenshot_png(640, 400);
    fixture.write_bytes("media/kits/poster.png", &poster);
    fixture.write_bytes("media/kits/dashboard.png", &screenshot_png(640, 400));
    fixture.write_bytes("media/kits/clip.mp4", b"not really a video, only served");
    let picture = "image = \"../media/kits/dashboard.png\"\nimage_alt = \"The dashboard\"\n";
    let things: String = (1..=5)
        .map(|number| {
            let video = if number == 2 {
                "video = \"../media/kits/clip.mp4\"\nvideo_poster = \"../media/kits/poster.png\"\n"
            } else {
                ""
            };
            format!("[[thing]]\ntitle = \"Thing {number}\"\nbody = \"Body {number}.\"\n{picture}{video}")
        })
        .collect();
    fixture.write(
        "kits/newcomer.md",
        &format!(
            "+++\nlevel = \"newcomer\"\ntitle = \"Welcome\"\nintro = \"Five things.\"\nnext_step_label = \"Send an invoice\"\nnext_step_href = \"/articles/send-an-invoice\"\n{things}+++\n"
        ),
    );
    let server = TestServer::start(fixture).await;
    let client = client();
    let html = client.get(server.url("/kits/newcomer")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains(r#"<details data-testid="kit-video" class="kit-video"><summary><picture>"#),
        "the player is made only when the visitor opens it: {html}"
    );
    let video = html.split("<video").nth(1).and_then(|rest| rest.split("</video>").next()).expect("a video");
    let poster_url = video
        .split("poster=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the video has a poster: {video}"));
    assert!(
        poster_url.starts_with("/renditions/") && poster_url.ends_with("-640/kits/poster.png.webp"),
        "{poster_url}"
    );
    let response = client.get(server.url(poster_url)).send().await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/webp");
    let webp = response.bytes().await.unwrap();
    let decoded = image::load_from_memory_with_format(&webp, image::ImageFormat::WebP).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (640, 400));
    assert!(webp.len() < poster.len(), "{} bytes against the PNG's {}", webp.len(), poster.len());
    assert!(
        video.contains(r#"<img src="/media/kits/dashboard.png" alt="The dashboard" loading="lazy">"#),
        "the picture for browsers without video is lazy, so the others never fetch it: {video}"
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_is_graceful_and_the_port_is_released() {
    let server = TestServer::start(Fixture::new()).await;
    let url = server.url("/healthz");
    let client = client();
    assert_eq!(client.get(&url).send().await.unwrap().text().await.unwrap(), "ok");
    server.stop().await.expect("the server stops cleanly");
    let after = reqwest::Client::new().get(&url).send().await;
    assert!(after.is_err(), "nothing answers after shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_queued_when_the_server_stops_are_all_written_before_serve_returns() {
    use std::sync::Arc;
    use telepath_server::store::{EventKind, EventLog, SqliteStore, SystemClock};
    let server = TestServer::start(Fixture::new()).await;
    let viewed = client().get(server.url("/articles/send-an-invoice")).send().await.unwrap();
    assert_eq!(viewed.status(), 200);
    const QUEUED: usize = 500;
    for number in 0..QUEUED {
        server.recorder.record("drain", EventKind::SearchWithoutResults { query: number.to_string() });
    }
    let (recorder, database) = (server.recorder.clone(), server.database.clone());
    let (stopped, _data) = server.stop_keeping_data().await;
    stopped.unwrap();
    assert_eq!(recorder.dropped(), 0, "the queue had room for all of them");

    let reopened = SqliteStore::open(&database, Arc::new(SystemClock)).await.unwrap();
    let written = reopened.recent(Some("search_without_results"), 1000).await.unwrap();
    assert_eq!(written.len(), QUEUED, "every queued event was written before serve returned");
    assert_eq!(written[0].kind, EventKind::SearchWithoutResults { query: (QUEUED - 1).to_string() });
    assert_eq!(reopened.recent(Some("page_viewed"), 10).await.unwrap().len(), 1, "and the page view");
}
