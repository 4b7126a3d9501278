//! The interactive parts of pages. Only these are compiled to WebAssembly; each works
//! as a plain HTML form first.

mod feedback;
mod kit_checklist;
mod level_question;
mod notice_banner;
mod search_box;
mod task_form;

#[cfg(feature = "ssr")]
pub use feedback::ArticleFeedback;
#[cfg(feature = "ssr")]
pub use kit_checklist::KitChecklist;
#[cfg(feature = "ssr")]
pub use level_question::{ChooseLevel, LevelQuestion};
#[cfg(feature = "ssr")]
pub use notice_banner::NoticeBanner;
#[cfg(feature = "ssr")]
pub use search_box::SearchBox;
#[cfg(feature = "ssr")]
pub use task_form::TaskFormChecks;
