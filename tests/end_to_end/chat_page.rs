//! The chat page without JavaScript: plain forms and page loads against the real server.

use crate::chat_protocol::{Visitor, visitor};
use crate::support::TestServer;
use futures_util::SinkExt;
use telepath_server::chat::presence::AgentStatus;
use telepath_server::store::conversations::Claim;
use telepath_server::store::staff::StaffRole;
use telepath_server::testing::{Fixture, staff_login};
use tokio_tungstenite::tungstenite::Message;

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn chat_page(server: &TestServer, visitor: &Visitor) -> String {
    let page = client().get(server.url("/chat")).header("cookie", &visitor.cookie).send().await.unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

/// The hidden client id of the page's message form.
fn client_id(html: &str) -> String {
    let input = html.split("<input").find(|tag| tag.contains("name=\"client_id\"")).expect("a message form");
    input.split("value=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned()
}

async fn post_message(
    server: &TestServer,
    visitor: &Visitor,
    client_id: &str,
    text: &str,
) -> reqwest::Response {
    client()
        .post(server.url("/chat"))
        .header("cookie", &visitor.cookie)
        .header("origin", &server.base_url)
        .form(&[("_csrf", visitor.token.as_str()), ("client_id", client_id), ("text", text)])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_customer_leaves_a_message_and_reads_the_reply_on_the_page() {
    let server = TestServer::start(Fixture::new()).await;
    let customer = visitor(&server).await;
    let home = client().get(server.url("/")).header("cookie", &customer.cookie).send().await.unwrap();
    assert!(home.text().await.unwrap().contains("href=\"/chat\""), "every page offers \"Talk to us\"");

    let page = chat_page(&server, &customer).await;
    assert!(page.contains("Nobody is online just now"), "no agent online: leave a message");
    let id = client_id(&page);
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> \u{202e}evil";
    let sent = post_message(&server, &customer, &id, hostile).await;
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], "/chat#latest");
    let again = post_message(&server, &customer, &id, hostile).await;
    assert_eq!(again.status(), 303, "the same form sent twice");

    let page = chat_page(&server, &customer).await;
    assert!(page.contains("We have your message"), "{page}");
    assert_eq!(page.matches("data-testid=\"chat-message\"").count(), 1, "stored once");
    assert!(!page.contains("<script>alert(1)"), "markup in a message is text");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"),
        "{page}"
    );
    assert!(page.contains("dir=\"auto\""), "each message is isolated for direction");

    let stranger = visitor(&server).await;
    let theirs = chat_page(&server, &stranger).await;
    assert!(!theirs.contains("alert(1)"), "another visitor sees nothing of it");

    let agent = staff_login(&server.database, StaffRole::Agent).await;
    server.chat.presence.set(agent.id, AgentStatus::Online).await.unwrap();
    let waiting =
        server.chat.conversations.in_state(telepath_domain::ConversationState::Waiting, 10).await.unwrap();
    let conversation = waiting[0].id;
    assert_eq!(server.chat.conversations.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);
    let path = format!("/console/conversations/{conversation}/socket");
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("ws://{}{path}", server.address()),
    )
    .unwrap();
    request.headers_mut().insert("cookie", agent.cookie.parse().unwrap());
    request.headers_mut().insert("origin", server.base_url.parse().unwrap());
    let (mut console, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let reply =
        serde_json::json!({"type": "send", "client_id": "a-1", "text": "Hi! Try https://example.com/help"});
    console.send(Message::text(reply.to_string())).await.unwrap();
    let mut stored = server.chat.conversations.messages_after(conversation, 1, 10).await.unwrap();
    while stored.is_empty() {
        // The socket acknowledges after the write; the page only needs the store.
        futures_util::StreamExt::next(&mut console).await.unwrap().unwrap();
        stored = server.chat.conversations.messages_after(conversation, 1, 10).await.unwrap();
    }

    let page = chat_page(&server, &customer).await;
    assert!(page.contains("Staff from our support team is answering."), "{page}");
    assert!(page.contains("Hi! Try "), "{page}");
    let link = page
        .split("<a")
        .find(|tag| tag.contains("href=\"https://example.com/help\""))
        .expect("the address is a link");
    assert!(link.contains("noopener") && link.contains("nofollow"), "{link}");
    let refused = post_message(&server, &customer, &client_id(&page), "   ").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Write something before sending."));
    let too_long = "a".repeat(4_001);
    let refused = post_message(&server, &customer, &client_id(&page), &too_long).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("up to 4000 characters") && html.contains(&too_long), "the text typed is kept");

    let rate = |visitor: &Visitor, score: &str| {
        client()
            .post(server.url(&format!("/chat/{conversation}/effort")))
            .header("cookie", &visitor.cookie)
            .header("origin", &server.base_url)
            .form(&[("_csrf", visitor.token.clone()), ("score", score.to_owned())])
            .send()
    };
    assert_eq!(rate(&customer, "2").await.unwrap().status(), 404, "not before the conversation has ended");
    server
        .chat
        .conversations
        .close_conversation(conversation, telepath_domain::Resolution::Solved)
        .await
        .unwrap();
    let page = chat_page(&server, &customer).await;
    assert!(
        page.contains("This conversation has ended.") && page.contains("data-testid=\"effort\""),
        "{page}"
    );
    let rated = rate(&customer, "2").await.unwrap();
    assert_eq!(rated.status(), 303);
    assert_eq!(rated.headers()["location"], "/chat#effort");
    assert!(chat_page(&server, &customer).await.contains("Thanks — you rated the effort 2 of 5 (low)."));
    let changed = rate(&customer, "4").await.unwrap();
    assert_eq!(changed.headers()["location"], "/chat?effort=changed#effort");
    assert_eq!(
        rate(&stranger, "1").await.unwrap().status(),
        404,
        "only the customer rates their conversation"
    );
    assert_eq!(rate(&customer, "6").await.unwrap().status(), 400);
    assert!(page.contains("Need anything else?"), "a new conversation can start from the same page");
    server.stop().await.unwrap();
}

