//! Staff sign-in through the router: every protected route without a session, with
//! the wrong role and with the right one; the sign-in and sign-out forms; bad
//! cookies, disabled accounts, odd emails and a flood of guesses.

use super::{get, header_value, service, text, with_cookies};
use crate::auth::{Password, StaffAuth};
use crate::http::HttpService;
use crate::http::staff::{RoleGuard, identify_staff, require_role};
use crate::store::staff::StaffRole;
use crate::testing::Fixture;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::net::SocketAddr;
use std::path::Path;
use tower::ServiceExt;

pub(super) const PASSWORD: &str = "copper kettle morning";

/// The portal and its staff door, for tests that add accounts and sign in.
pub(super) async fn staff_app(fixture: &Fixture) -> (HttpService, StaffAuth) {
    let state = crate::prepare(&fixture.config(Path::new("/nonexistent-site"))).await.unwrap();
    let staff = state.staff.clone();
    (service(state), staff)
}

/// A session cookie (`name=value`) for a new account with `role`, made straight in
/// the fixture's database, for tests about what staff pages show.
pub(super) async fn staff_cookie(fixture: &Fixture, role: StaffRole) -> String {
    let database = fixture.config(Path::new("/")).database_path();
    crate::testing::staff_session(&database, role).await.0
}

/// GET `uri` as a newly signed-in editor.
pub(super) async fn get_as_editor(app: &HttpService, fixture: &Fixture, uri: &str) -> Response {
    let cookie = staff_cookie(fixture, StaffRole::Editor).await;
    app.clone().oneshot(with_cookies(uri, &cookie)).await.unwrap()
}

/// A browser on the sign-in page: its visitor cookie, and the form token the page carries.
pub(super) struct SignInPage {
    pub(super) visitor: String,
    pub(super) token: String,
    html: String,
}

