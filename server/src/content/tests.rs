//! Table-driven checks of the whole content model: each broken file gives exactly
//! the diagnostic an editor needs.

use super::{ContentLibrary, load_snapshot};
use crate::testing::Fixture;

const KIT_THING: &str = "[[thing]]\ntitle = \"T\"\nbody = \"See [it](/articles/send-an-invoice).\"\nimage = \"../media/logo.txt\"\nimage_alt = \"A logo\"\n";

fn kit(level: &str, things: usize) -> String {
    format!(
        "+++\nlevel = \"{level}\"\ntitle = \"Welcome\"\nintro = \"Hi.\"\nnext_step_label = \"Start\"\nnext_step_href = \"/articles/send-an-invoice\"\n\n{}+++\n",
        KIT_THING.repeat(things)
    )
}

const MISTAKE: &str = "[[mistake]]\ntitle = \"M\"\nwhat_people_do = \"a\"\nwhy_it_fails = \"b\"\nhow_to_avoid = \"c\"\nfield = \"email\"\ncannot_catch = \"Any address could be the wrong one.\"\n";

fn task(fields: &str, mistakes: usize) -> String {
    format!(
        "+++\ntitle = \"Reset\"\nsummary = \"S\"\ncategory = \"account\"\nwhat_happens_next = \"We reply within 2 days.\"\nrelated_articles = [\"reset-your-password\"]\n\n{fields}\n{}+++\nIntro.\n",
        MISTAKE.repeat(mistakes)
    )
}

const EMAIL_FIELD: &str =
    "[[field]]\nname = \"email\"\nlabel = \"Email\"\nkind = \"email\"\nrequired = true\n";

fn notice(starts: &str, ends: &str, audience: &str) -> String {
    format!(
        "+++\ntitle = \"N\"\nseverity = \"info\"\nstarts = {starts}\nends = {ends}\n{audience}+++\nBody.\n"
    )
}

/// Loads the fixture plus `files` and returns every diagnostic as editors see it.
fn diagnostics(files: &[(&str, String)]) -> Vec<String> {
    let fixture = Fixture::new();
    for (path, text) in files {
        fixture.write(path, text);
    }
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    snapshot
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let text = diagnostic.to_string();
            text.split_once("content/").map_or(text.clone(), |(_, rest)| rest.to_owned())
        })
        .collect()
}

#[test]
fn valid_kits_tasks_notices_and_synonyms_load_without_diagnostics() {
    let fixture = Fixture::new();
    fixture.write("kits/newcomer.md", &kit("newcomer", 5));
    fixture.write("tasks/reset.md", &task(EMAIL_FIELD, 5));
    fixture.write(
        "notices/a.md",
        &notice(
            "2026-11-01T00:00:00-05:00",
            "2026-12-01T00:00:00-05:00",
            "[audience]\ntasks = [\"reset\"]\n",
        ),
    );
    fixture.write("synonyms.toml", "groups = [[\"invoice\", \"Bill\"]]\n");
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    assert_eq!(snapshot.diagnostics, []);
    assert_eq!(snapshot.kits.len(), 1);
    assert_eq!(snapshot.tasks["reset"].mistakes.len(), 5);
    assert_eq!(snapshot.notices[0].notice.audience.tasks, ["reset"]);
    assert_eq!(snapshot.synonyms, [["invoice", "bill"]]);
}

