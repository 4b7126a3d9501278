//! The customer's trail, as the agent reads it beside the conversation: their
//! events from the day before the chat on, made into steps (pages read and for how
//! long, searches with their result counts and what was opened from them, votes,
//! task forms sent back with what each field was refused for, or sent), where they
//! are now, how far through their welcome kit and which notices they saw (from what
//! their browser remembered when the chat started), and their earlier
//! conversations. Pure: the console reads the stores and hands the events in.

use crate::content::{ContentSnapshot, SiteTimeZone};
use crate::journeys::visits::VISIT_GAP_MS;
use crate::store::StoredEvent;
use crate::store::conversations::Conversation;
use std::collections::HashMap;
use telepath_app::urls;
use telepath_app::visitor::local_return_path;
use telepath_app::wire::{
    EarlierConversation, KitStepsDone, NoticeSeen, RefusedField, TrailEntry, TrailLink, TrailStep, TrailView,
    time_spent_words,
};
use telepath_domain::notice::order_banners;
use telepath_domain::{EffortScore, EventKind, Notice, NoticePlace, NoticeState, OfferReason, PageType};

/// How far back before the chat the trail starts.
pub const TRAIL_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// The most events the trail reads: the newest, when the customer did more.
pub const TRAIL_EVENTS: u32 = 300;

/// The trail of the customer in `conversation`, from their `events` (oldest first,
/// as `EventLog::visitor_events` reads them) and their `earlier` conversations with
/// the effort they said each took (`efforts`, by conversation).
pub fn trail(
    conversation: &Conversation,
    events: &[StoredEvent],
    earlier: &[Conversation],
    efforts: &HashMap<i64, EffortScore>,
    snapshot: &ContentSnapshot,
    now_ms: i64,
) -> TrailView {
    let zone = snapshot.site.zone();
    let mut steps: Vec<TrailStep> = Vec::new();
    let mut now_on = None;
    for (index, event) in events.iter().enumerate() {
        let step = |what| TrailStep {
            at_ms: event.occurred_at_ms,
            time_text: zone.clock_time(event.occurred_at_ms, now_ms),
            what,
        };
        match &event.kind {
            EventKind::PageViewed { page, path, title, .. } => {
                let Some(link) = local_link(title, path) else { continue };
                now_on = Some(link.clone());
                // A results page is its search, which has a step of its own.
                if *page != PageType::SearchResults {
                    let spent = time_until_next(events, index).map(time_spent_words);
                    steps.push(step(TrailEntry::Read { page: link, spent }));
                }
            }
            EventKind::Searched { query, results } => {
                steps.push(step(TrailEntry::Searched {
                    query: query.clone(),
                    results: *results,
                    opened: Vec::new(),
                }));
            }
            // Recorded beside its `Searched`; alone only when that one was not.
            EventKind::SearchWithoutResults { query } => {
                if !matches!(last_search(&mut steps), Some((searched, 0, _)) if searched == query) {
                    steps.push(step(TrailEntry::Searched {
                        query: query.clone(),
                        results: 0,
                        opened: Vec::new(),
                    }));
                }
            }
            EventKind::SearchResultClicked { query, slug, .. } => {
                if let Some((searched, _, opened)) = last_search(&mut steps)
                    && searched == query
                {
                    opened.push(article_link(snapshot, slug));
                }
            }
            EventKind::ArticleFeedback { slug, helpful, looking_for } => {
                // What they were looking for explains the "no" just before it.
                let explained = match steps.last_mut().map(|step| &mut step.what) {
                    Some(TrailEntry::Voted { article, helpful: false, looking_for: before })
                        if !helpful && looking_for.is_some() && article.href == urls::article(slug) =>
                    {
                        before.clone_from(looking_for);
                        true
                    }
                    _ => false,
                };
                if !explained {
                    let article = article_link(snapshot, slug);
                    steps.push(step(TrailEntry::Voted {
                        article,
                        helpful: *helpful,
                        looking_for: looking_for.clone(),
                    }));
                }
            }
            EventKind::TaskValidationFailed { task, fields, messages } => {
                let spec = snapshot.tasks.get(task);
                let fields = fields
                    .iter()
                    .map(|name| {
                        let field =
                            spec.and_then(|task| task.fields.iter().find(|field| &field.name == name));
                        let label = field.map_or_else(|| name.clone(), |field| field.label.clone());
                        let message = messages.get(name).cloned().or_else(|| {
                            // Recorded before messages were kept: the hint says what was expected.
                            field
                                .and_then(|field| field.pattern_hint.as_ref())
                                .map(|hint| format!("Expected: {hint}."))
                        });
                        RefusedField { label, message }
                    })
                    .collect();
                steps.push(step(TrailEntry::TaskErrors { task: task_link(snapshot, task), fields }));
            }
            EventKind::TaskSubmitted { task, reference } => {
                steps.push(step(TrailEntry::TaskSent {
                    task: task_link(snapshot, task),
                    reference: reference.clone(),
                }));
            }
            // Which next questions were shown and followed say little the page views
            // do not; why chat was offered (a page read long, too), and that they
            // asked, is the conversation's own (above the steps, and the earlier
            // conversations).
            EventKind::NextQuestionsShown { .. }
            | EventKind::NextQuestionClicked { .. }
            | EventKind::Lingered { .. }
            | EventKind::ChatOffered { .. }
            | EventKind::ChatOfferDismissed { .. }
            | EventKind::ChatRequested { .. } => {}
        }
    }
    TrailView {
        level: conversation.level,
        now_on,
        offer_reasons: conversation.opened_because.iter().map(OfferReason::agent_words).collect(),
        kit: conversation.visitor_context.kit.map(|kit| KitStepsDone {
            done: kit.done,
            steps: kit.steps,
            href: urls::kit(kit.level),
        }),
        notices: notices_on_screen(conversation, events, snapshot),
        steps,
        earlier_steps_left_out: events.len() >= TRAIL_EVENTS as usize,
        earlier: earlier
            .iter()
            .filter(|other| other.id != conversation.id)
            .map(|other| earlier_view(other, efforts.get(&other.id).copied(), &zone, now_ms))
            .collect(),
    }
}

