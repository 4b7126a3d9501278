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
    server.chat.presence.set(agent.id, AgentStatus::Online);
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
    assert!(page.contains("Hi! Try https://example.com/help"));
    let refused = post_message(&server, &customer, &client_id(&page), "   ").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Write something before sending."));
    let too_long = "a".repeat(4_001);
    let refused = post_message(&server, &customer, &client_id(&page), &too_long).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("up to 4000 characters") && html.contains(&too_long), "the text typed is kept");
    server.stop().await.unwrap();
}
