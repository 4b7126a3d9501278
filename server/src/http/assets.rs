//! The browser bundle (wasm, JS, CSS) under content-hashed URLs that can be cached
//! for a year, the content's media files, and their WebP renditions.

use crate::content::{RenditionError, servable_media_file};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use tower::{Layer, Service, ServiceExt};
use tower_http::services::{ServeDir, ServeFile};
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
    let cached_forever =
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, |response: &Response<_>| {
            kept_for_a_year(response.status())
        });
    Router::new().nest_service(&format!("/pkg/{hash}"), cached_forever.layer(files))
}

/// The Cache-Control of a file whose address changes with its content. Only a file
/// that exists may be kept for a year: a 404 cached as immutable would outlive the
/// deploy that adds the file.
fn kept_for_a_year(status: StatusCode) -> Option<HeaderValue> {
    (status.is_success() || status == StatusCode::NOT_MODIFIED)
        .then(|| HeaderValue::from_static("public, max-age=31536000, immutable"))
}

/// What a media response may be cached with: an hour for a file (editors replace
/// them in place), nothing for a 404, which a new file would otherwise hide.
type MediaCacheControl = fn(&Response<Body>) -> Option<HeaderValue>;

/// Images and videos from content/media.
pub fn media_service(media_dir: &Path) -> SetResponseHeader<MediaFiles, MediaCacheControl> {
    let cache_control: MediaCacheControl = |response| {
        let status = response.status();
        (status.is_success() || status == StatusCode::NOT_MODIFIED)
            .then(|| HeaderValue::from_static("public, max-age=3600"))
    };
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, cache_control)
        .layer(MediaFiles { media_dir: media_dir.to_owned() })
}

/// Serves a file from content/media only if, with every link on the way followed, it
/// is a regular file inside content/media (`servable_media_file`, the rule `telepath
/// check` reports by). ServeDir alone refuses `..` but follows links, so a link in the
/// folder served /etc/passwd and the data folder's csrf.key. Once checked, the file
/// is handed to ServeFile by its real path, which keeps range requests (video
/// seeking), conditional requests and content types.
///
/// Between the check and ServeFile opening the file, someone who can write to
/// content/media could swap the checked file for a link or a pipe. Closing that
/// window needs `openat2(RESOLVE_BENEATH)` and serving from the open handle, which
/// ServeFile cannot do; the check closes the lasting hole (a link left in the folder),
/// and the race needs write access to content/ and winning it on every request.
#[derive(Clone, Debug)]
pub struct MediaFiles {
    media_dir: PathBuf,
}

impl<B: Send + 'static> Service<Request<B>> for MediaFiles {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let media_dir = self.media_dir.clone();
        Box::pin(async move {
            let Some(requested) = requested_file(&media_dir, request.uri().path()) else {
                return Ok(not_found());
            };
            // Following links touches the disk: a blocking call, kept off the async workers.
            let checked =
                tokio::task::spawn_blocking(move || servable_media_file(&media_dir, &requested)).await;
            match checked {
                Ok(Ok(real)) => {
                    let Ok(response) = ServeFile::new(real).oneshot(request).await;
                    Ok(response.map(Body::new))
                }
                Ok(Err(_)) | Err(_) => Ok(not_found()),
            }
        })
    }
}

/// The file a request path names under `media_dir`, decoded as ServeDir does; `None`
/// for anything that is not a plain relative path.
fn requested_file(media_dir: &Path, uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(uri_path.trim_start_matches('/')).decode_utf8().ok()?;
    let mut path = media_dir.to_owned();
    for component in Path::new(&*decoded).components() {
        match component {
            Component::Normal(name) => path.push(name),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(path)
}

/// A WebP rendition of a content picture, made on first request (`Renditions`) and
/// cached for a year: its address names the original's digest, so what it serves
/// never changes. When one cannot be served (a picture replaced since the page was
/// sent, or one that cannot be decoded), the browser is sent to the original, which
/// every browser shows whatever the `<source>` said its type was.
pub async fn rendition(State(state): State<AppState>, request: Request<Body>) -> Response<Body> {
    let Ok(path) = percent_decode_str(request.uri().path()).decode_utf8().map(|path| path.into_owned())
    else {
        return not_found();
    };
    let original = telepath_domain::picture::parse_rendition_path(&path).and_then(|_| {
        // The address as the browser sent it, still percent-encoded: `/renditions/<name>/<path>.webp`.
        let (_, encoded) = request.uri().path().strip_prefix("/renditions/")?.split_once('/')?;
        Some(format!("/media/{}", encoded.strip_suffix(".webp")?))
    });
    let Some(original) = original else {
        return not_found();
    };
    let renditions = state.renditions.clone();
    match tokio::task::spawn_blocking(move || renditions.file_for(&path)).await {
        Ok(Ok(file)) => {
            let Ok(response) = ServeFile::new(file).oneshot(request).await;
            let mut response = response.map(Body::new);
            if let Some(cache_control) = kept_for_a_year(response.status()) {
                response.headers_mut().insert(header::CACHE_CONTROL, cache_control);
            }
            response
        }
        Ok(Err(RenditionError::NotFound)) => Redirect::temporary(&original).into_response(),
        Ok(Err(error)) => {
            tracing::error!("rendition {}: {error}", request.uri().path());
            Redirect::temporary(&original).into_response()
        }
        Err(panicked) => {
            tracing::error!("making rendition {} failed: {panicked}", request.uri().path());
            Redirect::temporary(&original).into_response()
        }
    }
}

fn not_found() -> Response<Body> {
    StatusCode::NOT_FOUND.into_response()
}
