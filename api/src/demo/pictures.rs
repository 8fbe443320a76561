//! The demo catalog's product pictures, drawn at seed time: no photographs ship with the
//! project, and none may be fetched, so each product gets a still life of its own (a shape for
//! its category on a soft backdrop, patterned like cloth, with a shadow), the same picture on
//! every seed. They go through the same upload path as a seller's image, copies included.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};

/// The picture's size: 4:3 like the storefront's cards, wider than the widest copy (960).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 900;

/// The silhouette a category's products are drawn as.
#[derive(Clone, Copy)]
enum Shape {
    /// Garments, books, boxes: a tall rounded rectangle.
    Tall,
    /// Pots, watches, speakers: a disc.
    Round,
    /// Footwear, packs: a wide rounded rectangle.
    Wide,
}

/// The JPEG picture of the demo product with `sku` in `category`.
pub fn picture(sku: &str, category: &str) -> Vec<u8> {
    let seed = fnv1a(sku);
    let (hue, shape) = match category {
        "apparel" => (330.0, Shape::Tall),
        "footwear" => (25.0, Shape::Wide),
        "kitchen" => (200.0, Shape::Round),
        "grocery" => (95.0, Shape::Tall),
        "electronics" => (230.0, Shape::Round),
        "beverages" => (5.0, Shape::Wide),
        _ => (45.0, Shape::Tall),
    };
    // Each product shifts its category's hue a little, so two kurtas still differ.
    let hue = hue + (seed % 40) as f32 - 20.0;
    let backdrop_top = hsl(hue, 0.35, 0.94);
    let backdrop_bottom = hsl(hue, 0.30, 0.82);
    let cloth = hsl(hue, 0.60, 0.45);
    let thread = hsl(hue + 40.0, 0.70, 0.70);
    let shadow = hsl(hue, 0.25, 0.55);
    let stripe = 18.0 + (seed >> 8) as f32 % 22.0;
    let (cx, cy) = (WIDTH as f32 / 2.0, HEIGHT as f32 * 0.46);
    let image = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let mut colour = mix(backdrop_top, backdrop_bottom, py / HEIGHT as f32);
        // The shadow: a blurred ellipse under the object.
        let (sx, sy) = ((px - cx) / 330.0, (py - HEIGHT as f32 * 0.83) / 38.0);
        let shade = (1.0 - (sx * sx + sy * sy).sqrt()).clamp(0.0, 1.0);
        colour = mix(colour, shadow, shade * 0.6);
        // The object: inside where its distance is negative, a pixel and a half of edge.
        let distance = match shape {
            Shape::Tall => rounded_box(px - cx, py - cy, 210.0, 300.0, 40.0),
            Shape::Wide => rounded_box(px - cx, py - cy, 330.0, 170.0, 80.0),
            Shape::Round => ((px - cx).powi(2) + (py - cy).powi(2)).sqrt() - 290.0,
        };
        let inside = (0.75 - distance / 1.5).clamp(0.0, 1.0);
        if inside > 0.0 {
            // Diagonal stripes, a woven look, lit from the top left.
            let band = ((px + py) / stripe).floor() as i64 % 3 == 0;
            let fabric = if band { thread } else { cloth };
            let light = 1.1 - 0.25 * ((py - cy + 300.0) / 600.0).clamp(0.0, 1.0);
            colour = mix(colour, scale(fabric, light), inside);
        }
        Rgb(colour.map(|c| c.round().clamp(0.0, 255.0) as u8))
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 85))
        .expect("a JPEG encodes into memory");
    out
}

/// The signed distance from a point to a rounded box centred on the origin.
fn rounded_box(x: f32, y: f32, half_width: f32, half_height: f32, radius: f32) -> f32 {
    let qx = x.abs() - half_width + radius;
    let qy = y.abs() - half_height + radius;
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    outside + qx.max(qy).min(0.0) - radius
}

type Colour = [f32; 3];

fn mix(a: Colour, b: Colour, t: f32) -> Colour {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn scale(colour: Colour, by: f32) -> Colour {
    colour.map(|c| c * by)
}

/// An sRGB colour (0 to 255 a channel) from hue in degrees, saturation and lightness in 0..1.
fn hsl(hue: f32, saturation: f32, lightness: f32) -> Colour {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue.rem_euclid(360.0) / 60.0;
    let x = chroma * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    [r, g, b].map(|c| (c + m) * 255.0)
}

/// A stable hash of `text` (FNV-1a), so a product's picture is the same on every seed.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_product_gets_its_own_picture_and_the_same_one_each_time() {
        let kurta = picture("AP-KURTA-01", "apparel");
        assert_eq!(kurta, picture("AP-KURTA-01", "apparel"));
        assert_ne!(kurta, picture("AP-SHIRT-02", "apparel"));
        let decoded = image::load_from_memory(&kurta).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (WIDTH, HEIGHT));
    }

    #[test]
    fn hsl_gives_the_primaries() {
        assert_eq!(hsl(0.0, 1.0, 0.5), [255.0, 0.0, 0.0]);
        assert_eq!(hsl(120.0, 1.0, 0.5), [0.0, 255.0, 0.0]);
        assert_eq!(hsl(240.0, 1.0, 0.5), [0.0, 0.0, 255.0]);
    }
}
