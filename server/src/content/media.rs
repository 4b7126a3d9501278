//! References from content to files under content/media: resolved, checked, sized.

use super::diagnostic::{Diagnostic, Position};
use super::regular_file::{OpenError, describe, not_a_regular_file, open_regular_file};
use super::source::SourceContext;
use std::path::{Component, Path, PathBuf};
use telepath_domain::PictureDigest;

/// Pictures larger than this slow every page they are on.
pub const MAX_IMAGE_BYTES: u64 = 512 * 1024;
/// Short videos only: a few seconds of small video stays under this.
pub const MAX_VIDEO_BYTES: u64 = 8 * 1024 * 1024;

/// A media file a content file points to, as the portal serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedMedia {
    /// e.g. `/media/kits/dashboard.png`
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// For pictures the portal makes renditions of: the digest their addresses name.
    pub digest: Option<PictureDigest>,
}

/// Why a path under content/media is not served.
#[derive(Debug, thiserror::Error)]
pub enum MediaRefusal {
    #[error("does not exist")]
    Missing,
    #[error("is a link to a file outside content/media")]
    OutsideMedia,
    #[error("is {kind}, not a regular file")]
    NotRegular { kind: &'static str },
    #[error("cannot be read: {0}")]
    Unreadable(std::io::Error),
}

impl From<OpenError> for MediaRefusal {
    fn from(error: OpenError) -> Self {
        match error {
            OpenError::NotRegular { kind } => MediaRefusal::NotRegular { kind },
            OpenError::Io(error) => MediaRefusal::from(error),
        }
    }
}

impl From<std::io::Error> for MediaRefusal {
    fn from(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::NotFound => MediaRefusal::Missing,
            _ => MediaRefusal::Unreadable(error),
        }
    }
}

/// Where `path` really is, if it is a regular file inside `media_root` once every
/// link on the way is followed. The one rule for what `/media` serves and what
/// content may show: a link to another file in content/media is fine, a link out of
/// it (to /etc/passwd, to the data folder's csrf.key) or to a pipe is not.
pub fn servable_media_file(media_root: &Path, path: &Path) -> Result<PathBuf, MediaRefusal> {
    // The media folder may itself be a link (a deployment choice); what is inside
    // it must stay inside where it leads.
    let root = media_root.canonicalize()?;
    let real = path.canonicalize()?;
    if !real.starts_with(&root) {
        return Err(MediaRefusal::OutsideMedia);
    }
    let metadata = std::fs::metadata(&real)?;
    if !metadata.is_file() {
        return Err(MediaRefusal::NotRegular { kind: describe(&metadata) });
    }
    Ok(real)
}

/// Resolves `reference` (relative to `file`) to a file under `content_root/media`.
/// Problems come back as a warning located at `position` in `shown`.
pub fn resolve_media(
    content_root: &Path,
    file: &Path,
    reference: &str,
    shown: &Path,
    position: Position,
) -> Result<ResolvedMedia, Diagnostic> {
    let warning =
        |message: String, help: &str| Diagnostic::warning(shown, position, "media", message).with_help(help);
    let refused = |refusal: MediaRefusal| match refusal {
        MediaRefusal::Missing => warning(
            format!("`{reference}` does not exist"),
            "check the file name; paths are relative to this file",
        ),
        MediaRefusal::OutsideMedia => warning(
            format!("`{reference}` is a link to a file outside content/media, which is never served"),
            "copy the file into content/media instead of linking to it",
        ),
        MediaRefusal::NotRegular { kind } => warning(
            format!("`{reference}` is {kind}, not a picture or video file"),
            "put the picture or video itself in content/media",
        ),
        MediaRefusal::Unreadable(error) => {
            warning(format!("`{reference}` cannot be read: {error}"), "check the file's permissions")
        }
    };
    let base = file.parent().unwrap_or(content_root);
    let joined = normalize(&base.join(reference));
    let media_root = normalize(&content_root.join("media"));
    let Ok(inside) = joined.strip_prefix(&media_root) else {
        return Err(warning(
            format!("`{reference}` is not inside content/media"),
            "put pictures and videos in content/media and refer to them by a relative path",
        ));
    };
    let real = servable_media_file(&media_root, &joined).map_err(refused)?;
    // Size and dimensions come from the same open handle whose type was checked.
    let (file, metadata) = open_regular_file(&real).map_err(|error| refused(error.into()))?;
    let is_video = matches!(extension(&joined).as_str(), "mp4" | "webm" | "vtt");
    let limit = if is_video { MAX_VIDEO_BYTES } else { MAX_IMAGE_BYTES };
    if metadata.len() > limit {
        return Err(warning(
            format!(
                "`{reference}` is {} KiB, over the {} KiB limit for media",
                metadata.len() / 1024,
                limit / 1024
            ),
            "compress it (pictures: pngquant or JPEG; video: shorter, smaller, H.264)",
        ));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::BufReader::new(file), &mut bytes)
        .map_err(|error| refused(MediaRefusal::Unreadable(error)))?;
    let (width, height) = match imagesize::blob_size(&bytes) {
        Ok(size) => (u32::try_from(size.width).ok(), u32::try_from(size.height).ok()),
        Err(_) => (None, None),
    };
    let digest = (has_renditions(&joined) && width.is_some()).then(|| picture_digest(&bytes));
    let url_path: Vec<String> =
        inside.components().map(|component| component.as_os_str().to_string_lossy().into_owned()).collect();
    Ok(ResolvedMedia { url: format!("/media/{}", url_path.join("/")), width, height, digest })
}

