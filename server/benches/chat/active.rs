//! Conversations in full flow: each with a customer's and an agent's socket, each
//! socket sending a message a second. The send time rides in the message, so the
//! other side reads its latency on receipt; at the end every socket must have seen
//! every message of its conversation once, in order, and every send acknowledged.

use crate::client::{self, Socket};
use crate::process::{self, Memory, ServerProcess};
use crate::{Clock, Table, kib, percentile_ms, seconds};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use telepath_server::store::Database;
use tokio::time::MissedTickBehavior;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

/// How long the bench waits after the window for messages still on their way.
const DRAIN_PATIENCE: Duration = Duration::from_secs(30);

/// What one socket counted, shared between its reader, its writer and the bench.
#[derive(Debug, Default)]
struct Tally {
    sent: AtomicU64,
    sent_in_window: AtomicU64,
    acked: AtomicU64,
    rejected: AtomicU64,
    messages: AtomicU64,
}

impl Tally {
    fn count(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::SeqCst)
    }

    /// Messages of this side the server stored (a refused one is not).
    fn stored(&self) -> u64 {
        Tally::count(&self.sent).saturating_sub(Tally::count(&self.rejected))
    }

    /// Every send has had its answer, an ack or a refusal.
    fn answered(&self) -> bool {
        Tally::count(&self.acked) + Tally::count(&self.rejected) >= Tally::count(&self.sent)
    }
}

/// One conversation's two ends.
struct Ends {
    customer: Arc<Tally>,
    console: Arc<Tally>,
}

impl Ends {
    /// Messages the conversation holds: the form's first one and each side's stored ones.
    fn messages(&self) -> u64 {
        1 + self.customer.stored() + self.console.stored()
    }

    /// Both sockets have every message and every answer.
    fn settled(&self) -> bool {
        let messages = self.messages();
        [&self.customer, &self.console]
            .iter()
            .all(|end| end.answered() && Tally::count(&end.messages) >= messages)
    }
}

/// What one socket's reader heard, handed back when the socket closes.
#[derive(Debug, Default)]
struct Heard {
    seqs: Vec<i64>,
    /// Send to receipt at the other side, in µs, for messages sent within the window.
    latencies: Vec<u64>,
    /// Send to this side's ack (stored and committed), in µs, within the window.
    ack_latencies: Vec<u64>,
    /// How the socket ended when the bench had not closed it.
    ended_early: Option<String>,
}

pub struct Settings {
    pub conversations: usize,
    pub warmup: Duration,
    pub window: Duration,
    pub agent_capacity: u32,
    pub setup_concurrency: usize,
    pub connect_concurrency: usize,
}

