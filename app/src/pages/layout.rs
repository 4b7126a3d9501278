use crate::backend::{use_content, use_csrf_token, use_current_path, use_visitor_prefs};
use crate::islands::{ChooseLevel, NoticeBanner, SearchBox};
use crate::pages::notices::now_unix;
use crate::urls::ASK_THE_TEAM;
use crate::visitor::LevelAnswer;
use crate::wire::LevelWording;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use telepath_domain::notice::notices_for_place;

/// The help centre's mark, the same file the browser tab shows (`/favicon.svg`).
const LOGO: &str = include_str!("../../../style/logo.svg");

/// Header, notices, main landmark and footer shared by every page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let backend = use_content();
    let site = backend.site();
    let prefs = use_visitor_prefs();
    let path = use_current_path();
    let csrf = use_csrf_token();
    let page_path = path.split(['?', '#']).next().unwrap_or("/").to_owned();
    let place = backend.notice_place(&page_path, prefs.level.level());
    let notices = backend.notices();
    // The results page has no box of its own: the header's holds the query.
    let search_query = (page_path == crate::urls::SEARCH)
        .then(|| leptos_router::hooks::use_query_map().with_untracked(|params| params.get("q")))
        .flatten()
        .unwrap_or_default();
    let banners: Vec<_> = notices_for_place(&notices, &place, now_unix(), |id| prefs.dismissed.contains(id))
        .into_iter()
        .cloned()
        .collect();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" inner_html=LOGO></span>
                {site.help_centre_name()}
            </a>
            // The home page has the box in its hero, the first thing on a phone's screen.
            {(page_path != "/").then(|| view! { <SearchBox query=search_query in_hero=false/> })}
            <nav class="site-nav" aria-label="Main">
                <LevelSwitch answer=prefs.level levels=site.levels.clone() csrf=csrf.clone() return_to=path.clone()/>
                <a href=crate::urls::NOTICES>"Service notices"</a>
                <a href=crate::urls::CHAT class="talk-to-us" data-testid="talk-to-us">"Talk to us"</a>
            </nav>
        </header>
        {(!banners.is_empty()).then(|| view! {
            <section class="notice-banners" aria-label="Notices" role="status" data-testid="notice-banners">
                {banners
                    .into_iter()
                    .map(|notice| view! { <NoticeBanner notice csrf=csrf.clone() return_to=path.clone()/> })
                    .collect_view()}
            </section>
        })}
        // The search page offers a person in its own "nothing found" answer, the
        // chat page is where the offer leads, and staff at work are not customers.
        {(page_path != crate::urls::SEARCH && page_path != crate::urls::CHAT && !crate::urls::is_staff_page(&page_path))
            .then(|| view! { <crate::pages::chat::ChatOfferSlot path=path.clone()/> })}
        <main id="main" class="page">{children()}</main>
        <footer class="site-footer">
            <nav aria-label="Help and status">
                <a href=ASK_THE_TEAM>"Contact support"</a>
                <a href=crate::urls::NOTICES>"Service status"</a>
                <a href="/">"All help topics"</a>
            </nav>
            <p>{format!("Support team: {}.", site.support_hours)}</p>
        </footer>
    }
}

/// "Your level" on every page: a button opening a menu of the three levels, each a
/// button of one form that remembers the choice and comes back to this page. The
/// menu is an HTML popover, so Escape and a click outside close it in the browser
/// itself: no JavaScript and no wasm for it.
#[component]
fn LevelSwitch(
    answer: LevelAnswer,
    levels: Vec<LevelWording>,
    csrf: String,
    return_to: String,
) -> impl IntoView {
    let current = answer.level();
    let summary = match current {
        Some(level) => format!("Level: {}", level.label()),
        None => "Choose your level".to_owned(),
    };
    view! {
        <div class="level-switch" data-testid="level-switch">
            <button type="button" class="level-switch-toggle" popovertarget="level-menu" data-testid="level-switch-summary">
                {summary}
            </button>
            <form id="level-menu" popover="auto" method="post" action=ChooseLevel::PATH class="level-switch-menu" data-testid="level-switch-menu">
                <input type="hidden" name="_csrf" value=csrf/>
                <input type="hidden" name="return_to" value=return_to/>
                <p class="muted">"Pages put help for your level first."</p>
                {levels
                    .into_iter()
                    .map(|wording| {
                        let is_current = current == Some(wording.level);
                        view! {
                            <button
                                type="submit"
                                name="level"
                                value=wording.level.to_string()
                                aria-pressed=is_current.to_string()
                                data-testid=format!("switch-{}", wording.level)
                            >
                                {wording.choice}
                            </button>
                        }
                    })
                    .collect_view()}
                {current.is_some().then(|| view! {
                    <button type="submit" name="level" value="" class="link-button" data-testid="forget-level">
                        "Forget my level"
                    </button>
                })}
            </form>
        </div>
    }
}