/// One case per way a file can be wrong, each with the exact message an editor
/// reads: a long list of data rather than long logic, kept in one table so the
/// messages can be read (and compared) side by side.
#[test]
fn each_broken_file_gives_the_diagnostic_an_editor_needs() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "kits/newcomer.md",
            kit("newcomer", 4),
            "kits/newcomer.md:1:1: error[kit]: the kit has 4 things to know; a kit has exactly 5, so the kit is left out (help: add or remove `[[thing]]` entries until there are 5)",
        ),
        (
            "kits/newcomer.md",
            kit("newcomer", 6),
            "kits/newcomer.md:1:1: error[kit]: the kit has 6 things to know; a kit has exactly 5, so the kit is left out (help: add or remove `[[thing]]` entries until there are 5)",
        ),
        (
            "kits/expert.md",
            kit("newcomer", 5),
            "kits/expert.md:2:9: error[kit]: this kit says level `newcomer` but its file is `expert.md` (help: name the file after its level: newcomer.md, technical.md or expert.md)",
        ),
        (
            "kits/newcomer.md",
            kit("newcomer", 5).replacen("image_alt = \"A logo\"\n", "", 1),
            "kits/newcomer.md:11:9: warning[accessibility]: the picture has no alt text (help: add `image_alt = \"…\"` describing what the picture shows)",
        ),
        (
            "kits/newcomer.md",
            kit("newcomer", 5).replacen("../media/logo.txt", "../media/missing.png", 1),
            "kits/newcomer.md:11:9: warning[media]: `../media/missing.png` does not exist (help: check the file name; paths are relative to this file)",
        ),
        (
            "kits/newcomer.md",
            kit("newcomer", 5).replacen("/articles/send-an-invoice).", "/articles/gone).", 1),
            "kits/newcomer.md:10:13: warning[link]: the link points to `gone`, but no article has that slug (help: check the file name, or link to the article's new location)",
        ),
        (
            "tasks/reset.md",
            task(EMAIL_FIELD, 0),
            "tasks/reset.md:1:1: warning[mistakes]: the task has no top-five-mistakes guide (help: add five `[[mistake]]` entries with what people do, why it fails and how to avoid it)",
        ),
        (
            "tasks/reset.md",
            task(EMAIL_FIELD, 6),
            "tasks/reset.md:1:1: warning[mistakes]: the mistakes guide lists 6 mistakes; it lists exactly 5 (help: keep the five that cause most failed forms)",
        ),
        (
            "tasks/reset.md",
            task(&EMAIL_FIELD.replace("\"email\"\nlabel", "\"mail\"\nlabel"), 5),
            "tasks/reset.md:19:9: warning[mistakes]: the mistake names the field `email`, which this task does not have (help: use one of: mail)",
        ),
        (
            "tasks/reset.md",
            task(&format!("{EMAIL_FIELD}pattern = \"[a-\"\npattern_hint = \"x\"\n"), 5),
            "tasks/reset.md:13:11: error[task]: the pattern of `email` is not a valid regular expression",
        ),
        (
            "tasks/reset.md",
            task(&EMAIL_FIELD.replace("kind = \"email\"", "kind = \"select\""), 5),
            "tasks/reset.md:9:8: error[task]: the select field `email` has no options (help: add `options = [\"…\", \"…\"]`)",
        ),
        (
            "tasks/reset.md",
            task(EMAIL_FIELD, 5).replace("category = \"account\"", "category = \"acount\""),
            "tasks/reset.md:4:12: warning[reference]: `category` names the category `acount`, but there is no content/articles/acount/ folder (help: use the folder name of a category)",
        ),
        (
            "tasks/reset.md",
            task(EMAIL_FIELD, 5).replace("[\"reset-your-password\"]", "[\"reset-password\"]"),
            "tasks/reset.md:6:21: warning[reference]: `related_articles` names `reset-password`, but no article has that slug (help: use the file name of an existing article, without `.md`)",
        ),
        (
            "notices/a.md",
            notice("2026-11-01T00:00:00", "2026-12-01T00:00:00-05:00", ""),
            "notices/a.md:4:10: error[notice]: `starts` needs a date, a time and a UTC offset (help: write it like starts = 2026-11-20T08:00:00-05:00 (-05:00 is US Eastern winter time))",
        ),
        (
            "notices/a.md",
            notice("2026-12-01T00:00:00-05:00", "2026-11-01T00:00:00-05:00", ""),
            "notices/a.md:5:8: error[notice]: the notice ends before it starts (help: make `ends` later than `starts`)",
        ),
        (
            "notices/a.md",
            notice("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "[audience]\ntasks = [\"nope\"]\n"),
            "notices/a.md:7:10: warning[reference]: `audience.tasks` names the task `nope`, but there is no content/tasks/nope.md (help: use the file name of a task, without `.md`)",
        ),
        (
            "notices/a.md",
            notice("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "")
                .replace("severity = \"info\"", "severity = \"urgent\""),
            "notices/a.md:3:12: error[front-matter]: unknown value `urgent` (help: allowed values are info, warning, critical)",
        ),
        (
            "articles/invoices/short.md",
            crate::testing::article("Short", "all", "guide", &[], "x\n")
                .replace("summary = \"All about: Short.\"\n", ""),
            "articles/invoices/short.md:2:1: warning[summary]: the article has no summary (help: add `summary = \"…\"`: one sentence shown under the title, in lists and in search results)",
        ),
        (
            "articles/invoices/levels.md",
            crate::testing::article("Levels", "all", "guide", &[], "Intro\n\n::: beginner\nx\n:::\n"),
            "articles/invoices/levels.md:11:1: error[sections]: `beginner` is not a level (help: use `::: newcomer`, `::: technical` or `::: expert`)",
        ),
        (
            "articles/invoices/pictures.md",
            crate::testing::article("Pictures", "all", "guide", &[], "Look:\n\n![](../../media/logo.txt)\n"),
            "articles/invoices/pictures.md:11:1: warning[accessibility]: the picture has no alt text (help: describe the picture between the brackets: ![what it shows](…))",
        ),
        (
            "articles/invoices/pictures.md",
            crate::testing::article("Pictures", "all", "guide", &[], "Look:\n\n![A chart](chart.png)\n"),
            "articles/invoices/pictures.md:11:1: warning[media]: `chart.png` is not inside content/media",
        ),
        (
            "kits/newcomer.md",
            kit("newcomer", 5).replace("/articles/send-an-invoice\"", "javascript:alert(1)\""),
            "kits/newcomer.md:6:18: error[link]: `next_step_href` = \"javascript:alert(1)\" uses the `javascript:` scheme, so the kit is left out (help: link to a page of this portal, e.g. /articles/send-your-first-invoice, or to an https:, http: or mailto: address)",
        ),
        (
            "kits/newcomer.md",
            kit("newcomer", 5).replace("/articles/send-an-invoice\"", "//evil.example/phish\""),
            "kits/newcomer.md:6:18: error[link]: `next_step_href` = \"//evil.example/phish\" starts with `//` or `/\\`, which lead to another site, so the kit is left out",
        ),
        (
            "kits/newcomer.md",
            kit("newcomer", 5).replace("/articles/send-an-invoice\"", "java\\tscript:alert(1)\""),
            "kits/newcomer.md:6:18: error[link]: `next_step_href` = \"java\\tscript:alert(1)\" has spaces or control characters in it, so the kit is left out",
        ),
        (
            "notices/a.md",
            notice(
                "2026-11-01T00:00:00Z",
                "2026-12-01T00:00:00Z",
                "[audience]\npaths = [\"//evil.example\"]\n",
            ),
            "notices/a.md:7:10: warning[link]: `//evil.example` is not a portal address (help: use an address on this portal, starting with `/`, e.g. /articles/send-your-first-invoice)",
        ),
        (
            "synonyms.toml",
            "groups = [[\"bill\", \"invoice\"], [\"statement\", \"bill\"]]\n".to_owned(),
            "synonyms.toml:1:46: warning[synonyms]: `bill` is in two groups (help: keep each word in one group, or merge the groups)",
        ),
    ];
    let mut mismatches = Vec::new();
    for (path, text, expected) in cases {
        let found = diagnostics(&[(path, text.clone())]);
        if !found.iter().any(|diagnostic| diagnostic.starts_with(expected)) {
            mismatches.push(format!("expected {expected}\n got {found:#?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

#[test]
fn a_kit_of_any_size_but_kit_things_is_left_out_so_progress_can_always_finish() {
    use telepath_domain::KIT_THINGS;
    for things in [KIT_THINGS - 1, KIT_THINGS + 1] {
        let fixture = Fixture::new();
        fixture.write("kits/newcomer.md", &kit("newcomer", things));
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        assert!(snapshot.kits.is_empty(), "{things} things");
        assert_eq!(snapshot.errors(), 1, "{things} things");
    }
}

#[test]
fn articles_render_level_sections_sized_pictures_and_a_table_of_contents() {
    use telepath_domain::{BodyPart, Level};
    let fixture = Fixture::new();
    fixture.write_bytes("media/dot.png", &tiny_png());
    let body = "## One\n\n![A dot](../../media/dot.png)\n\n## Two\n\n::: newcomer\nEasy.\n:::\n::: expert\nHard.\n:::\n\n## Three\n";
    fixture.write("articles/invoices/deep.md", &crate::testing::article("Deep", "all", "guide", &[], body));
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    assert_eq!(snapshot.diagnostics, []);
    let view = crate::portal::views::article(&snapshot, "deep").unwrap();
    assert_eq!(view.toc.iter().map(|entry| entry.id.as_str()).collect::<Vec<_>>(), ["one", "two", "three"]);
    let BodyPart::Shared(first) = &view.body[0] else { panic!("{:?}", view.body) };
    let digest = crate::content::media::picture_digest(&tiny_png()).0;
    assert!(
        first.contains(&format!(
            r#"<source type="image/webp" srcset="/renditions/{digest}-1/dot.png.webp 1w" sizes="(max-width: 40rem) calc(100vw - 2rem), (max-width: 52rem) calc(92vw - 2rem), 44rem"><img src="/media/dot.png" alt="A dot" width="1" height="1" loading="eager" fetchpriority="high" decoding="async">"#
        )),
        "{first}"
    );
    let BodyPart::ByLevel(sections) = &view.body[1] else { panic!("{:?}", view.body) };
    assert_eq!(
        sections.iter().map(|section| section.level).collect::<Vec<_>>(),
        [Level::Newcomer, Level::Expert]
    );
    assert_eq!(sections[1].html, "<p>Hard.</p>\n");

    let short = crate::portal::views::article(&snapshot, "void-an-invoice").unwrap();
    assert!(short.toc.is_empty(), "short articles need no table of contents");
}

/// A valid 1×1 PNG.
fn tiny_png() -> Vec<u8> {
    let hex = "89504e470d0a1a0a0000000d4948445200000001000000010806000000\
               1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082";
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn a_kit_whose_next_step_is_not_a_safe_address_is_left_out_and_web_and_email_addresses_pass() {
    let fixture = Fixture::new();
    fixture.write(
        "kits/newcomer.md",
        &kit("newcomer", 5).replace("/articles/send-an-invoice\"", "JavaScript:alert(1)\""),
    );
    fixture.write(
        "kits/technical.md",
        &kit("technical", 5).replace("/articles/send-an-invoice\"", "https://status.example.com\""),
    );
    fixture.write(
        "kits/expert.md",
        &kit("expert", 5).replace("/articles/send-an-invoice\"", "mailto:help@example.com\""),
    );
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    let found: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("kits/newcomer.md:6:18: error[link]: `next_step_href` = \"JavaScript:alert(1)\" uses the `javascript:` scheme"), "{found:#?}");
    use telepath_domain::Level;
    assert!(!snapshot.kits.contains_key(&Level::Newcomer));
    assert_eq!(snapshot.kits[&Level::Technical].next_step_href, "https://status.example.com");
    assert_eq!(snapshot.kits[&Level::Expert].next_step_href, "mailto:help@example.com");
}

#[test]
fn a_broken_article_gives_one_error_and_links_to_its_live_last_good_version_are_fine() {
    let fixture = Fixture::new();
    // Named by another article's `next`, its body's link, a task and a kit.
    fixture.write("tasks/reset.md", &task(EMAIL_FIELD, 5).replace("reset-your-password", "void-an-invoice"));
    fixture.write("kits/newcomer.md", &kit("newcomer", 5).replace("send-an-invoice", "void-an-invoice"));
    let library = ContentLibrary::load(fixture.content_dir()).unwrap();
    assert_eq!(library.snapshot().diagnostics, []);

    fixture.write("articles/invoices/void-an-invoice.md", "+++\ntitle = \"Void\"\n");
    let snapshot = library.reload().unwrap();
    let messages: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(messages[0].contains("void-an-invoice.md:1:1: error[front-matter]"), "{messages:#?}");
    assert_eq!(snapshot.last_good, [std::path::Path::new("content/articles/invoices/void-an-invoice.md")]);
}

#[test]
fn kits_tasks_and_notices_with_errors_keep_their_last_good_version_and_new_ones_are_not_published() {
    let fixture = Fixture::new();
    let window = notice("2026-11-01T00:00:00-05:00", "2026-12-01T00:00:00-05:00", "");
    fixture.write("kits/newcomer.md", &kit("newcomer", 5));
    fixture.write("tasks/reset.md", &task(EMAIL_FIELD, 5));
    fixture.write("notices/outage.md", &window);
    let library = ContentLibrary::load(fixture.content_dir()).unwrap();
    assert_eq!(library.snapshot().errors(), 0);

    fixture.write("kits/newcomer.md", &kit("newcomer", 4));
    fixture.write("tasks/reset.md", &task(&EMAIL_FIELD.replace("kind = \"email\"", "kind = \"select\""), 5));
    fixture.write("notices/outage.md", &window.replace("2026-12-01", "2026-10-01"));
    fixture.write("tasks/new.md", &task(&EMAIL_FIELD.replace("kind = \"email\"", "kind = \"select\""), 5));
    let snapshot = library.reload().unwrap();
    assert_eq!(snapshot.errors(), 4, "{:#?}", snapshot.diagnostics);
    assert_eq!(snapshot.kits[&telepath_domain::Level::Newcomer].things.len(), 5);
    assert_eq!(snapshot.tasks["reset"].fields[0].kind, telepath_domain::FieldKind::Email);
    assert!(!snapshot.tasks.contains_key("new"), "a new task with errors is not published");
    assert_eq!(snapshot.notices.len(), 1);
    let last_good = ["content/kits/newcomer.md", "content/notices/outage.md", "content/tasks/reset.md"];
    assert_eq!(snapshot.last_good, last_good.map(std::path::PathBuf::from));
    assert_eq!(snapshot.files_with_errors().len(), 4);
}

#[test]
fn errors_come_before_warnings_whatever_their_files() {
    let messages = diagnostics(&[
        ("articles/account/a-warning.md", crate::testing::article("A", "all", "guide", &["gone"], "x\n")),
        ("tasks/reset.md", task(&EMAIL_FIELD.replace("kind = \"email\"", "kind = \"select\""), 5)),
    ]);
    let severities: Vec<bool> = messages.iter().map(|message| message.contains(": error[")).collect();
    assert_eq!(severities, [true, false], "{messages:#?}");
}

#[test]
fn syntax_errors_quote_the_offending_line_with_a_caret() {
    let fixture = Fixture::new();
    fixture.write(
        "articles/invoices/void-an-invoice.md",
        "+++\ntitle = \"Void\"\nlevel = \"newcomer\"\nkind = guide\n+++\nx\n",
    );
    fixture.write(
        "articles/account/sections.md",
        &crate::testing::article("S", "all", "guide", &[], "Intro.\n\n::: newcomer\nNever closed.\n"),
    );
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    let excerpt = |file: &str| {
        let diagnostic = snapshot.diagnostics.iter().find(|d| d.path.ends_with(file)).unwrap();
        diagnostic.excerpt().unwrap_or_else(|| panic!("{diagnostic}"))
    };
    assert_eq!(excerpt("void-an-invoice.md"), "  |\n4 | kind = guide\n  |        ^");
    assert_eq!(excerpt("sections.md"), "   |\n11 | ::: newcomer\n   | ^");
}

#[test]
fn a_reload_logs_only_the_diagnostics_it_added_or_resolved() {
    use super::watcher::DiagnosticChanges;
    let fixture = Fixture::new();
    fixture.write("articles/account/a.md", &crate::testing::article("A", "all", "guide", &["gone"], "x\n"));
    let library = ContentLibrary::load(fixture.content_dir()).unwrap();
    let first = library.snapshot();
    let unchanged = library.reload().unwrap();
    assert_eq!(unchanged.warnings(), 1);
    let nothing = DiagnosticChanges::between(&first.diagnostics, &unchanged.diagnostics);
    assert_eq!(nothing, DiagnosticChanges { new: vec![], resolved: vec![] }, "a save that changes nothing");

    fixture.write("articles/account/a.md", &crate::testing::article("A", "all", "guide", &[], "x\n"));
    fixture.write("articles/account/b.md", "+++\ntitle = \"B\"\n");
    let fixed = library.reload().unwrap();
    let changes = DiagnosticChanges::between(&unchanged.diagnostics, &fixed.diagnostics);
    assert_eq!(changes.new, [&fixed.diagnostics[0]]);
    assert_eq!(changes.resolved, [&unchanged.diagnostics[0]]);
}

#[test]
fn notices_read_their_windows_in_the_sites_time_zone_and_check_the_event_window() {
    let fixture = Fixture::new();
    fixture.write(
        "site.toml",
        "product_name = \"Acme\"\ntagline = \"T\"\nsupport_hours = \"9 to 5\"\ntime_zone = \"America/New_York\"\n",
    );
    let window = notice("2027-01-09T08:00:00-05:00", "2027-01-16T11:00:00Z", "");
    let event = "happens_from = 2027-01-16T07:00:00Z\nhappens_until = 2027-01-16T06:00:00-05:00\n";
    fixture.write(
        "notices/maintenance.md",
        &window.replace("[audience]", "").replacen("+++\nBody", &format!("{event}+++\nBody"), 1),
    );
    fixture.write("notices/plain.md", &window);
    fixture.write(
        "notices/backwards.md",
        &window.replacen(
            "+++\nBody",
            "happens_from = 2027-01-16T06:00:00-05:00\nhappens_until = 2027-01-16T02:00:00-05:00\n+++\nBody",
            1,
        ),
    );
    fixture.write(
        "notices/until-only.md",
        &window.replacen("+++\nBody", "happens_until = 2027-01-16T02:00:00-05:00\n+++\nBody", 1),
    );
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    let zone = snapshot.site.zone();
    let view = |id: &str| snapshot.notices.iter().find(|n| n.notice.id == id).unwrap().in_zone(&zone);
    let maintenance = view("maintenance");
    assert_eq!(maintenance.happens_text.as_deref(), Some("Sat 16 Jan, 02:00–06:00 (New York time)"));
    assert_eq!(maintenance.shown_text, "Sat 9 Jan, 08:00 – Sat 16 Jan, 06:00 (New York time)");
    assert_eq!(view("plain").happens_text, None);
    let messages: Vec<String> = snapshot.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[0].ends_with("backwards.md:7:17: error[notice]: what the notice is about ends before it starts (help: make `happens_until` later than `happens_from`)"), "{messages:#?}");
    assert!(messages[1].ends_with("until-only.md:6:17: error[notice]: `happens_until` without `happens_from` (help: add `happens_from`: when what the notice is about starts)"), "{messages:#?}");
}

#[test]
fn the_sites_time_zone_must_be_an_iana_name() {
    let messages = diagnostics(&[(
        "site.toml",
        "product_name = \"Acme\"\ntagline = \"T\"\nsupport_hours = \"9 to 5\"\ntime_zone = \"Eastern\"\n"
            .to_owned(),
    )]);
    assert_eq!(
        messages,
        [
            "site.toml:4:1: error[site]: `time_zone` = \"Eastern\" is not a time zone name (help: use an IANA name such as \"America/New_York\", \"Europe/London\" or \"UTC\")"
        ]
    );
}

const SITE: &str = "product_name = \"Acme\"\ntagline = \"T\"\nsupport_hours = \"Weekdays 9 to 5, Saturday 10 to 2\"\nsupport_time_zone = \"America/New_York\"\n";

#[test]
fn chat_hours_are_read_in_the_support_time_zone_and_default_to_whenever_an_agent_is_online() {
    let fixture = Fixture::new();
    let unset = load_snapshot(&fixture.content_dir()).unwrap();
    assert!(unset.site.chat.hours.is_none());
    assert_eq!(unset.site.chat.agent_capacity, 3);
    assert_eq!(unset.site.chat.linger, telepath_domain::chat_offer::LingerTimes::default());
    let saturday_night: jiff::Timestamp = "2026-03-07T23:00:00Z".parse().unwrap();
    assert!(unset.site.chat.within_hours(saturday_night), "no hours set: whenever an agent is online");
    assert_eq!(unset.site.chat.reopening_words(saturday_night), None);

    fixture.write(
        "site.toml",
        &format!(
            "{SITE}\n[chat]\nhours = [\"mon-fri 09:00-17:00\", 'sat 10:00-14:00']\nagent_capacity = 2\nlinger_seconds = 120\nnewcomer_linger_seconds = 45\n"
        ),
    );
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    assert_eq!(snapshot.diagnostics, []);
    let chat = &snapshot.site.chat;
    assert_eq!(chat.agent_capacity, 2);
    let seconds = std::time::Duration::from_secs;
    assert_eq!((chat.linger.everyone, chat.linger.newcomer), (seconds(120), seconds(45)));
    assert!(chat.hours.is_some());
    // Saturday 7 March 2026, 18:00 in New York: closed until Monday, which is summer time.
    assert!(!chat.within_hours(saturday_night));
    assert_eq!(
        chat.reopening_words(saturday_night).as_deref(),
        Some("We're back Monday at 09:00 (New York time)")
    );
    assert!(chat.within_hours("2026-03-07T15:00:00Z".parse().unwrap()), "Saturday 10:00");
    assert!(chat.within_hours("2026-03-09T13:00:00Z".parse().unwrap()), "Monday 09:00, summer time");
}

#[test]
fn bad_chat_settings_are_located_like_compiler_errors() {
    let chat = |table: &str| diagnostics(&[("site.toml", format!("{SITE}[chat]\n{table}"))]);
    let days =
        "use mon, tue, wed, thu, fri, sat or sun, a range such as mon-fri, or a list such as mon,wed,fri";
    assert_eq!(
        chat("hours = [\n  \"mon-fri 09:00-17:00\",\n  \"mun 10:00-14:00\",\n  \"fri 22:00-02:00\",\n]\nagent_capacity = 0\n"),
        [
            format!("site.toml:8:4: error[site]: `mun` is not a day (help: {days})"),
            "site.toml:9:8: error[site]: `22:00-02:00` passes midnight (help: split it at midnight into two lines: \"fri 22:00-24:00\" and \"sat 00:00-02:00\")".to_owned(),
            "site.toml:11:18: error[site]: `agent_capacity` = 0 is not a number of conversations (help: give how many conversations one agent takes at once, at least 1; leave it out for 3)".to_owned(),
        ]
    );
    assert_eq!(
        chat("hours = []\n"),
        [
            "site.toml:6:9: error[site]: `hours` is empty, so chat would never be offered (help: list when your team answers, e.g. [\"mon-fri 09:00-17:00\"], or leave `hours` out to offer chat whenever an agent is online)"
        ]
    );
    assert_eq!(
        chat("hours = [\"mon-fri\\t09:00-17:00 x\"]\n"),
        [
            "site.toml:6:10: error[site]: unexpected `x` after the hours (help: write one range a line, the days, a space and the hours, without spaces inside: \"mon-fri 09:00-17:00\")"
        ],
        "a line with escapes is pointed at as a whole"
    );
    assert_eq!(
        chat("hour = [\"mon-fri 09:00-17:00\"]\n"),
        [
            "site.toml:6:1: error[site]: unknown field `hour`, expected one of `hours`, `agent_capacity`, `linger_seconds`, `newcomer_linger_seconds`"
        ]
    );
    assert_eq!(
        chat("linger_seconds = 0\nnewcomer_linger_seconds = 7200\n"),
        [
            "site.toml:6:18: error[site]: `linger_seconds` = 0 is not a number of seconds between 1 and 1800 (help: give how long a help page stays in view before a person is offered; leave it out for 90)",
            "site.toml:7:27: error[site]: `newcomer_linger_seconds` = 7200 is not a number of seconds between 1 and 1800 (help: give how long a help page stays in view before a person is offered; leave it out for 60)",
        ]
    );
    assert_eq!(chat("agent_capacity = 3\n"), Vec::<String>::new(), "hours are optional");
    let zone = diagnostics(&[(
        "site.toml",
        SITE.replace("America/New_York", "Eastern") + "[chat]\nhours = [\"sat 10:00-14:00\"]\n",
    )]);
    assert_eq!(
        zone,
        [
            "site.toml:4:1: error[site]: `support_time_zone` = \"Eastern\" is not a time zone name, and chat `hours` are read in it (help: use an IANA name such as \"America/New_York\", \"Europe/London\" or \"UTC\")"
        ]
    );
    let without_hours = diagnostics(&[("site.toml", SITE.replace("America/New_York", "Eastern"))]);
    assert_eq!(without_hours, Vec::<String>::new(), "the zone is only read for chat hours");
}

#[test]
fn the_bundled_help_centre_sets_chat_hours_matching_its_words() {
    let bundled = crate::testing::Fixture::bundled();
    let snapshot = load_snapshot(&bundled.content_dir()).unwrap();
    let site = &snapshot.site;
    assert_eq!(site.support_hours, "Monday to Friday, 8:00 to 18:00 Eastern Time");
    let chat = &site.chat;
    let open = |moment: &str| chat.within_hours(moment.parse().unwrap());
    assert!(open("2026-03-06T13:00:00Z"), "Friday 08:00 in New York");
    assert!(!open("2026-03-06T23:00:00Z"), "Friday 18:00");
    assert!(!open("2026-03-07T15:00:00Z"), "Saturday");
    assert_eq!(chat.agent_capacity, 3);
}

mod hostile;
