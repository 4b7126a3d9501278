//! The agent console through the router: who may open it, race-free claims, replies
//! stored once, hostile text shown inert, notes kept from the customer, and every
//! change the customer must see published on the conversation's room.

use super::{header_value, text, with_cookies};
use crate::chat::Chat;
use crate::chat::hub::RoomEvent;
use crate::chat::socket::{self, Incoming, Outgoing};
use crate::chat::{ChatParty, presence::AgentStatus};
use crate::http::{HttpService, service};
use crate::store::conversations::{MessageBody, NewConversation, NewMessage, VisitorContext};
use crate::store::staff::StaffRole;
use crate::testing::Fixture;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::path::{Path, PathBuf};
use telepath_app::wire::ServerFrame;
use telepath_domain::{ConversationState, EventKind, Level, OfferReason, PageType, Resolution, Side};
use tower::ServiceExt;

/// The portal with its chat, whose store and hub tests reach directly.
struct Console {
    app: HttpService,
    chat: Chat,
    events: std::sync::Arc<dyn crate::store::EventLog>,
    effort: std::sync::Arc<dyn crate::store::EffortScores>,
    database: PathBuf,
    _fixture: Fixture,
}

async fn console() -> Console {
    let fixture = Fixture::new();
    fixture.write(
        "replies/anything-else.md",
        "+++\ntitle = \"Anything else?\"\n+++\nIs there **anything else** I can help with?\n",
    );
    let config = fixture.config(Path::new("/nonexistent-site"));
    let state = crate::prepare(&config).await.unwrap();
    let (chat, events, effort) =
        (state.chat.clone(), state.portal.events.clone(), state.portal.effort.clone());
    Console { app: service(state), chat, events, effort, database: config.database_path(), _fixture: fixture }
}

/// A signed-in agent's browser on the console: its cookies and form token.
struct Agent {
    id: i64,
    cookies: String,
    token: String,
}

impl Console {
    async fn agent(&self, name: &str) -> Agent {
        self.staff(name, StaffRole::Agent).await
    }

