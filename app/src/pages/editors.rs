use crate::backend::use_content;
use crate::pages::meta::PageMeta;
use crate::pages::notices::now_unix;
use crate::pages::staff::{StaffBar, use_signed_in_staff};
use crate::wire::{DiagnosticView, FileWithErrors, count};
use leptos::prelude::*;
use telepath_domain::notice::order_notices_for_editors;
use telepath_domain::{Notice, NoticeState};

/// What content editors need after saving: every problem, located like a compiler
/// error, and which articles are still served from their last good version.
#[component]
pub fn EditorsPage() -> impl IntoView {
    let report = use_content().content_report();
    let summary = format!(
        "{} in {}: {}, {}",
        count(report.articles, "article", "articles"),
        count(report.categories, "category", "categories"),
        count(report.errors, "error", "errors"),
        count(report.warnings, "warning", "warnings"),
    );
    let clean = report.diagnostics.is_empty();
    view! {
        <PageMeta title="Content status" description="Problems in the help centre's content files, and every notice with its state."/>
        {use_signed_in_staff().map(|staff| view! { <StaffBar staff/> })}
        <h1>"Content status"</h1>
        <p class="lede" data-testid="content-summary">{summary}</p>
        {(!report.files_with_errors.is_empty()).then(|| view! { <FilesWithErrors files=report.files_with_errors/> })}
        {if clean {
            view! { <p class="callout tip">"Everything checks out. Customers see exactly what is in content/."</p> }.into_any()
        } else {
            view! { <DiagnosticList diagnostics=report.diagnostics/> }
            .into_any()
        }}
        <NoticeStates notices=use_content().notices()/>
    }
}

/// What customers see of each file with errors until it is fixed.
#[component]
fn FilesWithErrors(files: Vec<FileWithErrors>) -> impl IntoView {
    view! {
        <div class="callout warning" data-testid="files-with-errors">
            <p>"Fix the errors below and save; the change goes live within a second. Meanwhile:"</p>
            <ul class="files-with-errors">
                {files
                    .into_iter()
                    .map(|file| {
                        let (state, outcome) = if file.last_good_live {
                            ("last-good", "the last good version is still live")
                        } else {
                            ("not-published", "not published")
                        };
                        view! {
                            <li data-file-state=state>
                                <code>{file.path}</code>": "<strong>{outcome}</strong>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// Every notice with whether customers see it now, will see it, or no longer do.
#[component]
fn NoticeStates(mut notices: Vec<Notice>) -> impl IntoView {
    let now = now_unix();
    order_notices_for_editors(&mut notices);
    view! {
        <h2 id="notice-states-heading">"Notices"</h2>
        // The table is wider than a phone and scrolls in its box, which the keyboard
        // must be able to reach and scroll (axe: scrollable-region-focusable).
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="notice-states-heading" data-testid="notice-states-scroll">
            <table class="notice-states" data-testid="notice-states">
                <thead>
                    <tr><th scope="col">"Notice"</th><th scope="col">"State"</th><th scope="col">"Shown"</th><th scope="col">"Where"</th></tr>
                </thead>
                <tbody>
                    {notices
                        .into_iter()
                        .map(|notice| {
                            let state = match notice.state_at(now) {
                                NoticeState::Scheduled => "Scheduled",
                                NoticeState::Current => "Showing now",
                                NoticeState::Expired => "Ended",
                            };
                            let audience = &notice.audience;
                            let mut places: Vec<String> = Vec::new();
                            places.extend(audience.levels.iter().map(|level| format!("level {level}")));
                            places.extend(audience.categories.iter().map(|category| format!("category {category}")));
                            places.extend(audience.tasks.iter().map(|task| format!("task {task}")));
                            places.extend(audience.paths.iter().cloned());
                            let places = if places.is_empty() { "every page".to_owned() } else { places.join(", ") };
                            view! {
                                <tr data-notice=notice.id.clone()>
                                    <td>
                                        <span class=format!("badge severity-{}", notice.severity.as_str())>{notice.severity.label()}</span>
                                        " "{notice.title}
                                        <br/><code class="muted">{format!("content/notices/{}.md", notice.id)}</code>
                                    </td>
                                    <td data-testid="notice-state">{state}</td>
                                    <td>
                                        {notice.shown_text}
                                        {notice.happens_text.map(|when| view! { <br/><span class="muted">{format!("Happens: {when}")}</span> })}
                                    </td>
                                    <td>{places}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Content problems, each located like a compiler error with its fix.
#[component]
pub fn DiagnosticList(diagnostics: Vec<DiagnosticView>) -> impl IntoView {
    view! {
        <ul class="diagnostics" data-testid="diagnostics">
            {diagnostics
                .into_iter()
                .map(|diagnostic| {
                    let severity = if diagnostic.is_error { "error" } else { "warning" };
                    view! {
                        <li class=format!("diagnostic {severity}")>
                            <code class="location">{diagnostic.location}</code>
                            <span class="severity">{format!("{severity}[{}]", diagnostic.code)}</span>
                            <span class="message">{diagnostic.message}</span>
                            {diagnostic.excerpt.map(|excerpt| view! { <pre class="excerpt">{excerpt}</pre> })}
                            {diagnostic.help.map(|help| view! { <span class="help">"Fix: "{help}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
