//! The panel's state and its DOM. One `Panel` per page, shared by the event handlers
//! as `Rc<RefCell<_>>`; each socket's handlers carry the socket's generation, so a
//! late event from a replaced socket changes nothing.

use crate::frames::{Body, Incoming, Message, Outgoing, Pending, Side, State, Status};
use crate::{reconnect_delay_ms, safe_href};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    CloseEvent, Document, Element, Event, HtmlFormElement, HtmlTextAreaElement, MessageEvent,
    VisibilityState, WebSocket, Window,
};

/// How long after the last keystroke the agent is told typing stopped.
const TYPING_IDLE_MS: i32 = 3000;
/// How long a message refused with `retry: true` waits before it is sent again.
const RETRY_MS: i32 = 3000;

type Shared = Rc<RefCell<Panel>>;

struct Panel {
    window: Window,
    document: Document,
    conversation: i64,
    token: String,
    list: Element,
    status: Option<Element>,
    connection: Element,
    typing: Element,
    error: Element,
    textarea: HtmlTextAreaElement,
    /// The highest `seq` shown: where a reconnect resumes.
    last_seq: i64,
    agent: Option<String>,
    state: Option<State>,
    agent_read: i64,
    read_sent: i64,
    outbox: Vec<Pending>,
    socket: Option<Socket>,
    /// The previous socket, kept until the next connect: its handler may be running.
    retired: Option<Socket>,
    generation: u32,
    attempt: u32,
    typing_sent: bool,
    typing_timer: Option<i32>,
}

struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

pub fn attach() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let Some(list) = document.query_selector("[data-testid=chat-messages]")? else {
        return Ok(());
    };
    let Some(form) = document.query_selector("[data-testid=chat-form]")? else {
        return Ok(());
    };
    let form: HtmlFormElement = form.dyn_into()?;
    let textarea: HtmlTextAreaElement = form.query_selector("textarea")?.ok_or("no textarea")?.dyn_into()?;
    let token = form
        .query_selector("input[name=_csrf]")?
        .and_then(|input| input.get_attribute("value"))
        .ok_or("no form token")?;
    let number = |name: &str| list.get_attribute(name).and_then(|value| value.parse::<i64>().ok());
    let conversation = number("data-conversation").ok_or("no conversation")?;
    let last_seq = number("data-last-seq").unwrap_or(0);
    let status = document.query_selector("[data-testid=chat-status]")?;

    let connection = element(&document, "p", "chat-connection", "chat-connection")?;
    connection.set_attribute("role", "status")?;
    connection.set_attribute("hidden", "")?;
    match &status {
        Some(status) => status.insert_adjacent_element("afterend", &connection)?,
        None => list.insert_adjacent_element("beforebegin", &connection)?,
    };
    let typing = element(&document, "p", "chat-typing muted", "chat-typing")?;
    typing.set_attribute("aria-live", "polite")?;
    list.insert_adjacent_element("afterend", &typing)?;
    let error = element(&document, "p", "field-error", "chat-error")?;
    error.set_attribute("role", "alert")?;
    error.set_attribute("hidden", "")?;
    textarea.insert_adjacent_element("beforebegin", &error)?;
    // The page follows the conversation by itself now.
    if let Some(check) = document.query_selector("[data-testid=chat-check-replies]")?
        && let Some(paragraph) = check.parent_element()
    {
        paragraph.set_attribute("hidden", "")?;
    }

    let mut panel = Panel {
        window,
        document,
        conversation,
        token,
        list,
        status,
        connection,
        typing,
        error,
        textarea,
        last_seq,
        agent: None,
        state: None,
        agent_read: 0,
        read_sent: 0,
        outbox: Vec::new(),
        socket: None,
        retired: None,
        generation: 0,
        attempt: 0,
        typing_sent: false,
        typing_timer: None,
    };
    panel.outbox = panel.load_outbox();
    for pending in panel.outbox.clone() {
        panel.show_pending(&pending)?;
    }
    panel.mark_delivery()?;
    let shared = Rc::new(RefCell::new(panel));

    let on_submit = {
        let shared = shared.clone();
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            report(submit(&shared));
        })
    };
    form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())?;
    on_submit.forget();

    let on_input = {
        let shared = shared.clone();
        Closure::<dyn FnMut(Event)>::new(move |_: Event| report(typed(&shared)))
    };
    shared.borrow().textarea.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref())?;
    on_input.forget();

    let on_visibility = {
        let shared = shared.clone();
        Closure::<dyn FnMut(Event)>::new(move |_: Event| shared.borrow_mut().send_read_if_visible())
    };
    let document = shared.borrow().document.clone();
    document.add_event_listener_with_callback("visibilitychange", on_visibility.as_ref().unchecked_ref())?;
    on_visibility.forget();

    connect(&shared);
    Ok(())
}

