//! The one place where failures become responses, after axum's error-handling
//! example. The policy:
//! - every failure the HTTP layer answers is an [`HttpError`]; its wording is a
//!   [`PlainWords`] constant below, never the error's own text;
//! - a visitor's own mistake (a form with a missing field, an address that is not
//!   valid, a form sent from another site) is answered 4xx and says what to do;
//! - a fault on our side is logged once, here, with its detail, and answered 500, or
//!   503 with `Retry-After` when it will pass;
//! - a plain form post or a page (no JavaScript) gets a small HTML page, an island's
//!   call gets the same words as text.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};
use std::any::Any;
use std::time::Duration;
use telepath_app::error::AppError;

/// A server function's error body is a short encoded message; anything longer is cut.
const MAX_ERROR_BODY_BYTES: usize = 16 * 1024;

/// What a visitor is told, in words they can act on.
#[derive(Debug, PartialEq, Eq)]
pub struct PlainWords {
    pub status: StatusCode,
    pub heading: &'static str,
    pub message: &'static str,
}

pub const UNREADABLE_FORM: PlainWords = PlainWords {
    status: StatusCode::BAD_REQUEST,
    heading: "This form could not be read",
    message: "Something in the form was missing or not in the expected form, so nothing was saved. \
              Go back, reload the page and try again.",
};

pub const BAD_EFFORT_SCORE: PlainWords = PlainWords {
    status: StatusCode::BAD_REQUEST,
    heading: "This answer could not be read",
    message: "Nothing was saved. Go back and choose one of the five buttons, \
              from 1 (very low effort) to 5 (very high effort).",
};

pub const NOT_LINGERED: PlainWords = PlainWords {
    status: StatusCode::UNPROCESSABLE_ENTITY,
    heading: "This reading time could not be recorded",
    message: "Nothing was saved: the report named no page of help content, or a time \
              shorter than a page must be read before a person is offered.",
};

pub const BAD_ADDRESS: PlainWords = PlainWords {
    status: StatusCode::BAD_REQUEST,
    heading: "This address is not valid",
    message: "Check the address, or start again from the help centre's home page.",
};

pub const FORM_NOT_CHECKED: PlainWords = PlainWords {
    status: StatusCode::FORBIDDEN,
    heading: "This form could not be checked",
    message: "Nothing was sent. The page may have been open for a long time or come from another site. \
              Go back, reload the page and send it again.",
};

pub const FROM_ANOTHER_SITE: PlainWords = PlainWords {
    status: StatusCode::FORBIDDEN,
    heading: "This form was sent from another website",
    message: "It was refused and nothing was sent. Please use the form on this site.",
};

pub const TOO_LARGE: PlainWords = PlainWords {
    status: StatusCode::PAYLOAD_TOO_LARGE,
    heading: "This form is too large to send",
    message: "Nothing was sent. Please shorten your answers and send it again.",
};

pub const TOO_SLOW: PlainWords = PlainWords {
    status: StatusCode::REQUEST_TIMEOUT,
    heading: "This form took too long to arrive",
    message: "Nothing was sent. Please check your connection and send it again.",
};

pub const SEARCHING_TOO_FAST: PlainWords = PlainWords {
    status: StatusCode::TOO_MANY_REQUESTS,
    heading: "You are searching very fast",
    message: "Please wait a moment and try again.",
};

pub const PAGE_UNAVAILABLE: PlainWords = PlainWords {
    status: StatusCode::SERVICE_UNAVAILABLE,
    heading: "This page could not be shown just now",
    message: "Please try again in a moment.",
};

pub const NOT_YOUR_ROLE: PlainWords = PlainWords {
    status: StatusCode::FORBIDDEN,
    heading: "Your staff account cannot open this page",
    message: "You are signed in, but this page belongs to another role. \
              If you need it for your work, ask an admin to change your role.",
};

pub const NO_SUCH_CONVERSATION: PlainWords = PlainWords {
    status: StatusCode::NOT_FOUND,
    heading: "This conversation was not found",
    message: "It may have been started in another browser. Start a new one from any page with \"Talk to us\".",
};

pub const NOT_YOUR_CONVERSATION: PlainWords = PlainWords {
    status: StatusCode::FORBIDDEN,
    heading: "This conversation is another agent's",
    message: "Only the agent answering it can write in it. Open the queue to take a waiting one.",
};

pub const NO_CONVERSATION_HERE: PlainWords = PlainWords {
    status: StatusCode::NOT_FOUND,
    heading: "There is no conversation with this number",
    message: "Check the address, or open the agent console to see who is waiting.",
};

pub const CHAT_UNAVAILABLE: PlainWords = PlainWords {
    status: StatusCode::SERVICE_UNAVAILABLE,
    heading: "Chat is not available just now",
    message: "Nothing you sent was lost. Please try again in a moment.",
};

pub const TRY_AGAIN_SOON: PlainWords = PlainWords {
    status: StatusCode::SERVICE_UNAVAILABLE,
    heading: "This could not be done just now",
    message: "Nothing was lost. Please try again in a moment.",
};

