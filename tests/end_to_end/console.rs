//! The agent console in the real server and headless chromium, with JavaScript off
//! and on: an agent goes online, takes the waiting customer, reads the trail,
//! answers, sends a suggested article, leaves a note and closes the conversation;
//! the customer's side of the store gets exactly what they should.

use crate::browser::{Browser, WAIT, click, element, screenshots, text_of};
use crate::support::TestServer;
use fantoccini::Client;
use futures_util::StreamExt;
use std::sync::Arc;
use telepath_domain::{ConversationState, Level, OfferReason, Resolution, Side};
use telepath_server::auth::{Password, StaffAuth};
use telepath_server::chat::hub::RoomEvent;
use telepath_server::chat::presence::AgentStatus;
use telepath_server::store::conversations::{
    Claim, MessageBody, NewConversation, NewMessage, VisitorContext,
};
use telepath_server::store::staff::StaffRole;
use telepath_server::store::{EventKind, NewEvent, PageType, SqliteStore, SystemClock};
use telepath_server::testing::{Fixture, staff_login_named};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message as WsMessage};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A customer waiting with a question, after a search that found nothing.
async fn waiting_customer(server: &TestServer) -> i64 {
    let searched = EventKind::Searched { query: "undo a void".into(), results: 0 };
    server.events.append(NewEvent { visitor: "customer-1".into(), kind: searched }).await.unwrap();
    let new = NewConversation {
        visitor: "customer-1".into(),
        level: Some(Level::Technical),
        opened_because: vec![OfferReason::AskedForPerson],
        visitor_context: VisitorContext::default(),
    };
    let conversation = server.chat.conversations.open_conversation(new).await.unwrap();
    let question = NewMessage {
        client_id: "c-1".into(),
        side: Side::Visitor,
        agent: None,
        body: MessageBody::Text("How do I void an invoice? <b>urgent</b>".into()),
    };
    server.chat.conversations.append_message(conversation.id, question).await.unwrap();
    conversation.id
}

/// Signs chromium in through the sign-in form as a new agent called `name`; an agent
/// lands on the console.
pub async fn sign_in_agent(client: &Client, server: &TestServer, name: &str) -> i64 {
    let store = Arc::new(SqliteStore::open(&server.database, Arc::new(SystemClock)).await.unwrap());
    let staff = StaffAuth::new(store.clone(), store, false).expect("the staff door opens");
    let account = staff.add_account(EMAIL, name, StaffRole::Agent, Password::new(PASSWORD)).await.unwrap();
    client.goto(&server.url("/staff/sign-in")).await.unwrap();
    element(client, "[data-testid=sign-in-email]").await.send_keys(EMAIL).await.unwrap();
    element(client, "[data-testid=sign-in-password]").await.send_keys(PASSWORD).await.unwrap();
    click(client, "[data-testid=sign-in]").await;
    element(client, "[data-testid=console-queue]").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/console", "an agent's landing page");
    account.id
}

const EMAIL: &str = "ana@example.com";
const PASSWORD: &str = "copper kettle morning";

