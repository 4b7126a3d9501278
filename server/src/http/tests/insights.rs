//! The editors' insights page and its CSV downloads.

use super::*;
use crate::store::NewEvent;
use telepath_domain::PageType;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_show_gaps_votes_and_fixes_as_text_and_their_csv_cannot_run_formulas() {
    let fixture = Fixture::new();
    let (app, portal) =
        app_with(&fixture, |config| config.journeys.refresh = std::time::Duration::from_millis(20)).await;
    let hostile = "=cmd|' /C calc'!A0 <script>alert(1)</script>";
    let read = |slug: &str| EventKind::PageViewed {
        page: PageType::Article,
        path: format!("/articles/{slug}"),
        title: String::new(),
        referrer: None,
    };
    let events = [
        ("a", EventKind::Searched { query: hostile.into(), results: 0 }),
        ("a", read("send-an-invoice")),
        (
            "a",
            EventKind::ArticleFeedback { slug: "send-an-invoice".into(), helpful: true, looking_for: None },
        ),
        ("b", EventKind::Searched { query: "invoice".into(), results: 2 }),
        (
            "b",
            EventKind::ArticleFeedback { slug: "void-an-invoice".into(), helpful: false, looking_for: None },
        ),
        ("b", EventKind::ChatRequested { conversation: 1 }),
    ];
    let mut last = 0;
    for (visitor, kind) in events {
        last = portal.events.append(NewEvent { visitor: visitor.into(), kind }).await.unwrap();
    }
    let mut learned = portal.journeys.learned_through();
    tokio::time::timeout(std::time::Duration::from_secs(10), learned.wait_for(|through| *through >= last))
        .await
        .expect("the learner reads new events by itself")
        .unwrap();

    let editor = staff::staff_cookie(&fixture, telepath_domain::StaffRole::Editor).await;
    let as_editor = |uri: &str| app.clone().oneshot(with_cookies(uri, &editor));
    let page = as_editor("/editors/insights?days=7").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = text(page).await;
    assert!(!html.contains("<script>alert(1)"), "search text is never markup: {html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    let fixes = &html[html.find(r#"data-testid="insights-fixes""#).expect("a fixes section")..];
    assert!(fixes.contains(">Send an invoice</a>") && fixes.contains("tags = ["), "{fixes}");
    let votes = &html[html.find(r#"data-testid="insights-votes""#).expect("a votes section")..];
    let (void, send) = (votes.find("Void an invoice").unwrap(), votes.find(">Send an invoice<").unwrap());
    assert!(void < send, "the least helpful article comes first");
    assert!(html.contains("<svg"), "the charts are drawn on the server");
    assert!(html.contains(r#"data-testid="staff-bar""#), "who is signed in, and the way out: {html}");

    let csv = as_editor("/editors/insights.csv?table=without-results&days=7").await.unwrap();
    assert_eq!(header_value(&csv, "content-type"), "text/csv; charset=utf-8");
    let csv = text(csv).await;
    assert!(csv.starts_with("search,times,found nothing,no result opened,period before\r\n"), "{csv}");
    assert!(csv.contains("\r\n'=cmd|' /c calc'!a0 <script>alert(1)</script>,1,1,0,0\r\n"), "{csv}");
    let followed = html.split("data-testid=\"followed-by-chat\"").nth(1).expect("a search then a chat");
    assert!(followed.contains(">invoice</a>") && followed.contains("<td>1</td>"), "{followed}");
    let csv = text(as_editor("/editors/insights.csv?table=followed-by-chat&days=7").await.unwrap()).await;
    assert_eq!(csv, "search,times,visits that then asked for a person\r\ninvoice,1,1\r\n");
    assert_eq!(as_editor("/editors/insights.csv?table=nope").await.unwrap().status(), StatusCode::NOT_FOUND);
    for uri in ["/editors/insights?days=7", "/editors/insights.csv?table=without-results&days=7"] {
        assert_eq!(get(&app, uri).await.status(), StatusCode::SEE_OTHER, "{uri} needs a signed-in editor");
    }
}
