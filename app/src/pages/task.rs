use crate::backend::{use_backend, use_csrf_token};
use crate::islands::TaskForm;
use crate::pages::article::ArticleList;
use crate::pages::not_found::NotFound;
use crate::validation::TaskFormState;
use crate::wire::{MistakeView, NoticeState, TaskView};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn use_task() -> Option<TaskView> {
    let id = use_params_map().read_untracked().get("task").unwrap_or_default();
    use_backend().task(&id)
}

/// A self-service task: the five mistakes come first, then the form, then what
/// happens after it is sent.
#[component]
pub fn TaskPage() -> impl IntoView {
    match use_task() {
        None => Either::Left(view! { <NotFound/> }),
        Some(task) => {
            let mistakes = task.mistakes.clone();
            Either::Right(view! {
                <Title text=task.title.clone()/>
                <nav class="breadcrumbs" aria-label="Breadcrumb">
                    <a href="/">"Help Centre"</a>
                </nav>
                <h1>{task.title.clone()}</h1>
                <p class="lede">{task.summary.clone()}</p>
                <div class="task-intro" inner_html=task.intro_html.clone()></div>
                {(!mistakes.is_empty()).then(|| view! { <MistakesSummary task_id=task.id.clone() mistakes=mistakes/> })}
                <TaskFormSection task=task.clone()/>
                <section class="what-next" aria-labelledby="what-next-heading">
                    <h2 id="what-next-heading">"What happens after you send it"</h2>
                    <p>{task.what_happens_next}</p>
                </section>
                {(!task.related_articles.is_empty()).then(|| view! {
                    <section aria-labelledby="related-heading">
                        <h2 id="related-heading">"Related help"</h2>
                        <ArticleList articles=task.related_articles compact=true/>
                    </section>
                })}
            })
        }
    }
}

/// The mistakes, short, before the form; each opens to say why and what to do.
#[component]
fn MistakesSummary(task_id: String, mistakes: Vec<MistakeView>) -> impl IntoView {
    view! {
        <section class="mistakes-inline" aria-labelledby="mistakes-heading" data-testid="mistakes-inline">
            <h2 id="mistakes-heading">{format!("Before you start: {} mistakes people often make", mistakes.len())}</h2>
            <ol>
                {mistakes
                    .into_iter()
                    .enumerate()
                    .map(|(index, mistake)| view! {
                        <li id=format!("mistake-{}", index + 1)>
                            <details>
                                <summary>{mistake.title}</summary>
                                <p><strong>"Why it fails: "</strong>{mistake.why_it_fails}</p>
                                <p><strong>"Instead: "</strong>{mistake.how_to_avoid}</p>
                            </details>
                        </li>
                    })
                    .collect_view()}
            </ol>
            <p><a href=format!("/mistakes/{task_id}")>"Read the full mistakes guide"</a></p>
        </section>
    }
}

/// The form, with what the visitor sent and its errors when it came back.
#[component]
fn TaskFormSection(task: TaskView) -> impl IntoView {
    let state = use_context::<TaskFormState>().unwrap_or_default();
    let mistake_hints = task
        .fields
        .iter()
        .map(|field| {
            task.mistakes
                .iter()
                .position(|mistake| mistake.field.as_deref() == Some(field.name.as_str()))
                .map(|index| (index + 1, task.mistakes[index].title.clone()))
        })
        .collect();
    view! {
        <TaskForm
            task_id=task.id
            fields=task.fields
            mistake_hints
            state
            token=use_backend().new_form_token()
            csrf=use_csrf_token()
        />
    }
}

/// The standalone "top five mistakes" guide for a task.
#[component]
pub fn MistakesPage() -> impl IntoView {
    match use_task() {
        None => Either::Left(view! { <NotFound/> }),
        Some(task) => Either::Right(view! {
            <Title text=format!("Top mistakes: {}", task.title)/>
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <a href="/">"Help Centre"</a>
                <span aria-hidden="true">" › "</span>
                <a href=format!("/tasks/{}", task.id)>{task.title.clone()}</a>
            </nav>
            <h1>{format!("{}: the top {} mistakes", task.title, task.mistakes.len())}</h1>
            <p class="lede">"Most forms that come back do so for one of these reasons. Each takes a minute to avoid."</p>
            <ol class="mistakes-guide" data-testid="mistakes-guide">
                {task
                    .mistakes
                    .into_iter()
                    .map(|mistake| view! {
                        <li class="mistake">
                            <h2>{mistake.title}</h2>
                            <dl>
                                <dt>"What people do"</dt><dd>{mistake.what_people_do}</dd>
                                <dt>"Why it fails"</dt><dd>{mistake.why_it_fails}</dd>
                                <dt>"How to avoid it"</dt><dd>{mistake.how_to_avoid}</dd>
                            </dl>
                        </li>
                    })
                    .collect_view()}
            </ol>
            <p><a class="button primary" href=format!("/tasks/{}", task.id)>{format!("Go to: {} →", task.title)}</a></p>
        }),
    }
}

/// After a task is sent: its reference, what happens next and when, and the
/// notices that concern this task.
#[component]
pub fn TaskSentPage() -> impl IntoView {
    let params = use_params_map().read_untracked();
    let (task_id, reference) =
        (params.get("task").unwrap_or_default(), params.get("reference").unwrap_or_default());
    let backend = use_backend();
    view! {
        <Suspense>
            {move || {
                let (backend, task_id, reference) = (backend.clone(), task_id.clone(), reference.clone());
                Suspend::new(async move {
                    let submission = backend.submission(&reference).await.ok().flatten().filter(|s| s.task_id == task_id);
                    let task = backend.task(&task_id);
                    match (submission, task) {
                        (Some(submission), Some(task)) => {
                            let now = crate::pages::notices::now_unix();
                            let notices: Vec<_> = backend
                                .notices()
                                .into_iter()
                                .filter(|notice| notice.state_at(now) == NoticeState::Current)
                                .filter(|notice| notice.audience.tasks.contains(&task.id))
                                .collect();
                            Either::Right(view! {
                                <Title text=format!("Sent: {}", task.title)/>
                                <section class="confirmation" data-testid="confirmation">
                                    <p class="confirmation-mark" aria-hidden="true">"✓"</p>
                                    <h1>"We have your request"</h1>
                                    <p class="lede">{format!("{} was sent.", task.title)}</p>
                                    <p class="reference">"Your reference: "<strong data-testid="reference">{submission.reference}</strong></p>
                                    <p class="muted">"Quote it if you contact us about this request."</p>
                                </section>
                                <section class="what-next" aria-labelledby="what-next-heading" data-testid="what-next">
                                    <h2 id="what-next-heading">"What happens next"</h2>
                                    <p>{task.what_happens_next}</p>
                                </section>
                                {(!notices.is_empty()).then(|| view! {
                                    <h2>"Good to know"</h2>
                                    <crate::pages::notices::NoticeList notices/>
                                })}
                                <p><a href="/">"Back to the Help Centre"</a></p>
                            })
                        }
                        _ => Either::Left(view! { <NotFound/> }),
                    }
                })
            }}
        </Suspense>
    }
}