    async fn staff(&self, name: &str, role: StaffRole) -> Agent {
        let login = crate::testing::staff_login_named(&self.database, role, Some(name)).await;
        let response = self.app.clone().oneshot(with_cookies("/staff/sign-in", &login.cookie)).await.unwrap();
        let visitor = super::set_cookie(&response, "telepath_visitor");
        let html = text(response).await;
        let token =
            html.split(r#"name="_csrf" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
        Agent { id: login.id, cookies: format!("{}; {visitor}", login.cookie), token }
    }

    async fn get(&self, agent: &Agent, uri: &str) -> Response {
        self.app.clone().oneshot(with_cookies(uri, &agent.cookies)).await.unwrap()
    }

    async fn post(&self, agent: &Agent, uri: &str, fields: &[(&str, &str)]) -> Response {
        let mut fields = fields.to_vec();
        fields.push(("_csrf", &agent.token));
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let request = Request::post(uri)
            .header(header::COOKIE, &agent.cookies)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.app.clone().oneshot(request).await.unwrap()
    }

    /// A customer's conversation waiting in the queue, with their first message.
    async fn waiting(&self, first_message: &str) -> i64 {
        let new = NewConversation {
            visitor: "visitor-1".into(),
            level: Some(Level::Newcomer),
            opened_because: vec![OfferReason::AskedForPerson],
            visitor_context: VisitorContext::default(),
        };
        let conversation = self.chat.conversations.open_conversation(new).await.unwrap();
        self.customer_says(conversation.id, "c-1", first_message).await;
        conversation.id
    }

    async fn customer_says(&self, conversation: i64, client_id: &str, text: &str) {
        let message = NewMessage {
            client_id: client_id.into(),
            side: Side::Visitor,
            agent: None,
            body: MessageBody::Text(text.into()),
        };
        self.chat.conversations.append_message(conversation, message).await.unwrap();
    }

    /// Something the customer of [`Console::waiting`] did on the portal.
    async fn customer_did(&self, kind: EventKind) {
        self.events.append(crate::store::NewEvent { visitor: "visitor-1".into(), kind }).await.unwrap();
    }

    /// A conversation `agent` has taken.
    async fn taken_by(&self, agent: &Agent, first_message: &str) -> i64 {
        let id = self.waiting(first_message).await;
        let response = self.post(agent, &format!("/console/conversations/{id}/claim"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        id
    }

    /// Every frame the customer's socket sends when it connects, from the first message.
    async fn customer_socket_frames(&self, conversation: i64) -> Vec<ServerFrame> {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let outgoing = futures_util::sink::unfold(sender, |sender, frame: Outgoing| async move {
            sender.send(frame).map_err(|_| ())?;
            Ok::<_, ()>(sender)
        });
        let incoming = futures_util::stream::iter([Incoming::Closed]);
        socket::run(&self.chat, conversation, ChatParty::VISITOR, 0, Box::pin(outgoing), incoming).await;
        let mut frames = Vec::new();
        while let Ok(Outgoing::Frame(frame)) = receiver.try_recv() {
            frames.push(frame);
        }
        frames
    }
}

/// The reply form's message id, as the page rendered it.
fn reply_client_id(html: &str) -> String {
    let form = html.split(r#"data-testid="reply-form""#).nth(1).expect("a reply form");
    form.split(r#"name="client_id" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_needs_the_agent_role() {
    let console = console().await;
    let id = console.waiting("Hello").await;
    for uri in ["/console", &format!("/console/conversations/{id}"), "/console/no-such-page"] {
        let anonymous =
            console.app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "{uri}");
        assert!(
            header_value(&anonymous, "location").starts_with("/staff/sign-in?return_to=%2Fconsole"),
            "{uri}"
        );
    }
    let editor = console.staff("Eddie Editor", StaffRole::Editor).await;
    for uri in ["/console", &format!("/console/conversations/{id}")] {
        let response = console.get(&editor, uri).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{uri}");
        assert!(text(response).await.contains("Your staff account cannot open this page"));
    }
    let refused = console.post(&editor, &format!("/console/conversations/{id}/claim"), &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(console.chat.conversations.conversation(id).await.unwrap().state, ConversationState::Waiting);

    for (name, role) in [("Ana Agent", StaffRole::Agent), ("Ada Admin", StaffRole::Admin)] {
        let staff = console.staff(name, role).await;
        let response = console.get(&staff, "/console").await;
        assert_eq!(response.status(), StatusCode::OK, "{role}");
        assert!(header_value(&response, "cache-control").contains("no-store"));
        let html = text(response).await;
        assert!(html.contains("<h1>Agent console</h1>"), "{html}");
        assert!(html.contains("<title>(1) Agent console"), "one customer waits: {html}");
        assert!(html.contains(r#"data-testid="waiting-conversation""#) && html.contains(">Hello<"), "{html}");
        assert!(html.contains(r#"<meta http-equiv="refresh" content="20">"#), "reloads without JavaScript");
    }
    let agent = console.agent("Bo Agent").await;
    let missing = console.get(&agent, "/console/conversations/999").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(text(missing).await.contains("There is no conversation with this number"));
    let garbage = console.get(&agent, "/console/conversations/1%3Cscript%3E").await;
    assert_eq!(garbage.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_is_chosen_in_the_console_and_ends_with_sign_out() {
    let console = console().await;
    let agent = console.agent("Ana Agent").await;
    let html = text(console.get(&agent, "/console").await).await;
    assert!(html.contains(r#"You are <strong data-testid="presence-status">away</strong>"#), "{html}");
    let response = console.post(&agent, "/console/presence", &[("status", "online")]).await;
    assert_eq!((response.status(), header_value(&response, "location")), (StatusCode::SEE_OTHER, "/console"));
    assert_eq!(console.chat.presence.online().await.unwrap(), [agent.id]);
    let html = text(console.get(&agent, "/console").await).await;
    assert!(html.contains(r#"<strong data-testid="presence-status">online</strong>"#), "{html}");
    assert!(html.contains(r#"value="online" aria-pressed="true""#), "{html}");

    let unknown = console.post(&agent, "/console/presence", &[("status", "invisible")]).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    console.post(&agent, "/console/presence", &[("status", "away")]).await;
    assert_eq!(console.chat.presence.status(agent.id).await.unwrap(), AgentStatus::Away);

    console.post(&agent, "/console/presence", &[("status", "online")]).await;
    let out = console.post(&agent, "/staff/sign-out", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(console.chat.presence.online().await.unwrap().is_empty(), "signing out takes no more chats");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_agents_taking_one_conversation_at_once_one_gets_it_and_the_other_sees_who() {
    let console = console().await;
    let (ana, bo) = (console.agent("Ana Lima").await, console.agent("Bo Berg").await);
    let id = console.waiting("My invoice is wrong").await;
    let mut room = console.chat.hub.join(id);
    let claim = format!("/console/conversations/{id}/claim");
    let (first, second) = tokio::join!(console.post(&ana, &claim, &[]), console.post(&bo, &claim, &[]));
    let (winner, loser, winner_name) =
        if first.status() == StatusCode::SEE_OTHER { (first, second, "Ana") } else { (second, first, "Bo") };
    assert_eq!(winner.status(), StatusCode::SEE_OTHER);
    assert_eq!(header_value(&winner, "location"), format!("/console/conversations/{id}"));
    assert_eq!(loser.status(), StatusCode::CONFLICT);
    let html = text(loser).await;
    assert!(html.contains(&format!("{winner_name} already took this one.")), "{html}");
    assert!(html.contains("<h1>Agent console</h1>"), "the loser sees the queue again: {html}");
    assert_eq!(room.next().await.unwrap(), RoomEvent::StatusChanged, "the customer's socket is told");
    let stored = console.chat.conversations.conversation(id).await.unwrap();
    assert_eq!(stored.state, ConversationState::Active);

    let (winner, loser) = if winner_name == "Ana" { (&ana, &bo) } else { (&bo, &ana) };
    let again = console.post(winner, &claim, &[]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "taking one's own again just opens it");
    let theirs = console.get(loser, &format!("/console/conversations/{id}")).await;
    assert_eq!(theirs.status(), StatusCode::FORBIDDEN);
    assert!(text(theirs).await.contains("This conversation is another agent"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_sent_twice_is_stored_once_and_wakes_the_customer() {
    let console = console().await;
    let ana = console.agent("Ana Lima").await;
    let id = console.taken_by(&ana, "Where is my refund?").await;
    let page = console.get(&ana, &format!("/console/conversations/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = text(page).await;
    assert!(html.contains("You are answering."), "{html}");
    assert_eq!(
        console.chat.conversations.conversation(id).await.unwrap().agent_read_seq,
        1,
        "opening the conversation marks the customer's message read"
    );
    let client_id = reply_client_id(&html);
    let mut room = console.chat.hub.join(id);
    let uri = format!("/console/conversations/{id}/messages");
    for _ in 0..2 {
        let sent =
            console.post(&ana, &uri, &[("client_id", &client_id), ("text", "  It left today.  ")]).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        assert_eq!(header_value(&sent, "location"), format!("/console/conversations/{id}"));
    }
    let messages = console.chat.conversations.messages_after(id, 0, 10).await.unwrap();
    assert_eq!(messages.len(), 2, "the customer's and one reply: {messages:?}");
    assert_eq!(messages[1].body, MessageBody::Text("It left today.".into()));
    assert_eq!((messages[1].side, messages[1].agent), (Side::Agent, Some(ana.id)));
    assert_eq!(room.next().await.unwrap(), RoomEvent::Stored { seq: 2 });

    let fresh =
        reply_client_id(&text(console.get(&ana, &format!("/console/conversations/{id}")).await).await);
    assert_ne!(fresh, client_id, "each page gets a new message id");
    let empty = console.post(&ana, &uri, &[("client_id", &fresh), ("text", " \u{7} ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(empty).await.contains("Write something before sending."));
    let long = "é".repeat(4_001);
    let too_long = console.post(&ana, &uri, &[("client_id", &fresh), ("text", &long)]).await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(too_long).await;
    assert!(html.contains("split it into parts") && html.contains(&long), "the text is kept");
    let forged = console.post(&ana, &uri, &[("client_id", "<x>"), ("text", "Hi")]).await;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert_eq!(console.chat.conversations.messages_after(id, 0, 10).await.unwrap().len(), 2);

    let bo = console.agent("Bo Berg").await;
    let intruder = console.post(&bo, &uri, &[("client_id", "bo-1"), ("text", "Me too")]).await;
    assert_eq!(intruder.status(), StatusCode::FORBIDDEN);
    assert!(text(intruder).await.contains("Only the agent answering it can write in it."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_messages_and_names_is_shown_inert() {
    let console = console().await;
    let hostile_name = r#"Eve <img src=x onerror=alert(1)>"#;
    let eve = console.agent(hostile_name).await;
    let hostile = "<script>alert(1)</script> <b onmouseover=alert(2)>hi</b> javascript:alert(3) \
                   [x](javascript:alert(4)) \u{202e}gnp.exe https://example.com/ok";
    console.customer_did(EventKind::Searched { query: hostile.into(), results: 0 }).await;
    let page = EventKind::PageViewed {
        page: PageType::Article,
        path: "/articles/send-an-invoice".into(),
        title: hostile.into(),
        referrer: None,
    };
    console.customer_did(page).await;
    let id = console.taken_by(&eve, hostile).await;
    console.post(&eve, &format!("/console/conversations/{id}/notes"), &[("text", hostile)]).await;
    for uri in ["/console".to_owned(), format!("/console/conversations/{id}")] {
        let html = text(console.get(&eve, &uri).await).await;
        for raw in ["<script>alert", "<b onmouseover", "<img src=x", "href=\"javascript:"] {
            assert!(!html.contains(raw), "{uri}: {raw} reached the page: {html}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{uri}: {html}");
        assert!(html.contains(r#"<p dir="auto" class="message-text">"#), "{uri}: {html}");
        let link = html.split(r#"<a href="https://example.com/ok""#).nth(1).expect("the address is a link");
        let link = link.split('>').next().unwrap();
        assert!(link.contains(r#"rel="noopener noreferrer nofollow""#), "{uri}: {link}");
        assert!(html.contains("Eve &lt;img src=x onerror=alert(1)&gt;"), "{uri}: the name is text: {html}");
    }
    let mut console_page = text(console.get(&eve, &format!("/console/conversations/{id}")).await).await;
    console_page.retain(|c| c != '\u{202e}');
    assert!(console_page.contains("gnp.exe"));

    let pasted = "x".repeat(1024 * 1024);
    let response = console
        .post(
            &eve,
            &format!("/console/conversations/{id}/messages"),
            &[("client_id", "eve-1"), ("text", &pasted)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "a megabyte paste is refused whole");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_reach_agents_only() {
    let console = console().await;
    let ana = console.agent("Ana Lima").await;
    let id = console.taken_by(&ana, "Hello").await;
    let mut room = console.chat.hub.join(id);
    let note = "Customer sounded upset about VAT";
    let added = console.post(&ana, &format!("/console/conversations/{id}/notes"), &[("text", note)]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    // Anything the note published would arrive before this.
    console.chat.hub.publish(id, RoomEvent::Typing { side: Side::Visitor, active: true });
    assert_eq!(room.next().await.unwrap(), RoomEvent::Typing { side: Side::Visitor, active: true });

    let html = text(console.get(&ana, &format!("/console/conversations/{id}")).await).await;
    let notes = html.split(r#"data-testid="notes""#).nth(1).unwrap();
    assert!(notes.contains(note) && notes.contains("Ana Lima"), "{html}");
    let frames = console.customer_socket_frames(id).await;
    assert!(matches!(frames.first(), Some(ServerFrame::Status(_))), "{frames:?}");
    assert!(frames.len() >= 2, "the customer gets their conversation: {frames:?}");
    let sent = serde_json::to_string(&frames).unwrap();
    assert!(!sent.contains("upset"), "a note reached the customer: {sent}");

    let bo = console.agent("Bo Berg").await;
    let refused = console.post(&bo, &format!("/console/conversations/{id}/notes"), &[("text", "x")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_and_handing_over_are_published_to_the_customer() {
    let console = console().await;
    let (ana, bo) = (console.agent("Ana Lima").await, console.agent("Bo Berg").await);
    let id = console.taken_by(&ana, "Hello").await;
    let page = text(console.get(&ana, &format!("/console/conversations/{id}")).await).await;
    assert!(page.contains("No other agent is online just now."), "{page}");
    console.post(&bo, "/console/presence", &[("status", "online")]).await;
    let page = text(console.get(&ana, &format!("/console/conversations/{id}")).await).await;
    assert!(page.contains(&format!(r#"<option value="{}">Bo Berg (free)</option>"#, bo.id)), "{page}");

    let mut room = console.chat.hub.join(id);
    let transfer = format!("/console/conversations/{id}/transfer");
    let to_self = console.post(&ana, &transfer, &[("to", &ana.id.to_string())]).await;
    assert_eq!(to_self.status(), StatusCode::CONFLICT);
    let handed = console.post(&ana, &transfer, &[("to", &bo.id.to_string())]).await;
    assert_eq!(header_value(&handed, "location"), format!("/console?handed={id}"));
    assert_eq!(room.next().await.unwrap(), RoomEvent::StatusChanged);
    let queue = text(console.get(&ana, &format!("/console?handed={id}")).await).await;
    assert!(queue.contains(&format!("Conversation #{id} is now with Bo.")), "{queue}");
    assert_eq!(console.chat.conversations.conversation(id).await.unwrap().agent, Some(bo.id));
    let no_longer =
        console.post(&ana, &format!("/console/conversations/{id}/close"), &[("resolution", "solved")]).await;
    assert_eq!(no_longer.status(), StatusCode::FORBIDDEN);

    let unknown =
        console.post(&bo, &format!("/console/conversations/{id}/close"), &[("resolution", "maybe")]).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let closed = console
        .post(&bo, &format!("/console/conversations/{id}/close"), &[("resolution", "follow_up")])
        .await;
    assert_eq!(header_value(&closed, "location"), format!("/console?closed={id}"));
    assert_eq!(room.next().await.unwrap(), RoomEvent::StatusChanged);
    let stored = console.chat.conversations.conversation(id).await.unwrap();
    assert_eq!((stored.state, stored.resolution), (ConversationState::Closed, Some(Resolution::FollowUp)));
    let queue = text(console.get(&bo, &format!("/console?closed={id}")).await).await;
    assert!(queue.contains(&format!("Conversation #{id} is closed: Needs a follow-up.")), "{queue}");
    let frames = console.customer_socket_frames(id).await;
    assert!(
        matches!(&frames[0], ServerFrame::Status(status) if status.state == ConversationState::Closed),
        "{frames:?}"
    );

    let page = text(console.get(&bo, &format!("/console/conversations/{id}")).await).await;
    assert!(page.contains("Closed: Needs a follow-up.") && !page.contains("reply-form"), "{page}");
    let late = console
        .post(
            &bo,
            &format!("/console/conversations/{id}/messages"),
            &[("client_id", "late-1"), ("text", "Hi?")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert!(text(late).await.contains("This conversation has ended"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trail_beside_the_conversation_shows_what_the_customer_did() {
    let console = console().await;
    let ana = console.agent("Ana Lima").await;
    let earlier = console.taken_by(&ana, "Last week's question").await;
    console.post(&ana, &format!("/console/conversations/{earlier}/close"), &[("resolution", "solved")]).await;
    let rating = crate::store::NewEffortRating {
        visitor: "visitor-1".into(),
        touchpoint: crate::store::Touchpoint::Chat {
            conversation: earlier,
            agent: Some(ana.id),
            offer_reasons: vec!["asked_for_person".into()],
        },
        score: crate::store::EffortScore::new(2).unwrap(),
        scale_version: telepath_domain::EFFORT_SCALE_VERSION,
    };
    console.effort.record(rating).await.unwrap();
    console.customer_did(EventKind::Searched { query: "vat rate".into(), results: 0 }).await;
    console.customer_did(EventKind::SearchWithoutResults { query: "vat rate".into() }).await;
    let read = EventKind::PageViewed {
        page: PageType::Article,
        path: "/articles/void-an-invoice".into(),
        title: "Void an invoice".into(),
        referrer: None,
    };
    console.customer_did(read).await;
    console
        .customer_did(EventKind::TaskValidationFailed {
            task: "refund".into(),
            fields: vec!["amount".into()],
            messages: [("amount".into(), "Please enter 1 or more.".into())].into(),
        })
        .await;
    let id = console.taken_by(&ana, "Where do I set the VAT rate?").await;
    let html = text(console.get(&ana, &format!("/console/conversations/{id}")).await).await;
    let trail = html.split(r#"data-testid="trail""#).nth(1).expect("the trail is on the page");
    assert!(trail.contains("Newcomer"), "{trail}");
    let now_on = trail.split(r#"data-testid="now-on""#).nth(1).unwrap();
    assert!(now_on.starts_with(r#"><a href="/articles/void-an-invoice""#), "{now_on}");
    assert_eq!(
        trail.matches(r#"data-kind="search-failed""#).count(),
        1,
        "one search, marked failed: {trail}"
    );
    assert!(trail.contains("vat rate") && trail.contains("found nothing"), "{trail}");
    let refused = trail.split(r#"data-testid="refused-field""#).nth(1).expect("the refused field");
    let refused = refused.split("</li>").next().unwrap();
    assert!(refused.contains("amount") && refused.contains(": Please enter 1 or more."), "{refused}");
    let earlier_item = trail.split(r#"data-testid="earlier-conversation""#).nth(1).expect("the earlier chat");
    assert!(
        earlier_item.contains(&format!("#{earlier}")) && earlier_item.contains("Solved"),
        "{earlier_item}"
    );
}

/// The hidden `name` field of the form inside the element marked `marker`.
fn form_field(html: &str, marker: &str, name: &str) -> String {
    let element = html.split(marker).nth(1).unwrap_or_else(|| panic!("no {marker} in {html}"));
    element.split(&format!(r#"name="{name}" value=""#)).nth(1).unwrap().split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggested_articles_and_saved_replies_go_out_in_one_click_and_once() {
    let console = console().await;
    let ana = console.agent("Ana Lima").await;
    console.customer_did(EventKind::Searched { query: "reset password".into(), results: 0 }).await;
    let id = console.taken_by(&ana, "How do I void an invoice?").await;
    let page = format!("/console/conversations/{id}");
    let html = text(console.get(&ana, &page).await).await;
    let void = r#"data-slug="void-an-invoice""#;
    assert!(html.contains(void), "{html}");
    let suggestion = html.split(void).nth(1).unwrap().split("</li>").next().unwrap();
    assert!(suggestion.contains("Found by their message “How do I void an invoice?”"), "{suggestion}");
    let reset = html.split(r#"data-slug="reset-your-password""#).nth(1).expect("the failed search's find");
    assert!(reset.contains("their search “reset password”, which found nothing"), "{reset}");

    let client_id = form_field(&html, void, "client_id");
    let mut room = console.chat.hub.join(id);
    let uri = format!("/console/conversations/{id}/articles");
    for _ in 0..2 {
        let sent = console.post(&ana, &uri, &[("client_id", &client_id), ("slug", "void-an-invoice")]).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(room.next().await.unwrap(), RoomEvent::Stored { seq: 2 });
    let messages = console.chat.conversations.messages_after(id, 1, 10).await.unwrap();
    assert_eq!(messages.len(), 1, "sent once: {messages:?}");
    assert_eq!(
        messages[0].body,
        MessageBody::Article { slug: "void-an-invoice".into(), title: "Void an invoice".into() }
    );
    let gone = console.post(&ana, &uri, &[("client_id", "x-1"), ("slug", "no-such-article")]).await;
    assert_eq!(gone.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(gone).await.contains("That article is not in the help centre any more."));

    let html = text(console.get(&ana, &page).await).await;
    assert!(html.contains("Article: <a href=\"/articles/void-an-invoice\""), "the card is a link: {html}");
    let marker = r#"data-reply="anything-else""#;
    let client_id = form_field(&html, marker, "client_id");
    let uri = format!("/console/conversations/{id}/replies");
    for _ in 0..2 {
        let sent = console.post(&ana, &uri, &[("client_id", &client_id), ("reply", "anything-else")]).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    }
    let messages = console.chat.conversations.messages_after(id, 2, 10).await.unwrap();
    assert_eq!(messages.len(), 1, "sent once: {messages:?}");
    assert_eq!(messages[0].body, MessageBody::Text("Is there anything else I can help with?".into()));
    let unknown = console.post(&ana, &uri, &[("client_id", "x-2"), ("reply", "../site")]).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trail_shows_the_kit_the_notices_and_the_task_errors_of_a_customer_who_starts_a_chat() {
    let fixture = super::guidance_fixture();
    let (app, portal) = super::app(&fixture).await;
    let first_visit = super::session(&app).await;
    // The customer's browser, carrying every cookie the portal gives it.
    let mut customer = super::Session {
        cookie: format!("{}; telepath_level=newcomer", first_visit.cookie),
        token: first_visit.token,
    };
    // As a browser does: a cookie set again replaces the one it had.
    let keep = |response: &Response, name: &str, customer: &mut super::Session| {
        let cookie = super::set_cookie(response, name);
        let others = customer.cookie.split("; ").filter(|kept| !kept.starts_with(&format!("{name}=")));
        customer.cookie = others.chain([cookie.as_str()]).collect::<Vec<_>>().join("; ");
    };
    for thing in 0..3 {
        let body = format!("level=newcomer&thing={thing}&read=true");
        let ticked =
            app.clone().oneshot(super::form_post(&customer, "/api/kit-progress", &body)).await.unwrap();
        assert_eq!(ticked.status(), StatusCode::FOUND);
        keep(&ticked, "telepath_kits", &mut customer);
    }
    let body = "notice=current&return_to=%2Ftasks%2Fchange-address";
    let dismissed =
        app.clone().oneshot(super::form_post(&customer, "/api/dismiss-notice", body)).await.unwrap();
    keep(&dismissed, "telepath_dismissed", &mut customer);
    let refused = app
        .clone()
        .oneshot(super::form_post(&customer, "/tasks/change-address", "order=TAP-12"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let started = app
        .clone()
        .oneshot(super::form_post(&customer, "/chat", "client_id=c-1&text=My+order+number+is+refused"))
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let requested = portal.events.recent(Some("chat_requested"), 1).await.unwrap();
    let EventKind::ChatRequested { conversation } = requested[0].kind else { panic!("{requested:?}") };

    let database = fixture.config(Path::new("/nonexistent-site")).database_path();
    let agent = crate::testing::staff_login_named(&database, StaffRole::Agent, Some("Ana Lima")).await;
    let page = app
        .clone()
        .oneshot(with_cookies(&format!("/console/conversations/{conversation}"), &agent.cookie))
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = text(page).await;
    let trail = html.split(r#"data-testid="trail""#).nth(1).expect("the trail is on the page");
    let kit =
        trail.split(r#"data-testid="trail-kit""#).nth(1).expect("the kit").split("</dd>").next().unwrap();
    assert!(kit.contains(r#"href="/kits/newcomer""#) && kit.contains("3 of 5 steps done"), "{kit}");
    let notices = trail
        .split(r#"data-testid="trail-notices""#)
        .nth(1)
        .expect("the notices")
        .split("</ul>")
        .next()
        .unwrap();
    let slower = notices.split("<li").find(|item| item.contains("Deliveries are slower")).expect("{notices}");
    assert!(slower.contains(r#"data-dismissed="true""#) && slower.contains("(dismissed)"), "{slower}");
    assert!(!notices.contains("An old outage") && !notices.contains("Planned maintenance"), "{notices}");
    let field = trail
        .split(r#"data-testid="refused-field""#)
        .nth(1)
        .expect("the task error")
        .split("</li>")
        .next()
        .unwrap();
    assert!(field.contains("Order number") && field.contains("Expected: TAP- and 6 digits."), "{field}");
}
