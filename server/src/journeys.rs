//! What visitors do on their way through the help centre, and what the portal
//! learns from it: the recorder (events off the request's critical path), visits
//! (journeys cut by 30 quiet minutes), the next-question model, the blend with the
//! editors' picks, and an honest evaluation on held-out journeys.

pub mod blend;
pub mod evaluate;
mod live;
pub mod model;
mod recorder;
pub mod synthetic;
pub mod visits;

pub use live::{JourneyKnowledge, Learned};
pub use recorder::{EVENT_QUEUE_CAPACITY, EventRecorder};
