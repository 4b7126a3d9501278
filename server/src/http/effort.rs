//! Answering the effort question on a task's confirmation: each score is a submit
//! button of a plain form, so one click answers it without JavaScript, and the
//! visitor lands back on the confirmation, which thanks them.

use super::error::{HttpError, OUR_FAULT};
use super::{AppState, render_page};
use crate::portal::VisitorFacts;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use telepath_app::backend::{EFFORT_SCORE_FIELD, VisitorId};
use telepath_app::visitor::local_return_path;
use telepath_app::wire::TaskFormState;
use telepath_domain::EffortScore;

pub async fn rate_task_effort(
    State(state): State<AppState>,
    Path((task, reference)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let score = match read_score(body).await {
        Ok(score) => score,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let visitor = parts.extensions.get::<VisitorId>().cloned().unwrap_or_else(|| VisitorId("unknown".into()));
    let effort = state.portal.for_request(VisitorFacts::of(&parts.headers, &parts.extensions)).effort;
    match effort.rate_task(&visitor, &task, &reference, score).await {
        Ok(Some(rated)) => back_to_confirmation(&task, &reference, rated.replaced.is_some()),
        // Someone else's request, or none: the confirmation's own 404, word for
        // word, so a reference cannot be probed by rating it.
        Ok(None) => {
            let mut page = Request::from_parts(parts, Body::empty());
            *page.method_mut() = Method::GET;
            page.headers_mut().remove(header::CONTENT_TYPE);
            page.headers_mut().remove(header::CONTENT_LENGTH);
            match telepath_app::urls::task_sent(&task, &reference).parse::<Uri>() {
                Ok(uri) => *page.uri_mut() = uri,
                Err(_) => return HttpError::BadAddress.for_client(page.headers()),
            }
            render_page(&state, TaskFormState::default(), page).await
        }
        Err(error) => HttpError::from(error).for_client(&parts.headers),
    }
}

/// `POST /chat/{conversation}/effort`: the effort question after an ended
/// conversation, answered from the chat page.
pub async fn rate_chat_effort(
    State(state): State<AppState>,
    Path(conversation): Path<i64>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let score = match read_score(body).await {
        Ok(score) => score,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let visitor = parts.extensions.get::<VisitorId>().cloned().unwrap_or_else(|| VisitorId("unknown".into()));
    let effort = state.portal.for_request(VisitorFacts::of(&parts.headers, &parts.extensions)).effort;
    match effort.rate_chat(&visitor, conversation, score).await {
        Ok(Some(rated)) => {
            let location = telepath_app::urls::chat_effort_answered(rated.replaced.is_some());
            match HeaderValue::from_str(&location) {
                Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
                Err(_) => OUR_FAULT.page(),
            }
        }
        Ok(None) => HttpError::NoSuchConversation.for_client(&parts.headers),
        Err(error) => HttpError::from(error).for_client(&parts.headers),
    }
}

/// The score a button of the effort question sent.
async fn read_score(body: Body) -> Result<EffortScore, HttpError> {
    let bytes = super::read_form_body(body).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let sent =
        pairs.iter().find(|(name, _)| name == EFFORT_SCORE_FIELD).map_or("", |(_, value)| value.as_str());
    sent.parse::<EffortScore>().map_err(HttpError::BadEffortScore)
}

/// Back to the confirmation, at the answer, saying whether it replaced an earlier one.
fn back_to_confirmation(task: &str, reference: &str, replaced: bool) -> Response {
    let location = telepath_app::urls::task_sent_effort_answered(task, reference, replaced);
    match local_return_path(&location).and_then(|location| HeaderValue::from_str(location).ok()) {
        Some(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        None => {
            tracing::error!(%task, %reference, "rated, but the task's id cannot be part of an address");
            OUR_FAULT.page()
        }
    }
}
