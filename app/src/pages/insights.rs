use crate::backend::use_insights;
use crate::pages::meta::PageMeta;
use crate::pages::staff::{StaffBar, use_signed_in_staff};
use crate::urls;
use crate::wire::{INSIGHT_PERIODS, SearchInsight};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Where self-service fails, in pictures and numbers: every chart has its table
/// (read by screen readers and people who prefer numbers) and a CSV download.
/// Long on purpose: one `view!` tree, section by section as an editor reads them.
#[component]
pub fn InsightsPage() -> impl IntoView {
    let asked = use_query_map().read_untracked().get("days").and_then(|days| days.parse::<u32>().ok());
    let days = asked.filter(|days| INSIGHT_PERIODS.contains(days)).unwrap_or(30);
    let insights = use_insights().insights(days);
    view! {
        <PageMeta title="Insights" description="Where people get stuck in the help centre, and what to write next."/>
        {use_signed_in_staff().map(|staff| view! { <StaffBar staff/> })}
        <h1>"Insights"</h1>
        <p class="lede">{format!("Where self-service worked and where it failed, {}.", insights.period_text)}</p>
        <nav class="period-choice" aria-label="Period">
            {INSIGHT_PERIODS
                .into_iter()
                .map(|period| {
                    let current = (period == days).then_some("page");
                    view! { <a href=urls::insights(period) aria-current=current>{format!("Last {period} days")}</a> }
                })
                .collect_view()}
        </nav>

        <section aria-labelledby="searches-heading" data-testid="insights-searches">
            <h2 id="searches-heading">"Searches"</h2>
            <figure class="chart">
                <div role="img" aria-label="Searches per day, and those that found nothing: the numbers are in the table below" inner_html=insights.searches_chart_svg></div>
                <figcaption>"Searches per day, beside those that found nothing."</figcaption>
            </figure>
            <details>
                <summary>"Searches per day as a table"</summary>
                <InsightsTable caption="Searches per day" csv=urls::insights_csv("searches-by-day", days) headers=&["Day", "Searches", "Found nothing"]>
                    {insights.searches_by_day.into_iter().map(|(day, searched, failed)| view! {
                        <tr><td>{day}</td><td>{searched}</td><td>{failed}</td></tr>
                    }).collect_view()}
                </InsightsTable>
            </details>
            <SearchTable caption="Top searches" table="searches" days rows=insights.top_searches/>
            <SearchTable caption="Searches that found nothing: content to write" table="without-results" days rows=insights.without_results/>
            <SearchTable caption="Searches whose results nobody opened" table="without-clicks" days rows=insights.without_clicks/>
        </section>

        <section aria-labelledby="fixes-heading" data-testid="insights-fixes">
            <h2 id="fixes-heading">"Suggested fixes"</h2>
            <p>
                "People who searched for these found nothing, then ended up on an article that helped. Add the line to the article's front matter so search finds it. "
                <a href=urls::insights_csv("suggested-fixes", days)>"(CSV)"</a>
            </p>
            {if insights.suggested_fixes.is_empty() {
                view! { <p class="muted">"No suggestions in this period yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="fix-list">
                        {insights.suggested_fixes.into_iter().map(|fix| view! {
                            <li>
                                "People searching “"{fix.query}"” ended up on "
                                <a href=urls::article(&fix.slug)>{fix.title}</a>
                                {format!(" ({} visits). Add: ", fix.visits)}<code>{fix.front_matter_line}</code>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>

        <section aria-labelledby="votes-heading" data-testid="insights-votes">
            <h2 id="votes-heading">"Was this helpful?"</h2>
            <figure class="chart">
                <div role="img" aria-label="Share of yes answers for the least helpful articles: the numbers are in the table below" inner_html=insights.votes_chart_svg></div>
                <figcaption>"Share of “yes” for the least helpful articles."</figcaption>
            </figure>
            <InsightsTable caption="Articles, least helpful first" csv=urls::insights_csv("votes", days) headers=&["Article", "Yes", "No", "Helpful"]>
                {none_yet(insights.votes.is_empty(), 4)}
                {insights.votes.into_iter().map(|vote| view! {
                    <tr>
                        <td><a href=urls::article(&vote.slug)>{vote.title}</a></td>
                        <td>{vote.yes}</td><td>{vote.no}</td>
                        <td>{format!("{}% of {}", vote.helpful_percent, vote.yes + vote.no)}</td>
                    </tr>
                }).collect_view()}
            </InsightsTable>
        </section>

        <section aria-labelledby="tasks-heading" data-testid="insights-tasks">
            <h2 id="tasks-heading">"Task errors"</h2>
            <InsightsTable caption="Forms sent back, by field" csv=urls::insights_csv("field-errors", days) headers=&["Task", "Field", "Errors", "Mistake it matches"]>
                {none_yet(insights.field_errors.is_empty(), 4)}
                {insights.field_errors.into_iter().map(|row| view! {
                    <tr>
                        <td><a href=urls::task(&row.task)>{row.task_title}</a></td>
                        <td>{row.field_label}</td><td>{row.errors}</td>
                        <td>{row.mistake.unwrap_or_else(|| "—".to_owned())}</td>
                    </tr>
                }).collect_view()}
            </InsightsTable>
        </section>

        <section aria-labelledby="next-heading" data-testid="insights-next-questions">
            <h2 id="next-heading">"People usually ask next"</h2>
            <InsightsTable caption="Lists shown after each article, and how often a link was followed" csv=urls::insights_csv("next-questions", days) headers=&["After", "Shown", "Followed", "Click-through"]>
                {none_yet(insights.next_questions.is_empty(), 4)}
                {insights.next_questions.into_iter().map(|row| view! {
                    <tr>
                        <td><a href=urls::article(&row.slug)>{row.title}</a></td>
                        <td>{row.shown}</td><td>{row.followed}</td><td>{format!("{}%", row.click_percent)}</td>
                    </tr>
                }).collect_view()}
            </InsightsTable>
        </section>

        <section aria-labelledby="deflection-heading" data-testid="insights-deflection">
            <h2 id="deflection-heading">"Self-service by topic"</h2>
            <p>"Visits that ended with a “yes” or a sent task without asking for a person, against those that asked (opened “Contact support”; live chat will count here once it exists), by the topic they started on."</p>
            <InsightsTable caption="Visits by how they ended" csv=urls::insights_csv("deflection", days) headers=&["Started on", "Served themselves", "Asked for a person", "Neither", "Self-served"]>
                {none_yet(insights.deflection.is_empty(), 5)}
                {insights.deflection.into_iter().map(|row| view! {
                    <tr>
                        <td>{row.topic}</td><td>{row.self_served}</td><td>{row.asked_for_a_person}</td><td>{row.neither}</td>
                        <td>{format!("{}%", row.self_served_percent)}</td>
                    </tr>
                }).collect_view()}
            </InsightsTable>
        </section>

        <section aria-labelledby="effort-heading">
            <h2 id="effort-heading">"Customer effort"</h2>
            <p class="muted">"Effort scores by task, chat and agent appear here once live chat and the effort question are in place."</p>
        </section>
    }
}

/// One table of searches with its CSV download.
#[component]
fn SearchTable(
    caption: &'static str,
    table: &'static str,
    days: u32,
    rows: Vec<SearchInsight>,
) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <InsightsTable caption csv=urls::insights_csv(table, days) headers=&["Search", "Times", "Found nothing", "No result opened", "Period before"]>
            {none_yet(empty, 5)}
            {rows.into_iter().map(|row| view! {
                <tr>
                    <td><a href=urls::search(&row.query)>{row.query.clone()}</a></td>
                    <td>{row.searched}</td><td>{row.without_results}</td><td>{row.not_clicked}</td><td>{row.before}</td>
                </tr>
            }).collect_view()}
        </InsightsTable>
    }
}

/// A captioned table of numbers in a scroll box the keyboard reaches, with the
/// download of all its rows as CSV.
#[component]
fn InsightsTable(
    caption: &'static str,
    csv: String,
    headers: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=caption>
            <table class="insights-table">
                <caption>{caption}" "<a href=csv>"(CSV)"</a></caption>
                <thead><tr>{headers.iter().map(|header| view! { <th scope="col">{*header}</th> }).collect_view()}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// The row an empty table shows, so it never looks broken.
fn none_yet(empty: bool, columns: u8) -> impl IntoView {
    empty.then(|| view! { <tr><td colspan=columns class="muted">"None in this period."</td></tr> })
}
