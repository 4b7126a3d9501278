//! WebP renditions of content pictures (`telepath_domain::picture` names them), made
//! from the editor's original on first request and kept in the data folder. A
//! rendition's file is named by the original's digest and its width, so a picture
//! replaced in content/media gets new files and the old ones are never served for it.

use super::media::{MAX_IMAGE_BYTES, has_renditions, picture_digest, servable_media_file};
use super::regular_file::read_regular_file;
use image::DynamicImage;
use image::imageops::FilterType;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use telepath_domain::PictureDigest;
use telepath_domain::picture::{parse_rendition_path, rendition_widths};

/// libwebp's quality: where screenshots keep their small print crisp at about half
/// the bytes of the PNG.
const WEBP_QUALITY: f32 = 80.0;

/// Why a rendition is not served.
#[derive(Debug, thiserror::Error)]
pub enum RenditionError {
    /// Not an address the portal makes, or not a picture it offers at that width.
    #[error("no such rendition")]
    NotFound,
    #[error("{path} cannot be read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path} is not a picture that can be read: {source}")]
    Undecodable { path: PathBuf, source: image::ImageError },
    #[error("{path} could not be encoded as WebP: {reason}")]
    Unencodable { path: PathBuf, reason: String },
    #[error("cannot keep the rendition in {path}: {source}")]
    Cache { path: PathBuf, source: std::io::Error },
}

/// What [`Renditions::make_all`] did.
#[derive(Debug, Default)]
pub struct MadeRenditions {
    pub pictures: usize,
    /// Renditions made now; the others were already kept.
    pub made: usize,
    pub failed: Vec<RenditionError>,
}

/// The renditions of the pictures in one content folder.
#[derive(Debug)]
pub struct Renditions {
    media_root: PathBuf,
    cache_dir: PathBuf,
    /// One rendition is made at a time: a burst of first requests for a new picture
    /// waits for one decode instead of making one each.
    making: Mutex<()>,
}

impl Renditions {
    /// Renditions of the pictures in `content_root/media`, kept in `cache_dir` (made
    /// when the first one is).
    pub fn new(content_root: &Path, cache_dir: PathBuf) -> Self {
        Self { media_root: content_root.join("media"), cache_dir, making: Mutex::new(()) }
    }

    /// The file of the rendition at `url_path` (`/renditions/<digest>-<width>/…`),
    /// made first if it is not kept yet. Blocking: it reads, decodes and encodes.
    pub fn file_for(&self, url_path: &str) -> Result<PathBuf, RenditionError> {
        let (digest, width, media_path) = parse_rendition_path(url_path).ok_or(RenditionError::NotFound)?;
        let kept = self.kept_file(&digest, width);
        if kept.is_file() {
            return Ok(kept);
        }
        let original = self.original(media_path).ok_or(RenditionError::NotFound)?;
        let bytes = read_regular_file(&original, MAX_IMAGE_BYTES).map_err(|error| {
            RenditionError::Unreadable { path: original.clone(), reason: error.to_string() }
        })?;
        if picture_digest(&bytes) != digest {
            return Err(RenditionError::NotFound);
        }
        let _one_at_a_time = self.making.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.is_file() {
            return Ok(kept);
        }
        let picture = decode(&original, &bytes)?;
        if !rendition_widths(picture.width()).contains(&width) {
            return Err(RenditionError::NotFound);
        }
        let webp = encode(&original, &picture, width)?;
        self.keep(&kept, &webp)?;
        Ok(kept)
    }

    /// Makes every rendition the pages offer of every picture in content/media that
    /// is not kept yet, calling `progress(done, total)` after each picture, so the
    /// first visitors after a deployment are not the ones who wait for them. A picture
    /// that cannot be made is reported and the others are still made.
    pub fn make_all(&self, progress: &mut dyn FnMut(usize, usize)) -> MadeRenditions {
        let pictures = self.pictures();
        let mut made = MadeRenditions::default();
        for (done, picture) in pictures.iter().enumerate() {
            match self.make_every_width(picture) {
                Ok(count) => made.made += count,
                Err(error) => made.failed.push(error),
            }
            made.pictures += 1;
            progress(done + 1, pictures.len());
        }
        made
    }