async fn page(server: &TestServer, visitor: &Visitor, path: &str) -> String {
    let page = client().get(server.url(path)).header("cookie", &visitor.cookie).send().await.unwrap();
    assert_eq!(page.status(), 200, "{path}");
    page.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_stuck_on_two_failed_searches_is_offered_a_person_with_the_reason_until_they_say_no_thanks()
{
    let server = TestServer::start(Fixture::new()).await;
    let stuck = visitor(&server).await;
    let first = page(&server, &stuck, "/search?q=qzxv+refund").await;
    assert!(!first.contains("data-testid=\"chat-offer\""), "one failed search is not yet a sign");
    let second = page(&server, &stuck, "/search?q=wvxq+vat").await;
    assert!(
        second.contains("data-testid=\"chat-offer\""),
        "two failed searches: offered at once, in the page"
    );
    assert!(second.contains("found nothing"), "it says why");
    assert!(second.contains("qzxv refund") && second.contains("wvxq vat"), "in the visitor's own words");
    assert!(second.contains("Leave a message"), "nobody is online: the offer says so");

    let article = page(&server, &stuck, "/articles/send-an-invoice").await;
    assert!(article.contains("data-testid=\"chat-offer\""), "the offer stays on the next pages");
    let sign_in = page(&server, &stuck, "/staff/sign-in").await;
    assert!(
        !sign_in.contains("data-testid=\"chat-offer\""),
        "staff pages are not where customers are helped"
    );
    let offered = server.wait_for_event("chat_offered", std::time::Duration::from_secs(10)).await;
    assert_eq!(
        server.events.recent(Some("chat_offered"), 10).await.unwrap().len(),
        1,
        "recorded once per visit"
    );
    assert_eq!(offered.visitor, stuck.id);

    let dismissed = client()
        .post(server.url("/chat/offer/dismiss"))
        .header("cookie", &stuck.cookie)
        .header("origin", &server.base_url)
        .form(&[("_csrf", stuck.token.as_str()), ("return_to", "/articles/send-an-invoice")])
        .send()
        .await
        .unwrap();
    assert_eq!(dismissed.status(), 303);
    assert_eq!(dismissed.headers()["location"], "/articles/send-an-invoice");
    let after = page(&server, &stuck, "/articles/send-an-invoice").await;
    assert!(!after.contains("data-testid=\"chat-offer\""), "not repeated in the visit after \"No thanks\"");

    let calm = visitor(&server).await;
    assert!(!page(&server, &calm, "/articles/send-an-invoice").await.contains("data-testid=\"chat-offer\""));

    let other = visitor(&server).await;
    page(&server, &other, "/search?q=qzxv").await;
    page(&server, &other, "/search?q=wvxq").await;
    let chat = chat_page(&server, &other).await;
    let started = post_message(&server, &other, &client_id(&chat), "I can't find how to change VAT").await;
    assert_eq!(started.status(), 303);
    let conversation = server.chat.conversations.conversations_of(&other.id, 1).await.unwrap().remove(0);
    let reasons: Vec<&str> = conversation.opened_because.iter().map(|reason| reason.name()).collect();
    assert_eq!(reasons, ["searches_found_nothing", "asked_for_person"], "the agent will see why");
    let requested = server.wait_for_event("chat_requested", std::time::Duration::from_secs(10)).await;
    assert_eq!(
        requested.kind,
        telepath_domain::EventKind::ChatRequested { conversation: conversation.id },
        "insights count it as asking for a person"
    );
    assert!(page(&server, &other, "/").await.contains("You have a conversation with our support team."));
    server.stop().await.unwrap();
}

/// Tells the server, as the page's script does, that `path` stayed in view `seconds`.
async fn report_lingering(
    server: &TestServer,
    visitor: &Visitor,
    cookies: &str,
    path: &str,
    seconds: &str,
) -> reqwest::Response {
    client()
        .post(server.url("/chat/offer/lingered"))
        .header("cookie", cookies)
        .header("origin", &server.base_url)
        .form(&[("_csrf", visitor.token.as_str()), ("return_to", path), ("seconds", seconds)])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_who_reads_a_help_page_long_enough_is_offered_a_person_for_reading() {
    let server = TestServer::start(Fixture::new()).await;
    let reader = visitor(&server).await;
    let article = page(&server, &reader, "/articles/send-an-invoice").await;
    let waiting = article
        .split("<aside")
        .find(|tag| tag.contains("chat-offer-when-lingering"))
        .expect("help content holds the offer, waiting");
    let tag = waiting.split('>').next().unwrap();
    assert!(tag.contains(" hidden") && tag.contains("data-linger-after=\"90\""), "{tag}");
    assert!(waiting.contains("Still reading?"), "its words are ready");
    assert!(!article.contains("data-testid=\"chat-offer\""), "nothing shows before the time");
    assert!(!page(&server, &reader, "/").await.contains("chat-offer-when-lingering"), "not on the home page");
    assert!(!page(&server, &reader, "/chat").await.contains("chat-offer-when-lingering"));

    let early = report_lingering(&server, &reader, &reader.cookie, "/articles/send-an-invoice", "30").await;
    assert_eq!(early.status(), 422, "30 s is not 90");
    assert!(early.text().await.unwrap().contains("Nothing was saved"));
    let not_help = report_lingering(&server, &reader, &reader.cookie, "/search?q=x", "300").await;
    assert_eq!(not_help.status(), 422, "only help content counts");
    assert!(server.events.recent(Some("lingered"), 10).await.unwrap().is_empty());

    let read =
        report_lingering(&server, &reader, &reader.cookie, "/articles/send-an-invoice?from=x", "95").await;
    assert_eq!(read.status(), 204);
    let lingered = server.events.recent(Some("lingered"), 10).await.unwrap();
    assert_eq!(lingered.len(), 1);
    assert_eq!(
        lingered[0].kind,
        telepath_domain::EventKind::Lingered { path: "/articles/send-an-invoice".into(), seconds: 95 }
    );
    let offered = server.events.recent(Some("chat_offered"), 10).await.unwrap();
    assert_eq!(offered.len(), 1, "the offer is recorded with its reason");
    let telepath_domain::EventKind::ChatOffered { reasons, .. } = &offered[0].kind else { unreachable!() };
    assert_eq!(reasons, &[telepath_domain::OfferReason::Lingered { seconds: 95 }]);
    let next = page(&server, &reader, "/articles/void-an-invoice").await;
    assert!(
        next.contains("data-testid=\"chat-offer\""),
        "shown on the next pages of the visit, like any reason"
    );
    assert!(next.contains("Still reading?"));

    let newcomer = visitor(&server).await;
    let as_newcomer = format!("{}; telepath_level=newcomer", newcomer.cookie);
    let help =
        client().get(server.url("/articles/void-an-invoice")).header("cookie", &as_newcomer).send().await;
    assert!(help.unwrap().text().await.unwrap().contains("data-linger-after=\"60\""), "newcomers sooner");
    let sooner = report_lingering(&server, &newcomer, &as_newcomer, "/articles/void-an-invoice", "61").await;
    assert_eq!(sooner.status(), 204);

    let private = visitor(&server).await;
    let unrecorded = client()
        .post(server.url("/chat/offer/lingered"))
        .header("cookie", &private.cookie)
        .header("origin", &server.base_url)
        .header("sec-gpc", "1")
        .form(&[
            ("_csrf", private.token.as_str()),
            ("return_to", "/articles/send-an-invoice"),
            ("seconds", "95"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(unrecorded.status(), 204);
    let visitors: Vec<String> = server
        .events
        .recent(Some("lingered"), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.visitor)
        .collect();
    assert_eq!(visitors.len(), 2, "the reader and the newcomer, not the visitor who asked not to be tracked");
    assert!(!visitors.contains(&private.id));
    server.stop().await.unwrap();
}
