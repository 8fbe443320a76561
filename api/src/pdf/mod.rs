//! Documents as PDF, rendered on the server with krilla: A4 pages in Noto Sans and Noto Sans
//! Devanagari, embedded and subset ([`fonts`]), so the rupee sign and names in Devanagari
//! print as they are written. [`invoice`] draws tax invoices, [`credit_note`] credit notes;
//! this module holds what both use: the page [`Layout`], amounts, and the rates per line.

pub mod credit_note;
mod fonts;
pub mod invoice;

use contracts::Paise;
use contracts::gst::{LineTax, StateTax, TaxTotals};
use contracts::invoices::Party;
use krilla::Document;
use krilla::geom::{PathBuilder, Size};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 40.0;
/// Where a head particular's value starts.
const VALUE: f32 = 200.0;

/// What is drawn on a page, at a height measured from the page's bottom as PDF does.
enum Mark {
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        bold: bool,
    },
    Rule {
        y: f32,
    },
}

/// Text placed on pages top to bottom, starting a new page when one is full.
pub struct Layout {
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl Layout {
    #[expect(
        clippy::new_without_default,
        reason = "a layout is made to be drawn on"
    )]
    pub fn new() -> Self {
        Layout {
            pages: vec![Vec::new()],
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    /// Moves down by `height`, to a new page if this one has no room.
    pub fn advance(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(Vec::new());
            self.y = PAGE_HEIGHT - MARGIN;
        }
        self.y -= height;
    }

    /// Writes `text` at `x` on the current line.
    pub fn text(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        let (y, text) = (self.y, text.to_owned());
        self.mark(Mark::Text {
            x,
            y,
            text,
            size,
            bold,
        });
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

    /// A table: `headings` and then `rows`, each cell at its column's x, and under each row
    /// its note (the rates of its taxes) in small print.
    pub fn table<const N: usize>(
        &mut self,
        columns: &[f32; N],
        headings: &[&str; N],
        rows: impl Iterator<Item = ([String; N], String)>,
    ) {
        let cells: Vec<(f32, &str)> = columns.iter().copied().zip(*headings).collect();
        self.row(8.0, true, &cells);
        for (values, note) in rows {
            let cells: Vec<(f32, &str)> = columns
                .iter()
                .copied()
                .zip(values.iter().map(String::as_str))
                .collect();
            self.row(8.0, false, &cells);
            self.row(7.0, false, &[(MARGIN, &note)]);
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
        self.mark(Mark::Rule { y: self.y });
    }

    fn mark(&mut self, mark: Mark) {
        self.pages.last_mut().expect("a page").push(mark);
    }
}

/// Assembles the pages into a PDF file.
pub fn finish(layout: Layout) -> Vec<u8> {
    let mut document = Document::new();
    let size = Size::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a size");
    for marks in layout.pages {
        let mut page = document.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        surface.set_fill(Some(Fill::default()));
        for mark in marks {
            // krilla measures from the top left, the layout from the bottom left.
            match mark {
                Mark::Text {
                    x,
                    y,
                    text,
                    size,
                    bold,
                } => fonts::draw(&mut surface, x, PAGE_HEIGHT - y, &text, size, bold),
                Mark::Rule { y } => {
                    let mut path = PathBuilder::new();
                    path.move_to(MARGIN, PAGE_HEIGHT - y);
                    path.line_to(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke::default()));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill::default()));
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    // Only text, lines and fonts that parse are drawn: nothing krilla can refuse.
    document
        .finish()
        .expect("a document of text and lines serializes")
}

/// An amount as the PDF prints it: `₹1,23,456.78`.
pub fn amount(value: Paise) -> String {
    value.to_inr()
}

/// Each tax's rate on a line (CGST Rule 46(i)): `CGST 9% · SGST 9%` within a state,
/// `IGST 18%` between states (`inter_state`: the supplier's state is not the place of
/// supply); the state tax named `state_tax` (SGST or UTGST).
pub fn rates(tax: &LineTax, state_tax: StateTax, inter_state: bool) -> String {
    if inter_state {
        format!("IGST {}", tax.rate)
    } else {
        let half = tax.rate.half();
        format!("CGST {half} · {} {half}", state_tax.label())
    }
}

/// At most `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}...", text.chars().take(max - 3).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_long_text_are_printed_as_they_fit() {
        assert_eq!(amount(Paise(12_345_678)), "₹1,23,456.78");
        assert_eq!(
            truncate("A very long product name indeed", 10),
            "A very ..."
        );
    }
}
