//! Telepath's vocabulary, in one place both crates import: what content, pages,
//! the store and the browser all mean by a level, an article's kind, a task field
//! and its rules, a notice and its audience, a welcome kit and its pictures, an event, when live
//! chat is offered and the hours support answers in, an effort score. No Leptos,
//! no server: it compiles for the browser as it is.

#![forbid(unsafe_code)]

pub mod article;
pub mod chat;
pub mod chat_offer;
pub mod effort;
pub mod event;
pub mod guidance;
pub mod kit;
pub mod level;
pub mod notice;
pub mod picture;
pub mod staff;
pub mod support_hours;
pub mod task;

pub use article::{BodyPart, LevelSection};
pub use chat::{ConversationState, MessageProblem, Resolution, Side};
pub use chat_offer::{OfferReason, offer_reasons};
pub use effort::{
    EFFORT_LABELS, EFFORT_QUESTION, EFFORT_SCALE_VERSION, EffortScore, EffortScoreError, Touchpoint,
};
pub use event::{EventKind, ListedPage, PageType};
pub use kit::{KIT_THINGS, KitThing, MediaRef, VideoRef};
pub use level::{ArticleKind, LEVELS, Level, VISITOR_LEVELS};
pub use notice::{Audience, Notice, NoticePlace, NoticeState, Severity};
pub use picture::PictureDigest;
pub use staff::StaffRole;
pub use support_hours::{HoursError, OpeningHours, SupportHours};
pub use task::{
    FieldError, FieldKind, FieldSpec, Mistake, MistakeCheck, MistakeRule, TASK_MISTAKES, validate_fields,
};
