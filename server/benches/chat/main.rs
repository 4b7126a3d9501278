#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
//! Live chat's figures against the real server, run as a process of its own (the
//! `telepath` binary of this build) so that its CPU and memory are read apart from
//! the clients': a copy of the bundled help centre with `[chat] agent_capacity =
//! 1000` and no `hours` (chat always open), visitors who start conversations with
//! the chat page's form, agents made straight in the database, and WebSockets
//! speaking docs/chat-protocol.md. Prints tables; asserts nothing about time.
//!
//! 1. Conversations in flow: a customer's and an agent's socket each, a message a
//!    second from every socket; send → receipt latency at the other side over a
//!    window after a warm-up, the server's CPU (utime + stime from /proc) and RSS,
//!    and a check that every socket saw every message once and in order.
//! 2. Idle customer sockets: the server's memory with them open, how long opening
//!    them took, and what the portal answers meanwhile.
//! 3. What the article page weighs, and what chat adds to it before it is opened.
//!
//! Short run (50 conversations, 10 s; 500 idle sockets):
//!
//!     cargo bench -p telepath-server --bench chat
//!
//! The issue's sizes (the open-file limit must cover the sockets in both processes;
//! the server inherits the bench's):
//!
//!     ulimit -n $(ulimit -Hn)
//!     CHAT_BENCH_CONVERSATIONS=1000 CHAT_BENCH_SECONDS=60 CHAT_BENCH_WARMUP=10 \
//!       CHAT_BENCH_IDLE=10000 cargo bench -p telepath-server --bench chat
//!
//! Several instances sharing PostgreSQL (each conversation's customer on one, its
//! agent on the next; the schema must be new or empty):
//!
//!     CHAT_BENCH_INSTANCES=3 CHAT_BENCH_DATABASE=postgres://postgres@127.0.0.1/test?options=-c%20search_path%3Dbench \
//!       CHAT_BENCH_ONLY=active cargo bench -p telepath-server --bench chat
//!
//! Other settings: `CHAT_BENCH_ONLY=page,active,idle` (any of them),
//! `CHAT_BENCH_CONNECT_CONCURRENCY` (sockets opening at once, 64),
//! `CHAT_BENCH_SERVER_LOG` (the server's `RUST_LOG`, `warn`); `TELEPATH_*` variables
//! reach the server (e.g. `TELEPATH_MAX_CONNECTIONS`).

mod active;
mod client;
mod idle;
mod process;

use process::ServerProcess;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use telepath_server::store::Database;

/// `[chat] agent_capacity` in the bench's help centre: one agent takes a thousand.
const AGENT_CAPACITY: u32 = 1_000;
/// Visitors being set up at once (a page and a form each).
const SETUP_CONCURRENCY: usize = 8;
/// File descriptors each process needs besides its sockets.
const SPARE_FILES: u64 = 256;
const ARTICLE: &str = "/articles/send-your-first-invoice";

struct Options {
    conversations: usize,
    warmup: Duration,
    window: Duration,
    idle: usize,
    connect_concurrency: usize,
    parts: Vec<String>,
    /// Servers for the conversations in flow; more than one share `database`.
    instances: usize,
    database: Option<Database>,
}

impl Options {
    fn from_env() -> Options {
        let number = |name: &str, default: u64| match std::env::var(name) {
            Ok(value) => value.trim().replace('_', "").parse().unwrap_or_else(|_| {
                eprintln!("{name} = {value:?} is not a whole number");
                std::process::exit(2)
            }),
            Err(_) => default,
        };
        let parts = std::env::var("CHAT_BENCH_ONLY").unwrap_or_else(|_| "page,active,idle".to_owned());
        Options {
            conversations: number("CHAT_BENCH_CONVERSATIONS", 50) as usize,
            warmup: Duration::from_secs(number("CHAT_BENCH_WARMUP", 3)),
            window: Duration::from_secs(number("CHAT_BENCH_SECONDS", 10).max(1)),
            idle: number("CHAT_BENCH_IDLE", 500) as usize,
            connect_concurrency: number("CHAT_BENCH_CONNECT_CONCURRENCY", 64).max(1) as usize,
            parts: parts.split(',').map(|part| part.trim().to_owned()).collect(),
            instances: number("CHAT_BENCH_INSTANCES", 1).max(1) as usize,
            database: std::env::var("CHAT_BENCH_DATABASE").ok().map(|value| {
                Database::parse(&value).unwrap_or_else(|| {
                    eprintln!("CHAT_BENCH_DATABASE is not a sqlite:// or postgres:// URL");
                    std::process::exit(2)
                })
            }),
        }
    }

    fn runs(&self, part: &str) -> bool {
        self.parts.iter().any(|chosen| chosen == part)
    }
}

fn main() {
    let options = Options::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(measure(options));
}

