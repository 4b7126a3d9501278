use crate::validation::{FieldError, TaskFormState, validate_fields};
use crate::wire::{FieldKind, FieldSpec};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use std::collections::HashMap;

/// A task's form. Without JavaScript it posts to the server, which checks every field
/// and shows the form again with errors beside the fields and the answers kept. With
/// JavaScript the same rules (`validation.rs`) run in the browser first, so mistakes
/// show before anything is sent, and an error clears as soon as it is fixed.
#[island]
pub fn TaskForm(
    task_id: String,
    fields: Vec<FieldSpec>,
    /// Per field, the common mistake that concerns it: its number and title.
    mistake_hints: Vec<Option<(usize, String)>>,
    state: TaskFormState,
    token: String,
    csrf: String,
) -> impl IntoView {
    let values = RwSignal::new(state.values.clone());
    let errors = RwSignal::new(state.errors.clone());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let summary = NodeRef::<leptos::html::Div>::new();
    let labels: HashMap<String, String> =
        fields.iter().map(|field| (field.name.clone(), field.label.clone())).collect();

    let check_before_sending = {
        let fields = fields.clone();
        move |event: leptos::ev::SubmitEvent| {
            let found = validate_fields(&fields, &values.get_untracked());
            if !found.is_empty() {
                event.prevent_default();
                errors.set(found);
                if let Some(summary) = summary.get_untracked() {
                    let _ = summary.focus();
                }
            }
        }
    };

    let field_views = fields
        .iter()
        .cloned()
        .zip(mistake_hints)
        .map(|(field, warning)| {
            let name = field.name.clone();
            let value = state.values.get(&name).cloned().unwrap_or_default();
            let error = Signal::derive({
                let name = name.clone();
                move || {
                    errors.with(|errors| errors.iter().find(|e| e.field == name).map(|e| e.message.clone()))
                }
            });
            // Once a field has been flagged, it is checked again as the visitor types.
            let on_value = Callback::new({
                let field = field.clone();
                move |value: String| {
                    values.update(|values| {
                        values.insert(field.name.clone(), value);
                    });
                    if errors.with_untracked(|errors| errors.iter().any(|e| e.field == field.name)) {
                        let still_wrong =
                            validate_fields(std::slice::from_ref(&field), &values.get_untracked());
                        errors.update(|errors| {
                            errors.retain(|e| e.field != field.name);
                            errors.extend(still_wrong);
                        });
                    }
                }
            });
            view! { <Field field warning value error on_value/> }
        })
        .collect_view();

    view! {
        <form
            class="task-form"
            method="post"
            action=format!("/tasks/{task_id}")
            data-testid="task-form"
            data-hydrated=move || if hydrated.get() { "yes" } else { "no" }
            novalidate
            on:submit=check_before_sending
        >
            {state.form_error.clone().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <div
                class="error-summary"
                role="alert"
                data-testid="error-summary"
                tabindex="-1"
                node_ref=summary
                hidden=move || errors.with(Vec::is_empty)
            >
                <h2>{move || format!("Please check {} of your answers", errors.with(Vec::len))}</h2>
                <ul>
                    {move || errors.get().into_iter().map(|FieldError { field, message }| {
                        let label = labels.get(&field).cloned().unwrap_or_default();
                        view! { <li><a href=format!("#field-{field}")>{format!("{label}: {message}")}</a></li> }
                    }).collect_view()}
                </ul>
            </div>
            <input type="hidden" name="_form" value=token/>
            <input type="hidden" name="_csrf" value=csrf/>
            {field_views}
            <p><button class="button primary" type="submit" data-testid="send-task">"Send"</button></p>
        </form>
    }
}

/// One labelled input with its help, its expected form and, if a common mistake
/// concerns it, a pointer to that mistake.
#[component]
fn Field(
    field: FieldSpec,
    warning: Option<(usize, String)>,
    value: String,
    error: Signal<Option<String>>,
    on_value: Callback<String>,
) -> impl IntoView {
    let id = format!("field-{}", field.name);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let invalid = move || error.with(Option::is_some).then_some("true");
    let help = [field.help.clone(), field.pattern_hint.clone().map(|hint| format!("Expected: {hint}."))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let has_help = !help.is_empty() || warning.is_some();
    let described_by = {
        let (error_id, help_id) = (error_id.clone(), help_id.clone());
        move || {
            let ids: Vec<&str> = [
                error.with(Option::is_some).then_some(error_id.as_str()),
                has_help.then_some(help_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let error_view = {
        let error_id = error_id.clone();
        move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })
    };
    let label = view! {
        <label for=id.clone()>
            {field.label.clone()}
            {(!field.required).then(|| view! { <span class="optional">" (optional)"</span> })}
        </label>
    };
    let on_text = move |event: leptos::ev::Event| on_value.run(event_target_value(&event));
    let input = match field.kind {
        FieldKind::Textarea => EitherOf3::A(view! {
            <textarea id=id.clone() name=field.name.clone() required=field.required aria-invalid=invalid
                maxlength=field.max_length aria-describedby=described_by.clone() rows="5"
                inner_html=escape_text(&value) on:input=on_text></textarea>
        }),
        FieldKind::Select => EitherOf3::B(view! {
            <select id=id.clone() name=field.name.clone() required=field.required aria-invalid=invalid
                aria-describedby=described_by.clone() on:change=on_text>
                <option value="">"Choose…"</option>
                {field.options.iter().map(|option| view! {
                    <option value=option.clone() selected=*option == value>{option.clone()}</option>
                }).collect_view()}
            </select>
        }),
        FieldKind::Checkbox => EitherOf3::C(Either::Left(view! {
            <input
                id=id.clone()
                name=field.name.clone()
                type="checkbox"
                value="yes"
                checked=value == "yes"
                required=field.required
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                on:change=move |event| {
                    on_value.run(if event_target_checked(&event) { "yes".to_owned() } else { String::new() })
                }
            />
        })),
        kind => EitherOf3::C(Either::Right(view! {
            <input
                id=id.clone()
                name=field.name.clone()
                type=input_type(kind)
                value=value.clone()
                required=field.required
                aria-invalid=invalid
                minlength=field.min_length
                maxlength=field.max_length
                pattern=field.pattern.clone()
                min=field.min.map(|min| min.to_string())
                max=field.max.map(|max| max.to_string())
                aria-describedby=described_by.clone()
                on:input=on_text
            />
        })),
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

/// leptos 0.8 writes a textarea's text child unescaped during SSR, so a visitor's
/// `</textarea><script>` would end the element; the kept value is escaped here and
/// given as inner HTML, which the browser decodes back to exactly what was typed.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
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
