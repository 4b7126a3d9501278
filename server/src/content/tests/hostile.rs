//! Content that could stall or trick the loader: named pipes, links out of the media
//! folder, nesting deep enough to make parsing quadratic, thousands of headings.

use super::*;

/// Loads the fixture on another thread, so a load that blocks on a file or stalls in
/// slow processing fails the test instead of hanging it.
fn load_without_hanging(fixture: &Fixture) -> crate::content::ContentSnapshot {
    let content = fixture.content_dir();
    let (sender, loaded) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Nobody is left to tell when the test has already given up waiting.
        sender.send(load_snapshot(&content)).ok();
    });
    loaded
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("loading content finishes within a minute")
        .expect("the content folder is readable")
}

#[cfg(unix)]
#[test]
fn named_pipes_anywhere_in_content_are_reported_and_never_waited_on() {
    let fixture = Fixture::new();
    let pipes = [
        "articles/invoices/pipe.md",
        "articles/pipes/_index.md",
        "kits/newcomer.md",
        "tasks/pipe.md",
        "notices/pipe.md",
        "synonyms.toml",
        "site.toml",
    ];
    for relative in pipes {
        fixture.make_fifo(relative);
    }
    let snapshot = load_without_hanging(&fixture);
    let messages: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
    for relative in pipes {
        let expected = format!(
            "{relative}:1:1: error[file]: this is a named pipe (FIFO), not a regular file, so it is left out (help: remove it, or put a regular file with this name in its place)"
        );
        assert!(messages.iter().any(|message| message.ends_with(&expected)), "{expected}\n{messages:#?}");
    }
    assert_eq!(snapshot.errors(), pipes.len(), "{messages:#?}");
    assert!(
        snapshot.articles.contains_key("send-an-invoice")
            && snapshot.articles.contains_key("reset-your-password")
    );
    assert!(snapshot.kits.is_empty() && snapshot.tasks.is_empty() && snapshot.notices.is_empty());
}

#[cfg(unix)]
#[test]
fn links_out_of_the_media_folder_and_pipes_in_it_are_reported_and_so_are_references_to_them() {
    let fixture = Fixture::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.png"), "not for visitors").unwrap();
    fixture.symlink("media/secret.png", &outside.path().join("secret.png"));
    fixture.symlink("media/elsewhere", outside.path());
    fixture.symlink("media/source.md", std::path::Path::new("../articles/invoices/send-an-invoice.md"));
    fixture.symlink("media/alias.txt", std::path::Path::new("logo.txt"));
    fixture.symlink("media/again", std::path::Path::new("."));
    fixture.make_fifo("media/pipe.png");
    fixture.write(
        "articles/invoices/pictures.md",
        &crate::testing::article(
            "Pictures",
            "all",
            "guide",
            &[],
            "![Secret](../../media/secret.png)\n\n![Pipe](../../media/pipe.png)\n\n![Alias](../../media/again/alias.txt)\n",
        ),
    );
    fixture.write(
        "kits/newcomer.md",
        &kit("newcomer", 5).replacen("../media/logo.txt", "../media/secret.png", 1),
    );

    let snapshot = load_without_hanging(&fixture);
    let found: Vec<String> = snapshot
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.to_string().split_once("content/").unwrap().1.to_owned())
        .collect();
    let outside_media = "this link points outside content/media, so it is not served (help: copy the file into content/media instead of linking to it)";
    assert_eq!(
        found,
        [
            format!("media/elsewhere:1:1: error[media]: {outside_media}"),
            "media/pipe.png:1:1: error[file]: this is a named pipe (FIFO), not a regular file, so it is left out (help: remove it, or put a regular file with this name in its place)".to_owned(),
            format!("media/secret.png:1:1: error[media]: {outside_media}"),
            format!("media/source.md:1:1: error[media]: {outside_media}"),
            "articles/invoices/pictures.md:9:1: warning[media]: `../../media/secret.png` is a link to a file outside content/media, which is never served (help: copy the file into content/media instead of linking to it)".to_owned(),
            "articles/invoices/pictures.md:11:1: warning[media]: `../../media/pipe.png` is a named pipe (FIFO), not a picture or video file (help: put the picture or video itself in content/media)".to_owned(),
            "kits/newcomer.md:11:9: warning[media]: `../media/secret.png` is a link to a file outside content/media, which is never served (help: copy the file into content/media instead of linking to it)".to_owned(),
        ]
    );
    let telepath_domain::BodyPart::Shared(html) = &snapshot.articles["pictures"].body[0] else {
        panic!("one shared part")
    };
    assert!(
        html.contains(r#"<img src="/media/again/alias.txt" alt="Alias""#),
        "a link inside content/media is fine: {html}"
    );
    assert_eq!(snapshot.kits[&telepath_domain::Level::Newcomer].things[0].image.src, "");
}

