//! The live chat panel on /chat (chat-panel/, its own wasm module) in a real browser
//! with JavaScript, against the real server; the agent's side is a real WebSocket.
//! The protocol itself (resume after a reconnect included) is chat_protocol.rs's.

use crate::browser::{Browser, WAIT, click, element, text_of};
use crate::chat_protocol::{Socket, agent_socket, frame_of, next_frame, send};
use crate::support::TestServer;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use telepath_domain::{ConversationState, Resolution};
use telepath_server::chat::hub::RoomEvent;
use telepath_server::store::conversations::Claim;
use telepath_server::store::staff::StaffRole;
use telepath_server::testing::{Fixture, staff_login};

/// Waits until the page has what `xpath` selects.
async fn until(client: &Client, xpath: &str) {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|error| panic!("{xpath}: {error}"));
}

async fn script(client: &Client, source: &str) -> Value {
    client.execute(source, vec![]).await.unwrap_or_else(|error| panic!("{source}: {error}"))
}

/// Frames from the agent's socket up to and including the message numbered `seq`.
async fn frames_through(console: &mut Socket, seq: i64) -> Vec<Value> {
    let mut frames = Vec::new();
    loop {
        let frame = next_frame(console).await.unwrap_or_else(|| panic!("closed after {frames:?}"));
        let done = frame["type"] == "message" && frame["seq"] == seq;
        frames.push(frame);
        if done {
            return frames;
        }
    }
}

