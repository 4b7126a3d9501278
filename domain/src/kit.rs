//! What a welcome kit holds.

use serde::{Deserialize, Serialize};

/// Things in every welcome kit: enough to orient, few enough to finish. The
/// visitor's progress cookie keeps one bit per thing and the editors' check refuses
/// a kit of any other size, both from this one number, so a kit can never hold a
/// thing nobody can tick.
pub const KIT_THINGS: usize = 5;

/// One of a welcome kit's five things to know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KitThing {
    pub title: String,
    /// Sanitised HTML.
    pub body_html: String,
    pub image: MediaRef,
    pub video: Option<VideoRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaRef {
    /// Portal URL, e.g. `/media/kits/dashboard.png`.
    pub src: String,
    pub alt: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Set for pictures the portal makes WebP renditions of (PNG and JPEG).
    pub digest: Option<crate::PictureDigest>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoRef {
    pub src: String,
    pub poster: Option<String>,
    pub captions: Option<String>,
}
