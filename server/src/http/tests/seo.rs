//! What search engines and link previews read: descriptions, canonical addresses, robots, the sitemap.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_describes_itself_to_search_engines_and_link_previews() {
    let fixture = guidance_fixture();
    let (app, _) = app(&fixture).await;
    let editor = staff::staff_cookie(&fixture, telepath_domain::StaffRole::Editor).await;
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
        let html = text(app.clone().oneshot(with_cookies(uri, &editor)).await.unwrap()).await;
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
async fn robots_and_the_sitemap_tell_crawlers_every_public_page_on_the_public_origin() {
    let fixture = guidance_fixture();
    let (app, _) = app_with(&fixture, |config| {
        config.public_url = Some(crate::config::PublicUrl::parse_for_tests("https://help.acme.example"));
    })
    .await;
    let robots = get(&app, "/robots.txt").await;
    assert_eq!(robots.status(), StatusCode::OK);
    let robots = text(robots).await;
    assert!(robots.contains("Disallow: /editors\n"), "{robots}");
    // A plain search may be crawled (the page says whether it may be indexed); one
    // with a filter or a page number is never indexed, so it is not crawled either.
    assert!(robots.contains("Disallow: /search?*&\n") && !robots.contains("Disallow: /search\n"), "{robots}");
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

/// The page at `uri` as a browser on `help.acme.example` receives it.
async fn page_on_acme(app: &HttpService, uri: &str) -> String {
    let request = Request::get(uri).header(header::HOST, "help.acme.example").body(Body::empty()).unwrap();
    text(app.clone().oneshot(request).await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_names_its_one_canonical_address_and_the_404_page_names_none() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let html = page_on_acme(&app, "/articles/send-an-invoice?from=search").await;
    assert!(
        html.contains(r#"<link href="http://help.acme.example/articles/send-an-invoice" rel="canonical">"#),
        "the query is not part of the address: {html}"
    );
    assert!(
        html.contains(
            r#"<meta property="og:url" content="http://help.acme.example/articles/send-an-invoice">"#
        )
    );
    let missing = page_on_acme(&app, "/articles/nope").await;
    assert!(!missing.contains("rel=\"canonical\""), "{missing}");

    let (behind_proxy, _) = app_with(&fixture, |config| {
        config.public_url = Some(crate::config::PublicUrl::parse_for_tests("https://help.acme.example"));
    })
    .await;
    let html = page_on_acme(&behind_proxy, "/categories/invoices").await;
    assert!(
        html.contains(r#"<link href="https://help.acme.example/categories/invoices" rel="canonical">"#),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_in_the_articles_own_words_may_be_indexed_at_one_address_and_no_other_search_may() {
    let fixture = Fixture::new();
    let (app, _) = app(&fixture).await;
    let head = |uri: &'static str| {
        let app = app.clone();
        async move {
            let html = page_on_acme(&app, uri).await;
            html.split("</head>").next().unwrap_or_default().to_owned()
        }
    };
    let noindex = r#"<meta name="robots" content="noindex">"#;

    let found = head("/search?q=Send+an+INVOICE").await;
    assert!(
        found.contains(r#"<link href="http://help.acme.example/search?q=send+an+invoice" rel="canonical">"#),
        "one address, in lowercase words: {found}"
    );
    assert!(!found.contains(noindex), "{found}");
    assert!(
        found.contains("Help articles on “send an invoice”"),
        "the description says what the page lists: {found}"
    );

    for (uri, why) in [
        ("/search?q=send+an+invoice+cheap+pills", "words the articles never use"),
        ("/search?q=send+an+invoise", "a typo, forgiven by search but not the articles' word"),
        ("/search?q=invoice&category=invoices", "a filtered copy of a page that is indexed"),
        ("/search?q=void+password", "no article has every word"),
        ("/search?q=qqqzzz", "nothing found"),
        ("/search", "no search at all"),
    ] {
        let page = head(uri).await;
        assert!(page.contains(noindex) && !page.contains(r#"rel="canonical""#), "{uri}: {why}: {page}");
    }
}
