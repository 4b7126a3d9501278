//! The chat protocol (docs/chat-protocol.md) over a real WebSocket against the real
//! server: delivery once and in order, resume after a reconnect, the limits, and who
//! may open a socket at all.

use crate::support::TestServer;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use telepath_server::store::Conversations;
use telepath_server::store::conversations::{Claim, NewConversation, VisitorContext};
use telepath_server::store::staff::StaffRole;
use telepath_server::testing::{Fixture, StaffLogin, staff_login};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(10);

/// An anonymous visitor as the server knows them after one page: the cookie and the form token.
pub struct Visitor {
    pub id: String,
    pub cookie: String,
    pub token: String,
}

pub async fn visitor(server: &TestServer) -> Visitor {
    let page = reqwest::get(server.url("/")).await.unwrap();
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("telepath_visitor="))
        .and_then(|value| value.split(';').next())
        .expect("a new visitor gets a cookie")
        .to_owned();
    let html = page.text().await.unwrap();
    let input = html
        .split("<input")
        .find(|tag| tag.contains("name=\"_csrf\""))
        .expect("the page has a form with the visitor's token");
    let token = input.split("value=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned();
    Visitor { id: cookie.trim_start_matches("telepath_visitor=").to_owned(), cookie, token }
}

/// A new, waiting conversation of `visitor`'s; its id.
pub async fn open_conversation(conversations: &dyn Conversations, visitor: &Visitor) -> i64 {
    let new = NewConversation {
        visitor: visitor.id.clone(),
        level: None,
        opened_because: vec![],
        visitor_context: VisitorContext::default(),
    };
    conversations.open_conversation(new).await.unwrap().id
}

/// A conversation of `visitor`'s, claimed by a new agent.
async fn conversation_with_agent(server: &TestServer, visitor: &Visitor) -> (i64, StaffLogin) {
    let agent = staff_login(&server.database, StaffRole::Agent).await;
    let conversations = &server.chat.conversations;
    let conversation = open_conversation(conversations.as_ref(), visitor).await;
    assert_eq!(conversations.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);
    (conversation, agent)
}

fn ws_url(server: &TestServer, path: &str) -> String {
    format!("ws://{}{path}", server.address())
}

async fn connect(
    server: &TestServer,
    path: &str,
    cookie: &str,
    origin: Option<&str>,
) -> Result<Socket, WsError> {
    let mut request = ws_url(server, path).into_client_request().unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket)
}

pub async fn customer_socket(
    server: &TestServer,
    visitor: &Visitor,
    conversation: i64,
    after: i64,
) -> Socket {
    let path = format!("/chat/socket?conversation={conversation}&after={after}&token={}", visitor.token);
    connect(server, &path, &visitor.cookie, Some(&server.base_url))
        .await
        .expect("the customer's socket opens")
}

pub async fn agent_socket(server: &TestServer, agent: &StaffLogin, conversation: i64, after: i64) -> Socket {
    let path = format!("/console/conversations/{conversation}/socket?after={after}");
    connect(server, &path, &agent.cookie, Some(&server.base_url)).await.expect("the agent's socket opens")
}

/// `visitor` opens `path` on `server`, as their browser would with its cookie.
pub async fn views_page(server: &TestServer, visitor: &Visitor, path: &str) {
    let page =
        reqwest::Client::new().get(server.url(path)).header("cookie", &visitor.cookie).send().await.unwrap();
    assert_eq!(page.status(), 200, "GET {path}");
}

pub async fn send(socket: &mut Socket, frame: Value) {
    socket.send(Message::text(frame.to_string())).await.unwrap();
}

