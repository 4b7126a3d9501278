//! Server-rendered pages. They run only on the server; interactivity lives in `islands`.

mod article;
mod category;
pub(crate) mod chat;
mod console;
mod editors;
mod effort;
mod home;
mod insights;
mod kit;
mod layout;
mod meta;
mod not_found;
mod notices;
mod requests;
mod search;
mod staff;
mod task;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use article::ArticlePage;
use category::CategoryPage;
use chat::ChatPage;
use console::{ConsoleConversationPage, ConsoleQueuePage};
use editors::EditorsPage;
use home::HomePage;
use insights::InsightsPage;
use kit::KitPage;
use layout::Layout;
use not_found::NotFound;
use notices::NoticesPage;
use requests::RequestStatusPage;
use search::SearchResultsPage;
use staff::StaffSignInPage;
use task::{MistakesPage, TaskPage, TaskSentPage};

/// Added to the bundle's name for the staff pages' bundle (scripts/build-site.sh
/// writes `app_staff.js` beside `app.js`).
const STAFF_BUNDLE_SUFFIX: &str = "_staff";

/// Where this build's browser files are served, e.g. `/pkg/1c245c0c6fc0f949`: for
/// the page-specific modules (the chat panel) that the shared bundle does not carry.
#[derive(Clone, Debug)]
pub(crate) struct BundleDir(pub String);

/// The HTML document around every page. The nonce the server chose for this response
/// (if any) is handed to Leptos so its one inline module script passes the CSP.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned())
    {
        provide_context(nonce);
    }
    provide_context(BundleDir(format!("/{}", options.site_pkg_dir)));
    let stylesheet = format!("/{}/telepath.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=stylesheet/>
                <IslandScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The islands' loader (`islands.js`) in place of Leptos' `HydrationScripts`, which
/// preloads the whole bundle on every page and runs it as soon as the page is idle:
/// here the bundle is fetched only when the visitor reaches for an island. Staff
/// pages load the bundle that also holds the agent console's islands; customers'
/// pages load the one without them (`console-islands` in app/Cargo.toml).
#[component]
fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As `HydrationScripts` does for islands: outside them the page is never
    // hydrated, so it is rendered without hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let name = if crate::urls::is_staff_page(&crate::backend::use_current_path()) {
        format!("{}{}", options.output_name, STAFF_BUNDLE_SUFFIX)
    } else {
        options.output_name.to_string()
    };
    let bundle = format!("/{}/{name}", options.site_pkg_dir);
    // wasm-bindgen names the wasm `<name>_bg.wasm` (scripts/build-site.sh).
    let start = format!(
        "{}({:?}, {:?});",
        include_str!("pages/islands.js"),
        format!("{bundle}.js"),
        format!("{bundle}_bg.wasm")
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=start></script> }
}

/// Every page's `<title>`: the page's own title, then the help centre's name, so a
/// tab or a bookmark says whose help it is. leptos_meta writes the title into the
/// document without escaping it, so it is escaped here: a search for
/// `</title><meta http-equiv=refresh …>` or a title in content must stay text.
fn page_title(page: &str, help_centre: &str) -> String {
    if page.is_empty() || page == help_centre {
        escape_text(help_centre)
    } else {
        format!("{} · {}", escape_text(page), escape_text(help_centre))
    }
}

/// Text made safe for the places Leptos 0.8 writes raw during SSR (`<title>`, a
/// `<textarea>`'s kept value): the browser decodes it back to exactly the text.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let help_centre = crate::backend::use_content().site().help_centre_name();
    view! {
        <Title formatter=move |page: String| page_title(&page, &help_centre)/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/categories/:category") view=CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/chat") view=ChatPage ssr=SsrMode::Async/>
                    <Route path=path!("/articles/:slug") view=ArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("/console") view=ConsoleQueuePage ssr=SsrMode::Async/>
                    <Route path=path!("/console/conversations/:id") view=ConsoleConversationPage ssr=SsrMode::Async/>
                    <Route path=path!("/editors") view=EditorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/editors/insights") view=InsightsPage ssr=SsrMode::Async/>
                    <Route path=path!("/kits/:level") view=KitPage ssr=SsrMode::Async/>
                    <Route path=path!("/tasks/:task") view=TaskPage ssr=SsrMode::Async/>
                    <Route path=path!("/tasks/:task/sent/:reference") view=TaskSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/mistakes/:task") view=MistakesPage ssr=SsrMode::Async/>
                    <Route path=path!("/notices") view=NoticesPage ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:reference") view=RequestStatusPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/sign-in") view=StaffSignInPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::page_title;

    #[test]
    fn titles_name_the_help_centre_and_cannot_end_the_title_element() {
        assert_eq!(page_title("Acme Help Centre", "Acme Help Centre"), "Acme Help Centre");
        assert_eq!(page_title("Void an invoice", "Acme Help Centre"), "Void an invoice · Acme Help Centre");
        assert_eq!(
            page_title("</title><meta http-equiv=\"refresh\">", "A&B <Help>"),
            "&lt;/title&gt;&lt;meta http-equiv=\"refresh\"&gt; · A&amp;B &lt;Help&gt;"
        );
    }
}
