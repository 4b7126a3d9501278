//! `telepath`: serve the portal, check the content, rebuild the search index,
//! work with the journeys model or manage staff accounts.

mod db_command;
mod journeys_cli;
mod staff_command;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use telepath_app::wire::count;
use telepath_server::config::{Config, Overrides};
use telepath_server::content::{
    LoadProgress, Renditions, Severity, load_snapshot, load_snapshot_with_progress,
};
use telepath_server::search::SearchIndex;

#[derive(Parser)]
#[command(
    name = "telepath",
    version,
    about = "Telepath: a self-service help portal that anticipates what people need"
)]
struct Cli {
    /// Settings file; missing is fine (defaults, then TELEPATH_* variables, apply).
    #[arg(long, global = true, default_value = "telepath.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal.
    Serve {
        /// Address to listen on [default: 127.0.0.1:3000; env: TELEPATH_LISTEN]
        #[arg(long)]
        listen: Option<String>,
        /// Content folder [default: ./content; env: TELEPATH_CONTENT]
        #[arg(long)]
        content: Option<PathBuf>,
        /// Data folder: the CSRF key, the search index and the default SQLite
        /// database [default: ./data; env: TELEPATH_DATA]
        #[arg(long)]
        data: Option<PathBuf>,
        /// The database: sqlite://<path> or postgres://<user>@<host>/<database>
        /// [default: the SQLite file in the data folder; env: TELEPATH_DATABASE]
        #[arg(long)]
        database: Option<String>,
        /// Built browser bundle [default: ./target/site; env: TELEPATH_SITE]
        #[arg(long)]
        site: Option<PathBuf>,
        /// Show each page's content problems in an overlay, for editors previewing
        /// locally [env: TELEPATH_DEVELOPMENT=true]
        #[arg(long)]
        dev: bool,
        /// The address customers reach the portal at, e.g. https://help.example.com
        /// [default: the address each request names; env: TELEPATH_PUBLIC_URL]
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Check the content and print every problem found, like a compiler.
    Check {
        /// Content folder [default: ./content; env: TELEPATH_CONTENT]
        #[arg(long)]
        content: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Rebuild the search index from scratch and print how fast it went.
    Index {
        /// Content folder [default: ./content; env: TELEPATH_CONTENT]
        #[arg(long)]
        content: Option<PathBuf>,
        /// Data folder holding the index [default: ./data; env: TELEPATH_DATA]
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Manage staff accounts: support agents, content editors and admins.
    Staff {
        /// Data folder holding the database [default: ./data; env: TELEPATH_DATA]
        #[arg(long, global = true)]
        data: Option<PathBuf>,
        /// The database: sqlite://<path> or postgres://<user>@<host>/<database>
        /// [default: the SQLite file in the data folder; env: TELEPATH_DATABASE]
        #[arg(long, global = true)]
        database: Option<String>,
        #[command(subcommand)]
        action: staff_command::StaffAction,
    },
    /// Move the portal's database: `telepath db copy --from sqlite://… --to postgres://…`.
    Db {
        #[command(subcommand)]
        action: db_command::DbAction,
    },
    /// The next-question model learned from visitors' journeys.
    Journeys {
        #[command(subcommand)]
        action: JourneysAction,
        /// Content folder [default: ./content; env: TELEPATH_CONTENT]
        #[arg(long, global = true)]
        content: Option<PathBuf>,
        /// Data folder holding the database [default: ./data; env: TELEPATH_DATA]
        #[arg(long, global = true)]
        data: Option<PathBuf>,
        /// The database: sqlite://<path> or postgres://<user>@<host>/<database>
        /// [default: the SQLite file in the data folder; env: TELEPATH_DATABASE]
        #[arg(long, global = true)]
        database: Option<String>,
    },
}

#[derive(Subcommand)]
enum JourneysAction {
    /// Learn the model from the whole event log and print how long it took.
    Rebuild,
    /// Learn from the earlier 80% of journeys, score the rest: hit@3 and MRR@3 for
    /// the learned list, the editors' picks alone, and the blend the portal shows.
    Evaluate {
        /// Score generated journeys of known structure instead of the local log.
        #[arg(long)]
        synthetic: bool,
        /// Generated visits (with --synthetic).
        #[arg(long, default_value_t = 20_000)]
        visits: usize,
        /// Seed of the generator (with --synthetic): the same seed, the same journeys.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Remove events older than the retention limit (event_retention_days, 180 by
    /// default); a running portal does this once a day by itself.
    Forget,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { listen, content, data, database, site, dev, public_url } => {
            let overrides = Overrides {
                listen,
                content_dir: content,
                data_dir: data,
                database,
                site_dir: site,
                development: dev,
                public_url,
            };
            load_config(&cli.config, overrides).and_then(run_server)
        }
        Command::Check { content, format } => {
            let overrides = Overrides { content_dir: content, ..Overrides::default() };
            load_config(&cli.config, overrides).and_then(|config| check(&config, format))
        }
        Command::Index { content, data } => {
            let overrides = Overrides { content_dir: content, data_dir: data, ..Overrides::default() };
            load_config(&cli.config, overrides).and_then(|config| index(&config))
        }
        Command::Staff { data, database, action } => {
            let overrides = Overrides { data_dir: data, database, ..Overrides::default() };
            load_config(&cli.config, overrides).and_then(|config| staff_command::run(&config, action))
        }
        Command::Db { action } => db_command::run(action),
        Command::Journeys { action, content, data, database } => {
            let overrides =
                Overrides { content_dir: content, data_dir: data, database, ..Overrides::default() };
            load_config(&cli.config, overrides).and_then(|config| journeys(&config, action))
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn journeys(config: &Config, action: JourneysAction) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        match action {
            JourneysAction::Rebuild => journeys_cli::rebuild(config).await,
            JourneysAction::Evaluate { synthetic, visits, seed } => {
                journeys_cli::evaluate_command(config, synthetic.then_some((seed, visits))).await
            }
            JourneysAction::Forget => journeys_cli::forget(config).await,
        }
    })
}

fn load_config(file: &std::path::Path, overrides: Overrides) -> anyhow::Result<Config> {
    Ok(Config::load(file, std::env::vars(), overrides)?)
}

fn run_server(config: Config) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(config.listen).await {
            Ok(listener) => listener,
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                anyhow::bail!(
                    "{} is already in use; choose another port with --listen 127.0.0.1:PORT or TELEPATH_LISTEN",
                    config.listen
                )
            }
            Err(error) => return Err(error).with_context(|| format!("cannot listen on {}", config.listen)),
        };
        let state = telepath_server::prepare(&config).await?;
        let address = listener.local_addr()?;
        let first_run = state.staff.first_run_hint().await?;
        #[allow(clippy::print_stdout, reason = "the address is the command's output")]
        {
            println!("Telepath is running at http://{address}/");
            if let Some(hint) = first_run {
                println!("{hint}");
            }
        }
        telepath_server::serve(listener, state, shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        () = terminate => {}
    }
}

/// Trees at least this large get a progress bar.
const LARGE_TREE_ARTICLES: usize = 500;
/// Each picture takes a noticeable moment, so a few are enough for lines in logs.
const PICTURES_WORTH_A_LINE: usize = 10;

fn check(config: &Config, format: Format) -> anyhow::Result<ExitCode> {
    let bar = indicatif::ProgressBar::hidden();
    let mut on_progress = |progress: LoadProgress| {
        // Small trees check in a blink; a bar would only flicker.
        if progress.done == 1 && progress.total >= LARGE_TREE_ARTICLES && std::io::stderr().is_terminal() {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(progress.total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "checking {bar:40} {pos}/{len} articles, {per_sec}, {eta} left",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
        bar.set_position(progress.done as u64);
    };
    let snapshot = load_snapshot_with_progress(&config.content_dir, &mut on_progress)?;
    bar.finish_and_clear();
    #[allow(clippy::print_stdout, reason = "the diagnostics are the command's output")]
    match format {
        Format::Human => {
            for diagnostic in &snapshot.diagnostics {
                println!("{diagnostic}");
                if let Some(excerpt) = diagnostic.excerpt() {
                    println!("{excerpt}");
                }
            }
            println!(
                "checked {} in {}, {}, {}, {}, {}: {}, {}",
                count(snapshot.articles.len(), "article", "articles"),
                count(snapshot.categories.len(), "category", "categories"),
                count(snapshot.kits.len(), "welcome kit", "welcome kits"),
                count(snapshot.tasks.len(), "task", "tasks"),
                count(snapshot.notices.len(), "notice", "notices"),
                count(snapshot.replies.len(), "saved reply", "saved replies"),
                count(snapshot.errors(), "error", "errors"),
                count(snapshot.warnings(), "warning", "warnings"),
            );
        }
        Format::Json => {
            let report = serde_json::json!({
                "articles": snapshot.articles.len(),
                "categories": snapshot.categories.len(),
                "kits": snapshot.kits.len(),
                "tasks": snapshot.tasks.len(),
                "notices": snapshot.notices.len(),
                "replies": snapshot.replies.len(),
                "errors": snapshot.errors(),
                "warnings": snapshot.warnings(),
                "diagnostics": snapshot.diagnostics,
            });
            println!("{report:#}");
        }
    }
    let failed = snapshot.diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Error);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn index(config: &Config) -> anyhow::Result<ExitCode> {
    let snapshot = load_snapshot(&config.content_dir)?;
    if snapshot.errors() > 0 {
        eprintln!(
            "{}; those files are left out of the index (see `telepath check`)",
            count(snapshot.errors(), "content error", "content errors")
        );
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create the data folder {}", config.data_dir.display()))?;
    let index_dir = config.search_index_dir();
    let search = SearchIndex::open(&index_dir)?;
    let total = snapshot.articles.len();
    let progress = IndexProgress::new(total, LARGE_TREE_ARTICLES, ("indexed", "articles"));
    let started = Instant::now();
    let report = search.rebuild(&snapshot, &mut |done| progress.show(done))?;
    let elapsed = started.elapsed().as_secs_f64();
    progress.finish();
    #[allow(clippy::print_stdout, reason = "the summary is the command's output")]
    {
        println!(
            "indexed {} in {elapsed:.2} s ({:.0} articles/s)",
            count(report.added, "article", "articles"),
            report.added as f64 / elapsed.max(f64::EPSILON)
        );
    }
    make_renditions(config)
}

/// Makes the pictures' WebP renditions ahead of the first visitors; a picture that
/// cannot be made is named, and the page keeps showing its original.
fn make_renditions(config: &Config) -> anyhow::Result<ExitCode> {
    let renditions = Renditions::new(&config.content_dir, config.renditions_dir());
    let started = Instant::now();
    let mut progress: Option<IndexProgress> = None;
    let made = renditions.make_all(&mut |done, total| {
        progress
            .get_or_insert_with(|| {
                IndexProgress::new(total, PICTURES_WORTH_A_LINE, ("made renditions of", "pictures"))
            })
            .show(done);
    });
    if let Some(progress) = progress {
        progress.finish();
    }
    for error in &made.failed {
        eprintln!("error: {error}; pages show the original picture instead");
    }
    #[allow(clippy::print_stdout, reason = "the summary is the command's output")]
    {
        println!(
            "made {} of {} in {:.2} s, kept in {} (those already there are not made again)",
            count(made.made, "WebP rendition", "WebP renditions"),
            count(made.pictures, "picture", "pictures"),
            started.elapsed().as_secs_f64(),
            config.renditions_dir().display()
        );
    }
    Ok(if made.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A bar on a terminal; otherwise (logs, CI) a plain line every tenth of the way
/// on long runs (at least `lines_from` items), and nothing on short ones.
struct IndexProgress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    /// What is counted, e.g. "indexed … articles".
    done_words: (&'static str, &'static str),
    next_line: std::cell::Cell<usize>,
}

impl IndexProgress {
    fn new(total: usize, lines_from: usize, done_words: (&'static str, &'static str)) -> IndexProgress {
        let (verb, noun) = done_words;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{verb} {{bar:40}} {{pos}}/{{len}} {noun}, {{per_sec}}, {{eta}} left"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        let step = if total >= lines_from { (total / 10).max(1) } else { usize::MAX };
        IndexProgress { bar, total, done_words, next_line: std::cell::Cell::new(step) }
    }

    fn show(&self, done: usize) {
        match &self.bar {
            Some(bar) => bar.set_position(done as u64),
            None if done >= self.next_line.get() && done < self.total => {
                let (verb, noun) = self.done_words;
                eprintln!("{verb} {done}/{} {noun}", self.total);
                self.next_line.set(self.next_line.get() + (self.total / 10).max(1));
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