fn report(result: Result<(), JsValue>) {
    if let Err(error) = result {
        web_sys::console::error_2(&"chat panel:".into(), &error);
    }
}

fn element(document: &Document, tag: &str, class: &str, testid: &str) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    element.set_class_name(class);
    element.set_attribute("data-testid", testid)?;
    Ok(element)
}

/// Opens a socket that resumes after the highest `seq` shown.
fn connect(shared: &Shared) {
    let mut panel = shared.borrow_mut();
    panel.retired = panel.socket.take();
    panel.generation += 1;
    let generation = panel.generation;
    let location = panel.window.location();
    let scheme = if location.protocol().as_deref() == Ok("https:") { "wss" } else { "ws" };
    let host = location.host().unwrap_or_default();
    let url = format!(
        "{scheme}://{host}/chat/socket?conversation={}&after={}&token={}",
        panel.conversation,
        panel.last_seq,
        String::from(js_sys::encode_uri_component(&panel.token)),
    );
    let ws = match WebSocket::new(&url) {
        Ok(ws) => ws,
        Err(_) => {
            drop(panel);
            reconnect_later(shared);
            return;
        }
    };
    let on_open = {
        let shared = shared.clone();
        Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            let panel = shared.borrow_mut();
            if panel.generation == generation {
                // Everything not yet acknowledged goes again, in order, with its own id.
                for pending in panel.outbox.clone() {
                    panel.send(&Outgoing::Send { client_id: &pending.client_id, text: &pending.text });
                }
            }
        })
    };
    let on_message = {
        let shared = shared.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else { return };
            if shared.borrow().generation != generation {
                return;
            }
            match serde_json::from_str::<Incoming>(&text) {
                Ok(frame) => report(received(&shared, frame)),
                Err(error) => report(Err(format!("unreadable frame: {error}").into())),
            }
        })
    };
    let on_close = {
        let shared = shared.clone();
        Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
            if shared.borrow().generation == generation {
                reconnect_later(&shared);
            }
        })
    };
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    panel.socket = Some(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close });
}

/// After a drop: says so, and tries again after 1 s, 2 s, 4 s… up to 30 s.
fn reconnect_later(shared: &Shared) {
    let mut panel = shared.borrow_mut();
    panel.retired = panel.socket.take();
    panel.generation += 1;
    panel.set_typing(false);
    let _ = panel.list.set_attribute("data-live", "reconnecting");
    panel.connection.set_text_content(Some("Reconnecting…"));
    let _ = panel.connection.remove_attribute("hidden");
    let delay = reconnect_delay_ms(panel.attempt, js_sys::Math::random());
    panel.attempt = panel.attempt.saturating_add(1);
    let shared = shared.clone();
    let retry = Closure::once_into_js(move || connect(&shared));
    let _ = panel.window.set_timeout_with_callback_and_timeout_and_arguments_0(retry.unchecked_ref(), delay);
}

fn submit(shared: &Shared) -> Result<(), JsValue> {
    let mut panel = shared.borrow_mut();
    let text = panel.textarea.value();
    // Blank but not empty goes to the server, whose refusal says what is wrong.
    if text.is_empty() {
        return Ok(());
    }
    let pending = Pending { client_id: panel.new_client_id()?, text };
    panel.textarea.set_value("");
    panel.show_error(None)?;
    panel.stop_typing();
    panel.outbox.push(pending.clone());
    panel.save_outbox();
    panel.show_pending(&pending)?;
    panel.mark_delivery()?;
    panel.send(&Outgoing::Send { client_id: &pending.client_id, text: &pending.text });
    Ok(())
}

