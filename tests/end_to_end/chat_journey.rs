//! The whole chat journey with two people at once, each in their own headless
//! chromium against the real server: a customer stuck on searches that found
//! nothing is offered a person with the reason, starts a chat, and an agent in the
//! console sees why and the failed searches in the trail, answers, sends the
//! suggested article and closes it; the customer reads all of it and rates the
//! effort. Once with JavaScript on both sides, once with it off on both. Then
//! lingering on a help page, which only a browser can measure.

use crate::browser::{Browser, click, element, screenshots, text_of};
use crate::console::sign_in_agent;
use crate::support::TestServer;
use fantoccini::{Client, Locator};
use telepath_domain::{EffortScore, OfferReason, Touchpoint};
use telepath_server::testing::Fixture;

const FAILED_SEARCHES: [&str; 2] = ["qzxv refund", "wvxq vat"];
const QUESTION: &str = "How do I void an invoice I sent by mistake?";
const ANSWER: &str = "Hi! Voiding keeps the number; here is how.";

/// Waits until the page has what `css` selects, loading the page again first when
/// it cannot update itself (JavaScript off) by following `check`, its own
/// "check for new messages" link.
async fn until_shown(
    client: &Client,
    javascript: bool,
    check: &str,
    css: &str,
) -> fantoccini::elements::Element {
    if !javascript {
        click(client, check).await;
    }
    element(client, css).await
}

