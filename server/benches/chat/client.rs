//! The clients: visitors who start a conversation through the chat page's form,
//! agents made straight in the database, and both ends' WebSockets
//! (docs/chat-protocol.md), as a browser and the console open them.

use futures_util::StreamExt;
use serde_json::Value;
use std::sync::Arc;
use telepath_server::auth::{SESSION_LIMITS, SessionCookie, SessionToken};
use telepath_server::store::conversations::Claim;
use telepath_server::store::staff::{NewStaffAccount, StaffRole, StoredPassword};
use telepath_server::store::{Database, Store, SystemClock};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// An anonymous visitor as the server knows them after one page: the cookie and
/// the form token.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub id: String,
    pub cookie: String,
    pub token: String,
}

/// One client for every setup request: kept-alive connections, redirects not followed.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("an HTTP client")
}

/// A new visitor: the home page's cookie and form token.
pub async fn visitor(http: &reqwest::Client, base: &str) -> Result<Visitor, String> {
    let page = http.get(format!("{base}/")).send().await.map_err(|error| format!("GET /: {error}"))?;
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("telepath_visitor="))
        .and_then(|value| value.split(';').next())
        .ok_or("GET / set no visitor cookie")?
        .to_owned();
    let html = page.text().await.map_err(|error| format!("GET /: {error}"))?;
    let token = html
        .split("<input")
        .find(|tag| tag.contains("name=\"_csrf\""))
        .and_then(|tag| tag.split("value=\"").nth(1)?.split('"').next())
        .ok_or("the home page has no form token")?
        .to_owned();
    let id = cookie.trim_start_matches("telepath_visitor=").to_owned();
    Ok(Visitor { id, cookie, token })
}

/// Starts `visitor`'s conversation the way the chat page's form does (`POST /chat`).
pub async fn start_conversation(http: &reqwest::Client, base: &str, visitor: &Visitor) -> Result<(), String> {
    let client_id = format!("open-{}", &visitor.id[..visitor.id.len().min(32)]);
    let sent = http
        .post(format!("{base}/chat"))
        .header("cookie", &visitor.cookie)
        .header("origin", base)
        .form(&[
            ("_csrf", visitor.token.as_str()),
            ("client_id", client_id.as_str()),
            ("text", "Hello, my invoice shows the wrong VAT"),
        ])
        .send()
        .await
        .map_err(|error| format!("POST /chat: {error}"))?;
    match sent.status().as_u16() {
        303 => Ok(()),
        status => Err(format!("POST /chat answered {status}")),
    }
}

/// A signed-in agent, made straight in the database as `testing::staff_login` does
/// (no password, no hashing): the session cookie as `name=value`, and the account id.
#[derive(Clone, Debug)]
pub struct Agent {
    pub id: i64,
    pub cookie: String,
}

/// `count` visitors, each with a conversation started through the chat page's
/// form, `concurrency` at a time, in the order they finished.
pub async fn visitors_with_conversations(base: &str, count: usize, concurrency: usize) -> Vec<Visitor> {
    let http = http_client();
    futures_util::stream::iter(0..count)
        .map(|_| {
            let http = &http;
            async move {
                let visitor = visitor(http, base).await?;
                start_conversation(http, base, &visitor).await?;
                Ok::<_, String>(visitor)
            }
        })
        .buffer_unordered(concurrency)
        .map(|made| made.unwrap_or_else(|error| panic!("a visitor could not start a conversation: {error}")))
        .collect()
        .await
}

/// Each visitor's conversation, in `visitors`' order. The server may be running:
/// SQLite in WAL mode takes a second process, PostgreSQL any number.
pub async fn conversations_of(database: &Database, visitors: &[Visitor]) -> Vec<i64> {
    let store =
        telepath_server::store::open(database, Arc::new(SystemClock)).await.expect("the database opens");
    let mut ids = Vec::with_capacity(visitors.len());
    for visitor in visitors {
        let newest = store.conversations_of(&visitor.id, 1).await.expect("the conversations can be read");
        ids.push(newest.first().expect("every visitor started a conversation").id);
    }
    ids
}

