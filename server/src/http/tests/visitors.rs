//! What a visitor's cookies remember: their id, level, kit progress, dismissed notices, votes.

use super::*;

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

    let editors = text(staff::get_as_editor(&app, &fixture, "/editors").await).await;
    for (id, state) in [("current", "Showing now"), ("past", "Ended"), ("future", "Scheduled")] {
        let row = &editors[editors.find(&format!(r#"<tr data-notice="{id}""#)).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(state), "{id}: {row}");
    }
}
