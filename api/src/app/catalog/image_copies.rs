//! The copies of a product image at the storefront's widths ([`IMAGE_WIDTHS`]), made once when
//! the image is stored, so a card's `srcset` can hand a phone 320 pixels instead of the
//! original. The upload is decoded within limits (a 2 MiB file can claim a canvas of gigabytes)
//! and each copy is encoded in the upload's own format.

use contracts::images::IMAGE_WIDTHS;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The longest side an upload may have: a 12-megapixel phone photo (4032 × 3024) fits.
pub const MAX_SIDE: u32 = 4096;

/// What decoding may allocate: a [`MAX_SIDE`]-square RGBA canvas, and no more.
const MAX_DECODED_BYTES: u64 = MAX_SIDE as u64 * MAX_SIDE as u64 * 4;

/// JPEG copies' quality: what image CDNs default to, with no visible loss at card size.
const JPEG_QUALITY: u8 = 82;

/// Why an upload cannot be copied.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The bytes are not a decodable image of the type said.
    NotAnImage,
    /// Wider or taller than [`MAX_SIDE`].
    TooManyPixels,
}

/// The copies of `bytes` (an image of `content_type`, which must be one the upload accepts):
/// for each of [`IMAGE_WIDTHS`] narrower than the image, that width and the copy's bytes. A
/// copy that would be heavier than the original is left out, since the original serves
/// that width better. CPU-bound: call it off the async workers.
pub fn copies(bytes: &[u8], content_type: &str) -> Result<Vec<(u32, Vec<u8>)>, Refusal> {
    let format = ImageFormat::from_mime_type(content_type).ok_or(Refusal::NotAnImage)?;
    let image = decode(bytes, format)?;
    let mut copies = Vec::new();
    for width in IMAGE_WIDTHS {
        if width >= image.width() {
            break;
        }
        let height = scaled_height(image.width(), image.height(), width);
        let copy = image.resize_exact(width, height, FilterType::CatmullRom);
        let encoded = encode(&copy, format).ok_or(Refusal::NotAnImage)?;
        if encoded.len() < bytes.len() {
            copies.push((width, encoded));
        }
    }
    Ok(copies)
}

/// The object key of `key`'s copy at `width` (`<id>.jpg` → `<id>-w320.jpg`): a key
/// [`crate::object_store`] accepts, made only by the server.
pub fn copy_key(key: &str, width: u32) -> String {
    match key.split_once('.') {
        Some((stem, extension)) => format!("{stem}-w{width}.{extension}"),
        None => format!("{key}-w{width}"),
    }
}

fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, Refusal> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader.decode().map_err(|error| match error {
        image::ImageError::Limits(_) => Refusal::TooManyPixels,
        _ => Refusal::NotAnImage,
    })
}

/// The height that keeps the aspect ratio at `width`, at least one pixel.
fn scaled_height(original_width: u32, original_height: u32, width: u32) -> u32 {
    let height = u64::from(original_height) * u64::from(width) / u64::from(original_width);
    u32::try_from(height).unwrap_or(u32::MAX).max(1)
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let written = match format {
        // JPEG has no alpha channel.
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
        ImageFormat::Png => image.write_with_encoder(PngEncoder::new(&mut out)),
        // The `image` crate encodes WebP losslessly only; a copy heavier than its lossy
        // original is dropped by `copies`.
        ImageFormat::WebP => DynamicImage::ImageRgba8(image.to_rgba8())
            .write_with_encoder(WebPEncoder::new_lossless(&mut out)),
        _ => return None,
    };
    written.ok().map(|()| out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// A noisy picture (gradients compress too well to test "heavier than the original").
    fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| {
            let n = x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663);
            Rgb([(n % 251) as u8, (x % 256) as u8, (y % 256) as u8])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), format)
            .unwrap();
        out
    }

    fn dimensions(bytes: &[u8]) -> (u32, u32) {
        let image = image::load_from_memory(bytes).unwrap();
        (image.width(), image.height())
    }

    #[test]
    fn a_wide_image_gets_a_copy_at_each_narrower_width_with_its_aspect_ratio() {
        let copies = copies(&picture(1200, 900, ImageFormat::Png), "image/png").unwrap();
        let widths: Vec<u32> = copies.iter().map(|(width, _)| *width).collect();
        assert_eq!(widths, IMAGE_WIDTHS);
        let sizes: Vec<(u32, u32)> = copies.iter().map(|(_, b)| dimensions(b)).collect();
        assert_eq!(sizes, [(320, 240), (640, 480), (960, 720)]);
    }

    #[test]
    fn an_image_narrower_than_a_width_has_no_copy_at_it() {
        let copies = copies(&picture(500, 100, ImageFormat::Jpeg), "image/jpeg").unwrap();
        let widths: Vec<u32> = copies.iter().map(|(width, _)| *width).collect();
        assert_eq!(widths, [320]);
        assert_eq!(dimensions(&copies[0].1), (320, 64));
    }

    #[test]
    fn bytes_that_only_start_like_an_image_are_refused() {
        let truncated = &picture(400, 400, ImageFormat::Png)[..40];
        assert_eq!(copies(truncated, "image/png"), Err(Refusal::NotAnImage));
        assert_eq!(copies(b"not a gif", "image/gif"), Err(Refusal::NotAnImage));
    }

    #[test]
    fn a_canvas_wider_than_the_limit_is_refused() {
        // Small on disk, one pixel over the limit.
        let wide = picture(MAX_SIDE + 1, 1, ImageFormat::Png);
        assert_eq!(copies(&wide, "image/png"), Err(Refusal::TooManyPixels));
        let tall = picture(1, MAX_SIDE + 1, ImageFormat::Png);
        assert_eq!(copies(&tall, "image/png"), Err(Refusal::TooManyPixels));
    }

    #[test]
    fn a_copy_key_keeps_the_extension_after_the_width() {
        assert_eq!(copy_key("0190-ab.jpg", 320), "0190-ab-w320.jpg");
    }
}