pub(super) async fn open_sign_in(app: &HttpService, uri: &str) -> SignInPage {
    let response = get(app, uri).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    let visitor = header_value(&response, "set-cookie").split(';').next().unwrap().to_owned();
    let html = text(response).await;
    let token = html.split(r#"name="_csrf" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    SignInPage { visitor, token, html }
}

pub(super) fn post_form(uri: &str, cookies: &str, body: String, client: Option<SocketAddr>) -> Request<Body> {
    let mut request = Request::post(uri)
        .header(header::COOKIE, cookies)
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    if let Some(client) = client {
        request.extensions_mut().insert(ConnectInfo(client));
    }
    request
}

pub(super) fn sign_in_body(page: &SignInPage, email: &str, password: &str, return_to: &str) -> String {
    serde_urlencoded::to_string([
        ("email", email),
        ("password", password),
        ("return_to", return_to),
        ("_csrf", page.token.as_str()),
    ])
    .unwrap()
}

/// The `telepath_staff=…` pair a response sets.
pub(super) fn session_cookie(response: &Response) -> String {
    super::set_cookie(response, "telepath_staff")
}

pub(super) async fn add(staff: &StaffAuth, email: &str, role: StaffRole) {
    staff.add_account(email, "Ana Lima", role, Password::new(PASSWORD)).await.unwrap();
}

/// Signs in through the form and returns the session cookie pair and the visitor cookie.
pub(super) async fn sign_in(app: &HttpService, email: &str) -> (String, String) {
    let page = open_sign_in(app, "/staff/sign-in").await;
    let response = app
        .clone()
        .oneshot(post_form("/staff/sign-in", &page.visitor, sign_in_body(&page, email, PASSWORD, ""), None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
    (session_cookie(&response), page.visitor)
}

fn assert_no_store(response: &Response, what: &str) {
    assert!(header_value(response, "cache-control").contains("no-store"), "{what}: {:?}", response.headers());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_editors_route_without_a_session_goes_to_sign_in_and_comes_back() {
    let fixture = Fixture::new();
    let (app, _) = staff_app(&fixture).await;
    for (uri, back) in [
        ("/editors", "%2Feditors"),
        ("/editors?x=1", "%2Feditors%3Fx%3D1"),
        ("/editors/insights", "%2Feditors%2Finsights"),
        ("/editors/insights.csv?table=searches", "%2Feditors%2Finsights.csv%3Ftable%3Dsearches"),
        ("/editors/no-such-page", "%2Feditors%2Fno-such-page"),
    ] {
        let response = get(&app, uri).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(header_value(&response, "location"), format!("/staff/sign-in?return_to={back}"), "{uri}");
        assert_no_store(&response, uri);
    }
    for forged in
        ["telepath_staff=", "telepath_staff=nonsense", &format!("telepath_staff={}", "a".repeat(10_000))]
    {
        let response = app.clone().oneshot(with_cookies("/editors", forged)).await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{:.40}", forged);
        assert!(session_cookie(&response).ends_with('='), "a bad cookie is cleared");
    }
    let forged = format!("telepath_staff={}", crate::auth::SessionToken::generate().cookie_value());
    let response = app.clone().oneshot(with_cookies("/editors", &forged)).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "a well-formed token nobody was given");

    let page = open_sign_in(&app, "/staff/sign-in?return_to=%2Feditors%2Finsights").await;
    assert!(page.html.contains(r#"name="return_to" value="/editors/insights""#), "{}", page.html);
    let hostile = open_sign_in(&app, "/staff/sign-in?return_to=%2F%2Fevil.example").await;
    assert!(
        hostile.html.contains(r#"name="return_to" value="""#),
        "never a way off the site: {}",
        hostile.html
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editors_pages_refuse_an_agent_in_plain_words_and_open_for_editors_and_admins() {
    let fixture = Fixture::new();
    let (app, _) = staff_app(&fixture).await;
    let agent = staff_cookie(&fixture, StaffRole::Agent).await;
    for uri in
        ["/editors", "/editors/insights", "/editors/insights.csv?table=searches", "/editors/no-such-page"]
    {
        let response = app.clone().oneshot(with_cookies(uri, &agent)).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{uri}");
        assert_no_store(&response, uri);
        let html = text(response).await;
        assert!(html.contains("Your staff account cannot open this page"), "{html}");
    }
    for role in [StaffRole::Editor, StaffRole::Admin] {
        let cookie = staff_cookie(&fixture, role).await;
        let response = app.clone().oneshot(with_cookies("/editors", &cookie)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{role}");
        assert_no_store(&response, "/editors");
        let html = text(response).await;
        assert!(html.contains("Content status"), "{html}");
        assert!(
            html.contains("Signed in as <strong data-testid=\"staff-name\">Staff Member"),
            "{role}: {html}"
        );
        assert!(
            html.contains(
                r#"<form method="post" action="/staff/sign-out"><input type="hidden" name="_csrf""#
            ),
            "{html}"
        );
        let insights = app.clone().oneshot(with_cookies("/editors/insights", &cookie)).await.unwrap();
        assert_eq!(insights.status(), StatusCode::OK, "{role}");
        let unknown = app.clone().oneshot(with_cookies("/editors/no-such-page", &cookie)).await.unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "{role}: let through to whatever is there");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_guard_lets_agents_and_admins_in_and_sends_everyone_else_away() {
    let fixture = Fixture::new();
    let state = crate::prepare(&fixture.config(Path::new("/nonexistent-site"))).await.unwrap();
    let console = axum::Router::new()
        .route("/console", axum::routing::get(|| async { "the agent console" }))
        .layer(axum::middleware::from_fn_with_state(RoleGuard(StaffRole::Agent), require_role))
        .layer(axum::middleware::from_fn_with_state(state.staff.clone(), identify_staff));
    let visit = |cookie: String| {
        let console = console.clone();
        async move { console.oneshot(with_cookies("/console", &cookie)).await.unwrap() }
    };
    let anonymous = visit(String::new()).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(header_value(&anonymous, "location"), "/staff/sign-in?return_to=%2Fconsole");
    assert_no_store(&anonymous, "anonymous");
    let editor = visit(staff_cookie(&fixture, StaffRole::Editor).await).await;
    assert_eq!(editor.status(), StatusCode::FORBIDDEN);
    for role in [StaffRole::Agent, StaffRole::Admin] {
        let response = visit(staff_cookie(&fixture, role).await).await;
        assert_eq!(response.status(), StatusCode::OK, "{role}");
        assert_no_store(&response, "the console");
        assert_eq!(text(response).await, "the agent console");
    }
    let unguarded = axum::Router::new()
        .route("/console", axum::routing::get(|| async { "the agent console" }))
        .layer(axum::middleware::from_fn_with_state(RoleGuard(StaffRole::Agent), require_role));
    let cookie = staff_cookie(&fixture, StaffRole::Agent).await;
    let response = unguarded.oneshot(with_cookies("/console", &cookie)).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "without the session check nobody is in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_the_plain_form_comes_back_to_the_page_and_signing_out_ends_the_session() {
    let fixture = Fixture::new();
    let (app, staff) = staff_app(&fixture).await;
    add(&staff, "ana@example.com", StaffRole::Editor).await;
    let page = open_sign_in(&app, "/staff/sign-in?return_to=%2Feditors%3Fx%3D1").await;
    assert!(page.html.contains(r#"<label for="staff-email">Email</label>"#), "{}", page.html);
    assert!(page.html.contains(r#"autocomplete="current-password""#), "{}", page.html);
    assert!(page.html.contains(r#"<meta name="robots" content="noindex""#), "{}", page.html);

    let body = sign_in_body(&page, "  Ana@Example.com ", PASSWORD, "/editors?x=1");
    let response = app.clone().oneshot(post_form("/staff/sign-in", &page.visitor, body, None)).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(header_value(&response, "location"), "/editors?x=1");
    assert_no_store(&response, "signed in");
    let set = header_value(&response, "set-cookie");
    let value = set.strip_prefix("telepath_staff=").unwrap().split(';').next().unwrap();
    assert_eq!(value.len(), 64, "{set}");
    assert_eq!(
        set,
        format!("telepath_staff={value}; Path=/; HttpOnly; SameSite=Strict"),
        "no Secure over http"
    );
    let session = format!("telepath_staff={value}; {}", page.visitor);

    let editors = app.clone().oneshot(with_cookies("/editors", &session)).await.unwrap();
    assert_eq!(editors.status(), StatusCode::OK);
    let html = text(editors).await;
    assert!(html.contains("Signed in as <strong data-testid=\"staff-name\">Ana Lima</strong>"), "{html}");
    let own = open_sign_in_with(&app, &session).await;
    assert!(own.contains("Signed in as") && !own.contains("sign-in-form"), "{own}");

    // Signing in again rotates the session: the old token is ended, a new one set.
    let again =
        post_form("/staff/sign-in", &session, sign_in_body(&page, "ana@example.com", PASSWORD, ""), None);
    let again = app.clone().oneshot(again).await.unwrap();
    assert_eq!(header_value(&again, "location"), "/editors", "an editor's landing page");
    let rotated = session_cookie(&again);
    assert_ne!(rotated, format!("telepath_staff={value}"));
    let old = app.clone().oneshot(with_cookies("/editors", &session)).await.unwrap();
    assert_eq!(old.status(), StatusCode::SEE_OTHER, "the replaced session is over");

    let rotated_session = format!("{rotated}; {}", page.visitor);
    let out = post_form("/staff/sign-out", &rotated_session, format!("_csrf={}", page.token), None);
    let out = app.clone().oneshot(out).await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(header_value(&out, "location"), "/staff/sign-in?signed_out=yes");
    assert!(
        header_value(&out, "set-cookie").starts_with("telepath_staff=; Max-Age=0"),
        "{:?}",
        out.headers()
    );
    let replayed = app.clone().oneshot(with_cookies("/editors", &rotated_session)).await.unwrap();
    assert_eq!(replayed.status(), StatusCode::SEE_OTHER, "a replayed cookie after sign-out");
    let said = text(get(&app, "/staff/sign-in?signed_out=yes").await).await;
    assert!(said.contains("You have signed out."), "{said}");
}

async fn open_sign_in_with(app: &HttpService, cookies: &str) -> String {
    text(app.clone().oneshot(with_cookies("/staff/sign-in", cookies)).await.unwrap()).await
}

/// The error the sign-in form shows.
pub(super) fn form_error(html: &str) -> String {
    html.split(r#"data-testid="sign-in-error""#)
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_forms_need_the_form_token_and_cross_site_posts_are_refused() {
    let fixture = Fixture::new();
    let (app, staff) = staff_app(&fixture).await;
    add(&staff, "ana@example.com", StaffRole::Editor).await;
    let page = open_sign_in(&app, "/staff/sign-in").await;
    let without_token = "email=ana%40example.com&password=copper+kettle+morning".to_owned();
    let response =
        app.clone().oneshot(post_form("/staff/sign-in", &page.visitor, without_token, None)).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let mut cross_site = post_form(
        "/staff/sign-in",
        &page.visitor,
        sign_in_body(&page, "ana@example.com", PASSWORD, ""),
        None,
    );
    cross_site.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    let response = app.clone().oneshot(cross_site).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());

    let (session, visitor) = sign_in(&app, "ana@example.com").await;
    let cookies = format!("{session}; {visitor}");
    let forged_out =
        app.clone().oneshot(post_form("/staff/sign-out", &cookies, "_csrf=00".into(), None)).await.unwrap();
    assert_eq!(forged_out.status(), StatusCode::FORBIDDEN, "a sign-out without the token is refused");
    let still = app.clone().oneshot(with_cookies("/editors", &cookies)).await.unwrap();
    assert_eq!(still.status(), StatusCode::OK, "and the session lives on");
}