pub const OUR_FAULT: PlainWords = PlainWords {
    status: StatusCode::INTERNAL_SERVER_ERROR,
    heading: "Something went wrong on our side",
    message: "We could not finish this just now, and we have been told about it. \
              Please try again in a minute.",
};

impl PlainWords {
    /// A complete page that needs nothing else from the server (no styles, no
    /// scripts), so it can be shown whatever broke. The words are constants, never
    /// request data, so nothing here needs escaping.
    pub fn page(&self) -> Response {
        let PlainWords { status, heading, message } = self;
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{heading}</title></head>\
             <body><main><h1>{heading}</h1><p>{message}</p>\
             <p><a href=\"/\">Go to the help centre</a></p></main></body></html>\n"
        );
        (*status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
    }

    pub fn text(&self) -> Response {
        let text = format!("{}. {}", self.heading, self.message);
        (self.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
    }
}

/// Every way the HTTP layer refuses or fails a request.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the form's token is missing or not this visitor's")]
    FormNotChecked,
    #[error("a writing request from another site")]
    FromAnotherSite,
    #[error("the body is over the size limit")]
    TooLarge,
    #[error("the body did not arrive in time")]
    TooSlow,
    #[error("the address is not valid")]
    BadAddress,
    #[error("an effort answer that is not a score: {0}")]
    BadEffortScore(telepath_domain::EffortScoreError),
    /// A lingering report for no help page, or for less than the visitor's lingering time.
    #[error("a lingering report that does not hold: {0}")]
    NotLingered(String),
    #[error("too many searches from one client")]
    SearchingTooFast { retry_after: Duration },
    #[error("a page could not be rendered: {0}")]
    PageUnavailable(String),
    #[error("a staff page asked for by a role it does not belong to")]
    NotYourRole,
    /// A conversation that does not exist, or is another visitor's: the same answer.
    #[error("no conversation of this visitor's has that id")]
    NoSuchConversation,
    #[error("an agent asked for a conversation assigned to someone else")]
    NotYourConversation,
    /// The agent console was asked for a conversation that does not exist.
    #[error("no conversation has that id")]
    NoConversationHere,
    /// The conversations store could not answer; where it failed logged the detail.
    #[error("chat is unavailable")]
    ChatUnavailable,
    /// A server function's arguments were missing or unreadable.
    #[error("unreadable server-function arguments: {0}")]
    UnreadableForm(AppError),
    /// The store or the index could not answer; where it failed logged the detail.
    #[error("a server function could not finish: {0}")]
    Unavailable(AppError),
    #[error("a server function failed: {0}")]
    ServerFunction(AppError),
}

impl From<AppError> for HttpError {
    fn from(error: AppError) -> Self {
        match error {
            error if error.is_callers_mistake() => HttpError::UnreadableForm(error),
            AppError::StoreUnavailable | AppError::SearchUnavailable => HttpError::Unavailable(error),
            error => HttpError::ServerFunction(error),
        }
    }
}

