//! References from content to files under content/media: resolved, checked, sized.

use super::diagnostic::{Diagnostic, Position};
use std::path::{Component, Path, PathBuf};

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
    let base = file.parent().unwrap_or(content_root);
    let joined = normalize(&base.join(reference));
    let media_root = normalize(&content_root.join("media"));
    let Ok(inside) = joined.strip_prefix(&media_root) else {
        return Err(warning(
            format!("`{reference}` is not inside content/media"),
            "put pictures and videos in content/media and refer to them by a relative path",
        ));
    };
    let metadata = match std::fs::metadata(&joined) {
        Ok(metadata) if metadata.is_file() => metadata,
        _ => {
            return Err(warning(
                format!("`{reference}` does not exist"),
                "check the file name; paths are relative to this file",
            ));
        }
    };
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
    let (width, height) = match imagesize::size(&joined) {
        Ok(size) => (u32::try_from(size.width).ok(), u32::try_from(size.height).ok()),
        Err(_) => (None, None),
    };
    let url_path: Vec<String> =
        inside.components().map(|component| component.as_os_str().to_string_lossy().into_owned()).collect();
    Ok(ResolvedMedia { url: format!("/media/{}", url_path.join("/")), width, height })
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
