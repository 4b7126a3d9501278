//! Customers with the chat open and nothing to say: how long opening their sockets
//! takes, what holding them costs the server in memory and CPU, whether the portal
//! still answers meanwhile, and whether the memory comes back when they leave.

use crate::client::{self, Socket, Visitor};
use crate::process::{self, ServerProcess};
use crate::{Table, kib, percentile_ms, seconds};
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use telepath_server::store::Database;

/// How long the idle server's CPU is watched.
const IDLE_WATCH: Duration = Duration::from_secs(10);

pub struct Settings {
    pub sockets: usize,
    pub setup_concurrency: usize,
    pub connect_concurrency: usize,
}

pub async fn run(server: &ServerProcess, database: &Database, settings: &Settings) {
    let load_before = process::load_average();
    let base = server.base_url();
    let started = Instant::now();
    let visitors =
        client::visitors_with_conversations(&base, settings.sockets, settings.setup_concurrency).await;
    let setup = started.elapsed();
    let conversations = client::conversations_of(database, &visitors).await;
    // Let the setup's kept-alive connections time out, so only sockets remain.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let before = server.memory();

    let started = Instant::now();
    let (sockets, mut open_times, mut failures) =
        open_all(&base, &visitors, &conversations, settings.connect_concurrency).await;
    let opening = started.elapsed();

    tokio::time::sleep(Duration::from_secs(3)).await;
    let held = server.memory();
    let cpu = server.cpu();
    tokio::time::sleep(IDLE_WATCH).await;
    let idle_cpu = server.cpu() - cpu;

    // The portal meanwhile: a new visitor's page and the health check.
    let http = client::http_client();
    let mut page_times = Vec::new();
    let mut health_times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let page = http.get(format!("{base}/")).send().await.map(|page| page.status().as_u16());
        page_times.push(started.elapsed().as_micros() as u64);
        let started = Instant::now();
        let health = http.get(format!("{base}/healthz")).send().await.map(|page| page.status().as_u16());
        health_times.push(started.elapsed().as_micros() as u64);
        if page.as_ref().ok() != Some(&200) || health.as_ref().ok() != Some(&200) {
            *failures
                .entry(format!("with the sockets open: GET / {page:?}, /healthz {health:?}"))
                .or_default() += 1;
        }
    }

    let open = sockets.len();
    let started = Instant::now();
    futures_util::stream::iter(sockets)
        .for_each_concurrent(settings.connect_concurrency, client::close)
        .await;
    let closing = started.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = server.memory();
    // Once more: memory that is only kept for reuse does not grow a second time.
    let (again, _, failed_again) =
        open_all(&base, &visitors, &conversations, settings.connect_concurrency).await;
    let reopened = again.len();
    let held_again = server.memory();
    futures_util::stream::iter(again).for_each_concurrent(settings.connect_concurrency, client::close).await;
    for (failure, count) in failed_again {
        *failures.entry(format!("second round: {failure}")).or_default() += count;
    }

    let per_socket = held.rss_kib.saturating_sub(before.rss_kib) as f64 * 1024.0 / open.max(1) as f64;
    let limit = std::env::var("TELEPATH_MAX_CONNECTIONS").unwrap_or_else(|_| "10000 (default)".to_owned());
    let mut table = Table::new(format!("2. {} idle customer sockets", settings.sockets));
    table.row("visitors + conversations (GET /, POST /chat)", seconds(setup));
    table.row("sockets open / asked for", format!("{open} / {}", settings.sockets));
    table.row("server max_connections", limit);
    table.row(
        "opening them all",
        format!(
            "{} ({:.0}/s, {} at a time)",
            seconds(opening),
            open as f64 / opening.as_secs_f64(),
            settings.connect_concurrency
        ),
    );
    table.row("one open (handshake to first message) p50", percentile_ms(&mut open_times, 0.50));
    table.row("                                      p99", percentile_ms(&mut open_times, 0.99));
    table.row("server RSS before the sockets", kib(before.rss_kib));
    table.row("server RSS with them open (goal ≤ 300 MB)", kib(held.rss_kib));
    table.row("  per socket", format!("{:.1} KiB", per_socket / 1024.0));
    table.row("server VmHWM", kib(held.peak_kib));
    table.row(
        "server CPU while they idle",
        format!("{:.1} % of a core", idle_cpu.as_secs_f64() / IDLE_WATCH.as_secs_f64() * 100.0),
    );
    table.row(
        "GET / meanwhile  p50 / max",
        format!("{} / {}", percentile_ms(&mut page_times, 0.5), percentile_ms(&mut page_times, 1.0)),
    );
    table.row(
        "GET /healthz     p50 / max",
        format!("{} / {}", percentile_ms(&mut health_times, 0.5), percentile_ms(&mut health_times, 1.0)),
    );
    table.row("closing them all", seconds(closing));
    table.row("server RSS 3 s after they closed", kib(after.rss_kib));
    table.row(
        "opened and held once more: sockets, RSS",
        format!("{reopened}, {} (VmHWM {})", kib(held_again.rss_kib), kib(held_again.peak_kib)),
    );
    table.row("load average before → after", format!("{load_before} → {}", process::load_average()));
    table.print();
    for (failure, count) in &failures {
        println!("  {count} × {failure}");
    }
}

/// Opens a customer socket for each visitor's conversation, `concurrency` at a time:
/// the handshake, then the status and the conversation's first message. Returns the
/// open sockets, each open's time in µs and the failures by their words.
async fn open_all(
    base: &str,
    visitors: &[Visitor],
    conversations: &[i64],
    concurrency: usize,
) -> (Vec<Socket>, Vec<u64>, BTreeMap<String, usize>) {
    let opened: Vec<(Result<Socket, String>, Duration)> =
        futures_util::stream::iter(visitors.iter().zip(conversations))
            .map(|(visitor, conversation)| async move {
                let started = Instant::now();
                let socket = match client::customer_socket(base, visitor, *conversation, 0).await {
                    Ok(mut socket) => client::read_until_message(&mut socket, 1).await.map(|()| socket),
                    Err(error) => Err(error),
                };
                (socket, started.elapsed())
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    let times = opened.iter().map(|(_, took)| u64::try_from(took.as_micros()).unwrap_or(u64::MAX)).collect();
    let mut failures = BTreeMap::<String, usize>::new();
    let mut sockets = Vec::with_capacity(opened.len());
    for (socket, _) in opened {
        match socket {
            Ok(socket) => sockets.push(socket),
            Err(error) => *failures.entry(error).or_default() += 1,
        }
    }
    (sockets, times, failures)
}
