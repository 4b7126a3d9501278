//! Staff sign-in over HTTP: the session check every request passes through, the
//! guard in front of staff areas, and the sign-in and sign-out form posts. The
//! sign-in page itself is a Leptos page (`app/src/pages/staff.rs`); both forms
//! carry the visitor's form token, which `csrf.rs` checks before these handlers run.

use super::error::HttpError;
use super::rate_limit::client_address;
use super::visitor::cookie_value;
use super::{AppState, read_form_body};
use crate::auth::guard::{Decision, SessionCheck, decide, landing_page};
use crate::auth::{AuthError, Password, SessionToken, StaffAuth};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use std::time::Duration;
use telepath_app::staff::{RETURN_TO_PARAM, SignInFormState, SignedInStaff};
use telepath_app::urls::STAFF_SIGN_IN;
use telepath_app::visitor::local_return_path;
use telepath_domain::StaffRole;

/// What the sign-in form shows again of the email typed: enough for any real one.
const KEPT_EMAIL_CHARS: usize = 254;

/// Reads the session cookie, if any, and puts what it found in the request's
/// extensions: a [`SessionCheck`] for the guard and, when signed in, the
/// [`SignedInStaff`] pages show. A cookie naming no live session (forged, expired,
/// signed out, its account disabled) is cleared on the response. A route layer on
/// the staff group, so only staff routes pay for the lookup.
pub async fn identify_staff(State(auth): State<StaffAuth>, mut request: Request, next: Next) -> Response {
    let cookie = cookie_value(&request, auth.cookie.name());
    let (check, stale) = match cookie.as_deref().map(SessionToken::parse) {
        None => (SessionCheck::Anonymous, false),
        Some(None) => (SessionCheck::Anonymous, true),
        Some(Some(token)) => match auth.session(&token).await {
            Ok(Some(session)) => {
                let staff = SignedInStaff {
                    id: session.account.id,
                    name: session.account.name,
                    role: session.account.role,
                };
                (SessionCheck::SignedIn(staff), false)
            }
            Ok(None) => (SessionCheck::Anonymous, true),
            Err(error) => {
                tracing::error!("checking a staff session failed: {error}");
                (SessionCheck::Unavailable, false)
            }
        },
    };
    if let SessionCheck::SignedIn(staff) = &check {
        request.extensions_mut().insert(staff.clone());
    }
    request.extensions_mut().insert(check);
    let mut response = next.run(request).await;
    let cookie_name = format!("{}=", auth.cookie.name());
    let sets_its_own = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|value| value.to_str().is_ok_and(|value| value.starts_with(&cookie_name)));
    if stale
        && !sets_its_own
        && let Ok(clear) = HeaderValue::from_str(&auth.cookie.clear())
    {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

/// The guard as a layer for a staff route group (see `routes.rs`):
/// `.route_layer(from_fn_with_state(RoleGuard(StaffRole::Agent), require_role))`,
/// inside [`identify_staff`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleGuard(pub StaffRole);

pub async fn require_role(
    State(RoleGuard(role)): State<RoleGuard>,
    request: Request,
    next: Next,
) -> Response {
    guard(role, request, next).await
}

/// Lets the request through if the session's role grants `role`; otherwise sends
/// it to sign in (and back), or refuses it in plain words. Nothing a guard answers
/// may be kept by a cache: it depends on who asked.
async fn guard(role: StaffRole, request: Request, next: Next) -> Response {
    // Without the session check (a router that forgot `identify_staff`) nobody is in.
    let check = request.extensions().get::<SessionCheck>().cloned().unwrap_or(SessionCheck::Anonymous);
    let path = request.uri().path_and_query().map_or("/", |path| path.as_str());
    let mut response = match decide(&check, role, path) {
        Decision::Allow => next.run(request).await,
        Decision::SignInFirst { location } => see_other(&location),
        Decision::WrongRole => HttpError::NotYourRole.for_client(request.headers()),
        Decision::Unavailable => HttpError::PageUnavailable("the staff session could not be checked".into())
            .for_client(request.headers()),
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn see_other(location: &str) -> Response {
    let location =
        HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static(STAFF_SIGN_IN));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// `POST /staff/sign-in`: a new session and back to the page asked for, or the
/// form again with the email kept and what went wrong.
pub async fn sign_in(State(state): State<AppState>, request: Request) -> Response {
    let previous =
        cookie_value(&request, state.staff.cookie.name()).and_then(|value| SessionToken::parse(&value));
    let client = client_address(&request);
    let (parts, body) = request.into_parts();
    let bytes = match read_form_body(body).await {
        Ok(bytes) => bytes,
        Err(refused) => return refused.for_client(&parts.headers),
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let field = |name: &str| {
        fields.iter().find(|(field, _)| field == name).map(|(_, value)| value.as_str()).unwrap_or_default()
    };
    let (email, return_to) = (field("email"), field(RETURN_TO_PARAM));
    let password = Password::new(field("password"));
    let outcome = state.staff.sign_in(email, password, client, previous).await;
    let mut response = match outcome {
        Ok(signed_in) => {
            let location = local_return_path(return_to).unwrap_or_else(|| landing_page(signed_in.staff.role));
            let mut response = see_other(location);
            if let Ok(cookie) = HeaderValue::from_str(&state.staff.cookie.set(&signed_in.token)) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(refused) => {
            let (status, message, retry_after) = refusal_words(&refused);
            let form = SignInFormState {
                email: email.chars().take(KEPT_EMAIL_CHARS).collect(),
                error: Some(message),
                return_to: local_return_path(return_to).unwrap_or_default().to_owned(),
            };
            let page = Request::from_parts(parts, Body::empty());
            let mut response = state.pages.render(page, move || provide_context(form.clone())).await;
            *response.status_mut() = status;
            if let Some(wait) = retry_after
                && let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What a refused sign-in says. An unknown email, a wrong password and a disabled
/// account get the same words and status, so the answer never tells which.
fn refusal_words(refused: &AuthError) -> (StatusCode, String, Option<Duration>) {
    match refused {
        AuthError::BadCredentials => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "That email and password do not match an active staff account. Check both and try again.".into(),
            None,
        ),
        AuthError::InvalidEmail(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter the email address of your staff account, like name@example.com.".into(),
            None,
        ),
        AuthError::Throttled { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many sign-in attempts. Wait {} and try again.", wait_in_words(*retry_after)),
            Some(*retry_after),
        ),
        fault => {
            tracing::error!("staff sign-in could not be checked: {fault}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Signing in is not possible just now. Please try again in a minute.".into(),
                Some(Duration::from_secs(60)),
            )
        }
    }
}

fn wait_in_words(wait: Duration) -> String {
    let seconds = wait.as_secs().max(1);
    match seconds {
        1 => "a second".into(),
        2..=90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

/// `POST /staff/sign-out`: ends the session, clears the cookie and says so on the
/// sign-in page. Signing out twice is fine; a store that cannot end the session is
/// said to, since the session would otherwise live on.
pub async fn sign_out(State(state): State<AppState>, request: Request) -> Response {
    let token =
        cookie_value(&request, state.staff.cookie.name()).and_then(|value| SessionToken::parse(&value));
    // An agent who signs out takes no more chats.
    if let Some(staff) = request.extensions().get::<SignedInStaff>()
        && let Err(error) = state.chat.presence.forget(staff.id).await
    {
        return HttpError::PageUnavailable(format!("signing out failed: {error}"))
            .for_client(request.headers());
    }
    if let Some(token) = token
        && let Err(error) = state.staff.sign_out(&token).await
    {
        return HttpError::PageUnavailable(format!("signing out failed: {error}"))
            .for_client(request.headers());
    }
    let mut response = see_other(&format!("{STAFF_SIGN_IN}?signed_out=yes"));
    if let Ok(clear) = HeaderValue::from_str(&state.staff.cookie.clear()) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_never_tell_an_unknown_email_from_a_wrong_password_and_waits_read_as_words() {
        let (status, words, retry) = refusal_words(&AuthError::BadCredentials);
        assert_eq!((status, retry), (StatusCode::UNPROCESSABLE_ENTITY, None));
        assert!(words.contains("do not match an active staff account"), "{words}");
        let (status, words, retry) =
            refusal_words(&AuthError::Throttled { retry_after: Duration::from_secs(240) });
        assert_eq!((status, retry), (StatusCode::TOO_MANY_REQUESTS, Some(Duration::from_secs(240))));
        assert!(words.contains("Wait 4 minutes"), "{words}");
        assert_eq!(wait_in_words(Duration::from_millis(300)), "a second");
        assert_eq!(wait_in_words(Duration::from_secs(30)), "30 seconds");
    }
}
