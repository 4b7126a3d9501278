use super::*;
use OfferReason::*;

const SECOND: i64 = 1000;
const MINUTE: i64 = 60 * SECOND;

fn searched(query: &str, results: u32) -> EventKind {
    EventKind::Searched { query: query.into(), results }
}

/// A search that found nothing, recorded as the search page records it: the
/// search, then the gap for editors.
fn failed_search(at: i64, query: &str) -> [(i64, EventKind); 2] {
    [(at, searched(query, 0)), (at, EventKind::SearchWithoutResults { query: query.into() })]
}

fn clicked(query: &str) -> EventKind {
    EventKind::SearchResultClicked { query: query.into(), rank: 1, slug: "refunds".into() }
}

fn page(page: PageType, path: &str) -> EventKind {
    EventKind::PageViewed { page, path: path.into(), title: "T".into(), referrer: None }
}

fn article(slug: &str) -> EventKind {
    page(PageType::Article, &format!("/articles/{slug}"))
}

fn results_page() -> EventKind {
    page(PageType::SearchResults, "/search")
}

fn category() -> EventKind {
    page(PageType::Category, "/categories/billing")
}

fn vote(slug: &str, helpful: bool) -> EventKind {
    EventKind::ArticleFeedback { slug: slug.into(), helpful, looking_for: None }
}

fn form_errors(task: &str) -> EventKind {
    EventKind::TaskValidationFailed {
        task: task.into(),
        fields: vec!["amount".into()],
        messages: Default::default(),
    }
}

fn sent(task: &str) -> EventKind {
    EventKind::TaskSubmitted { task: task.into(), reference: "TP-1".into() }
}

fn dismissed() -> EventKind {
    EventKind::ChatOfferDismissed { path: "/search".into() }
}

fn queries(queries: &[&str]) -> Vec<String> {
    queries.iter().map(|query| (*query).to_owned()).collect()
}

/// The reasons right after the last event.
fn reasons_after(events: &[(i64, EventKind)]) -> Vec<OfferReason> {
    offer_reasons(events, events.iter().map(|(at, _)| *at).max().unwrap_or(0))
}

