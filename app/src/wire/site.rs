//! The site as editors describe it in `content/site.toml`.

use serde::{Deserialize, Serialize};
use telepath_domain::Level;

/// Site-wide settings editors keep in `content/site.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteView {
    pub product_name: String,
    pub tagline: String,
    pub support_hours: String,
    pub support_time_zone: String,
    pub level_question: String,
    /// Newcomer, technical, expert, in that order.
    pub levels: Vec<LevelWording>,
}

impl SiteView {
    /// What the portal calls itself: in the header, every page title and link previews.
    pub fn help_centre_name(&self) -> String {
        format!("{} Help Centre", self.product_name)
    }
}

/// How the site offers one level to visitors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelWording {
    pub level: Level,
    pub choice: String,
    pub description: String,
}
