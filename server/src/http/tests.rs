//! In-process router tests: status codes, headers and server-rendered HTML.

use super::{HttpService, service};
use crate::testing::{Fixture, article};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::path::Path;
use telepath_domain::EventKind;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_lists_categories_and_articles_in_editors_order() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let response = get(&app, "/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert!(html.contains("<title>Acme Help Centre</title>"), "{html}");
    let invoices = html.find(">Invoices</a>").expect("the Invoices category is listed");
    let account = html.find(">Account</a>").expect("the Account category is listed");
    assert!(invoices < account, "categories follow their `order`");
    assert!(html.contains(r#"<a href="/articles/send-an-invoice">Send an invoice</a>"#), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_carries_the_security_headers_and_the_script_has_the_csp_nonce() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    for uri in ["/", "/articles/send-an-invoice", "/no-such-page", "/healthz", "/media/logo.txt"] {
        let response = get(&app, uri).await;
        let policy = header_value(&response, "content-security-policy").to_owned();
        assert!(policy.contains("frame-ancestors 'none'"), "{uri}: {policy}");
        assert!(policy.contains("object-src 'none'"), "{uri}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{uri}: {policy}");
        assert_eq!(header_value(&response, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header_value(&response, "referrer-policy"), "strict-origin-when-cross-origin", "{uri}");
        if uri == "/" {
            let nonce =
                policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap().to_owned();
            let html = text(response).await;
            assert!(html.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)), "{html}");
            let scripts = html.matches("<script").count();
            assert!(scripts >= 1, "{html}");
            assert_eq!(
                html.matches(&format!(" nonce=\"{nonce}\">")).count(),
                scripts,
                "every inline script carries the nonce"
            );
        }
    }
    let first = header_value(&get(&app, "/").await, "content-security-policy").to_owned();
    let second = header_value(&get(&app, "/").await, "content-security-policy").to_owned();
    assert_ne!(first, second, "each response gets a fresh nonce");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_page_shows_the_rendered_article_with_breadcrumbs_and_next_questions() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let response = get(&app, "/articles/send-an-invoice").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert!(html.contains("<h1>Send an invoice</h1>"), "{html}");
    assert!(html.contains(r#"<a href="/categories/invoices">Invoices</a>"#), "{html}");
    assert!(html.contains(r#"<h2 id="steps">Steps</h2>"#), "{html}");
    assert!(html.contains("<strong>Invoices</strong>"), "{html}");
    assert!(
        html.contains(r#"<a href="/articles/void-an-invoice" rel="noopener noreferrer">voiding</a>"#),
        "{html}"
    );
    assert!(html.contains("People usually ask next"), "{html}");
    assert!(html.contains(r#"<span class="badge level-newcomer">For newcomers</span>"#), "{html}");
    assert!(
        html.contains(r#"<form method="post" action="/api/feedback""#),
        "the vote works as a plain form: {html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn category_page_lists_its_articles_and_unknown_addresses_get_a_real_404() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let response = get(&app, "/categories/invoices").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert!(html.contains("Void an invoice") && !html.contains("Reset your password"), "{html}");

    for uri in ["/articles/nope", "/categories/nope", "/no/such/page"] {
        let response = get(&app, uri).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
        let html = text(response).await;
        assert!(
            html.contains("We couldn&#x27;t find that page") || html.contains("We couldn't find that page"),
            "{uri}: {html}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_broken_front_matter_is_skipped_and_every_other_article_is_served() {
    let fixture = Fixture::new();
    fixture.write("articles/invoices/broken.md", "+++\ntittle = \"Broken\"\n+++\nBody\n");
    fixture.write_bytes("articles/invoices/latin1.md", b"+++\ntitle = \"Caf\xe9\"\n+++\n");
    let (app, _) = app(&fixture).await;
    assert_eq!(get(&app, "/articles/send-an-invoice").await.status(), StatusCode::OK);
    assert_eq!(get(&app, "/articles/reset-your-password").await.status(), StatusCode::OK);
    assert_eq!(get(&app, "/articles/broken").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/articles/latin1").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traversal_out_of_media_and_bundle_folders_is_refused() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let media = get(&app, "/media/logo.txt").await;
    assert_eq!(media.status(), StatusCode::OK);
    assert_eq!(text(media).await, "a media file\n");
    for uri in [
        "/media/../site.toml",
        "/media/%2e%2e/site.toml",
        "/media/%2E%2E%2Fsite.toml",
        "/media/..%2fsite.toml",
        "/media/....//site.toml",
        "/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/pkg/unbuilt/../../Cargo.toml",
        "/pkg/%2e%2e/%2e%2e/Cargo.toml",
    ] {
        // Dot segments are resolved before routing: the canonical path is outside both folders.
        let response = follow(&app, uri).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
        let body = text(response).await;
        assert!(!body.contains("product_name") && !body.contains("root:"), "{uri} leaked: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_get_an_anonymous_id_and_a_malformed_cookie_is_replaced() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let first = get(&app, "/").await;
    let cookie = header_value(&first, "set-cookie").to_owned();
    assert!(cookie.starts_with("telepath_visitor="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let id = cookie.trim_start_matches("telepath_visitor=").split(';').next().unwrap().to_owned();

    let with_cookie =
        |value: String| Request::get("/").header(header::COOKIE, value).body(Body::empty()).unwrap();
    let returning = app.clone().oneshot(with_cookie(format!("telepath_visitor={id}"))).await.unwrap();
    assert_eq!(returning.status(), StatusCode::OK);
    assert!(returning.headers().get("set-cookie").is_none(), "a known visitor keeps their id");

    for malformed in [
        "telepath_visitor=<script>",
        "telepath_visitor=",
        "telepath_visitor=\"x\"; other=1",
        "=;;=",
        "telepath_visitor=ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
    ] {
        let response = app.clone().oneshot(with_cookie(malformed.into())).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{malformed}");
        let replaced = header_value(&response, "set-cookie");
        assert!(
            replaced.starts_with("telepath_visitor=") && !replaced.contains("<script>"),
            "{malformed}: {replaced}"
        );
    }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feedback_form_works_without_javascript_and_is_recorded() {
    let fixture = Fixture::new();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let response = app
        .clone()
        .oneshot(feedback_post(&visitor, "same-origin", "slug=send-an-invoice&helpful=false"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(header_value(&response, "location"), "/articles/send-an-invoice#feedback");
    let vote = set_cookie(&response, "telepath_votes");

    let thanked = app.clone().oneshot(with_cookies("/articles/send-an-invoice", &vote)).await.unwrap();
    let thanked = text(thanked).await;
    assert!(thanked.contains("Thanks for telling us"), "{thanked}");

    let events = store.events.recent(Some("article_feedback"), 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].kind,
        EventKind::ArticleFeedback { slug: "send-an-invoice".into(), helpful: false, looking_for: None }
    );
    assert_eq!(events[0].visitor.len(), 32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_and_oversized_posts_are_refused_and_nothing_is_recorded() {
    let fixture = Fixture::new();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let response = app
        .clone()
        .oneshot(feedback_post(&visitor, "cross-site", "slug=send-an-invoice&helpful=true"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(text(response).await.contains("sent from another website"));

    let huge = format!("slug={}&helpful=true", "a".repeat(super::MAX_REQUEST_BODY_BYTES + 1));
    let response = app.clone().oneshot(feedback_post(&visitor, "same-origin", &huge)).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    assert!(store.events.recent(None, 10).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_check_compares_the_scheme_as_well_as_the_host() {
    let fixture = Fixture::new();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let post = |origin: &str| {
        let body = visitor.body("slug=send-an-invoice&helpful=true");
        Request::post("/api/feedback")
            .header(header::HOST, "help.example")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, &visitor.cookie)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    for foreign in
        ["https://help.example", "ftp://help.example", "http://evil.example", "null", "help.example"]
    {
        let response = app.clone().oneshot(post(foreign)).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{foreign}");
    }
    assert!(store.events.recent(None, 10).await.unwrap().is_empty());
    let own = app.clone().oneshot(post("http://help.example")).await.unwrap();
    assert_eq!(own.status(), StatusCode::FOUND, "this server's own origin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carrying_the_visitors_token_or_a_cookie_are_never_stored_by_a_cache() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    for uri in ["/", "/articles/send-an-invoice", "/search?q=invoice", "/no-such-page", "/notices"] {
        let response = get(&app, uri).await;
        assert!(header_value(&response, "content-type").starts_with("text/html"), "{uri}");
        assert_eq!(header_value(&response, "cache-control"), "private, no-store", "{uri}");
    }
    let visitor = session(&app).await;
    let chosen = app.clone().oneshot(form_post(&visitor, "/api/level", "level=expert")).await.unwrap();
    assert!(chosen.headers().contains_key(header::SET_COOKIE));
    assert_eq!(header_value(&chosen, "cache-control"), "private, no-store", "a response setting a cookie");

    assert_eq!(header_value(&get(&app, "/media/logo.txt").await, "cache-control"), "public, max-age=3600");
    let missing = get(&app, "/media/not-yet-uploaded.png").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header_value(&missing, "cache-control"), "", "a missing picture is not cached for an hour");
    assert_eq!(header_value(&get(&app, "/healthz").await, "cache-control"), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_check_answers_ok() {
    let fixture = Fixture::new();
    fixture.write("articles/account/extra.md", &article("Extra", "expert", "reference", &[], "x\n"));
    let (app, _) = app(&fixture).await;
    let response = get(&app, "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "ok");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn welcome_kit_page_shows_five_things_with_pictures_and_the_next_step() {
    let fixture = guidance_fixture();
    let (app, _) = app(&fixture).await;
    let response = get(&app, "/kits/newcomer").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert_eq!(html.matches("class=\"kit-thing-text\"").count(), 5, "{html}");
    assert!(html.contains(r#"<img src="/media/logo.txt" alt="The dashboard""#), "{html}");
    assert!(html.contains(r#"<a href="/media/logo.txt" class="full-size"><img"#), "opens full size: {html}");
    assert!(html.contains("<strong>who owes you</strong>"), "{html}");
    assert!(
        html.contains(
            r#"<a href="/articles/send-an-invoice" data-testid="kit-next-step" class="button primary">Next: Send an invoice →</a>"#
        ),
        "{html}"
    );
    for unknown in ["/kits/all", "/kits/wizard", "/kits/expert"] {
        assert_eq!(get(&app, unknown).await.status(), StatusCode::NOT_FOUND, "{unknown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_page_shows_the_mistakes_before_the_form_and_hints_on_the_fields_they_concern() {
    let fixture = guidance_fixture();
    let (app, _) = app(&fixture).await;
    let html = text(get(&app, "/tasks/change-address").await).await;
    let mistakes = html.find("data-testid=\"mistakes-inline\"").expect("the mistakes are shown");
    let form = html.find("data-testid=\"task-form\"").expect("the form is shown");
    assert!(mistakes < form, "the mistakes come before the form");
    assert_eq!(html.matches("<summary>Mistake ").count(), 5, "{html}");
    assert!(
        html.contains(r##"<a href="#mistake-2" class="mistake-hint">Common mistake: Mistake 2</a>"##),
        "{html}"
    );
    assert!(html.contains(r#"pattern="^TAP-[0-9]{6}$""#), "{html}");
    assert!(html.contains("Expected: TAP- and 6 digits."), "{html}");
    assert!(html.contains("We update the parcel within 1 business day."), "{html}");

    let guide = text(get(&app, "/mistakes/change-address").await).await;
    for part in ["What people do", "Do 3", "Why it fails", "Fails 3", "How to avoid it", "Avoid 3"] {
        assert!(guide.contains(part), "{part}: {guide}");
    }
    assert_eq!(get(&app, "/mistakes/unknown").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_page_shows_current_and_upcoming_notices_but_never_expired_ones() {
    let fixture = guidance_fixture();
    let (app, _) = app(&fixture).await;
    let html = text(get(&app, "/notices").await).await;
    assert!(html.contains("Deliveries are slower"), "{html}");
    assert!(html.contains("Planned maintenance"), "{html}");
    assert!(!html.contains("An old outage"), "{html}");
    assert!(html.find("Deliveries are slower") < html.find("Planned maintenance"), "now before coming up");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistaken_task_form_comes_back_with_field_errors_and_keeps_the_input() {
    let fixture = guidance_fixture();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let note = "%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E+%26amp%3B";
    let response = app
        .clone()
        .oneshot(form_post(&visitor, "/tasks/change-address", &format!("order=TAP-12&note={note}")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(response).await;
    assert!(html.contains("Please check 1 of your answers"), "{html}");
    assert!(
        html.contains("This doesn&#x27;t look right. Expected: TAP- and 6 digits.")
            || html.contains("This doesn't look right. Expected: TAP- and 6 digits."),
        "{html}"
    );
    assert!(html.contains(r#"value="TAP-12""#), "the typed value is kept: {html}");
    assert!(
        html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;</textarea>"),
        "kept exactly, and escaped: {html}"
    );
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");

    let hostile = app
        .clone()
        .oneshot(form_post(
            &visitor,
            "/tasks/change-address",
            "order=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ))
        .await
        .unwrap();
    let html = text(hostile).await;
    assert!(!html.contains("\"><script>alert(1)"), "attribute values are escaped: {html}");

    let events = store.events.recent(Some("task_validation_failed"), 10).await.unwrap();
    assert_eq!(
        events[0].kind,
        EventKind::TaskValidationFailed { task: "change-address".into(), fields: vec!["order".into()] }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correct_task_form_gets_a_reference_and_what_happens_next_and_a_double_submit_stores_one() {
    let fixture = guidance_fixture();
    fixture.write(
        "notices/tasks.md",
        "+++\ntitle = \"Parcels are slower this week\"\nseverity = \"info\"\nstarts = 2020-01-01T00:00:00Z\nends = 2099-01-01T00:00:00Z\n[audience]\ntasks = [\"change-address\"]\n+++\nTwo extra days.\n",
    );
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let body = "_form=0123456789abcdef0123456789abcdef&order=TAP-204518&note=Leave+it+with+the+neighbour";
    let first = app.clone().oneshot(form_post(&visitor, "/tasks/change-address", body)).await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let location = header_value(&first, "location").to_owned();
    assert!(location.starts_with("/tasks/change-address/sent/TP-"), "{location}");

    let again = app.clone().oneshot(form_post(&visitor, "/tasks/change-address", body)).await.unwrap();
    assert_eq!(header_value(&again, "location"), location, "the same form sent twice is one request");

    let someone_else = session(&app).await;
    let copied_key = "_form=0123456789abcdef0123456789abcdef&order=TAP-999999&note=Mine";
    let copied =
        app.clone().oneshot(form_post(&someone_else, "/tasks/change-address", copied_key)).await.unwrap();
    let theirs = header_value(&copied, "location").to_owned();
    assert!(theirs.starts_with("/tasks/change-address/sent/TP-") && theirs != location, "{theirs}");
    let their_reference = theirs.rsplit('/').next().unwrap();
    let their_fields = store.submissions.by_reference(their_reference).await.unwrap().fields;
    assert_eq!(their_fields["order"], "TAP-999999", "another visitor's copied key stores their own answers");

    let page = text(app.clone().oneshot(with_cookies(&location, &visitor.cookie)).await.unwrap()).await;
    let reference = location.rsplit('/').next().unwrap();
    assert!(page.contains(reference), "{page}");
    assert!(page.contains("We update the parcel within 1 business day."), "{page}");
    assert!(page.contains("Parcels are slower this week"), "notices for this task: {page}");
    let confirmation = &page[page.find(r#"data-testid="what-next""#).unwrap()..];
    assert!(
        !confirmation.contains("Deliveries are slower"),
        "the confirmation lists only this task's notices (others are banners): {page}"
    );

    let stored = store.submissions.by_reference(reference).await.unwrap();
    assert_eq!(
        stored.fields,
        serde_json::json!({ "order": "TAP-204518", "note": "Leave it with the neighbour" })
    );
    assert_eq!(get(&app, "/tasks/change-address/sent/TP-FAKE-FAKE").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_development_mode_an_article_shows_its_files_problems_and_customers_never_do() {
    let fixture = Fixture::new();
    fixture.write(
        "articles/invoices/void-an-invoice.md",
        &article("Void an invoice", "technical", "explanation", &["gone"], "x\n"),
    );
    let mut config = fixture.config(Path::new("/nonexistent-site"));
    let customers = service(crate::prepare(&config).await.unwrap());
    config.development = true;
    let editors = service(crate::prepare(&config).await.unwrap());

    let preview = text(get(&editors, "/articles/void-an-invoice").await).await;
    assert!(preview.contains("data-testid=\"dev-overlay\""), "{preview}");
    assert!(preview.contains("articles/invoices/void-an-invoice.md:6:9"), "{preview}");
    assert!(preview.contains("`next` names `gone`, but no article has that slug"), "{preview}");
    let unaffected = text(get(&editors, "/articles/send-an-invoice").await).await;
    assert!(!unaffected.contains("dev-overlay"), "only the affected page: {unaffected}");

    let public = text(get(&customers, "/articles/void-an-invoice").await).await;
    assert!(!public.contains("dev-overlay"), "{public}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_page_works_without_javascript_and_is_never_a_dead_end() {
    let fixture = Fixture::new();
    let (app, store) = app(&fixture).await;
    let html = text(get(&app, "/search?q=sennd+invoce").await).await;
    assert!(
        html.contains("<mark>Send</mark> an <mark>invoice</mark>") || html.contains("<mark>invoice</mark>"),
        "{html}"
    );
    assert!(html.contains(r#"href="/articles/send-an-invoice?q=sennd+invoce&amp;rank="#), "{html}");
    assert!(
        html.contains(r#"href="/search?q=sennd+invoce&amp;category=invoices""#),
        "filters are links: {html}"
    );

    for hostile in ["%22%3A%28%29*~%5E-", "title%3Arefund+AND+(", &"a".repeat(10_000)] {
        let response = get(&app, &format!("/search?q={hostile}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{hostile}");
    }
    let cut = text(get(&app, &format!("/search?q={}", "word+".repeat(100))).await).await;
    assert!(cut.contains("only its first 200 characters were used"), "{cut}");

    let ignored = text(get(&app, "/search?q=invoice&level=wizard&category=nope").await).await;
    assert!(
        ignored.contains("Ignored filters that match nothing: category=nope, level=wizard."),
        "{ignored}"
    );

    let nothing = text(get(&app, "/search?q=zebracorn").await).await;
    assert!(nothing.contains("No articles match"), "{nothing}");
    assert!(
        nothing.contains(r#"href="/articles/void-an-invoice""#),
        "popular articles are offered: {nothing}"
    );
    let zebracorn = EventKind::SearchWithoutResults { query: "zebracorn".into() };
    let events = wait_for_events(&store, "search_without_results", 1).await;
    assert_eq!(events[0].kind, zebracorn, "the search without results is recorded for editors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_searches_from_one_client_is_limited_with_retry_after() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let response = get(&app, "/search?q=invoice").await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(header_value(&response, "retry-after").parse::<u64>().unwrap() >= 1);
            assert!(text(response).await.contains("Please wait a moment"));
            statuses.push(429);
        } else {
            statuses.push(response.status().as_u16());
        }
    }
    assert!(statuses[..20].iter().all(|status| *status == 200), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(
        get(&app, "/articles/send-an-invoice").await.status(),
        StatusCode::OK,
        "only search is limited"
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spelling_of_search_is_sent_to_one_address_and_limited_exactly_like_it() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let spellings = |path: &str| {
        ["/{}/", "/./{}", "//{}", "/{}//", "/x/../{}", "/%2e/{}", "/x/%2E%2e/{}"]
            .map(|spelling| spelling.replace("{}", path))
    };
    for (path, query) in [("search", "q=invoice"), ("api/suggest", "q=inv")] {
        for spelling in spellings(path) {
            let response = get(&app, &format!("{spelling}?{query}")).await;
            assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT, "{spelling}");
            assert_eq!(header_value(&response, "location"), format!("/{path}?{query}"), "{spelling}");
        }
    }

    // The bucket refills at 10 a second while the test runs: count what it allowed.
    let started = std::time::Instant::now();
    let mut statuses = Vec::new();
    for (n, spelling) in
        spellings("search").iter().chain(&spellings("api/suggest")).cycle().take(40).enumerate()
    {
        statuses.push(follow(&app, &format!("{spelling}?q=invoice{n}")).await.status().as_u16());
    }
    let refilled = (started.elapsed().as_secs_f64() * 10.0).ceil() as usize;
    let served = statuses.iter().filter(|status| **status == 200).count();
    assert!(statuses[..20].iter().all(|status| *status == 200), "the burst: {statuses:?}");
    assert!(served <= 20 + refilled, "{served} served with {refilled} refilled: {statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_spelling_of_a_path_redirects_to_another_host() {
    let fixture = Fixture::bundled();
    let (app, _) = app(&fixture).await;
    for (uri, location) in [
        ("/media///kits", "/media/kits"),
        ("//evil.example/", "/evil.example"),
        ("///evil.example", "/evil.example"),
        ("/media/..//evil.example", "/evil.example"),
        ("/articles/x/?a=//evil.example", "/articles/x?a=//evil.example"),
    ] {
        let response = get(&app, uri).await;
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT, "{uri}");
        assert_eq!(header_value(&response, "location"), location, "{uri}");
        assert!(follow(&app, uri).await.status().is_client_error() || uri.contains("kits"), "{uri}");
    }
    for uri in ["/%5Cevil.example/", "/%09/evil.example/", "/%0a/"] {
        let response = get(&app, uri).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}: not a redirect at all");
        assert!(response.headers().get(header::LOCATION).is_none(), "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_sent_to_another_spelling_of_its_address_is_handled_at_the_canonical_one() {
    let fixture = Fixture::new();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let response = app
        .clone()
        .oneshot(form_post(&visitor, "/api//feedback/", "slug=send-an-invoice&helpful=true"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(header_value(&response, "location"), "/articles/send-an-invoice#feedback");
    assert_eq!(store.events.recent(Some("article_feedback"), 10).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_filters_show_how_many_articles_each_would_leave() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let html = text(get(&app, "/search?q=invoice").await).await;
    assert!(html.contains(r#">Invoices</a><span class="facet-count"> (2)</span>"#), "{html}");
    assert!(html.contains(r#">Account</a><span class="facet-count"> (0)</span>"#), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misspelt_search_offers_the_spelling_the_articles_use() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let html = text(get(&app, "/search?q=pazzword").await).await;
    assert!(
        html.contains(r#"Did you mean <a href="/search?q=password"><strong>password</strong></a>?"#),
        "{html}"
    );
    let exact = text(get(&app, "/search?q=password").await).await;
    assert!(!exact.contains("did-you-mean"), "{exact}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn return_to_sends_forms_only_to_paths_on_this_site_and_never_breaks_the_response() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let visitor = session(&app).await;
    for (hostile, why) in [
        ("%2F%09%2Fevil.example", "a browser drops the tab: //evil.example"),
        ("%2F%0A%2Fevil.example", "a browser drops the newline"),
        ("%2F%5Cevil.example", "a browser reads the backslash as a slash"),
        ("%2F%252F%252Fevil.example", "the path decodes to //evil.example"),
        ("%2F%01", "a control character cannot be a header value"),
        ("%2Farticles%2F%2Fx", "a double slash"),
    ] {
        for (uri, fields) in [
            ("/api/level", format!("level=skip&return_to={hostile}")),
            ("/api/dismiss-notice", format!("notice=outage&return_to={hostile}")),
        ] {
            let response = app.clone().oneshot(form_post(&visitor, uri, &fields)).await.unwrap();
            assert_eq!(response.status(), StatusCode::FOUND, "{uri} {hostile}: {why}");
            assert_eq!(header_value(&response, "location"), "/", "{uri} {hostile}: {why}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_server_function_never_redirects_to_the_referer_and_bad_arguments_are_400() {
    let fixture = Fixture::new();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let post = |accept: &str, fields: &str| {
        let body = visitor.body(fields);
        Request::post("/api/feedback")
            .header(header::COOKIE, &visitor.cookie)
            .header(header::ACCEPT, accept)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::REFERER, "https://evil.example/phish")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap()
    };
    for fields in
        ["slug=no-such-article&helpful=true", "slug=send-an-invoice", "slug=send-an-invoice&helpful=maybe"]
    {
        let page = app.clone().oneshot(post("text/html", fields)).await.unwrap();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST, "{fields}");
        assert!(page.headers().get(header::LOCATION).is_none(), "{fields}: no redirect at all");
        assert_eq!(header_value(&page, "content-type"), "text/html; charset=utf-8");
        assert!(text(page).await.contains("<h1>This form could not be read</h1>"), "{fields}");

        let island = app.clone().oneshot(post("*/*", fields)).await.unwrap();
        assert_eq!(island.status(), StatusCode::BAD_REQUEST, "{fields}");
        assert!(
            text(island).await.starts_with("This form could not be read. Something in the form was missing"),
            "{fields}"
        );
    }
    assert!(store.events.recent(None, 10).await.unwrap().is_empty(), "nothing was recorded");

    let suggest = Request::get("/api/suggest?q=invoice")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "https://evil.example/")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(suggest).await.unwrap();
    assert!(
        !header_value(&response, "location").contains("evil"),
        "a success is not sent to the Referer either"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choosing_a_level_remembers_it_in_a_cookie_and_forged_values_are_ignored() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let visitor = session(&app).await;
    let chosen = app.clone().oneshot(form_post(&visitor, "/api/level", "level=expert")).await.unwrap();
    assert_eq!(chosen.status(), StatusCode::FOUND);
    assert_eq!(header_value(&chosen, "location"), "/kits/expert");
    let cookie = header_value(&chosen, "set-cookie");
    assert!(cookie.starts_with("telepath_level=expert;") && cookie.contains("HttpOnly"), "{cookie}");

    let back = app
        .clone()
        .oneshot(form_post(&visitor, "/api/level", "level=newcomer&return_to=%2Farticles%2Fsend-an-invoice"))
        .await
        .unwrap();
    assert_eq!(header_value(&back, "location"), "/articles/send-an-invoice");
    let offsite = app
        .clone()
        .oneshot(form_post(&visitor, "/api/level", "level=wizard&return_to=%2F%2Fevil.example"))
        .await
        .unwrap();
    assert_eq!(header_value(&offsite, "location"), "/", "no open redirect, and a forged level is not stored");
    assert!(header_value(&offsite, "set-cookie").contains("Max-Age=0"));
    let skipped = app.clone().oneshot(form_post(&visitor, "/api/level", "level=skip")).await.unwrap();
    assert_eq!(header_value(&skipped, "location"), "/");
    assert!(header_value(&skipped, "set-cookie").starts_with("telepath_level=skipped;"));

    let forged = Request::get("/search?q=invoice")
        .header(header::COOKIE, "telepath_level=%3Cscript%3E")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.clone().oneshot(forged).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_the_visitors_token_is_refused_and_nothing_is_recorded() {
    let fixture = Fixture::new();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let someone_else = session(&app).await;
    let post = |cookie: &str, body: String| {
        Request::post("/api/feedback")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap()
    };
    let vote = "slug=send-an-invoice&helpful=true";
    for (cookie, body) in [
        (visitor.cookie.as_str(), vote.to_owned()),
        (visitor.cookie.as_str(), format!("{vote}&_csrf=")),
        (visitor.cookie.as_str(), format!("{vote}&_csrf={}", someone_else.token)),
        (visitor.cookie.as_str(), format!("{vote}&_csrf={}", &visitor.token[..63])),
        ("telepath_visitor=forged", format!("{vote}&_csrf={}", visitor.token)),
        ("", format!("{vote}&_csrf={}", visitor.token)),
    ] {
        let response = app.clone().oneshot(post(cookie, body.clone())).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{cookie} {body}");
        assert!(text(response).await.contains("reload the page and send it again"));
    }
    let put = Request::put("/api/feedback")
        .header(header::COOKIE, &visitor.cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(vote))
        .unwrap();
    assert_eq!(app.clone().oneshot(put).await.unwrap().status(), StatusCode::FORBIDDEN, "any writing method");
    assert!(store.events.recent(None, 10).await.unwrap().is_empty(), "nothing was recorded");

    let accepted =
        app.clone().oneshot(post(&visitor.cookie, format!("{vote}&_csrf={}", visitor.token))).await.unwrap();
    assert_eq!(accepted.status(), StatusCode::FOUND, "the visitor's own token is accepted");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kit_progress_is_remembered_thing_by_thing_until_the_kit_shows_as_done() {
    let fixture = guidance_fixture();
    let (app, _) = app(&fixture).await;
    let visitor = session(&app).await;
    let fresh = text(get(&app, "/kits/newcomer").await).await;
    assert!(fresh.contains("0 of 5 read"), "{fresh}");

    let ticked = app
        .clone()
        .oneshot(form_post(&visitor, "/api/kit-progress", "level=newcomer&thing=0&read=true"))
        .await
        .unwrap();
    assert_eq!(ticked.status(), StatusCode::FOUND);
    assert_eq!(header_value(&ticked, "location"), "/kits/newcomer#thing-2", "on to the next thing");
    let progress = set_cookie(&ticked, "telepath_kits");
    assert_eq!(progress, "telepath_kits=1.0.0");
    let page = text(app.clone().oneshot(with_cookies("/kits/newcomer", &progress)).await.unwrap()).await;
    assert!(page.contains("1 of 5 read"), "{page}");
    assert!(page.contains(r#"aria-pressed="true" data-testid="tick-1""#), "{page}");

    let almost = format!("{}; telepath_kits=15.0.0", visitor.cookie);
    let last = Request::post("/api/kit-progress")
        .header(header::COOKIE, &almost)
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(visitor.body("level=newcomer&thing=4&read=true")))
        .unwrap();
    let finished = app.clone().oneshot(last).await.unwrap();
    assert_eq!(header_value(&finished, "location"), "/kits/newcomer#kit-progress");
    let done = set_cookie(&finished, "telepath_kits");
    assert_eq!(done, "telepath_kits=31.0.0");
    let kit = text(app.clone().oneshot(with_cookies("/kits/newcomer", &done)).await.unwrap()).await;
    assert!(kit.contains("Kit finished"), "{kit}");
    let home =
        app.clone().oneshot(with_cookies("/", &format!("{done}; telepath_level=newcomer"))).await.unwrap();
    let home = text(home).await;
    assert!(home.contains("Finished ✓") && !home.contains(r#"data-testid="level-question""#), "{home}");

    let forged = app
        .clone()
        .oneshot(form_post(&visitor, "/api/kit-progress", "level=wizard&thing=9&read=true"))
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FOUND, "a forged tick is ignored, never an error");
    assert!(forged.headers().get(header::SET_COOKIE).is_none());
    let tampered = app.clone().oneshot(with_cookies("/kits/newcomer", "telepath_kits=999.x")).await.unwrap();
    assert_eq!(tampered.status(), StatusCode::OK);
    assert!(text(tampered).await.contains("0 of 5 read"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_show_as_banners_where_they_belong_and_stay_dismissed() {
    let fixture = guidance_fixture();
    fixture.write(
        "notices/account-only.md",
        "+++\ntitle = \"Sign-in is slow\"\nseverity = \"critical\"\nstarts = 2020-01-01T00:00:00+02:00\nends = 2099-01-01T00:00:00-05:00\n[audience]\ncategories = [\"account\"]\n+++\nWe are on it.\n",
    );
    let (app, _) = app(&fixture).await;
    let visitor = session(&app).await;
    let home = text(get(&app, "/").await).await;
    assert!(home.contains("Deliveries are slower"), "a notice for everyone: {home}");
    assert!(!home.contains("Sign-in is slow"), "an account notice stays on account pages");
    assert!(!home.contains("An old outage") && !home.contains("Planned maintenance"), "only current notices");

    let account = text(get(&app, "/articles/reset-your-password").await).await;
    let (critical, warning) =
        (account.find("Sign-in is slow").unwrap(), account.find("Deliveries are slower").unwrap());
    assert!(critical < warning, "the most severe first");
    assert!(account.contains(r#"role="status""#), "announced politely to screen readers");

    let dismissed = app
        .clone()
        .oneshot(form_post(
            &visitor,
            "/api/dismiss-notice",
            "notice=current&return_to=%2Farticles%2Freset-your-password",
        ))
        .await
        .unwrap();
    assert_eq!(header_value(&dismissed, "location"), "/articles/reset-your-password");
    let cookie = set_cookie(&dismissed, "telepath_dismissed");
    let after =
        text(app.clone().oneshot(with_cookies("/articles/reset-your-password", &cookie)).await.unwrap())
            .await;
    assert!(!after.contains("Deliveries are slower") && after.contains("Sign-in is slow"), "{after}");
    let elsewhere = text(app.clone().oneshot(with_cookies("/", &cookie)).await.unwrap()).await;
    assert!(!elsewhere.contains("Deliveries are slower"), "dismissed everywhere");
    assert!(
        text(get(&app, "/notices").await).await.contains("Deliveries are slower"),
        "still listed on /notices"
    );

    let editors = text(get(&app, "/editors").await).await;
    for (id, state) in [("current", "Showing now"), ("past", "Ended"), ("future", "Scheduled")] {
        let row = &editors[editors.find(&format!(r#"<tr data-notice="{id}""#)).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(state), "{id}: {row}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chosen_level_reorders_the_home_page_and_opens_its_section_first() {
    let fixture = Fixture::new();
    fixture.write(
        "articles/account/api-keys.md",
        &article(
            "API keys",
            "expert",
            "reference",
            &[],
            "::: newcomer\nAsk your developer.\n:::\n::: expert\nRotate keys every 90 days.\n:::\n",
        ),
    );
    let (app, _) = app(&fixture).await;
    let categories = |html: &str| -> Vec<String> {
        html.split(r#"data-category=""#)
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
            .collect()
    };
    let first_visit = text(get(&app, "/").await).await;
    assert!(first_visit.contains(r#"data-testid="level-question""#), "a first visit is asked");
    assert_eq!(categories(&first_visit), ["invoices", "account"], "the editors' order");

    let expert = text(app.clone().oneshot(with_cookies("/", "telepath_level=expert")).await.unwrap()).await;
    assert!(!expert.contains(r#"data-testid="level-question""#), "not asked again");
    assert_eq!(categories(&expert), ["account", "invoices"], "the category with expert articles first");
    let newcomer =
        text(app.clone().oneshot(with_cookies("/", "telepath_level=newcomer")).await.unwrap()).await;
    assert_eq!(categories(&newcomer), ["invoices", "account"]);
    let skipped = text(app.clone().oneshot(with_cookies("/", "telepath_level=skipped")).await.unwrap()).await;
    assert!(!skipped.contains(r#"data-testid="level-question""#), "a skipped question stays skipped");

    let open_section = |html: &str| -> String {
        let open = html.find("<details open class=\"").expect("one section is open");
        html[open..].split('"').nth(1).unwrap().to_owned()
    };
    let as_expert =
        app.clone().oneshot(with_cookies("/articles/api-keys", "telepath_level=expert")).await.unwrap();
    assert_eq!(open_section(&text(as_expert).await), "level-section level-expert");
    let as_newcomer =
        app.clone().oneshot(with_cookies("/articles/api-keys", "telepath_level=newcomer")).await.unwrap();
    let as_newcomer = text(as_newcomer).await;
    assert_eq!(open_section(&as_newcomer), "level-section level-newcomer");
    assert!(as_newcomer.contains(r#"data-testid="help-up-front""#), "newcomers are offered help up front");
    let as_expert =
        text(app.clone().oneshot(with_cookies("/articles/api-keys", "telepath_level=expert")).await.unwrap())
            .await;
    assert!(!as_expert.contains(r#"data-testid="help-up-front""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_from_search_queries_and_content_stay_text() {
    let fixture = Fixture::new();
    fixture.write(
        "articles/invoices/hostile-title.md",
        &article("</title><h1>Fake</h1>", "all", "guide", &[], "Body.\n"),
    );
    let (app, _) = app(&fixture).await;
    let refresh = "/search?q=%3C%2Ftitle%3E%3Cmeta%20http-equiv%3D%22refresh%22%20content%3D%220%3Burl%3Dhttps%3A%2F%2Fevil.example%2F%22%3E";
    for uri in [refresh, "/articles/hostile-title"] {
        let html = text(get(&app, uri).await).await;
        let head = html.split("</head>").next().unwrap_or_default();
        assert_eq!(html.matches("<title>").count(), 1, "{uri}: {head}");
        assert_eq!(html.matches("</title>").count(), 1, "{uri}: {head}");
        assert!(head.contains("&lt;/title&gt;"), "{uri}: {head}");
        assert!(!html.contains("<meta http-equiv") && !head.contains("<h1>"), "{uri}: {head}");
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_never_follows_a_link_out_of_the_media_folder_but_links_inside_it_work() {
    let fixture = Fixture::new();
    let data_dir = fixture.config(Path::new("/nonexistent-site")).data_dir;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "outside secret").unwrap();
    fixture.symlink("media/passwd.txt", Path::new("/etc/passwd"));
    fixture.symlink("media/csrf.key", &data_dir.join("csrf.key"));
    fixture.symlink("media/site.toml", Path::new("../site.toml"));
    fixture.symlink("media/elsewhere", outside.path());
    fixture.symlink("media/alias.txt", Path::new("logo.txt"));
    fixture.symlink("media/again", Path::new("."));
    let (app, _) = app(&fixture).await;
    let key = std::fs::read(data_dir.join("csrf.key")).unwrap();

    for uri in ["/media/passwd.txt", "/media/csrf.key", "/media/site.toml", "/media/elsewhere/secret.txt"] {
        let response = get(&app, uri).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        assert!(body.is_empty(), "{uri} leaked {} bytes", body.len());
    }
    assert!(!key.is_empty());

    for uri in ["/media/alias.txt", "/media/again/logo.txt"] {
        let response = get(&app, uri).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(header_value(&response, "content-type"), "text/plain", "{uri}");
        assert_eq!(header_value(&response, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header_value(&response, "cache-control"), "public, max-age=3600", "{uri}");
        assert_eq!(text(response).await, "a media file\n", "{uri}");
    }
    let range =
        Request::get("/media/alias.txt").header(header::RANGE, "bytes=2-6").body(Body::empty()).unwrap();
    let partial = app.clone().oneshot(range).await.unwrap();
    assert_eq!(partial.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header_value(&partial, "content-range"), "bytes 2-6/13");
    assert_eq!(text(partial).await, "media");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_pipe_in_the_media_folder_is_not_found_instead_of_a_stuck_request() {
    let fixture = Fixture::new();
    let pipe = fixture.make_fifo("media/clip.mp4");
    let (app, _) = app(&fixture).await;
    let Ok(response) =
        tokio::time::timeout(std::time::Duration::from_secs(60), get(&app, "/media/clip.mp4")).await
    else {
        // Opening the pipe for writing lets the stuck open return, so the runtime can
        // shut down and the test fails instead of hanging.
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(&pipe).ok();
        panic!("the request waited on the pipe");
    };
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kit_whose_next_step_runs_script_is_not_shown_and_a_web_address_is_linked() {
    let fixture = guidance_fixture();
    let kit = std::fs::read_to_string(fixture.content_dir().join("kits/newcomer.md")).unwrap();
    fixture
        .write("kits/newcomer.md", &kit.replace("\"/articles/send-an-invoice\"", "\"javascript:alert(1)\""));
    fixture.write(
        "kits/technical.md",
        &kit.replace("level = \"newcomer\"", "level = \"technical\"")
            .replace("\"/articles/send-an-invoice\"", "\"https://status.example.com\""),
    );
    let (app, _) = app(&fixture).await;

    let refused = get(&app, "/kits/newcomer").await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let html = text(refused).await;
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");

    let linked = text(get(&app, "/kits/technical").await).await;
    assert!(
        linked.contains(r#"<a href="https://status.example.com" data-testid="kit-next-step""#),
        "{linked}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_describes_itself_to_search_engines_and_link_previews() {
    let fixture = guidance_fixture();
    let (app, _) = app(&fixture).await;
    for (uri, description) in [
        ("/", "Help for Acme."),
        ("/articles/send-an-invoice", "All about: Send an invoice."),
        ("/categories/invoices", "Bills you send."),
        ("/kits/newcomer", ""),
        ("/tasks/change-address", "Send the reader elsewhere."),
        ("/mistakes/change-address", "The mistakes that most often send back"),
        ("/notices", "What is happening now"),
        ("/editors", "Problems in the help centre"),
        ("/no/such/page", "The link may be old"),
    ] {
        let html = text(get(&app, uri).await).await;
        let head = html.split("</head>").next().unwrap_or_default();
        assert_eq!(head.matches(r#"<meta name="description""#).count(), 1, "{uri}: {head}");
        let content = head
            .split(r#"<meta name="description" content=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default();
        assert!(!content.trim().is_empty() && content.contains(description), "{uri}: {content:?}");
        for property in ["og:title", "og:description", "og:site_name"] {
            assert!(head.contains(&format!(r#"<meta property="{property}""#)), "{uri}: {property} in {head}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_while_answering_becomes_a_plain_words_500_page_with_the_usual_headers() {
    async fn panics() -> &'static str {
        panic!("a bug in a handler")
    }
    let app = super::with_outer_layers(axum::Router::new().route("/panics", axum::routing::get(panics)));
    let response = get(&app, "/panics").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(header_value(&response, "content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header_value(&response, "cache-control"), "private, no-store");
    let html = text(response).await;
    assert!(html.contains("<h1>Something went wrong on our side</h1>"), "{html}");
    assert!(!html.contains("a bug in a handler"), "the panic's text is logged, never shown: {html}");
    assert_eq!(get(&app, "/panics").await.status(), StatusCode::INTERNAL_SERVER_ERROR, "and again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_and_the_sitemap_tell_crawlers_every_public_page_on_the_public_origin() {
    let fixture = guidance_fixture();
    let (app, _) = app_with(&fixture, |config| {
        config.public_url = Some(crate::config::PublicUrl::parse_for_tests("https://help.acme.example"));
    })
    .await;
    let robots = get(&app, "/robots.txt").await;
    assert_eq!(robots.status(), StatusCode::OK);
    let robots = text(robots).await;
    assert!(robots.contains("Disallow: /editors") && robots.contains("Disallow: /search"), "{robots}");
    assert!(robots.contains("Sitemap: https://help.acme.example/sitemap.xml"), "{robots}");

    let sitemap = get(&app, "/sitemap.xml").await;
    assert_eq!(header_value(&sitemap, "content-type"), "application/xml; charset=utf-8");
    let sitemap = text(sitemap).await;
    for page in
        ["/", "/categories/invoices", "/articles/send-an-invoice", "/kits/newcomer", "/tasks/change-address"]
    {
        assert!(
            sitemap.contains(&format!("<loc>https://help.acme.example{page}</loc>")),
            "{page}: {sitemap}"
        );
    }
    assert!(sitemap.contains("<lastmod>2026-10-01</lastmod>"), "{sitemap}");
    assert!(!sitemap.contains("/editors") && !sitemap.contains("/search"), "{sitemap}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_names_its_one_canonical_address_and_the_404_page_names_none() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let with_host =
        |uri: &str| Request::get(uri).header(header::HOST, "help.acme.example").body(Body::empty()).unwrap();
    let html =
        text(app.clone().oneshot(with_host("/articles/send-an-invoice?from=search")).await.unwrap()).await;
    assert!(
        html.contains(r#"<link href="http://help.acme.example/articles/send-an-invoice" rel="canonical">"#),
        "the query is not part of the address: {html}"
    );
    assert!(
        html.contains(
            r#"<meta property="og:url" content="http://help.acme.example/articles/send-an-invoice">"#
        )
    );
    let missing = text(app.clone().oneshot(with_host("/articles/nope")).await.unwrap()).await;
    assert!(!missing.contains("rel=\"canonical\""), "{missing}");

    let (behind_proxy, _) = app_with(&fixture, |config| {
        config.public_url = Some(crate::config::PublicUrl::parse_for_tests("https://help.acme.example"));
    })
    .await;
    let html = text(behind_proxy.clone().oneshot(with_host("/categories/invoices")).await.unwrap()).await;
    assert!(
        html.contains(r#"<link href="https://help.acme.example/categories/invoices" rel="canonical">"#),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_an_https_proxy_the_origin_check_expects_the_public_origin() {
    let fixture = Fixture::new();
    let (app, store) = app_with(&fixture, |config| {
        config.public_url = Some(crate::config::PublicUrl::parse_for_tests("https://help.example"));
    })
    .await;
    let visitor = session(&app).await;
    let post = |origin: &str| {
        Request::post("/api/feedback")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, &visitor.cookie)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(visitor.body("slug=send-an-invoice&helpful=true")))
            .unwrap()
    };
    for foreign in ["http://help.example", "http://127.0.0.1:3000", "https://evil.example"] {
        assert_eq!(
            app.clone().oneshot(post(foreign)).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{foreign}"
        );
    }
    assert!(store.events.recent(None, 10).await.unwrap().is_empty());
    assert_eq!(app.clone().oneshot(post("https://help.example")).await.unwrap().status(), StatusCode::FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mark_the_footer_and_the_404_search_box_are_on_every_page_that_needs_them() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let icon = get(&app, "/favicon.svg").await;
    assert_eq!(header_value(&icon, "content-type"), "image/svg+xml");
    assert!(text(icon).await.starts_with("<svg"));
    let home = text(get(&app, "/").await).await;
    assert!(home.contains(r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#), "{home}");
    let footer = &home[home.find("<footer").expect("a footer")..];
    for link in [r#"href="/articles/contact-support""#, r#"href="/notices""#] {
        assert!(footer.contains(link), "{link}: {footer}");
    }
    let missing = get(&app, "/articles/gone").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let missing = text(missing).await;
    assert!(missing.contains(r#"<form class="not-found-search" method="get" action="/search""#), "{missing}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_records_a_typed_page_view_with_its_path_title_and_in_site_referrer() {
    use telepath_domain::PageType;
    let fixture = guidance_fixture();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let pages = [
        ("/articles/send-an-invoice", PageType::Article, "Send an invoice"),
        ("/categories/invoices", PageType::Category, "Invoices"),
        ("/kits/newcomer", PageType::Kit, "Welcome to Acme"),
        ("/tasks/change-address", PageType::Task, "Change your address"),
        ("/search?q=invoice", PageType::SearchResults, "Search: invoice"),
    ];
    for (uri, _, _) in pages {
        let referer = Some("http://help.example/categories/invoices?level=newcomer#top");
        let response = app.clone().oneshot(visit(&visitor, uri, referer)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
    }
    let views = wait_for_events(&portal, "page_viewed", pages.len()).await;
    assert_eq!(views.len(), pages.len(), "one view per page, none for the home page: {views:?}");
    let visitor_id = visitor.cookie.trim_start_matches("telepath_visitor=");
    for ((uri, page, title), stored) in pages.into_iter().zip(views.iter().rev()) {
        let path = uri.split('?').next().unwrap();
        let expected = EventKind::PageViewed {
            page,
            path: path.into(),
            title: title.into(),
            referrer: Some("/categories/invoices".into()),
        };
        assert_eq!(stored.kind, expected, "{uri}");
        assert_eq!(stored.visitor, visitor_id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_and_next_question_links_record_their_clicks_when_the_article_is_shown() {
    let fixture = Fixture::new();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let results =
        text(app.clone().oneshot(visit(&visitor, "/search?q=void+invoice", None)).await.unwrap()).await;
    let href = results
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/articles/"))
        .expect("a result links to an article")
        .replace("&amp;", "&");
    assert_eq!(href, "/articles/void-an-invoice?q=void+invoice&rank=1", "{results}");
    let article = app.clone().oneshot(visit(&visitor, &href, None)).await.unwrap();
    assert_eq!(article.status(), StatusCode::OK);
    let clicks = wait_for_events(&portal, "search_result_clicked", 1).await;
    assert_eq!(
        clicks[0].kind,
        EventKind::SearchResultClicked {
            query: "void invoice".into(),
            rank: 1,
            slug: "void-an-invoice".into()
        }
    );

    let html =
        text(app.clone().oneshot(visit(&visitor, "/articles/send-an-invoice", None)).await.unwrap()).await;
    let next = "/articles/void-an-invoice?from=send-an-invoice";
    assert!(html.contains(&format!(r#"href="{next}""#)), "{html}");
    assert_eq!(app.clone().oneshot(visit(&visitor, next, None)).await.unwrap().status(), StatusCode::OK);
    let followed = wait_for_events(&portal, "next_question_clicked", 1).await;
    assert_eq!(
        followed[0].kind,
        EventKind::NextQuestionClicked { from: "send-an-invoice".into(), to: "void-an-invoice".into() }
    );
    let page_views = wait_for_events(&portal, "page_viewed", 4).await;
    assert_eq!(page_views.len(), 4, "the search page and three articles");
    assert_eq!(portal.events.recent(Some("search_result_clicked"), 10).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_off_site_referer_is_never_stored() {
    let fixture = Fixture::new();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let foreign = [
        "https://evil.example/articles/send-an-invoice?secret=1",
        "http://help.example.evil.example/articles/x",
        "http://evil.example@help.example.other/x",
        "http://help.example:8080/articles/x",
        "ftp://help.example/articles/x",
        "//help.example/articles/x",
        "/articles/relative",
        "http://help.example//evil.example/x",
        "not a url",
    ];
    for referer in foreign {
        let response =
            app.clone().oneshot(visit(&visitor, "/categories/invoices", Some(referer))).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{referer}");
    }
    let own = "http://help.example/articles/send-an-invoice";
    app.clone().oneshot(visit(&visitor, "/categories/invoices", Some(own))).await.unwrap();
    let views = wait_for_events(&portal, "page_viewed", foreign.len() + 1).await;
    let referrers: Vec<Option<String>> = views
        .into_iter()
        .rev()
        .map(|view| match view.kind {
            EventKind::PageViewed { referrer, .. } => referrer,
            other => panic!("{other:?}"),
        })
        .collect();
    let mut expected = vec![None; foreign.len()];
    expected.push(Some("/articles/send-an-invoice".to_owned()));
    assert_eq!(referrers, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_results_report_the_true_total_and_pages_work_without_javascript() {
    let fixture = Fixture::bundled();
    let (app, _) = app(&fixture).await;
    let html = text(get(&app, "/search?q=invoice+reminder").await).await;
    let count = html.split(r#"data-testid="result-count""#).nth(1).unwrap();
    let count = count.split('>').nth(1).unwrap().split(' ').next().unwrap();
    let total: usize = count.parse().unwrap_or_else(|_| panic!("a count: {html}"));
    assert!(total > 20, "more than one page: {total}");
    let category_counts: usize = html
        .split(r#"<span class="facet-count"> ("#)
        .skip(1)
        .take(7)
        .map(|rest| rest.split(')').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(category_counts, total, "the topic filters add up to the total: {html}");
    assert!(html.contains(r#"<a rel="next" href="/search?q=invoice+reminder&amp;page=2">"#), "{html}");
    assert!(html.contains(r#"<link href="/search?q=invoice+reminder&amp;page=2" rel="next">"#), "{html}");
    assert!(!html.contains(r#"rel="prev""#), "{html}");

    let second = text(get(&app, "/search?q=invoice+reminder&page=2").await).await;
    assert!(second.contains(r#"<a rel="prev" href="/search?q=invoice+reminder">"#), "{second}");
    assert!(second.contains(&format!("Showing 21–{total} (page 2 of 2).")), "{second}");
    assert!(second.contains(r#"data-testid="hits" start="21""#), "{second}");

    let filtered = text(get(&app, "/search?q=payment+invoice&kind=guide&page=2").await).await;
    assert!(
        filtered.contains(r#"href="/search?q=payment+invoice&amp;kind=guide">1</a>"#),
        "pages keep the filters: {filtered}"
    );
    assert!(
        filtered.contains(r#"href="/search?q=payment+invoice&amp;category=invoices&amp;kind=guide""#),
        "a filter link starts again at page 1: {filtered}"
    );
    let beyond = text(get(&app, "/search?q=invoice+reminder&page=99").await).await;
    assert!(beyond.contains("(page 2 of 2)"), "past the end shows the last page: {beyond}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_results_page_has_one_search_box_holding_the_query_and_filters_before_results() {
    let fixture = Fixture::bundled();
    let (app, _) = app(&fixture).await;
    let html = text(get(&app, "/search?q=payout+late").await).await;
    assert_eq!(html.matches(r#"role="search""#).count(), 1, "one search landmark: {html}");
    assert!(html.contains(r#"aria-label="Search the Help Centre""#), "{html}");
    assert!(html.contains(r#"id="header-search""#) && html.contains(r#"value="payout late""#), "{html}");
    let filters = html.find(r#"data-testid="filters""#).expect("a Filter disclosure");
    let results = html.find(r#"data-testid="hits""#).expect("results");
    assert!(filters < results, "filters come first, for phones");
    let home = text(get(&app, "/").await).await;
    assert_eq!(home.matches(r#"role="search""#).count(), 1, "{home}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggestions_offer_partial_matches_and_never_come_back_empty_handed() {
    let fixture = Fixture::bundled();
    let (app, store) = app(&fixture).await;
    let suggest = |q: &'static str| {
        let app = app.clone();
        async move {
            let response = get(&app, &format!("/api/suggest?q={q}")).await;
            assert_eq!(response.status(), StatusCode::OK, "{q}");
            serde_json::from_str::<serde_json::Value>(&text(response).await).unwrap()
        }
    };
    let partial = suggest("chnage+currency").await;
    assert!(!partial["hits"].as_array().unwrap().is_empty(), "{partial}");
    let nothing = suggest("xyzzy+plugh").await;
    assert_eq!(nothing["query"], "xyzzy plugh", "{nothing}");
    assert_eq!(nothing["hits"], serde_json::json!([]), "{nothing}");
    let misspelt = suggest("pazzword").await;
    assert_eq!(misspelt["did_you_mean"], "password", "{misspelt}");
    assert!(store.events.recent(Some("search_without_results"), 10).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_search_index_says_search_is_unavailable_and_records_no_failed_search() {
    let fixture = Fixture::new();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    portal.search.fail_every_search();
    let request =
        Request::get("/search?q=invoice").header(header::COOKIE, &visitor.cookie).body(Body::empty());
    let response = app.clone().oneshot(request.unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header_value(&response, "retry-after"), "5");
    let html = text(response).await;
    assert!(html.contains("Search is unavailable, try again in a moment."), "{html}");
    assert!(!html.contains("No articles match"), "{html}");
    // The recorder writes in order: once a later page view is stored, a failed
    // search recorded before it would be too.
    let later =
        Request::get("/articles/send-an-invoice").header(header::COOKIE, &visitor.cookie).body(Body::empty());
    app.clone().oneshot(later.unwrap()).await.unwrap();
    wait_for_events(&portal, "page_viewed", 1).await;
    let failed = portal.events.recent(Some("search_without_results"), 10).await.unwrap();
    assert!(failed.is_empty(), "a search that could not run is not a content gap: {failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editors_page_says_which_broken_files_are_live_in_their_last_good_version_and_which_are_not_published()
 {
    let fixture = Fixture::new();
    let state = crate::prepare(&fixture.config(Path::new("/nonexistent-site"))).await.unwrap();
    let content = state.portal.content.clone();
    let app = service(state);
    fixture.write("articles/invoices/void-an-invoice.md", "+++\ntitle = \"Void\"\n");
    fixture.write("articles/invoices/brand-new.md", "+++\ntitle = \"New\"\nkind = guide\n+++\n");
    content.reload().unwrap();

    let page = text(get(&app, "/editors").await).await;
    let state_of = |file: &str| {
        let row = &page[page.find(file).unwrap_or_else(|| panic!("{file}: {page}"))..];
        row[..row.find("</li>").unwrap()].to_owned()
    };
    assert!(state_of("brand-new.md</code>").contains("not published"), "{page}");
    assert!(state_of("void-an-invoice.md</code>").contains("the last good version is still live"), "{page}");
    assert!(page.contains("3 articles in 2 categories: 2 errors, 0 warnings"), "{page}");
    assert!(page.contains("<pre class=\"excerpt\">  |\n3 | kind = guide\n  |        ^</pre>"), "{page}");
    let first_error = page.find("diagnostic error").unwrap();
    assert!(!page[..first_error].contains("diagnostic warning"), "errors come first: {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_read_in_the_sites_time_zone_show_their_event_window_and_recent_ones_are_listed_as_past() {
    let fixture = Fixture::new();
    fixture.write(
        "site.toml",
        "product_name = \"Acme\"\ntagline = \"T\"\nsupport_hours = \"9 to 5\"\ntime_zone = \"America/New_York\"\n",
    );
    let day = jiff::SignedDuration::from_hours(24);
    let now = jiff::Timestamp::now();
    let notice = |id: &str, title: &str, starts: jiff::Timestamp, ends: jiff::Timestamp, event: &str| {
        fixture.write(
            &format!("notices/{id}.md"),
            &format!(
                "+++\ntitle = \"{title}\"\nseverity = \"warning\"\nstarts = {starts}\nends = {ends}\n{event}+++\nBody.\n"
            ),
        );
    };
    notice(
        "maintenance",
        "Payouts maintenance",
        now - day,
        now + day,
        "happens_from = 2027-01-16T07:00:00Z\nhappens_until = 2027-01-16T11:00:00Z\n",
    );
    notice("yesterday", "Ended yesterday", now - day * 5, now - day, "");
    notice("last-month", "Ended last month", now - day * 40, now - day * 30, "");
    notice("long-ago", "Ended long ago", now - day * 100, now - day * 91, "");
    let (app, _) = app(&fixture).await;

    let page = text(get(&app, "/notices").await).await;
    assert!(page.contains("<strong>When: </strong>Sat 16 Jan, 02:00–06:00 (New York time)"), "{page}");
    let past = &page[page.find("Past notices").unwrap_or_else(|| panic!("{page}"))..];
    let (recent, older) = (past.find("Ended yesterday").unwrap(), past.find("Ended last month").unwrap());
    assert!(recent < older, "the most recent first: {past}");
    assert!(!page.contains("Ended long ago"), "only the last 90 days: {page}");
    assert!(past.contains("(New York time)"), "{past}");
    assert!(!past.contains("Payouts maintenance"), "{past}");

    let banner = text(get(&app, "/").await).await;
    assert!(banner.contains("Sat 16 Jan, 02:00–06:00 (New York time)"), "the banner says when: {banner}");
    let editors = text(get(&app, "/editors").await).await;
    assert!(editors.contains("Happens: Sat 16 Jan, 02:00–06:00 (New York time)"), "{editors}");
}

mod feedback;
mod requests;
mod task_and_article;
mod task_mistakes;
