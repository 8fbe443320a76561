//! The fonts the documents are drawn in, embedded in the binary: Noto Sans (regular and bold,
//! Latin and the rupee sign) and Noto Sans Devanagari (regular), under the SIL Open Font
//! License (`api/assets/fonts/OFL.txt`). krilla shapes each run with rustybuzz and embeds only
//! the glyphs used, so a typical invoice carries a few KB of font, not the 1.2 MB shipped.
//!
//! krilla's `draw_text` shapes with one font and does not fall back, so a line is cut into
//! runs by script here, and each run drawn in the font that has its glyphs.

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use std::sync::LazyLock;

static SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
static DEVANAGARI: &[u8] = include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf");

/// One face, parsed twice: by krilla to draw, by rustybuzz (which krilla shapes with) to
/// measure a run, so that the next starts where it ends.
struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        Face {
            font: Font::new(data.into(), 0).expect("a shipped font parses"),
            shaper: rustybuzz::Face::from_slice(data, 0).expect("a shipped font parses"),
        }
    }

    /// The advance of `text` shaped in this face at `size`, in points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let face = &self.shaper;
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / f32::from(face.units_per_em() as i16)
    }
}

static FACES: LazyLock<[Face; 3]> = LazyLock::new(|| {
    [
        Face::load(SANS),
        Face::load(SANS_BOLD),
        Face::load(DEVANAGARI),
    ]
});

/// Which face a character asks for; `None` for what every face has (spaces, digits,
/// punctuation), which stays in the run it is in.
fn script(c: char, bold: bool) -> Option<usize> {
    match c {
        // Devanagari, Devanagari Extended and Vedic Extensions; joiners shape with their run.
        '\u{0900}'..='\u{097f}' | '\u{a8e0}'..='\u{a8ff}' | '\u{1cd0}'..='\u{1cff}' => Some(2),
        ' ' | '\u{200c}' | '\u{200d}' | '0'..='9' | ',' | '.' | '-' | '(' | ')' | ':' => None,
        _ => Some(usize::from(bold)),
    }
}

/// `text` cut into runs of one face each: (face index, run).
fn runs(text: &str, bold: bool) -> Vec<(usize, &str)> {
    let mut runs: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match (current, script(c, bold)) {
            (Some(face), Some(next)) if face != next => {
                runs.push((face, &text[start..at]));
                start = at;
                current = Some(next);
            }
            (None, next) => current = next,
            _ => {}
        }
    }
    if start < text.len() {
        runs.push((current.unwrap_or(usize::from(bold)), &text[start..]));
    }
    runs
}

/// Draws `text` with its baseline starting at (`x`, `y`) (krilla's coordinates: from the top
/// left), each run in its face.
pub fn draw(surface: &mut Surface<'_>, x: f32, y: f32, text: &str, size: f32, bold: bool) {
    let mut x = x;
    for (index, run) in runs(text, bold) {
        let face = &FACES[index];
        surface.draw_text(
            Point::from_xy(x, y),
            face.font.clone(),
            size,
            run,
            false,
            TextDirection::Auto,
        );
        x += face.width(run, size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_cut_into_runs_by_script() {
        assert_eq!(runs("Total ₹1,180.00", false), [(0, "Total ₹1,180.00")]);
        assert_eq!(runs("आशा राव", true), [(2, "आशा राव")]);
        assert_eq!(
            runs("Flat 4, आशा निवास, Pune", false),
            [(0, "Flat 4, "), (2, "आशा निवास, "), (0, "Pune")]
        );
        assert_eq!(runs("12 34", true), [(1, "12 34")]);
        assert!(FACES[2].width("आशा", 10.0) > 0.0);
    }
}
