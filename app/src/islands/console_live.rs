//! The agent console's conversation, live. The page is complete without it: the
//! messages as the server rendered them, a plain reply form (posted, stored once by
//! its message id) and a "check for new messages" link. With JavaScript this island
//! opens the agent's socket (docs/chat-protocol.md) and, after the page's messages,
//! shows each new one as it is stored; the reply form's post is then sent over the
//! socket instead, kept in an outbox until acknowledged (sent again with the same id
//! after a reconnect); the customer's typing shows, the trail's "Now on" follows
//! the pages they view, and a message arriving while the tab is hidden puts "(1)"
//! in its title. Should the socket be down, the form posts as it would without
//! JavaScript. Only staff pages load it (`console-islands`).

use crate::chat_text::{LINK_REL, MessageText};
use crate::wire::{ChatBody, ConsoleMessage};
use leptos::prelude::*;
use telepath_domain::Side;

/// The reply form the island takes over, and its text box, by their ids
/// (`pages/console/conversation.rs`).
pub const REPLY_FORM_ID: &str = "reply-form";
pub const REPLY_TEXT_ID: &str = "reply-text";
/// The trail's "Now on" (`pages/console/trail.rs`), outside the island: the page
/// the customer has open, which the island replaces as they move.
pub const NOW_ON_ID: &str = "now-on";

/// What arrives in conversation `conversation` after message `last_seq`, the
/// customer's typing, and the end of the conversation.
#[island]
pub fn ConsoleLive(conversation: i64, last_seq: i64) -> impl IntoView {
    let arrived = RwSignal::new(Vec::<ConsoleMessage>::new());
    let customer_typing = RwSignal::new(false);
    let ended = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let hydrated = super::hydration_marker();
    let live = live::Live {
        conversation,
        last_seq: StoredValue::new(last_seq),
        arrived,
        customer_typing,
        ended,
        problem,
    };
    Effect::new(move |_| live.start());
    // `data-hydrate="at-once"`: the page loads its bundle straight away (pages/islands.js),
    // since what it shows must change without the agent touching it.
    view! {
        <div class="console-live" data-testid="console-live" data-hydrated=hydrated data-hydrate="at-once">
            <ol class="message-list" data-testid="live-messages">
                {move || arrived.get().into_iter().map(|message| view! { <MessageItem message/> }).collect_view()}
            </ol>
            <p class="typing muted" aria-live="polite" data-testid="customer-typing">
                {move || customer_typing.get().then_some("The customer is typing…")}
            </p>
            {move || problem.get().map(|words| view! { <p class="field-error" role="alert">{words}</p> })}
            {move || ended.get().then(|| view! {
                <p class="callout tip" role="status" data-testid="conversation-ended">"This conversation has ended."</p>
            })}
        </div>
    }
}

/// One message: who wrote it and when, then its text or article card. The page's
/// messages and the ones arriving live read the same.
#[component]
pub fn MessageItem(message: ConsoleMessage) -> impl IntoView {
    let ConsoleMessage { message, time_text } = message;
    let side = message.side;
    let author = match (side, message.author) {
        (Side::Visitor, _) => "Customer".to_owned(),
        (Side::Agent, Some(author)) => author,
        (Side::Agent, None) => "Support".to_owned(),
    };
    let body = match message.body {
        ChatBody::Text { text } => view! { <MessageText text/> }.into_any(),
        ChatBody::Article { title, href } => view! {
            <p class="message-card" dir="auto">
                "Article: "<a href=href target="_blank" rel=LINK_REL>{title}</a>
            </p>
        }
        .into_any(),
    };
    view! {
        <li
            class=format!("message from-{}", side.as_str())
            id=format!("message-{}", message.seq)
            data-seq=message.seq
            data-testid="message"
        >
            <p class="message-meta"><span class="message-author">{author}</span>" "<span class="muted">{time_text}</span></p>
            {body}
        </li>
    }
}

/// The socket side, in the browser only; on the server `start` does nothing.
mod live {
    use crate::wire::ConsoleMessage;
    use leptos::prelude::*;

    #[derive(Clone, Copy)]
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub struct Live {
        pub conversation: i64,
        /// The newest message shown: where a reconnect resumes.
        pub last_seq: StoredValue<i64>,
        pub arrived: RwSignal<Vec<ConsoleMessage>>,
        pub customer_typing: RwSignal<bool>,
        pub ended: RwSignal<bool>,
        pub problem: RwSignal<Option<String>>,
    }

    #[cfg(not(feature = "hydrate"))]
    impl Live {
        pub fn start(self) {}
    }

