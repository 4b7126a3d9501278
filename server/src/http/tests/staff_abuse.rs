//! Staff sign-in under bad input: one answer for every refused sign-in, odd and
//! huge emails, unicode passwords, expired and disabled sessions, and a flood of
//! guesses from one address and from a hundred.

use super::staff::{
    PASSWORD, add, form_error, open_sign_in, post_form, session_cookie, sign_in, sign_in_body, staff_app,
};
use super::{get, header_value, service, text, with_cookies};
use crate::auth::{Password, StaffAuth};
use crate::store::staff::{StaffRole, StaffSessions};
use crate::store::{Clock, SqliteStore};
use crate::testing::Fixture;
use axum::http::StatusCode;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tower::ServiceExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_a_wrong_password_and_a_disabled_account_get_the_same_answer() {
    let fixture = Fixture::new();
    let (app, staff) = staff_app(&fixture).await;
    add(&staff, "ana@example.com", StaffRole::Editor).await;
    add(&staff, "bo@example.com", StaffRole::Agent).await;
    staff.disable_account("bo@example.com").await.unwrap();
    let page = open_sign_in(&app, "/staff/sign-in").await;
    let mut answers = Vec::new();
    for (email, password) in [
        ("nobody@example.com", PASSWORD),
        ("ana@example.com", "copper kettle evening"),
        ("bo@example.com", PASSWORD),
    ] {
        let body = sign_in_body(&page, email, password, "/editors");
        let response =
            app.clone().oneshot(post_form("/staff/sign-in", &page.visitor, body, None)).await.unwrap();
        assert!(
            response
                .headers()
                .get("set-cookie")
                .is_none_or(|cookie| !cookie.to_str().unwrap().starts_with("telepath_staff"))
        );
        let status = response.status();
        let html = text(response).await;
        assert!(html.contains(&format!(r#"value="{email}""#)), "the email is kept: {html}");
        assert!(!html.contains(password), "the password never comes back");
        assert!(html.contains(r#"name="return_to" value="/editors""#), "{html}");
        answers.push((status, form_error(&html)));
    }
    assert_eq!(answers[0].0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answers[0].1.contains("do not match an active staff account"), "{answers:?}");
    assert!(answers.iter().all(|answer| *answer == answers[0]), "{answers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_ish_and_huge_emails_and_unicode_passwords_are_handled_and_nothing_odd_is_stored() {
    let fixture = Fixture::new();
    let (app, staff) = staff_app(&fixture).await;
    let page = open_sign_in(&app, "/staff/sign-in").await;
    let huge = format!("{}@example.com", "a".repeat(10 * 1024));
    for email in ["' OR 1=1 --", "admin'--", &huge, "ana@example.com\r\nX: y"] {
        let body = sign_in_body(&page, email, PASSWORD, "");
        let response =
            app.clone().oneshot(post_form("/staff/sign-in", &page.visitor, body, None)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{email:.40}");
        let html = text(response).await;
        assert_eq!(
            form_error(&html),
            "Enter the email address of your staff account, like name@example.com.",
            "{email:.40}"
        );
        assert!(html.len() < 64 * 1024, "the huge email is not echoed in full");
    }
    let sql_ish = staff
        .add_account(
            "robert'); DROP TABLE staff_accounts;--@example.com",
            "Bobby",
            StaffRole::Agent,
            Password::new(PASSWORD),
        )
        .await;
    assert!(sql_ish.is_err(), "spaces make it no email: {sql_ish:?}");
    let quoted = staff
        .add_account(
            "o'brien@example.ie",
            "Síle O'Brien",
            StaffRole::Editor,
            Password::new("pässwörd mit ümlauten"),
        )
        .await
        .unwrap();
    let huge_add = staff.add_account(&huge, "Huge", StaffRole::Agent, Password::new(PASSWORD)).await;
    assert!(matches!(huge_add, Err(crate::auth::AuthError::InvalidEmail(_))));
    assert_eq!(staff.accounts().await.unwrap(), [quoted], "only the one real account was stored");

    // The same password typed decomposed (as some keyboards send it) signs in.
    let decomposed = "pa\u{308}sswo\u{308}rd mit u\u{308}mlauten";
    let body = sign_in_body(&page, "o'brien@example.ie", decomposed, "");
    let response = app.clone().oneshot(post_form("/staff/sign-in", &page.visitor, body, None)).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "NFC makes both spellings one password");
}

/// A clock the test moves.
#[derive(Debug, Default)]
struct MovableClock(AtomicI64);

impl Clock for MovableClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_and_a_disabled_accounts_live_session_end_at_once() {
    let fixture = Fixture::new();
    let config = fixture.config(Path::new("/nonexistent-site"));
    let mut state = crate::prepare(&config).await.unwrap();
    let clock = Arc::new(MovableClock(AtomicI64::new(crate::store::SystemClock.now_ms())));
    let store = Arc::new(SqliteStore::open(&config.database_path(), clock.clone()).await.unwrap());
    state.staff = StaffAuth::new(store.clone(), store.clone(), false).unwrap();
    let staff = state.staff.clone();
    let app = service(state);
    add(&staff, "ana@example.com", StaffRole::Editor).await;
    add(&staff, "bo@example.com", StaffRole::Editor).await;

    let (ana, _) = sign_in(&app, "ana@example.com").await;
    let (bo, _) = sign_in(&app, "bo@example.com").await;
    clock.0.fetch_add(7 * 3600 * 1000, Ordering::SeqCst);
    assert_eq!(
        app.clone().oneshot(with_cookies("/editors", &ana)).await.unwrap().status(),
        StatusCode::OK,
        "7 h idle is fine"
    );
    clock.0.fetch_add(8 * 3600 * 1000, Ordering::SeqCst);
    let expired = app.clone().oneshot(with_cookies("/editors", &bo)).await.unwrap();
    assert_eq!(expired.status(), StatusCode::SEE_OTHER, "8 h idle ends it");
    assert!(session_cookie(&expired).ends_with('='), "and the cookie is cleared");

    let (ana, _) = sign_in(&app, "ana@example.com").await;
    assert_eq!(app.clone().oneshot(with_cookies("/editors", &ana)).await.unwrap().status(), StatusCode::OK);
    staff.disable_account("ana@example.com").await.unwrap();
    let gone = app.clone().oneshot(with_cookies("/editors", &ana)).await.unwrap();
    assert_eq!(gone.status(), StatusCode::SEE_OTHER, "the next request already finds it ended");
    let digest =
        crate::auth::SessionToken::parse(ana.trim_start_matches("telepath_staff=")).unwrap().digest();
    assert!(store.live_session(&digest, crate::auth::SESSION_LIMITS).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_guesses_is_throttled_per_address_and_per_account_and_the_server_keeps_answering() {
    let fixture = Fixture::new();
    let (app, staff) = staff_app(&fixture).await;
    add(&staff, "ana@example.com", StaffRole::Editor).await;
    let page = open_sign_in(&app, "/staff/sign-in").await;
    let guess = |email: &str, n: usize, client: SocketAddr| {
        let body = sign_in_body(&page, email, &format!("guess number {n}"), "");
        post_form("/staff/sign-in", &page.visitor, body, Some(client))
    };

    // 1,000 guesses from one address, at many accounts.
    let one_address: SocketAddr = "203.0.113.7:40000".parse().unwrap();
    let mut through = 0;
    for n in 0..1_000 {
        let response =
            app.clone().oneshot(guess(&format!("user{n}@example.com"), n, one_address)).await.unwrap();
        match response.status() {
            StatusCode::UNPROCESSABLE_ENTITY => through += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                let retry: u64 = header_value(&response, "retry-after").parse().unwrap();
                assert!((1..=900).contains(&retry), "{retry}");
            }
            other => panic!("guess {n}: {other}"),
        }
        if n % 250 == 0 {
            assert_eq!(
                get(&app, "/healthz").await.status(),
                StatusCode::OK,
                "the server answers during the flood"
            );
        }
    }
    assert_eq!(through, 5, "one address: five guesses reach a password check");

    // 1,000 guesses at one account from 100 addresses.
    let mut through = 0;
    for n in 0..1_000 {
        let client = SocketAddr::from(([198, 51, 100, (n % 100) as u8], 40000));
        let response = app.clone().oneshot(guess("ana@example.com", n, client)).await.unwrap();
        if response.status() == StatusCode::UNPROCESSABLE_ENTITY {
            through += 1;
        }
    }
    assert_eq!(through, 5, "one account: five guesses reach a password check");

    // The right password is throttled too while the account is locked: the lock
    // does not tell a right guess from a wrong one.
    let locked = sign_in_body(&page, "ana@example.com", PASSWORD, "");
    let client = SocketAddr::from(([192, 0, 2, 1], 40000));
    let response =
        app.clone().oneshot(post_form("/staff/sign-in", &page.visitor, locked, Some(client))).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(form_error(&text(response).await).starts_with("Too many sign-in attempts. Wait"));
}