fn typed(shared: &Shared) -> Result<(), JsValue> {
    let mut panel = shared.borrow_mut();
    if panel.textarea.value().is_empty() {
        panel.stop_typing();
        return Ok(());
    }
    if !panel.typing_sent && panel.send(&Outgoing::Typing { active: true }) {
        panel.typing_sent = true;
    }
    if let Some(timer) = panel.typing_timer.take() {
        panel.window.clear_timeout_with_handle(timer);
    }
    let idle = {
        let shared = shared.clone();
        Closure::once_into_js(move || {
            let mut panel = shared.borrow_mut();
            panel.typing_timer = None;
            panel.stop_typing();
        })
    };
    panel.typing_timer = Some(
        panel
            .window
            .set_timeout_with_callback_and_timeout_and_arguments_0(idle.unchecked_ref(), TYPING_IDLE_MS)?,
    );
    Ok(())
}

fn received(shared: &Shared, frame: Incoming) -> Result<(), JsValue> {
    let mut panel = shared.borrow_mut();
    match frame {
        Incoming::Status(status) => panel.on_status(status)?,
        Incoming::Message(message) => panel.on_message(message)?,
        Incoming::Ack { client_id, seq } => panel.on_ack(&client_id, seq)?,
        Incoming::Rejected { client_id, words, retry: true } => {
            log_refusal(&words);
            let window = panel.window.clone();
            drop(panel);
            let shared = shared.clone();
            let again = Closure::once_into_js(move || {
                let panel = shared.borrow_mut();
                if let Some(pending) = panel.outbox.iter().find(|p| p.client_id == client_id).cloned() {
                    panel.send(&Outgoing::Send { client_id: &pending.client_id, text: &pending.text });
                }
            });
            window.set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), RETRY_MS)?;
        }
        Incoming::Rejected { client_id, words, retry: false } => panel.on_refused(&client_id, &words)?,
        Incoming::Typing { side: Side::Agent, active } => panel.set_typing(active),
        Incoming::Read { side: Side::Agent, seq } => {
            panel.agent_read = panel.agent_read.max(seq);
            panel.mark_delivery()?;
        }
        Incoming::Typing { side: Side::Visitor, .. }
        | Incoming::Read { side: Side::Visitor, .. }
        | Incoming::NowOn {} => {}
    }
    Ok(())
}

impl Panel {
    /// Sends a frame if the socket is open; what is not sent is in the outbox anyway.
    fn send(&self, frame: &Outgoing<'_>) -> bool {
        let Some(socket) = &self.socket else { return false };
        if socket.ws.ready_state() != WebSocket::OPEN {
            return false;
        }
        let Ok(json) = serde_json::to_string(frame) else { return false };
        socket.ws.send_with_str(&json).is_ok()
    }

    fn on_status(&mut self, status: Status) -> Result<(), JsValue> {
        // A socket that got as far as its first frame is a good one.
        self.attempt = 0;
        // For styles and tests: the page is following the conversation live.
        self.list.set_attribute("data-live", "connected")?;
        self.connection.set_attribute("hidden", "")?;
        self.connection.set_text_content(None);
        self.agent = status.agent.clone();
        self.agent_read = self.agent_read.max(status.agent_read);
        self.read_sent = self.read_sent.max(status.visitor_read);
        let words = match (status.state, &status.agent) {
            // The server renders the ended conversation with its effort question.
            (State::Closed, _) => return self.window.location().reload(),
            (State::Active, Some(agent)) => Some(format!("{agent} from our support team is answering.")),
            (State::Active, None) => Some("Someone from our support team is answering.".to_owned()),
            // The page's own words say where in the queue the visitor is: keep them
            // unless the conversation went back to waiting while shown here.
            (State::Waiting, _) => (self.state.is_some_and(|state| state != State::Waiting))
                .then(|| "Someone from our support team will be with you shortly.".to_owned()),
        };
        self.state = Some(status.state);
        if let (Some(words), Some(element)) = (words, &self.status) {
            element.set_text_content(Some(&words));
        }
        self.mark_delivery()?;
        self.send_read_if_visible();
        Ok(())
    }

