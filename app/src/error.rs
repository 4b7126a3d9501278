//! The one error type server functions answer with. It crosses the wire typed (as
//! JSON), so the server's error boundary can pick the status and the plain words
//! from what went wrong instead of from a message string.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The caller's mistake (a forged or stale form): the message says what was wrong.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The store could not answer; the server logged why where it happened.
    #[error("the store is unavailable")]
    StoreUnavailable,
    /// The search index could not answer; the server logged why where it happened.
    #[error("search is unavailable")]
    SearchUnavailable,
    /// Calling the server function itself failed (arguments, transport, encoding).
    #[error(transparent)]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    /// True when the caller sent something wrong, false when the fault is ours.
    pub fn is_callers_mistake(&self) -> bool {
        matches!(
            self,
            AppError::BadRequest(_)
                | AppError::ServerFn(
                    ServerFnErrorErr::Args(_)
                        | ServerFnErrorErr::MissingArg(_)
                        | ServerFnErrorErr::Deserialization(_)
                )
        )
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}
