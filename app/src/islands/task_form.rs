use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use std::collections::HashMap;
use telepath_domain::{FieldError, FieldSpec, validate_fields};
use web_sys::{Element, FormData, HtmlElement, HtmlFormElement};

/// Runs a task's own rules (`validation.rs`, the ones the server applies) in the
/// browser, around the server-rendered form it wraps: a mistaken form is not sent and
/// its errors appear beside the fields and in the summary, and an error clears as
/// soon as it is fixed. The form itself stays server HTML, so it costs the bundle
/// nothing and works the same without JavaScript.
#[island]
pub fn TaskFormChecks(fields: Vec<FieldSpec>, today: String, children: Children) -> impl IntoView {
    let hydrated = super::hydration_marker();
    let on_submit = {
        let (fields, today) = (fields.clone(), today.clone());
        move |event: leptos::ev::SubmitEvent| {
            let Some(form) = event.target().and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            let errors = validate_fields(&fields, &form_values(&form, &fields), &today);
            show_errors(&form, &fields, &errors);
            if !errors.is_empty() {
                event.prevent_default();
                if let Some(summary) = form.query_selector("[data-testid=error-summary]").ok().flatten() {
                    let _ = summary.unchecked_into::<HtmlElement>().focus();
                }
            }
        }
    };
    // Only fields already flagged are checked while typing, so nobody is scolded mid-word.
    let recheck = move |event: leptos::ev::Event| {
        let Some(input) = event.target().and_then(|target| target.dyn_into::<Element>().ok()) else { return };
        let Some(form) =
            input.closest("form").ok().flatten().and_then(|form| form.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if input.get_attribute("aria-invalid").is_none() {
            return;
        }
        let errors = validate_fields(&fields, &form_values(&form, &fields), &today);
        let name = input.get_attribute("name").unwrap_or_default();
        let still_shown: Vec<FieldError> = errors
            .into_iter()
            .filter(|error| error.field == name || is_flagged(&form, &error.field))
            .collect();
        show_errors(&form, &fields, &still_shown);
    };
    view! {
        <div
            class="task-form-checks"
            data-testid="task-form-checks"
            data-hydrated=hydrated
            on:submit=on_submit
            on:input=recheck.clone()
            on:change=recheck
        >
            {children()}
        </div>
    }
}

fn form_values(form: &HtmlFormElement, fields: &[FieldSpec]) -> HashMap<String, String> {
    let Ok(data) = FormData::new_with_form(form) else { return HashMap::new() };
    fields
        .iter()
        .filter_map(|field| data.get(&field.name).as_string().map(|value| (field.name.clone(), value)))
        .collect()
}

fn by_id(form: &HtmlFormElement, id: &str) -> Option<Element> {
    form.query_selector(&format!("#{id}")).ok().flatten()
}

fn is_flagged(form: &HtmlFormElement, field: &str) -> bool {
    by_id(form, &format!("field-{field}")).is_some_and(|input| input.has_attribute("aria-invalid"))
}

/// Puts `errors` on the page the way the server renders them: beside each field,
/// `aria-invalid` on its input, and a summary that links to each.
fn show_errors(form: &HtmlFormElement, fields: &[FieldSpec], errors: &[FieldError]) {
    for field in fields {
        let message =
            errors.iter().find(|error| error.field == field.name).map(|error| error.message.as_str());
        if let Some(input) = by_id(form, &format!("field-{}", field.name)) {
            let _ = match message {
                Some(_) => input.set_attribute("aria-invalid", "true"),
                None => input.remove_attribute("aria-invalid"),
            };
        }
        if let Some(slot) = by_id(form, &format!("field-{}-error", field.name)) {
            slot.set_text_content(message);
            slot.unchecked_into::<HtmlElement>().set_hidden(message.is_none());
        }
    }
    let Some(summary) = form.query_selector("[data-testid=error-summary]").ok().flatten() else { return };
    summary.clone().unchecked_into::<HtmlElement>().set_hidden(errors.is_empty());
    if let Some(heading) = summary.query_selector("h2").ok().flatten() {
        heading.set_text_content(Some(&format!("Please check {} of your answers", errors.len())));
    }
    let (Some(list), Some(document)) = (summary.query_selector("ul").ok().flatten(), form.owner_document())
    else {
        return;
    };
    list.set_text_content(None);
    for error in errors {
        let label =
            fields.iter().find(|field| field.name == error.field).map_or("", |field| field.label.as_str());
        let (Ok(item), Ok(link)) = (document.create_element("li"), document.create_element("a")) else {
            return;
        };
        let _ = link.set_attribute("href", &format!("#field-{}", error.field));
        link.set_text_content(Some(&format!("{label}: {}", error.message)));
        let _ = item.append_child(&link);
        let _ = list.append_child(&item);
    }
}
