//! Slows password guessing down, per account and per client address. Every
//! attempt takes a token from both buckets before any hashing happens, so a burst
//! of simultaneous guesses cannot all slip through while the first ones are still
//! being checked. Each bucket holds five and refills five a minute; once one runs
//! dry, it stays shut for 30 seconds, then twice as long each time it runs dry
//! again, up to 15 minutes, until it has been quiet for 15 minutes. A success
//! forgets the account's record and gives the address its token back, so a
//! shared office address is slowed only by its mistakes.
//!
//! Memory is bounded: at most [`MAX_TRACKED`] keys; past that, quiet records are
//! forgotten first, then the least recently used.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const BURST: f64 = 5.0;
const PER_SECOND: f64 = 5.0 / 60.0;
const FIRST_LOCK: Duration = Duration::from_secs(30);
const LONGEST_LOCK: Duration = Duration::from_secs(15 * 60);
/// A record quiet this long starts again from scratch.
const FORGET_AFTER: Duration = LONGEST_LOCK;
pub const MAX_TRACKED: usize = 10_000;

/// What attempts are counted against. Accounts by a digest of the email as typed
/// (whether or not such an account exists, so the answer never tells), addresses
/// by IPv4 address or IPv6 /64 (one subscriber's usual share).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    Account([u8; 32]),
    Address(IpAddr),
}

impl ThrottleKey {
    pub fn account(normalised_email: &str) -> ThrottleKey {
        ThrottleKey::Account(Sha256::digest(normalised_email.as_bytes()).into())
    }

