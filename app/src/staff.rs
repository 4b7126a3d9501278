//! Staff as the pages see them: who is signed in (with a role from
//! `telepath_domain::StaffRole`), and what the sign-in form shows again after a
//! refused attempt. The server decides all of it; pages only read it from the request.

use telepath_domain::StaffRole;

/// The sign-in page's query parameter naming the page to go back to.
pub const RETURN_TO_PARAM: &str = "return_to";

/// The staff member making the current request, which the server puts in the
/// request's extensions when the session cookie names a live session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedInStaff {
    /// The staff account: what the agent console records as who answered.
    pub id: i64,
    pub name: String,
    pub role: StaffRole,
}

/// What the sign-in page shows again after a refused attempt: the email as typed
/// (never the password), why, in plain words, and the page to go back to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignInFormState {
    pub email: String,
    pub error: Option<String>,
    pub return_to: String,
}
