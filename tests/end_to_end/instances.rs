//! Several instances sharing one PostgreSQL database (issue 17): any request can
//! reach any instance, and a customer and an agent on different instances chat as
//! on one portal. Wake-ups cross instances through the database's NOTIFY.

use crate::chat_protocol::{
    agent_socket, customer_socket, frame_of, frames_until_messages, open_conversation, send,
    sequence_numbers, views_page, visitor,
};
use crate::private_postgres::PrivatePostgres;
use crate::support::TestServer;
use serde_json::json;
use std::sync::Arc;
use telepath_server::Config;
use telepath_server::store::conversations::Claim;
use telepath_server::store::staff::StaffRole;
use telepath_server::store::{Database, SystemClock, TestSchema, fresh_database};
use telepath_server::testing::{Fixture, StaffLogin, staff_login_in};

/// Two real servers on one new PostgreSQL schema, each with its own content and data
/// folder, as two instances behind one proxy; the database and its schema (dropped
/// with it) come along.
async fn two_instances() -> (TestServer, TestServer, Database, TestSchema) {
    let (database, schema) = fresh_database().await;
    let (first, second) = two_instances_on(&database).await;
    (first, second, database, schema)
}

async fn two_instances_on(database: &Database) -> (TestServer, TestServer) {
    let shared = |config: &mut Config| config.database = Some(database.clone());
    (
        TestServer::start_with(Fixture::new(), shared).await,
        TestServer::start_with(Fixture::new(), shared).await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_on_one_instance_and_an_agent_on_another_chat_live_see_each_other_type_and_where_the_customer_is()
 {
    let (first, second, database, schema) = two_instances().await;
    let store = telepath_server::store::open(&database, Arc::new(SystemClock)).await.unwrap();
    let agent = staff_login_in(&*store, StaffRole::Agent, Some("Ana")).await;
    let visitor = visitor(&first).await;
    let conversation = open_conversation(store.as_ref(), &visitor).await;
    let mut customer = customer_socket(&first, &visitor, conversation, 0).await;
    let (status, _) = frame_of(&mut customer, "status").await;
    assert_eq!(status["state"], "waiting");

    // Claimed straight in the database, as any instance would: the customer's socket
    // hears it from the database's own wake-up.
    assert_eq!(store.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);
    let (status, _) = frame_of(&mut customer, "status").await;
    assert_eq!((status["state"].as_str(), status["agent"].as_str()), (Some("active"), Some("Ana")));
    let mut console = agent_socket(&second, &agent, conversation, 0).await;

    send(&mut customer, json!({"type": "send", "client_id": "m-1", "text": "My payout is late"})).await;
    let agent_frames = frames_until_messages(&mut console, 1).await;
    assert_eq!(
        sequence_numbers(&agent_frames),
        [1],
        "the agent on the other instance gets it: {agent_frames:?}"
    );

    // The customer opens a help page on their instance; the agent's "now on" follows.
    views_page(&first, &visitor, "/articles/void-an-invoice").await;
    let (now_on, _) = frame_of(&mut console, "now_on").await;
    assert_eq!(now_on["href"], "/articles/void-an-invoice", "the page viewed on the other instance");

    send(&mut console, json!({"type": "typing", "active": true})).await;
    let (typing, mut customer_frames) = frame_of(&mut customer, "typing").await;
    assert_eq!((typing["side"].as_str(), typing["active"].as_bool()), (Some("agent"), Some(true)));
    for n in 1..=3 {
        send(
            &mut console,
            json!({"type": "send", "client_id": format!("a-{n}"), "text": format!("answer {n}")}),
        )
        .await;
    }
    customer_frames.extend(frames_until_messages(&mut customer, 3).await);
    assert_eq!(sequence_numbers(&customer_frames), [1, 2, 3, 4], "each once, in order: {customer_frames:?}");

    // Both instances lose the connection they listen on; messages sent meanwhile
    // still arrive, once each and in order, from the tables.
    assert_eq!(schema.end_chat_listeners().await, 2, "one listening connection per instance");
    for n in 2..=4 {
        send(
            &mut customer,
            json!({"type": "send", "client_id": format!("m-{n}"), "text": format!("more {n}")}),
        )
        .await;
    }
    let agent_frames = frames_until_messages(&mut console, 6).await;
    assert_eq!(sequence_numbers(&agent_frames), [2, 3, 4, 5, 6, 7], "{agent_frames:?}");

    drop((customer, console));
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitors_form_token_from_one_instance_is_good_on_another() {
    let (first, second, _database, _schema) = two_instances().await;
    let visitor = visitor(&first).await;
    let conversation = open_conversation(first.chat.conversations.as_ref(), &visitor).await;
    // The chat socket needs the visitor's own form token: one the first instance
    // made opens it on the second, whose data folder holds no key of its own.
    let mut customer = customer_socket(&second, &visitor, conversation, 0).await;
    let (status, _) = frame_of(&mut customer, "status").await;
    assert_eq!(status["state"], "waiting");
    drop(customer);
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

fn without_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// `agent`'s console form sent to `server`, with the form token its queue page gives.
async fn console_form(
    server: &TestServer,
    agent: &StaffLogin,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let client = without_redirects();
    let queue = client.get(server.url("/console")).header("cookie", &agent.cookie).send().await.unwrap();
    // The form token is the visitor cookie's, which the first page gives.
    let visitor_cookie = queue
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok()?.split(';').next())
        .find(|value| value.starts_with("telepath_visitor="))
        .expect("a visitor cookie")
        .to_owned();
    let html = queue.text().await.unwrap();
    let input = html.split("<input").find(|tag| tag.contains("name=\"_csrf\"")).expect("a console form");
    let token = input.split("value=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
    let mut fields = fields.to_vec();
    fields.push(("_csrf", token));
    client
        .post(server.url(path))
        .header("cookie", format!("{}; {visitor_cookie}", agent.cookie))
        .header("origin", &server.base_url)
        .form(&fields)
        .send()
        .await
        .unwrap()
}

async fn chat_intro(server: &TestServer, visitor: &crate::chat_protocol::Visitor) -> String {
    let page =
        without_redirects().get(server.url("/chat")).header("cookie", &visitor.cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    let intro = html.split("data-testid=\"chat-intro\"").nth(1).expect("the chat page's intro");
    intro.split_once('>').and_then(|(_, text)| text.split("</p>").next()).unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_online_on_one_instance_is_offered_by_the_other_and_of_two_claims_at_once_one_wins() {
    let (first, second, database, _schema) = two_instances().await;
    let store = telepath_server::store::open(&database, Arc::new(SystemClock)).await.unwrap();
    let ana = staff_login_in(&*store, StaffRole::Agent, Some("Ana")).await;
    let bo = staff_login_in(&*store, StaffRole::Agent, Some("Bo")).await;
    let customer = visitor(&first).await;
    assert!(chat_intro(&first, &customer).await.starts_with("Nobody is online just now"));

    let online = console_form(&second, &ana, "/console/presence", &[("status", "online")]).await;
    assert_eq!(online.status(), 303);
    assert!(
        chat_intro(&first, &customer).await.contains("someone from our support team will answer here"),
        "Ana went online on the second instance; the first offers her"
    );
    let console =
        without_redirects().get(first.url("/console")).header("cookie", &ana.cookie).send().await.unwrap();
    assert!(
        console.text().await.unwrap().contains(r#"<strong data-testid="presence-status">online</strong>"#)
    );

    // Ana on one instance and Bo on the other click "Take" on the same conversation at once.
    let conversation = open_conversation(store.as_ref(), &customer).await;
    let claim = format!("/console/conversations/{conversation}/claim");
    let (by_ana, by_bo) =
        tokio::join!(console_form(&first, &ana, &claim, &[]), console_form(&second, &bo, &claim, &[]),);
    let statuses = [by_ana.status().as_u16(), by_bo.status().as_u16()];
    let taken = store.conversation(conversation).await.unwrap().agent.expect("somebody took it");
    let (winner, loser) =
        if taken == ana.id { (statuses[0], statuses[1]) } else { (statuses[1], statuses[0]) };
    assert_eq!((winner, loser), (303, 409), "one takes it, the other is told: {statuses:?}");

    let away = console_form(&first, &ana, "/console/presence", &[("status", "away")]).await;
    assert_eq!(away.status(), 303);
    assert!(chat_intro(&second, &visitor(&second).await).await.starts_with("Nobody is online just now"));
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_database_restarts_pages_say_so_plainly_and_chat_resumes_losing_nothing_acknowledged() {
    let postgres = PrivatePostgres::start().await;
    let database = postgres.database();
    let (first, second) = two_instances_on(&database).await;
    let store = telepath_server::store::open(&database, Arc::new(SystemClock)).await.unwrap();
    let agent = staff_login_in(&*store, StaffRole::Agent, Some("Ana")).await;
    let visitor = visitor(&first).await;
    let conversation = open_conversation(store.as_ref(), &visitor).await;
    assert_eq!(store.claim(conversation, agent.id, 3).await.unwrap(), Claim::Claimed);
    let mut customer = customer_socket(&first, &visitor, conversation, 0).await;
    let mut console = agent_socket(&second, &agent, conversation, 0).await;
    send(&mut customer, json!({"type": "send", "client_id": "m-1", "text": "Is my refund coming?"})).await;
    let (ack, _) = frame_of(&mut customer, "ack").await;
    assert_eq!(ack["seq"], 1);
    assert_eq!(sequence_numbers(&frames_until_messages(&mut console, 1).await), [1]);

    postgres.stop().await;
    let queue =
        without_redirects().get(second.url("/console")).header("cookie", &agent.cookie).send().await.unwrap();
    assert_eq!(queue.status(), 503, "the console needs the database");
    assert_eq!(queue.headers()["retry-after"], "5");
    assert!(queue.text().await.unwrap().contains("Please try again in a moment"), "said in plain words");
    let article = without_redirects().get(first.url("/articles/void-an-invoice")).send().await.unwrap();
    assert_eq!(article.status(), 200, "help pages need no database");
    send(&mut customer, json!({"type": "send", "client_id": "m-2", "text": "Hello?"})).await;
    let (refused, _) = frame_of(&mut customer, "rejected").await;
    assert_eq!((refused["client_id"].as_str(), refused["retry"].as_bool()), (Some("m-2"), Some(true)));

    // Back again: the instances reconnect by themselves, the client sends its
    // refused message again, and it crosses to the other instance once.
    postgres.start_again().await;
    send(&mut customer, json!({"type": "send", "client_id": "m-2", "text": "Hello?"})).await;
    let (ack, _) = frame_of(&mut customer, "ack").await;
    assert_eq!((ack["client_id"].as_str(), ack["seq"].as_i64()), (Some("m-2"), Some(2)));
    assert_eq!(sequence_numbers(&frames_until_messages(&mut console, 1).await), [2]);
    send(&mut console, json!({"type": "send", "client_id": "a-1", "text": "Yes, it left today."})).await;
    let customer_frames = frames_until_messages(&mut customer, 2).await;
    assert_eq!(sequence_numbers(&customer_frames), [2, 3], "their own, then the answer: {customer_frames:?}");
    let queue =
        without_redirects().get(second.url("/console")).header("cookie", &agent.cookie).send().await.unwrap();
    assert_eq!(queue.status(), 200);

    let stored = store.messages_after(conversation, 0, 10).await.unwrap();
    let ids: Vec<(i64, &str)> =
        stored.iter().map(|message| (message.seq, message.client_id.as_str())).collect();
    assert_eq!(ids, [(1, "m-1"), (2, "m-2"), (3, "a-1")], "each acknowledged message stored once");
    drop((customer, console));
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