    /// The pictures under content/media the portal makes renditions of, in name order.
    fn pictures(&self) -> Vec<PathBuf> {
        let mut pictures = Vec::new();
        let mut folders = vec![self.media_root.clone()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            for path in entries.flatten().map(|entry| entry.path()) {
                if path.is_dir() {
                    folders.push(path);
                } else if has_renditions(&path)
                    && let Ok(real) = servable_media_file(&self.media_root, &path)
                {
                    pictures.push(real);
                }
            }
        }
        pictures.sort();
        pictures
    }

    /// Makes the renditions of one picture that are not kept yet; how many were made.
    fn make_every_width(&self, original: &Path) -> Result<usize, RenditionError> {
        let bytes = read_regular_file(original, MAX_IMAGE_BYTES).map_err(|error| {
            RenditionError::Unreadable { path: original.to_owned(), reason: error.to_string() }
        })?;
        let digest = picture_digest(&bytes);
        let picture = decode(original, &bytes)?;
        let mut made = 0;
        for width in rendition_widths(picture.width()) {
            let kept = self.kept_file(&digest, width);
            if !kept.is_file() {
                self.keep(&kept, &encode(original, &picture, width)?)?;
                made += 1;
            }
        }
        Ok(made)
    }

    fn kept_file(&self, digest: &PictureDigest, width: u32) -> PathBuf {
        self.cache_dir.join(format!("{}-{width}.webp", digest.0))
    }

    /// The original picture at `media_path` under content/media, if the portal
    /// serves it and makes renditions of its kind.
    fn original(&self, media_path: &str) -> Option<PathBuf> {
        let path = Path::new(media_path);
        let plain = path.components().all(|component| matches!(component, Component::Normal(_)));
        if !plain || !has_renditions(path) {
            return None;
        }
        servable_media_file(&self.media_root, &self.media_root.join(path)).ok()
    }

