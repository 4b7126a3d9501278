//! Staff as the pages see them: the roles, who is signed in, and what the sign-in
//! form shows again after a refused attempt. The server decides all of it; pages
//! only read it from the request.

/// The sign-in page's query parameter naming the page to go back to.
pub const RETURN_TO_PARAM: &str = "return_to";

/// What a staff account may do. An agent takes chats; an editor sees the editors'
/// pages and insights; an admin is both and manages staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StaffRole {
    Agent,
    Editor,
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 3] = [StaffRole::Agent, StaffRole::Editor, StaffRole::Admin];

    /// The stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Agent => "agent",
            StaffRole::Editor => "editor",
            StaffRole::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether this role opens what `needed` guards: an admin opens everything.
    pub fn grants(self, needed: StaffRole) -> bool {
        self == needed || self == StaffRole::Admin
    }
}

impl std::fmt::Display for StaffRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The staff member making the current request, which the server puts in the
/// request's extensions when the session cookie names a live session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedInStaff {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_an_admin_opens_everything() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
            assert!(StaffRole::Admin.grants(role));
            assert!(role.grants(role));
        }
        assert!(!StaffRole::Agent.grants(StaffRole::Editor));
        assert!(!StaffRole::Editor.grants(StaffRole::Agent));
        assert!(!StaffRole::Editor.grants(StaffRole::Admin));
        assert_eq!(StaffRole::parse("Admin"), None);
        assert_eq!(StaffRole::parse(""), None);
    }
}
