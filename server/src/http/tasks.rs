//! Sending a task form: every field checked on the server whatever the browser did,
//! errors shown beside the fields with the input kept, a stored submission answered
//! with its reference.

use super::error::OUR_FAULT;
use super::{AppState, render_page};
use crate::portal::VisitorFacts;
use crate::store::NewSubmission;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use telepath_app::backend::VisitorId;
use telepath_app::visitor::local_return_path;
use telepath_app::wire::TaskFormState;
use telepath_domain::{EventKind, validate_fields};

/// The hidden field carrying the rendered form's one-time token.
pub const FORM_TOKEN_FIELD: &str = "_form";

pub async fn submit_task(
    State(state): State<AppState>,
    Path(task_id): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match super::read_form_body(body).await {
        Ok(bytes) => bytes,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let page_request = || Request::from_parts(parts.clone(), Body::empty());
    let snapshot = state.portal.content.snapshot();
    let Some(task) = snapshot.tasks.get(&task_id) else {
        return render_page(&state, TaskFormState::default(), page_request()).await;
    };

    // Malformed bodies decode as nothing sent: every required field then says so.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let token = pairs
        .iter()
        .find(|(name, _)| name == FORM_TOKEN_FIELD)
        .map(|(_, value)| value.clone())
        .filter(|value| value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()));
    let values: HashMap<String, String> = pairs
        .into_iter()
        .filter(|(name, _)| task.fields.iter().any(|field| &field.name == name))
        .map(|(name, value)| (name, value.trim().to_owned()))
        .collect();
    let visitor = parts.extensions.get::<VisitorId>().cloned().unwrap_or_else(|| VisitorId("unknown".into()));

    let errors = validate_fields(&task.fields, &values, &snapshot.site.zone().today());
    if !errors.is_empty() {
        let fields = errors.iter().map(|error| error.field.clone()).collect();
        let messages = errors.iter().map(|error| (error.field.clone(), error.message.clone())).collect();
        let event = EventKind::TaskValidationFailed { task: task_id.clone(), fields, messages };
        record(&state, &parts, &visitor, event).await;
        let form = TaskFormState { values, errors, form_error: None };
        let mut response = render_page(&state, form, page_request()).await;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }

    let submission = NewSubmission {
        task: task_id.clone(),
        visitor: visitor.0.clone(),
        fields: serde_json::to_value(&values).unwrap_or_default(),
        idempotency_key: token,
    };
    match state.portal.submissions.save(submission).await {
        Ok(stored) => {
            let event =
                EventKind::TaskSubmitted { task: task_id.clone(), reference: stored.reference.clone() };
            record(&state, &parts, &visitor, event).await;
            confirmation(&task_id, &stored.reference)
        }
        Err(error) => {
            tracing::error!(task = %task_id, "storing a task submission failed: {error}");
            let form = TaskFormState {
                values,
                errors: Vec::new(),
                form_error: Some(
                    "We couldn't send your request just now. Your answers are still here; please try again in a minute."
                        .into(),
                ),
            };
            let mut response = render_page(&state, form, page_request()).await;
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            response
        }
    }
}

/// Sends the visitor to the confirmation page. The location is checked before it is
/// built, like every redirect: a task's id is its file's name, and one that could
/// not be a path on this site is an editor's mistake to log, not a reason to panic.
fn confirmation(task_id: &str, reference: &str) -> Response {
    let location = telepath_app::urls::task_sent(task_id, reference);
    match local_return_path(&location).and_then(|location| HeaderValue::from_str(location).ok()) {
        Some(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        None => {
            tracing::error!(task = %task_id, %reference, "stored, but the task's id cannot be part of an address");
            OUR_FAULT.page()
        }
    }
}

async fn record(
    state: &AppState,
    request: &axum::http::request::Parts,
    visitor: &VisitorId,
    event: EventKind,
) {
    let facts = VisitorFacts::of(&request.headers, &request.extensions);
    // A failure is logged where it happened; the visitor's form is answered anyway.
    let _ = state.portal.for_request(facts).events.record(visitor, event).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_redirect_is_checked_before_it_is_built() {
        let sent = confirmation("change-address", "TP-ABCD-1234");
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        assert_eq!(sent.headers()[header::LOCATION], "/tasks/change-address/sent/TP-ABCD-1234");
        for unusable in ["change\u{1}address", "change\naddress", "/evil.example", "a\\b"] {
            let response = confirmation(unusable, "TP-ABCD-1234");
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{unusable:?}");
            assert!(response.headers().get(header::LOCATION).is_none(), "{unusable:?}");
        }
    }
}
