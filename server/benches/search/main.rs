#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

//! Search figures on generated help centres of 10,000 and 100,000 articles: index
//! build time, single-thread latency of 1-3 word queries with 0, 1 and 2 typos, RSS,
//! the same corpus and queries through SQLite FTS5 as a baseline (with recall on the
//! typo queries), and end-to-end HTTP search under local load on the 10,000 corpus.
//!
//! Run: cargo bench -p telepath-server --bench search
//! Only the 10,000 corpus: cargo bench -p telepath-server --bench search -- --quick
//! (or TELEPATH_BENCH_QUICK=1).
//!
//! Articles are written as markdown files and go through the real content loader and
//! `SearchIndex::rebuild`, exactly what `telepath index` does.

use rand::SeedableRng;
use rand::rngs::StdRng;
use sqlx::{Connection, SqliteConnection};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use telepath_server::config::Config;
use telepath_server::content::load_snapshot;
use telepath_server::search::{SearchIndex, SearchRequest};

mod corpus;
#[path = "../support/mod.rs"]
mod support;

use corpus::{GeneratedArticle, QUERIES_PER_CLASS, Query, make_queries, write_tree};

use support::{folder_bytes, rss_kib};

const HTTP_SECONDS: u64 = 10;
const HTTP_CONCURRENCY: usize = 16;
/// Simulated clients, each from its own loopback address, so that none exceeds the
/// search rate limit of 10 a second that every real visitor gets.
const HTTP_CLIENTS: usize = 512;

struct EngineFigures {
    build: Duration,
    /// Per typo class: (p50, p99, recall@10).
    classes: Vec<(Duration, Duration, f64)>,
    disk_bytes: u64,
}

fn main() {
    let quick =
        std::env::args().any(|arg| arg == "--quick") || std::env::var_os("TELEPATH_BENCH_QUICK").is_some();
    let sizes: &[usize] = if quick { &[10_000] } else { &[10_000, 100_000] };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let mut table = String::new();
    let mut http_row = None;
    for &articles in sizes {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let content = dir.path().join("content");
        let data = dir.path().join("data");
        let mut rng = StdRng::seed_from_u64(articles as u64);
        let started = Instant::now();
        let generated = write_tree(&content, articles, &mut rng);
        let written = started.elapsed();
        let started = Instant::now();
        let snapshot = load_snapshot(&content).expect("the generated tree loads");
        assert_eq!(snapshot.articles.len(), articles, "{:?}", snapshot.diagnostics.first());
        eprintln!("{articles}: wrote the tree in {written:.1?}, loaded it in {:.1?}", started.elapsed());
        let queries = make_queries(&generated, &mut rng);

        let ours = {
            let index_dir = data.join("search-index");
            let index = SearchIndex::open(&index_dir).expect("the index opens");
            let started = Instant::now();
            index.rebuild(&snapshot, &mut |_| {}).expect("the index builds");
            let build = started.elapsed();
            eprintln!("{articles}: indexed in {build:.1?}");
            let search = |query: &Query| {
                let request =
                    SearchRequest { query: query.text.clone(), limit: 10, ..SearchRequest::default() };
                index.search(&request).expect("search works").hits.into_iter().map(|hit| hit.slug).collect()
            };
            let classes = measure(&queries, search);
            EngineFigures { build, classes, disk_bytes: folder_bytes(&index_dir) }
        };
        let rss = rss_kib("VmRSS");
        drop(snapshot);
        let fts5 = runtime.block_on(fts5_figures(&dir.path().join("fts5.sqlite3"), &generated, &queries));

        write_rows(&mut table, articles, &ours, &fts5, rss);

        if articles == 10_000 {
            let config = Config {
                listen: "127.0.0.1:0".parse().expect("a valid address"),
                content_dir: content.clone(),
                data_dir: data.clone(),
                site_dir: dir.path().join("no-site"),
                shutdown_timeout: Duration::from_secs(5),
                ..Config::default()
            };
            http_row = Some(runtime.block_on(http_load(&config, &queries)));
        }
    }
    println!("| corpus | measure | Telepath (tantivy) | SQLite FTS5 |");
    println!("|---|---|---|---|");
    print!("{table}");
    if let Some(row) = http_row {
        println!("| 10k | {row} | |");
    }
    println!("| | peak RSS of the whole run | {:.0} MiB | |", rss_kib("VmHWM") as f64 / 1024.0);
    println!();
    println!(
        "Latency: single thread, whole search path (query, filter counts, highlighted titles and \
         snippets of the top 10); FTS5 is queried through sqlx with the same words OR-ed, the last as a \
         prefix, bm25 with the same field weights, title highlight and snippet. {QUERIES_PER_CLASS} queries \
         per typo class of 1-3 words from the intended article's title; recall@10 = intended article \
         in the top 10."
    );
}

