//! Every portal address the pages link to, built in one place, so a route that
//! moves changes here and nowhere else.

use crate::wire::encode_query_value;
use telepath_domain::{Level, ListedPage};

/// Where "ask our team" leads, until live chat takes over.
pub const ASK_THE_TEAM: &str = "/articles/contact-support";
pub const NOTICES: &str = "/notices";
pub const SEARCH: &str = "/search";
/// The search box's server function (`#[server(endpoint = "suggest")]` under
/// Leptos' `/api` prefix); the server rate-limits it with the results page.
pub const SUGGEST: &str = "/api/suggest";
/// The editors' pages; everything under it needs the editor role.
pub const EDITORS: &str = "/editors";
/// Where staff sign in (the page and its form), and where the sign-out form posts.
pub const STAFF_SIGN_IN: &str = "/staff/sign-in";
pub const STAFF_SIGN_OUT: &str = "/staff/sign-out";
/// The customer's chat: the page that works without JavaScript, and the socket.
pub const CHAT: &str = "/chat";
pub const CHAT_SOCKET: &str = "/chat/socket";
/// Where "No thanks" on a chat offer posts: no offer for the rest of the visit.
pub const CHAT_OFFER_DISMISS: &str = "/chat/offer/dismiss";
/// Where the browser reports a page of help content read long enough (see
/// `telepath_domain::chat_offer::LingerTimes`).
pub const CHAT_OFFER_LINGERED: &str = "/chat/offer/lingered";
/// Where the effort question after an ended conversation posts its answer.
pub fn chat_effort(conversation: i64) -> String {
    format!("{CHAT}/{conversation}/effort")
}

/// The chat page again after the effort question was answered, at the answer.
pub fn chat_effort_answered(replaced: bool) -> String {
    let query = if replaced { format!("?{EFFORT_QUERY}={EFFORT_CHANGED}") } else { String::new() };
    format!("{CHAT}{query}#effort")
}

/// The agent console; everything under it needs the agent role.
pub const CONSOLE: &str = "/console";

/// The customer's socket for `conversation`, resuming after message `after`, with
/// the visitor's form token (the upgrade is refused without it).
pub fn chat_socket(conversation: i64, after: i64, token: &str) -> String {
    format!("{CHAT_SOCKET}?conversation={conversation}&after={after}&token={}", encode_query_value(token))
}

/// An agent's socket for `conversation`, resuming after message `after`.
pub fn console_socket(conversation: i64, after: i64) -> String {
    format!("{CONSOLE}/conversations/{conversation}/socket?after={after}")
}

/// The console queue's live feed (a WebSocket).
pub const CONSOLE_QUEUE_SOCKET: &str = "/console/queue/socket";

/// Where an agent says they are online or away (a form post).
pub const CONSOLE_PRESENCE: &str = "/console/presence";

/// One conversation's page in the agent console.
pub fn console_conversation(conversation: i64) -> String {
    format!("{CONSOLE}/conversations/{conversation}")
}

/// The forms an agent sends about one conversation, each posting to its own address
/// under the conversation's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsoleForm {
    Claim,
    Reply,
    SendArticle,
    SendCannedReply,
    Note,
    Transfer,
    Close,
}

impl ConsoleForm {
    pub const ALL: [ConsoleForm; 7] = [
        ConsoleForm::Claim,
        ConsoleForm::Reply,
        ConsoleForm::SendArticle,
        ConsoleForm::SendCannedReply,
        ConsoleForm::Note,
        ConsoleForm::Transfer,
        ConsoleForm::Close,
    ];

    /// The last segment of the form's address.
    pub fn segment(self) -> &'static str {
        match self {
            ConsoleForm::Claim => "claim",
            ConsoleForm::Reply => "messages",
            ConsoleForm::SendArticle => "articles",
            ConsoleForm::SendCannedReply => "replies",
            ConsoleForm::Note => "notes",
            ConsoleForm::Transfer => "transfer",
            ConsoleForm::Close => "close",
        }
    }
}

/// Where `form` about `conversation` posts.
pub fn console_form(conversation: i64, form: ConsoleForm) -> String {
    format!("{}/{}", console_conversation(conversation), form.segment())
}

/// Whether the page at `path` is help content, where reading for a while can end
/// with a person offered: an article or a welcome kit.
pub fn is_help_content(path: &str) -> bool {
    ["/articles/", "/kits/"].iter().any(|prefix| path.starts_with(prefix))
}

