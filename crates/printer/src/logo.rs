//! The store's logo: an image file (PNG, JPEG, BMP, GIF) turned into a printable 1-bit
//! bitmap (scaled to fit 58 mm paper, transparent parts white, Floyd–Steinberg dithered),
//! and that bitmap as a compact setting string.
//!
//! Invariant: an input never panics and never allocates without bound: files over
//! [`MAX_FILE`] bytes or [`MAX_SIDE`] pixels a side are refused before decoding.

use base64::Engine as _;
use image::{ImageReader, Limits};

use crate::doc::Bitmap;

/// Widest logo in dots: the printable width of 58 mm paper, so it fits both widths.
pub const MAX_WIDTH: u32 = 384;
/// Tallest logo in dots (2 cm at 203 dpi).
pub const MAX_HEIGHT: u32 = 160;
pub const MAX_FILE: usize = 4 * 1024 * 1024;
pub const MAX_SIDE: u32 = 6000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("logo file too large ({0} bytes)")]
    TooLarge(usize),
    #[error("not an image this printer can use: {0}")]
    Unreadable(String),
}

impl cardcat_core::Localized for LogoError {
    fn code(&self) -> &'static str {
        match self {
            LogoError::TooLarge(_) => "input.logo_too_large",
            LogoError::Unreadable(_) => "input.logo_unreadable",
        }
    }
    fn args(&self, _lang: cardcat_core::Lang) -> cardcat_core::i18n::Args {
        match self {
            LogoError::TooLarge(n) => {
                vec![("mb", cardcat_core::i18n::Arg::from((*n / 1_048_576) as u64))]
            }
            LogoError::Unreadable(_) => Vec::new(),
        }
    }
}

/// Decodes an image file and makes the logo bitmap.
pub fn from_image(bytes: &[u8]) -> Result<Bitmap, LogoError> {
    if bytes.len() > MAX_FILE {
        return Err(LogoError::TooLarge(bytes.len()));
    }
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| LogoError::Unreadable(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| LogoError::Unreadable(e.to_string()))?;
    let (w, h) = (img.width().max(1), img.height().max(1));
    // fit inside MAX_WIDTH × MAX_HEIGHT, keeping the aspect ratio (integer arithmetic)
    let (mut tw, mut th) = (w.min(MAX_WIDTH), 0);
    th = th.max((u64::from(h) * u64::from(tw) / u64::from(w)) as u32);
    if th > MAX_HEIGHT {
        th = MAX_HEIGHT;
        tw = ((u64::from(w) * u64::from(th) / u64::from(h)) as u32).max(1);
    }
    let th = th.max(1);
    let rgba = image::imageops::resize(
        &img.to_rgba8(),
        tw,
        th,
        image::imageops::FilterType::Triangle,
    );
    // over white, then luminance (ITU-R BT.601 in integers)
    let mut gray = image::GrayImage::new(tw, th);
    for (x, y, p) in rgba.enumerate_pixels() {
        let [r, g, b, a] = p.0;
        let lum = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000;
        let v = (lum * u32::from(a) + 255 * (255 - u32::from(a))) / 255;
        gray.put_pixel(x, y, image::Luma([v as u8]));
    }
    image::imageops::dither(&mut gray, &image::imageops::colorops::BiLevel);
    let mut bm = Bitmap::new(tw, th);
    for (x, y, p) in gray.enumerate_pixels() {
        if p.0[0] < 128 {
            bm.set(x, y);
        }
    }
    Ok(bm)
}

/// The bitmap as a setting value: `v1:<width>:<height>:<base64 of the packed rows>`.
pub fn to_setting(b: &Bitmap) -> String {
    let row = b.width.div_ceil(8) as usize;
    let mut packed = vec![0u8; row * b.height as usize];
    for y in 0..b.height {
        for x in 0..b.width {
            if b.get(x, y) {
                packed[y as usize * row + (x / 8) as usize] |= 0x80 >> (x % 8);
            }
        }
    }
    format!(
        "v1:{}:{}:{}",
        b.width,
        b.height,
        base64::engine::general_purpose::STANDARD.encode(packed)
    )
}

/// A setting value back to the bitmap; `None` when it is not one (never trusted blindly).
pub fn from_setting(s: &str) -> Option<Bitmap> {
    let mut it = s.splitn(4, ':');
    if it.next()? != "v1" {
        return None;
    }
    let w: u32 = it.next()?.parse().ok()?;
    let h: u32 = it.next()?.parse().ok()?;
    if w == 0 || h == 0 || w > MAX_WIDTH || h > MAX_HEIGHT {
        return None;
    }
    let packed = base64::engine::general_purpose::STANDARD
        .decode(it.next()?)
        .ok()?;
    let row = w.div_ceil(8) as usize;
    if packed.len() != row * h as usize {
        return None;
    }
    let mut b = Bitmap::new(w, h);
    for y in 0..h {
        for x in 0..w {
            if packed[y as usize * row + (x / 8) as usize] & (0x80 >> (x % 8)) != 0 {
                b.set(x, y);
            }
        }
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba(f(x, y)));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_wide_image_is_scaled_to_the_paper_and_keeps_its_shape() {
        // left half black, right half white, 1000×250
        let b = from_image(&png(1000, 250, |x, _| {
            if x < 500 {
                [0, 0, 0, 255]
            } else {
                [255, 255, 255, 255]
            }
        }))
        .unwrap();
        assert_eq!((b.width, b.height), (384, 96));
        assert!(b.get(10, 50) && !b.get(370, 50));
        let back = from_setting(&to_setting(&b)).unwrap();
        assert_eq!(back, b);
    }

    #[test]
    fn transparency_is_paper_and_grey_is_dithered() {
        let b = from_image(&png(100, 100, |x, _| {
            if x < 50 {
                [0, 0, 0, 0]
            } else {
                [128, 128, 128, 255]
            }
        }))
        .unwrap();
        let left = (0..50)
            .flat_map(|x| (0..100).map(move |y| (x, y)))
            .filter(|&(x, y)| b.get(x, y))
            .count();
        let right = (50..100)
            .flat_map(|x| (0..100).map(move |y| (x, y)))
            .filter(|&(x, y)| b.get(x, y))
            .count();
        assert_eq!(left, 0);
        assert!((1500..3500).contains(&right), "{right} of 5000 dots black");
    }

    #[test]
    fn hostile_inputs_are_refused_not_panicked_on() {
        assert!(matches!(
            from_image(b"not an image"),
            Err(LogoError::Unreadable(_))
        ));
        assert!(matches!(from_image(&[]), Err(LogoError::Unreadable(_))));
        let mut truncated = png(50, 50, |_, _| [0, 0, 0, 255]);
        truncated.truncate(truncated.len() / 2);
        assert!(from_image(&truncated).is_err());
        assert!(matches!(
            from_image(&vec![0u8; MAX_FILE + 1]),
            Err(LogoError::TooLarge(_))
        ));
        for bad in [
            "",
            "v1",
            "v1:0:0:",
            "v1:9999:1:AA==",
            "v1:8:1:AAAA",
            "v2:8:1:AA==",
        ] {
            assert!(from_setting(bad).is_none(), "{bad}");
        }
    }
}
