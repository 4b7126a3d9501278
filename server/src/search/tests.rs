use super::*;
use crate::content::load_snapshot;
use crate::testing::{Fixture, article};
use std::path::Path;

pub(super) fn bundled() -> (SearchIndex, ContentSnapshot) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let snapshot = load_snapshot(&root).unwrap();
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&snapshot).unwrap();
    (index, snapshot)
}

fn slugs(index: &SearchIndex, request: SearchRequest) -> Vec<String> {
    index
        .search(&SearchRequest { limit: 10, ..request })
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| hit.slug)
        .collect()
}

fn top(index: &SearchIndex, query: &str) -> Vec<String> {
    slugs(index, SearchRequest { query: query.into(), ..SearchRequest::default() })
}

#[test]
fn sync_adds_updates_removes_and_skips_unchanged_articles_by_hash() {
    let fixture = Fixture::new();
    let index = SearchIndex::in_memory().unwrap();
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    assert_eq!(index.sync(&snapshot).unwrap(), SyncReport { added: 3, ..SyncReport::default() });
    assert_eq!(index.sync(&snapshot).unwrap(), SyncReport { unchanged: 3, ..SyncReport::default() });

    fixture.write(
        "articles/invoices/void-an-invoice.md",
        &article(
            "Void an invoice",
            "technical",
            "explanation",
            &[],
            "Voiding keeps the number and cancels the reminder.\n",
        ),
    );
    std::fs::remove_file(fixture.content_dir().join("articles/account/reset-your-password.md")).unwrap();
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    assert_eq!(
        index.sync(&snapshot).unwrap(),
        SyncReport { updated: 1, removed: 1, unchanged: 1, ..SyncReport::default() }
    );
    assert_eq!(index.document_count(), 2);
    assert_eq!(top(&index, "reminder"), ["void-an-invoice"]);
    assert!(top(&index, "password").is_empty());
}

#[test]
fn typos_are_forgiven_by_word_length_and_the_last_word_is_a_prefix() {
    let (index, _) = bundled();
    let within_three = |query: &str, slug: &str| {
        let found = top(&index, query);
        assert!(
            found.iter().take(3).any(|s| s == slug),
            "{query:?} → {found:?}, expected {slug} in the top 3"
        );
    };
    within_three("payuot", "when-do-payouts-arrive");
    within_three("recuring invoices", "create-recurring-invoices");
    let typed_so_far = top(&index, "webho");
    assert!(typed_so_far.iter().take(4).all(|slug| slug.contains("webhook")), "{typed_so_far:?}");
    within_three("two-factr authentication", "turn-on-two-factor-authentication");
    assert!(top(&index, "tpa").is_empty(), "three letters get no typo: `tpa` is not `tap`");
}

#[test]
fn exact_words_rank_above_typo_matches() {
    let fixture = Fixture::new();
    fixture.write("articles/invoices/exact.md", &article("Payment terms", "all", "guide", &[], "Terms.\n"));
    fixture.write("articles/invoices/fuzzy.md", &article("Pyment terms", "all", "guide", &[], "Terms.\n"));
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    assert_eq!(top(&index, "payment terms")[..2], ["exact", "fuzzy"]);
}

