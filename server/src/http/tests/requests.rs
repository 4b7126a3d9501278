//! A sent task form: the confirmation shows what was sent, what happens next and by
//! when, and `/requests/<reference>` shows it again, to the visitor who sent it only.

use super::{app, form_post, get, guidance_fixture, header_value, session, text, with_cookies};
use axum::http::StatusCode;
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
