//! Serving connections so that idle, slow or too many clients cannot exhaust the
//! server (an attack run held 500 slowloris sockets open for a minute, and 19,980
//! idle ones used up the file descriptors until new customers timed out):
//!
//! - a request's headers must arrive within `header_read_timeout` (hyper's own
//!   timer, which starts when the connection waits for a request, and is not reset by
//!   each byte, so trickling headers does not help);
//! - a connection with no request being answered and no bytes moving for
//!   `idle_timeout` is closed;
//! - a request's body must arrive in full within `request_body_timeout` of its
//!   headers, or it is answered 408;
//! - at most `max_connections` are open: at the limit the accept waits, so new
//!   customers queue in the listen backlog instead of the process running out of
//!   file descriptors, and are served as soon as a connection closes. A chat
//!   socket counts until it closes (see [`ConnectionSlot`]).
//!
//! hyper answers a malformed request line (400) or headers that are too large (431)
//! itself, before any of our layers run, so those answers cannot carry the security
//! headers; hyper has no hook for them. They have no body (`content-length: 0`) and
//! no content type, so a browser has nothing to render or sniff, and the connection
//! is closed after them.

use super::{AppState, HttpService, service};
use crate::config::ConnectionLimits;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// A connection's place among the `max_connections`. A chat socket takes its
/// connection over from hyper, which then counts the connection as finished, so
/// each request carries the place and a socket keeps it until it closes: sockets
/// count against the limit like any other connection, and a flood of them waits in
/// the backlog instead of using up the file descriptors.
#[derive(Clone, Debug)]
pub struct ConnectionSlot {
    _permit: Arc<OwnedSemaphorePermit>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("the request body did not arrive within {0:?}")]
    BodyTimedOut(Duration),
}

/// Serves the portal on `listener` until `shutdown` completes, then lets open
/// requests finish for at most the configured timeout.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = state.connection_limits;
    let trusted_proxies = state.trusted_proxies.clone();
    let shutdown_timeout = state.shutdown_timeout;
    let recorder = state.portal.recorder.clone();
    let chat_shutdown = state.chat.shutdown.clone();
    let app = service(state);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let closed = Arc::new(Notify::new());
    // hyper-util's GracefulShutdown cannot watch a connection that may be upgraded
    // (to a chat socket), so the same two parts by hand: a signal every connection
    // watches, and a tracker to wait for them.
    let stopping = CancellationToken::new();
    let open_connections = TaskTracker::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            permit = slots.clone().acquire_owned() => ConnectionSlot {
                _permit: Arc::new(permit.expect("the connection semaphore is never closed")),
            },
        };
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    recover_from_accept_error(error, &closed).await;
                    continue;
                }
            },
        };
        let client = Client { remote, trusted_proxies: trusted_proxies.clone() };
        let connection =
            serve_connection(stream, client, slot.clone(), app.clone(), limits, stopping.clone());
        let closed = closed.clone();
        open_connections.spawn(async move {
            connection.await;
            drop(slot);
            closed.notify_waiters();
        });
    }
    // Releases the port at once; connections already accepted are finished below.
    drop(listener);
    // Chat sockets live on past their HTTP request: tell each to close (1001) so
    // clients reconnect to whichever instance answers next.
    chat_shutdown.cancel();
    tracing::info!("shutting down; waiting up to {shutdown_timeout:?} for open requests");
    stopping.cancel();
    open_connections.close();
    if tokio::time::timeout(shutdown_timeout, open_connections.wait()).await.is_err() {
        tracing::warn!("open requests did not finish within {shutdown_timeout:?}; stopping anyway");
    }
    // After the requests, so the events they queued are written too.
    if tokio::time::timeout(shutdown_timeout, recorder.finish()).await.is_err() {
        tracing::warn!("queued events were not all written within {shutdown_timeout:?}");
    }
    Ok(())
}

/// A connection reset before it was accepted needs nothing. Otherwise the process is
/// out of file descriptors (held elsewhere, as the connection limit keeps ours below
/// it) or memory: wait until one of our connections closes, or a second at most,
/// rather than spinning on accept.
async fn recover_from_accept_error(error: io::Error, closed: &Notify) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!("cannot accept a connection: {error}; waiting for one to close");
    let _ = tokio::time::timeout(Duration::from_secs(1), closed.notified()).await;
}

/// Who is at the other end of a connection: its address, or, when that is a
/// trusted proxy, the address the proxy names in each request.
struct Client {
    remote: SocketAddr,
    trusted_proxies: Arc<[IpAddr]>,
}

impl Client {
    /// The last `X-Forwarded-For` entry when the connection is a trusted proxy's:
    /// the one the proxy added (earlier ones come from the client and prove nothing).
    fn address(&self, headers: &http::HeaderMap) -> SocketAddr {
        if !self.trusted_proxies.contains(&self.remote.ip()) {
            return self.remote;
        }
        let named = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok()?.rsplit(',').next()?.trim().parse::<IpAddr>().ok());
        named.map_or(self.remote, |ip| SocketAddr::new(ip, 0))
    }
}

