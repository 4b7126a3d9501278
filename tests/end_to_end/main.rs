//! End-to-end tests: the real server on port 0 with a temporary content folder and
//! database, driven by a real HTTP client and by headless chromium.

mod browser;
mod chat_crash;
mod chat_journey;
mod chat_page;
mod chat_panel;
mod chat_protocol;
mod connections;
mod console;
mod db_copy;
mod every_page;
mod gallery;
mod instances;
mod journeys;
mod live_reload;
mod onboarding;
mod private_postgres;
mod proxy;
mod real_server;
mod search_box;
mod self_service;
mod staff;
mod support;
