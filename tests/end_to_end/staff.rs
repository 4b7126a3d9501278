//! Staff in the real server and in headless chromium: an editor signs in with the
//! plain form, sees the editors' pages with their name, signs out, and is asked to
//! sign in again, with and without JavaScript. Also the helpers other journeys use
//! to visit staff pages.

use crate::browser::{Browser, click, element, screenshots, text_of};
use crate::support::TestServer;
use fantoccini::Client;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use telepath_server::auth::{Password, StaffAuth};
use telepath_server::store::staff::StaffRole;
use telepath_server::store::{SqliteStore, SystemClock};
use telepath_server::testing::Fixture;

async fn open_store(server: &TestServer) -> Arc<SqliteStore> {
    Arc::new(SqliteStore::open(&server.database, Arc::new(SystemClock)).await.expect("the database opens"))
}

/// A session cookie (`telepath_staff=…`) for a new editor, made straight in the
/// server's database, for journeys that only need to be signed in.
pub async fn editor_cookie(server: &TestServer) -> String {
    telepath_server::testing::staff_session(&server.database, StaffRole::Editor).await.0
}

/// Signs chromium in as a new editor through the sign-in form.
pub async fn sign_browser_in(client: &Client, server: &TestServer) {
    static EDITORS: AtomicUsize = AtomicUsize::new(0);
    let email = format!("gallery{}@example.com", EDITORS.fetch_add(1, Ordering::SeqCst));
    let store = open_store(server).await;
    let staff = StaffAuth::new(store.clone(), store, false).expect("the staff door opens");
    staff
        .add_account(&email, "Gallery Editor", StaffRole::Editor, Password::new(PASSWORD))
        .await
        .expect("added");
    client.goto(&server.url("/staff/sign-in")).await.unwrap();
    element(client, "[data-testid=sign-in-email]").await.send_keys(&email).await.unwrap();
    element(client, "[data-testid=sign-in-password]").await.send_keys(PASSWORD).await.unwrap();
    click(client, "[data-testid=sign-in]").await;
    element(client, "[data-testid=staff-bar]").await;
}

const EMAIL: &str = "ana@example.com";
const PASSWORD: &str = "copper kettle morning";

async fn sign_in_sign_out(client: &Client, server: &TestServer, javascript: bool) {
    let suffix = if javascript { "js" } else { "nojs" };
    client.goto(&server.url("/editors")).await.unwrap();
    element(client, "[data-testid=sign-in-form]").await;
    let url = client.current_url().await.unwrap();
    assert_eq!(
        (url.path(), url.query()),
        ("/staff/sign-in", Some("return_to=%2Feditors")),
        "asked to sign in first"
    );
    screenshots(client, &format!("staff-sign-in-{suffix}")).await;

    // A wrong password first: the form comes back with the email kept.
    element(client, "[data-testid=sign-in-email]").await.send_keys(EMAIL).await.unwrap();
    element(client, "[data-testid=sign-in-password]").await.send_keys("copper kettle evening").await.unwrap();
    click(client, "[data-testid=sign-in]").await;
    assert!(
        text_of(client, "[data-testid=sign-in-error]").await.contains("do not match an active staff account")
    );
    let kept = element(client, "[data-testid=sign-in-email]").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some(EMAIL));
    screenshots(client, &format!("staff-sign-in-refused-{suffix}")).await;

    element(client, "[data-testid=sign-in-password]").await.send_keys(PASSWORD).await.unwrap();
    click(client, "[data-testid=sign-in]").await;
    assert_eq!(text_of(client, "[data-testid=staff-name]").await, "Ana Lima");
    assert_eq!(client.current_url().await.unwrap().path(), "/editors", "back to the page asked for");
    assert_eq!(text_of(client, "main h1").await, "Content status");
    screenshots(client, &format!("staff-editors-signed-in-{suffix}")).await;

    click(client, "[data-testid=sign-out]").await;
    assert_eq!(text_of(client, "[data-testid=signed-out]").await, "You have signed out.");
    client.goto(&server.url("/editors")).await.unwrap();
    element(client, "[data-testid=sign-in-form]").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/staff/sign-in", "the editors' pages ask again");
}

async fn journey(javascript: bool) {
    let server = TestServer::start(Fixture::new()).await;
    let store = open_store(&server).await;
    let staff = StaffAuth::new(store.clone(), store, false).expect("the staff door opens");
    staff.add_account(EMAIL, "Ana Lima", StaffRole::Editor, Password::new(PASSWORD)).await.expect("added");
    Browser::run(javascript, |client| {
        let server = &server;
        async move { sign_in_sign_out(&client, server, javascript).await }
    })
    .await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_an_editor_signs_in_sees_the_editors_pages_and_signs_out() {
    journey(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_an_editor_signs_in_sees_the_editors_pages_and_signs_out() {
    journey(true).await;
}