type Case = (&'static str, Vec<(i64, EventKind)>, Vec<OfferReason>);

fn check(cases: Vec<Case>) {
    for (name, events, expected) in cases {
        assert_eq!(reasons_after(&events), expected, "{name}");
    }
}

#[test]
fn searches_that_found_nothing_within_five_minutes_are_a_sign() {
    let two = |gap: i64, second: &str| -> Vec<(i64, EventKind)> {
        [failed_search(0, "refnd"), failed_search(gap, second)].concat()
    };
    check(vec![
        ("none", vec![], vec![]),
        ("one search that found nothing", failed_search(0, "refnd").to_vec(), vec![]),
        (
            "two, 4 minutes apart",
            two(4 * MINUTE, "money back"),
            vec![SearchesFoundNothing { queries: queries(&["refnd", "money back"]) }],
        ),
        (
            "two, exactly 5 minutes apart",
            two(5 * MINUTE, "money back"),
            vec![SearchesFoundNothing { queries: queries(&["refnd", "money back"]) }],
        ),
        ("two, 6 minutes apart", two(6 * MINUTE, "money back"), vec![]),
        ("the same words again (a reload) are one search", two(MINUTE, "  Refnd "), vec![]),
        (
            "only the latest three are quoted, as typed",
            [
                failed_search(0, "a1"),
                failed_search(SECOND, "b2"),
                failed_search(2 * SECOND, "c3"),
                failed_search(3 * SECOND, "  D4 "),
            ]
            .concat(),
            vec![SearchesFoundNothing { queries: queries(&["b2", "c3", "D4"]) }],
        ),
        (
            "the latest run counts",
            [failed_search(0, "old"), failed_search(10 * MINUTE, "x1"), failed_search(11 * MINUTE, "y2")]
                .concat(),
            vec![SearchesFoundNothing { queries: queries(&["x1", "y2"]) }],
        ),
    ]);
}

#[test]
fn searches_nobody_opened_count_once_the_visitor_moved_on() {
    let two_searches = vec![
        (0, searched("refund", 4)),
        (0, results_page()),
        (MINUTE, searched("api key", 7)),
        (MINUTE, results_page()),
    ];
    let moved_on = |event: EventKind| -> Vec<(i64, EventKind)> {
        let mut events = two_searches.clone();
        events.push((2 * MINUTE, event));
        events
    };
    let both = vec![SearchesWithoutClick { queries: queries(&["refund", "api key"]) }];
    check(vec![
        ("still on the second search's results", two_searches.clone(), vec![]),
        ("then another page", moved_on(category()), both.clone()),
        ("then the results page again", moved_on(results_page()), vec![]),
        ("then a third search, also unopened so far", moved_on(searched("export", 3)), {
            vec![SearchesWithoutClick { queries: queries(&["refund", "api key"]) }]
        }),
        ("a result of the first opened", moved_on(clicked("Refund")), vec![]),
        (
            "the second 6 minutes later",
            vec![(0, searched("refund", 4)), (6 * MINUTE, searched("api key", 7)), (7 * MINUTE, category())],
            vec![],
        ),
        (
            "one found nothing, one unopened",
            [
                failed_search(0, "zebracorn").to_vec(),
                vec![(MINUTE, searched("api key", 7)), (2 * MINUTE, category())],
            ]
            .concat(),
            vec![SearchesWithoutClick { queries: queries(&["zebracorn", "api key"]) }],
        ),
    ]);
}

#[test]
fn a_reworded_search_is_a_sign_on_its_own_results_page() {
    let pair = |first: (&str, u32), second: (&str, u32), gap: i64| -> Vec<(i64, EventKind)> {
        vec![(0, searched(first.0, first.1)), (gap, searched(second.0, second.1)), (gap, results_page())]
    };
    let reworded = |first: &str, second: &str| {
        vec![ReformulatedSearch { first: first.to_owned(), second: second.to_owned() }]
    };
    check(vec![
        (
            "a word added",
            pair(("refund", 4), ("refund card payment", 2), MINUTE),
            reworded("refund", "refund card payment"),
        ),
        ("a typo fixed", pair(("invoce", 0), ("invoice", 9), 30 * SECOND), reworded("invoce", "invoice")),
        ("a plural", pair(("refund", 4), ("Refunds", 4), MINUTE), reworded("refund", "Refunds")),
        (
            "two letters swapped",
            pair(("chnage plan", 1), ("change plan", 5), MINUTE),
            reworded("chnage plan", "change plan"),
        ),
        (
            "exactly 2 minutes later",
            pair(("refund", 4), ("refund card", 2), 2 * MINUTE),
            reworded("refund", "refund card"),
        ),
        ("3 minutes later is a new search", pair(("refund", 4), ("refund card", 2), 3 * MINUTE), vec![]),
        ("unrelated words", pair(("refund", 4), ("api key", 2), MINUTE), vec![]),
        ("only common words shared", pair(("how to refund", 4), ("how to export", 2), MINUTE), vec![]),
        ("short words need to match exactly", pair(("tax", 4), ("fax", 2), MINUTE), vec![]),
        (
            "the first one's result was opened",
            [pair(("refund", 4), ("refund card", 2), MINUTE), vec![(MINUTE, clicked("refund"))]].concat(),
            vec![],
        ),
        (
            "the second one's result was opened",
            [pair(("refund", 4), ("refund card", 2), MINUTE), vec![(2 * MINUTE, clicked("refund card"))]]
                .concat(),
            vec![],
        ),
        (
            "both found nothing: that says more",
            [failed_search(0, "refnd"), failed_search(MINUTE, "refnd card")].concat(),
            vec![SearchesFoundNothing { queries: queries(&["refnd", "refnd card"]) }],
        ),
        (
            "moving on after a rewording keeps its words",
            [pair(("refund", 4), ("refund card", 2), MINUTE), vec![(2 * MINUTE, category())]].concat(),
            reworded("refund", "refund card"),
        ),
    ]);
}

#[test]
fn a_no_vote_is_a_sign_and_a_yes_answers_everything_before_it() {
    check(vec![
        ("a no", vec![(0, vote("refunds", false))], vec![SaidNo { slug: "refunds".into() }]),
        (
            "a no, then what the visitor was looking for: one vote",
            vec![
                (0, vote("refunds", false)),
                (
                    SECOND,
                    EventKind::ArticleFeedback {
                        slug: "refunds".into(),
                        helpful: false,
                        looking_for: Some("card refunds".into()),
                    },
                ),
            ],
            vec![SaidNo { slug: "refunds".into() }],
        ),
        (
            "a no, then a yes elsewhere",
            vec![(0, vote("refunds", false)), (MINUTE, vote("payouts", true))],
            vec![],
        ),
        (
            "a yes, then a no",
            vec![(0, vote("payouts", true)), (MINUTE, vote("refunds", false))],
            vec![SaidNo { slug: "refunds".into() }],
        ),
        ("a yes alone", vec![(0, vote("refunds", true))], vec![]),
        (
            "searches that found nothing, then a yes",
            [
                failed_search(0, "refnd").to_vec(),
                failed_search(MINUTE, "money back").to_vec(),
                vec![(2 * MINUTE, vote("refunds", true))],
            ]
            .concat(),
            vec![],
        ),
    ]);
}

#[test]
fn three_different_articles_within_two_minutes_without_a_yes_are_bouncing() {
    let articles = |times_and_slugs: &[(i64, &str)]| -> Vec<(i64, EventKind)> {
        times_and_slugs.iter().map(|(at, slug)| (*at, article(slug))).collect()
    };
    check(vec![
        ("two", articles(&[(0, "a"), (30 * SECOND, "b")]), vec![]),
        (
            "three in 90 s",
            articles(&[(0, "a"), (45 * SECOND, "b"), (90 * SECOND, "c")]),
            vec![Bouncing { articles: 3 }],
        ),
        (
            "three in exactly 2 minutes",
            articles(&[(0, "a"), (MINUTE, "b"), (2 * MINUTE, "c")]),
            vec![Bouncing { articles: 3 }],
        ),
        ("three in 3 minutes", articles(&[(0, "a"), (90 * SECOND, "b"), (3 * MINUTE, "c")]), vec![]),
        (
            "one article reloaded",
            articles(&[(0, "a"), (SECOND, "a"), (2 * SECOND, "a"), (3 * SECOND, "a")]),
            vec![],
        ),
        (
            "two, back and forth",
            articles(&[(0, "a"), (SECOND, "b"), (2 * SECOND, "a"), (3 * SECOND, "b")]),
            vec![],
        ),
        (
            "four",
            articles(&[(0, "a"), (20 * SECOND, "b"), (40 * SECOND, "c"), (60 * SECOND, "d")]),
            vec![Bouncing { articles: 4 }],
        ),
        (
            "a yes after them",
            [articles(&[(0, "a"), (20 * SECOND, "b"), (40 * SECOND, "c")]), vec![(MINUTE, vote("c", true))]]
                .concat(),
            vec![],
        ),
        (
            "a yes, then three more",
            [vec![(0, vote("a", true))], articles(&[(SECOND, "b"), (2 * SECOND, "c"), (3 * SECOND, "d")])]
                .concat(),
            vec![Bouncing { articles: 3 }],
        ),
        (
            "other pages are not articles",
            vec![
                (0, category()),
                (SECOND, results_page()),
                (2 * SECOND, article("a")),
                (3 * SECOND, article("b")),
            ],
            vec![],
        ),
    ]);
}

#[test]
fn a_form_sent_back_twice_is_a_sign_and_sending_it_answers_it() {
    check(vec![
        ("once", vec![(0, form_errors("refund"))], vec![]),
        (
            "twice",
            vec![(0, form_errors("refund")), (MINUTE, form_errors("refund"))],
            vec![TaskErrors { task: "refund".into(), failures: 2 }],
        ),
        (
            "three times, an hour's visit apart",
            vec![
                (0, form_errors("refund")),
                (20 * MINUTE, form_errors("refund")),
                (40 * MINUTE, form_errors("refund")),
            ],
            vec![TaskErrors { task: "refund".into(), failures: 3 }],
        ),
        (
            "once each on two forms",
            vec![(0, form_errors("refund")), (MINUTE, form_errors("close-account"))],
            vec![],
        ),
        (
            "twice, then sent",
            vec![(0, form_errors("refund")), (MINUTE, form_errors("refund")), (2 * MINUTE, sent("refund"))],
            vec![],
        ),
        (
            "the latest of two forms",
            vec![
                (0, form_errors("a")),
                (SECOND, form_errors("b")),
                (2 * SECOND, form_errors("a")),
                (3 * SECOND, form_errors("b")),
            ],
            vec![TaskErrors { task: "b".into(), failures: 2 }],
        ),
    ]);
}

#[test]
fn a_dismissal_silences_the_rest_of_the_visit_and_a_shown_offer_stays() {
    let stuck = vec![(0, form_errors("refund")), (MINUTE, form_errors("refund"))];
    let offered = EventKind::ChatOffered {
        reasons: vec![TaskErrors { task: "refund".into(), failures: 2 }],
        path: "/tasks/refund".into(),
    };
    check(vec![
        (
            "shown on one page, still offered on the next",
            [stuck.clone(), vec![(MINUTE, offered.clone()), (2 * MINUTE, category())]].concat(),
            vec![TaskErrors { task: "refund".into(), failures: 2 }],
        ),
        (
            "dismissed",
            [stuck.clone(), vec![(2 * MINUTE, offered), (3 * MINUTE, dismissed())]].concat(),
            vec![],
        ),
        (
            "new signs after the dismissal",
            [stuck.clone(), vec![(2 * MINUTE, dismissed()), (3 * MINUTE, vote("refunds", false))]].concat(),
            vec![],
        ),
        (
            "dismissed in an earlier visit",
            [
                vec![(0, dismissed())],
                vec![(31 * MINUTE, form_errors("refund")), (32 * MINUTE, form_errors("refund"))],
            ]
            .concat(),
            vec![TaskErrors { task: "refund".into(), failures: 2 }],
        ),
    ]);
}

#[test]
fn a_visit_ends_after_thirty_quiet_minutes_and_the_next_starts_fresh() {
    let no = vec![(0, vote("refunds", false))];
    let said_no = vec![SaidNo { slug: "refunds".into() }];
    assert_eq!(offer_reasons(&no, 30 * MINUTE), said_no, "30 minutes later the visit goes on");
    assert_eq!(offer_reasons(&no, 30 * MINUTE + 1), vec![], "a moment later it is over");
    let later = [no.clone(), vec![(30 * MINUTE + 1, category())]].concat();
    assert_eq!(reasons_after(&later), vec![], "a page after the silence starts a new visit");
    let within = [no.clone(), vec![(30 * MINUTE, category())]].concat();
    assert_eq!(reasons_after(&within), said_no);
    let searches_across_visits =
        [failed_search(0, "refnd"), failed_search(31 * MINUTE, "money back")].concat();
    assert_eq!(reasons_after(&searches_across_visits), vec![]);
}

#[test]
fn the_most_recent_sign_comes_first_in_any_given_order() {
    let events = [
        vec![(0, vote("refunds", false))],
        failed_search(MINUTE, "refnd").to_vec(),
        failed_search(2 * MINUTE, "money back").to_vec(),
        vec![(3 * MINUTE, form_errors("refund")), (4 * MINUTE, form_errors("refund"))],
        vec![
            (5 * MINUTE, article("a")),
            (5 * MINUTE + SECOND, article("b")),
            (5 * MINUTE + 2 * SECOND, article("c")),
        ],
    ]
    .concat();
    let expected = vec![
        Bouncing { articles: 3 },
        TaskErrors { task: "refund".into(), failures: 2 },
        SearchesFoundNothing { queries: queries(&["refnd", "money back"]) },
        SaidNo { slug: "refunds".into() },
    ];
    assert_eq!(reasons_after(&events), expected);
    let newest_first: Vec<(i64, EventKind)> = events.iter().rev().cloned().collect();
    assert_eq!(reasons_after(&newest_first), expected, "as the store lists them, newest first");
    let borrowed: Vec<(i64, &EventKind)> = events.iter().map(|(at, kind)| (*at, kind)).collect();
    assert_eq!(offer_reasons(&borrowed, 6 * MINUTE), expected, "borrowed events read the same");
}

#[test]
fn a_flood_of_events_is_read_quickly() {
    let mut events = Vec::new();
    for n in 0..20_000_i64 {
        let query = format!("query number {n} with several words to compare");
        events.push((n * 10, searched(&query, 3)));
        events.push((n * 10, article(&format!("a{}", n % 2))));
    }
    let started = std::time::Instant::now();
    let reasons = reasons_after(&events);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(matches!(reasons.as_slice(), [ReformulatedSearch { .. }]), "{reasons:?}");
}

#[test]
fn current_visit_keeps_the_events_after_the_last_silence() {
    let events: Vec<(i64, ())> =
        [0, MINUTE, 40 * MINUTE, 41 * MINUTE, 71 * MINUTE].map(|at| (at, ())).to_vec();
    assert_eq!(current_visit(&events, 71 * MINUTE), &events[2..], "a gap of exactly 30 minutes continues");
    assert_eq!(current_visit(&events, 101 * MINUTE), &events[2..]);
    assert!(current_visit(&events, 101 * MINUTE + 1).is_empty());
    assert!(current_visit::<()>(&[], 0).is_empty());
    assert_eq!(current_visit(&events[..2], MINUTE), &events[..2]);
}

#[test]
fn newcomers_are_offered_a_person_after_a_minute_others_after_ninety_seconds() {
    let seconds = Duration::from_secs;
    let times = LingerTimes::default();
    for (visible, level, expected) in [
        (seconds(59), Some(Level::Newcomer), None),
        (seconds(60), Some(Level::Newcomer), Some(60)),
        (seconds(89), Some(Level::Technical), None),
        (seconds(90), Some(Level::Technical), Some(90)),
        (seconds(60), Some(Level::Expert), None),
        (seconds(60), None, None),
        (seconds(125), None, Some(125)),
    ] {
        assert_eq!(
            times.lingered(visible, level),
            expected.map(|seconds| Lingered { seconds }),
            "{visible:?} for {level:?}"
        );
    }
    assert_eq!(times.threshold(Some(Level::Newcomer)), seconds(60));
    assert_eq!(times.threshold(Some(Level::All)), seconds(90));
    let site = LingerTimes { everyone: seconds(120), newcomer: seconds(45) };
    assert_eq!(site.lingered(seconds(100), Some(Level::Expert)), None, "a site's own time");
    assert_eq!(site.lingered(seconds(45), Some(Level::Newcomer)), Some(Lingered { seconds: 45 }));
}

#[test]
fn a_page_read_long_enough_offers_a_person_for_the_rest_of_the_visit_until_a_yes() {
    let read = |path: &str, seconds| EventKind::Lingered { path: path.into(), seconds };
    let events = [(0, read("/articles/a", 92))];
    assert_eq!(offer_reasons(&events, MINUTE), vec![Lingered { seconds: 92 }]);
    let later = [(0, read("/articles/a", 92)), (2 * MINUTE, read("/articles/b", 130))];
    assert_eq!(offer_reasons(&later, 3 * MINUTE), vec![Lingered { seconds: 130 }], "the latest page only");
    let answered = [
        (0, read("/articles/a", 92)),
        (MINUTE, EventKind::ArticleFeedback { slug: "a".into(), helpful: true, looking_for: None }),
    ];
    assert!(offer_reasons(&answered, 2 * MINUTE).is_empty(), "a yes answers it");
    let dismissed =
        [(0, read("/articles/a", 92)), (MINUTE, EventKind::ChatOfferDismissed { path: "/".into() })];
    assert!(offer_reasons(&dismissed, 2 * MINUTE).is_empty());
    assert!(offer_reasons(&events, 40 * MINUTE).is_empty(), "a new visit starts fresh");
}

#[test]
fn each_reason_in_the_visitors_words_and_the_agents() {
    let cases = [
        (
            Lingered { seconds: 95 },
            "Still reading? If this page doesn't answer your question, a person can help.",
            "Read one page for 95 s",
        ),
        (
            SearchesFoundNothing { queries: queries(&["refnd", "money back"]) },
            "Still looking? Searches for 'refnd' and 'money back' found nothing; a person can help.",
            "2 searches found nothing: 'refnd', 'money back'",
        ),
        (
            SearchesFoundNothing { queries: queries(&["x"]) },
            "Still looking? Your search for 'x' found nothing; a person can help.",
            "1 search found nothing: 'x'",
        ),
        (
            SearchesWithoutClick { queries: queries(&["refund", "api key", "export"]) },
            "Still looking? If the results for 'refund', 'api key' and 'export' weren't what you need, a person can help.",
            "3 searches, no result opened: 'refund', 'api key', 'export'",
        ),
        (
            ReformulatedSearch { first: "invoce".into(), second: "invoice".into() },
            "Still looking? You searched for 'invoce', then 'invoice'; a person can help.",
            "Reworded a search: 'invoce', then 'invoice'",
        ),
        (
            SaidNo { slug: "refunds".into() },
            "Sorry that article didn't help. A person can answer your question.",
            "Said no to the article 'refunds'",
        ),
        (
            Bouncing { articles: 4 },
            "Haven't found the right article yet? A person can help.",
            "Opened 4 articles within 2 minutes, no \"yes\"",
        ),
        (
            TaskErrors { task: "refund".into(), failures: 2 },
            "Trouble with this form? A person can help you finish it.",
            "The form 'refund' came back with errors 2 times",
        ),
        (AskedForPerson, "You asked to talk to a person.", "Asked for a person"),
    ];
    for (reason, visitor, agent) in cases {
        assert_eq!(reason.visitor_words(), visitor);
        assert_eq!(reason.agent_words(), agent);
    }
}

#[test]
fn hostile_queries_are_quoted_short_on_one_line_in_their_own_order() {
    let long = "refund ".repeat(100);
    let reason = SearchesFoundNothing {
        queries: vec![long, "two\nlines\u{0}\ttabbed".into(), "\u{202e}txt.exe\u{202c} invoice".into()],
    };
    let cut = "'refund refund refund refund refund refund refund refund ref…'";
    assert_eq!(cut.chars().count(), 60 + 2, "60 characters with the ellipsis, in quotes");
    assert_eq!(
        reason.agent_words(),
        format!("3 searches found nothing: {cut}, 'two lines tabbed', 'txt.exe invoice'")
    );
    assert_eq!(
        reason.visitor_words(),
        format!(
            "Still looking? Searches for {cut}, 'two lines tabbed' and 'txt.exe invoice' found nothing; a person can help."
        )
    );
}

#[test]
fn reasons_are_stored_under_their_names_with_their_fields() {
    let cases = [
        (Lingered { seconds: 90 }, serde_json::json!({ "reason": "lingered", "seconds": 90 })),
        (
            SearchesFoundNothing { queries: queries(&["x"]) },
            serde_json::json!({ "reason": "searches_found_nothing", "queries": ["x"] }),
        ),
        (
            SearchesWithoutClick { queries: queries(&["x", "y"]) },
            serde_json::json!({ "reason": "searches_without_click", "queries": ["x", "y"] }),
        ),
        (
            ReformulatedSearch { first: "a".into(), second: "b".into() },
            serde_json::json!({ "reason": "reformulated_search", "first": "a", "second": "b" }),
        ),
        (SaidNo { slug: "refunds".into() }, serde_json::json!({ "reason": "said_no", "slug": "refunds" })),
        (Bouncing { articles: 3 }, serde_json::json!({ "reason": "bouncing", "articles": 3 })),
        (
            TaskErrors { task: "refund".into(), failures: 2 },
            serde_json::json!({ "reason": "task_errors", "task": "refund", "failures": 2 }),
        ),
        (AskedForPerson, serde_json::json!({ "reason": "asked_for_person" })),
    ];
    for (reason, stored) in cases {
        assert_eq!(serde_json::to_value(&reason).unwrap(), stored);
        assert_eq!(serde_json::from_value::<OfferReason>(stored).unwrap(), reason);
    }
}

#[test]
fn rewordings_share_a_word_or_spell_one_differently() {
    for (first, second, expected) in [
        ("refund", "refund card", true),
        ("refund", "refunds", true),
        ("invoce", "invoice", true),
        ("chnage plan", "change plan", true),
        ("recurring invoices", "reccuring", true),
        ("subscriptoin", "subscription", true),
        ("api key", "webhook", false),
        ("how do i", "how can i", false),
        ("tax", "fax", false),
        ("vat", "vat number", true),
        ("pay", "payout", true),
        ("pa", "pay", false),
    ] {
        assert_eq!(reworded(first, second), expected, "{first} / {second}");
    }
    assert_eq!(edit_distance("chnage", "change"), 1);
    assert_eq!(edit_distance("invoce", "invoice"), 1);
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

#[test]
fn each_reason_is_named_as_it_is_stored() {
    let reasons = [
        Lingered { seconds: 90 },
        SearchesFoundNothing { queries: vec!["x".into()] },
        SearchesWithoutClick { queries: vec!["x".into()] },
        ReformulatedSearch { first: "a".into(), second: "b".into() },
        SaidNo { slug: "refunds".into() },
        Bouncing { articles: 3 },
        TaskErrors { task: "t".into(), failures: 2 },
        AskedForPerson,
    ];
    for reason in reasons {
        assert_eq!(serde_json::to_value(&reason).unwrap()["reason"], reason.name(), "{reason:?}");
    }
}