async fn answer_a_customer(client: Client, server: &TestServer, javascript: bool) {
    let suffix = if javascript { "js" } else { "nojs" };
    let id = waiting_customer(server).await;
    let agent = sign_in_agent(&client, server, "Ana Lima").await;
    assert_eq!(text_of(&client, "[data-testid=presence-status]").await, "away");
    assert!(client.title().await.unwrap().starts_with("(1) Agent console"), "the tab says one waits");
    click(&client, "[data-testid=presence-online]").await;
    // Only the page after the form has the button pressed: reading sooner could
    // catch the page being left.
    element(&client, "[data-testid=presence-online][aria-pressed=true]").await;
    assert_eq!(text_of(&client, "[data-testid=presence-status]").await, "online");
    assert_eq!(server.chat.presence.status(agent).await.unwrap(), AgentStatus::Online);
    let waiting = text_of(&client, "[data-testid=waiting-conversation]").await;
    assert!(waiting.contains("How do I void an invoice? <b>urgent</b>"), "shown as text: {waiting}");
    assert!(waiting.contains("Asked for a person") && waiting.contains("Technical"), "{waiting}");
    screenshots(&client, &format!("console-queue-{suffix}")).await;

    click(&client, "[data-testid=take]").await;
    element(&client, "[data-testid=reply-form]").await;
    assert_eq!(client.current_url().await.unwrap().path(), format!("/console/conversations/{id}"));
    assert_eq!(text_of(&client, "[data-testid=conversation-status]").await, "You are answering.");
    let trail = text_of(&client, "[data-testid=trail]").await;
    assert!(trail.contains("undo a void") && trail.contains("found nothing"), "{trail}");

    element(&client, "[data-testid=reply-text]")
        .await
        .send_keys("Open the invoice, then More > Void.")
        .await
        .unwrap();
    click(&client, "[data-testid=send-reply]").await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(fantoccini::Locator::Css("[data-testid=message][data-seq='2']"))
        .await
        .unwrap();
    let suggestion = "[data-testid=suggestion][data-slug=void-an-invoice] [data-testid=send-article]";
    click(&client, suggestion).await;
    element(&client, "[data-testid=message][data-seq='3']").await;
    element(&client, "[data-testid=note-text]").await.send_keys("Asked twice about voiding").await.unwrap();
    click(&client, "[data-testid=add-note]").await;
    assert!(text_of(&client, "[data-testid=note]").await.contains("Asked twice about voiding"));
    screenshots(&client, &format!("console-conversation-{suffix}")).await;

    let sent = server.chat.conversations.messages_after(id, 1, 10).await.unwrap();
    assert_eq!(sent.len(), 2, "the reply and the card, once each: {sent:?}");
    assert_eq!(sent[0].body, MessageBody::Text("Open the invoice, then More > Void.".into()));
    assert!(matches!(&sent[1].body, MessageBody::Article { slug, .. } if slug == "void-an-invoice"));

    click(&client, "[data-testid=close-solved]").await;
    assert_eq!(
        text_of(&client, "[data-testid=console-notice]").await,
        format!("Conversation #{id} is closed: Solved.")
    );
    let closed = server.chat.conversations.conversation(id).await.unwrap();
    assert_eq!((closed.state, closed.resolution), (ConversationState::Closed, Some(Resolution::Solved)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_an_agent_answers_a_customer_with_plain_forms() {
    let server = TestServer::start(Fixture::new()).await;
    Browser::run(false, |client| answer_a_customer(client, &server, false)).await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_an_agent_answers_a_customer() {
    let server = TestServer::start(Fixture::new()).await;
    Browser::run(true, |client| answer_a_customer(client, &server, true)).await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_conversation_updates_live_and_replies_go_over_the_socket() {
    let started = TestServer::start(Fixture::new()).await;
    let server = &started;
    Browser::run(true, |client| async move {
        let id = waiting_customer(server).await;
        let agent = sign_in_agent(&client, server, "Ana Lima").await;
        let claim = server.chat.conversations.claim(id, agent, 3).await.unwrap();
        assert_eq!(claim, Claim::Claimed);
        client.goto(&server.url(&format!("/console/conversations/{id}"))).await.unwrap();
        element(&client, "[data-testid=console-live][data-hydrated=yes]").await;
        // Set on this page only: still there later means nothing reloaded it.
        client.execute("window.stillThisPage = true;", vec![]).await.unwrap();

        server.chat.hub.publish(id, RoomEvent::Typing { side: Side::Visitor, active: true });
        assert_eq!(text_of(&client, "[data-testid=customer-typing]").await, "The customer is typing…");
        // The socket is open (it showed the typing): the customer's next page shows as they go.
        let viewed = EventKind::PageViewed {
            page: PageType::Article,
            path: "/articles/void-an-invoice".into(),
            title: "Void an invoice".into(),
            referrer: None,
        };
        server.events.append(NewEvent { visitor: "customer-1".into(), kind: viewed }).await.unwrap();
        let now_on = element(&client, "[data-testid=now-on] a[href='/articles/void-an-invoice']").await;
        assert_eq!(now_on.text().await.unwrap(), "Void an invoice");
        let more = NewMessage {
            client_id: "c-2".into(),
            side: Side::Visitor,
            agent: None,
            body: MessageBody::Text("Also, see https://example.com/receipt please".into()),
        };
        let seq = server.chat.conversations.append_message(id, more).await.unwrap().message.seq;
        server.chat.hub.publish(id, RoomEvent::Stored { seq });
        let arrived = text_of(&client, &format!("[data-testid=live-messages] [data-seq='{seq}']")).await;
        assert!(arrived.contains("Also, see https://example.com/receipt please"), "{arrived}");
        let link =
            element(&client, "[data-testid=live-messages] a[href='https://example.com/receipt']").await;
        assert_eq!(link.attr("rel").await.unwrap().as_deref(), Some("noopener noreferrer nofollow"));
        assert_eq!(text_of(&client, "[data-testid=customer-typing]").await, "", "a message ends the typing");

        element(&client, "[data-testid=reply-text]").await.send_keys("Thanks, on it.").await.unwrap();
        click(&client, "[data-testid=send-reply]").await;
        let mine = text_of(&client, &format!("[data-testid=live-messages] [data-seq='{}']", seq + 1)).await;
        assert!(mine.contains("Thanks, on it.") && mine.contains("Ana"), "{mine}");
        let reply_box = element(&client, "[data-testid=reply-text]").await.prop("value").await.unwrap();
        assert_eq!(reply_box.as_deref(), Some(""), "emptied for the next reply");
        let still = client.execute("return window.stillThisPage === true;", vec![]).await.unwrap();
        assert_eq!(still, serde_json::Value::Bool(true), "no page load");
        let stored = server.chat.conversations.messages_after(id, seq, 10).await.unwrap();
        assert_eq!(stored.len(), 1, "{stored:?}");
        assert_eq!(stored[0].body, MessageBody::Text("Thanks, on it.".into()));
        assert_eq!(server.chat.conversations.conversation(id).await.unwrap().agent_read_seq, seq);

        server.chat.conversations.close_conversation(id, Resolution::VisitorLeft).await.unwrap();
        server.chat.hub.publish(id, RoomEvent::StatusChanged);
        element(&client, "[data-testid=conversation-ended]").await;
        let form_hidden = element(&client, "[data-testid=reply-form]").await.attr("hidden").await.unwrap();
        assert!(form_hidden.is_some(), "no more replies once it has ended");
    })
    .await;
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_queue_brings_itself_up_to_date() {
    let started = TestServer::start(Fixture::new()).await;
    let server = &started;
    Browser::run(true, |client| async move {
        sign_in_agent(&client, server, "Ana Lima").await;
        assert_eq!(
            text_of(&client, "[data-testid=queue-live][data-hydrated=yes]").await,
            "Updates by itself"
        );
        assert!(element(&client, "[data-testid=queue-empty]").await.is_displayed().await.unwrap());
        let id = waiting_customer(server).await;
        let arrived =
            element(&client, &format!("[data-testid=waiting-conversation][data-conversation='{id}']")).await;
        assert!(arrived.text().await.unwrap().contains("How do I void an invoice?"));
        assert!(client.title().await.unwrap().starts_with("(1) Agent console"));
    })
    .await;
    started.stop().await.unwrap();
}

/// Opens the console queue's feed as `cookie` from `origin`: the socket, or the
/// HTTP status it was refused with.
async fn queue_feed(
    server: &TestServer,
    cookie: &str,
    origin: &str,
) -> Result<WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>, u16> {
    let url = format!("ws://{}/console/queue/socket", server.address());
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    request.headers_mut().insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(WsError::Http(response)) => Err(response.status().as_u16()),
        Err(other) => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_feed_is_for_agents_on_the_portals_own_pages() {
    let server = TestServer::start(Fixture::new()).await;
    let agent = staff_login_named(&server.database, StaffRole::Agent, None).await;
    let editor = staff_login_named(&server.database, StaffRole::Editor, None).await;
    assert_eq!(queue_feed(&server, "", &server.base_url).await.err(), Some(303), "to sign in");
    assert_eq!(queue_feed(&server, &editor.cookie, &server.base_url).await.err(), Some(403));
    assert_eq!(queue_feed(&server, &agent.cookie, "http://evil.example").await.err(), Some(403));
    let mut feed =
        queue_feed(&server, &agent.cookie, &server.base_url).await.expect("the agent's feed opens");
    let first = tokio::time::timeout(WAIT, feed.next()).await.expect("a digest in time");
    let Some(Ok(WsMessage::Text(text))) = first else { panic!("{first:?}") };
    let digest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(digest["waiting"], 0, "{digest}");
    let id = waiting_customer(&server).await;
    let next = loop {
        match tokio::time::timeout(WAIT, feed.next()).await.expect("the change in time") {
            Some(Ok(WsMessage::Text(text))) => {
                break serde_json::from_str::<serde_json::Value>(&text).unwrap();
            }
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!((next["waiting"].as_i64(), next["newest_waiting"].as_i64()), (Some(1), Some(id)), "{next}");
    server.stop().await.unwrap();
}