    fn on_message(&mut self, message: Message) -> Result<(), JsValue> {
        if message.seq <= self.last_seq {
            return Ok(());
        }
        self.last_seq = message.seq;
        self.list.set_attribute("data-last-seq", &message.seq.to_string())?;
        // This page's own message is already shown, as sent (and maybe acknowledged).
        let own = match message.side {
            Side::Visitor => self.item_sent_as(&message.client_id),
            Side::Agent => None,
        };
        match own {
            Some(item) => self.place(&item, message.seq)?,
            None => {
                let author = match message.side {
                    Side::Visitor => "You".to_owned(),
                    Side::Agent => message.author.clone().unwrap_or_else(|| "Support".to_owned()),
                };
                let item = self.message_item(message.side, &author, &message.body)?;
                self.place(&item, message.seq)?;
            }
        }
        if message.side == Side::Agent {
            self.set_typing(false);
        }
        self.mark_delivery()?;
        self.send_read_if_visible();
        Ok(())
    }

    fn on_ack(&mut self, client_id: &str, seq: i64) -> Result<(), JsValue> {
        self.outbox.retain(|pending| pending.client_id != client_id);
        self.save_outbox();
        if let Some(item) = self.item_sent_as(client_id) {
            if self.list.query_selector(&format!("li[data-seq=\"{seq}\"]"))?.is_some() {
                // Stored before a reload, so the page already shows it.
                item.remove();
            } else {
                self.place(&item, seq)?;
            }
        }
        self.mark_delivery()
    }

    /// Refused for good (too long, the conversation ended): the words go beside the
    /// form and the text back into it, so nothing typed is lost.
    fn on_refused(&mut self, client_id: &str, words: &str) -> Result<(), JsValue> {
        let refused = self.outbox.iter().find(|pending| pending.client_id == client_id).cloned();
        self.outbox.retain(|pending| pending.client_id != client_id);
        self.save_outbox();
        if let Some(item) = self.item_sent_as(client_id) {
            item.remove();
        }
        if let Some(refused) = refused
            && self.textarea.value().trim().is_empty()
        {
            self.textarea.set_value(&refused.text);
        }
        self.show_error(Some(words))
    }

    fn show_error(&self, words: Option<&str>) -> Result<(), JsValue> {
        self.error.set_text_content(words);
        match words {
            Some(_) => {
                self.error.remove_attribute("hidden")?;
                self.textarea.set_attribute("aria-invalid", "true")
            }
            None => {
                self.error.set_attribute("hidden", "")?;
                self.textarea.remove_attribute("aria-invalid")
            }
        }
    }

    fn set_typing(&self, active: bool) {
        let words = active.then(|| {
            format!("{} is typing…", self.agent.as_deref().unwrap_or("Someone from our support team"))
        });
        self.typing.set_text_content(words.as_deref());
    }

    fn stop_typing(&mut self) {
        if let Some(timer) = self.typing_timer.take() {
            self.window.clear_timeout_with_handle(timer);
        }
        if self.typing_sent {
            self.send(&Outgoing::Typing { active: false });
            self.typing_sent = false;
        }
    }

    fn send_read_if_visible(&mut self) {
        if self.document.visibility_state() == VisibilityState::Visible
            && self.last_seq > self.read_sent
            && self.send(&Outgoing::Read { seq: self.last_seq })
        {
            self.read_sent = self.last_seq;
        }
    }

    /// Each of the visitor's own messages says how far it got: Sending…, Delivered
    /// (stored), or Read (the agent has read up to it).
    fn mark_delivery(&self) -> Result<(), JsValue> {
        let items = self.list.children();
        for index in 0..items.length() {
            let Some(item) = items.item(index) else { continue };
            if !item.class_list().contains("from-visitor") {
                continue;
            }
            let words = match item.get_attribute("data-seq").and_then(|seq| seq.parse::<i64>().ok()) {
                None => "Sending…",
                Some(seq) if seq <= self.agent_read => "Read",
                Some(_) => "Delivered",
            };
            let state = match item.query_selector("[data-testid=chat-delivery]")? {
                Some(state) => state,
                None => {
                    let state = element(&self.document, "p", "chat-delivery muted", "chat-delivery")?;
                    item.append_child(&state)?;
                    state
                }
            };
            if state.text_content().as_deref() != Some(words) {
                state.set_text_content(Some(words));
            }
        }
        Ok(())
    }