    #[cfg(feature = "hydrate")]
    mod browser {
        use super::Live;
        use crate::urls;
        use crate::wire::{ClientFrame, ConsoleMessage, ServerFrame};
        use leptos::prelude::*;
        use leptos::wasm_bindgen::JsCast;
        use leptos::wasm_bindgen::closure::Closure;
        use std::cell::RefCell;
        use std::time::Duration;
        use telepath_domain::{ConversationState, MessageProblem, Side};
        use web_sys::{Event, HtmlTextAreaElement, MessageEvent, WebSocket};

        /// How long after the last key the customer is told the agent stopped typing.
        const TYPING_PAUSE: Duration = Duration::from_secs(3);

        /// What the browser keeps beside the signals: the socket, the replies sent
        /// but not yet acknowledged (id, text), and the tab's own title.
        struct Connection {
            socket: Option<WebSocket>,
            outbox: Vec<(String, String)>,
            failures: u32,
            typing: bool,
            typing_timer: Option<TimeoutHandle>,
            unseen: u32,
            title: String,
        }

        thread_local! {
            static CONNECTION: RefCell<Connection> = const {
                RefCell::new(Connection {
                    socket: None,
                    outbox: Vec::new(),
                    failures: 0,
                    typing: false,
                    typing_timer: None,
                    unseen: 0,
                    title: String::new(),
                })
            };
        }

        fn with<T>(f: impl FnOnce(&mut Connection) -> T) -> T {
            CONNECTION.with(|connection| f(&mut connection.borrow_mut()))
        }

        /// Calls `handler` on every `event` of the element with id `id`, if the page has it.
        fn listen(id: &str, event: &str, handler: impl FnMut(Event) + 'static) {
            if let Some(element) = document().get_element_by_id(id) {
                let handler = Closure::<dyn FnMut(Event)>::new(handler);
                let _ = element.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
                handler.forget();
            }
        }

        impl Live {
            /// Connects, takes the reply form over, and follows the tab's visibility.
            pub fn start(self) {
                let document = document();
                with(|connection| connection.title = document.title());
                let on_visible = Closure::<dyn FnMut()>::new(move || {
                    if !leptos::prelude::document().hidden() {
                        self.seen_everything();
                    }
                });
                let _ = document.add_event_listener_with_callback(
                    "visibilitychange",
                    on_visible.as_ref().unchecked_ref(),
                );
                on_visible.forget();
                listen(super::super::REPLY_FORM_ID, "submit", move |event| self.send_reply(&event));
                listen(super::super::REPLY_TEXT_ID, "input", move |_| self.typed());
                self.connect();
            }

            /// A key pressed in the reply: the customer sees the agent typing until a pause.
            fn typed(self) {
                if !with(|connection| std::mem::replace(&mut connection.typing, true)) {
                    self.send(&ClientFrame::Typing { active: true });
                }
                let timer = set_timeout_with_handle(move || self.stopped_typing(), TYPING_PAUSE).ok();
                if let Some(previous) =
                    with(|connection| std::mem::replace(&mut connection.typing_timer, timer))
                {
                    previous.clear();
                }
            }

            fn stopped_typing(self) {
                if with(|connection| std::mem::replace(&mut connection.typing, false)) {
                    self.send(&ClientFrame::Typing { active: false });
                }
            }

            /// The reply goes over the socket when it is open (the form's own post
            /// otherwise): kept until acknowledged, the box emptied for the next one.
            fn send_reply(self, event: &Event) {
                let Some(textarea) = document()
                    .get_element_by_id(super::super::REPLY_TEXT_ID)
                    .and_then(|element| element.dyn_into::<HtmlTextAreaElement>().ok())
                else {
                    return;
                };
                if !with(|connection| {
                    connection.socket.as_ref().is_some_and(|s| s.ready_state() == WebSocket::OPEN)
                }) {
                    return;
                }
                event.prevent_default();
                let text = textarea.value();
                if text.trim().is_empty() {
                    self.problem.set(Some(MessageProblem::Empty.words()));
                    return;
                }
                let client_id = new_client_id();
                with(|connection| connection.outbox.push((client_id.clone(), text.clone())));
                self.problem.set(None);
                textarea.set_value("");
                let _ = textarea.focus();
                self.send(&ClientFrame::Send { client_id, text });
                self.stopped_typing();
            }