/// The next chat frame (pings and pongs skipped), or `None` when the socket closed.
pub async fn next_frame(socket: &mut Socket) -> Option<Value> {
    loop {
        let received =
            tokio::time::timeout(PATIENCE, socket.next()).await.expect("a frame within the patience");
        match received {
            Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(other)) => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Reads frames until one of `kind`, returning it and the ones before it.
pub async fn frame_of(socket: &mut Socket, kind: &str) -> (Value, Vec<Value>) {
    let mut before = Vec::new();
    loop {
        let frame =
            next_frame(socket).await.unwrap_or_else(|| panic!("closed before a {kind} frame: {before:?}"));
        if frame["type"] == kind {
            return (frame, before);
        }
        before.push(frame);
    }
}

/// The close frame the server ended the socket with.
async fn close_frame(socket: &mut Socket) -> Option<CloseFrame> {
    loop {
        match tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the socket closes within the patience")
        {
            Some(Ok(Message::Close(frame))) => return frame,
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return None,
        }
    }
}

/// Reads frames until `count` messages have arrived, returning every frame read.
pub async fn frames_until_messages(socket: &mut Socket, count: usize) -> Vec<Value> {
    let mut frames = Vec::new();
    while sequence_numbers(&frames).len() < count {
        let frame = next_frame(socket).await;
        frames.push(frame.unwrap_or_else(|| panic!("closed after {frames:?}")));
    }
    frames
}

fn acks(frames: &[Value]) -> Vec<(String, i64)> {
    frames
        .iter()
        .filter(|frame| frame["type"] == "ack")
        .map(|frame| (frame["client_id"].as_str().unwrap().to_owned(), frame["seq"].as_i64().unwrap()))
        .collect()
}

pub fn sequence_numbers(frames: &[Value]) -> Vec<i64> {
    frames
        .iter()
        .filter(|frame| frame["type"] == "message")
        .map(|frame| frame["seq"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_twice_with_one_client_id_is_stored_and_delivered_once() {
    let server = TestServer::start(Fixture::new()).await;
    let visitor = visitor(&server).await;
    let (conversation, agent) = conversation_with_agent(&server, &visitor).await;
    let mut customer = customer_socket(&server, &visitor, conversation, 0).await;
    let mut console = agent_socket(&server, &agent, conversation, 0).await;
    let (status, _) = frame_of(&mut customer, "status").await;
    assert_eq!((status["state"].as_str(), status["agent"].as_str()), (Some("active"), Some("Staff")));
    frame_of(&mut console, "status").await;

    let hello = json!({"type": "send", "client_id": "m-1", "text": "Hello, my invoice shows the wrong VAT"});
    send(&mut customer, hello.clone()).await;
    send(&mut customer, hello).await;
    let mut customer_frames = frames_until_messages(&mut customer, 1).await;
    while acks(&customer_frames).len() < 2 {
        customer_frames.push(next_frame(&mut customer).await.unwrap());
    }
    assert_eq!(
        acks(&customer_frames),
        [("m-1".to_owned(), 1), ("m-1".to_owned(), 1)],
        "a retry gets the same number"
    );

    send(&mut console, json!({"type": "send", "client_id": "a-1", "text": "Let me look"})).await;
    let agent_frames = frames_until_messages(&mut console, 2).await;
    assert_eq!(
        sequence_numbers(&agent_frames),
        [1, 2],
        "the agent gets the customer's message once, then theirs"
    );
    assert_eq!(acks(&agent_frames), [("a-1".to_owned(), 2)]);
    customer_frames.extend(frames_until_messages(&mut customer, 1).await);
    assert_eq!(sequence_numbers(&customer_frames), [1, 2], "{customer_frames:?}");
    let reply = customer_frames.iter().rfind(|frame| frame["type"] == "message").unwrap();
    assert_eq!(reply["author"], "Staff", "customers see the agent's first name");
    assert_eq!(reply["body"], json!({"kind": "text", "text": "Let me look"}));

    let stored = server.chat.conversations.messages_after(conversation, 0, 10).await.unwrap();
    assert_eq!(stored.len(), 2, "{stored:?}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_with_the_last_number_gets_exactly_what_was_missed_in_order() {
    let server = TestServer::start(Fixture::new()).await;
    let visitor = visitor(&server).await;
    let (conversation, agent) = conversation_with_agent(&server, &visitor).await;
    let mut customer = customer_socket(&server, &visitor, conversation, 0).await;
    for n in 1..=3 {
        send(
            &mut customer,
            json!({"type": "send", "client_id": format!("m-{n}"), "text": format!("part {n}")}),
        )
        .await;
    }
    let seen = frames_until_messages(&mut customer, 3).await;
    assert_eq!(sequence_numbers(&seen), [1, 2, 3]);
    drop(customer);

    let mut console = agent_socket(&server, &agent, conversation, 3).await;
    for n in 1..=2 {
        send(
            &mut console,
            json!({"type": "send", "client_id": format!("a-{n}"), "text": format!("answer {n}")}),
        )
        .await;
    }
    let agent_frames = frames_until_messages(&mut console, 2).await;
    assert_eq!(sequence_numbers(&agent_frames), [4, 5], "the agent resumed after 3: nothing before it again");

    let mut customer = customer_socket(&server, &visitor, conversation, 3).await;
    let missed = frames_until_messages(&mut customer, 2).await;
    assert_eq!(sequence_numbers(&missed), [4, 5]);
    assert_eq!(missed[0]["type"], "status", "the status comes first");
    // Then nothing more: a message sent now is the next thing the socket says.
    send(&mut console, json!({"type": "send", "client_id": "a-3", "text": "anything else?"})).await;
    let next = frames_until_messages(&mut customer, 1).await;
    assert_eq!(sequence_numbers(&next), [6], "{next:?}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_frames_close_with_1009_garbage_with_1007_and_nothing_is_stored() {
    let server = TestServer::start(Fixture::new()).await;
    let visitor = visitor(&server).await;
    let (conversation, _agent) = conversation_with_agent(&server, &visitor).await;

    let mut customer = customer_socket(&server, &visitor, conversation, 0).await;
    let huge = "x".repeat(100 * 1024);
    let _ = customer
        .send(Message::text(json!({"type": "send", "client_id": "big", "text": huge}).to_string()))
        .await;
    let close = close_frame(&mut customer).await.expect("a close frame");
    assert_eq!(u16::from(close.code), 1009, "{close:?}");

    for garbage in ["not json", r#"{"type":"send","client_id":"g-1"}"#, r#"{"type":"shout","text":"hi"}"#] {
        let mut customer = customer_socket(&server, &visitor, conversation, 0).await;
        customer.send(Message::text(garbage)).await.unwrap();
        let close = close_frame(&mut customer).await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1007, "{garbage}: {close:?}");
    }

    let mut customer = customer_socket(&server, &visitor, conversation, 0).await;
    let too_long = "é".repeat(4_001);
    send(&mut customer, json!({"type": "send", "client_id": "long", "text": too_long})).await;
    let (rejected, _) = frame_of(&mut customer, "rejected").await;
    assert_eq!((rejected["client_id"].as_str(), rejected["retry"].as_bool()), (Some("long"), Some(false)));
    assert!(rejected["words"].as_str().unwrap().contains("4000 characters"), "{rejected}");
    assert!(server.chat.conversations.messages_after(conversation, 0, 10).await.unwrap().is_empty());
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_many_times_the_sockets_read_buffer_but_within_the_limit_is_read_whole() {
    let server = TestServer::start(Fixture::new()).await;
    let visitor = visitor(&server).await;
    let (conversation, _agent) = conversation_with_agent(&server, &visitor).await;
    let mut customer = customer_socket(&server, &visitor, conversation, 0).await;

    // The longest text, in four-byte characters, with the JSON padded by whitespace
    // to just under the 64 KiB frame limit: sixteen times the 4 KiB read buffer.
    let text = "\u{1F600}".repeat(4_000);
    let frame = json!({"type": "send", "client_id": "wide", "text": text}).to_string();
    let padded = frame.clone() + &" ".repeat(64 * 1024 - 16 - frame.len());
    customer.send(Message::text(padded)).await.unwrap();
    let (ack, _) = frame_of(&mut customer, "ack").await;
    assert_eq!(ack["client_id"], "wide", "{ack}");
    let (message, _) = frame_of(&mut customer, "message").await;
    assert_eq!(message["body"]["text"].as_str(), Some(text.as_str()), "delivered whole");
    let stored = server.chat.conversations.messages_after(conversation, 0, 10).await.unwrap();
    assert_eq!(stored.len(), 1, "stored once");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_needs_the_portals_origin_the_visitors_own_token_and_their_own_conversation() {
    let server = TestServer::start(Fixture::new()).await;
    let visitor = visitor(&server).await;
    let intruder = self::visitor(&server).await;
    let (conversation, agent) = conversation_with_agent(&server, &visitor).await;
    let own = format!("/chat/socket?conversation={conversation}&token={}", visitor.token);
    let status = |result: Result<Socket, WsError>| match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("{other}"),
        Ok(_) => 101,
    };

    assert_eq!(status(connect(&server, &own, &visitor.cookie, Some("http://evil.example")).await), 403);
    assert_eq!(status(connect(&server, &own, &visitor.cookie, None).await), 403, "no Origin");
    let without_token = format!("/chat/socket?conversation={conversation}");
    assert_eq!(status(connect(&server, &without_token, &visitor.cookie, Some(&server.base_url)).await), 403);
    let someone_elses_token = format!("/chat/socket?conversation={conversation}&token={}", intruder.token);
    assert_eq!(
        status(connect(&server, &someone_elses_token, &visitor.cookie, Some(&server.base_url)).await),
        403
    );
    let theirs = format!("/chat/socket?conversation={conversation}&token={}", intruder.token);
    assert_eq!(
        status(connect(&server, &theirs, &intruder.cookie, Some(&server.base_url)).await),
        404,
        "another visitor's conversation is answered as one that does not exist"
    );
    let missing = format!("/chat/socket?conversation=999999&token={}", visitor.token);
    assert_eq!(status(connect(&server, &missing, &visitor.cookie, Some(&server.base_url)).await), 404);
    assert_eq!(status(connect(&server, &own, &visitor.cookie, Some(&server.base_url)).await), 101);

    let console = format!("/console/conversations/{conversation}/socket");
    assert_eq!(
        status(connect(&server, &console, &visitor.cookie, Some(&server.base_url)).await),
        303,
        "to sign in"
    );
    let editor = staff_login(&server.database, StaffRole::Editor).await;
    assert_eq!(status(connect(&server, &console, &editor.cookie, Some(&server.base_url)).await), 403);
    let other_agent = staff_login(&server.database, StaffRole::Agent).await;
    assert_eq!(status(connect(&server, &console, &other_agent.cookie, Some(&server.base_url)).await), 403);
    assert_eq!(status(connect(&server, &console, &agent.cookie, Some("http://evil.example")).await), 403);
    assert_eq!(status(connect(&server, &console, &agent.cookie, Some(&server.base_url)).await), 101);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_socket_is_throttled_and_then_closed_while_another_conversation_flows() {
    let server = TestServer::start(Fixture::new()).await;
    let flooder = visitor(&server).await;
    let (flooded, _) = conversation_with_agent(&server, &flooder).await;
    let calm = visitor(&server).await;
    let (calm_conversation, calm_agent) = conversation_with_agent(&server, &calm).await;

    let mut flood = customer_socket(&server, &flooder, flooded, 0).await;
    for n in 0..200 {
        let frame = json!({"type": "send", "client_id": format!("f-{n}"), "text": "spam"});
        if flood.send(Message::text(frame.to_string())).await.is_err() {
            break;
        }
    }
    let mut console = agent_socket(&server, &calm_agent, calm_conversation, 0).await;
    send(&mut console, json!({"type": "send", "client_id": "a-1", "text": "Still here for you"})).await;
    let mut customer = customer_socket(&server, &calm, calm_conversation, 0).await;
    assert_eq!(sequence_numbers(&frames_until_messages(&mut customer, 1).await), [1]);

    let mut frames = Vec::new();
    let close = loop {
        match tokio::time::timeout(PATIENCE, flood.next()).await.expect("the flood is answered") {
            Some(Ok(Message::Text(text))) => frames.push(serde_json::from_str::<Value>(&text).unwrap()),
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            None | Some(Err(_)) => break None,
        }
    };
    let refused: Vec<&Value> = frames.iter().filter(|frame| frame["type"] == "rejected").collect();
    assert!(!refused.is_empty() && refused.iter().all(|frame| frame["retry"] == true), "{frames:?}");
    assert_eq!(close.map(|frame| u16::from(frame.code)), Some(1008));
    let stored = server.chat.conversations.messages_after(flooded, 0, 1_000).await.unwrap().len();
    assert!(stored <= 30, "the burst and a few more were stored, not the flood: {stored}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_sees_the_page_the_customer_opens_and_the_customer_is_not_told() {
    let server = TestServer::start(Fixture::new()).await;
    let visitor = visitor(&server).await;
    let (conversation, agent) = conversation_with_agent(&server, &visitor).await;
    let mut customer = customer_socket(&server, &visitor, conversation, 0).await;
    let mut console = agent_socket(&server, &agent, conversation, 0).await;
    // The status comes after the agent's socket follows the customer's pages.
    frame_of(&mut customer, "status").await;
    frame_of(&mut console, "status").await;

    views_page(&server, &visitor, "/articles/void-an-invoice").await;
    let (now_on, _) = frame_of(&mut console, "now_on").await;
    assert_eq!(
        now_on,
        json!({"type": "now_on", "title": "Void an invoice", "href": "/articles/void-an-invoice"})
    );

    send(&mut customer, json!({"type": "send", "client_id": "m-1", "text": "Found it, thanks"})).await;
    let (_, before_ack) = frame_of(&mut customer, "ack").await;
    assert!(
        before_ack.iter().all(|frame| frame["type"] != "now_on"),
        "the customer's side never hears of it: {before_ack:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_sockets_count_against_the_connection_limit_until_they_close() {
    let server =
        TestServer::start_with(Fixture::new(), |config| config.connections.max_connections = 2).await;
    let visitor = visitor(&server).await;
    let (conversation, agent) = conversation_with_agent(&server, &visitor).await;
    let customer = customer_socket(&server, &visitor, conversation, 0).await;
    let _console = agent_socket(&server, &agent, conversation, 0).await;

    // Both places are held by sockets: a page waits in the backlog (a window in
    // which nothing may happen, not a wait for something to happen).
    let mut page = tokio::spawn(reqwest::get(server.url("/healthz")));
    let early = tokio::time::timeout(Duration::from_millis(500), &mut page).await;
    assert!(early.is_err(), "a page was served while two sockets held both places");

    drop(customer);
    let served = tokio::time::timeout(PATIENCE, page).await.expect("served once a socket closed").unwrap();
    assert_eq!(served.unwrap().text().await.unwrap(), "ok");
    server.stop().await.unwrap();
}
