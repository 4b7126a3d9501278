use crate::backend::{use_content, use_csrf_token, use_effort, use_task_forms, use_visitor};
use crate::islands::TaskFormChecks;
use crate::pages::article::ArticleList;
use crate::pages::effort::EffortQuestion;
use crate::pages::meta::PageMeta;
use crate::pages::not_found::NotFound;
use crate::pages::requests::{RequestDetails, RequestNotFound, visitors_request};
use crate::wire::{TaskFormState, TaskView};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use telepath_domain::{FieldKind, FieldSpec, ListedPage, Mistake};

fn use_task() -> Option<TaskView> {
    let id = use_params_map().read_untracked().get("task").unwrap_or_default();
    use_content().task(&id)
}

/// A self-service task: the five mistakes come first, then the form, then what
/// happens after it is sent.
#[component]
pub fn TaskPage() -> impl IntoView {
    match use_task() {
        None => Either::Left(view! { <NotFound/> }),
        Some(task) => {
            crate::backend::record_page_view(telepath_domain::PageType::Task, &task.title);
            crate::backend::record_next_question_followed(&task.id, ListedPage::Task);
            let mistakes = task.mistakes.clone();
            Either::Right(view! {
                <PageMeta title=task.title.clone() description=task.summary.clone()/>
                <nav class="breadcrumbs" aria-label="Breadcrumb">
                    <a href="/">"Help Centre"</a>
                </nav>
                <h1>{task.title.clone()}</h1>
                <p class="lede">{task.summary.clone()}</p>
                {task.how_it_works.clone().map(|article| view! {
                    <p class="how-it-works" data-testid="how-it-works">
                        "How it works: "<a href=crate::urls::article(&article.slug)>{article.title}</a>
                    </p>
                })}
                <div class="task-intro" inner_html=task.intro_html.clone()></div>
                {(!mistakes.is_empty()).then(|| view! { <MistakesSummary task_id=task.id.clone() mistakes=mistakes caught=caught_mistakes(&task)/> })}
                <TaskForm task=task.clone()/>
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
fn MistakesSummary(task_id: String, mistakes: Vec<Mistake>, caught: Vec<usize>) -> impl IntoView {
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
                                {caught.contains(&(index + 1)).then(|| view! { <CaughtByTheForm/> })}
                            </details>
                        </li>
                    })
                    .collect_view()}
            </ol>
            <p><a href=crate::urls::mistakes(&task_id)>"Read the full mistakes guide"</a></p>
        </section>
    }
}

/// The numbers (from 1) of the mistakes the form catches in a value.
fn caught_mistakes(task: &TaskView) -> Vec<usize> {
    task.fields.iter().flat_map(|field| field.mistake_checks.iter().map(|check| check.mistake)).collect()
}

/// Said under a mistake the form catches, so the visitor knows they will be told.
#[component]
fn CaughtByTheForm() -> impl IntoView {
    view! { <p class="mistake-caught" data-testid="mistake-caught">"✓ The form checks for this before you send it."</p> }
}

/// The form, with what the visitor sent and its errors when it came back.
#[component]
fn TaskForm(task: TaskView) -> impl IntoView {
    let state = use_context::<TaskFormState>().unwrap_or_default();
    let token = use_task_forms().new_form_token();
    let mistakes = task.mistakes.clone();
    let labels: Vec<(String, String)> =
        task.fields.iter().map(|field| (field.name.clone(), field.label.clone())).collect();
    view! {
        <TaskFormChecks fields=task.fields.clone() today=task.today.clone()>
        <form class="task-form" method="post" action=crate::urls::task(&task.id) data-testid="task-form" novalidate>
            {state.form_error.clone().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            // Always present, so the browser-side checks can fill it in.
            <div class="error-summary" role="alert" data-testid="error-summary" tabindex="-1" hidden=state.errors.is_empty()>
                <h2>{format!("Please check {} of your answers", state.errors.len())}</h2>
                <ul>
                    {state.errors.iter().map(|error| {
                        let label = labels.iter().find(|(name, _)| name == &error.field).map(|(_, label)| label.clone()).unwrap_or_default();
                        view! { <li><a href=format!("#field-{}", error.field)>{format!("{label}: {}", error.message)}</a></li> }
                    }).collect_view()}
                </ul>
            </div>
            <input type="hidden" name="_form" value=token/>
            <input type="hidden" name="_csrf" value=use_csrf_token()/>
            {task
                .fields
                .into_iter()
                .map(|field| {
                    let warning = mistakes
                        .iter()
                        .position(|mistake| mistake.field.as_deref() == Some(field.name.as_str()))
                        .map(|index| (index + 1, mistakes[index].title.clone()));
                    let value = state.values.get(&field.name).cloned().unwrap_or_default();
                    let error = state.error_for(&field.name).map(str::to_owned);
                    view! { <Field field warning value error/> }
                })
                .collect_view()}
            <p><button class="button primary" type="submit" data-testid="send-task">"Send"</button></p>
        </form>
        </TaskFormChecks>
    }
}

/// One labelled input with its help, its expected form and, if a common mistake
/// concerns it, a pointer to that mistake.
#[component]
fn Field(
    field: FieldSpec,
    warning: Option<(usize, String)>,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("field-{}", field.name);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let invalid = error.is_some().then_some("true");
    let help = [field.help.clone(), field.pattern_hint.clone().map(|hint| format!("Expected: {hint}."))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let has_help = !help.is_empty() || warning.is_some();
    // The error slot is always there (empty and hidden when there is no error), so the
    // browser-side checks can fill it and screen readers always know where it is.
    let described_by = if has_help { format!("{error_id} {help_id}") } else { error_id.clone() };
    let error_view = view! {
        <p class="field-error" id=error_id.clone() hidden=error.is_none()>{error.clone()}</p>
    };
    let label = view! {
        <label for=id.clone()>
            {field.label.clone()}
            {(!field.required).then(|| view! { <span class="optional">" (optional)"</span> })}
        </label>
    };
    let input = match field.kind {
        FieldKind::Textarea => EitherOf3::A(view! {
            <textarea id=id.clone() name=field.name.clone() required=field.required aria-invalid=invalid
                maxlength=field.max_length aria-describedby=described_by.clone() rows="5" inner_html=crate::pages::escape_text(&value)></textarea>
        }),
        FieldKind::Select => EitherOf3::B(view! {
            <select id=id.clone() name=field.name.clone() required=field.required aria-invalid=invalid
                aria-describedby=described_by.clone()>
                <option value="">"Choose…"</option>
                {field.options.iter().map(|option| view! {
                    <option value=option.clone() selected=*option == value>{option.clone()}</option>
                }).collect_view()}
            </select>
        }),
        kind => EitherOf3::C(view! {
            <input
                id=id.clone()
                name=field.name.clone()
                type=input_type(kind)
                value=if kind == FieldKind::Checkbox { "yes".to_owned() } else { value.clone() }
                checked=kind == FieldKind::Checkbox && value == "yes"
                required=field.required
                aria-invalid=invalid
                minlength=field.min_length
                maxlength=field.max_length
                pattern=field.pattern.clone()
                min=field.min.map(|min| min.to_string())
                max=field.max.map(|max| max.to_string())
                aria-describedby=described_by.clone()
            />
        }),
    };
    view! {
        <div class=format!("field field-{}", input_type(field.kind))>
            {if field.kind == FieldKind::Checkbox {
                Either::Left((error_view, input, label))
            } else {
                Either::Right((label, error_view, input))
            }}
            {has_help.then(|| view! {
                <p class="field-help" id=help_id>
                    {help}
                    {warning.map(|(number, title)| view! {
                        <a class="mistake-hint" href=format!("#mistake-{number}")>{format!("Common mistake: {title}")}</a>
                    })}
                </p>
            })}
        </div>
    }
}

fn input_type(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Email => "email",
        FieldKind::Date => "date",
        FieldKind::Number => "number",
        FieldKind::Checkbox => "checkbox",
        FieldKind::Textarea => "textarea",
        FieldKind::Select => "select",
    }
}

/// The standalone "top five mistakes" guide for a task.
#[component]
pub fn MistakesPage() -> impl IntoView {
    match use_task() {
        None => Either::Left(view! { <NotFound/> }),
        Some(task) => Either::Right({
            let caught = caught_mistakes(&task);
            view! {
            <PageMeta
                title=format!("Top mistakes: {}", task.title)
                description=format!("The mistakes that most often send back “{}”, and how to avoid each.", task.title)
            />
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <a href="/">"Help Centre"</a>
                <span aria-hidden="true">" › "</span>
                <a href=crate::urls::task(&task.id)>{task.title.clone()}</a>
            </nav>
            <h1>{format!("{}: the top {} mistakes", task.title, task.mistakes.len())}</h1>
            <p class="lede">"Most forms that come back do so for one of these reasons. Each takes a minute to avoid."</p>
            <ol class="mistakes-guide" data-testid="mistakes-guide">
                {task
                    .mistakes
                    .into_iter()
                    .enumerate()
                    .map(|(index, mistake)| view! {
                        <li class="mistake">
                            <h2>{mistake.title}</h2>
                            <dl>
                                <dt>"What people do"</dt><dd>{mistake.what_people_do}</dd>
                                <dt>"Why it fails"</dt><dd>{mistake.why_it_fails}</dd>
                                <dt>"How to avoid it"</dt><dd>{mistake.how_to_avoid}</dd>
                            </dl>
                            {caught.contains(&(index + 1)).then(|| view! { <CaughtByTheForm/> })}
                        </li>
                    })
                    .collect_view()}
            </ol>
            <p><a class="button primary" href=crate::urls::task(&task.id)>{format!("Go to: {} →", task.title)}</a></p>
            }
        }),
    }
}

/// After a task is sent: its reference, how much effort it took (the one-click
/// question), what happens next and by when, the notices that concern this task,
/// what was sent, and the address to check on it later. Only the visitor who sent
/// it sees it.
#[component]
pub fn TaskSentPage() -> impl IntoView {
    let params = use_params_map().read_untracked();
    let (task_id, reference) =
        (params.get("task").unwrap_or_default(), params.get("reference").unwrap_or_default());
    let effort_changed = use_query_map().read_untracked().get(crate::urls::EFFORT_QUERY).as_deref()
        == Some(crate::urls::EFFORT_CHANGED);
    let next_questions = use_content().next_questions_after_sending(&task_id);
    // The Suspense may run its view more than once for one response; the list is
    // shown, and recorded, once.
    let shown_recorded = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    view! {
        <Suspense>
            {move || {
                let (task_id, reference) = (task_id.clone(), reference.clone());
                let next_questions = next_questions.clone();
                let shown_recorded = shown_recorded.clone();
                Suspend::new(async move {
                    match visitors_request(&reference).await.filter(|request| request.task_id == task_id) {
                        None => Either::Left(view! { <RequestNotFound/> }),
                        Some(request) => {
                            if !shown_recorded.swap(true, std::sync::atomic::Ordering::SeqCst) {
                                crate::backend::record_next_questions_shown(&request.task_id, ListedPage::Task, &next_questions);
                            }
                            let status_path = crate::urls::request(&request.reference);
                            let effort_answer = effort_answer(&request.task_id, &request.reference).await;
                            let effort_action = crate::urls::task_effort(&request.task_id, &request.reference);
                            Either::Right(view! {
                                <PageMeta title=format!("Sent: {}", request.task_title) description=request.what_happens_next.clone()/>
                                <section class="confirmation" data-testid="confirmation">
                                    <p class="confirmation-mark" aria-hidden="true">"✓"</p>
                                    <h1>"We have your request"</h1>
                                    <p class="lede">{format!("{} was sent.", request.task_title)}</p>
                                    <p class="reference">"Your reference: "<strong data-testid="reference">{request.reference.clone()}</strong></p>
                                    <p class="muted">{format!("Sent {}. Quote the reference if you contact us.", request.sent_text)}</p>
                                    <p>
                                        <a href=status_path data-testid="request-status-link">"See where your request stands"</a>
                                        " any time, in this browser."
                                    </p>
                                </section>
                                <EffortQuestion action=effort_action answer=effort_answer changed=effort_changed/>
                                <RequestDetails request/>
                                {(!next_questions.is_empty()).then(|| view! {
                                    <section class="next-questions" aria-labelledby="next-heading" data-testid="next-questions">
                                        <h2 id="next-heading">"People usually ask next"</h2>
                                        <ul class="article-list compact">
                                            {next_questions.into_iter().map(|question| view! {
                                                <li><a href=question.href(&task_id, ListedPage::Task)>{question.title().to_owned()}</a></li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                <p><a href="/">"Back to the Help Centre"</a></p>
                            })
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The visitor's answer to the effort question about their request, if any. A store
/// that cannot answer just asks again (the server logged why).
async fn effort_answer(task: &str, reference: &str) -> Option<telepath_domain::EffortScore> {
    let visitor = use_visitor()?;
    use_effort().task_rating(&visitor, task, reference).await.ok().flatten()
}
