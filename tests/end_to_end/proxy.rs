//! The sample nginx configuration (docs/deploy/nginx-telepath.conf), run as it is
//! with only the addresses changed, in front of three real instances sharing one
//! PostgreSQL schema: pages and chat sockets go through it to any instance, and
//! an instance that stops is passed over.

use crate::chat_crash::{Socket, open_socket, visitor_with_conversation};
use crate::chat_protocol::{agent_socket, frames_until_messages, sequence_numbers};
use crate::support::TestServer;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use telepath_server::Config;
use telepath_server::store::conversations::Claim;
use telepath_server::store::staff::StaffRole;
use telepath_server::store::{SystemClock, fresh_database};
use telepath_server::testing::{Fixture, staff_login_in};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;

/// nginx running the sample configuration, stopped when dropped.
struct Nginx {
    child: Child,
    base_url: String,
    _folder: tempfile::TempDir,
}

impl Nginx {
    async fn start(upstreams: &[&str; 3]) -> Nginx {
        let sample = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/deploy/nginx-telepath.conf"),
        )
        .expect("the sample configuration is in docs/deploy");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut site = sample.replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
        for (n, upstream) in upstreams.iter().enumerate() {
            site = site.replace(&format!("127.0.0.1:300{}", n + 1), upstream);
        }
        assert!(!site.contains("server 127.0.0.1:300"), "every sample address was replaced:\n{site}");
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().display().to_string();
        // Debian's nginx.conf, cut to what a test needs: everything in the folder.
        let main = format!(
            "pid {path}/nginx.pid;\nerror_log stderr notice;\nevents {{}}\nhttp {{\n    access_log off;\n    \
             client_body_temp_path {path}/body;\n    proxy_temp_path {path}/proxy;\n    \
             fastcgi_temp_path {path}/fastcgi;\n    uwsgi_temp_path {path}/uwsgi;\n    scgi_temp_path {path}/scgi;\n    \
             include {path}/telepath.conf;\n}}\n"
        );
        std::fs::write(folder.path().join("telepath.conf"), site).unwrap();
        std::fs::write(folder.path().join("nginx.conf"), main).unwrap();
        let mut child = Command::new("nginx")
            .args(["-e", "stderr", "-p", &path, "-c", &format!("{path}/nginx.conf"), "-g", "daemon off;"])
            .stderr(Stdio::piped())
            // Its own process group: the master and its workers end together.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .expect("nginx runs (Debian's nginx package; scripts/setup.sh installs it)");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut said = Vec::new();
        // nginx starts its workers once it listens.
        while !said.last().is_some_and(|line: &String| line.contains("start worker process")) {
            let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
                .await
                .expect("nginx starts within 20 s")
                .unwrap()
                .unwrap_or_else(|| panic!("nginx stopped: {said:?}"));
            said.push(line);
        }
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Nginx { child, base_url: format!("http://127.0.0.1:{port}"), _folder: folder }
    }
}

impl Drop for Nginx {
    /// Killing only the master would leave its workers serving the port.
    fn drop(&mut self) {
        if let Some(group) = self.child.id() {
            let _ = std::process::Command::new("kill").args(["-KILL", "--", &format!("-{group}")]).status();
        }
    }
}