async fn serve_connection(
    stream: TcpStream,
    client: Client,
    slot: ConnectionSlot,
    app: HttpService,
    limits: ConnectionLimits,
    stopping: CancellationToken,
) {
    let remote = client.remote;
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched { stream, activity: activity.clone() });
    let answer = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request: Request<Incoming>| {
            let answering = activity.answering();
            let mut request = request.map(Body::new);
            // What `into_make_service_with_connect_info::<SocketAddr>` provided: the
            // rate limiter tells clients apart by it.
            let address = client.address(request.headers());
            request.extensions_mut().insert(ConnectInfo(address));
            request.extensions_mut().insert(slot.clone());
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await;
                drop(answering);
                response
            }
        })
    };
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    // With upgrades, so a chat socket can take the connection over.
    let mut connection = pin!(http.serve_connection(io, answer).with_upgrades());
    let finished = tokio::select! {
        result = connection.as_mut() => Some(result),
        () = activity.idle_for(limits.idle_timeout) => {
            tracing::debug!(%remote, "closed an idle connection");
            return;
        }
        () = stopping.cancelled() => None,
    };
    let result = match finished {
        Some(result) => result,
        None => {
            // Shutting down: the request being answered finishes, then the connection closes.
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                result = connection => result,
                () = activity.idle_for(limits.idle_timeout) => return,
            }
        }
    };
    if let Err(error) = result {
        tracing::debug!(%remote, "connection closed: {error}");
    }
}

/// When a connection last moved bytes, and how many of its requests are being answered.
struct Activity {
    opened: Instant,
    /// Milliseconds after `opened`.
    last_moved: AtomicU64,
    answering: AtomicUsize,
    all_answered: Notify,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: Instant::now(),
            last_moved: AtomicU64::new(0),
            answering: AtomicUsize::new(0),
            all_answered: Notify::new(),
        }
    }

    fn moved(&self) {
        let millis = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_moved.store(millis, Ordering::Relaxed);
    }

    fn answering(self: &Arc<Self>) -> Answering {
        self.answering.fetch_add(1, Ordering::SeqCst);
        Answering(self.clone())
    }

    /// Completes once the connection has had no request being answered and no bytes
    /// moving for `timeout`. A slow handler is not idleness; a client that stops
    /// reading the answer is.
    async fn idle_for(&self, timeout: Duration) {
        loop {
            let all_answered = self.all_answered.notified();
            if self.answering.load(Ordering::SeqCst) > 0 {
                all_answered.await;
                continue;
            }
            let deadline =
                self.opened + Duration::from_millis(self.last_moved.load(Ordering::Relaxed)) + timeout;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// Held while a request is being answered (until its response head is ready).
struct Answering(Arc<Activity>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.moved();
        if self.0.answering.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.all_answered.notify_waiters();
        }
    }
}

/// The connection's socket, noting each time bytes move either way.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.moved();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.note_written(&result);
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.note_written(&result);
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

impl Watched {
    fn note_written(&self, result: &Poll<io::Result<usize>>) {
        if matches!(result, Poll::Ready(Ok(written)) if *written > 0) {
            self.activity.moved();
        }
    }
}

/// Gives each request body a deadline, set when its headers have arrived: hyper
/// would wait for a body as long as the client keeps the connection open, and
/// tower-http's body timeout restarts with every chunk, so a body trickled a byte at
/// a time would never time out.
pub async fn limit_body_time(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    if http_body::Body::is_end_stream(request.body()) {
        return next.run(request).await;
    }
    let request = request.map(|body| Body::new(BodyWithDeadline::new(body, timeout)));
    next.run(request).await
}

struct BodyWithDeadline {
    body: Body,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl BodyWithDeadline {
    fn new(body: Body, timeout: Duration) -> BodyWithDeadline {
        BodyWithDeadline { body, timeout, deadline: Box::pin(tokio::time::sleep(timeout)) }
    }
}

impl http_body::Body for BodyWithDeadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(ConnectionError::BodyTimedOut(this.timeout)))));
        }
        Pin::new(&mut this.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Whether reading a body failed because it did not arrive in time.
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.downcast_ref::<ConnectionError>().is_some() {
            return true;
        }
        cause = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Body as _;

    /// A client that always has one more byte to send, as slowly as the test lets time pass.
    struct Trickle;

    impl http_body::Body for Trickle {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"a")))))
        }
    }

    async fn next_frame(body: &mut BodyWithDeadline) -> Result<Frame<Bytes>, axum::Error> {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await;
        frame.expect("a trickle never ends")
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_trickled_a_byte_at_a_time_still_times_out_at_its_deadline() {
        let mut body = BodyWithDeadline::new(Body::new(Trickle), Duration::from_secs(2));
        for _ in 0..3 {
            assert!(next_frame(&mut body).await.is_ok(), "a byte in time is read");
            tokio::time::advance(Duration::from_millis(600)).await;
        }
        assert!(next_frame(&mut body).await.is_ok(), "1.8 s after the headers, still in time");
        tokio::time::advance(Duration::from_millis(300)).await;
        let error = next_frame(&mut body).await.unwrap_err();
        assert!(is_body_timeout(&error), "{error}");
        assert_eq!(error.to_string(), "the request body did not arrive within 2s");
    }
}
