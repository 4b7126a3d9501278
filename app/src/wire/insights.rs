//! Editors' insights as the page shows them: each chart with its numbers beside it.

use serde::{Deserialize, Serialize};

/// Periods an editor can pick, in days.
pub const INSIGHT_PERIODS: [u32; 3] = [7, 30, 90];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InsightsView {
    pub days: u32,
    /// "25 Nov – 1 Dec 2026".
    pub period_text: String,
    /// Server-rendered SVG: searches per day, with those that found nothing.
    pub searches_chart_svg: String,
    /// Per day: (day, searches, without results), for the table beside the chart.
    pub searches_by_day: Vec<(String, u32, u32)>,
    pub top_searches: Vec<SearchInsight>,
    pub without_results: Vec<SearchInsight>,
    pub without_clicks: Vec<SearchInsight>,
    /// Searches whose visits then asked for a person, the most first.
    pub followed_by_chat: Vec<SearchInsight>,
    /// Server-rendered SVG: the share of "yes" for the least helpful articles.
    pub votes_chart_svg: String,
    pub votes: Vec<VoteInsight>,
    pub field_errors: Vec<FieldErrorInsight>,
    pub next_questions: Vec<NextQuestionInsight>,
    pub suggested_fixes: Vec<FixInsight>,
    /// How visits ended, by the topic (category) they entered on, most visits first.
    pub deflection: Vec<DeflectionInsight>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeflectionInsight {
    pub topic: String,
    pub self_served: u32,
    pub asked_for_a_person: u32,
    pub neither: u32,
    /// Whole percent of the visits that served themselves.
    pub self_served_percent: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchInsight {
    pub query: String,
    pub searched: u32,
    pub without_results: u32,
    pub not_clicked: u32,
    /// Visits that searched this and then started a chat or left a message.
    pub followed_by_chat: u32,
    /// Searches in the period before, for the trend.
    pub before: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VoteInsight {
    pub slug: String,
    pub title: String,
    pub yes: u32,
    pub no: u32,
    /// Whole percent of "yes".
    pub helpful_percent: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldErrorInsight {
    pub task: String,
    pub task_title: String,
    pub field_label: String,
    pub errors: u32,
    /// The mistake from the task's guide about this field, if one names it.
    pub mistake: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextQuestionInsight {
    /// The article, or the form of the task whose confirmation showed the list.
    pub href: String,
    /// The article's title, or "Sent: " and the task's.
    pub title: String,
    pub shown: u32,
    pub followed: u32,
    /// Whole percent of lists shown whose link was followed.
    pub click_percent: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FixInsight {
    pub query: String,
    pub slug: String,
    pub title: String,
    pub visits: u32,
    /// The line to add to the article's front matter so search finds it.
    pub front_matter_line: String,
}

/// Customer effort over a period, on one scale version: each touchpoint's ratings
/// beside the chart of how they spread.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EffortInsights {
    /// The scale summarised: the current one (`telepath_domain::EFFORT_SCALE_VERSION`).
    pub scale_version: u32,
    /// Ratings in the period given on other versions of the scale, left out.
    pub other_scale_ratings: u32,
    /// Server-rendered SVG: how each task's ratings spread over the five scores.
    pub tasks_chart_svg: String,
    /// Each task rated in the period, most ratings first.
    pub tasks: Vec<EffortInsight>,
    /// Every chat together; `None` until a chat is rated.
    pub chat: Option<EffortInsight>,
    /// Chats by the agent who answered, most ratings first.
    pub agents: Vec<EffortInsight>,
    /// Chats by why chat was offered, most ratings first.
    pub offer_reasons: Vec<EffortInsight>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffortInsight {
    /// A task's title, an agent's name, an offer reason.
    pub name: String,
    /// Where the name links to (a task's page), if anywhere.
    pub href: Option<String>,
    pub ratings: u32,
    /// The mean score, one decimal: "2.4".
    pub mean_text: String,
    /// Whole percent of ratings of 1 or 2.
    pub low_effort_percent: u32,
    /// Ratings of 1 to 5: `counts[0]` is the number of 1s.
    pub counts: [u32; 5],
}