async fn chat_with_a_person_after_failed_searches(
    customer: Client,
    agent: Client,
    server: &TestServer,
    javascript: bool,
) {
    let suffix = if javascript { "js" } else { "nojs" };
    let agent_id = sign_in_agent(&agent, server, "Ana Lima").await;
    click(&agent, "[data-testid=presence-online]").await;
    element(&agent, "[data-testid=presence-online][aria-pressed=true]").await;

    for query in FAILED_SEARCHES {
        customer.goto(&server.url(&format!("/search?q={}", query.replace(' ', "+")))).await.unwrap();
    }
    let reason = text_of(&customer, "[data-testid=chat-offer] [data-testid=chat-offer-reason]").await;
    assert!(
        FAILED_SEARCHES.iter().all(|query| reason.contains(query)) && reason.contains("found nothing"),
        "the offer says why, in the customer's words: {reason}"
    );
    assert_eq!(text_of(&customer, "[data-testid=chat-offer-start]").await, "Chat with us", "Ana is online");
    screenshots(&customer, &format!("journey-offer-{suffix}")).await;
    click(&customer, "[data-testid=chat-offer-start]").await;
    element(&customer, "#chat-text").await.send_keys(QUESTION).await.unwrap();
    click(&customer, "[data-testid=chat-send]").await;
    // The question on the customer's own page means the server has stored it;
    // without JavaScript the click returns before the posted form has loaded.
    element(&customer, "[data-testid=chat-message][data-seq='1']").await;
    if javascript {
        element(&customer, "[data-testid=chat-messages][data-live=connected]").await;
    }
    let visitor = customer.get_named_cookie("telepath_visitor").await.unwrap().value().to_owned();
    let conversation = server.chat.conversations.conversations_of(&visitor, 1).await.unwrap().remove(0);

    if !javascript {
        agent.refresh().await.unwrap();
    }
    let waiting = format!("[data-testid=waiting-conversation][data-conversation='{}']", conversation.id);
    let waiting = text_of(&agent, &waiting).await;
    assert!(waiting.contains(QUESTION) && waiting.contains("2 searches found nothing"), "{waiting}");
    click(&agent, "[data-testid=take]").await;
    let trail = text_of(&agent, "[data-testid=trail]").await;
    assert!(FAILED_SEARCHES.iter().all(|query| trail.contains(query)), "the failed searches: {trail}");
    let why = text_of(&agent, "[data-testid=offer-reasons]").await;
    assert!(why.contains("found nothing") && why.contains("Asked for a person"), "{why}");

    element(&agent, "[data-testid=reply-text]").await.send_keys(ANSWER).await.unwrap();
    click(&agent, "[data-testid=send-reply]").await;
    let answer = until_shown(
        &customer,
        javascript,
        "[data-testid=chat-check-replies]",
        "[data-testid=chat-message][data-seq='2']",
    )
    .await;
    let answer = answer.text().await.unwrap();
    assert!(answer.contains(ANSWER) && answer.contains("Ana"), "{answer}");

    element(&customer, "#chat-text").await.send_keys("Thanks, and the customer is told?").await.unwrap();
    click(&customer, "[data-testid=chat-send]").await;
    let live = if javascript {
        "[data-testid=live-messages] [data-seq='3']"
    } else {
        "[data-testid=message][data-seq='3']"
    };
    let follow_up = until_shown(&agent, javascript, "[data-testid=check-for-messages]", live).await;
    assert!(follow_up.text().await.unwrap().contains("Thanks, and the customer is told?"));

    click(&agent, "[data-testid=suggestion][data-slug=void-an-invoice] [data-testid=send-article]").await;
    let card = until_shown(
        &customer,
        javascript,
        "[data-testid=chat-check-replies]",
        "[data-testid=chat-message][data-seq='4'] a",
    )
    .await;
    assert_eq!(card.text().await.unwrap(), "Void an invoice");
    assert_eq!(card.attr("href").await.unwrap().as_deref(), Some("/articles/void-an-invoice"));
    screenshots(&agent, &format!("journey-console-{suffix}")).await;
    screenshots(&customer, &format!("journey-chat-{suffix}")).await;

    click(&agent, "[data-testid=close-solved]").await;
    element(&agent, "[data-testid=console-notice]").await;
    until_shown(&customer, javascript, "[data-testid=chat-check-replies]", "[data-testid=effort]").await;
    assert_eq!(text_of(&customer, "[data-testid=chat-status]").await, "This conversation has ended.");
    click(&customer, "[data-testid=effort-2]").await;
    assert!(text_of(&customer, "[data-testid=effort-thanks]").await.contains("2 of 5"));
    screenshots(&customer, &format!("journey-effort-{suffix}")).await;

    let reasons = vec!["searches_found_nothing".to_owned(), "asked_for_person".to_owned()];
    let touchpoint =
        Touchpoint::Chat { conversation: conversation.id, agent: Some(agent_id), offer_reasons: reasons };
    let rating = server.effort.rating_for(&visitor, &touchpoint).await.expect("the rating is stored");
    assert_eq!((rating.touchpoint, rating.score), (touchpoint, EffortScore::new(2).unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_a_stuck_customer_and_an_agent_chat_live_from_offer_to_effort() {
    let started = TestServer::start(Fixture::new()).await;
    let server = &started;
    Browser::run(true, |customer| async move {
        Browser::run(true, |agent| chat_with_a_person_after_failed_searches(customer, agent, server, true))
            .await;
    })
    .await;
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_stuck_customer_and_an_agent_chat_with_plain_forms_from_offer_to_effort() {
    let started = TestServer::start(Fixture::new()).await;
    let server = &started;
    Browser::run(false, |customer| async move {
        Browser::run(false, |agent| chat_with_a_person_after_failed_searches(customer, agent, server, false))
            .await;
    })
    .await;
    started.stop().await.unwrap();
}

/// The fixture, with a person offered after `seconds` in view on a help page.
fn lingering_after(seconds: u32) -> Fixture {
    let fixture = Fixture::new();
    fixture.write(
        "site.toml",
        &format!(
            "product_name = \"Acme\"\ntagline = \"Help for Acme.\"\nsupport_hours = \"weekdays 9 to 5\"\n\
             [chat]\nlinger_seconds = {seconds}\nnewcomer_linger_seconds = {seconds}\n"
        ),
    );
    fixture
}

async fn script(client: &Client, source: &str) -> serde_json::Value {
    client.execute(source, vec![]).await.unwrap_or_else(|error| panic!("{source}: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_a_help_page_in_view_long_enough_offers_a_person_and_a_hidden_tab_does_not_count() {
    const SECONDS: u32 = 3;
    let started = TestServer::start(lingering_after(SECONDS)).await;
    let server = &started;
    Browser::run(true, |client| async move {
        client.goto(&server.url("/articles/send-an-invoice")).await.unwrap();
        let waiting = element(&client, "[data-testid=chat-offer-when-lingering]").await;
        assert!(!waiting.is_displayed().await.unwrap(), "nothing shows before the time");
        // Another tab in front: this one is hidden, and hidden time does not count.
        let reading = client.window().await.unwrap();
        // The new tab opens empty and chromedriver itself loads the page in it: a page
        // still loading from `window.open` once left chromedriver waiting on the
        // renderer for five minutes.
        script(&client, "window.open('', '_blank');").await;
        let other = client.windows().await.unwrap().into_iter().find(|window| *window != reading).unwrap();
        client.switch_to_window(other).await.unwrap();
        client.goto(&server.url("/articles/reset-your-password")).await.unwrap();
        // The tab in front reads its own page for the same time: once its offer is
        // shown and reported, the time has passed behind it too.
        element(&client, "[data-testid=chat-offer][data-linger-reported=yes]").await;
        let behind = script(
            &client,
            "return [opener.document.visibilityState, opener.document.querySelector('[data-linger-after]').hidden];",
        )
        .await;
        assert_eq!(behind, serde_json::json!(["hidden", true]), "a tab behind another reads nothing");
        client.close_window().await.unwrap();
        client.switch_to_window(reading).await.unwrap();

        let offer = element(&client, "[data-testid=chat-offer][data-linger-reported=yes]").await;
        assert!(offer.is_displayed().await.unwrap());
        assert!(text_of(&client, "[data-testid=chat-offer-reason]").await.starts_with("Still reading?"));
        let lingered = server.events.recent(Some("lingered"), 10).await.unwrap();
        let visitor = client.get_named_cookie("telepath_visitor").await.unwrap().value().to_owned();
        // The tab in front read its own page meanwhile, and reported it: only this page's report is read here.
        let read: Vec<_> = lingered
            .iter()
            .filter(|event| event.visitor == visitor)
            .map(|event| &event.kind)
            .filter(|kind| matches!(kind, telepath_domain::EventKind::Lingered { path, .. } if path.ends_with("send-an-invoice")))
            .collect();
        assert!(
            matches!(read[..], [telepath_domain::EventKind::Lingered { path, seconds }]
                if path == "/articles/send-an-invoice" && (SECONDS..SECONDS + 2).contains(seconds)),
            "the time in view only, once: {read:?}"
        );
        screenshots(&client, "lingering-offer").await;

        click(&client, "[data-testid=chat-offer-start]").await;
        element(&client, "#chat-text").await.send_keys("Does voiding tell the customer?").await.unwrap();
        click(&client, "[data-testid=chat-send]").await;
        element(&client, "[data-testid=chat-message]").await;
        let conversation = server.chat.conversations.conversations_of(&visitor, 1).await.unwrap().remove(0);
        assert!(
            matches!(conversation.opened_because[..], [OfferReason::Lingered { .. }, OfferReason::AskedForPerson]),
            "the agent will read that they read: {:?}",
            conversation.opened_because
        );
    })
    .await;
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_nobody_is_offered_a_person_for_reading() {
    let started = TestServer::start(lingering_after(1)).await;
    let server = &started;
    Browser::run(false, |client| async move {
        client.goto(&server.url("/articles/send-an-invoice")).await.unwrap();
        let waiting = element(&client, "[data-testid=chat-offer-when-lingering]").await;
        assert!(!waiting.is_displayed().await.unwrap(), "the offer needs the script to show itself");
        assert!(
            client.find(Locator::Css("[data-testid=chat-offer]")).await.is_err(),
            "and no other offer stands in for it"
        );
        assert_eq!(
            text_of(&client, "[data-testid=talk-to-us]").await,
            "Talk to us",
            "the way to a person stays"
        );
    })
    .await;
    started.stop().await.unwrap();
}