#[test]
fn articles_with_more_of_the_words_come_first_however_strong_one_word_is() {
    let fixture = Fixture::new();
    fixture.write(
        "articles/invoices/all-about-quetzals.md",
        &article(
            "Quetzal quetzal quetzal",
            "all",
            "guide",
            &[],
            "## Quetzal\n\nQuetzal, quetzal, quetzal: the quetzal quetzal.\n",
        ),
    );
    fixture.write(
        "articles/invoices/year-end-checklist.md",
        &article(
            "Year-end checklist",
            "all",
            "guide",
            &[],
            "Before the deadline, export every quetzal report to a spreadsheet. Some more words \
             about closing the books, so this body is long and each word weighs little.\n",
        ),
    );
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    let results = index
        .search(&SearchRequest {
            query: "quetzal export deadline".into(),
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    let found: Vec<&str> = results.hits.iter().map(|hit| hit.slug.as_str()).collect();
    assert_eq!(found, ["year-end-checklist", "all-about-quetzals"], "three words beat one");
    assert!(!results.relaxed, "one article has every word");

    let partial = index
        .search(&SearchRequest {
            query: "quetzal export zebracorn".into(),
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(partial.hits[0].slug, "year-end-checklist", "two words beat one");
    assert!(partial.relaxed, "no article has every word");
}

#[test]
fn synonyms_from_content_find_the_same_articles() {
    let (index, _) = bundled();
    let by_bill = top(&index, "bill");
    assert!(by_bill.iter().take(5).any(|slug| slug.contains("invoice")), "{by_bill:?}");
    let by_2fa = top(&index, "2fa");
    assert!(by_2fa.iter().take(3).any(|slug| slug.contains("two-factor")), "{by_2fa:?}");
}

#[test]
fn query_syntax_characters_are_plain_text_never_errors() {
    let (index, _) = bundled();
    for query in [
        "\"refund",
        "refund:",
        "(card",
        "card*",
        "~fee",
        "fee^2",
        "-late",
        "\"\":()*~^-",
        "AND OR NOT",
        "title:refund",
    ] {
        let result =
            index.search(&SearchRequest { query: query.into(), limit: 5, ..SearchRequest::default() });
        assert!(result.is_ok(), "{query:?}: {result:?}");
    }
    assert!(top(&index, "\":()*~^-").is_empty());
}

#[test]
fn results_are_highlighted_and_escaped() {
    let fixture = Fixture::new();
    fixture.write(
        "articles/invoices/tags.md",
        &article("Refund <b>now</b>", "all", "guide", &[], "Ask for a **refund** & we reply in 2 days.\n"),
    );
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    let hit = index
        .search(&SearchRequest { query: "refunds".into(), limit: 5, ..SearchRequest::default() })
        .unwrap()
        .hits
        .remove(0);
    assert_eq!(hit.title_html, "<mark>Refund</mark> &lt;b&gt;now&lt;/b&gt;");
    assert!(
        hit.snippet_html.contains("Ask for a <mark>refund</mark> &amp; we reply"),
        "{}",
        hit.snippet_html
    );
}

#[test]
fn filters_restrict_results_to_a_category_level_or_kind() {
    let (index, snapshot) = bundled();
    let request = |category: Option<&str>, level, kind| SearchRequest {
        query: "invoice".into(),
        category: category.map(str::to_owned),
        level,
        kind,
        ..SearchRequest::default()
    };
    for slug in slugs(&index, request(Some("troubleshooting"), None, None)) {
        assert_eq!(snapshot.articles[&slug].category, "troubleshooting");
    }
    for slug in slugs(&index, request(None, Some(Level::Expert), Some(ArticleKind::Reference))) {
        let front_matter = &snapshot.articles[&slug].front_matter;
        assert_eq!((front_matter.level, front_matter.kind), (Level::Expert, ArticleKind::Reference));
    }
}

#[test]
fn the_visitors_level_lifts_their_articles_and_routes_newcomers_to_guides() {
    let fixture = Fixture::new();
    for (slug, level, kind) in
        [("for-newcomers", "newcomer", "guide"), ("for-experts", "expert", "reference")]
    {
        fixture.write(
            &format!("articles/invoices/{slug}.md"),
            &article("Webhook signatures", level, kind, &[], "How webhook signatures work.\n"),
        );
    }
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    let ranked = |visitor_level| {
        slugs(
            &index,
            SearchRequest { query: "webhook signatures".into(), visitor_level, ..SearchRequest::default() },
        )
    };
    assert_eq!(ranked(Some(Level::Newcomer))[0], "for-newcomers");
    assert_eq!(ranked(Some(Level::Expert))[0], "for-experts");
}

#[test]
fn when_not_every_word_matches_results_match_some_and_say_so() {
    let (index, _) = bundled();
    let results = index
        .search(&SearchRequest { query: "payout zebracorn".into(), limit: 5, ..SearchRequest::default() })
        .unwrap();
    assert!(results.relaxed);
    assert!(!results.hits.is_empty());
}

#[test]
fn html_is_reduced_to_its_text() {
    assert_eq!(
        super::document::html_to_text("<p>A &amp; <strong>B</strong>.</p><ul><li>one</li></ul>"),
        "A & B. one"
    );
}

#[test]
fn filter_counts_respect_the_other_filters() {
    let (index, snapshot) = bundled();
    let search = |category: Option<&str>| {
        index
            .search(&SearchRequest {
                query: "invoice".into(),
                category: category.map(str::to_owned),
                limit: 100,
                ..SearchRequest::default()
            })
            .unwrap()
    };
    let all = search(None);
    let in_troubleshooting = search(Some("troubleshooting"));
    assert_eq!(
        all.counts.categories, in_troubleshooting.counts.categories,
        "a category filter does not change category counts"
    );
    let expected_levels: usize = in_troubleshooting.hits.len();
    assert_eq!(
        in_troubleshooting.counts.levels.values().sum::<usize>(),
        expected_levels,
        "level counts stay within the category"
    );
    assert_eq!(all.counts.categories["troubleshooting"], expected_levels);
    for hit in &in_troubleshooting.hits {
        assert_eq!(snapshot.articles[&hit.slug].category, "troubleshooting");
    }
}

#[test]
fn did_you_mean_offers_the_closest_word_the_articles_use() {
    let (index, _) = bundled();
    assert_eq!(index.did_you_mean("pazzword").as_deref(), Some("password"));
    assert_eq!(index.did_you_mean("password"), None);
    assert_eq!(index.did_you_mean("zzzzzzzzqqq"), None);
}

#[test]
fn a_query_is_in_article_words_only_when_every_longer_word_is_one_the_articles_use() {
    let (index, _) = bundled();
    assert_eq!(index.in_article_words("Reset my PASSWORD?").as_deref(), Some("reset my password"));
    assert_eq!(index.in_article_words("cheap pills password"), None, "words the articles never use");
    assert_eq!(index.in_article_words("pazzword"), None, "a typo is not the articles' word");
    let long_junk = format!("password {}", "a".repeat(41));
    assert_eq!(index.in_article_words(&long_junk), None, "a word too long to be searched is still shown");
    assert_eq!(index.in_article_words("  ?! "), None);
}

#[test]
fn an_index_on_disk_keeps_its_articles_across_opens() {
    let fixture = Fixture::new();
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search-index");
    {
        let index = SearchIndex::open(&path).unwrap();
        assert_eq!(index.sync(&snapshot).unwrap(), SyncReport { added: 3, ..SyncReport::default() });
    }
    let reopened = SearchIndex::open(&path).unwrap();
    assert_eq!(reopened.document_count(), 3);
    assert_eq!(reopened.sync(&snapshot).unwrap(), SyncReport { unchanged: 3, ..SyncReport::default() });
    assert_eq!(top(&reopened, "pasword"), ["reset-your-password"], "the analyzer is registered again");

    let rebuilt = reopened.rebuild(&snapshot, &mut |_| {}).unwrap();
    assert_eq!(rebuilt, SyncReport { added: 3, ..SyncReport::default() });
    assert_eq!(reopened.document_count(), 3);
}

#[test]
fn an_index_with_another_schema_or_unreadable_files_is_rebuilt_not_fatal() {
    let fixture = Fixture::new();
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let older = dir.path().join("older");
    std::fs::create_dir_all(&older).unwrap();
    let mut schema = Schema::builder();
    schema.add_text_field("title", STRING | STORED);
    Index::create_in_dir(&older, schema.build()).unwrap();
    let index = SearchIndex::open(&older).unwrap();
    assert_eq!(index.document_count(), 0);
    assert_eq!(index.sync(&snapshot).unwrap().added, 3);

    let garbled = dir.path().join("garbled");
    std::fs::create_dir_all(&garbled).unwrap();
    std::fs::write(garbled.join("meta.json"), "{ not json").unwrap();
    let index = SearchIndex::open(&garbled).unwrap();
    assert_eq!(index.sync(&snapshot).unwrap().added, 3);
    assert_eq!(top(&index, "password"), ["reset-your-password"]);
}

#[test]
fn a_second_index_on_the_same_folder_sees_the_first_ones_articles() {
    let fixture = Fixture::new();
    let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = SearchIndex::open(dir.path()).unwrap();
    let second = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(first.sync(&snapshot).unwrap().added, 3);
    assert_eq!(second.sync(&snapshot).unwrap(), SyncReport { unchanged: 3, ..SyncReport::default() });
}

#[test]
fn filter_counts_follow_an_edited_article_into_its_new_segment() {
    let fixture = Fixture::new();
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    let levels_of_number = || {
        let results =
            index.search(&SearchRequest { query: "number".into(), ..SearchRequest::default() }).unwrap();
        let live: std::collections::HashSet<_> =
            index.reader.searcher().segment_readers().iter().map(|reader| reader.segment_id()).collect();
        assert_eq!(index.facets.cached_segments(), live, "the cache holds exactly the live segments");
        results.counts.levels
    };
    assert_eq!(levels_of_number(), std::collections::BTreeMap::from([("technical".to_owned(), 1)]));

    fixture.write(
        "articles/invoices/void-an-invoice.md",
        &article("Void an invoice", "expert", "reference", &[], "Voiding keeps the number.\n"),
    );
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    assert_eq!(levels_of_number(), std::collections::BTreeMap::from([("expert".to_owned(), 1)]));
}

#[test]
fn a_swapped_pair_of_letters_is_one_typo_against_the_words_as_written() {
    let (index, _) = bundled();
    // "chnage" is one swap from "change" but two edits from its stem "chang".
    let found = top(&index, "chnage");
    assert!(found.iter().take(3).any(|slug| slug.starts_with("change-")), "{found:?}");
    let found = top(&index, "chnage currency");
    assert_eq!(
        found.first().map(String::as_str),
        Some("webhook-events-reference"),
        "the one with both words"
    );
    assert!(top(&index, "xhange").is_empty(), "a typo on the first letter counts as two");
}

#[test]
fn a_word_matched_for_real_outranks_a_word_matched_by_a_typo() {
    let fixture = Fixture::new();
    for (slug, title) in [
        ("both", "Payment terms"),
        ("one-real-one-typo", "Pyment terms"),
        ("one-real", "Payment schedule"),
        ("typo-only", "Pyment options"),
    ] {
        fixture
            .write(&format!("articles/invoices/{slug}.md"), &article(title, "all", "guide", &[], "Text.\n"));
    }
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    let results = index
        .search(&SearchRequest { query: "payment terms".into(), limit: 10, ..SearchRequest::default() })
        .unwrap();
    let found: Vec<&str> = results.hits.iter().map(|hit| hit.slug.as_str()).collect();
    assert_eq!(found[..4], ["both", "one-real-one-typo", "one-real", "typo-only"]);
    // The fixture's own articles mention neither word.
    assert_eq!(results.total, found.len());

    let (index, _) = bundled();
    let found = top(&index, "change currency");
    let with_currency =
        ["create-your-account", "export-to-csv", "api-quickstart", "webhook-events-reference"];
    for slug in &found {
        assert!(!slug.contains("current"), "{found:?}");
    }
    assert!(found.iter().any(|slug| with_currency.contains(&slug.as_str())), "{found:?}");
}

#[test]
fn the_total_is_every_match_and_the_pages_reach_them_all() {
    let (index, _) = bundled();
    let page = |offset| {
        index
            .search(&SearchRequest {
                query: "invoice reminder".into(),
                offset,
                limit: 20,
                ..SearchRequest::default()
            })
            .unwrap()
    };
    let first = page(0);
    assert!(first.total > 20, "more than a page: {}", first.total);
    assert_eq!(
        first.counts.categories.values().sum::<usize>(),
        first.total,
        "the filters add up to the total"
    );
    let mut seen: Vec<String> = Vec::new();
    for offset in (0..first.total).step_by(20) {
        let results = page(offset);
        assert_eq!(results.total, first.total);
        seen.extend(results.hits.into_iter().map(|hit| hit.slug));
    }
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (first.total, first.total), "every result once: {seen:?}");
    assert!(page(first.total).hits.is_empty(), "past the end");
}

#[test]
fn suggestions_never_go_silent() {
    let (index, _) = bundled();
    let partial = index.suggest("chnage currency", None, 6);
    assert!(!partial.hits.is_empty(), "{partial:?}");
    let some_words = index.suggest("currency zebracorn", None, 6);
    assert!(!some_words.hits.is_empty() && some_words.partial, "{some_words:?}");
    let misspelt = index.suggest("pazzword", None, 6);
    assert_eq!(misspelt.did_you_mean.as_deref(), Some("password"), "{misspelt:?}");
    let nothing = index.suggest("xyzzy plugh", None, 6);
    assert_eq!(nothing.query, "xyzzy plugh", "the box offers to see all results for it");
    assert!(nothing.hits.is_empty() && nothing.did_you_mean.is_none());
}

#[test]
fn snippets_are_sentences_of_prose_not_table_cells_or_code() {
    let fixture = Fixture::new();
    fixture.write(
        "articles/invoices/reminders.md",
        &article(
            "Reminder settings",
            "all",
            "reference",
            &[],
            "| Setting | Default |\n|---|---|\n| Reminder days | 3 |\n| Reminder wording | Friendly |\n\n\
             ```json\n{\"reminder\": {\"days\": 3}}\n```\n\n\
             Open the settings first. Each reminder goes out at nine in the morning, in your time zone. \
             You can change it any time.\n",
        ),
    );
    let index = SearchIndex::in_memory().unwrap();
    index.sync(&load_snapshot(&fixture.content_dir()).unwrap()).unwrap();
    let hit = index
        .search(&SearchRequest { query: "reminder time".into(), limit: 5, ..SearchRequest::default() })
        .unwrap()
        .hits
        .remove(0);
    assert_eq!(
        hit.snippet_html,
        "Each <mark>reminder</mark> goes out at nine in the morning, in your <mark>time</mark> zone. \
         You can change it any <mark>time</mark>."
    );
    let only_in_the_table = index
        .search(&SearchRequest { query: "friendly".into(), limit: 5, ..SearchRequest::default() })
        .unwrap()
        .hits
        .remove(0);
    assert!(
        only_in_the_table.snippet_html.contains("<mark>Friendly</mark>"),
        "{}",
        only_in_the_table.snippet_html
    );
}