    pub fn address(address: IpAddr) -> ThrottleKey {
        match address {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ThrottleKey::Address(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    ThrottleKey::Address(IpAddr::V6(prefix.into()))
                }
            },
            v4 => ThrottleKey::Address(v4),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Record {
    tokens: f64,
    updated: Instant,
    /// How many times the bucket has run dry since the record was last quiet.
    strikes: u32,
    locked_until: Option<Instant>,
}

impl Record {
    fn fresh(now: Instant) -> Record {
        Record { tokens: BURST, updated: now, strikes: 0, locked_until: None }
    }

    fn is_quiet(&self, now: Instant) -> bool {
        let unlocked = self.locked_until.is_none_or(|until| until <= now);
        unlocked && now.saturating_duration_since(self.updated) >= FORGET_AFTER
    }

    /// How long until this record lets an attempt through (zero: now).
    fn wait(&self, now: Instant) -> Duration {
        match self.locked_until {
            Some(until) if until > now => until - now,
            _ => Duration::ZERO,
        }
    }

    fn refill(&mut self, now: Instant) {
        if self.is_quiet(now) {
            *self = Record::fresh(now);
            return;
        }
        let refill = now.saturating_duration_since(self.updated).as_secs_f64() * PER_SECOND;
        self.tokens = (self.tokens + refill).min(BURST);
        self.updated = now;
    }
}

#[derive(Debug, Default)]
pub struct SignInThrottle {
    records: Mutex<HashMap<ThrottleKey, Record>>,
}

impl SignInThrottle {
    /// Takes one attempt from every key's bucket, or takes none and says how long to
    /// wait. A key whose bucket is dry is locked for a growing time.
    pub fn attempt(&self, keys: &[ThrottleKey], now: Instant) -> Result<(), Duration> {
        let mut records = self.records.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        make_room(&mut records, keys, now);
        let mut wait = Duration::ZERO;
        for key in keys {
            let record = records.entry(*key).or_insert_with(|| Record::fresh(now));
            record.refill(now);
            let locked = record.wait(now);
            let lock = if locked > Duration::ZERO {
                locked
            } else if record.tokens < 1.0 {
                record.strikes += 1;
                let lock = FIRST_LOCK.saturating_mul(1 << (record.strikes - 1).min(16)).min(LONGEST_LOCK);
                record.locked_until = Some(now + lock);
                lock
            } else {
                Duration::ZERO
            };
            wait = wait.max(lock);
        }
        if wait > Duration::ZERO {
            return Err(wait);
        }
        for key in keys {
            if let Some(record) = records.get_mut(key) {
                record.tokens -= 1.0;
            }
        }
        Ok(())
    }

    /// A correct password: the account starts afresh and the address gets back
    /// the attempt it spent.
    pub fn succeeded(&self, account: ThrottleKey, address: ThrottleKey) {
        let mut records = self.records.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        records.remove(&account);
        if let Some(record) = records.get_mut(&address) {
            record.tokens = (record.tokens + 1.0).min(BURST);
        }
    }

    pub fn tracked(&self) -> usize {
        self.records.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }
}

/// Keeps the map at [`MAX_TRACKED`] keys with room for `incoming`. When full of
/// records that are not quiet, the least recently used tenth goes at once, so a
/// flood of new keys costs one scan per thousand keys, not one per key.
fn make_room(records: &mut HashMap<ThrottleKey, Record>, incoming: &[ThrottleKey], now: Instant) {
    let new = incoming.iter().filter(|key| !records.contains_key(key)).count();
    if records.len() + new <= MAX_TRACKED {
        return;
    }
    records.retain(|_, record| !record.is_quiet(now));
    if records.len() + new <= MAX_TRACKED {
        return;
    }
    let mut by_age: Vec<(Instant, ThrottleKey)> = records
        .iter()
        .filter(|(key, _)| !incoming.contains(key))
        .map(|(key, record)| (record.updated, *key))
        .collect();
    let evict = (MAX_TRACKED / 10).max(new).min(by_age.len());
    if evict == 0 {
        return;
    }
    by_age.select_nth_unstable_by_key(evict - 1, |(updated, _)| *updated);
    for (_, key) in &by_age[..evict] {
        records.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn keys(email: &str, last_octet: u8) -> [ThrottleKey; 2] {
        [
            ThrottleKey::account(email),
            ThrottleKey::address(IpAddr::V4(Ipv4Addr::new(203, 0, 113, last_octet))),
        ]
    }

    #[test]
    fn five_attempts_a_minute_then_a_lock_that_doubles_each_time_up_to_fifteen_minutes() {
        let throttle = SignInThrottle::default();
        let start = Instant::now();
        let attempt = keys("ana@example.com", 1);
        for n in 0..5 {
            assert_eq!(throttle.attempt(&attempt, start), Ok(()), "attempt {n}");
        }
        assert_eq!(throttle.attempt(&attempt, start), Err(Duration::from_secs(30)));
        assert_eq!(throttle.attempt(&attempt, start + Duration::from_secs(10)), Err(Duration::from_secs(20)));
        // After the lock, the bucket has refilled by 30 s × 5/min = 2.5 attempts.
        let mut now = start + Duration::from_secs(30);
        assert_eq!(throttle.attempt(&attempt, now), Ok(()));
        assert_eq!(throttle.attempt(&attempt, now), Ok(()));
        assert_eq!(throttle.attempt(&attempt, now), Err(Duration::from_secs(60)), "twice as long");
        let mut expected = Duration::from_secs(60);
        for _ in 0..10 {
            now += expected;
            while throttle.attempt(&attempt, now).is_ok() {}
            expected = (expected * 2).min(LONGEST_LOCK);
            now += Duration::from_millis(1);
            let waited = throttle.attempt(&attempt, now).unwrap_err();
            assert!(waited <= expected, "{waited:?} <= {expected:?}");
        }
        assert_eq!(expected, LONGEST_LOCK, "the lock stops growing at fifteen minutes");
        let quiet = now + LONGEST_LOCK + FORGET_AFTER;
        assert_eq!(throttle.attempt(&attempt, quiet), Ok(()), "a quiet quarter of an hour starts afresh");
    }

    #[test]
    fn one_account_is_limited_across_addresses_and_one_address_across_accounts() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        let through =
            (0..100).filter(|n| throttle.attempt(&keys("ana@example.com", *n), now).is_ok()).count();
        assert_eq!(through, 5, "100 addresses against one account");
        let through = (0..100)
            .filter(|n| throttle.attempt(&keys(&format!("user{n}@example.com"), 200), now).is_ok())
            .count();
        assert_eq!(through, 5, "one address against 100 accounts");
    }

    #[test]
    fn a_refused_attempt_takes_nothing_and_a_success_forgives_the_account_and_refunds_the_address() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        let [ana, office] = keys("ana@example.com", 7);
        let bo = ThrottleKey::account("bo@example.com");
        for _ in 0..4 {
            throttle.attempt(&[ana, office], now).unwrap();
        }
        throttle.succeeded(ana, office);
        throttle.attempt(&[bo, office], now).unwrap();
        throttle.attempt(&[bo, office], now).unwrap();
        assert!(throttle.attempt(&[bo, office], now).is_err(), "the office's own mistakes still count");
        assert_eq!(
            throttle.attempt(&[ana, ThrottleKey::address(IpAddr::V4(Ipv4Addr::LOCALHOST))], now),
            Ok(())
        );
    }

    #[test]
    fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
        let one: Ipv6Addr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let same_subscriber: Ipv6Addr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ThrottleKey::address(one.into()), ThrottleKey::address(same_subscriber.into()));
        assert_ne!(ThrottleKey::address(one.into()), ThrottleKey::address(other.into()));
        let mapped: Ipv6Addr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(
            ThrottleKey::address(mapped.into()),
            ThrottleKey::address(Ipv4Addr::new(203, 0, 113, 9).into())
        );
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_new_keys() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for n in 0..(MAX_TRACKED as u32 * 3) {
            let address = ThrottleKey::address(IpAddr::V4(Ipv4Addr::from(n)));
            let _ = throttle.attempt(&[ThrottleKey::account(&format!("{n}@example.com")), address], now);
        }
        assert!(throttle.tracked() <= MAX_TRACKED, "{}", throttle.tracked());
        let newest = keys(&format!("{}@example.com", MAX_TRACKED * 3), 1);
        assert_eq!(throttle.attempt(&newest, now), Ok(()), "a newcomer is still tracked");
    }
}
