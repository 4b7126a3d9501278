use crate::backend::use_insights;
use crate::pages::meta::PageMeta;
use crate::pages::staff::{StaffBar, use_signed_in_staff};
use crate::urls;
use crate::wire::{EffortInsight, EffortInsights, INSIGHT_PERIODS, SearchInsight};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use telepath_domain::EFFORT_QUESTION;

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
            <InsightsTable caption="Searches followed by a chat in the same visit" csv=urls::insights_csv("followed-by-chat", days) headers=&["Search", "Times", "Then asked for a person"]>
                {none_yet(insights.followed_by_chat.is_empty(), 3)}
                {insights.followed_by_chat.into_iter().map(|row| view! {
                    <tr data-testid="followed-by-chat">
                        <td><a href=urls::search(&row.query)>{row.query.clone()}</a></td>
                        <td>{row.searched}</td><td>{row.followed_by_chat}</td>
                    </tr>
                }).collect_view()}
            </InsightsTable>
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
            <InsightsTable caption="Lists shown after each article and each sent task, and how often a link was followed" csv=urls::insights_csv("next-questions", days) headers=&["After", "Shown", "Followed", "Click-through"]>
                {none_yet(insights.next_questions.is_empty(), 4)}
                {insights.next_questions.into_iter().map(|row| view! {
                    <tr>
                        <td><a href=row.href>{row.title}</a></td>
                        <td>{row.shown}</td><td>{row.followed}</td><td>{format!("{}%", row.click_percent)}</td>
                    </tr>
                }).collect_view()}
            </InsightsTable>
        </section>

        <section aria-labelledby="deflection-heading" data-testid="insights-deflection">
            <h2 id="deflection-heading">"Self-service by topic"</h2>
            <p>"Visits that ended with a “yes” or a sent task without asking for a person, against those that asked (started a chat, left a message or opened “Contact support”), by the topic they started on."</p>
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

        <EffortSection days/>
    }
}

/// Customer effort, read from the store while the rest of the page is ready: by
/// touchpoint, by agent and by why chat was offered, on the current scale only.
#[component]
fn EffortSection(days: u32) -> impl IntoView {
    view! {
        <section aria-labelledby="effort-heading" data-testid="insights-effort">
            <h2 id="effort-heading">"Customer effort"</h2>
            <p>
                "Asked after every sent task and when a chat closes: “"{EFFORT_QUESTION}"” "
                "From 1 (very low effort) to 5 (very high effort); low effort is 1 or 2."
            </p>
            <Suspense>
                {move || Suspend::new(async move {
                    match use_insights().effort(days).await {
                        Ok(effort) => Either::Left(view! { <EffortTables days effort/> }),
                        Err(_) => Either::Right(view! {
                            <p class="muted" data-testid="effort-unavailable">"Effort scores could not be read just now. Reload the page in a minute."</p>
                        }),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EffortTables(days: u32, effort: EffortInsights) -> impl IntoView {
    const HEADERS: &[&str] = &[
        "Touchpoint",
        "Ratings",
        "Mean (1–5)",
        "Low effort (1–2)",
        "1 very low",
        "2 low",
        "3 medium",
        "4 high",
        "5 very high",
    ];
    let touchpoints: Vec<EffortInsight> = effort.tasks.into_iter().chain(effort.chat).collect();
    view! {
        <p class="muted" data-testid="effort-scale">
            {format!("Only answers to the current wording (scale version {}) are counted.", effort.scale_version)}
            {(effort.other_scale_ratings > 0).then(|| format!(
                " {} answers to an earlier wording in this period are left out, so the two are never mixed.",
                effort.other_scale_ratings
            ))}
        </p>
        {(!effort.tasks_chart_svg.is_empty()).then(|| view! {
            <figure class="chart">
                <div role="img" aria-label="How each task's effort ratings spread from very low to very high effort: the numbers are in the table below" inner_html=effort.tasks_chart_svg></div>
                <figcaption>"How each task's ratings spread, from 1 (very low effort) to 5 (very high effort)."</figcaption>
            </figure>
        })}
        <InsightsTable caption="Effort by touchpoint: each task, and chat" csv=urls::insights_csv("effort", days) headers=HEADERS>
            {none_yet(touchpoints.is_empty(), 9)}
            {touchpoints.into_iter().map(|row| view! { <EffortRow row/> }).collect_view()}
        </InsightsTable>
        <h3>"By agent"</h3>
        {if effort.agents.is_empty() {
            Either::Left(view! { <p class="muted">"Appears when live chat lands: each agent's chats, rated when they close."</p> })
        } else {
            Either::Right(view! {
                <InsightsTable caption="Effort by the agent who answered" csv=urls::insights_csv("effort", days) headers=HEADERS>
                    {effort.agents.into_iter().map(|row| view! { <EffortRow row/> }).collect_view()}
                </InsightsTable>
            })
        }}
        <h3>"By why chat was offered"</h3>
        {if effort.offer_reasons.is_empty() {
            Either::Left(view! { <p class="muted">"Appears when live chat lands: chats by the reason they were offered."</p> })
        } else {
            Either::Right(view! {
                <InsightsTable caption="Effort by why chat was offered" csv=urls::insights_csv("effort", days) headers=HEADERS>
                    {effort.offer_reasons.into_iter().map(|row| view! { <EffortRow row/> }).collect_view()}
                </InsightsTable>
            })
        }}
    }
}

#[component]
fn EffortRow(row: EffortInsight) -> impl IntoView {
    view! {
        <tr>
            <td>{match row.href {
                Some(href) => Either::Left(view! { <a href=href>{row.name}</a> }),
                None => Either::Right(row.name),
            }}</td>
            <td>{row.ratings}</td>
            <td>{row.mean_text}</td>
            <td>{format!("{}%", row.low_effort_percent)}</td>
            {row.counts.into_iter().map(|count| view! { <td>{count}</td> }).collect_view()}
        </tr>
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
