//! After a "No" on an article: one short question, stored with the vote, the vote
//! remembered on a revisit, and one way on, never two "ask our team" boxes.

use super::{app, form_post, session, set_cookie, text, with_cookies};
use crate::testing::{Fixture, article};
use axum::http::StatusCode;
use telepath_domain::EventKind;
use tower::ServiceExt;

/// The part of a page between `<main` and `</main>`: the footer's contact link is not an offer.
fn main_of(page: &str) -> &str {
    let start = page.find("<main").expect("every page has a main landmark");
    &page[start..page[start..].find("</main>").map_or(page.len(), |end| start + end)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_asks_what_was_missing_stores_it_with_the_vote_and_is_remembered() {
    let fixture = Fixture::new();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;

    let fresh =
        text(app.clone().oneshot(with_cookies("/articles/send-an-invoice", &visitor.cookie)).await.unwrap())
            .await;
    assert!(fresh.contains(r#"data-testid="feedback-no""#), "{fresh}");
    assert!(fresh.contains("People usually ask next"), "{fresh}");

    let voted = app
        .clone()
        .oneshot(form_post(&visitor, "/api/feedback", "slug=send-an-invoice&helpful=false"))
        .await
        .unwrap();
    assert_eq!(voted.status(), StatusCode::FOUND);
    let vote = set_cookie(&voted, "telepath_votes");
    assert_eq!(vote, "telepath_votes=send-an-invoice:n");
    let cookies = format!("{}; {vote}", visitor.cookie);

    let asked =
        text(app.clone().oneshot(with_cookies("/articles/send-an-invoice", &cookies)).await.unwrap()).await;
    let asked = main_of(&asked);
    assert!(
        !asked.contains(r#"data-testid="feedback-no""#),
        "the vote is remembered, not asked again: {asked}"
    );
    assert!(asked.contains(r#"<label for="looking-for">What were you looking for?"#), "{asked}");
    assert!(asked.contains(r#"action="/api/feedback-looking-for""#), "a plain form: {asked}");
    assert!(asked.contains("These may answer it"), "the next likely answers are the way on: {asked}");
    assert!(asked.contains(r#"href="/articles/void-an-invoice?from=send-an-invoice""#), "{asked}");
    assert!(!asked.contains(r#"data-testid="ask-the-team""#), "one way on, not two: {asked}");

    let answered = app
        .clone()
        .oneshot(form_post(
            &visitor,
            "/api/feedback-looking-for",
            "slug=send-an-invoice&looking_for=++How+to+send+it+again++",
        ))
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::FOUND);
    assert_eq!(super::header_value(&answered, "location"), "/articles/send-an-invoice#feedback");
    let answered_vote = set_cookie(&answered, "telepath_votes");
    assert_eq!(answered_vote, "telepath_votes=send-an-invoice:a");

    let events = portal.events.recent(Some("article_feedback"), 10).await.unwrap();
    let kinds: Vec<EventKind> = events.into_iter().map(|event| event.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::ArticleFeedback {
                slug: "send-an-invoice".into(),
                helpful: false,
                looking_for: Some("How to send it again".into()),
            },
            EventKind::ArticleFeedback { slug: "send-an-invoice".into(), helpful: false, looking_for: None },
        ],
        "the answer is stored with the vote, trimmed, newest first"
    );

    let revisit = format!("{}; {answered_vote}", visitor.cookie);
    let revisit =
        text(app.clone().oneshot(with_cookies("/articles/send-an-invoice", &revisit)).await.unwrap()).await;
    assert!(
        revisit.contains("Thanks. We&#x27;ll use your answer")
            || revisit.contains("Thanks. We'll use your answer"),
        "{revisit}"
    );
    assert!(!revisit.contains("looking-for-form") && !revisit.contains("feedback-no"), "{revisit}");

    let skipped = app
        .clone()
        .oneshot(form_post(&visitor, "/api/feedback-looking-for", "slug=send-an-invoice&looking_for="))
        .await
        .unwrap();
    assert_eq!(skipped.status(), StatusCode::FOUND, "the question is optional");
    assert_eq!(
        portal.events.recent(Some("article_feedback"), 10).await.unwrap().len(),
        2,
        "nothing new to store"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_no_the_team_is_offered_once_whatever_the_level() {
    let fixture = Fixture::new();
    // An article alone in its topic, with no next questions: the team is the way on.
    fixture.write(
        "articles/alone/_index.md",
        "+++\ntitle = \"Alone\"\ndescription = \"One article.\"\norder = 3\n+++\n",
    );
    fixture.write(
        "articles/alone/close-your-account.md",
        &article("Close your account", "all", "guide", &[], "Bye.\n"),
    );
    let (app, _) = app(&fixture).await;
    let no = "telepath_votes=close-your-account:n";
    for (level, up_front) in
        [("", false), ("; telepath_level=newcomer", true), ("; telepath_level=expert", false)]
    {
        let page = app
            .clone()
            .oneshot(with_cookies("/articles/close-your-account", &format!("{no}{level}")))
            .await
            .unwrap();
        let page = text(page).await;
        let main = main_of(&page);
        let offers = main.matches(r#"data-testid="ask-the-team""#).count()
            + main.matches(r#"data-testid="help-up-front""#).count();
        assert_eq!(offers, 1, "{level:?}: one offer of the team: {main}");
        assert_eq!(main.contains("help-up-front"), up_front, "{level:?}");
    }
}