async fn measure(options: Options) {
    println!(
        "Live chat on {} cores; load average {}; server: {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get),
        process::load_average(),
        env!("CARGO_BIN_EXE_telepath")
    );
    let sockets = [
        if options.runs("active") { 2 * options.conversations } else { 0 },
        if options.runs("idle") { options.idle } else { 0 },
    ];
    let needed = sockets.into_iter().max().unwrap_or(0) as u64 + SPARE_FILES;
    match process::open_file_limit() {
        Some(limit) if limit < needed => {
            eprintln!(
                "The open-file limit is {limit}; {needed} are needed (a file per socket, in the bench \
                 and in the server it starts). Raise it in the shell that runs the bench: \
                 ulimit -n $(ulimit -Hn)"
            );
            std::process::exit(2);
        }
        _ => {}
    }

    let dir = tempfile::tempdir().expect("a temporary folder");
    let content = dir.path().join("content");
    copy_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"), &content);
    always_open_chat(&content.join("site.toml"));
    let site = std::env::var_os("CHAT_BENCH_SITE")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site"), PathBuf::from);

    if options.runs("page") || options.runs("active") {
        if options.instances > 1 && !matches!(options.database, Some(Database::Postgres(_))) {
            eprintln!("Several instances share a PostgreSQL database: set CHAT_BENCH_DATABASE=postgres://…");
            std::process::exit(2);
        }
        let mut servers = Vec::with_capacity(options.instances);
        for instance in 0..options.instances {
            let folder = dir.path().join(format!("active-{instance}"));
            std::fs::create_dir_all(&folder).expect("a folder for the server");
            servers.push(ServerProcess::start(&folder, &content, &site, options.database.as_ref()).await);
        }
        let database = options
            .database
            .clone()
            .unwrap_or_else(|| Database::Sqlite(dir.path().join("active-0/data/telepath.sqlite3")));
        if options.runs("page") {
            page_weight(&servers[0].base_url(), &site).await;
        }
        if options.runs("active") {
            let settings = active::Settings {
                conversations: options.conversations,
                warmup: options.warmup,
                window: options.window,
                agent_capacity: AGENT_CAPACITY,
                setup_concurrency: SETUP_CONCURRENCY,
                connect_concurrency: options.connect_concurrency,
            };
            active::run(&servers, &database, &settings).await;
        }
        for server in servers {
            report_complaints(&server);
            server.stop().await;
        }
    }
    if options.runs("idle") {
        let folder = dir.path().join("idle");
        std::fs::create_dir_all(&folder).expect("a folder for the server");
        let server = ServerProcess::start(&folder, &content, &site, None).await;
        let settings = idle::Settings {
            sockets: options.idle,
            setup_concurrency: SETUP_CONCURRENCY,
            connect_concurrency: options.connect_concurrency,
        };
        idle::run(&server, &Database::Sqlite(folder.join("data/telepath.sqlite3")), &settings).await;
        report_complaints(&server);
        server.stop().await;
    }
}

fn report_complaints(server: &ServerProcess) {
    let complaints = server.complaints();
    if !complaints.is_empty() {
        println!("The server logged {} warnings or errors, first ones:", complaints.len());
        for line in complaints.iter().take(5) {
            println!("  {line}");
        }
        println!();
    }
}

/// Chat is offered whenever an agent is online (no `hours`), and one agent takes
/// `AGENT_CAPACITY` conversations.
fn always_open_chat(site_toml: &Path) {
    let settings = std::fs::read_to_string(site_toml).expect("the help centre has a site.toml");
    let mut lines: Vec<String> = settings
        .lines()
        .filter(|line| !line.trim_start().starts_with("hours"))
        .filter(|line| !line.trim_start().starts_with("agent_capacity"))
        .map(str::to_owned)
        .collect();
    let capacity = format!("agent_capacity = {AGENT_CAPACITY}");
    match lines.iter().position(|line| line.trim() == "[chat]") {
        Some(table) => lines.insert(table + 1, capacity),
        None => lines.extend(["[chat]".to_owned(), capacity]),
    }
    std::fs::write(site_toml, lines.join("\n") + "\n").expect("site.toml can be written");
}

