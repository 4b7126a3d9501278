//! The body of an article: shared by all, or written per level.

use crate::level::Level;
use serde::{Deserialize, Serialize};

/// A piece of an article body: shared by all, or written per level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BodyPart {
    /// Sanitised HTML for everyone.
    Shared(String),
    /// The same point at different depths; the visitor's level is shown first.
    ByLevel(Vec<LevelSection>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelSection {
    pub level: Level,
    /// Sanitised HTML.
    pub html: String,
}
