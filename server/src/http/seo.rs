//! What search engines and browsers read besides the pages: `robots.txt` (what not
//! to crawl, and where the sitemap is), `sitemap.xml` (every public page, with the
//! date an article was last updated; both on the portal's origin as browsers see
//! it) and the tab icon.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use telepath_app::backend::SiteOrigin;
use telepath_app::urls;
use telepath_domain::VISITOR_LEVELS;

/// Crawlers skip what is per visitor or for staff (forms' endpoints, the staff
/// pages) and searches with a filter or a page number, which are never indexed
/// (see `SearchPage::indexed_as`); a plain search may be crawled, and says itself
/// whether it may be indexed.
pub async fn robots_txt(request: Request) -> Response {
    let origin = site_origin(&request);
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /search?*&\nDisallow: /editors\nDisallow: /staff/\nDisallow: /tasks/*/sent/\nDisallow: /requests/\n\n\
         Sitemap: {origin}/sitemap.xml\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub async fn sitemap_xml(State(state): State<AppState>, request: Request) -> Response {
    let origin = site_origin(&request);
    let snapshot = state.portal.content.snapshot();
    let mut pages: Vec<(String, Option<String>)> = vec![("/".into(), None), ("/notices".into(), None)];
    pages.extend(snapshot.categories.iter().map(|category| (urls::category(&category.slug), None)));
    let mut articles: Vec<_> = snapshot.articles.values().collect();
    articles.sort_by(|a, b| a.slug.cmp(&b.slug));
    pages.extend(
        articles
            .into_iter()
            .map(|article| (urls::article(&article.slug), Some(article.front_matter.updated.to_string()))),
    );
    let kits = VISITOR_LEVELS.iter().filter(|level| snapshot.kits.contains_key(level));
    pages.extend(kits.map(|level| (urls::kit(*level), None)));
    let mut tasks: Vec<_> = snapshot.tasks.keys().collect();
    tasks.sort();
    for task in tasks {
        pages.push((urls::task(task), None));
        pages.push((urls::mistakes(task), None));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, updated) in pages {
        // Slugs are checked to be URL-safe when content loads; the origin is escaped anyway.
        xml.push_str(&format!("  <url><loc>{}{}</loc>", escape_xml(&origin), escape_xml(&path)));
        if let Some(updated) = updated {
            xml.push_str(&format!("<lastmod>{updated}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        xml,
    )
        .into_response()
}

/// The help centre's mark for browser tabs and bookmarks: a small SVG, the same file
/// the header shows.
pub async fn favicon() -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../../style/logo.svg"),
    )
        .into_response()
}

fn site_origin(request: &Request) -> String {
    request.extensions().get::<SiteOrigin>().map(|origin| origin.0.clone()).unwrap_or_default()
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
