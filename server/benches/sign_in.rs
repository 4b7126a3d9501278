#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
//! What staff sign-in costs on this machine, and what a flood of guesses gets:
//! argon2id hash and verify times (and that an unknown email takes as long to
//! refuse as a wrong password), then 1,000 guesses over HTTP against the real
//! server from one address and from 100 addresses against one account: how many
//! reached a password check, and the latency of other requests meanwhile.
//! Prints figures; asserts nothing about time.
//!
//! `cargo bench -p telepath-server --bench sign_in` (about a minute after the build).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use telepath_server::Config;
use telepath_server::auth::{Password, PasswordHasher};
use telepath_server::store::staff::StaffRole;
use tokio::net::TcpListener;

const PASSWORD: &str = "copper kettle morning";
const FLOOD: usize = 1_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(measure());
}

fn percentile(samples: &mut [Duration], share: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 * share) as usize).min(samples.len() - 1)]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

async fn measure() {
    println!(
        "Staff sign-in on {} cores (release build unless run otherwise)\n",
        std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get)
    );
    hashing();

    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("a valid address"),
        content_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
        data_dir: dir.path().join("data"),
        site_dir: dir.path().join("no-site"),
        ..Config::default()
    };
    let state = telepath_server::prepare(&config).await.expect("the portal prepares");
    let staff = state.staff.clone();
    staff
        .add_account("ana@example.com", "Ana Lima", StaffRole::Editor, Password::new(PASSWORD))
        .await
        .expect("added");
    for n in 0..10 {
        let email = format!("editor{n}@example.com");
        staff.add_account(&email, "Editor", StaffRole::Editor, Password::new(PASSWORD)).await.expect("added");
    }

    // Refusal times through the whole sign-in (lookup, hash, log), each from its
    // own address and at most four guesses per account, so no throttle interferes.
    let mut address = 0u32;
    let mut next_address = || {
        address += 1;
        IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + address))
    };
    let (mut wrong, mut unknown, mut right) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..4 {
        for n in 0..10 {
            let started = Instant::now();
            let refused = staff
                .sign_in(
                    &format!("editor{n}@example.com"),
                    Password::new("copper kettle evening"),
                    next_address(),
                    None,
                )
                .await;
            wrong.push(started.elapsed());
            assert!(refused.is_err());
            let started = Instant::now();
            let refused = staff
                .sign_in(
                    &format!("nobody{round}.{n}@example.com"),
                    Password::new(PASSWORD),
                    next_address(),
                    None,
                )
                .await;
            unknown.push(started.elapsed());
            assert!(refused.is_err());
        }
    }
    for _ in 0..10 {
        let started = Instant::now();
        staff
            .sign_in("ana@example.com", Password::new(PASSWORD), next_address(), None)
            .await
            .expect("signs in");
        right.push(started.elapsed());
    }
    println!("| whole sign-in (StaffAuth::sign_in) | samples | p50 | p90 |");
    println!("|---|---|---|---|");
    for (what, samples) in
        [("right password", &mut right), ("wrong password", &mut wrong), ("unknown email", &mut unknown)]
    {
        println!(
            "| {what} | {} | {} | {} |",
            samples.len(),
            ms(percentile(samples, 0.5)),
            ms(percentile(samples, 0.9))
        );
    }

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("port 0 can be bound");
    let base = format!("http://{}", listener.local_addr().expect("a bound address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(telepath_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    println!("\n1,000 guesses over HTTP, 16 at a time, while another client loads / and /healthz\n");
    println!(
        "| flood | reached a password check | throttled (429) | other | took | p50 / p99 of / meanwhile | p50 / p99 of / before |"
    );
    println!("|---|---|---|---|---|---|---|");
    let quiet = probe_latency(&base, None).await;
    for (what, addresses, accounts) in
        [("one address, 1,000 accounts", 1usize, FLOOD), ("100 addresses, one account", 100, 1)]
    {
        let flooding = Arc::new(AtomicBool::new(true));
        let probe = tokio::spawn(probe_latency_while(base.clone(), flooding.clone()));
        let started = Instant::now();
        let (through, throttled, other) = flood(&base, addresses, accounts).await;
        let took = started.elapsed();
        flooding.store(false, Ordering::SeqCst);
        let mut during = probe.await.expect("the probe finishes");
        let mut before = quiet.clone();
        println!(
            "| {what} | {through} | {throttled} | {other} | {:.1} s | {} / {} | {} / {} |",
            took.as_secs_f64(),
            ms(percentile(&mut during, 0.5)),
            ms(percentile(&mut during, 0.99)),
            ms(percentile(&mut before, 0.5)),
            ms(percentile(&mut before, 0.99)),
        );
    }
    let _ = stop.send(());
    server.await.expect("the server task ends").expect("the server stops cleanly");
}

fn hashing() {
    let hasher = PasswordHasher::new().expect("argon2id is available");
    let password = Password::new(PASSWORD);
    let mut hashes = Vec::new();
    let mut stored = None;
    for _ in 0..20 {
        let started = Instant::now();
        stored = Some(hasher.hash(&password).expect("hashes"));
        hashes.push(started.elapsed());
    }
    let stored = stored.expect("twenty hashes");
    let mut verifies = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        assert!(hasher.verify(&password, Some(&stored)));
        verifies.push(started.elapsed());
    }
    let mut dummies = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        assert!(!hasher.verify(&password, None));
        dummies.push(started.elapsed());
    }
    println!(
        "argon2id, m = 19456 KiB, t = 2, p = 1 ({})\n",
        stored.0.split('$').take(4).collect::<Vec<_>>().join("$")
    );
    println!("| operation | samples | p50 | p90 |");
    println!("|---|---|---|---|");
    for (what, samples) in
        [("hash", &mut hashes), ("verify", &mut verifies), ("verify the dummy (unknown email)", &mut dummies)]
    {
        println!(
            "| {what} | {} | {} | {} |",
            samples.len(),
            ms(percentile(samples, 0.5)),
            ms(percentile(samples, 0.9))
        );
    }
    println!();
}

