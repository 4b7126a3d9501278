//! The crash test: a customer and an agent keep sending while the real `telepath`
//! binary is killed with SIGKILL and started again, several times. Each client
//! behaves as docs/chat-protocol.md says a client must: an outbox of unacknowledged
//! messages sent again with the same ids after every reconnect, and `after` set to
//! the last number received. At the end every acknowledged message is stored exactly
//! once, numbers are dense, and each side received every message once, in order.
//!
//! With several instances on PostgreSQL (issue 17), the customer's instance is
//! killed while the agent's lives on, and the customer reconnects to the other one.

use crate::chat_protocol::Visitor;
use crate::support::telepath_binary;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::time::Duration;
use telepath_server::store::Conversations;
use telepath_server::store::conversations::Claim;
use telepath_server::store::staff::StaffRole;
use telepath_server::store::{Database, SqliteStore, SystemClock, fresh_database};
use telepath_server::testing::{Fixture, StaffLogin, staff_login, staff_login_in};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// How many times the server is killed mid-conversation.
const KILLS: usize = 4;
/// Messages each side keeps in flight (sent, not yet acknowledged).
const WINDOW: usize = 4;
/// Acknowledgements (both sides together) before each kill.
const ACKS_PER_ROUND: usize = 40;
/// How long a message refused for coming too fast waits before it goes again: one
/// token of the server's 5 a second.
const RESEND_AFTER: Duration = Duration::from_millis(200);

/// The real binary serving `fixture` on a port of its own choosing.
struct RunningServer {
    child: Child,
    base_url: String,
}

impl RunningServer {
    /// Keeping its data in `database`, or in the fixture's SQLite file when `None`.
    async fn start(fixture: &Fixture, database: Option<&Database>) -> RunningServer {
        let config = fixture.config(&crate::support::site_dir());
        let mut command = Command::new(telepath_binary());
        command.arg("serve");
        if let Some(database) = database {
            command.arg("--database").arg(database.to_string());
        }
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .arg("--content")
            .arg(&config.content_dir)
            .arg("--data")
            .arg(&config.data_dir)
            .arg("--site")
            .arg(&config.site_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the telepath binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .expect("the server says where it listens within a minute")
                .expect("stdout can be read")
                .expect("the server prints its address before anything else ends");
            if let Some(address) = line.strip_prefix("Telepath is running at ") {
                break address.trim_end_matches('/').to_owned();
            }
        };
        // Keep reading, so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        RunningServer { child, base_url }
    }

    async fn kill(mut self) {
        // Child::kill sends SIGKILL: no graceful shutdown, nothing flushed.
        self.child.kill().await.expect("the server can be killed");
    }
}

/// One side of the conversation, as a careful client keeps it.
struct Party {
    name: &'static str,
    /// Sent (at least once) and not yet acknowledged, oldest first.
    outbox: VecDeque<(String, String)>,
    next_message: usize,
    /// Once set, no new messages: only the outbox is sent until it is acknowledged.
    stop_sending: bool,
    acknowledged: HashMap<String, i64>,
    /// Every sequence number received, in the order received.
    received: Vec<i64>,
    /// Acknowledgements both sides have had so far: what the test kills the server by.
    acks: watch::Sender<usize>,
}

impl Party {
    fn new(name: &'static str, acks: watch::Sender<usize>) -> Party {
        Party {
            name,
            outbox: VecDeque::new(),
            next_message: 0,
            stop_sending: false,
            acknowledged: HashMap::new(),
            received: Vec::new(),
            acks,
        }
    }

    fn last_seq(&self) -> i64 {
        self.received.last().copied().unwrap_or(0)
    }

