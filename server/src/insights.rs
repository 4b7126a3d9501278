//! Where self-service fails, for editors: daily rollups of searches, votes, task
//! errors and next-question clicks, kept current from the event log; a period's
//! report added up from them; its charts (SVG) and its tables as CSV.

pub mod charts;
pub mod csv;
mod report;
mod rollups;

pub use report::{FieldErrorRow, FixRow, NextQuestionRow, Period, Report, SearchRow, VoteRow, report};
pub use rollups::{DailyCounts, Day, Outcomes, Rollups, SearchCounts, VISIT_GAP_MS, normalise_query};