    /// Numbers `item` as message `seq` and puts it in sequence order: before any
    /// later message and before the messages still being sent, which stay last.
    fn place(&self, item: &Element, seq: i64) -> Result<(), JsValue> {
        item.set_attribute("data-seq", &seq.to_string())?;
        let items = self.list.children();
        let next = (0..items.length()).filter_map(|index| items.item(index)).find(|other| {
            other != item
                && other
                    .get_attribute("data-seq")
                    .and_then(|other| other.parse::<i64>().ok())
                    .is_none_or(|other| other > seq)
        });
        self.list.insert_before(item, next.as_ref().map(|next| next.as_ref()))?;
        Ok(())
    }

    /// The message this page sent with `client_id`, whether or not it is stored yet.
    fn item_sent_as(&self, client_id: &str) -> Option<Element> {
        let items = self.list.children();
        (0..items.length())
            .filter_map(|index| items.item(index))
            .find(|item| item.get_attribute("data-client-id").as_deref() == Some(client_id))
    }

    fn show_pending(&self, pending: &Pending) -> Result<(), JsValue> {
        let item = self.message_item(Side::Visitor, "You", &Body::Text { text: pending.text.clone() })?;
        item.set_attribute("data-client-id", &pending.client_id)?;
        self.list.append_child(&item)?;
        Ok(())
    }

    /// A message as the server renders it (app/src/pages/chat.rs), built with DOM
    /// calls: text only ever goes in as text.
    fn message_item(&self, side: Side, author: &str, body: &Body) -> Result<Element, JsValue> {
        let class = match side {
            Side::Visitor => "chat-message from-visitor",
            Side::Agent => "chat-message from-agent",
        };
        let item = element(&self.document, "li", class, "chat-message")?;
        let name = self.document.create_element("p")?;
        name.set_class_name("chat-author");
        name.set_text_content(Some(author));
        item.append_child(&name)?;
        let content = self.document.create_element("p")?;
        match body {
            Body::Text { text } => {
                content.set_class_name("chat-text");
                content.set_attribute("dir", "auto")?;
                content.set_text_content(Some(text));
            }
            Body::Article { title, href } => {
                content.set_class_name("chat-card");
                content.set_text_content(Some("Article: "));
                let link = match safe_href(href) {
                    Some(href) => {
                        let link = self.document.create_element("a")?;
                        link.set_attribute("href", href)?;
                        link
                    }
                    None => self.document.create_element("span")?,
                };
                link.set_attribute("dir", "auto")?;
                link.set_text_content(Some(title));
                content.append_child(&link)?;
            }
        }
        item.append_child(&content)?;
        Ok(item)
    }

    fn new_client_id(&self) -> Result<String, JsValue> {
        let mut bytes = [0_u8; 16];
        self.window.crypto()?.get_random_values_with_u8_array(&mut bytes)?;
        Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
    }

    fn outbox_key(&self) -> String {
        format!("telepath-chat-outbox-{}", self.conversation)
    }

    fn load_outbox(&self) -> Vec<Pending> {
        self.window
            .session_storage()
            .ok()
            .flatten()
            .and_then(|storage| storage.get_item(&self.outbox_key()).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// Without storage (private modes may refuse it) the outbox still lives in memory.
    fn save_outbox(&self) {
        let Some(storage) = self.window.session_storage().ok().flatten() else { return };
        let key = self.outbox_key();
        let _ = if self.outbox.is_empty() {
            storage.remove_item(&key)
        } else {
            match serde_json::to_string(&self.outbox) {
                Ok(json) => storage.set_item(&key, &json),
                Err(_) => Ok(()),
            }
        };
    }
}

/// Refusals that will pass later are retried quietly; the reason is only for developers.
fn log_refusal(words: &str) {
    web_sys::console::info_2(&"chat panel: will retry:".into(), &words.into());
}
