//! `telepath db copy` as an administrator runs it: an SQLite install moved into
//! PostgreSQL, then used from there.

use crate::support::telepath_binary;
use std::process::Output;
use std::sync::Arc;
use telepath_domain::EventKind;
use telepath_server::store::staff::StaffRole;
use telepath_server::store::{EventLog, NewEvent, SqliteStore, SystemClock, fresh_database};
use telepath_server::testing::staff_login_in;

async fn telepath(args: &[&str]) -> Output {
    tokio::process::Command::new(telepath_binary())
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("the telepath binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_install_moves_into_postgres_with_counts_checked_and_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("telepath.sqlite3");
    let sqlite = SqliteStore::open(&path, Arc::new(SystemClock)).await.unwrap();
    staff_login_in(&sqlite, StaffRole::Admin, Some("Ana Lima")).await;
    for query in ["refund", "invoice"] {
        let kind = EventKind::SearchWithoutResults { query: query.into() };
        sqlite.append(NewEvent { visitor: "v".into(), kind }).await.unwrap();
    }
    sqlite.close().await;
    let (database, _schema) = fresh_database().await;
    let (from, to) = (format!("sqlite://{}", path.display()), database.to_string());

    let copied = telepath(&["db", "copy", "--from", &from, "--to", &to]).await;
    let said = String::from_utf8_lossy(&copied.stdout);
    assert!(copied.status.success(), "{said}{}", String::from_utf8_lossy(&copied.stderr));
    assert!(said.starts_with(&format!("Copied 4 rows from {from} to {to} in ")), "{said}");
    for (table, rows) in [("staff_accounts", 1), ("staff_sessions", 1), ("events", 2), ("chat_messages", 0)] {
        assert!(
            said.lines().any(|line| line.split_whitespace().eq([table, &rows.to_string()])),
            "{table}: {said}"
        );
    }
    let listed = telepath(&["staff", "list", "--database", &to]).await;
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("Ana Lima"),
        "the account is read from PostgreSQL"
    );

    let again = telepath(&["db", "copy", "--from", &from, "--to", &to]).await;
    assert!(!again.status.success());
    assert_eq!(
        String::from_utf8_lossy(&again.stderr).trim(),
        format!("error: {to} is not empty (staff_accounts holds 1): copy into an empty database")
    );
    let backwards = telepath(&["db", "copy", "--from", &to, "--to", &from]).await;
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("--from must be an SQLite database"));
}
