//! A task form catches the mistakes its guide warns about, each by the rule the
//! task's content names, and says which mistake it is: table-driven from the
//! bundled tasks, so a rule added to content is tested without a new test.

use super::{app, form_post, get, session, text};
use crate::testing::Fixture;
use axum::http::StatusCode;
use jiff::ToSpan;
use std::collections::HashMap;
use telepath_domain::{MistakeRule, validate_fields};
use tower::ServiceExt;

/// `today` moved by `days` (negative: earlier), as forms write dates.
fn days_from(today: &str, days: i64) -> String {
    let today: jiff::civil::Date = today.parse().unwrap();
    today.checked_add(days.days()).unwrap().to_string()
}

#[test]
fn every_rule_in_the_bundled_tasks_catches_its_mistake_and_names_it() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let snapshot = crate::content::load_snapshot(&content).unwrap();
    let today = snapshot.site.zone().today();
    let mut rules = 0;
    for task in snapshot.tasks.values() {
        for field in &task.fields {
            for check in &field.mistake_checks {
                let mistake = &task.mistakes[check.mistake - 1];
                assert_eq!(
                    mistake.field.as_deref(),
                    Some(field.name.as_str()),
                    "{}: {}",
                    task.id,
                    mistake.title
                );
                // A value showing the mistake, and one just inside the rule.
                let (caught, allowed) = match &check.rule {
                    MistakeRule::OlderThanDays(days) => {
                        let days = i64::from(*days);
                        (days_from(&today, -days - 1), Some(days_from(&today, -days)))
                    }
                    MistakeRule::Pattern(_) | MistakeRule::OutsideRange { .. } => {
                        (check.example.clone().expect("patterns and ranges carry an example"), None)
                    }
                };
                let errors_for = |value: &str| {
                    let values = HashMap::from([(field.name.clone(), value.to_owned())]);
                    validate_fields(std::slice::from_ref(field), &values, &today)
                };
                let errors = errors_for(&caught);
                assert_eq!(errors.len(), 1, "{}: {} {caught:?}", task.id, field.name);
                assert_eq!(
                    errors[0].message, check.message,
                    "{}: {caught:?} is named as “{}”",
                    task.id, mistake.title
                );
                if let Some(allowed) = allowed {
                    assert!(errors_for(&allowed).is_empty(), "{}: {allowed:?} is inside the window", task.id);
                }
                rules += 1;
            }
        }
    }
    assert!(rules >= 5, "the bundled tasks catch their mistakes: {rules} rules");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_form_names_the_mistake_accepts_a_dollar_sign_and_refuses_a_charge_31_days_old() {
    let fixture = Fixture::bundled();
    let (app, portal) = app(&fixture).await;
    let visitor = session(&app).await;
    let today = portal.content.snapshot().site.zone().today();
    let form = |invoice: &str, date: &str, amount: &str| {
        format!(
            "account_email=maria%40bluefern.example&invoice_number={invoice}&charge_date={date}&amount={}&reason=I+forgot+to+cancel+before+the+1st",
            amount.replace('$', "%24")
        )
    };
    let send = |body: String| form_post(&visitor, "/tasks/request-a-refund", &body);

    let mistaken =
        app.clone().oneshot(send(form("INV-0142", &days_from(&today, -31), "$29.00"))).await.unwrap();
    assert_eq!(mistaken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(mistaken).await.replace("&#x27;", "'");
    assert!(page.contains("Please check 2 of your answers"), "the invoice and the date, not the $: {page}");
    assert!(
        page.contains("That looks like one of your own invoice numbers (INV-…)"),
        "mistake 1 by name: {page}"
    );
    assert!(page.contains("That charge is more than 30 days old"), "mistake 3, the 30-day limit: {page}");
    assert!(!page.contains("This doesn't look right"), "nothing generic: {page}");

    let sent =
        app.clone().oneshot(send(form("LG-2026-000123", &days_from(&today, -30), "$29.00"))).await.unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "$29.00 and a charge 30 days old are fine");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_and_its_guide_say_which_mistakes_the_form_checks_for() {
    let fixture = Fixture::bundled();
    let (app, _) = app(&fixture).await;
    for page in ["/tasks/request-a-refund", "/mistakes/request-a-refund"] {
        let html = text(get(&app, page).await).await;
        assert_eq!(
            html.matches(r#"data-testid="mistake-caught""#).count(),
            4,
            "mistakes 1 to 4 have rules: {html}"
        );
    }
    let html = text(get(&app, "/tasks/reset-two-factor").await).await;
    assert!(!html.contains("mistake-caught"), "no rule, no promise: {html}");
}
