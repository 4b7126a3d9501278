//! Refusals and safe defaults: headers, cross-site and oversized posts, form tokens, redirects, media links, panics.

use super::*;

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

    let huge = format!("slug={}&helpful=true", "a".repeat(crate::http::MAX_REQUEST_BODY_BYTES + 1));
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
async fn a_panic_while_answering_becomes_a_plain_words_500_page_with_the_usual_headers() {
    async fn panics() -> &'static str {
        panic!("a bug in a handler")
    }
    let app =
        crate::http::with_outer_layers(axum::Router::new().route("/panics", axum::routing::get(panics)));
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
