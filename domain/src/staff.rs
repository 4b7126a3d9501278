//! Who staff are: the roles that open the agent console and the editors' pages.

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