/// The table's rows for one corpus: build time, size, latency and recall per typo
/// class, and memory, ours beside FTS5's.
fn write_rows(
    table: &mut String,
    articles: usize,
    ours: &EngineFigures,
    fts5: &Result<EngineFigures, String>,
    rss: i64,
) {
    let k = articles / 1000;
    let _ = writeln!(
        table,
        "| {k}k | index build | {} | {} |",
        build_cell(ours.build, articles),
        fts5.as_ref().map_or_else(|error| error.clone(), |fts5| build_cell(fts5.build, articles))
    );
    let _ = writeln!(
        table,
        "| {k}k | index size on disk | {:.1} MB | {} |",
        ours.disk_bytes as f64 / 1e6,
        fts5.as_ref().map_or(String::new(), |fts5| format!("{:.1} MB", fts5.disk_bytes as f64 / 1e6))
    );
    for typos in 0..3 {
        let (p50, p99, recall) = ours.classes[typos];
        let (fts_latency, fts_recall, ratio) = match &fts5 {
            Ok(fts5) => {
                let (f50, f99, f_recall) = fts5.classes[typos];
                (
                    format!("{} / {}", ms(f50), ms(f99)),
                    format!("{:.0}%", f_recall * 100.0),
                    format!(" (FTS5/ours at p50: {:.1}×)", f50.as_secs_f64() / p50.as_secs_f64()),
                )
            }
            Err(_) => (String::new(), String::new(), String::new()),
        };
        let _ = writeln!(
            table,
            "| {k}k | p50 / p99, {typos} typos{ratio} | {} / {} | {fts_latency} |",
            ms(p50),
            ms(p99)
        );
        let _ =
            writeln!(table, "| {k}k | recall@10, {typos} typos | {:.0}% | {fts_recall} |", recall * 100.0);
    }
    let _ = writeln!(
        table,
        "| {k}k | process RSS (content snapshot + index + queries) | {:.0} MiB | |",
        rss as f64 / 1024.0
    );
}

fn build_cell(elapsed: Duration, articles: usize) -> String {
    format!("{:.2} s ({:.0} articles/s)", elapsed.as_secs_f64(), articles as f64 / elapsed.as_secs_f64())
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

/// Times `search` on every query (after a warm-up), per typo class.
fn measure(
    queries: &[Query],
    mut search: impl FnMut(&Query) -> Vec<String>,
) -> Vec<(Duration, Duration, f64)> {
    for query in queries.iter().take(50) {
        std::hint::black_box(search(query));
    }
    (0..3)
        .map(|typos| {
            let class: Vec<&Query> = queries.iter().filter(|query| query.typos == typos).collect();
            let mut latencies = Vec::with_capacity(class.len());
            let mut found = 0;
            for query in &class {
                let started = Instant::now();
                let slugs = search(query);
                latencies.push(started.elapsed());
                if slugs.contains(&query.intended) {
                    found += 1;
                }
            }
            let (p50, p99) = percentiles(&mut latencies);
            (p50, p99, f64::from(found) / class.len() as f64)
        })
        .collect()
}

fn percentiles(latencies: &mut [Duration]) -> (Duration, Duration) {
    latencies.sort_unstable();
    let at =
        |fraction: f64| latencies[((latencies.len() as f64 * fraction) as usize).min(latencies.len() - 1)];
    (at(0.50), at(0.99))
}

async fn fts5_figures(
    path: &Path,
    articles: &[GeneratedArticle],
    queries: &[Query],
) -> Result<EngineFigures, String> {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut connection = SqliteConnection::connect(&url).await.map_err(|error| error.to_string())?;
    let started = Instant::now();
    sqlx::query(
        "CREATE VIRTUAL TABLE articles USING fts5(slug UNINDEXED, title, summary, headings, body, tags, \
         tokenize = 'porter unicode61 remove_diacritics 2')",
    )
    .execute(&mut connection)
    .await
    .map_err(|error| format!("FTS5 is not available: {error}"))?;
    // The same field weights as ours: title 3, summary 1.5, headings 2, body 1, tags 2.
    sqlx::query("INSERT INTO articles(articles, rank) VALUES('rank', 'bm25(0.0, 3.0, 1.5, 2.0, 1.0, 2.0)')")
        .execute(&mut connection)
        .await
        .map_err(|error| error.to_string())?;
    let mut transaction = connection.begin().await.map_err(|error| error.to_string())?;
    for article in articles {
        sqlx::query("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)")
            .bind(&article.slug)
            .bind(&article.title)
            .bind(&article.summary)
            .bind(article.headings.join("\n"))
            .bind(article.paragraphs.join("\n"))
            .bind(article.tags.join(", "))
            .execute(&mut *transaction)
            .await
            .map_err(|error| error.to_string())?;
    }
    transaction.commit().await.map_err(|error| error.to_string())?;
    sqlx::query("INSERT INTO articles(articles) VALUES('optimize')")
        .execute(&mut connection)
        .await
        .map_err(|error| error.to_string())?;
    let build = started.elapsed();

    let fts_query = |text: &str| {
        let words: Vec<String> = text.split(' ').map(|word| format!("\"{word}\"")).collect();
        format!("{}*", words.join(" OR "))
    };
    let sql = "SELECT slug, highlight(articles, 1, '<mark>', '</mark>'), \
               snippet(articles, 4, '<mark>', '</mark>', '…', 28) \
               FROM articles WHERE articles MATCH ? ORDER BY rank LIMIT 10";
    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); 3];
    let mut found = [0usize; 3];
    for (warm_up, query) in
        queries.iter().take(50).map(|query| (true, query)).chain(queries.iter().map(|query| (false, query)))
    {
        let started = Instant::now();
        let rows: Vec<(String, String, String)> = sqlx::query_as(sql)
            .bind(fts_query(&query.text))
            .fetch_all(&mut connection)
            .await
            .map_err(|error| error.to_string())?;
        let elapsed = started.elapsed();
        if warm_up {
            continue;
        }
        latencies[query.typos].push(elapsed);
        if rows.iter().any(|(slug, _, _)| *slug == query.intended) {
            found[query.typos] += 1;
        }
    }
    let classes = latencies
        .iter_mut()
        .zip(found)
        .map(|(class, found)| {
            let total = class.len();
            let (p50, p99) = percentiles(class);
            (p50, p99, found as f64 / total as f64)
        })
        .collect();
    connection.close().await.map_err(|error| error.to_string())?;
    Ok(EngineFigures { build, classes, disk_bytes: std::fs::metadata(path).map_or(0, |meta| meta.len()) })
}

