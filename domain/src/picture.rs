//! Smaller copies ("renditions") of a content picture in WebP, and how a page offers
//! them: the editor's original stays the `<img>` every browser can show, and a
//! `<source type="image/webp">` lists the renditions by width so a phone fetches one
//! sized for its screen. The server makes each rendition on first request and keeps
//! it; the address names the original's digest, so a replaced picture gets new
//! addresses and a cached old one is never shown for it.

use serde::{Deserialize, Serialize};

/// Where renditions are served.
pub const RENDITIONS_PATH: &str = "/renditions";

/// The widths, in pixels, a picture is offered at when it is wider: a phone at one and
/// two device pixels a CSS pixel, a small tablet, a desktop column at two.
pub const RENDITION_WIDTHS: [u32; 4] = [360, 540, 720, 1080];

/// Which picture file the renditions are made from: its digest, as
/// [`rendition_url`] and the server's check read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureDigest(pub String);

/// The widths a picture `original` pixels wide is offered at: each standard width
/// below its own, and its own (a WebP copy at full size is still smaller).
pub fn rendition_widths(original: u32) -> Vec<u32> {
    RENDITION_WIDTHS.iter().copied().filter(|width| *width < original).chain([original]).collect()
}

/// The rendition of the picture served at `media_url` (`/media/kits/a.png`), `width`
/// pixels wide: `/renditions/<digest>-<width>/kits/a.png.webp`.
pub fn rendition_url(media_url: &str, digest: &PictureDigest, width: u32) -> String {
    let path = media_url.strip_prefix("/media").unwrap_or(media_url);
    format!("{RENDITIONS_PATH}/{}-{width}{path}.webp", digest.0)
}

/// A rendition's address, read back: the digest, the width and the picture's path
/// under content/media. `None` for anything [`rendition_url`] does not make.
pub fn parse_rendition_path(path: &str) -> Option<(PictureDigest, u32, &str)> {
    let rest = path.strip_prefix(RENDITIONS_PATH)?.strip_prefix('/')?;
    let (name, media_path) = rest.split_once('/')?;
    let (digest, width) = name.split_once('-')?;
    let is_digest = !digest.is_empty() && digest.bytes().all(|byte| byte.is_ascii_hexdigit());
    let width = width.parse().ok().filter(|width| *width > 0)?;
    let media_path = media_path.strip_suffix(".webp").filter(|path| !path.is_empty())?;
    is_digest.then(|| (PictureDigest(digest.to_owned()), width, media_path))
}

/// The `srcset` of a picture's WebP renditions.
pub fn webp_srcset(media_url: &str, digest: &PictureDigest, original_width: u32) -> String {
    rendition_widths(original_width)
        .into_iter()
        .map(|width| format!("{} {width}w", rendition_url(media_url, digest, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_offered_at_each_smaller_standard_width_and_its_own() {
        assert_eq!(rendition_widths(800), [360, 540, 720, 800]);
        assert_eq!(rendition_widths(360), [360]);
        assert_eq!(rendition_widths(200), [200]);
        assert_eq!(rendition_widths(2000), [360, 540, 720, 1080, 2000]);
    }

    #[test]
    fn rendition_addresses_read_back_and_nothing_else_does() {
        let digest = PictureDigest("3fa2c1d9e0b4a7f1".into());
        let url = rendition_url("/media/kits/a b.png", &digest, 540);
        assert_eq!(url, "/renditions/3fa2c1d9e0b4a7f1-540/kits/a b.png.webp");
        assert_eq!(parse_rendition_path(&url), Some((digest.clone(), 540, "kits/a b.png")));
        for wrong in [
            "/renditions/3fa2-540/kits/a.png",
            "/renditions/xyz-540/kits/a.png.webp",
            "/renditions/3fa2-0/kits/a.png.webp",
            "/renditions/3fa2-big/kits/a.png.webp",
            "/renditions/3fa2/kits/a.png.webp",
            "/renditions/3fa2-540/.webp",
            "/media/kits/a.png",
        ] {
            assert_eq!(parse_rendition_path(wrong), None, "{wrong}");
        }
        assert_eq!(
            webp_srcset("/media/a.png", &digest, 600),
            "/renditions/3fa2c1d9e0b4a7f1-360/a.png.webp 360w, /renditions/3fa2c1d9e0b4a7f1-540/a.png.webp 540w, \
             /renditions/3fa2c1d9e0b4a7f1-600/a.png.webp 600w"
        );
    }
}
