//! A task and the article about it are one thing: "Do it now" on the article, "How
//! it works" on the task.

use super::{app, get, text};
use crate::testing::Fixture;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_article_offers_its_task_and_the_task_links_back_to_how_it_works() {
    let fixture = Fixture::new();
    let article =
        std::fs::read_to_string(fixture.content_dir().join("articles/invoices/void-an-invoice.md")).unwrap();
    fixture.write(
        "articles/invoices/void-an-invoice.md",
        &article.replacen(
            "title = \"Void an invoice\"",
            "title = \"How voiding works\"\ntasks = [\"void\"]",
            1,
        ),
    );
    fixture.write("tasks/void.md", &crate::testing::task_file("Void an invoice", "void-an-invoice"));
    let (app, _) = app(&fixture).await;

    let article = text(get(&app, "/articles/void-an-invoice").await).await;
    assert!(
        article.contains(r#"data-testid="do-it-now""#)
            && article
                .contains(r#"<a href="/tasks/void" class="button primary">Do it now: Void an invoice →</a>"#),
        "{article}"
    );
    let task = text(get(&app, "/tasks/void").await).await;
    assert!(
        task.contains(r#"data-testid="how-it-works""#)
            && task.contains(r#"How it works: <a href="/articles/void-an-invoice">How voiding works</a>"#),
        "{task}"
    );
    let plain = text(get(&app, "/articles/send-an-invoice").await).await;
    assert!(!plain.contains("do-it-now"), "an article without a task offers none: {plain}");
}
