//! A PostgreSQL server of a test's own, made with the machine's `initdb` and run
//! with `pg_ctl`, so the test can stop and start it without touching the shared
//! server every other test uses. It listens only on a Unix socket in its own
//! folder: no port to pick, none to clash.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use telepath_server::store::Database;
use tokio::process::Command;

pub struct PrivatePostgres {
    folder: tempfile::TempDir,
    bin: PathBuf,
}

impl PrivatePostgres {
    /// A new, empty cluster, started.
    pub async fn start() -> PrivatePostgres {
        let bin = newest_postgres_bin();
        let folder = tempfile::tempdir().expect("a folder for the cluster");
        // PostgreSQL will not run as root; on a machine where the tests do, the
        // cluster belongs to the `postgres` user the Debian package made.
        if running_as_root() {
            std::fs::set_permissions(folder.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        let postgres = PrivatePostgres { folder, bin };
        let data = postgres.data();
        postgres
            .run("initdb", &["-D", &data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
            .await;
        postgres.start_again().await;
        postgres
    }

    /// The `database` setting that reaches it.
    pub fn database(&self) -> Database {
        let url = format!("postgres://postgres@localhost/postgres?host={}", self.folder.path().display());
        Database::parse(&url).expect("a postgres URL")
    }

    /// Stops the server as an administrator's restart does (`pg_ctl stop -m fast`):
    /// every connection is ended.
    pub async fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]).await;
    }

    /// Starts it again; returns once it accepts connections.
    pub async fn start_again(&self) {
        let socket_folder = self.folder.path().display().to_string();
        let options = format!("-c listen_addresses='' -k {socket_folder} -c fsync=off");
        let log = self.folder.path().join("server.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]).await;
    }

    fn data(&self) -> String {
        self.folder.path().join("data").display().to_string()
    }

    async fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        let output = command.args(args).output().await.unwrap_or_else(|error| {
            panic!("{} cannot be run: {error}", program.display());
        });
        assert!(
            output.status.success(),
            "{} {args:?} failed: {}{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        // Immediate: nothing of it needs keeping, and the folder goes next.
        let pg_ctl = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if running_as_root() {
            std::process::Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&pg_ctl)
                .args(args)
                .output()
        } else {
            std::process::Command::new(&pg_ctl).args(args).output()
        };
    }
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|me| std::os::unix::fs::MetadataExt::uid(&me) == 0)
}

/// The newest PostgreSQL's programs Debian installed (`/usr/lib/postgresql/<version>/bin`).
fn newest_postgres_bin() -> PathBuf {
    let versions = std::fs::read_dir("/usr/lib/postgresql").map_or_else(
        |_| Vec::new(),
        |entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
                .collect()
        },
    );
    let newest = versions.into_iter().max().expect(
        "PostgreSQL's server programs are installed (/usr/lib/postgresql/<version>/bin: Debian's postgresql package)",
    );
    Path::new("/usr/lib/postgresql").join(newest.to_string()).join("bin")
}
