//! Idle, slow and too many connections against the real server, over raw TCP where a
//! well-behaved client library would not misbehave on purpose.

use crate::support::TestServer;
use std::time::Duration;
use telepath_server::Config;
use telepath_server::testing::Fixture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Long enough never to be what closes a connection in these tests.
const NEVER: Duration = Duration::from_secs(300);
const SHORT: Duration = Duration::from_secs(1);

/// Everything the server sends until it closes the connection (end of stream, or a
/// reset if our unread bytes were still queued); fails if it is still open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open for {within:?}");
    received
}

fn with_limits(
    adjust: impl FnOnce(&mut telepath_server::config::ConnectionLimits),
) -> impl FnOnce(&mut Config) {
    move |config| {
        config.connections.header_read_timeout = NEVER;
        config.connections.idle_timeout = NEVER;
        config.connections.request_body_timeout = NEVER;
        adjust(&mut config.connections);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_its_headers_too_slowly_is_closed_at_the_header_timeout() {
    let server =
        TestServer::start_with(Fixture::new(), with_limits(|limits| limits.header_read_timeout = SHORT))
            .await;
    let mut slowloris = TcpStream::connect(server.address()).await.unwrap();
    let started = Instant::now();
    slowloris.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n").await.unwrap();
    let received = read_until_closed(&mut slowloris, SHORT * 5).await;
    assert!(started.elapsed() >= SHORT - Duration::from_millis(50), "closed after {:?}", started.elapsed());
    assert!(received.is_empty(), "no page for an unfinished request: {}", String::from_utf8_lossy(&received));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_sending_its_body_too_slowly_gets_408_in_plain_words() {
    let server =
        TestServer::start_with(Fixture::new(), with_limits(|limits| limits.request_body_timeout = SHORT))
            .await;
    let mut slow = TcpStream::connect(server.address()).await.unwrap();
    let started = Instant::now();
    slow.write_all(
        b"POST /api/feedback HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 100\r\n\r\nslug=send",
    )
    .await
    .unwrap();
    let received = String::from_utf8(read_until_closed(&mut slow, SHORT * 5).await).unwrap();
    assert!(started.elapsed() >= SHORT - Duration::from_millis(50), "answered after {:?}", started.elapsed());
    assert!(received.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{received}");
    assert!(received.contains("This form took too long to arrive. Nothing was sent."), "{received}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_every_connection_held_idle_a_new_customer_is_served_as_soon_as_one_is_closed() {
    const CAP: usize = 8;
    let server = TestServer::start_with(
        Fixture::new(),
        with_limits(|limits| {
            limits.max_connections = CAP;
            limits.idle_timeout = SHORT;
        }),
    )
    .await;
    let opened = Instant::now();
    let mut idle = Vec::new();
    for _ in 0..CAP {
        idle.push(TcpStream::connect(server.address()).await.unwrap());
    }
    // One more customer: queued in the listen backlog until an idle connection is closed.
    let response = tokio::time::timeout(SHORT * 10, reqwest::get(server.url("/healthz")))
        .await
        .expect("the customer is served once a slot is free")
        .unwrap();
    assert_eq!(response.text().await.unwrap(), "ok");
    assert!(
        opened.elapsed() >= SHORT,
        "served after {:?}: the cap let it in before an idle connection was closed",
        opened.elapsed()
    );
    for mut connection in idle {
        assert!(read_until_closed(&mut connection, SHORT * 5).await.is_empty());
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hypers_own_answers_to_broken_requests_have_no_body_to_render() {
    let server = TestServer::start(Fixture::new()).await;
    let too_many_headers: String = (0..200).map(|n| format!("X-Header-{n}: {n}\r\n")).collect();
    for (request, status_line) in [
        ("NOT A REQUEST\r\n\r\n".to_owned(), "HTTP/1.1 400 Bad Request\r\n"),
        ("GET /<script> HTTP/1.1\r\nHost: localhost\r\n\r\n".to_owned(), "HTTP/1.1 400 Bad Request\r\n"),
        (
            format!("GET / HTTP/1.1\r\nHost: localhost\r\n{too_many_headers}\r\n"),
            "HTTP/1.1 431 Request Header Fields Too Large\r\n",
        ),
    ] {
        let mut client = TcpStream::connect(server.address()).await.unwrap();
        client.write_all(request.as_bytes()).await.unwrap();
        let received = String::from_utf8(read_until_closed(&mut client, SHORT * 5).await).unwrap();
        let (head, body) = received.split_once("\r\n\r\n").expect("a complete response head");
        assert!(head.starts_with(status_line), "{received}");
        let head = head.to_ascii_lowercase();
        assert!(head.contains("content-length: 0"), "{received}");
        assert!(!head.contains("content-type"), "nothing for a browser to render or sniff: {received}");
        // hyper answers before any layer runs, so none of the security headers are here.
        assert!(!head.contains("content-security-policy"), "{received}");
        assert!(body.is_empty(), "{received}");
    }
    server.stop().await.unwrap();
}
