//! The effort question on a task's confirmation, answered without JavaScript: one
//! rating per visitor and request, changed by answering again, refused for a score
//! off the scale, someone else's request or a form without its token; and the
//! editors' insights that count it.

use super::*;
use crate::portal::Portal;
use crate::store::EffortSummaryRow;

/// Sends the guidance fixture's task as `visitor`, answering its confirmation's address.
async fn send_change_address(app: &HttpService, visitor: &Session) -> String {
    let body = "_form=0123456789abcdef0123456789abcdef&order=TAP-204518&note=Leave+it+with+Sam";
    let sent = app.clone().oneshot(form_post(visitor, "/tasks/change-address", body)).await.unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    header_value(&sent, "location").to_owned()
}

/// The confirmation at `path` as `visitor` sees it, without Leptos' hydration markers.
async fn confirmation_page(app: &HttpService, visitor: &Session, path: &str) -> String {
    let page = app.clone().oneshot(with_cookies(path, &visitor.cookie)).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "{path}");
    text(page).await.replace("<!>", "")
}

/// Every rating stored so far, as the store adds them up.
async fn ratings(portal: &Portal) -> Vec<EffortSummaryRow> {
    portal.effort.summary(0, i64::MAX).await.unwrap()
}

fn counted(counts: [u32; 5]) -> Vec<EffortSummaryRow> {
    let key = crate::store::EffortKey::Task { task: "change-address".into() };
    vec![EffortSummaryRow { scale_version: 1, key, counts }]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_click_without_javascript_rates_the_request_once_and_another_click_changes_it() {
    let fixture = guidance_fixture();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let confirmation = send_change_address(&app, &visitor).await;

    let page = confirmation_page(&app, &visitor, &confirmation).await;
    let question = &page[page.find(r#"data-testid="effort""#).expect("the confirmation asks about effort")..];
    let question = &question[..question.find("</section>").unwrap()];
    assert!(
        question
            .contains(&format!(r#"<form method="post" action="{confirmation}/effort" class="effort-form">"#)),
        "a plain form: {question}"
    );
    assert!(question.contains(&format!(r#"name="_csrf" value="{}""#, visitor.token)), "{question}");
    assert!(
        question.contains(
            "<legend>How much effort did you personally have to put forth to handle your request?</legend>"
        ),
        "the question names the buttons' group: {question}"
    );
    assert!(
        question.contains("1 means it took very little effort, 5 that it took a great deal."),
        "{question}"
    );
    for (score, words) in [
        (1, "Very low effort"),
        (2, "Low effort"),
        (3, "Medium effort"),
        (4, "High effort"),
        (5, "Very high effort"),
    ] {
        let button = format!(r#"name="score" value="{score}""#);
        let at = question.find(&button).unwrap_or_else(|| panic!("a button for {score}: {question}"));
        let label = &question[at..question[at..].find("</button>").unwrap() + at];
        assert!(
            label.contains(&format!(
                r#"<span class="effort-number">{score}</span><span class="effort-label">{words}</span>"#
            )),
            "named by number and words: {label}"
        );
    }
    assert!(ratings(&portal).await.is_empty(), "showing the question stores nothing");

    let rated =
        app.clone().oneshot(form_post(&visitor, &format!("{confirmation}/effort"), "score=2")).await.unwrap();
    assert_eq!(rated.status(), StatusCode::SEE_OTHER);
    assert_eq!(header_value(&rated, "location"), format!("{confirmation}#effort"));
    assert_eq!(ratings(&portal).await, counted([0, 1, 0, 0, 0]));
    let page = confirmation_page(&app, &visitor, &confirmation).await;
    assert!(page.contains("Thanks — you rated the effort 2 of 5 (low)."), "{page}");
    assert!(!page.contains("It replaces your earlier answer"), "{page}");
    let change = &page[page.find(r#"<details class="effort-change">"#).expect("a way to change it")..];
    assert!(change.contains("Change your answer</summary>"), "{change}");
    let chosen = &change[change.find(r#"value="2""#).unwrap()..];
    let chosen = &chosen[..chosen.find("</button>").unwrap()];
    assert!(
        chosen.contains(r#"aria-current="true""#)
            && chosen.contains(r#"class="effort-choice chosen""#)
            && chosen.contains(r#"<span class="visually-hidden"> (your answer)</span>"#),
        "the answer so far is marked: {chosen}"
    );

    let changed =
        app.clone().oneshot(form_post(&visitor, &format!("{confirmation}/effort"), "score=4")).await.unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let again = header_value(&changed, "location").to_owned();
    assert_eq!(again, format!("{confirmation}?effort=changed#effort"));
    assert_eq!(ratings(&portal).await, counted([0, 0, 0, 1, 0]), "replaced, not added");
    let page = confirmation_page(&app, &visitor, &again).await;
    assert!(
        page.contains("Thanks — you rated the effort 4 of 5 (high). It replaces your earlier answer."),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_score_off_the_scale_is_refused_in_plain_words_and_nothing_is_stored() {
    let fixture = guidance_fixture();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let effort = format!("{}/effort", send_change_address(&app, &visitor).await);
    for body in ["score=0", "score=6", "score=x", "score=", "score=2.5", "", "score=%3Cscript%3E"] {
        let refused = app.clone().oneshot(form_post(&visitor, &effort, body)).await.unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{body}");
        let page = text(refused).await;
        assert!(page.contains("<h1>This answer could not be read</h1>"), "{body}: {page}");
        assert!(
            page.contains("Nothing was saved. Go back and choose one of the five buttons, from 1 (very low effort) to 5 (very high effort)."),
            "{body}: {page}"
        );
        assert!(!page.contains("<script>"), "{body}: {page}");
    }
    assert!(ratings(&portal).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_visitor_who_sent_the_request_can_rate_it_and_others_get_the_same_404() {
    let fixture = guidance_fixture();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let confirmation = send_change_address(&app, &visitor).await;
    let reference = confirmation.rsplit('/').next().unwrap().to_owned();
    let someone_else = session(&app).await;
    let attempts = [
        (&someone_else, format!("{confirmation}/effort")),
        (&visitor, "/tasks/change-address/sent/TP-FAKE-FAKE/effort".to_owned()),
        (&visitor, format!("/tasks/request-a-refund/sent/{reference}/effort")),
    ];
    for (who, effort) in attempts {
        let refused = app.clone().oneshot(form_post(who, &effort, "score=1")).await.unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{effort}");
        let page = text(refused).await;
        assert!(page.contains(r#"data-testid="request-not-found""#), "the confirmation's own 404: {page}");
        assert!(!page.contains("TAP-204518") && !page.contains("Leave it with Sam"), "nothing leaks: {page}");
    }
    assert!(ratings(&portal).await.is_empty(), "nothing was rated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_without_the_visitors_form_token_is_refused() {
    let fixture = guidance_fixture();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let effort = format!("{}/effort", send_change_address(&app, &visitor).await);
    let forged = Session { cookie: visitor.cookie.clone(), token: "0".repeat(64) };
    let without_token = Request::post(&effort)
        .header(header::COOKIE, &visitor.cookie)
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("score=3"))
        .unwrap();
    for request in [without_token, form_post(&forged, &effort, "score=3")] {
        let refused = app.clone().oneshot(request).await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(text(refused).await.contains("This form could not be checked"));
    }
    assert!(ratings(&portal).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_shows_up_in_the_editors_effort_table_and_its_csv() {
    let fixture = guidance_fixture();
    let (app, portal) = app(&fixture).await;
    let editor = staff::staff_cookie(&fixture, telepath_domain::StaffRole::Editor).await;
    let as_editor = |uri: &str| app.clone().oneshot(with_cookies(uri, &editor));
    let before = text(as_editor("/editors/insights?days=7").await.unwrap()).await;
    let effort = &before[before.find(r#"data-testid="insights-effort""#).expect("an effort section")..];
    assert!(effort.contains("None in this period."), "{effort}");
    assert!(!effort.contains("<svg"), "nothing to draw yet: {effort}");

    for (visitor, score) in [(session(&app).await, "2"), (session(&app).await, "5")] {
        let effort = format!("{}/effort", send_change_address(&app, &visitor).await);
        let rated =
            app.clone().oneshot(form_post(&visitor, &effort, &format!("score={score}"))).await.unwrap();
        assert_eq!(rated.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(ratings(&portal).await, counted([0, 1, 0, 0, 1]));

    // Without Leptos' hydration markers, which sit between a row's cells.
    let page = text(as_editor("/editors/insights?days=7").await.unwrap()).await.replace("<!>", "");
    let effort = &page[page.find(r#"data-testid="insights-effort""#).unwrap()..];
    assert!(
        effort.contains("Only answers to the current wording (scale version 1) are counted."),
        "the scale is kept apart: {effort}"
    );
    assert!(
        effort.contains(
            r#"<tr><td><a href="/tasks/change-address">Change your address</a></td><td>2</td><td>3.5</td><td>50%</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>"#
        ),
        "n, mean, share of low effort and how the ratings spread: {effort}"
    );
    assert!(effort.contains("<svg"), "the spread is drawn: {effort}");
    assert!(
        effort.contains("Appears when live chat lands"),
        "agents and offer reasons wait for chat: {effort}"
    );

    let csv = as_editor("/editors/insights.csv?table=effort&days=7").await.unwrap();
    assert_eq!(header_value(&csv, "content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        text(csv).await,
        "touchpoint,name,ratings,mean,low effort (1-2) %,1 very low,2 low,3 medium,4 high,5 very high,scale version\r\n\
         task,change-address,2,3.50,50,0,1,0,0,1,1\r\n"
    );
}
