//! `telepath db copy`: moves an install from its SQLite file to PostgreSQL. Part
//! of the binary (declared in main.rs); the copy itself is the library's
//! `store::copy`, this file only checks the two addresses and prints.

use crate::IndexProgress;
use anyhow::bail;
use clap::Subcommand;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use telepath_server::store::copy::sqlite_to_postgres;
use telepath_server::store::{Database, SystemClock};

#[derive(Subcommand)]
pub enum DbAction {
    /// Copy every row of an SQLite database into an empty PostgreSQL one, keeping
    /// ids, and check that each table holds as many rows in both. Stop the portal
    /// first, or whatever it writes during the copy stays behind.
    Copy {
        /// The database to copy: sqlite://<path>
        #[arg(long)]
        from: String,
        /// The empty database to copy into: postgres://<user>@<host>/<database>
        #[arg(long)]
        to: String,
    },
}

/// Rows below which no progress lines are printed (a terminal always gets a bar).
const ROWS_WORTH_A_LINE: usize = 100_000;

pub fn run(action: DbAction) -> anyhow::Result<ExitCode> {
    let DbAction::Copy { from, to } = action;
    let Some(Database::Sqlite(from_path)) = Database::parse(&from) else {
        bail!("--from must be an SQLite database, as sqlite://<path> (it was {from:?})");
    };
    let to = match Database::parse(&to) {
        Some(Database::Postgres(url)) => url,
        _ => bail!(
            "--to must be a PostgreSQL database, as postgres://<user>@<host>/<database> (it was {})",
            telepath_server::store::redacted(&to)
        ),
    };
    if !from_path.is_file() {
        bail!("there is no SQLite database at {}: check --from", from_path.display());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let started = Instant::now();
    let mut progress: Option<IndexProgress> = None;
    let copied =
        runtime.block_on(sqlite_to_postgres(&from_path, &to, Arc::new(SystemClock), &mut |done, total| {
            let shown = progress.get_or_insert_with(|| {
                IndexProgress::new(
                    usize::try_from(total).unwrap_or(usize::MAX),
                    ROWS_WORTH_A_LINE,
                    ("copied", "rows"),
                )
            });
            shown.show(usize::try_from(done).unwrap_or(usize::MAX));
        }));
    if let Some(progress) = &progress {
        progress.finish();
    }
    let copied = copied?;
    let elapsed = started.elapsed().as_secs_f64();
    let rows: i64 = copied.iter().map(|table| table.rows).sum();
    #[allow(clippy::print_stdout, reason = "what was copied is the command's output")]
    {
        println!(
            "Copied {} rows from {from} to {to} in {elapsed:.1} s; each table holds as many in both:",
            rows
        );
        for table in &copied {
            println!("  {:<18} {:>12}", table.table, table.rows);
        }
        println!("Point every instance at it: database = \"{to}\" in telepath.toml, or TELEPATH_DATABASE.");
    }
    Ok(ExitCode::SUCCESS)
}