    /// Writes the rendition whole or not at all: another request never reads half of it.
    fn keep(&self, path: &Path, webp: &[u8]) -> Result<(), RenditionError> {
        let failed = |source| RenditionError::Cache { path: path.to_owned(), source };
        std::fs::create_dir_all(&self.cache_dir).map_err(failed)?;
        let partial = path.with_extension("webp.partial");
        std::fs::write(&partial, webp).map_err(failed)?;
        std::fs::rename(&partial, path).map_err(failed)
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<DynamicImage, RenditionError> {
    image::load_from_memory(bytes)
        .map_err(|source| RenditionError::Undecodable { path: path.to_owned(), source })
}

/// `picture`, `width` pixels wide, as lossy WebP.
fn encode(path: &Path, picture: &DynamicImage, width: u32) -> Result<Vec<u8>, RenditionError> {
    let sized = if width == picture.width() {
        picture.clone()
    } else {
        // The height follows from the width; `resize` keeps the proportions.
        picture.resize(width, u32::MAX, FilterType::CatmullRom)
    };
    let pixels = sized.to_rgba8();
    webp::Encoder::from_rgba(&pixels, pixels.width(), pixels.height())
        .encode_simple(false, WEBP_QUALITY)
        .map(|encoded| encoded.to_vec())
        .map_err(|error| RenditionError::Unencodable { path: path.to_owned(), reason: format!("{error:?}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use telepath_domain::picture::rendition_url;

    fn screenshot(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut png = Vec::new();
        picture.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        png
    }

    #[test]
    fn a_rendition_is_made_once_at_the_width_asked_and_kept() {
        let content = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(content.path().join("media/kits")).unwrap();
        let png = screenshot(800, 500);
        std::fs::write(content.path().join("media/kits/a.png"), &png).unwrap();
        let cache = content.path().join("renditions");
        let renditions = Renditions::new(content.path(), cache.clone());
        let digest = picture_digest(&png);

        let file = renditions.file_for(&rendition_url("/media/kits/a.png", &digest, 360)).unwrap();
        let made = image::open(&file).unwrap();
        assert_eq!((made.width(), made.height()), (360, 225), "the proportions are kept");
        assert_eq!(image::ImageFormat::from_path(&file).unwrap(), image::ImageFormat::WebP);
        assert!(std::fs::metadata(&file).unwrap().len() < png.len() as u64 / 2, "smaller than the original");

        // Kept: served again even once the original is gone.
        std::fs::remove_file(content.path().join("media/kits/a.png")).unwrap();
        assert_eq!(renditions.file_for(&rendition_url("/media/kits/a.png", &digest, 360)).unwrap(), file);
    }

    #[test]
    fn only_offered_widths_of_the_current_picture_inside_content_media_are_made() {
        let content = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(content.path().join("media")).unwrap();
        let png = screenshot(400, 100);
        std::fs::write(content.path().join("media/a.png"), &png).unwrap();
        std::fs::write(content.path().join("secret.png"), &png).unwrap();
        std::fs::write(content.path().join("media/notes.txt"), "not a picture").unwrap();
        let renditions = Renditions::new(content.path(), content.path().join("renditions"));
        let digest = picture_digest(&png);
        let refused = |url: String| matches!(renditions.file_for(&url), Err(RenditionError::NotFound));

        assert!(refused(rendition_url("/media/a.png", &digest, 540)), "wider than the original");
        assert!(refused(rendition_url("/media/a.png", &digest, 300)), "a width no page offers");
        assert!(refused(rendition_url("/media/a.png", &picture_digest(b"older"), 360)), "a replaced picture");
        assert!(refused(rendition_url("/media/../secret.png", &digest, 360)), "outside content/media");
        assert!(refused(rendition_url("/media/notes.txt", &picture_digest(b"not a picture"), 360)));
        assert!(renditions.file_for(&rendition_url("/media/a.png", &digest, 400)).is_ok(), "its own width");
    }

    #[test]
    fn every_offered_width_of_every_picture_is_made_ahead_once_and_a_broken_one_is_reported() {
        let content = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(content.path().join("media/kits")).unwrap();
        let wide = screenshot(1200, 300);
        let small = screenshot(300, 100);
        std::fs::write(content.path().join("media/kits/wide.png"), &wide).unwrap();
        std::fs::write(content.path().join("media/small.png"), &small).unwrap();
        std::fs::write(content.path().join("media/broken.jpg"), b"not a jpeg").unwrap();
        let renditions = Renditions::new(content.path(), content.path().join("renditions"));
        let mut seen = Vec::new();

        let made = renditions.make_all(&mut |done, total| seen.push((done, total)));
        assert_eq!(seen, [(1, 3), (2, 3), (3, 3)]);
        assert_eq!((made.pictures, made.made), (3, 5 + 1), "360, 540, 720, 1080 and 1200 wide; 300 wide");
        assert_eq!(made.failed.len(), 1);
        assert!(made.failed[0].to_string().contains("broken.jpg"), "{}", made.failed[0]);
        let url = rendition_url("/media/kits/wide.png", &picture_digest(&wide), 1080);
        let kept = content.path().join("renditions").join(format!("{}-1080.webp", picture_digest(&wide).0));
        assert_eq!(renditions.file_for(&url).unwrap(), kept);

        let again = renditions.make_all(&mut |_, _| {});
        assert_eq!(again.made, 0, "what is kept is not made again");
    }

    #[test]
    fn a_broken_picture_is_named_in_the_error() {
        let content = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(content.path().join("media")).unwrap();
        let broken = b"\x89PNG\r\n\x1a\nnot really".to_vec();
        std::fs::write(content.path().join("media/broken.png"), &broken).unwrap();
        let renditions = Renditions::new(content.path(), content.path().join("renditions"));
        let error = renditions
            .file_for(&rendition_url("/media/broken.png", &picture_digest(&broken), 360))
            .unwrap_err();
        assert!(error.to_string().contains("broken.png is not a picture that can be read"), "{error}");
    }
}