/// The article page as a browser fetches it, and the bytes chat adds to it before
/// anyone opens chat: the "Talk to us" link, and any script or style of its own.
async fn page_weight(base: &str, site: &Path) {
    let http = client::http_client();
    let fetch = |path: String, encoding: &'static str| {
        let request = http.get(format!("{base}{path}")).header("accept-encoding", encoding);
        async move {
            let response = request.send().await.expect("the portal answers");
            assert_eq!(response.status(), 200, "GET {path}");
            response.bytes().await.expect("a body").to_vec()
        }
    };
    let html = String::from_utf8(fetch(ARTICLE.to_owned(), "identity").await).expect("HTML is UTF-8");
    let mut table = Table::new(format!("3. The article page {ARTICLE}, bytes over the wire"));
    table.row("HTML (uncompressed)", html.len().to_string());
    let mut totals = Vec::new();
    for encoding in ["br", "gzip"] {
        let mut total = fetch(ARTICLE.to_owned(), encoding).await.len();
        table.row(&format!("HTML ({encoding})"), total.to_string());
        let mut assets: Vec<&str> = html
            .split("\"/pkg/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|asset| [".css", ".js", ".wasm"].iter().any(|kind| asset.ends_with(kind)))
            .collect();
        assets.sort_unstable();
        assets.dedup();
        for asset in assets {
            let bytes = fetch(format!("/pkg/{asset}"), encoding).await.len();
            table.row(&format!("  /pkg/{asset} ({encoding})"), bytes.to_string());
            total += bytes;
        }
        totals.push(format!("{total} {encoding}"));
    }
    table.row("page + everything it loads", totals.join(", "));
    let link = html.find("data-testid=\"talk-to-us\"").map(|at| {
        let start = html[..at].rfind("<a").unwrap_or(at);
        let end = html[at..].find("</a>").map_or(html.len(), |end| at + end + "</a>".len());
        &html[start..end]
    });
    match link {
        Some(link) => table.row(
            "chat before it is opened: the \"Talk to us\" link",
            format!(
                "{} bytes uncompressed ({:.2} % of the HTML)",
                link.len(),
                link.len() as f64 * 100.0 / html.len() as f64
            ),
        ),
        None => table.row("chat before it is opened: the \"Talk to us\" link", "not on the page".to_owned()),
    }
    // On help content the offer waits hidden, with the few lines that count the time in view.
    let waiting_offer = html.find("data-testid=\"chat-offer-when-lingering\"").map(|at| {
        let start = html[..at].rfind("<aside").unwrap_or(at);
        let end = html[at..].find("</script>").map_or(html.len(), |end| at + end + "</script>".len());
        &html[start..end]
    });
    table.row(
        "chat before it is opened: the offer waiting for the reading time, with its inline script",
        match waiting_offer {
            Some(offer) => format!(
                "{} bytes uncompressed ({:.2} % of the HTML)",
                offer.len(),
                offer.len() as f64 * 100.0 / html.len() as f64
            ),
            None => "not on the page".to_owned(),
        },
    );
    // Islands are the only wasm a page runs; each is a <leptos-island> naming its component.
    let mut islands: Vec<&str> = html
        .split("<leptos-island")
        .skip(1)
        .filter_map(|tag| tag.split("data-component=\"").nth(1)?.split('"').next())
        .collect();
    islands.sort_unstable();
    islands.dedup();
    let chat_islands = islands.iter().filter(|island| island.to_lowercase().contains("chat")).count();
    table.row("islands on the page", if islands.is_empty() { "none".to_owned() } else { islands.join(", ") });
    table.row(
        "chat's own islands, script files or styles",
        if chat_islands == 0 {
            "none: no request is made for chat until /chat is opened".to_owned()
        } else {
            chat_islands.to_string()
        },
    );
    if !site.join("pkg").is_dir() {
        table.row("browser bundle", format!("missing at {} (scripts/build-site.sh)", site.display()));
    }
    table.print();
}

/// Monotonic microseconds since the bench's clock started: the time a message
/// carries from its sender to the other side, both in this process.
#[derive(Clone, Copy, Debug)]
pub struct Clock(Instant);

impl Clock {
    fn new() -> Clock {
        Clock(Instant::now())
    }

    pub fn micros(self) -> u64 {
        u64::try_from(self.0.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    pub fn instant(self, micros: u64) -> tokio::time::Instant {
        tokio::time::Instant::from_std(self.0 + Duration::from_micros(micros))
    }
}

/// A titled two-column table of figures.
pub struct Table {
    title: String,
    rows: Vec<(String, String)>,
}

impl Table {
    pub fn new(title: String) -> Table {
        Table { title, rows: Vec::new() }
    }

    pub fn row(&mut self, label: &str, value: String) {
        self.rows.push((label.to_owned(), value));
    }

    pub fn print(&self) {
        println!("\n{}\n{}", self.title, "-".repeat(self.title.chars().count()));
        let width = self.rows.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0);
        for (label, value) in &self.rows {
            println!("{label:<width$}  {value}");
        }
        println!();
    }
}

/// The `share` percentile (0.5, 0.99, 1.0 for the largest) of microsecond samples, in ms.
pub fn percentile_ms(samples: &mut [u64], share: f64) -> String {
    if samples.is_empty() {
        return "-".to_owned();
    }
    samples.sort_unstable();
    let rank = ((samples.len() as f64 * share).ceil() as usize).clamp(1, samples.len());
    format!("{:.1} ms", samples[rank - 1] as f64 / 1e3)
}

pub fn kib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

pub fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
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
