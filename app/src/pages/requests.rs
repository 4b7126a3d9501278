//! A sent request as its visitor sees it again: what they sent, and what happens
//! next and by when. Only the visitor who sent it can open it: the answers hold
//! their email address and more.

use crate::backend::{use_content, use_task_forms, use_visitor};
use crate::pages::meta::{Indexing, PageMeta};
use crate::pages::notices::{NoticeList, now_unix};
use crate::wire::RequestView;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use telepath_domain::NoticeState;

/// The request `reference` of the current visitor, if they sent it.
pub async fn visitors_request(reference: &str) -> Option<RequestView> {
    let visitor = use_visitor()?;
    use_task_forms().visitor_request(&visitor, reference).await.ok().flatten()
}

/// `/requests/<reference>`: where a request stands, for the visitor who sent it.
#[component]
pub fn RequestStatusPage() -> impl IntoView {
    let reference = use_params_map().read_untracked().get("reference").unwrap_or_default();
    view! {
        <Suspense>
            {move || {
                let reference = reference.clone();
                Suspend::new(async move {
                    match visitors_request(&reference).await {
                        None => Either::Left(view! { <RequestNotFound/> }),
                        Some(request) => Either::Right(view! {
                            <PageMeta
                                title=format!("Request {}", request.reference)
                                description=format!("Where your request “{}” stands.", request.task_title)
                                indexing=Indexing::Never
                            />
                            <nav class="breadcrumbs" aria-label="Breadcrumb">
                                <a href="/">"Help Centre"</a>
                                <span aria-hidden="true">" › "</span>
                                <a href=crate::urls::task(&request.task_id)>{request.task_title.clone()}</a>
                            </nav>
                            <h1>"Your request "<span class="reference-code">{request.reference.clone()}</span></h1>
                            <p class="lede">{format!("{}.", request.task_title)}</p>
                            <p class="request-status" data-testid="request-status">
                                <span class="badge level-newcomer">"Received"</span>
                                {format!(" Sent {}.", request.sent_text)}
                            </p>
                            <RequestDetails request/>
                            <p><a href="/">"Back to the Help Centre"</a></p>
                        }),
                    }
                })
            }}
        </Suspense>
    }
}

/// What happens next and by when, the notices that concern the task, and what was sent.
#[component]
pub fn RequestDetails(request: RequestView) -> impl IntoView {
    let now = now_unix();
    let notices: Vec<_> = use_content()
        .notices()
        .into_iter()
        .filter(|notice| notice.state_at(now) == NoticeState::Current)
        .filter(|notice| notice.audience.tasks.contains(&request.task_id))
        .collect();
    view! {
        <section class="what-next" aria-labelledby="what-next-heading" data-testid="what-next">
            <h2 id="what-next-heading">"What happens next"</h2>
            {request.reply_by_text.map(|by| view! {
                <p class="reply-by" data-testid="reply-by"><strong>{format!("We'll reply by {by}.")}</strong></p>
            })}
            <p>{request.what_happens_next}</p>
        </section>
        {(!notices.is_empty()).then(|| view! {
            <h2>"Good to know"</h2>
            <NoticeList notices/>
        })}
        <section class="sent-answers" aria-labelledby="sent-heading" data-testid="sent-answers">
            <h2 id="sent-heading">"What you sent"</h2>
            <dl>
                {request
                    .answers
                    .into_iter()
                    .map(|answer| view! { <dt>{answer.label}</dt><dd>{answer.value}</dd> })
                    .collect_view()}
            </dl>
        </section>
    }
}

/// The same 404 for a reference that does not exist and for someone else's request,
/// so a reference cannot be probed.
#[component]
pub fn RequestNotFound() -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageMeta title="Request not found" description="A request can be seen only in the browser that sent it." indexing=Indexing::Never/>
        <section class="not-found" data-testid="request-not-found">
            <h1>"We can't show this request"</h1>
            <p>
                "Either no request has this reference, or it was sent from another browser. "
                "A request can be seen only in the browser that sent it, because it holds your answers."
            </p>
            <p>
                "Sent it from another device? Open the link there, or "
                <a href=crate::urls::ASK_THE_TEAM>"ask our team"</a>
                " and quote the reference: we'll tell you where it stands."
            </p>
            <p><a href="/">"Back to the Help Centre"</a></p>
        </section>
    }
}
