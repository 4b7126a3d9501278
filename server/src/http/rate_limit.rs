//! Per-client rate limiting for search: a token bucket per IP address, so one client
//! typing very fast (or a script) cannot slow search down for everyone.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A burst of this many searches is always fine (search as you type sends one per pause).
const BURST: f64 = 20.0;
/// Then this many per second, sustained.
const PER_SECOND: f64 = 10.0;
/// Above this many tracked clients, buckets idle for a minute are forgotten.
const MAX_TRACKED_CLIENTS: usize = 10_000;

#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    /// Set in tests, so a burst is the same size however slowly the machine serves it.
    frozen_at: Option<Instant>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// A limiter whose clock never moves: no token is ever refilled.
    #[cfg(any(test, feature = "testing"))]
    pub fn frozen() -> RateLimiter {
        RateLimiter { frozen_at: Some(Instant::now()), ..RateLimiter::default() }
    }

    fn now(&self) -> Instant {
        self.frozen_at.unwrap_or_else(Instant::now)
    }

    /// Takes one token for `client`, or says how long until one is available.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > MAX_TRACKED_CLIENTS {
            buckets.retain(|_, bucket| now.duration_since(bucket.updated) < Duration::from_secs(60));
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: BURST, updated: now });
        let refill = now.saturating_duration_since(bucket.updated).as_secs_f64() * PER_SECOND;
        bucket.tokens = (bucket.tokens + refill).min(BURST);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / PER_SECOND))
        }
    }
}

pub async fn limit_searches(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    // Requests without a peer address (in-process tests) share one bucket.
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    match limiter.check(client, limiter.now()) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            super::error::HttpError::SearchingTooFast { retry_after }.for_client(request.headers())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_the_bucket_refills_over_time() {
        let limiter = RateLimiter::default();
        let client = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
        let start = Instant::now();
        for _ in 0..20 {
            assert!(limiter.check(client, start).is_ok());
        }
        let wait = limiter.check(client, start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(100));
        assert!(limiter.check(client, start + Duration::from_millis(100)).is_ok());
        let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        assert!(limiter.check(other, start).is_ok(), "each client has its own bucket");
    }
}