/// 1,000 guesses, 16 in flight, from `addresses` loopback addresses (127.0.1.x,
/// which Linux routes to the server like 127.0.0.1) at `accounts` accounts.
async fn flood(base: &str, addresses: usize, accounts: usize) -> (usize, usize, usize) {
    let clients: Vec<(reqwest::Client, String, String)> =
        futures_util::future::join_all((0..addresses).map(|n| {
            let base = base.to_owned();
            async move {
                let address = IpAddr::V4(Ipv4Addr::new(127, 0, 1, u8::try_from(n + 1).expect("at most 255")));
                let client = reqwest::Client::builder()
                    .local_address(address)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .expect("a client");
                let page = client.get(format!("{base}/staff/sign-in")).send().await.expect("the page");
                let visitor = page
                    .headers()
                    .get("set-cookie")
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.split(';').next())
                    .expect("a visitor cookie")
                    .to_owned();
                let html = page.text().await.expect("the page's HTML");
                let token = html
                    .split(r#"name="_csrf" value=""#)
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .expect("a token");
                (client, visitor, token.to_owned())
            }
        }))
        .await;
    let guesses = (0..FLOOD).map(|n| {
        let (client, visitor, token) = clients[n % addresses].clone();
        let email = if accounts == 1 { "ana@example.com".to_owned() } else { format!("user{n}@example.com") };
        let url = format!("{base}/staff/sign-in");
        async move {
            let form = [("email", email), ("password", format!("guess {n}")), ("_csrf", token)];
            let sent = client
                .post(url)
                .header("cookie", visitor)
                .header("sec-fetch-site", "same-origin")
                .form(&form)
                .send();
            sent.await.map(|response| response.status().as_u16()).unwrap_or(0)
        }
    });
    use futures_util::StreamExt;
    let statuses: Vec<u16> = futures_util::stream::iter(guesses).buffer_unordered(16).collect().await;
    let through = statuses.iter().filter(|status| **status == 422).count();
    let throttled = statuses.iter().filter(|status| **status == 429).count();
    (through, throttled, statuses.len() - through - throttled)
}

async fn probe_latency(base: &str, until: Option<Arc<AtomicBool>>) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut samples = Vec::new();
    loop {
        for path in ["/", "/healthz"] {
            let started = Instant::now();
            let answered = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .map(|response| response.status().is_success());
            if answered.is_ok_and(|ok| ok) {
                samples.push(started.elapsed());
            }
        }
        match &until {
            Some(flag) if flag.load(Ordering::SeqCst) => continue,
            Some(_) => break,
            None if samples.len() < 100 => continue,
            None => break,
        }
    }
    samples
}

async fn probe_latency_while(base: String, flooding: Arc<AtomicBool>) -> Vec<Duration> {
    probe_latency(&base, Some(flooding)).await
}
