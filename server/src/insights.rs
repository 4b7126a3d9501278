//! Where self-service fails, for editors: daily rollups of searches, votes, task
//! errors and next-question clicks, kept current from the event log; a period's
//! report added up from them; customer effort, added up from the effort store;
//! their charts (SVG) and tables as CSV.

pub mod charts;
pub mod csv;
mod effort;
mod report;
mod rollups;

pub use effort::{EffortReport, EffortTally, effort_report};
pub use report::{FieldErrorRow, FixRow, NextQuestionRow, Period, Report, SearchRow, VoteRow, report};
pub use rollups::{DailyCounts, Day, Outcomes, Rollups, SearchCounts, VISIT_GAP_MS, normalise_query};