/// Pictures the portal can read and so make smaller WebP copies of.
pub fn has_renditions(path: &Path) -> bool {
    matches!(extension(path).as_str(), "png" | "jpg" | "jpeg")
}

/// What names a picture file's renditions: the start of its SHA-256, enough that two
/// pictures of one help centre never share it.
pub fn picture_digest(bytes: &[u8]) -> PictureDigest {
    use sha2::Digest;
    PictureDigest(hex::encode(&sha2::Sha256::digest(bytes)[..8]))
}

/// Reports what in content/media would not be served: links that lead out of the
/// folder and anything that is not a regular file. Media files are only opened
/// when content refers to them, so without this walk a link to /etc/passwd
/// would sit in the folder unnoticed.
pub(super) fn check_media_folder(source: &mut SourceContext<'_>) {
    let media_root = source.root.join("media");
    let mut folders = vec![media_root.clone()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            // Only real folders are walked into; a link to a folder is judged as a
            // whole below, so a link loop cannot keep the walk going.
            if entry.file_type().is_ok_and(|file_type| file_type.is_dir()) {
                folders.push(path);
                continue;
            }
            let shown = source.display_path(&path);
            match servable_media_file(&media_root, &path) {
                // A link to nothing serves nothing; content referring to it is told
                // that it does not exist.
                Ok(_) | Err(MediaRefusal::Missing) => {}
                // A link to a folder inside content/media, whose files are walked
                // where they really are.
                Err(MediaRefusal::NotRegular { .. }) if path.is_dir() => {}
                Err(MediaRefusal::NotRegular { kind }) => source.report(not_a_regular_file(&shown, kind)),
                Err(MediaRefusal::OutsideMedia) => source.report(
                    Diagnostic::error(
                        &shown,
                        Position::START,
                        "media",
                        "this link points outside content/media, so it is not served",
                    )
                    .with_help("copy the file into content/media instead of linking to it"),
                ),
                Err(refusal @ MediaRefusal::Unreadable(_)) => source.report(
                    Diagnostic::warning(&shown, Position::START, "media", format!("this file {refusal}"))
                        .with_help("check the file's permissions"),
                ),
            }
        }
    }
}

fn extension(path: &Path) -> String {
    path.extension().map(|ext| ext.to_string_lossy().to_lowercase()).unwrap_or_default()
}

/// Removes `.` and `..` without touching the file system, so a path cannot climb out
/// through a link that does not exist yet.
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_references_resolve_inside_the_media_folder_only() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("media/kits")).unwrap();
        std::fs::create_dir_all(root.path().join("kits")).unwrap();
        std::fs::write(root.path().join("media/kits/a.txt"), "x").unwrap();
        let file = root.path().join("kits/newcomer.md");
        let shown = Path::new("content/kits/newcomer.md");
        let at = Position { line: 4, column: 9 };

        let resolved = resolve_media(root.path(), &file, "../media/kits/a.txt", shown, at).unwrap();
        assert_eq!(resolved.url, "/media/kits/a.txt");

        let missing = resolve_media(root.path(), &file, "../media/kits/b.png", shown, at).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "content/kits/newcomer.md:4:9: warning[media]: `../media/kits/b.png` does not exist (help: check the file name; paths are relative to this file)"
        );
        let outside = resolve_media(root.path(), &file, "../../etc/passwd", shown, at).unwrap_err();
        assert!(outside.to_string().contains("is not inside content/media"), "{outside}");
    }
}
