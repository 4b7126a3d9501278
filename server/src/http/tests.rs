//! In-process router tests: status codes, headers and server-rendered HTML.

use super::{HttpService, service};
use crate::testing::{Fixture, article};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::path::Path;
use telepath_domain::{EventKind, ListedPage};
use tower::ServiceExt;

/// The service and the portal behind it, whose stores tests read.
async fn app(fixture: &Fixture) -> (HttpService, crate::portal::Portal) {
    app_with(fixture, |_| {}).await
}

/// The same, with a setting or two changed first.
async fn app_with(
    fixture: &Fixture,
    configure: impl FnOnce(&mut crate::Config),
) -> (HttpService, crate::portal::Portal) {
    let mut config = fixture.config(Path::new("/nonexistent-site"));
    configure(&mut config);
    let mut state = crate::prepare(&config).await.unwrap();
    state.search_limiter = std::sync::Arc::new(super::RateLimiter::frozen());
    let store = state.portal.clone();
    (service(state), store)
}

async fn get(app: &HttpService, uri: &str) -> Response {
    app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap()
}

async fn text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn header_value<'a>(response: &'a Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

/// A returning visitor: the id cookie the server gave them and the token their forms carry.
struct Session {
    cookie: String,
    token: String,
}

async fn session(app: &HttpService) -> Session {
    let response = get(app, "/").await;
    let cookie = header_value(&response, "set-cookie").split(';').next().unwrap().to_owned();
    assert!(cookie.starts_with("telepath_visitor="), "{cookie}");
    let html = text(response).await;
    let (_, after) =
        html.split_once(r#"name="_csrf" value=""#).expect("the home page has a form with a token");
    let token = after.split('"').next().unwrap().to_owned();
    Session { cookie, token }
}

impl Session {
    fn body(&self, fields: &str) -> String {
        if fields.is_empty() {
            format!("_csrf={}", self.token)
        } else {
            format!("{fields}&_csrf={}", self.token)
        }
    }
}

fn feedback_post(visitor: &Session, fetch_site: &str, body: &str) -> Request<Body> {
    let body = visitor.body(body);
    Request::post("/api/feedback")
        .header(header::COOKIE, &visitor.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://localhost/articles/send-an-invoice")
        .header("sec-fetch-site", fetch_site)
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn guidance_fixture() -> Fixture {
    let fixture = Fixture::new();
    let thing = "[[thing]]\ntitle = \"Your dashboard\"\nbody = \"It shows **who owes you**.\"\nimage = \"../media/logo.txt\"\nimage_alt = \"The dashboard\"\n";
    fixture.write(
        "kits/newcomer.md",
        &format!(
            "+++\nlevel = \"newcomer\"\ntitle = \"Welcome to Acme\"\nintro = \"Five things.\"\nnext_step_label = \"Send an invoice\"\nnext_step_href = \"/articles/send-an-invoice\"\n{}+++\n",
            thing.repeat(5)
        ),
    );
    let mistake = |n: usize, field: &str| {
        format!(
            "[[mistake]]\ntitle = \"Mistake {n}\"\nwhat_people_do = \"Do {n}\"\nwhy_it_fails = \"Fails {n}\"\nhow_to_avoid = \"Avoid {n}\"\n{field}"
        )
    };
    let mistakes: String =
        (1..=5).map(|n| mistake(n, if n == 2 { "field = \"order\"\n" } else { "" })).collect();
    fixture.write(
        "tasks/change-address.md",
        &format!(
            "+++\ntitle = \"Change your address\"\nsummary = \"Send the reader elsewhere.\"\ncategory = \"account\"\nwhat_happens_next = \"We update the parcel within 1 business day.\"\n\n[[field]]\nname = \"order\"\nlabel = \"Order number\"\nkind = \"text\"\nrequired = true\npattern = \"^TAP-[0-9]{{6}}$\"\npattern_hint = \"TAP- and 6 digits\"\n\n[[field]]\nname = \"note\"\nlabel = \"Note\"\nkind = \"textarea\"\nmax_length = 200\n{mistakes}+++\nUse this form before the parcel ships.\n"
        ),
    );
    fixture.write(
        "notices/current.md",
        "+++\ntitle = \"Deliveries are slower\"\nseverity = \"warning\"\nstarts = 2020-01-01T00:00:00Z\nends = 2099-01-01T00:00:00Z\n+++\nTwo extra days.\n",
    );
    fixture.write(
        "notices/past.md",
        "+++\ntitle = \"An old outage\"\nseverity = \"critical\"\nstarts = 2020-01-01T00:00:00Z\nends = 2020-01-02T00:00:00Z\n+++\nOver.\n",
    );
    fixture.write(
        "notices/future.md",
        "+++\ntitle = \"Planned maintenance\"\nseverity = \"info\"\nstarts = 2098-01-01T00:00:00Z\nends = 2098-01-02T00:00:00Z\n+++\nLater.\n",
    );
    fixture
}

fn form_post(visitor: &Session, uri: &str, body: &str) -> Request<Body> {
    let body = visitor.body(body);
    Request::post(uri)
        .header(header::COOKIE, &visitor.cookie)
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len())
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// Follows redirects on this site as a browser would, and answers the last response.
async fn follow(app: &HttpService, uri: &str) -> Response {
    let mut uri = uri.to_owned();
    for _ in 0..5 {
        let response = get(app, &uri).await;
        if !response.status().is_redirection() {
            return response;
        }
        uri = header_value(&response, "location").to_owned();
        assert!(uri.starts_with('/') && !uri.starts_with("//"), "an off-site redirect: {uri}");
    }
    panic!("more than five redirects from {uri}");
}

fn with_cookies(uri: &str, cookies: &str) -> Request<Body> {
    Request::get(uri).header(header::COOKIE, cookies).body(Body::empty()).unwrap()
}

/// The `name=value` part of the response's `Set-Cookie` for `name`.
fn set_cookie(response: &Response, name: &str) -> String {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{name}=")))
        .and_then(|value| value.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie was set"))
        .to_owned()
}

/// Waits until `count` events of `kind` are stored (newest first), or fails after ten seconds.
async fn wait_for_events(
    portal: &crate::portal::Portal,
    kind: &str,
    count: usize,
) -> Vec<crate::store::StoredEvent> {
    use futures_util::StreamExt;
    let mut appended = portal.events.subscribe();
    let waited = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let events = portal.events.recent(Some(kind), 100).await.unwrap();
            if events.len() >= count {
                return events;
            }
            appended.next().await.expect("the store outlives the test");
        }
    })
    .await;
    waited.unwrap_or_else(|_| panic!("{count} `{kind}` events were not stored in time"))
}

/// A GET from a returning visitor on `help.example`, coming from `referer` if any.
fn visit(visitor: &Session, uri: &str, referer: Option<&str>) -> Request<Body> {
    let request =
        Request::get(uri).header(header::HOST, "help.example").header(header::COOKIE, &visitor.cookie);
    match referer {
        Some(referer) => request.header(header::REFERER, referer),
        None => request,
    }
    .body(Body::empty())
    .unwrap()
}

mod console;
mod effort;
mod events;
mod feedback;
mod insights;
mod pages;
mod requests;
mod search;
mod security;
mod seo;
mod staff;
mod staff_abuse;
mod task_and_article;
mod task_mistakes;
mod tasks;
mod visitors;
