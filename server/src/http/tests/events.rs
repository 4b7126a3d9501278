//! Typed events recorded as visitors browse: page views, result and next-question clicks.

use super::*;

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
        EventKind::NextQuestionClicked {
            from: "send-an-invoice".into(),
            to: "void-an-invoice".into(),
            from_page: ListedPage::Article,
            to_page: ListedPage::Article
        }
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
async fn a_visitor_who_asks_not_to_be_tracked_is_not_recorded_and_sees_the_same_pages() {
    let fixture = Fixture::new();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    for asks_not_to in ["sec-gpc", "dnt"] {
        let untracked = |mut request: Request<Body>| {
            request.headers_mut().insert(asks_not_to, header::HeaderValue::from_static("1"));
            request
        };
        let article =
            app.clone().oneshot(untracked(visit(&visitor, "/articles/send-an-invoice", None))).await.unwrap();
        assert_eq!(article.status(), StatusCode::OK);
        assert!(text(article).await.contains("<h1>Send an invoice</h1>"));
        let search = app.clone().oneshot(untracked(visit(&visitor, "/search?q=xyzzy", None))).await.unwrap();
        assert!(text(search).await.contains("No articles match"));
        let vote = app
            .clone()
            .oneshot(untracked(feedback_post(&visitor, "same-origin", "slug=send-an-invoice&helpful=false")))
            .await
            .unwrap();
        assert_eq!(vote.status(), StatusCode::FOUND, "the vote is thanked as usual");
    }
    // One writer stores events in order: once this tracked view is stored, any
    // untracked one before it would have been too.
    app.clone().oneshot(visit(&visitor, "/articles/void-an-invoice", None)).await.unwrap();
    wait_for_events(&portal, "page_viewed", 1).await;
    for event in portal.events.recent(None, 100).await.unwrap() {
        let of_the_tracked_view = match &event.kind {
            EventKind::PageViewed { path, .. } => path == "/articles/void-an-invoice",
            EventKind::NextQuestionsShown { from, .. } => from == "void-an-invoice",
            _ => false,
        };
        assert!(of_the_tracked_view, "recorded although the visitor asked not to be: {event:?}");
    }
}