/// Whether the page at `path` is for staff (the editors' pages, the agent console,
/// signing in): a person working there is not a customer to offer a chat to.
pub fn is_staff_page(path: &str) -> bool {
    [EDITORS, CONSOLE].iter().any(|prefix| {
        path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
    }) || path.starts_with("/staff/")
}

pub fn article(slug: &str) -> String {
    format!("/articles/{slug}")
}

pub fn category(slug: &str) -> String {
    format!("/categories/{slug}")
}

pub fn kit(level: Level) -> String {
    format!("/kits/{}", level.as_str())
}

pub fn task(id: &str) -> String {
    format!("/tasks/{id}")
}

/// The editors' insights for the last `days` days.
pub fn insights(days: u32) -> String {
    format!("/editors/insights?days={days}")
}

/// One insights table as CSV, e.g. `searches`, for the last `days` days.
pub fn insights_csv(table: &str, days: u32) -> String {
    format!("/editors/insights.csv?table={table}&days={days}")
}

/// A task's full guide to its top five mistakes.
pub fn mistakes(id: &str) -> String {
    format!("/mistakes/{id}")
}

/// A task's confirmation page for the submission with `reference`.
pub fn task_sent(id: &str, reference: &str) -> String {
    format!("/tasks/{id}/sent/{}", encode_query_value(reference))
}

/// Where the effort question on a task's confirmation posts its answer.
pub fn task_effort(id: &str, reference: &str) -> String {
    format!("{}/effort", task_sent(id, reference))
}

/// The confirmation again after the effort question was answered, at the answer;
/// `replaced` when the answer took the place of an earlier one, so the page says so.
pub fn task_sent_effort_answered(id: &str, reference: &str, replaced: bool) -> String {
    let query = if replaced { format!("?{EFFORT_QUERY}={EFFORT_CHANGED}") } else { String::new() };
    format!("{}{query}#effort", task_sent(id, reference))
}

/// The query a confirmation is shown with after an effort answer replaced an
/// earlier one: `?effort=changed`.
pub const EFFORT_QUERY: &str = "effort";
pub const EFFORT_CHANGED: &str = "changed";

/// Where a sent request stands, for the visitor who sent it.
pub fn request(reference: &str) -> String {
    format!("/requests/{}", encode_query_value(reference))
}

/// The search results for `query` alone.
pub fn search(query: &str) -> String {
    format!("{SEARCH}?q={}", encode_query_value(query))
}

/// A search result's link: the article, with the query and rank it was found at,
/// which the article page records as the click (no redirect, no script).
pub fn search_result(slug: &str, query: &str, rank: usize) -> String {
    format!("{}?q={}&rank={rank}", article(slug), encode_query_value(query))
}

/// The query a "people usually ask next" link names the article it was followed
/// from with, and the one for a task whose confirmation it was on. The page it
/// leads to reads them to record the click (no redirect, no script).
pub const NEXT_FROM_ARTICLE: &str = "from";
pub const NEXT_FROM_TASK: &str = "from_task";

/// A "people usually ask next" link to `to_path` (an article or a task form),
/// carrying the article or task it was followed from.
pub fn next_question(to_path: &str, from: &str, from_page: ListedPage) -> String {
    let name = match from_page {
        ListedPage::Article => NEXT_FROM_ARTICLE,
        ListedPage::Task => NEXT_FROM_TASK,
    };
    format!("{to_path}?{name}={}", encode_query_value(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_question_link_names_what_it_was_followed_from() {
        assert_eq!(
            next_question(&article("void-an-invoice"), "send-an-invoice", ListedPage::Article),
            "/articles/void-an-invoice?from=send-an-invoice"
        );
        assert_eq!(
            next_question(&task("refund"), "change-vat", ListedPage::Task),
            "/tasks/refund?from_task=change-vat"
        );
    }

    #[test]
    fn the_editors_pages_the_console_and_signing_in_are_staff_pages() {
        for path in [EDITORS, "/editors/insights?days=7", CONSOLE, &console_conversation(7), STAFF_SIGN_IN] {
            assert!(is_staff_page(path), "{path}");
        }
        for path in ["/", "/editorsx", "/consoles", CHAT, &article("console"), "/staff"] {
            assert!(!is_staff_page(path), "{path}");
        }
    }

    #[test]
    fn articles_and_kits_are_help_content_and_nothing_else_is() {
        assert!(is_help_content(&article("send-an-invoice")));
        assert!(is_help_content(&kit(Level::Newcomer)));
        for path in ["/", SEARCH, CHAT, &category("invoices"), &task("change-vat"), "/articlesx", "/kits"] {
            assert!(!is_help_content(path), "{path}");
        }
    }
}
