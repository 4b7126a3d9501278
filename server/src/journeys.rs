//! What visitors do on their way through the help centre, recorded for the
//! next-question learning: the recorder today, the model beside it later.

mod recorder;

pub use recorder::{EVENT_QUEUE_CAPACITY, EventRecorder};