/// The notices the customer's pages showed during the visit, chosen as the layout
/// chooses a page's banners: current when the conversation was opened, for a page
/// they saw in the trail or for the chat page itself; and those they closed, which
/// they can only have closed on screen, marked so.
fn notices_on_screen(
    conversation: &Conversation,
    events: &[StoredEvent],
    snapshot: &ContentSnapshot,
) -> Vec<NoticeSeen> {
    let opened_at = conversation.opened_at_ms.div_euclid(1000);
    let dismissed = &conversation.visitor_context.dismissed_notices;
    let was_dismissed = |notice: &Notice| dismissed.contains(&notice.id);
    let places: Vec<NoticePlace> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::PageViewed { path, .. } => Some(path.as_str()),
            _ => None,
        })
        .chain([urls::CHAT])
        .map(|path| snapshot.notice_place(path, conversation.level))
        .collect();
    let mut shown: Vec<&Notice> = snapshot
        .notices
        .iter()
        .map(|file| &file.notice)
        .filter(|notice| notice.state_at(opened_at) == NoticeState::Current)
        .filter(|notice| was_dismissed(notice) || places.iter().any(|place| notice.audience.includes(place)))
        .collect();
    order_banners(&mut shown);
    shown
        .into_iter()
        .map(|notice| NoticeSeen { title: notice.title.clone(), dismissed: was_dismissed(notice) })
        .collect()
}

/// How long the customer stayed on the page of event `index`: until what they did
/// next, when that was in the same visit (the journeys' 30 quiet minutes).
fn time_until_next(events: &[StoredEvent], index: usize) -> Option<i64> {
    let next = events.get(index + 1)?;
    let gap = next.occurred_at_ms - events[index].occurred_at_ms;
    (gap < VISIT_GAP_MS).then_some(gap)
}

/// The search step most recently added, as (query, results, what was opened).
fn last_search(steps: &mut [TrailStep]) -> Option<(&String, u32, &mut Vec<TrailLink>)> {
    steps.iter_mut().rev().find_map(|step| match &mut step.what {
        TrailEntry::Searched { query, results, opened } => Some((&*query, *results, opened)),
        _ => None,
    })
}

/// A page the customer saw, linked only when its recorded path is a path on this site.
pub(super) fn local_link(title: &str, path: &str) -> Option<TrailLink> {
    let href = local_return_path(path)?.to_owned();
    let title = if title.trim().is_empty() { href.clone() } else { title.to_owned() };
    Some(TrailLink { title, href })
}