/// One straight script (set up, open, send, drain, check, print), read top to
/// bottom like the table it prints.
///
/// With several `servers` (instances sharing PostgreSQL), each conversation's
/// customer is on one instance and its agent on the next, so every message crosses.
pub async fn run(servers: &[ServerProcess], database: &Database, settings: &Settings) {
    let load_before = process::load_average();
    let bases: Vec<String> = servers.iter().map(ServerProcess::base_url).collect();
    let started = Instant::now();
    let visitors =
        client::visitors_with_conversations(&bases[0], settings.conversations, settings.setup_concurrency)
            .await;
    let setup = started.elapsed();
    let conversations = client::conversations_of(database, &visitors).await;
    let (agents, assigned) = client::agents_claiming(database, &conversations, settings.agent_capacity).await;
    let before_sockets = process::total_memory(servers);

    let started = Instant::now();
    let pairs: Vec<(Socket, Socket)> =
        futures_util::stream::iter(visitors.iter().zip(&conversations).zip(&assigned).enumerate())
            .map(|(n, ((visitor, conversation), agent))| {
                let agent = &agents[*agent];
                let (customers_base, agents_base) = (&bases[n % bases.len()], &bases[(n + 1) % bases.len()]);
                async move {
                    let customer = client::customer_socket(customers_base, visitor, *conversation, 0).await?;
                    let console = client::agent_socket(agents_base, agent, *conversation, 0).await?;
                    Ok::<_, String>((customer, console))
                }
            })
            .buffered(settings.connect_concurrency)
            .map(|pair| pair.unwrap_or_else(|error| panic!("a socket did not open: {error}")))
            .collect()
            .await;
    let connecting = started.elapsed();
    let after_sockets = process::total_memory(servers);

    let clock = Clock::new();
    // One second for the senders' staggered starts, then the warm-up.
    let window_start = clock.micros() + micros(Duration::from_secs(1) + settings.warmup);
    let window = window_start..window_start + micros(settings.window);
    let stop = CancellationToken::new();
    let closing = Arc::new(AtomicBool::new(false));
    let slots = pairs.len() * 2;
    let mut all_ends = Vec::with_capacity(pairs.len());
    let mut readers = Vec::with_capacity(slots);
    let mut writers = Vec::with_capacity(slots);
    for (n, (customer, console)) in pairs.into_iter().enumerate() {
        let mut start = |socket: Socket, side: &'static str, slot: usize| {
            let tally = Arc::new(Tally::default());
            let (sink, stream) = socket.split();
            let reading = read_frames(stream, side, tally.clone(), clock, window.clone(), closing.clone());
            readers.push(tokio::spawn(reading));
            // Senders spread evenly over each second, as people are.
            let sender = Sender {
                tag: format!("{}{n}", &side[..1]),
                phase: Duration::from_micros((slot * 1_000_000 / slots) as u64),
                tally: tally.clone(),
                clock,
                window: window.clone(),
                stop: stop.clone(),
            };
            writers.push(tokio::spawn(sender.send_messages(sink)));
            tally
        };
        let customer = start(customer, "visitor", 2 * n);
        let console = start(console, "agent", 2 * n + 1);
        all_ends.push(Ends { customer, console });
    }

    tokio::time::sleep_until(clock.instant(window.start)).await;
    let (server_cpu, own_cpu, machine) =
        (process::total_cpu(servers), process::own_cpu(), process::machine_cpu());
    let mut largest_rss = process::total_memory(servers).rss_kib;
    while clock.micros() < window.end {
        tokio::time::sleep(Duration::from_millis(500)).await;
        largest_rss = largest_rss.max(process::total_memory(servers).rss_kib);
    }
    let server_cpu = process::total_cpu(servers) - server_cpu;
    let own_cpu = process::own_cpu() - own_cpu;
    let machine_now = process::machine_cpu();
    let (machine_busy, machine_all) = (machine_now.0 - machine.0, machine_now.1 - machine.1);
    let at_end = process::total_memory(servers);
    let load_after = process::load_average();

    // Stop sending; wait for every message still on its way and every answer.
    stop.cancel();
    let mut sinks = Vec::with_capacity(writers.len());
    for writer in writers {
        sinks.push(writer.await.expect("a sender finishes"));
    }
    let draining = Instant::now();
    while !all_ends.iter().all(Ends::settled) && draining.elapsed() < DRAIN_PATIENCE {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = draining.elapsed();
    closing.store(true, Ordering::SeqCst);
    futures_util::future::join_all(sinks.iter_mut().map(SinkExt::close)).await;
    let mut heard = Vec::with_capacity(readers.len());
    for reader in readers {
        let ended = tokio::time::timeout(DRAIN_PATIENCE, reader).await;
        heard.push(
            ended.ok().and_then(Result::ok).unwrap_or_else(|| Heard {
                ended_early: Some("did not close".to_owned()),
                ..Heard::default()
            }),
        );
    }

    // Check: each socket saw 1..=n once and in order, every send was answered.
    let mut problems = Problems::default();
    for (ends, pair) in all_ends.iter().zip(heard.chunks(2)) {
        let messages = i64::try_from(ends.messages()).unwrap_or(i64::MAX);
        for (tally, heard) in [&ends.customer, &ends.console].into_iter().zip(pair) {
            problems.check(tally, heard, messages);
        }
    }
    let mut latencies: Vec<u64> = heard.iter().flat_map(|heard| heard.latencies.iter().copied()).collect();
    let mut ack_latencies: Vec<u64> =
        heard.iter().flat_map(|heard| heard.ack_latencies.iter().copied()).collect();
    let sent_in_window: u64 = all_ends
        .iter()
        .flat_map(|ends| [&ends.customer, &ends.console])
        .map(|tally| Tally::count(&tally.sent_in_window))
        .sum();

    let window_secs = settings.window.as_secs_f64();
    let share = |cpu: Duration| format!("{:.0} %", cpu.as_secs_f64() / window_secs * 100.0);
    let others = machine_busy.saturating_sub(server_cpu + own_cpu);
    let across = match servers.len() {
        1 => String::new(),
        instances => format!(" across {instances} instances (customer and agent on different ones)"),
    };
    let mut table = Table::new(format!(
        "1. {} conversations in flow{across}: {} sockets ({} agent{}), a message a second from each",
        settings.conversations,
        slots,
        agents.len(),
        if agents.len() == 1 { "" } else { "s" }
    ));
    table.row("visitors + conversations (GET /, POST /chat)", seconds(setup));
    table.row("sockets opened (customer + agent)", seconds(connecting));
    table.row(
        "warm-up, then measured window",
        format!("{} s, {} s", settings.warmup.as_secs(), settings.window.as_secs()),
    );
    table.row(
        "messages sent in the window",
        format!("{sent_in_window} ({:.0}/s)", sent_in_window as f64 / window_secs),
    );
    table.row("  received by the other side", latencies.len().to_string());
    table.row("send → other side  p50", percentile_ms(&mut latencies, 0.50));
    table.row("                   p90", percentile_ms(&mut latencies, 0.90));
    table.row("                   p99 (goal ≤ 50 ms)", percentile_ms(&mut latencies, 0.99));
    table.row("                   p99.9", percentile_ms(&mut latencies, 0.999));
    table.row("                   max", percentile_ms(&mut latencies, 1.0));
    table.row("send → ack (stored)  p50", percentile_ms(&mut ack_latencies, 0.50));
    table.row("                     p99", percentile_ms(&mut ack_latencies, 0.99));
    table.row("server CPU (share of one core)", share(server_cpu));
    table.row("bench clients' CPU", share(own_cpu));
    table.row("everything else on the machine", share(others));
    table.row(
        "machine busy (all cores)",
        format!(
            "{:.0} % of {:.1} cores",
            machine_busy.as_secs_f64() / machine_all.as_secs_f64() * 100.0,
            machine_all.as_secs_f64() / window_secs
        ),
    );
    table.row("server RSS before the sockets", kib(before_sockets.rss_kib));
    table.row("server RSS with the sockets open", kib(after_sockets.rss_kib));
    table.row("server RSS, most during the window", kib(largest_rss));
    table.row("server RSS at the end / VmHWM", format!("{} / {}", kib(at_end.rss_kib), kib(at_end.peak_kib)));
    table.row("drained after the window in", seconds(drained));
    table.row("messages lost / duplicated", format!("{} / {}", problems.lost, problems.duplicated));
    table.row("sockets that saw messages out of order", problems.out_of_order.to_string());
    table.row("sends refused / unanswered", format!("{} / {}", problems.rejected, problems.unanswered));
    table.row("sockets closed by the server", problems.ended_early.len().to_string());
    table.row("bench clients' RSS", kib(Memory::this_process().rss_kib));
    table.row("load average before → after", format!("{load_before} → {load_after}"));
    table.print();
    for ended in problems.ended_early.iter().take(5) {
        println!("  a socket ended early: {ended}");
    }
}

