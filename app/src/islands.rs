//! The interactive parts of pages. Only these are compiled to WebAssembly; each works
//! as a plain HTML form first. The agent console's two are compiled only into the
//! staff pages' bundle (`console-islands`), so customers never download them.

use leptos::prelude::*;

#[cfg(any(feature = "ssr", feature = "console-islands"))]
mod console_live;
mod feedback;
mod kit_checklist;
mod level_question;
mod notice_banner;
#[cfg(any(feature = "ssr", feature = "console-islands"))]
mod queue_watch;
mod search_box;
mod task_form;

#[cfg(feature = "ssr")]
pub use console_live::{ConsoleLive, MessageItem, NOW_ON_ID, REPLY_FORM_ID, REPLY_TEXT_ID};
#[cfg(feature = "ssr")]
pub use feedback::{ArticleFeedback, NextAnswer};
#[cfg(feature = "ssr")]
pub use kit_checklist::{KitChecklist, KitTick};
#[cfg(feature = "ssr")]
pub use level_question::{ChooseLevel, LevelQuestion};
#[cfg(feature = "ssr")]
pub use notice_banner::NoticeBanner;
#[cfg(feature = "ssr")]
pub use queue_watch::QueueWatch;
#[cfg(feature = "ssr")]
pub use search_box::SearchBox;
#[cfg(feature = "ssr")]
pub use task_form::TaskFormChecks;

/// The value of an island root's `data-hydrated`: "no" in the server's HTML, "yes"
/// once the island runs in the browser (effects never run during server rendering),
/// so browser tests can wait for the island instead of guessing.
fn hydration_marker() -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    move || if hydrated.get() { "yes" } else { "no" }
}