fn article_link(snapshot: &ContentSnapshot, slug: &str) -> TrailLink {
    let title = snapshot.articles.get(slug).map_or_else(|| slug.to_owned(), |a| a.front_matter.title.clone());
    TrailLink { title, href: urls::article(slug) }
}

fn task_link(snapshot: &ContentSnapshot, id: &str) -> TrailLink {
    let title = snapshot.tasks.get(id).map_or_else(|| id.to_owned(), |task| task.title.clone());
    TrailLink { title, href: urls::task(id) }
}

fn earlier_view(
    conversation: &Conversation,
    effort: Option<EffortScore>,
    zone: &SiteTimeZone,
    now_ms: i64,
) -> EarlierConversation {
    EarlierConversation {
        id: conversation.id,
        opened_text: zone.clock_time(conversation.opened_at_ms, now_ms),
        state: conversation.state,
        resolution: conversation.resolution,
        effort: effort.map(|score| format!("{} · {}", score.get(), score.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load_snapshot;
    use crate::store::conversations::{KitTicks, VisitorContext};
    use crate::testing::Fixture;
    use telepath_domain::{ConversationState, Level, ListedPage, Resolution};

    const MINUTE: i64 = 60_000;

    fn conversation(id: i64, opened_at_ms: i64) -> Conversation {
        Conversation {
            id,
            visitor: "v".into(),
            state: ConversationState::Active,
            level: Some(Level::Newcomer),
            opened_because: vec![OfferReason::SearchesFoundNothing { queries: vec!["vat rate".into()] }],
            visitor_context: VisitorContext::default(),
            agent: Some(1),
            last_seq: 0,
            visitor_read_seq: 0,
            agent_read_seq: 0,
            resolution: None,
            opened_at_ms,
            claimed_at_ms: None,
            closed_at_ms: None,
        }
    }

    fn events(kinds: Vec<(i64, EventKind)>) -> Vec<StoredEvent> {
        kinds
            .into_iter()
            .enumerate()
            .map(|(id, (minute, kind))| StoredEvent {
                id: id as i64 + 1,
                visitor: "v".into(),
                kind,
                occurred_at_ms: minute * MINUTE,
            })
            .collect()
    }

    fn viewed(page: PageType, path: &str, title: &str) -> EventKind {
        EventKind::PageViewed { page, path: path.into(), title: title.into(), referrer: None }
    }

    #[test]
    fn the_trail_tells_what_the_customer_did_in_the_agents_words() {
        let fixture = Fixture::new();
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        let events = events(vec![
            (0, viewed(PageType::Article, "/articles/send-an-invoice", "Send an invoice")),
            (2, viewed(PageType::SearchResults, "/search", "Search")),
            (2, EventKind::Searched { query: "vat rate".into(), results: 0 }),
            (2, EventKind::SearchWithoutResults { query: "vat rate".into() }),
            (3, EventKind::Searched { query: "void".into(), results: 2 }),
            (
                4,
                EventKind::SearchResultClicked {
                    query: "void".into(),
                    rank: 1,
                    slug: "void-an-invoice".into(),
                },
            ),
            (4, viewed(PageType::Article, "/articles/void-an-invoice", "Void an invoice")),
            (
                5,
                EventKind::ArticleFeedback {
                    slug: "void-an-invoice".into(),
                    helpful: false,
                    looking_for: None,
                },
            ),
            (
                5,
                EventKind::ArticleFeedback {
                    slug: "void-an-invoice".into(),
                    helpful: false,
                    looking_for: Some("undo a void".into()),
                },
            ),
            (
                6,
                EventKind::TaskValidationFailed {
                    task: "gone-task".into(),
                    fields: vec!["order".into()],
                    messages: Default::default(),
                },
            ),
            (
                7,
                EventKind::NextQuestionsShown {
                    from: "a".into(),
                    shown: vec![],
                    from_page: ListedPage::Article,
                },
            ),
            (70, viewed(PageType::Article, "//evil.example/x", "Evil")),
            (71, viewed(PageType::Category, "/categories/invoices", "Invoices")),
        ]);
        let mut earlier = conversation(1, 0);
        earlier.state = ConversationState::Closed;
        earlier.resolution = Some(Resolution::Solved);
        let this = conversation(2, 70 * MINUTE);
        let efforts = HashMap::from([(1, EffortScore::new(2).unwrap())]);
        let trail = trail(&this, &events, &[this.clone(), earlier], &efforts, &snapshot, 72 * MINUTE);

        assert_eq!(trail.level, Some(Level::Newcomer));
        assert_eq!(trail.offer_reasons, ["1 search found nothing: 'vat rate'"]);
        assert_eq!(
            trail.now_on,
            Some(TrailLink { title: "Invoices".into(), href: "/categories/invoices".into() }),
            "the latest page on this site"
        );
        let steps: Vec<&TrailEntry> = trail.steps.iter().map(|step| &step.what).collect();
        let link = |title: &str, href: &str| TrailLink { title: title.into(), href: href.into() };
        assert_eq!(
            steps,
            [
                &TrailEntry::Read {
                    page: link("Send an invoice", "/articles/send-an-invoice"),
                    spent: Some("2 min".into())
                },
                &TrailEntry::Searched { query: "vat rate".into(), results: 0, opened: vec![] },
                &TrailEntry::Searched {
                    query: "void".into(),
                    results: 2,
                    opened: vec![link("Void an invoice", "/articles/void-an-invoice")]
                },
                &TrailEntry::Read {
                    page: link("Void an invoice", "/articles/void-an-invoice"),
                    spent: Some("1 min".into())
                },
                &TrailEntry::Voted {
                    article: link("Void an invoice", "/articles/void-an-invoice"),
                    helpful: false,
                    looking_for: Some("undo a void".into())
                },
                &TrailEntry::TaskErrors {
                    task: link("gone-task", "/tasks/gone-task"),
                    fields: vec![RefusedField { label: "order".into(), message: None }]
                },
                &TrailEntry::Read { page: link("Invoices", "/categories/invoices"), spent: None },
            ]
        );
        assert_eq!(trail.steps[0].time_text, "00:00");
        assert!(!trail.earlier_steps_left_out);
        assert_eq!(trail.earlier.len(), 1, "this conversation is not an earlier one");
        assert_eq!((trail.earlier[0].id, trail.earlier[0].resolution), (1, Some(Resolution::Solved)));
        assert_eq!(trail.earlier[0].effort.as_deref(), Some("2 · Low effort"));
    }

    #[test]
    fn a_search_without_its_results_page_still_shows_and_a_long_gap_is_not_reading_time() {
        let fixture = Fixture::new();
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        let events = events(vec![
            (0, EventKind::SearchWithoutResults { query: "refund".into() }),
            (1, viewed(PageType::Article, "/articles/void-an-invoice", "Void an invoice")),
            (45, viewed(PageType::Article, "/articles/send-an-invoice", "Send an invoice")),
        ]);
        let trail = trail(&conversation(1, 0), &events, &[], &HashMap::new(), &snapshot, 50 * MINUTE);
        assert!(matches!(&trail.steps[0].what, TrailEntry::Searched { results: 0, .. }));
        assert!(
            matches!(&trail.steps[1].what, TrailEntry::Read { spent: None, .. }),
            "44 quiet minutes end the visit: {:?}",
            trail.steps[1]
        );
        assert!(trail.earlier.is_empty());
    }

    #[test]
    fn a_task_form_sent_back_shows_each_field_with_the_words_the_customer_read() {
        let fixture = Fixture::new();
        let mistakes = "[[mistake]]\ntitle = \"M\"\nwhat_people_do = \"D\"\nwhy_it_fails = \"F\"\nhow_to_avoid = \"A\"\n";
        fixture.write(
            "tasks/change-address.md",
            &format!(
                "+++\ntitle = \"Change your address\"\nsummary = \"S\"\ncategory = \"account\"\nwhat_happens_next = \"N\"\n\n[[field]]\nname = \"order\"\nlabel = \"Order number\"\nkind = \"text\"\nrequired = true\npattern = \"^TAP-[0-9]{{6}}$\"\npattern_hint = \"TAP- and 6 digits\"\n\n[[field]]\nname = \"note\"\nlabel = \"Note\"\nkind = \"textarea\"\nmax_length = 20\n{}+++\nBody.\n",
                mistakes.repeat(5)
            ),
        );
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        assert!(snapshot.tasks.contains_key("change-address"), "the fixture's task loads");
        let events = events(vec![
            (
                1,
                EventKind::TaskValidationFailed {
                    task: "change-address".into(),
                    fields: vec!["order".into(), "note".into()],
                    messages: [
                        ("order".into(), "This doesn't look right. Expected: TAP- and 6 digits.".into()),
                        ("note".into(), "Please keep this to 20 characters or fewer (it has 31).".into()),
                    ]
                    .into(),
                },
            ),
            // Recorded before messages were kept (payload version 1).
            (
                2,
                EventKind::TaskValidationFailed {
                    task: "change-address".into(),
                    fields: vec!["order".into(), "note".into()],
                    messages: Default::default(),
                },
            ),
        ]);
        let trail = trail(&conversation(1, 0), &events, &[], &HashMap::new(), &snapshot, 3 * MINUTE);
        let refused = |label: &str, message: Option<&str>| RefusedField {
            label: label.into(),
            message: message.map(str::to_owned),
        };
        let task = TrailLink { title: "Change your address".into(), href: "/tasks/change-address".into() };
        let steps: Vec<&TrailEntry> = trail.steps.iter().map(|step| &step.what).collect();
        assert_eq!(
            steps,
            [
                &TrailEntry::TaskErrors {
                    task: task.clone(),
                    fields: vec![
                        refused(
                            "Order number",
                            Some("This doesn't look right. Expected: TAP- and 6 digits.")
                        ),
                        refused("Note", Some("Please keep this to 20 characters or fewer (it has 31).")),
                    ]
                },
                &TrailEntry::TaskErrors {
                    task,
                    fields: vec![
                        refused("Order number", Some("Expected: TAP- and 6 digits.")),
                        refused("Note", None)
                    ]
                },
            ]
        );
    }

    #[test]
    fn the_kit_and_the_notices_the_customer_saw_show_with_those_they_closed_marked() {
        let fixture = Fixture::new();
        let notice = |id: &str, title: &str, severity: &str, ends: &str, audience: &str| {
            fixture.write(
                &format!("notices/{id}.md"),
                &format!(
                    "+++\ntitle = \"{title}\"\nseverity = \"{severity}\"\nstarts = 1970-01-01T00:00:00Z\nends = {ends}\n{audience}+++\nBody.\n"
                ),
            )
        };
        let always = "2099-01-01T00:00:00Z";
        let invoices = "[audience]\ncategories = [\"invoices\"]\n";
        let account = "[audience]\ncategories = [\"account\"]\n";
        notice("phone-line", "Our phone line is closed", "info", always, "");
        notice("invoices-slow", "Invoices are slow to send", "warning", always, invoices);
        notice("account-maintenance", "Account maintenance tonight", "warning", always, account);
        notice("login-outage", "Signing in fails", "critical", always, account);
        notice("old-outage", "An old outage", "critical", "1970-01-01T00:00:01Z", "");
        let snapshot = load_snapshot(&fixture.content_dir()).unwrap();
        assert_eq!(snapshot.notices.len(), 5, "every notice loads");
        let events =
            events(vec![(1, viewed(PageType::Article, "/articles/send-an-invoice", "Send an invoice"))]);
        let mut this = conversation(1, 2 * MINUTE);
        this.visitor_context = VisitorContext {
            kit: Some(KitTicks { level: Level::Newcomer, done: 3, steps: 5 }),
            dismissed_notices: vec!["login-outage".into(), "old-outage".into(), "no-such-notice".into()],
        };
        let remembered = trail(&this, &events, &[], &HashMap::new(), &snapshot, 3 * MINUTE);

        assert_eq!(remembered.kit, Some(KitStepsDone { done: 3, steps: 5, href: "/kits/newcomer".into() }));
        let seen = |title: &str, dismissed: bool| NoticeSeen { title: title.into(), dismissed };
        assert_eq!(
            remembered.notices,
            [
                seen("Signing in fails", true),
                seen("Invoices are slow to send", false),
                seen("Our phone line is closed", false),
            ],
            "the most urgent first; another category's notice and an ended one were not on screen"
        );

        let nothing_remembered =
            trail(&conversation(1, 2 * MINUTE), &[], &[], &HashMap::new(), &snapshot, 3 * MINUTE);
        assert_eq!(nothing_remembered.kit, None);
        assert_eq!(
            nothing_remembered.notices,
            [seen("Our phone line is closed", false)],
            "the chat page's own notice"
        );
    }
}
