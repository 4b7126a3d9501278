//! A sent task form: the confirmation shows what was sent, what happens next and by
//! when, and `/requests/<reference>` shows it again, to the visitor who sent it only.

use super::{
    app, form_post, get, guidance_fixture, header_value, session, text, visit, wait_for_events, with_cookies,
};
use axum::http::StatusCode;
use telepath_domain::{EventKind, ListedPage};
use tower::ServiceExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confirmation_and_the_status_page_show_what_was_sent_to_its_visitor_and_no_one_else() {
    let fixture = guidance_fixture();
    let task = std::fs::read_to_string(fixture.content_dir().join("tasks/change-address.md")).unwrap();
    fixture.write(
        "tasks/change-address.md",
        &task.replacen("what_happens_next =", "reply_within_business_days = 1\nwhat_happens_next =", 1),
    );
    let (app, _) = app(&fixture).await;
    let visitor = session(&app).await;
    let body =
        "_form=00112233445566778899aabbccddeeff&order=TAP-204518&note=Leave+it+%3Cb%3Ewith%3C%2Fb%3E+Sam";
    let sent = app.clone().oneshot(form_post(&visitor, "/tasks/change-address", body)).await.unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let location = header_value(&sent, "location").to_owned();
    let reference = location.rsplit('/').next().unwrap().to_owned();
    let status_path = format!("/requests/{reference}");

    let confirmation =
        text(app.clone().oneshot(with_cookies(&location, &visitor.cookie)).await.unwrap()).await;
    let status = app.clone().oneshot(with_cookies(&status_path, &visitor.cookie)).await.unwrap();
    assert_eq!(status.status(), StatusCode::OK);
    let status = text(status).await;
    for page in [&confirmation, &status] {
        let sent = &page[page.find(r#"data-testid="sent-answers""#).expect("what was sent is shown")..];
        assert!(sent.contains("<dt>Order number</dt><dd>TAP-204518</dd>"), "{page}");
        assert!(
            sent.contains("<dt>Note</dt><dd>Leave it &lt;b&gt;with&lt;/b&gt; Sam</dd>"),
            "escaped: {page}"
        );
        assert!(page.contains("We update the parcel within 1 business day."), "{page}");
        assert!(page.contains(r#"data-testid="reply-by""#), "by when: {page}");
        assert!(page.contains(&reference), "{page}");
    }
    assert!(
        confirmation.contains(&format!(r#"<a href="{status_path}" data-testid="request-status-link">"#)),
        "the confirmation links to the status page: {confirmation}"
    );
    assert!(status.contains(r#"data-testid="request-status""#) && status.contains("Received"), "{status}");
    let next =
        &confirmation[confirmation.find(r#"data-testid="next-questions""#).expect("what people ask next")..];
    assert!(
        next.contains("<a href=\"/articles/"),
        "the task's related articles, then the same category: {next}"
    );

    let someone_else = session(&app).await;
    for path in [&status_path, &location] {
        let refused = app.clone().oneshot(with_cookies(path, &someone_else.cookie)).await.unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{path}");
        let refused = text(refused).await;
        assert!(
            refused.contains("We can&#x27;t show this request")
                || refused.contains("We can't show this request"),
            "{refused}"
        );
        assert!(refused.contains("only in the browser that sent it"), "plain words: {refused}");
        assert!(!refused.contains("TAP-204518"), "another visitor never sees the answers: {refused}");
    }
    let unknown = get(&app, "/requests/TP-FAKE-FAKE").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let robots = text(get(&app, "/robots.txt").await).await;
    assert!(robots.contains("Disallow: /requests/"), "{robots}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_people_ask_next_after_a_sent_task_is_recorded_when_shown_and_when_followed() {
    let fixture = guidance_fixture();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let body = "_form=00112233445566778899aabbccddeeff&order=TAP-204518";
    let sent = app.clone().oneshot(form_post(&visitor, "/tasks/change-address", body)).await.unwrap();
    let location = header_value(&sent, "location").to_owned();
    let someone_else = session(&app).await;
    let refused = app.clone().oneshot(with_cookies(&location, &someone_else.cookie)).await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    let confirmation =
        text(app.clone().oneshot(with_cookies(&location, &visitor.cookie)).await.unwrap()).await;
    let next = &confirmation[confirmation.find(r#"data-testid="next-questions""#).expect("a list")..];
    let link = next
        .split(r#"href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link in the list")
        .replace("&amp;", "&");
    let to = link
        .strip_prefix("/articles/")
        .and_then(|rest| rest.strip_suffix("?from_task=change-address"))
        .unwrap_or_else(|| panic!("an article link naming the task it was on: {link}"))
        .to_owned();
    let shown = wait_for_events(&portal, "next_questions_shown", 1).await;
    assert_eq!(shown.len(), 1, "only the visitor's own confirmation shows the list");
    match &shown[0].kind {
        EventKind::NextQuestionsShown { from, shown, from_page } => {
            assert_eq!((from.as_str(), *from_page), ("change-address", ListedPage::Task));
            assert_eq!(shown[0], format!("/articles/{to}"));
        }
        other => panic!("{other:?}"),
    }

    // Events are stored in order by one writer: once the two followed links are
    // stored, a click recorded for the forged link visited first would be too.
    let forged = "/tasks/change-address?from_task=no-such-task";
    assert_eq!(app.clone().oneshot(visit(&visitor, forged, None)).await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.clone().oneshot(visit(&visitor, &link, None)).await.unwrap().status(), StatusCode::OK);
    let from_article = "/tasks/change-address?from=send-an-invoice";
    assert_eq!(
        app.clone().oneshot(visit(&visitor, from_article, None)).await.unwrap().status(),
        StatusCode::OK
    );
    let followed: Vec<EventKind> = wait_for_events(&portal, "next_question_clicked", 2)
        .await
        .into_iter()
        .rev()
        .map(|event| event.kind)
        .collect();
    assert_eq!(
        followed,
        [
            EventKind::NextQuestionClicked {
                from: "change-address".into(),
                to: to.clone(),
                from_page: ListedPage::Task,
                to_page: ListedPage::Article,
            },
            EventKind::NextQuestionClicked {
                from: "send-an-invoice".into(),
                to: "change-address".into(),
                from_page: ListedPage::Article,
                to_page: ListedPage::Task,
            },
        ],
        "a task's list and a link to a task are recorded; a forged one is not"
    );
}