/// What went wrong with delivery, over all sockets.
#[derive(Debug, Default)]
struct Problems {
    lost: usize,
    duplicated: usize,
    out_of_order: usize,
    rejected: u64,
    unanswered: u64,
    ended_early: Vec<String>,
}

impl Problems {
    fn check(&mut self, tally: &Tally, heard: &Heard, messages: i64) {
        let mut seen = heard.seqs.clone();
        if !seen.is_sorted_by(|a, b| a < b) {
            self.out_of_order += 1;
        }
        seen.sort_unstable();
        let all = seen.len();
        seen.dedup();
        self.duplicated += all - seen.len();
        self.lost += (1..=messages).filter(|seq| seen.binary_search(seq).is_err()).count();
        self.rejected += Tally::count(&tally.rejected);
        self.unanswered += Tally::count(&tally.sent)
            .saturating_sub(Tally::count(&tally.acked) + Tally::count(&tally.rejected));
        if let Some(ended) = &heard.ended_early {
            self.ended_early.push(ended.clone());
        }
    }
}

/// Reads one socket until it closes: every message's number, and the latency of
/// the other side's messages (their send time is their text) and of this side's acks
/// (the send time ends the client id).
async fn read_frames(
    mut stream: SplitStream<Socket>,
    own_side: &'static str,
    tally: Arc<Tally>,
    clock: Clock,
    window: Range<u64>,
    closing: Arc<AtomicBool>,
) -> Heard {
    let mut heard = Heard::default();
    while let Some(received) = stream.next().await {
        let text = match received {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(frame)) => {
                if !closing.load(Ordering::SeqCst) {
                    heard.ended_early = Some(format!("closed by the server: {frame:?}"));
                }
                break;
            }
            Ok(_) => continue,
            Err(error) => {
                if !closing.load(Ordering::SeqCst) {
                    heard.ended_early = Some(error.to_string());
                }
                break;
            }
        };
        let now = clock.micros();
        let Ok(frame) = serde_json::from_str::<Value>(&text) else {
            heard.ended_early = Some(format!("a frame that is not JSON: {text}"));
            break;
        };
        match frame["type"].as_str() {
            Some("message") => {
                heard.seqs.push(frame["seq"].as_i64().unwrap_or(-1));
                tally.messages.fetch_add(1, Ordering::SeqCst);
                let sent = frame["body"]["text"].as_str().and_then(|text| text.strip_prefix("m "));
                if frame["side"] != own_side
                    && let Some(sent) = sent.and_then(|sent| sent.parse::<u64>().ok())
                    && window.contains(&sent)
                {
                    heard.latencies.push(now.saturating_sub(sent));
                }
            }
            Some("ack") => {
                let sent = frame["client_id"].as_str().and_then(|id| id.rsplit('-').next());
                if let Some(sent) = sent.and_then(|sent| sent.parse::<u64>().ok())
                    && window.contains(&sent)
                {
                    heard.ack_latencies.push(now.saturating_sub(sent));
                }
                tally.acked.fetch_add(1, Ordering::SeqCst);
            }
            Some("rejected") => {
                tally.rejected.fetch_add(1, Ordering::SeqCst);
            }
            _ => {}
        }
    }
    heard
}

