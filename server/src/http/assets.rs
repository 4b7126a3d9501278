//! The browser bundle (wasm, JS, CSS) under content-hashed URLs that can be cached
//! for a year, and the content's media files.

use axum::Router;
use axum::http::{HeaderValue, Response, StatusCode, header};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tower::Layer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use super::AppState;

/// The built bundle in `<site>/pkg`, named by a hash of its contents so a new build
/// gets new URLs and browsers may keep the old files forever.
#[derive(Clone, Debug)]
pub struct AssetBundle {
    pub pkg_dir: PathBuf,
    /// `None` when no bundle has been built: pages still work, without JavaScript and styles.
    pub hash: Option<String>,
}

impl AssetBundle {
    pub fn load(site_dir: &Path) -> AssetBundle {
        let pkg_dir = site_dir.join("pkg");
        let hash = bundle_hash(&pkg_dir);
        if hash.is_none() {
            tracing::warn!(
                "no browser bundle in {}; pages will be served without styles and JavaScript \
                 (build it with scripts/build-site.sh)",
                pkg_dir.display()
            );
        }
        AssetBundle { pkg_dir, hash }
    }

    /// The URL folder the bundle is served from, as Leptos' `site_pkg_dir`.
    pub fn url_dir(&self) -> String {
        format!("pkg/{}", self.hash.as_deref().unwrap_or("unbuilt"))
    }
}

fn bundle_hash(pkg_dir: &Path) -> Option<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(pkg_dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && !path.extension().is_some_and(|ext| ext == "br" || ext == "gz"))
        .collect();
    if !files.iter().any(|path| path.file_name() == Some("app_bg.wasm".as_ref())) {
        return None;
    }
    files.sort();
    let mut hasher = Sha256::new();
    for path in files {
        hasher.update(path.file_name()?.as_encoded_bytes());
        hasher.update(std::fs::read(&path).ok()?);
    }
    Some(hex::encode(&hasher.finalize()[..8]))
}

pub fn routes(bundle: &AssetBundle) -> Router<AppState> {
    let Some(hash) = &bundle.hash else {
        return Router::new();
    };
    // A folder is never a bundle file: 404 rather than a redirect to it with a slash.
    let files = ServeDir::new(&bundle.pkg_dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    // Only a file that exists may be kept for a year: a 404 cached as immutable
    // would outlive the deploy that adds the file.
    let cached_forever =
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, |response: &Response<_>| {
            let status = response.status();
            (status.is_success() || status == StatusCode::NOT_MODIFIED)
                .then(|| HeaderValue::from_static("public, max-age=31536000, immutable"))
        });
    Router::new().nest_service(&format!("/pkg/{hash}"), cached_forever.layer(files))
}

/// Images and videos from content/media; ServeDir answers range requests, which
/// video players rely on, and refuses any path that climbs out of the folder.
pub fn media_service(media_dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    )
    .layer(ServeDir::new(media_dir))
}
