//! `/editors/insights.csv?table=…&days=…`: one insights table, every row, for a
//! spreadsheet.

use super::AppState;
use super::error::HttpError;
use crate::insights::{self, csv};
use crate::portal::last_days;
use crate::portal::views::day_text;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use telepath_app::error::AppError;
use telepath_app::wire::INSIGHT_PERIODS;
use telepath_domain::ListedPage;

#[derive(serde::Deserialize)]
pub struct TableQuery {
    table: String,
    days: Option<u32>,
}

pub async fn insights_csv(
    State(state): State<AppState>,
    Query(query): Query<TableQuery>,
    headers: HeaderMap,
) -> Response {
    let days = query.days.filter(|days| INSIGHT_PERIODS.contains(days)).unwrap_or(30);
    let report = insights::report(&state.portal.journeys.insights(), last_days(days));
    let number = |n: u32| n.to_string();
    let searches = |rows: Vec<&insights::SearchRow>| {
        let rows = rows.into_iter().map(|row| {
            vec![
                row.query.clone(),
                number(row.counts.searched),
                number(row.counts.without_results),
                number(row.not_clicked()),
                number(row.before),
            ]
        });
        csv::document(&["search", "times", "found nothing", "no result opened", "period before"], rows)
    };
    let document = match query.table.as_str() {
        "searches" => searches(report.searches.iter().collect()),
        "without-results" => searches(report.without_results().collect()),
        "without-clicks" => searches(report.without_clicks().collect()),
        "followed-by-chat" => csv::document(
            &["search", "times", "visits that then asked for a person"],
            report.followed_by_chat().map(|row| {
                vec![row.query.clone(), number(row.counts.searched), number(row.counts.followed_by_chat)]
            }),
        ),
        "searches-by-day" => csv::document(
            &["day", "searches", "found nothing"],
            report
                .searches_by_day
                .iter()
                .map(|(day, searched, failed)| vec![day_text(*day), number(*searched), number(*failed)]),
        ),
        "votes" => csv::document(
            &["article", "yes", "no"],
            report.votes.iter().map(|row| vec![row.slug.clone(), number(row.yes), number(row.no)]),
        ),
        "field-errors" => csv::document(
            &["task", "field", "errors"],
            report
                .field_errors
                .iter()
                .map(|row| vec![row.task.clone(), row.field.clone(), number(row.errors)]),
        ),
        "next-questions" => csv::document(
            &["after", "article or task", "shown", "followed"],
            report.next_questions.iter().map(|row| {
                let page = match row.from_page {
                    ListedPage::Article => "article",
                    ListedPage::Task => "task",
                };
                vec![page.to_owned(), row.from.clone(), number(row.shown), number(row.followed)]
            }),
        ),
        "suggested-fixes" => csv::document(
            &["search", "article", "visits"],
            report
                .suggested_fixes
                .iter()
                .map(|row| vec![row.query.clone(), row.slug.clone(), number(row.visits)]),
        ),
        "deflection" => csv::document(
            &["entry article", "served themselves", "asked for a person", "neither"],
            report.outcomes.iter().map(|(entry, o)| {
                vec![
                    entry.clone().unwrap_or_default(),
                    number(o.self_served),
                    number(o.asked_for_a_person),
                    number(o.neither),
                ]
            }),
        ),
        "effort" => match crate::portal::effort_report(state.portal.effort.as_ref(), last_days(days)).await {
            Ok(report) => effort_csv(&report),
            Err(error) => {
                tracing::error!("reading the effort ratings failed: {error}");
                return HttpError::from(AppError::StoreUnavailable).for_client(&headers);
            }
        },
        _ => return (StatusCode::NOT_FOUND, "There is no insights table by that name.").into_response(),
    };
    let file_name = format!("attachment; filename=\"telepath-{}-{days}-days.csv\"", query.table);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, file_name),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        document,
    )
        .into_response()
}

/// Every effort row of the current scale: tasks by id, all chats, agents by staff
/// account id, offer reasons by name.
fn effort_csv(report: &insights::EffortReport) -> String {
    let row = |touchpoint: &str, name: String, tally: &insights::EffortTally| {
        let mut cells = vec![
            touchpoint.to_owned(),
            name,
            tally.ratings().to_string(),
            tally.mean().map(|mean| format!("{mean:.2}")).unwrap_or_default(),
            format!("{:.0}", tally.low_effort_share() * 100.0),
        ];
        cells.extend(tally.counts.iter().map(u32::to_string));
        cells.push(report.scale_version.to_string());
        cells
    };
    let rows = report
        .tasks
        .iter()
        .map(|(task, tally)| row("task", task.clone(), tally))
        .chain(report.chat.iter().map(|tally| row("chat", "all chats".to_owned(), tally)))
        .chain(report.agents.iter().map(|(agent, tally)| {
            row("chat by agent", agent.map_or_else(|| "none".to_owned(), |id| id.to_string()), tally)
        }))
        .chain(
            report
                .offer_reasons
                .iter()
                .map(|(reason, tally)| row("chat by offer reason", reason.clone(), tally)),
        );
    csv::document(
        &[
            "touchpoint",
            "name",
            "ratings",
            "mean",
            "low effort (1-2) %",
            "1 very low",
            "2 low",
            "3 medium",
            "4 high",
            "5 very high",
            "scale version",
        ],
        rows,
    )
}
