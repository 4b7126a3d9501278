#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
//! Every page type under load on the release build and the multi-threaded runtime,
//! over fresh connections: requests, failures (dropped connections and 5xx), rate
//! and latency; then the article page uncompressed, brotli and gzip, for what
//! compressing pages as they are sent costs. Prints tables; it asserts nothing
//! (figures, not a timed test).
//!
//! `cargo bench -p telepath-server --bench pages` (about a minute after the build).

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use telepath_server::Config;
use telepath_server::store::NewSubmission;
use tokio::net::TcpListener;

/// Requests per page type.
const REQUESTS: usize = 2_000;
/// Requests in flight at once.
const CONCURRENCY: usize = 32;
/// Connections for the compression figures, as in the foundation's measurement.
const COMPRESSION_CONCURRENCY: usize = 50;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(measure());
}

/// One straight script (start the server, warm up, load each page type, print the
/// table): long, but read once from top to bottom like the figures it prints.
async fn measure() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let content = dir.path().join("content");
    copy_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"), &content);
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("a valid address"),
        content_dir: content,
        data_dir: dir.path().join("data"),
        site_dir: dir.path().join("no-site"),
        ..Config::default()
    };
    let state = telepath_server::prepare(&config).await.expect("the portal prepares");
    let submission = state
        .portal
        .submissions
        .save(NewSubmission {
            task: "request-a-refund".into(),
            visitor: "0".repeat(32),
            fields: serde_json::json!({ "invoice_number": "INV-2041" }),
            idempotency_key: None,
        })
        .await
        .expect("the store saves a submission");
    // The editors' page is measured as a signed-in editor sees it.
    let editor = editor_session(&state).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("port 0 can be bound");
    let base = format!("http://{}", listener.local_addr().expect("a bound address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(telepath_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    let pages = [
        ("home", "/".to_owned()),
        ("category", "/categories/invoices".into()),
        ("article", "/articles/send-your-first-invoice".into()),
        ("kit", "/kits/newcomer".into()),
        ("task", "/tasks/request-a-refund".into()),
        ("confirmation", format!("/tasks/request-a-refund/sent/{}", submission.reference)),
        ("mistakes", "/mistakes/request-a-refund".into()),
        ("notices", "/notices".into()),
        ("editors", "/editors".into()),
        ("not found", "/no/such/page".into()),
    ];
    println!(
        "Every page type, {REQUESTS} GETs each, {CONCURRENCY} at a time, each on a new connection \
         (release build, multi-threaded runtime, {} cores)\n",
        std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get)
    );
    println!("| page | requests | dropped | 5xx | requests/s | p50 | p99 |");
    println!("|---|---|---|---|---|---|---|");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let rss_before = support::rss_kib("VmRSS");
    for (name, path) in &pages {
        let cookie = if *name == "editors" { editor.clone() } else { String::new() };
        let (outcomes, elapsed) =
            load(&client, &format!("{base}{path}"), &[("cookie", &cookie)], CONCURRENCY).await;
        let dropped = outcomes.iter().filter(|outcome| outcome.status.is_none()).count();
        let server_errors = outcomes
            .iter()
            .filter(|outcome| outcome.status.is_some_and(|status| status.is_server_error()))
            .count();
        let at = percentiles(&outcomes);
        println!(
            "| {name} | {} | {dropped} | {server_errors} | {:.0} | {:.1} ms | {:.1} ms |",
            outcomes.len(),
            outcomes.len() as f64 / elapsed.as_secs_f64(),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
        );
    }

    // What compressing pages as they are sent costs: the article page over kept-alive
    // connections, as a browser asks for it, uncompressed, brotli (as configured) and gzip.
    println!(
        "\nThe article page compressed as it is sent: {REQUESTS} GETs each, {COMPRESSION_CONCURRENCY} \
         kept-alive connections\n"
    );
    println!("| Accept-Encoding | bytes a page | requests/s | p50 | p99 |");
    println!("|---|---|---|---|---|");
    let kept_alive = reqwest::Client::builder().build().expect("a client");
    let article = format!("{base}/articles/send-your-first-invoice");
    // Each twice, the second round in reverse order, so warming up favours none.
    for encoding in ["identity", "br", "gzip", "gzip", "br", "identity"] {
        let (outcomes, elapsed) =
            load(&kept_alive, &article, &[("accept-encoding", encoding)], COMPRESSION_CONCURRENCY).await;
        let bytes = outcomes.iter().map(|outcome| outcome.bytes).sum::<usize>() / outcomes.len().max(1);
        let at = percentiles(&outcomes);
        println!(
            "| {encoding} | {bytes} | {:.0} | {:.1} ms | {:.1} ms |",
            outcomes.len() as f64 / elapsed.as_secs_f64(),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
        );
    }
    println!(
        "\nprocess RSS (server and load generator): {} MiB before, {} MiB after, peak {} MiB",
        rss_before / 1024,
        support::rss_kib("VmRSS") / 1024,
        support::rss_kib("VmHWM") / 1024
    );
    println!("data folder: {} KiB", support::folder_bytes(&config.data_dir) / 1024);
    let _ = stop.send(());
    server.await.expect("the server task ends").expect("the server stops cleanly");
}

/// One request's answer: its status (none if the connection dropped), its body's
/// bytes as sent, and how long it took.
struct Outcome {
    status: Option<reqwest::StatusCode>,
    bytes: usize,
    latency: Duration,
}

/// `REQUESTS` GETs of `url` with `headers`, `concurrency` at a time.
async fn load(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&'static str, &str)],
    concurrency: usize,
) -> (Vec<Outcome>, Duration) {
    let mut request_headers = reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        request_headers.insert(*name, value.parse().expect("a valid header value"));
    }
    let url = Arc::new(url.to_owned());
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (client, url, headers) = (client.clone(), Arc::clone(&url), request_headers.clone());
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for _ in (worker..REQUESTS).step_by(concurrency) {
                    let sent = Instant::now();
                    let (status, bytes) = match client.get(url.as_str()).headers(headers.clone()).send().await
                    {
                        Ok(response) => {
                            let status = response.status();
                            match response.bytes().await {
                                Ok(body) => (Some(status), body.len()),
                                Err(_) => (None, 0),
                            }
                        }
                        Err(_) => (None, 0),
                    };
                    outcomes.push(Outcome { status, bytes, latency: sent.elapsed() });
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for worker in workers {
        outcomes.extend(worker.await.expect("a load worker finishes"));
    }
    (outcomes, started.elapsed())
}

/// The latency below which `share` of the requests finished.
fn percentiles(outcomes: &[Outcome]) -> impl Fn(f64) -> Duration {
    let mut latencies: Vec<Duration> = outcomes.iter().map(|outcome| outcome.latency).collect();
    latencies.sort();
    move |share: f64| latencies[((latencies.len() as f64 * share) as usize).min(latencies.len() - 1)]
}

/// A session cookie for an editor, signed in through the same door the form uses.
async fn editor_session(state: &telepath_server::AppState) -> String {
    let password = telepath_server::auth::Password::new("copper kettle morning");
    let role = telepath_server::store::staff::StaffRole::Editor;
    state.staff.add_account("editor@example.com", "Editor", role, password.clone()).await.expect("added");
    let localhost = std::net::IpAddr::from([127, 0, 0, 1]);
    let signed_in =
        state.staff.sign_in("editor@example.com", password, localhost, None).await.expect("signed in");
    format!("{}={}", state.staff.cookie.name(), signed_in.token.cookie_value())
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder can be created");
    for entry in std::fs::read_dir(from).expect("the bundled content can be read") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a content file can be copied");
        }
    }
}
