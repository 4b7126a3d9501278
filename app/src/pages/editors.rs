use crate::backend::use_backend;
use crate::wire::DiagnosticView;
use leptos::prelude::*;
use leptos_meta::Title;

/// What content editors need after saving: every problem, located like a compiler
/// error, and which articles are still served from their last good version.
#[component]
pub fn EditorsPage() -> impl IntoView {
    let report = use_backend().content_report();
    let summary = format!(
        "{} articles in {} categories: {} errors, {} warnings",
        report.articles, report.categories, report.errors, report.warnings
    );
    let clean = report.diagnostics.is_empty();
    view! {
        <Title text="Content status"/>
        <h1>"Content status"</h1>
        <p class="lede" data-testid="content-summary">{summary}</p>
        {(!report.last_good.is_empty()).then(|| view! {
            <p class="callout warning" data-testid="last-good">
                {format!(
                    "Customers still see the last good version of: {}. Fix the errors below and save; \
                     the change goes live within a second.",
                    report.last_good.join(", ")
                )}
            </p>
        })}
        {if clean {
            view! { <p class="callout tip">"Everything checks out. Customers see exactly what is in content/."</p> }.into_any()
        } else {
            view! { <DiagnosticList diagnostics=report.diagnostics/> }
            .into_any()
        }}
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
                            {diagnostic.help.map(|help| view! { <span class="help">"Fix: "{help}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
