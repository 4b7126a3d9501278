use crate::backend::use_insights;
use crate::pages::meta::PageMeta;
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
                <div class="table-scroll" tabindex="0" role="region" aria-label="Searches per day">
                    <table class="insights-table">
                        <thead><tr><th scope="col">"Day"</th><th scope="col">"Searches"</th><th scope="col">"Found nothing"</th></tr></thead>
                        <tbody>
                            {insights.searches_by_day.into_iter().map(|(day, searched, failed)| view! {
                                <tr><td>{day}</td><td>{searched}</td><td>{failed}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
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
            <div class="table-scroll" tabindex="0" role="region" aria-label="Article helpfulness">
                <table class="insights-table">
                    <caption>"Articles, least helpful first " <a href=urls::insights_csv("votes", days)>"(CSV)"</a></caption>
                    <thead><tr><th scope="col">"Article"</th><th scope="col">"Yes"</th><th scope="col">"No"</th><th scope="col">"Helpful"</th></tr></thead>
                    <tbody>
                        {none_yet(insights.votes.is_empty(), 4)}
                        {insights.votes.into_iter().map(|vote| view! {
                            <tr>
                                <td><a href=urls::article(&vote.slug)>{vote.title}</a></td>
                                <td>{vote.yes}</td><td>{vote.no}</td>
                                <td>{format!("{}% of {}", vote.helpful_percent, vote.yes + vote.no)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>

        <section aria-labelledby="tasks-heading" data-testid="insights-tasks">
            <h2 id="tasks-heading">"Task errors"</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Task errors by field">
                <table class="insights-table">
                    <caption>"Forms sent back, by field " <a href=urls::insights_csv("field-errors", days)>"(CSV)"</a></caption>
                    <thead><tr><th scope="col">"Task"</th><th scope="col">"Field"</th><th scope="col">"Errors"</th><th scope="col">"Mistake it matches"</th></tr></thead>
                    <tbody>
                        {none_yet(insights.field_errors.is_empty(), 4)}
                        {insights.field_errors.into_iter().map(|row| view! {
                            <tr>
                                <td><a href=urls::task(&row.task)>{row.task_title}</a></td>
                                <td>{row.field_label}</td><td>{row.errors}</td>
                                <td>{row.mistake.unwrap_or_else(|| "—".to_owned())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>

        <section aria-labelledby="next-heading" data-testid="insights-next-questions">
            <h2 id="next-heading">"People usually ask next"</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Next-question click-through">
                <table class="insights-table">
                    <caption>"Lists shown after each article, and how often a link was followed " <a href=urls::insights_csv("next-questions", days)>"(CSV)"</a></caption>
                    <thead><tr><th scope="col">"After"</th><th scope="col">"Shown"</th><th scope="col">"Followed"</th><th scope="col">"Click-through"</th></tr></thead>
                    <tbody>
                        {none_yet(insights.next_questions.is_empty(), 4)}
                        {insights.next_questions.into_iter().map(|row| view! {
                            <tr>
                                <td><a href=urls::article(&row.slug)>{row.title}</a></td>
                                <td>{row.shown}</td><td>{row.followed}</td><td>{format!("{}%", row.click_percent)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>

        <section aria-labelledby="deflection-heading" data-testid="insights-deflection">
            <h2 id="deflection-heading">"Self-service by topic"</h2>
            <p>"Visits that ended with a “yes” or a sent task without asking for a person, against those that asked (opened “Contact support”; live chat will count here once it exists), by the topic they started on."</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Self-service by topic">
                <table class="insights-table">
                    <caption>"Visits by how they ended " <a href=urls::insights_csv("deflection", days)>"(CSV)"</a></caption>
                    <thead><tr><th scope="col">"Started on"</th><th scope="col">"Served themselves"</th><th scope="col">"Asked for a person"</th><th scope="col">"Neither"</th><th scope="col">"Self-served"</th></tr></thead>
                    <tbody>
                        {none_yet(insights.deflection.is_empty(), 5)}
                        {insights.deflection.into_iter().map(|row| view! {
                            <tr>
                                <td>{row.topic}</td><td>{row.self_served}</td><td>{row.asked_for_a_person}</td><td>{row.neither}</td>
                                <td>{format!("{}%", row.self_served_percent)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
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
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=caption>
            <table class="insights-table" data-testid=format!("insights-{table}")>
                <caption>{caption}" "<a href=urls::insights_csv(table, days)>"(CSV)"</a></caption>
                <thead><tr><th scope="col">"Search"</th><th scope="col">"Times"</th><th scope="col">"Found nothing"</th><th scope="col">"No result opened"</th><th scope="col">"Period before"</th></tr></thead>
                <tbody>
                    {if rows.is_empty() {
                        view! { <tr><td colspan="5" class="muted">"None in this period."</td></tr> }.into_any()
                    } else {
                        rows.into_iter().map(|row| view! {
                            <tr>
                                <td><a href=urls::search(&row.query)>{row.query.clone()}</a></td>
                                <td>{row.searched}</td><td>{row.without_results}</td><td>{row.not_clicked}</td><td>{row.before}</td>
                            </tr>
                        }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// The row an empty table shows, so it never looks broken.
fn none_yet(empty: bool, columns: u8) -> impl IntoView {
    empty.then(|| view! { <tr><td colspan=columns class="muted">"None in this period."</td></tr> })
}