/// Makes as many agents as `conversations` need at `per_agent` each (the
/// `[chat] agent_capacity` of the bench's site.toml) and has them claim the
/// conversations in order. Returns the agents and, for each conversation, its
/// agent's index.
pub async fn agents_claiming(
    database: &Database,
    conversations: &[i64],
    per_agent: u32,
) -> (Vec<Agent>, Vec<usize>) {
    let store =
        telepath_server::store::open(database, Arc::new(SystemClock)).await.expect("the database opens");
    let mut agents = Vec::new();
    let mut assigned = Vec::with_capacity(conversations.len());
    for (n, conversation) in conversations.iter().enumerate() {
        let agent = n / per_agent as usize;
        if agent == agents.len() {
            agents.push(new_agent(store.as_ref(), agent).await);
        }
        let claim =
            store.claim(*conversation, agents[agent].id, per_agent).await.expect("the claim is stored");
        assert_eq!(claim, Claim::Claimed, "conversation {conversation} was claimed");
        assigned.push(agent);
    }
    (agents, assigned)
}

async fn new_agent(store: &dyn Store, n: usize) -> Agent {
    let account = NewStaffAccount {
        email: format!("agent{n}@example.com"),
        name: format!("Agent {n}"),
        role: StaffRole::Agent,
        password: StoredPassword("$argon2id$v=19$never-verified".into()),
    };
    let account = store.add_account(account).await.expect("the agent is stored");
    let token = SessionToken::generate();
    store.start_session(account.id, &token.digest(), SESSION_LIMITS).await.expect("a session is stored");
    let cookie = format!("{}={}", SessionCookie::new(false).name(), token.cookie_value());
    Agent { id: account.id, cookie }
}

/// The customer's socket for `conversation`, with everything after message `after`.
pub async fn customer_socket(
    base: &str,
    visitor: &Visitor,
    conversation: i64,
    after: i64,
) -> Result<Socket, String> {
    let path = format!("/chat/socket?conversation={conversation}&after={after}&token={}", visitor.token);
    connect(base, &path, &visitor.cookie).await
}

/// The agent's socket for `conversation`, with everything after message `after`.
pub async fn agent_socket(
    base: &str,
    agent: &Agent,
    conversation: i64,
    after: i64,
) -> Result<Socket, String> {
    let path = format!("/console/conversations/{conversation}/socket?after={after}");
    connect(base, &path, &agent.cookie).await
}

/// Opens a socket as a browser would: the page's cookie and Origin, and no Nagle
/// delay on small frames (browsers set TCP_NODELAY).
async fn connect(base: &str, path: &str, cookie: &str) -> Result<Socket, String> {
    let url = format!("{}{path}", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().map_err(|error| error.to_string())?;
    request.headers_mut().insert("cookie", cookie.parse().map_err(|_| "a cookie header".to_owned())?);
    request.headers_mut().insert("origin", base.parse().map_err(|_| "an origin header".to_owned())?);
    match tokio_tungstenite::connect_async_with_config(request, None, true).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(format!("refused with {}", response.status()))
        }
        Err(error) => Err(error.to_string()),
    }
}

/// Reads frames until message number `seq` has arrived (after the status frame that
/// opens every socket): the socket is open and the server's loop is serving it.
pub async fn read_until_message(socket: &mut Socket, seq: i64) -> Result<(), String> {
    while let Some(received) = socket.next().await {
        match received.map_err(|error| error.to_string())? {
            Message::Text(text) => {
                let frame: Value = serde_json::from_str(&text).map_err(|error| error.to_string())?;
                if frame["type"] == "message" && frame["seq"].as_i64() == Some(seq) {
                    return Ok(());
                }
            }
            Message::Close(frame) => return Err(format!("closed: {frame:?}")),
            _ => {}
        }
    }
    Err("the socket ended".to_owned())
}

/// Closes a socket from the client's side and waits for the server's answer.
pub async fn close(mut socket: Socket) {
    let _already_closed = socket.close(None).await;
    while let Some(Ok(_)) = socket.next().await {}
}