/// One socket's sender: a message a second from its phase on, until stopped.
struct Sender {
    /// `v12` or `a12`: the side and the conversation, the start of each client id.
    tag: String,
    phase: Duration,
    tally: Arc<Tally>,
    clock: Clock,
    window: Range<u64>,
    stop: CancellationToken,
}

impl Sender {
    async fn send_messages(self, mut sink: SplitSink<Socket, Message>) -> SplitSink<Socket, Message> {
        tokio::select! {
            () = self.stop.cancelled() => return sink,
            () = tokio::time::sleep(self.phase) => {}
        }
        let mut ticks = tokio::time::interval(Duration::from_secs(1));
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut n = 0u64;
        loop {
            tokio::select! {
                () = self.stop.cancelled() => break,
                _ = ticks.tick() => {}
            }
            n += 1;
            let sent = self.clock.micros();
            let tag = &self.tag;
            let frame = json!({"type": "send", "client_id": format!("{tag}-{n}-{sent}"), "text": format!("m {sent}")});
            if sink.send(Message::text(frame.to_string())).await.is_err() {
                break;
            }
            self.tally.sent.fetch_add(1, Ordering::SeqCst);
            if self.window.contains(&sent) {
                self.tally.sent_in_window.fetch_add(1, Ordering::SeqCst);
            }
        }
        sink
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}