impl HttpError {
    pub fn words(&self) -> &'static PlainWords {
        match self {
            HttpError::FormNotChecked => &FORM_NOT_CHECKED,
            HttpError::FromAnotherSite => &FROM_ANOTHER_SITE,
            HttpError::TooLarge => &TOO_LARGE,
            HttpError::TooSlow => &TOO_SLOW,
            HttpError::BadAddress => &BAD_ADDRESS,
            HttpError::BadEffortScore(_) => &BAD_EFFORT_SCORE,
            HttpError::NotLingered(_) => &NOT_LINGERED,
            HttpError::SearchingTooFast { .. } => &SEARCHING_TOO_FAST,
            HttpError::PageUnavailable(_) => &PAGE_UNAVAILABLE,
            HttpError::NotYourRole => &NOT_YOUR_ROLE,
            HttpError::NoSuchConversation => &NO_SUCH_CONVERSATION,
            HttpError::NotYourConversation => &NOT_YOUR_CONVERSATION,
            HttpError::NoConversationHere => &NO_CONVERSATION_HERE,
            HttpError::ChatUnavailable => &CHAT_UNAVAILABLE,
            HttpError::UnreadableForm(_) => &UNREADABLE_FORM,
            HttpError::Unavailable(_) => &TRY_AGAIN_SOON,
            HttpError::ServerFunction(_) => &OUR_FAULT,
        }
    }

    /// When the client may try again: a full second at least, as Retry-After counts.
    fn retry_after(&self) -> Option<Duration> {
        match self {
            HttpError::SearchingTooFast { retry_after } => Some(*retry_after),
            HttpError::PageUnavailable(_) | HttpError::Unavailable(_) | HttpError::ChatUnavailable => {
                Some(Duration::from_secs(5))
            }
            _ => None,
        }
    }

    /// The page for a browser navigating (or posting a plain form), the text otherwise.
    pub fn for_client(self, request_headers: &HeaderMap) -> Response {
        let html = accepts_html(request_headers);
        self.respond(html)
    }

    fn respond(self, html: bool) -> Response {
        let words = self.words();
        if let HttpError::Unavailable(_) | HttpError::ChatUnavailable = self {
            // Logged with its detail where it failed; once is enough.
        } else if words.status.is_server_error() {
            tracing::error!("{self}");
        } else {
            tracing::info!("refused: {self}");
        }
        let mut response = if html { words.page() } else { words.text() };
        if let Some(wait) = self.retry_after() {
            let seconds = wait.as_secs_f64().ceil().max(1.0);
            if let Ok(value) = HeaderValue::from_str(&format!("{seconds:.0}")) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.respond(true)
    }
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Wraps every server-function call. On the way in it drops the `Referer`: leptos
/// and server_fn redirect a plain form post to it when the function set no location
/// of its own (and on an error), and the request controls it. On the way out a
/// server function's typed error becomes 400 (bad arguments), 503 with Retry-After
/// (the store or index will be back) or 500 (logged once), in plain words, never a
/// redirect carrying the error's text.
pub async fn answer_server_fn_errors(mut request: Request, next: Next) -> Response {
    request.headers_mut().remove(header::REFERER);
    let request_headers = request.headers().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let body = to_bytes(response.into_body(), MAX_ERROR_BODY_BYTES).await.unwrap_or_default();
    let refusal = HttpError::from(AppError::de(body));
    tracing::debug!(%path, "server function answered with an error");
    refusal.for_client(&request_headers)
}

/// A panic in a handler or while rendering a page (caught by tower-http's
/// CatchPanicLayer) is logged here and answered with the plain-words page, so the
/// visitor gets an answer instead of a dropped connection.
pub fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!("a request panicked: {message}");
    OUR_FAULT.page()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_arguments_are_the_callers_mistake_unavailable_will_pass_and_the_rest_is_ours() {
        use leptos::server_fn::error::ServerFnErrorErr;
        for mistake in [
            AppError::BadRequest("no article is called \"x\"".into()),
            AppError::ServerFn(ServerFnErrorErr::Args("expected a boolean".into())),
            AppError::ServerFn(ServerFnErrorErr::MissingArg("helpful".into())),
            AppError::ServerFn(ServerFnErrorErr::Deserialization("invalid UTF-8".into())),
        ] {
            assert_eq!(
                HttpError::from(mistake.clone()).words().status,
                StatusCode::BAD_REQUEST,
                "{mistake:?}"
            );
        }
        for passing in [AppError::StoreUnavailable, AppError::SearchUnavailable] {
            let error = HttpError::from(passing.clone());
            assert_eq!(error.words().status, StatusCode::SERVICE_UNAVAILABLE, "{passing:?}");
            assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
        }
        for fault in [
            AppError::ServerFn(ServerFnErrorErr::Response("bad header".into())),
            AppError::ServerFn(ServerFnErrorErr::MiddlewareError("x".into())),
        ] {
            assert_eq!(
                HttpError::from(fault.clone()).words().status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{fault:?}"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_page_is_complete_html_in_plain_words() {
        let response = OUR_FAULT.page();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        let html =
            String::from_utf8(to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>") && html.contains("<h1>Something went wrong on our side</h1>")
        );
        assert!(!html.contains("<script") && !html.contains("<style"), "{html}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_refusal_has_its_status_its_words_and_a_retry_after_when_it_will_pass() {
        let mut browser = HeaderMap::new();
        browser.insert(header::ACCEPT, HeaderValue::from_static("text/html,*/*"));
        let cases = [
            (HttpError::FormNotChecked, StatusCode::FORBIDDEN, None, "This form could not be checked"),
            (HttpError::FromAnotherSite, StatusCode::FORBIDDEN, None, "sent from another website"),
            (HttpError::TooLarge, StatusCode::PAYLOAD_TOO_LARGE, None, "too large to send"),
            (HttpError::TooSlow, StatusCode::REQUEST_TIMEOUT, None, "took too long to arrive"),
            (HttpError::NotYourRole, StatusCode::FORBIDDEN, None, "ask an admin to change your role"),
            (
                HttpError::SearchingTooFast { retry_after: Duration::from_millis(100) },
                StatusCode::TOO_MANY_REQUESTS,
                Some("1"),
                "searching very fast",
            ),
            (
                HttpError::PageUnavailable("the rendering thread stopped".into()),
                StatusCode::SERVICE_UNAVAILABLE,
                Some("5"),
                "could not be shown just now",
            ),
        ];
        for (error, status, retry_after, words) in cases {
            let described = error.to_string();
            let response = error.for_client(&browser);
            assert_eq!(response.status(), status, "{described}");
            let retry =
                response.headers().get(header::RETRY_AFTER).map(|value| value.to_str().unwrap().to_owned());
            assert_eq!(retry.as_deref(), retry_after, "{described}");
            let html = String::from_utf8(to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec())
                .unwrap();
            assert!(html.contains("<h1>") && html.contains(words), "{described}: {html}");
            assert!(!html.contains("rendering thread"), "the detail is logged, never shown: {html}");
        }
    }
}