#[test]
fn content_nested_too_deep_is_reported_quickly_and_everything_else_is_served() {
    let fixture = Fixture::new();
    let hostile = [
        ("quotes", ">".repeat(100_000)),
        // The `x` keeps the line from being one long thematic break (`- - -`).
        ("lists", format!("{}x", "- ".repeat(49_999))),
        ("html", "<div>".repeat(20_000)),
    ];
    for (slug, body) in &hostile {
        fixture.write(
            &format!("articles/invoices/{slug}.md"),
            &crate::testing::article(slug, "all", "guide", &[], body),
        );
    }
    fixture.write(
        "articles/invoices/shallow.md",
        &crate::testing::article("Shallow", "all", "guide", &[], "> > - a quote holding a list\n"),
    );
    fixture.write(
        "notices/deep.md",
        &notice("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "").replace("Body.", &">".repeat(40)),
    );

    let started = std::time::Instant::now();
    let snapshot = load_without_hanging(&fixture);
    eprintln!("loaded 3 articles of 100 KB nested too deep in {:.2?}", started.elapsed());
    let found: Vec<String> = snapshot
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.to_string().split_once("content/").unwrap().1.to_owned())
        .collect();
    let too_deep = "error[nesting]: quotes, lists and HTML elements are nested more than 32 levels deep here (help: flatten the quotes, lists or HTML; a help article needs a few levels at most)";
    assert_eq!(
        found,
        [
            format!("articles/invoices/html.md:9:1: {too_deep}"),
            format!("articles/invoices/lists.md:9:65: {too_deep}"),
            format!("articles/invoices/quotes.md:9:33: {too_deep}"),
            format!("notices/deep.md:7:33: {too_deep}"),
        ]
    );
    for (slug, _) in &hostile {
        assert!(!snapshot.articles.contains_key(*slug), "{slug} is left out");
    }
    assert!(snapshot.notices.is_empty());
    for slug in ["shallow", "send-an-invoice", "void-an-invoice", "reset-your-password"] {
        assert!(snapshot.articles.contains_key(slug), "{slug} is served");
    }
}

#[test]
fn an_article_of_thousands_of_identical_headings_loads_with_unique_anchors() {
    let fixture = Fixture::new();
    let headings = 25_000;
    fixture.write(
        "articles/invoices/headings.md",
        &crate::testing::article("Headings", "all", "guide", &[], &"## Steps\n".repeat(headings)),
    );
    let started = std::time::Instant::now();
    let snapshot = load_without_hanging(&fixture);
    eprintln!("loaded {headings} identical headings in {:.2?}", started.elapsed());
    let ids: Vec<&str> =
        snapshot.articles["headings"].headings.iter().map(|heading| heading.id.as_str()).collect();
    assert_eq!(ids.len(), headings);
    assert_eq!(ids[..3], ["steps", "steps-1", "steps-2"]);
    assert_eq!(ids[headings - 1], "steps-24999");
}
