//! Task forms sent without JavaScript: errors beside the fields, a reference, one submission per form.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistaken_task_form_comes_back_with_field_errors_and_keeps_the_input() {
    let fixture = guidance_fixture();
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let note = "%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E+%26amp%3B";
    let response = app
        .clone()
        .oneshot(form_post(&visitor, "/tasks/change-address", &format!("order=TAP-12&note={note}")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(response).await;
    assert!(html.contains("Please check 1 of your answers"), "{html}");
    assert!(
        html.contains("This doesn&#x27;t look right. Expected: TAP- and 6 digits.")
            || html.contains("This doesn't look right. Expected: TAP- and 6 digits."),
        "{html}"
    );
    assert!(html.contains(r#"value="TAP-12""#), "the typed value is kept: {html}");
    assert!(
        html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;</textarea>"),
        "kept exactly, and escaped: {html}"
    );
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");

    let hostile = app
        .clone()
        .oneshot(form_post(
            &visitor,
            "/tasks/change-address",
            "order=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ))
        .await
        .unwrap();
    let html = text(hostile).await;
    assert!(!html.contains("\"><script>alert(1)"), "attribute values are escaped: {html}");

    let events = store.events.recent(Some("task_validation_failed"), 10).await.unwrap();
    assert_eq!(
        events[0].kind,
        EventKind::TaskValidationFailed {
            task: "change-address".into(),
            fields: vec!["order".into()],
            messages: [("order".into(), "This doesn't look right. Expected: TAP- and 6 digits.".into())]
                .into(),
        },
        "the message is the one the visitor read, not what they typed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correct_task_form_gets_a_reference_and_what_happens_next_and_a_double_submit_stores_one() {
    let fixture = guidance_fixture();
    fixture.write(
        "notices/tasks.md",
        "+++\ntitle = \"Parcels are slower this week\"\nseverity = \"info\"\nstarts = 2020-01-01T00:00:00Z\nends = 2099-01-01T00:00:00Z\n[audience]\ntasks = [\"change-address\"]\n+++\nTwo extra days.\n",
    );
    let (app, store) = app(&fixture).await;
    let visitor = session(&app).await;
    let body = "_form=0123456789abcdef0123456789abcdef&order=TAP-204518&note=Leave+it+with+the+neighbour";
    let first = app.clone().oneshot(form_post(&visitor, "/tasks/change-address", body)).await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let location = header_value(&first, "location").to_owned();
    assert!(location.starts_with("/tasks/change-address/sent/TP-"), "{location}");

    let again = app.clone().oneshot(form_post(&visitor, "/tasks/change-address", body)).await.unwrap();
    assert_eq!(header_value(&again, "location"), location, "the same form sent twice is one request");

    let someone_else = session(&app).await;
    let copied_key = "_form=0123456789abcdef0123456789abcdef&order=TAP-999999&note=Mine";
    let copied =
        app.clone().oneshot(form_post(&someone_else, "/tasks/change-address", copied_key)).await.unwrap();
    let theirs = header_value(&copied, "location").to_owned();
    assert!(theirs.starts_with("/tasks/change-address/sent/TP-") && theirs != location, "{theirs}");
    let their_reference = theirs.rsplit('/').next().unwrap();
    let their_fields = store.submissions.by_reference(their_reference).await.unwrap().fields;
    assert_eq!(their_fields["order"], "TAP-999999", "another visitor's copied key stores their own answers");

    let page = text(app.clone().oneshot(with_cookies(&location, &visitor.cookie)).await.unwrap()).await;
    let reference = location.rsplit('/').next().unwrap();
    assert!(page.contains(reference), "{page}");
    assert!(page.contains("We update the parcel within 1 business day."), "{page}");
    assert!(page.contains("Parcels are slower this week"), "notices for this task: {page}");
    let confirmation = &page[page.find(r#"data-testid="what-next""#).unwrap()..];
    assert!(
        !confirmation.contains("Deliveries are slower"),
        "the confirmation lists only this task's notices (others are banners): {page}"
    );

    let stored = store.submissions.by_reference(reference).await.unwrap();
    assert_eq!(
        stored.fields,
        serde_json::json!({ "order": "TAP-204518", "note": "Leave it with the neighbour" })
    );
    assert_eq!(get(&app, "/tasks/change-address/sent/TP-FAKE-FAKE").await.status(), StatusCode::NOT_FOUND);
}
