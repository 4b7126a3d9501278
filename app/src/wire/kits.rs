//! A welcome kit as its page shows it.

use serde::{Deserialize, Serialize};
use telepath_domain::{KitThing, Level};

/// A level's welcome kit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KitView {
    pub level: Level,
    pub title: String,
    pub intro: String,
    pub things: Vec<KitThing>,
    pub next_step_label: String,
    pub next_step_href: String,
}