            fn connect(self) {
                let Some(window) = web_sys::window() else { return };
                let location = window.location();
                let scheme = if location.protocol().as_deref() == Ok("https:") { "wss" } else { "ws" };
                let host = location.host().unwrap_or_default();
                let path = urls::console_socket(self.conversation, self.last_seq.get_value());
                let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}{path}")) else {
                    self.reconnect_later();
                    return;
                };
                let on_open = Closure::<dyn FnMut()>::new(move || {
                    with(|connection| connection.failures = 0);
                    // What was not acknowledged goes again, with the same ids: stored once.
                    for (client_id, text) in with(|connection| connection.outbox.clone()) {
                        self.send(&ClientFrame::Send { client_id, text });
                    }
                });
                let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    if let Some(text) = event.data().as_string()
                        && let Ok(frame) = serde_json::from_str::<ServerFrame>(&text)
                    {
                        self.received(frame);
                    }
                });
                let on_close = Closure::<dyn FnMut()>::new(move || {
                    with(|connection| connection.socket = None);
                    if !self.ended.get_untracked() {
                        self.reconnect_later();
                    }
                });
                socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
                socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
                on_open.forget();
                on_message.forget();
                on_close.forget();
                with(|connection| connection.socket = Some(socket));
            }

            /// 1 s, 2 s, 4 s… up to 30 s, with jitter, as the protocol asks.
            fn reconnect_later(self) {
                let failures = with(|connection| {
                    connection.failures = connection.failures.saturating_add(1);
                    connection.failures.min(6)
                });
                let seconds = f64::from(1u32 << (failures - 1)).min(30.0);
                let wait = seconds * (0.75 + js_sys::Math::random() / 2.0);
                set_timeout(move || self.connect(), Duration::from_secs_f64(wait));
            }

            fn received(self, frame: ServerFrame) {
                match frame {
                    ServerFrame::Message(message) => {
                        if message.seq <= self.last_seq.get_value() {
                            return;
                        }
                        self.last_seq.set_value(message.seq);
                        with(|connection| connection.outbox.retain(|(id, _)| *id != message.client_id));
                        if message.side == Side::Visitor {
                            self.customer_typing.set(false);
                            if document().hidden() {
                                self.unseen_message();
                            } else {
                                self.send(&ClientFrame::Read { seq: message.seq });
                            }
                        }
                        let time_text = clock_now();
                        self.arrived.update(|arrived| arrived.push(ConsoleMessage { message, time_text }));
                    }
                    ServerFrame::Ack { client_id, .. } => {
                        with(|connection| connection.outbox.retain(|(id, _)| *id != client_id));
                    }
                    ServerFrame::Rejected { client_id, words, retry } => {
                        if !retry {
                            with(|connection| connection.outbox.retain(|(id, _)| *id != client_id));
                        }
                        self.problem.set(Some(words));
                    }
                    ServerFrame::Typing { side: Side::Visitor, active } => self.customer_typing.set(active),
                    ServerFrame::Typing { .. } | ServerFrame::Read { .. } => {}
                    ServerFrame::NowOn { title, href } => now_on(&title, &href),
                    ServerFrame::Status(status) => {
                        let ended = status.state == ConversationState::Closed;
                        self.ended.set(ended);
                        if ended && let Some(form) = document().get_element_by_id(super::super::REPLY_FORM_ID)
                        {
                            let _ = form.set_attribute("hidden", "");
                        }
                    }
                }
            }

            /// A customer's message the agent has not seen: counted in the tab's title.
            fn unseen_message(self) {
                let (unseen, title) = with(|connection| {
                    connection.unseen += 1;
                    (connection.unseen, connection.title.clone())
                });
                document().set_title(&format!("({unseen}) {title}"));
            }

            /// The tab is in sight again: everything is read.
            fn seen_everything(self) {
                let title = with(|connection| {
                    connection.unseen = 0;
                    connection.title.clone()
                });
                document().set_title(&title);
                self.send(&ClientFrame::Read { seq: self.last_seq.get_value() });
            }

            fn send(self, frame: &ClientFrame) {
                let Ok(text) = serde_json::to_string(frame) else { return };
                with(|connection| {
                    if let Some(socket) =
                        connection.socket.as_ref().filter(|s| s.ready_state() == WebSocket::OPEN)
                    {
                        let _ = socket.send_with_str(&text);
                    }
                });
            }
        }

        /// Shows the page the customer has open in the trail's "Now on", as the
        /// server rendered it: a link opening in a new tab, its title as text.
        fn now_on(title: &str, href: &str) {
            let document = document();
            let Some(now_on) = document.get_element_by_id(super::super::NOW_ON_ID) else { return };
            let Ok(link) = document.create_element("a") else { return };
            for (name, value) in [("href", href), ("target", "_blank"), ("dir", "auto")] {
                let _ = link.set_attribute(name, value);
            }
            link.set_text_content(Some(title));
            now_on.replace_children_with_node_1(&link);
        }

        /// A fresh message id; the browser's UUIDs are what the protocol suggests.
        fn new_client_id() -> String {
            web_sys::window()
                .and_then(|window| window.crypto().ok())
                .map(|crypto| crypto.random_uuid())
                .unwrap_or_else(|| format!("console-{}", js_sys::Date::now()))
        }

        /// "14:05" on the agent's clock, for a message that arrived just now.
        fn clock_now() -> String {
            let now = js_sys::Date::new_0();
            format!("{:02}:{:02}", now.get_hours(), now.get_minutes())
        }
    }
}