    /// Talks on `socket` until it breaks (or, once sending has stopped, until the
    /// outbox is acknowledged and everything up to `until_seq` has arrived): resends
    /// the outbox, then keeps `WINDOW` messages in flight.
    async fn talk(&mut self, socket: &mut Socket, until_seq: i64) {
        for (client_id, text) in self.outbox.clone() {
            if socket.send(send_frame(&client_id, &text)).await.is_err() {
                return;
            }
        }
        loop {
            while !self.stop_sending && self.outbox.len() < WINDOW {
                let client_id = format!("{}-{}", self.name, self.next_message);
                let text = format!("{} says {}", self.name, self.next_message);
                self.next_message += 1;
                self.outbox.push_back((client_id.clone(), text.clone()));
                if socket.send(send_frame(&client_id, &text)).await.is_err() {
                    return;
                }
            }
            if self.stop_sending && self.outbox.is_empty() && self.last_seq() >= until_seq {
                return;
            }
            let frame = match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    serde_json::from_str::<Value>(&text).expect("frames are JSON")
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => continue,
            };
            match frame["type"].as_str() {
                Some("ack") => {
                    let client_id = frame["client_id"].as_str().unwrap().to_owned();
                    let seq = frame["seq"].as_i64().unwrap();
                    if let Some(earlier) = self.acknowledged.insert(client_id.clone(), seq) {
                        assert_eq!(earlier, seq, "{client_id} acknowledged under two numbers");
                    }
                    self.outbox.retain(|(id, _)| *id != client_id);
                    self.acks.send_modify(|acks| *acks += 1);
                }
                Some("message") => {
                    let seq = frame["seq"].as_i64().unwrap();
                    assert_eq!(
                        seq,
                        self.last_seq() + 1,
                        "{} received {seq} after {}",
                        self.name,
                        self.last_seq()
                    );
                    self.received.push(seq);
                }
                Some("rejected") => {
                    assert_eq!(frame["retry"], true, "{frame}");
                    // Sending too fast (a burst of 20, then 5 a second per socket): a
                    // careful client sends the same message again a moment later.
                    let client_id = frame["client_id"].as_str().unwrap();
                    let Some((_, text)) = self.outbox.iter().find(|(id, _)| id == client_id).cloned() else {
                        continue;
                    };
                    tokio::time::sleep(RESEND_AFTER).await;
                    if socket.send(send_frame(client_id, &text)).await.is_err() {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

fn send_frame(client_id: &str, text: &str) -> Message {
    Message::text(json!({"type": "send", "client_id": client_id, "text": text}).to_string())
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn open_socket(base_url: &str, path: &str, cookie: &str) -> Option<Socket> {
    let mut request =
        format!("ws://{}{path}", base_url.trim_start_matches("http://")).into_client_request().unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    request.headers_mut().insert("origin", base_url.parse().unwrap());
    tokio_tungstenite::connect_async(request).await.ok().map(|(socket, _)| socket)
}

/// A visitor of the running server, with a conversation started through the chat page's form.
pub async fn visitor_with_conversation(base_url: &str) -> Visitor {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = client.get(format!("{base_url}/chat")).send().await.unwrap();
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix("telepath_visitor=").and_then(|rest| rest.split(';').next()))
        .map(|id| format!("telepath_visitor={id}"))
        .expect("a visitor cookie");
    let html = page.text().await.unwrap();
    let field = |name: &str| {
        let input = html.split("<input").find(|tag| tag.contains(&format!("name=\"{name}\""))).unwrap();
        input.split("value=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned()
    };
    let (token, client_id) = (field("_csrf"), field("client_id"));
    let started = client
        .post(format!("{base_url}/chat"))
        .header("cookie", &cookie)
        .header("origin", base_url)
        .form(&[
            ("_csrf", token.as_str()),
            ("client_id", client_id.as_str()),
            ("text", "Hello, anyone there?"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 303);
    Visitor { id: cookie.trim_start_matches("telepath_visitor=").to_owned(), cookie, token }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_sigkill_exactly_once_and_in_order_on_both_sides() {
    let fixture = Fixture::new();
    let database = fixture.config(&crate::support::site_dir()).database_path();
    let server = RunningServer::start(&fixture, None).await;
    let customer = visitor_with_conversation(&server.base_url).await;
    let agent: StaffLogin = staff_login(&database, StaffRole::Agent).await;
    let store = SqliteStore::open(&database, std::sync::Arc::new(SystemClock)).await.unwrap();
    let conversation = store.conversations_of(&customer.id, 1).await.unwrap()[0].id;
    assert_eq!(store.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);

    let acks = watch::Sender::new(0);
    let (mut visitor_side, mut agent_side) =
        (Party::new("customer", acks.clone()), Party::new("agent", acks.clone()));
    let mut server = Some(server);
    for round in 0..=KILLS {
        let running = match server.take() {
            Some(running) => running,
            None => RunningServer::start(&fixture, None).await,
        };
        let customer_path = format!(
            "/chat/socket?conversation={conversation}&after={}&token={}",
            visitor_side.last_seq(),
            customer.token
        );
        let agent_path =
            format!("/console/conversations/{conversation}/socket?after={}", agent_side.last_seq());
        let mut customer_socket =
            open_socket(&running.base_url, &customer_path, &customer.cookie).await.unwrap();
        let mut agent_socket = open_socket(&running.base_url, &agent_path, &agent.cookie).await.unwrap();
        if round < KILLS {
            // Kill it in the middle of the talk, once this round has had its share of acknowledgements.
            let target = *acks.borrow() + ACKS_PER_ROUND;
            let mut acked = acks.subscribe();
            let killer = async {
                acked.wait_for(|acks| *acks >= target).await.unwrap();
                running.kill().await;
            };
            tokio::join!(
                visitor_side.talk(&mut customer_socket, i64::MAX),
                agent_side.talk(&mut agent_socket, i64::MAX),
                killer
            );
        } else {
            // The last round ends cleanly: outboxes sent until acknowledged, then everything read.
            visitor_side.stop_sending = true;
            agent_side.stop_sending = true;
            let finished = tokio::time::timeout(Duration::from_secs(60), async {
                tokio::join!(
                    visitor_side.talk(&mut customer_socket, 0),
                    agent_side.talk(&mut agent_socket, 0)
                );
                let last = store.conversation(conversation).await.unwrap().last_seq;
                tokio::join!(
                    visitor_side.talk(&mut customer_socket, last),
                    agent_side.talk(&mut agent_socket, last)
                );
            });
            finished.await.expect("the last round settles within a minute");
            running.kill().await;
        }
    }

    every_acknowledged_message_arrived_once_in_order(&store, conversation, [&visitor_side, &agent_side])
        .await;
    let acknowledged = visitor_side.acknowledged.len() + agent_side.acknowledged.len();
    assert!(acknowledged >= KILLS * ACKS_PER_ROUND, "the test exercised enough: {acknowledged}");
}

/// Every acknowledged message is stored once under the number it was acknowledged
/// with, numbers are dense, and each party received every message once, in order.
async fn every_acknowledged_message_arrived_once_in_order(
    store: &dyn Conversations,
    conversation: i64,
    parties: [&Party; 2],
) {
    let stored = store.messages_after(conversation, 0, 100_000).await.unwrap();
    let numbers: Vec<i64> = stored.iter().map(|message| message.seq).collect();
    assert_eq!(numbers, (1..=stored.len() as i64).collect::<Vec<_>>(), "numbers are dense and in order");
    let mut ids = std::collections::HashSet::new();
    for message in &stored {
        assert!(ids.insert((message.side, message.client_id.clone())), "{} stored twice", message.client_id);
    }
    for party in parties {
        assert!(party.outbox.is_empty(), "{} still waits for acknowledgements", party.name);
        for (client_id, seq) in &party.acknowledged {
            let message = &stored[usize::try_from(*seq - 1).unwrap()];
            assert_eq!(&message.client_id, client_id, "acknowledged {client_id} is stored as {seq}");
        }
        assert_eq!(party.received, numbers, "{} received every message once, in order", party.name);
    }
}

/// Talks on both sockets until `target` acknowledgements in all, then leaves both
/// open. Stopping a talk between frames loses nothing: what it sent and was not
/// acknowledged stays in its outbox and goes again.
async fn talk_until_acks(
    (customer, customer_socket): (&mut Party, &mut Socket),
    (agent, agent_socket): (&mut Party, &mut Socket),
    acks: &watch::Sender<usize>,
    target: usize,
) {
    let mut acked = acks.subscribe();
    let talking = async {
        tokio::select! {
            _ = acked.wait_for(|acks| *acks >= target) => {}
            () = customer.talk(customer_socket, i64::MAX) => panic!("the customer's socket broke"),
            () = agent.talk(agent_socket, i64::MAX) => panic!("the agent's socket broke"),
        }
    };
    tokio::time::timeout(Duration::from_secs(60), talking).await.unwrap_or_else(|_| {
        panic!("{target} acknowledgements within a minute; there were {}", *acks.borrow())
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_whose_instance_is_killed_reconnects_to_another_and_loses_nothing_acknowledged() {
    let (database, _schema) = fresh_database().await;
    let (customers_fixture, agents_fixture) = (Fixture::new(), Fixture::new());
    let customers_instance = RunningServer::start(&customers_fixture, Some(&database)).await;
    let agents_instance = RunningServer::start(&agents_fixture, Some(&database)).await;
    let store = telepath_server::store::open(&database, std::sync::Arc::new(SystemClock)).await.unwrap();
    let customer = visitor_with_conversation(&customers_instance.base_url).await;
    let agent = staff_login_in(&*store, StaffRole::Agent, None).await;
    let conversation = store.conversations_of(&customer.id, 1).await.unwrap()[0].id;
    assert_eq!(store.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);

    let acks = watch::Sender::new(0);
    let (mut visitor_side, mut agent_side) =
        (Party::new("customer", acks.clone()), Party::new("agent", acks.clone()));
    let customer_path = |after: i64| {
        format!("/chat/socket?conversation={conversation}&after={after}&token={}", customer.token)
    };
    let agent_path = format!("/console/conversations/{conversation}/socket?after=0");
    let mut agent_socket = open_socket(&agents_instance.base_url, &agent_path, &agent.cookie).await.unwrap();
    let mut customer_socket =
        open_socket(&customers_instance.base_url, &customer_path(0), &customer.cookie).await.unwrap();

    // Both send across the instances; the customer's instance dies in the middle.
    talk_until_acks(
        (&mut visitor_side, &mut customer_socket),
        (&mut agent_side, &mut agent_socket),
        &acks,
        ACKS_PER_ROUND,
    )
    .await;
    let killed_at = *acks.borrow();
    customers_instance.kill().await;
    visitor_side.talk(&mut customer_socket, i64::MAX).await;

    // The customer comes back through the other instance, where the agent still is.
    let mut customer_socket =
        open_socket(&agents_instance.base_url, &customer_path(visitor_side.last_seq()), &customer.cookie)
            .await
            .expect("the other instance takes the customer");
    talk_until_acks(
        (&mut visitor_side, &mut customer_socket),
        (&mut agent_side, &mut agent_socket),
        &acks,
        killed_at + ACKS_PER_ROUND,
    )
    .await;
    visitor_side.stop_sending = true;
    agent_side.stop_sending = true;
    let finished = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(visitor_side.talk(&mut customer_socket, 0), agent_side.talk(&mut agent_socket, 0));
        let last = store.conversation(conversation).await.unwrap().last_seq;
        tokio::join!(visitor_side.talk(&mut customer_socket, last), agent_side.talk(&mut agent_socket, last));
    });
    finished.await.expect("the conversation settles within a minute");
    agents_instance.kill().await;

    every_acknowledged_message_arrived_once_in_order(&*store, conversation, [&visitor_side, &agent_side])
        .await;
    assert!(agent_side.acknowledged.len() >= 10 && visitor_side.acknowledged.len() >= 10, "both sides sent");
}