/// The server is restarted on purpose, and chromium logs each reconnect attempt
/// refused meanwhile; any other network failure still fails.
fn is_reconnect_refused_during_the_restart(message: &str) -> bool {
    message.contains("/chat/socket?") && message.contains("ERR_CONNECTION_REFUSED")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_chat_page_follows_the_conversation_live_without_reloading() {
    let running = TestServer::start(Fixture::new()).await;
    let agent = staff_login(&running.database, StaffRole::Agent).await;
    let first_name = agent.name.split_whitespace().next().unwrap().to_owned();
    let (agent, first_name) = (&agent, &first_name);
    let article = running.url("/articles/send-an-invoice");
    Browser::run_expecting(true, is_reconnect_refused_during_the_restart, |client| async move {
        let server = &running;
        client.goto(&article).await.unwrap();
        assert!(!client.source().await.unwrap().contains("chat_panel"), "other pages never load the panel");
        client.goto(&server.url("/chat")).await.unwrap();
        assert!(!client.source().await.unwrap().contains("chat_panel"), "nor /chat before a conversation");
        // The conversation starts with the plain form and a page load.
        element(&client, "#chat-text").await.send_keys("My invoice shows the wrong VAT").await.unwrap();
        click(&client, "[data-testid=chat-send]").await;
        element(&client, "[data-testid=chat-messages][data-live=connected]").await;
        // Set on this page: a reload would lose it.
        script(&client, "window.samePage = true; return null").await;
        until(&client, "//li[@data-seq='1']//p[@data-testid='chat-delivery' and .='Delivered']").await;

        let waiting = server.chat.conversations.in_state(ConversationState::Waiting, 10).await.unwrap();
        let conversation = waiting[0].id;
        assert_eq!(server.chat.conversations.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);
        server.chat.hub.publish(conversation, RoomEvent::StatusChanged);
        until(
            &client,
            &format!(
                "//p[@data-testid='chat-status' and .='{first_name} from our support team is answering.']"
            ),
        )
        .await;

        let mut console = agent_socket(server, agent, conversation, 0).await;
        let (first, _) = frame_of(&mut console, "message").await;
        assert_eq!(first["body"]["text"], "My invoice shows the wrong VAT");
        send(&mut console, json!({"type": "typing", "active": true})).await;
        until(&client, &format!("//p[@data-testid='chat-typing' and .='{first_name} is typing…']")).await;
        let reply = "Hi! <b>Which</b> invoice? <img src=x onerror=alert(1)>";
        send(&mut console, json!({"type": "send", "client_id": "agent-1", "text": reply})).await;
        until(
            &client,
            &format!("//li[contains(@class, 'from-agent') and @data-seq='2']/p[@dir='auto' and .='{reply}']"),
        )
        .await;
        until(&client, "//p[@data-testid='chat-typing' and .='']").await;

        // The customer answers through the same form, now sent over the socket.
        element(&client, "#chat-text").await.send_keys("Invoice 42").await.unwrap();
        let (typing, read) = frame_of(&mut console, "typing").await;
        assert_eq!((typing["side"].as_str(), typing["active"].as_bool()), (Some("visitor"), Some(true)));
        click(&client, "[data-testid=chat-send]").await;
        until(&client, "//li[@data-seq='3']//p[@data-testid='chat-delivery' and .='Delivered']").await;
        let frames = frames_through(&mut console, 3).await;
        let read: Vec<&Value> = read.iter().chain(&frames).filter(|frame| frame["type"] == "read").collect();
        assert_eq!(
            read,
            [&json!({"type": "read", "side": "visitor", "seq": 2})],
            "the visible page read the reply"
        );
        let message = frames.last().unwrap();
        assert_eq!(
            (message["side"].as_str(), message["body"]["text"].as_str()),
            (Some("visitor"), Some("Invoice 42"))
        );

        // Refused for good: the reason beside the form, and the text kept in it.
        element(&client, "#chat-text").await.send_keys("   ").await.unwrap();
        click(&client, "[data-testid=chat-send]").await;
        until(&client, "//p[@data-testid='chat-error' and .='Write something before sending.']").await;
        assert_eq!(script(&client, "return document.querySelector('#chat-text').value").await, json!("   "));
        assert_eq!(script(&client, "return sessionStorage.length").await, json!(0), "not kept to resend");
        script(&client, "document.querySelector('#chat-text').value = ''; return null").await;

        send(&mut console, json!({"type": "read", "seq": 3})).await;
        until(&client, "//li[@data-seq='3']//p[@data-testid='chat-delivery' and .='Read']").await;
        send(&mut console, json!({"type": "send", "client_id": "agent-2", "text": "Fixed."})).await;
        let frames = frames_through(&mut console, 4).await;
        assert!(
            !frames.iter().any(|frame| frame["type"] == "message" && frame["seq"] != 4),
            "the customer's reply reached the agent once: {frames:?}"
        );
        until(&client, "//li[@data-seq='4']").await;
        let shown = script(
            &client,
            "return [...document.querySelectorAll('[data-testid=chat-message]')].map(li => li.dataset.seq)",
        )
        .await;
        assert_eq!(shown, json!(["1", "2", "3", "4"]), "each message once, in order");
        let stored = server.chat.conversations.messages_after(conversation, 0, 50).await.unwrap();
        assert_eq!(stored.len(), 4, "stored once each");
        assert_eq!(script(&client, "return window.samePage === true").await, json!(true), "no reload");
        assert_eq!(script(&client, "return sessionStorage.length").await, json!(0), "the outbox is empty");
        assert!(
            script(&client, "return document.querySelector('[data-testid=chat-check-replies]').offsetParent")
                .await
                .is_null(),
            "the page follows by itself"
        );

        // The server restarts: the page says so, keeps what is typed in its outbox,
        // and comes back by itself with what it missed, each message once.
        let address = server.address().to_owned();
        let (stopped, fixture) = running.stop_keeping_data().await;
        stopped.unwrap();
        until(&client, "//p[@data-testid='chat-connection' and .='Reconnecting…']").await;
        element(&client, "#chat-text").await.send_keys("Yes, sent while you were away").await.unwrap();
        click(&client, "[data-testid=chat-send]").await;
        until(&client, "//li[not(@data-seq)]//p[@data-testid='chat-delivery' and .='Sending…']").await;
        assert_eq!(script(&client, "return sessionStorage.length").await, json!(1), "kept in the outbox");
        let restarted = TestServer::start_at(fixture, &address, |_| {}).await;
        let mut console = agent_socket(&restarted, agent, conversation, 4).await;
        send(&mut console, json!({"type": "send", "client_id": "agent-3", "text": "Back again."})).await;
        until(&client, "//li[@data-seq='6']//p[@data-testid='chat-delivery' and .='Delivered']").await;
        until(&client, "//li[@data-seq='5' or @data-seq='6'][contains(@class, 'from-agent')]").await;
        assert_eq!(text_of(&client, "[data-testid=chat-connection]").await, "", "connected again");
        let frames = frames_through(&mut console, 6).await;
        let resent: Vec<&Value> =
            frames.iter().filter(|frame| frame["type"] == "message" && frame["side"] == "visitor").collect();
        assert_eq!(resent.len(), 1, "the outbox reached the agent once: {frames:?}");
        assert_eq!(resent[0]["body"]["text"], "Yes, sent while you were away");
        let shown = script(
            &client,
            "return [...document.querySelectorAll('[data-testid=chat-message]')].map(li => li.dataset.seq)",
        )
        .await;
        assert_eq!(shown, json!(["1", "2", "3", "4", "5", "6"]), "resumed without loss or duplicates");
        assert_eq!(restarted.chat.conversations.messages_after(conversation, 0, 50).await.unwrap().len(), 6);
        assert_eq!(script(&client, "return window.samePage === true").await, json!(true), "no reload");

        // Ended by the agent: the page loads again to ask the effort question.
        restarted.chat.conversations.close_conversation(conversation, Resolution::Solved).await.unwrap();
        restarted.chat.hub.publish(conversation, RoomEvent::StatusChanged);
        element(&client, "[data-testid=effort]").await;
        restarted.stop().await.unwrap();
    })
    .await;
}