async fn next_message(socket: &mut Socket) -> Value {
    loop {
        let frame =
            tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("a frame in time");
        if let Some(Ok(Message::Text(text))) = frame {
            let frame: Value = serde_json::from_str(&text).unwrap();
            if frame["type"] == "message" {
                return frame;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_behind_the_sample_nginx_serve_pages_and_chat_and_one_stopping_goes_unnoticed() {
    let (database, _schema) = fresh_database().await;
    // As the sample's comment says each instance is configured.
    let shared = |config: &mut Config| {
        config.database = Some(database.clone());
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    };
    let first = TestServer::start_with(Fixture::new(), shared).await;
    let second = TestServer::start_with(Fixture::new(), shared).await;
    let third = TestServer::start_with(Fixture::new(), shared).await;
    let nginx = Nginx::start(&[first.address(), second.address(), third.address()]).await;

    // A customer starts a chat through the proxy (page and form may reach
    // different instances) and talks over a socket through it.
    let customer = visitor_with_conversation(&nginx.base_url).await;
    let store = telepath_server::store::open(&database, Arc::new(SystemClock)).await.unwrap();
    let conversation = store.conversations_of(&customer.id, 1).await.unwrap()[0].id;
    let agent = staff_login_in(&*store, StaffRole::Agent, Some("Ana")).await;
    assert_eq!(store.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);
    let path = format!("/chat/socket?conversation={conversation}&after=1&token={}", customer.token);
    let mut socket = open_socket(&nginx.base_url, &path, &customer.cookie)
        .await
        .expect("the socket upgrades through nginx");
    let mut console = agent_socket(&third, &agent, conversation, 1).await;
    let said = json!({"type": "send", "client_id": "m-2", "text": "Through the proxy"});
    socket.send(Message::text(said.to_string())).await.unwrap();
    assert_eq!(sequence_numbers(&frames_until_messages(&mut console, 1).await), [2]);
    let reply = json!({"type": "send", "client_id": "a-1", "text": "Heard you"});
    console.send(Message::text(reply.to_string())).await.unwrap();
    let mut seen = vec![next_message(&mut socket).await["seq"].as_i64()];
    seen.push(next_message(&mut socket).await["seq"].as_i64());
    assert_eq!(seen, [Some(2), Some(3)], "the customer's own message, then the answer");

    // One instance stops (a deploy, a crash): every page still opens.
    first.stop().await.unwrap();
    let client = reqwest::Client::new();
    for _ in 0..6 {
        let page = client.get(format!("{}/articles/void-an-invoice", nginx.base_url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "nginx passes over the stopped instance");
    }
    drop((socket, console));
    second.stop().await.unwrap();
    third.stop().await.unwrap();
}

/// A search whose `X-Forwarded-For` is `forwarded_for`, when given; its status.
async fn search_status(server: &TestServer, forwarded_for: Option<&str>) -> u16 {
    let mut search = reqwest::Client::new().get(server.url("/search?q=invoice"));
    if let Some(client) = forwarded_for {
        search = search.header("x-forwarded-for", client);
    }
    search.send().await.unwrap().status().as_u16()
}

/// Searches in a burst, the `n`th naming `client(n)` in `X-Forwarded-For`, until one
/// is refused; how many passed.
async fn searches_until_refused(server: &TestServer, client: impl Fn(usize) -> String) -> usize {
    for passed in 0..200 {
        match search_status(server, Some(&client(passed))).await {
            429 => return passed,
            status => assert_eq!(status, 200),
        }
    }
    panic!("200 searches in a burst were never limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_customer_has_their_own_search_limit_and_a_forged_header_counts_for_nothing()
 {
    let trusting = TestServer::start_with(Fixture::new(), |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let one_customer = |_| "203.0.113.7".to_owned();
    assert!(searches_until_refused(&trusting, one_customer).await >= 10, "a burst is allowed first");
    assert_eq!(search_status(&trusting, None).await, 200, "the proxy's own address is another client");
    assert_eq!(
        search_status(&trusting, Some("198.51.100.1, 203.0.113.8")).await,
        200,
        "another customer the proxy names is not held up"
    );

    // Without a trusted proxy the header is the client's word, and ignored: a burst
    // naming a new customer each time is still limited as the one client it is.
    // (Checked within the burst: a refusal followed by one more search would pass
    // whenever the machine is slow enough for the bucket to refill in between.)
    let untrusting = TestServer::start(Fixture::new()).await;
    let a_new_customer_each_time = |n| format!("203.0.113.{n}");
    assert!(
        searches_until_refused(&untrusting, a_new_customer_each_time).await >= 10,
        "a burst is allowed first"
    );
    trusting.stop().await.unwrap();
    untrusting.stop().await.unwrap();
}
