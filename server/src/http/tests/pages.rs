//! Pages as customers and editors see them: home, articles, categories, kits, tasks, notices, the editors' page.

use super::*;

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
async fn health_check_answers_ok() {
    let fixture = Fixture::new();
    fixture.write("articles/account/extra.md", &article("Extra", "expert", "reference", &[], "x\n"));
    let (app, _) = app(&fixture).await;
    let response = get(&app, "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "ok");
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
    assert!(
        html.contains(r#"<a href="/media/logo.txt" class="full-size"><picture>"#),
        "opens full size: {html}"
    );
    assert!(!html.contains("image/webp"), "a file that is no PNG or JPEG gets no renditions: {html}");
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
    let search_form = missing
        .split("<form")
        .find(|form| form.contains(r#"class="not-found-search""#))
        .and_then(|form| form.split('>').next())
        .expect("the 404 page has its own search box");
    assert!(
        search_form.contains(r#"method="get""#) && search_form.contains(r#"action="/search""#),
        "{search_form}"
    );
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

    let page = text(staff::get_as_editor(&app, &fixture, "/editors").await).await;
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
    let editors = text(staff::get_as_editor(&app, &fixture, "/editors").await).await;
    assert!(editors.contains("Happens: Sat 16 Jan, 02:00–06:00 (New York time)"), "{editors}");
}
