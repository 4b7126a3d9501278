//! The server under test as a process of its own (the `telepath` binary cargo built
//! for this bench), so that what the server costs is read apart from what the
//! clients cost; and what /proc says about it and about the machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use telepath_server::store::Database;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long the server may take to load the content and index it before listening.
const START_PATIENCE: Duration = Duration::from_secs(180);

pub struct ServerProcess {
    child: Child,
    pub pid: u32,
    pub address: SocketAddr,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts `telepath serve` on a free loopback port with `content`, a fresh data
    /// folder under `dir` and the browser bundle at `site`, and waits until it listens.
    /// It runs in `dir`, so no `telepath.toml` of the caller's applies; `TELEPATH_*`
    /// variables of the bench's environment do (e.g. `TELEPATH_MAX_CONNECTIONS`).
    /// `database` names the one it shares with other instances; `None` keeps its
    /// own SQLite file.
    pub async fn start(
        dir: &Path,
        content: &Path,
        site: &Path,
        database: Option<&Database>,
    ) -> ServerProcess {
        let log = dir.join("server.log");
        let stderr = std::fs::File::create(&log).expect("the server's log file can be created");
        let filter = std::env::var("CHAT_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".to_owned());
        let mut command = Command::new(env!("CARGO_BIN_EXE_telepath"));
        command.arg("serve");
        if let Some(database) = database {
            command.arg("--database").arg(database.to_string());
        }
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .arg("--data")
            .arg(dir.join("data"))
            .arg("--content")
            .arg(content)
            .arg("--site")
            .arg(site)
            .current_dir(dir)
            .env("RUST_LOG", filter)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .expect("the telepath binary starts");
        let pid = child.id().expect("the server is running");
        let stdout = child.stdout.take().expect("the server's output is piped");
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = tokio::time::timeout(START_PATIENCE, lines.next_line()).await;
            match line {
                Ok(Ok(Some(line))) => {
                    if let Some(address) = line.strip_prefix("Telepath is running at http://") {
                        break address.trim_end_matches('/').parse().expect("the server prints its address");
                    }
                }
                _ => panic!("the server did not start; its log:\n{}", read_log(&log)),
            }
        };
        // Read on, so the pipe never fills and blocks the server.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        ServerProcess { child, pid, address, log }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// CPU time the server has used so far, user and system.
    pub fn cpu(&self) -> Duration {
        cpu_of(&format!("/proc/{}/stat", self.pid))
    }

    pub fn memory(&self) -> Memory {
        Memory::of(&format!("/proc/{}/status", self.pid))
    }

    /// The warnings and errors the server logged, for the report.
    pub fn complaints(&self) -> Vec<String> {
        read_log(&self.log)
            .lines()
            .filter(|line| line.contains("WARN") || line.contains("ERROR"))
            .map(str::to_owned)
            .collect()
    }

    /// Stops the server the way an operator does (SIGTERM: sockets are told 1001
    /// and requests finish), and kills it if it has not stopped within 30 s.
    pub async fn stop(mut self) {
        let terminated = std::process::Command::new("kill").args(["-TERM", &self.pid.to_string()]).status();
        let stopped = tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await;
        if terminated.is_err() || stopped.is_err() {
            println!("(the server did not stop within 30 s of SIGTERM; killed)");
            let _already_gone = self.child.kill().await;
        }
    }
}

fn read_log(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

/// Resident memory from /proc/<pid>/status, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// VmRSS: resident now.
    pub rss_kib: u64,
    /// VmHWM: the most that was ever resident.
    pub peak_kib: u64,
}

impl Memory {
    fn of(status_file: &str) -> Memory {
        let status = std::fs::read_to_string(status_file).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        Memory { rss_kib: field("VmRSS:"), peak_kib: field("VmHWM:") }
    }

    pub fn this_process() -> Memory {
        Memory::of("/proc/self/status")
    }
}

/// CPU time this bench process (the clients) has used so far.
pub fn own_cpu() -> Duration {
    cpu_of("/proc/self/stat")
}

/// utime + stime of a /proc/<pid>/stat file.
fn cpu_of(stat_file: &str) -> Duration {
    let stat = std::fs::read_to_string(stat_file).unwrap_or_default();
    // The command name (field 2) may hold spaces; the fields after its ')' do not.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|field| field.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the file: 11 and 12 after the name.
    ticks_to_time(ticks(11) + ticks(12))
}

/// The whole machine's CPU time so far: (busy, all), from the first line of /proc/stat.
pub fn machine_cpu() -> (Duration, Duration) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|field| field.parse().ok())
        .collect();
    let all: u64 = ticks.iter().sum();
    // idle and iowait are the 4th and 5th numbers.
    let waiting = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    (ticks_to_time(all - waiting), ticks_to_time(all))
}

fn ticks_to_time(ticks: u64) -> Duration {
    static TICKS_PER_SECOND: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let per_second = *TICKS_PER_SECOND.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|output| String::from_utf8(output.stdout).ok()?.trim().parse().ok())
            .unwrap_or(100)
    });
    Duration::from_micros(ticks * 1_000_000 / per_second)
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg says them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The soft limit on open files of this process (and so of the server it starts).
pub fn open_file_limit() -> Option<u64> {
    std::fs::read_to_string("/proc/self/limits")
        .ok()?
        .lines()
        .find(|line| line.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

/// CPU time all of `servers` have used so far.
pub fn total_cpu(servers: &[ServerProcess]) -> Duration {
    servers.iter().map(ServerProcess::cpu).sum()
}

/// What all of `servers` hold resident together, now and at most.
pub fn total_memory(servers: &[ServerProcess]) -> Memory {
    servers.iter().map(ServerProcess::memory).fold(Memory { rss_kib: 0, peak_kib: 0 }, |all, one| Memory {
        rss_kib: all.rss_kib + one.rss_kib,
        peak_kib: all.peak_kib + one.peak_kib,
    })
}
