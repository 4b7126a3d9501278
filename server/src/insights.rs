//! Where self-service fails, for editors: daily rollups of searches, votes, task
//! errors and next-question clicks, kept current from the event log.

mod rollups;

pub use rollups::{DailyCounts, Day, Rollups, SearchCounts, VISIT_GAP_MS, normalise_query};
