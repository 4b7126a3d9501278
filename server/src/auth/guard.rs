//! Who may open what. The guard layer (`http/staff.rs`, on a route group in
//! `http/routes.rs`) asks [`decide`] for every request to a staff area and answers
//! with what it says, so the rule is one function for every staff group.

use telepath_app::staff::{RETURN_TO_PARAM, SignedInStaff};
use telepath_app::urls::{CONSOLE, EDITORS, STAFF_SIGN_IN};
use telepath_app::visitor::local_return_path;
use telepath_domain::StaffRole;

/// What the session check found for a request; the HTTP layer puts it in the
/// request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionCheck {
    SignedIn(SignedInStaff),
    /// No cookie, or one naming no live session.
    Anonymous,
    /// The store could not answer: neither in nor out is known.
    Unavailable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// To the sign-in page, which comes back to `location`'s `return_to`.
    SignInFirst {
        location: String,
    },
    WrongRole,
    Unavailable,
}

/// The guard's answer for a request to `path_and_query` that needs `needed`.
pub fn decide(check: &SessionCheck, needed: StaffRole, path_and_query: &str) -> Decision {
    match check {
        SessionCheck::SignedIn(staff) if staff.role.grants(needed) => Decision::Allow,
        SessionCheck::SignedIn(_) => Decision::WrongRole,
        SessionCheck::Unavailable => Decision::Unavailable,
        SessionCheck::Anonymous => Decision::SignInFirst { location: sign_in_location(path_and_query) },
    }
}

/// The sign-in page, asked to come back to `path_and_query` when that is a path
/// on this site (anything else is dropped, never followed).
pub fn sign_in_location(path_and_query: &str) -> String {
    match local_return_path(path_and_query) {
        Some(path) => {
            let query = serde_urlencoded::to_string([(RETURN_TO_PARAM, path)]).unwrap_or_default();
            format!("{STAFF_SIGN_IN}?{query}")
        }
        None => STAFF_SIGN_IN.to_owned(),
    }
}

/// Where a sign-in with no page to go back to lands: the editors' pages for those
/// who may see them, the agent console for agents.
pub fn landing_page(role: StaffRole) -> &'static str {
    if role.grants(StaffRole::Editor) { EDITORS } else { CONSOLE }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: StaffRole) -> SessionCheck {
        SessionCheck::SignedIn(SignedInStaff { id: 1, name: "Ana".into(), role })
    }

    #[test]
    fn each_role_opens_its_own_area_an_admin_opens_both_and_nobody_else_gets_in() {
        use StaffRole::{Admin, Agent, Editor};
        for (who, needed, expected) in [
            (staff(Editor), Editor, Decision::Allow),
            (staff(Admin), Editor, Decision::Allow),
            (staff(Agent), Editor, Decision::WrongRole),
            (staff(Agent), Agent, Decision::Allow),
            (staff(Admin), Agent, Decision::Allow),
            (staff(Editor), Agent, Decision::WrongRole),
            (SessionCheck::Unavailable, Agent, Decision::Unavailable),
        ] {
            assert_eq!(decide(&who, needed, "/editors"), expected, "{who:?} at {needed}");
        }
        assert_eq!(
            decide(&SessionCheck::Anonymous, Editor, "/editors/insights?week=12"),
            Decision::SignInFirst {
                location: "/staff/sign-in?return_to=%2Feditors%2Finsights%3Fweek%3D12".into()
            }
        );
    }

    #[test]
    fn the_way_back_is_only_ever_a_path_on_this_site() {
        assert_eq!(sign_in_location("/editors"), "/staff/sign-in?return_to=%2Feditors");
        for hostile in
            ["//evil.example", "https://evil.example/editors", "/\\evil.example", "/a\r\nSet-Cookie: x"]
        {
            assert_eq!(sign_in_location(hostile), "/staff/sign-in", "{hostile:?}");
        }
    }
}