/// The real server (`prepare` + `serve` on port 0, rate limiter included) driven by
/// concurrent clients for `HTTP_SECONDS`; returns the table row.
async fn http_load(config: &Config, queries: &[Query]) -> String {
    let state = telepath_server::prepare(config).await.expect("the server prepares");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port 0 can be bound");
    let address = listener.local_addr().expect("a bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(telepath_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    let clients: Arc<Vec<reqwest::Client>> = Arc::new(
        (0..HTTP_CLIENTS)
            .map(|client| {
                let source =
                    IpAddr::V4(Ipv4Addr::new(127, 1, (client / 250) as u8, (client % 250 + 1) as u8));
                reqwest::Client::builder().local_address(source).build().expect("an HTTP client")
            })
            .collect(),
    );
    let urls: Arc<Vec<String>> = Arc::new(
        queries
            .iter()
            .map(|query| {
                let encoded = serde_urlencoded::to_string([("q", &query.text)]).expect("a query string");
                format!("http://{address}/search?{encoded}")
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(HTTP_SECONDS);
    let workers: Vec<_> = (0..HTTP_CONCURRENCY)
        .map(|_| {
            let (clients, urls, next) = (clients.clone(), urls.clone(), next.clone());
            tokio::spawn(async move {
                let (mut latencies, mut limited, mut failed) = (Vec::new(), 0usize, 0usize);
                while Instant::now() < deadline {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let started = Instant::now();
                    let outcome = clients[n % clients.len()].get(&urls[n % urls.len()]).send().await;
                    match outcome {
                        Ok(response) if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                            limited += 1
                        }
                        Ok(response) if response.status().is_success() => {
                            if response.bytes().await.is_ok() {
                                latencies.push(started.elapsed());
                            } else {
                                failed += 1;
                            }
                        }
                        _ => failed += 1,
                    }
                }
                (latencies, limited, failed)
            })
        })
        .collect();
    let started = Instant::now();
    let (mut latencies, mut limited, mut failed) = (Vec::new(), 0, 0);
    for worker in workers {
        let (worker_latencies, worker_limited, worker_failed) = worker.await.expect("a load worker finishes");
        latencies.extend(worker_latencies);
        limited += worker_limited;
        failed += worker_failed;
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    let _ = server.await;
    let (p50, p99) = percentiles(&mut latencies);
    format!(
        "HTTP GET /search, real server, {HTTP_CONCURRENCY} concurrent requests from {HTTP_CLIENTS} loopback \
         addresses (client and server share the machine's cores): {:.0} requests/s, p50 {}, p99 {}, \
         {limited} answered 429, {failed} failed",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(p50),
        ms(p99)
    )
}
