//! Documents as PDF, rendered on the server with `pdf-writer` (the low-level writer typst is
//! built on): A4 pages, the standard Helvetica fonts every PDF reader has, so nothing is
//! embedded. [`invoice`] draws tax invoices, [`credit_note`] credit notes; this module holds
//! what both use: the page [`Layout`], and amounts and text as the standard fonts print them.
//!
//! The standard fonts cover Latin-1 (WinAnsi) only: the rupee sign is written `Rs.` and text in
//! other scripts (a product named in Devanagari) prints as `?`. The JSON documents and the
//! invoice widget show every character; embedding a Unicode font is the fix when that matters.

pub mod credit_note;
pub mod invoice;

use contracts::Paise;
use contracts::gst::{StateTax, TaxTotals};
use contracts::invoices::Party;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 40.0;
/// Where a head particular's value starts.
const VALUE: f32 = 200.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Text placed on pages top to bottom, starting a new page when one is full.
pub struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    #[expect(
        clippy::new_without_default,
        reason = "a layout is made to be drawn on"
    )]
    pub fn new() -> Self {
        Layout {
            pages: vec![Content::new()],
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    /// Moves down by `height`, to a new page if this one has no room.
    pub fn advance(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(Content::new());
            self.y = PAGE_HEIGHT - MARGIN;
        }
        self.y -= height;
    }

    /// Writes `text` at `x` on the current line.
    pub fn text(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        let page = self.pages.last_mut().expect("a page");
        page.begin_text();
        page.set_font(if bold { BOLD } else { REGULAR }, size);
        page.next_line(x, self.y);
        page.show(Str(&win_ansi(text)));
        page.end_text();
    }

    /// A new line of `size` with `cells` at their x positions.
    pub fn row(&mut self, size: f32, bold: bool, cells: &[(f32, &str)]) {
        self.advance(size + 4.0);
        for (x, text) in cells {
            self.text(*x, text, size, bold);
        }
    }

    /// The document's name and the copy it is.
    pub fn title(&mut self, name: &str, copy: &str) {
        self.row(16.0, true, &[(MARGIN, name)]);
        self.row(9.0, false, &[(MARGIN, copy)]);
        self.advance(6.0);
    }

    /// A particular of the head: its label and value.
    pub fn field(&mut self, bold: bool, label: &str, value: &str) {
        self.row(10.0, bold, &[(MARGIN, label), (VALUE, value)]);
    }

    pub fn place_of_supply(&mut self, name: &str, code: &str) {
        self.field(false, "Place of supply", &format!("{name} ({code})"));
    }

    /// The supplier's and the recipient's names, addresses, states and GSTINs.
    pub fn parties(&mut self, supplier: &Party, recipient: &Party) {
        for (title, party) in [("Supplier", supplier), ("Recipient", recipient)] {
            self.row(10.0, true, &[(MARGIN, title), (VALUE, &party.name)]);
            for line in &party.address {
                self.row(10.0, false, &[(VALUE, line)]);
            }
            let state = format!("State: {} ({})", party.state_name, party.state_code);
            self.row(10.0, false, &[(VALUE, &state)]);
            if let Some(gstin) = &party.gstin {
                self.row(10.0, false, &[(VALUE, &format!("GSTIN: {gstin}"))]);
            }
            self.advance(4.0);
        }
        self.rule();
    }

    /// A table: `headings` and then `rows`, each cell at its column's x.
    pub fn table<const N: usize>(
        &mut self,
        columns: &[f32; N],
        headings: &[&str; N],
        rows: impl Iterator<Item = [String; N]>,
    ) {
        let cells: Vec<(f32, &str)> = columns.iter().copied().zip(*headings).collect();
        self.row(8.0, true, &cells);
        for values in rows {
            let cells: Vec<(f32, &str)> = columns
                .iter()
                .copied()
                .zip(values.iter().map(String::as_str))
                .collect();
            self.row(8.0, false, &cells);
        }
        self.rule();
    }

    /// The sums by tax (the state tax named `state_tax`: SGST or UTGST), the total, and the
    /// total in words.
    pub fn totals(&mut self, totals: &TaxTotals, state_tax: StateTax, in_words: &str) {
        for (label, value) in [
            ("Taxable value", totals.taxable),
            ("CGST", totals.cgst),
            (state_tax.label(), totals.sgst),
            ("IGST", totals.igst),
        ] {
            self.row(10.0, false, &[(330.0, label), (470.0, &amount(value))]);
        }
        self.row(
            11.0,
            true,
            &[(330.0, "Total"), (470.0, &amount(totals.total))],
        );
        self.advance(4.0);
        self.row(9.0, false, &[(MARGIN, in_words)]);
    }

    /// The small print at the end.
    pub fn footer(&mut self, text: &str) {
        self.advance(20.0);
        self.row(8.0, false, &[(MARGIN, text)]);
    }

    /// A horizontal line across the page.
    pub fn rule(&mut self) {
        self.advance(6.0);
        let page = self.pages.last_mut().expect("a page");
        page.move_to(MARGIN, self.y);
        page.line_to(PAGE_WIDTH - MARGIN, self.y);
        page.stroke();
    }
}

/// Assembles the pages into a PDF file.
pub fn finish(layout: Layout) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let mut next = 5;
    let mut alloc = || {
        let id = Ref::new(next);
        next += 1;
        id
    };
    let pages: Vec<(Ref, Ref, Content)> = layout
        .pages
        .into_iter()
        .map(|content| (alloc(), alloc(), content))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(pages.iter().map(|(page, ..)| *page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    for (font, base) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(font)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (page_id, content_id, content) in pages {
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(REGULAR, regular);
        fonts.pair(BOLD, bold);
        fonts.finish();
        resources.finish();
        page.finish();
        // Uncompressed: invoices are small, and their text stays searchable by simple tools.
        let stream = content.finish();
        pdf.stream(content_id, &stream);
    }
    pdf.finish()
}

/// An amount as the PDF prints it: `Rs. 1,23,456.78` (the standard fonts have no rupee sign).
pub fn amount(value: Paise) -> String {
    value.to_inr().replacen('₹', "Rs. ", 1)
}

/// At most `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}...", text.chars().take(max - 3).collect::<String>())
    }
}

/// `text` in the WinAnsi encoding of the standard fonts: Latin-1 as is, a few typographic
/// characters mapped, anything else `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{20ac}' => 0x80,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_encoded_for_the_standard_fonts() {
        assert_eq!(win_ansi("Café – A"), b"Caf\xe9 \x96 A");
        assert_eq!(win_ansi("कुर्ता"), b"??????");
        assert_eq!(amount(Paise(12_345_678)), "Rs. 1,23,456.78");
        assert_eq!(
            truncate("A very long product name indeed", 10),
            "A very ..."
        );
    }
}
