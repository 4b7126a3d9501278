use super::VisitorId;
use crate::error::AppError;
use crate::wire::{SearchPage, SearchQuery, Suggestions};
use telepath_domain::Level;

pub trait SearchService: Send + Sync + 'static {
    /// Runs a search for `visitor`; a search that finds nothing is recorded.
    /// `Err(SearchUnavailable)` when the index cannot answer: the page then says so
    /// (503), and nothing is recorded, since a search that could not run found no
    /// gap in the content.
    fn search(
        &self,
        visitor: Option<VisitorId>,
        level: Option<Level>,
        query: SearchQuery,
    ) -> Result<SearchPage, AppError>;
    /// The best few articles for a query typed so far; never recorded.
    fn suggest(&self, level: Option<Level>, query: &str) -> Suggestions;
}
