//! The results page and the search box: filters, pages, spellings, limits, an index that fails.

use super::*;

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
    let searches = wait_for_events(&store, "searched", 2).await;
    let counted: Vec<(String, u32)> = searches
        .into_iter()
        .rev()
        .filter_map(|event| match event.kind {
            EventKind::Searched { query, results } => Some((query, results)),
            _ => None,
        })
        .collect();
    assert!(counted.contains(&("zebracorn".to_owned(), 0)), "{counted:?}");
    assert!(
        counted.iter().any(|(_, results)| *results > 0),
        "a search that found articles says how many: {counted:?}"
    );
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
