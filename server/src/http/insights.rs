//! `/editors/insights.csv?table=…&days=…`: one insights table, every row, for a
//! spreadsheet.

use super::AppState;
use crate::insights::{self, Period, csv};
use crate::portal::views::day_text;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use telepath_app::wire::INSIGHT_PERIODS;

#[derive(serde::Deserialize)]
pub struct TableQuery {
    table: String,
    days: Option<u32>,
}

pub async fn insights_csv(State(state): State<AppState>, Query(query): Query<TableQuery>) -> Response {
    let days = query.days.filter(|days| INSIGHT_PERIODS.contains(days)).unwrap_or(30);
    let today = crate::store::Clock::now_ms(&crate::store::SystemClock).div_euclid(86_400_000);
    let report = insights::report(&state.portal.journeys.insights(), Period { last_day: today, days });
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
            &["after article", "shown", "followed"],
            report
                .next_questions
                .iter()
                .map(|row| vec![row.from.clone(), number(row.shown), number(row.followed)]),
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
