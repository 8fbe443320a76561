//! Invoices as PDF, rendered on the server with `pdf-writer` (the low-level writer typst is built
//! on): A4 pages, the standard Helvetica fonts every PDF reader has, so nothing is embedded.
//!
//! The standard fonts cover Latin-1 (WinAnsi) only: the rupee sign is written `Rs.` and text in
//! other scripts (a product named in Devanagari) prints as `?`. The JSON invoice and the invoice
//! widget show every character; embedding a Unicode font is the fix when that matters.

use contracts::Paise;
use contracts::invoices::Invoice;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 40.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Text placed on pages top to bottom, starting a new page when one is full.
struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![Content::new()],
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    /// Moves down by `height`, to a new page if this one has no room.
    fn advance(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(Content::new());
            self.y = PAGE_HEIGHT - MARGIN;
        }
        self.y -= height;
    }

    /// Writes `text` at `x` on the current line.
    fn text(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        let page = self.pages.last_mut().expect("a page");
        page.begin_text();
        page.set_font(if bold { BOLD } else { REGULAR }, size);
        page.next_line(x, self.y);
        page.show(Str(&win_ansi(text)));
        page.end_text();
    }

    /// A new line of `size` with `cells` at their x positions.
    fn row(&mut self, size: f32, bold: bool, cells: &[(f32, &str)]) {
        self.advance(size + 4.0);
        for (x, text) in cells {
            self.text(*x, text, size, bold);
        }
    }

    fn rule(&mut self) {
        self.advance(6.0);
        let page = self.pages.last_mut().expect("a page");
        page.move_to(MARGIN, self.y);
        page.line_to(PAGE_WIDTH - MARGIN, self.y);
        page.stroke();
    }
}

/// The PDF of `invoice`.
pub fn render(invoice: &Invoice) -> Vec<u8> {
    let mut layout = Layout::new();
    layout.row(16.0, true, &[(MARGIN, "Tax Invoice")]);
    layout.row(9.0, false, &[(MARGIN, "Original for recipient")]);
    layout.advance(6.0);
    layout.row(
        10.0,
        true,
        &[(MARGIN, "Invoice no."), (200.0, &invoice.number)],
    );
    layout.row(
        10.0,
        false,
        &[
            (MARGIN, "Date of issue"),
            (200.0, &invoice.date.to_string()),
        ],
    );
    layout.row(
        10.0,
        false,
        &[(MARGIN, "Order"), (200.0, &invoice.order_id)],
    );
    let place = format!(
        "{} ({})",
        invoice.place_of_supply_name, invoice.place_of_supply_code
    );
    layout.row(10.0, false, &[(MARGIN, "Place of supply"), (200.0, &place)]);
    let reverse = if invoice.reverse_charge { "Yes" } else { "No" };
    layout.row(
        10.0,
        false,
        &[(MARGIN, "Tax payable on reverse charge"), (200.0, reverse)],
    );
    layout.rule();

    for (title, party) in [
        ("Supplier", &invoice.supplier),
        ("Recipient", &invoice.recipient),
    ] {
        layout.row(10.0, true, &[(MARGIN, title), (200.0, &party.name)]);
        for line in &party.address {
            layout.row(10.0, false, &[(200.0, line)]);
        }
        let state = format!("State: {} ({})", party.state_name, party.state_code);
        layout.row(10.0, false, &[(200.0, &state)]);
        if let Some(gstin) = &party.gstin {
            layout.row(10.0, false, &[(200.0, &format!("GSTIN: {gstin}"))]);
        }
        layout.advance(4.0);
    }
    layout.rule();

    const COLUMNS: [f32; 9] = [
        MARGIN, 190.0, 235.0, 270.0, 330.0, 395.0, 430.0, 475.0, 520.0,
    ];
    let headings = [
        "Description",
        "HSN",
        "Qty",
        "Unit price",
        "Taxable",
        "Rate",
        "CGST",
        "SGST",
        "IGST",
    ];
    let cells: Vec<(f32, &str)> = COLUMNS.iter().copied().zip(headings).collect();
    layout.row(8.0, true, &cells);
    for line in &invoice.lines {
        let values = [
            truncate(&line.description, 30),
            line.hsn.clone(),
            format!("{} {}", line.quantity, line.unit),
            amount(line.unit_price),
            amount(line.tax.taxable),
            line.tax.rate.to_string(),
            amount(line.tax.cgst),
            amount(line.tax.sgst),
            amount(line.tax.igst),
        ];
        let cells: Vec<(f32, &str)> = COLUMNS
            .iter()
            .copied()
            .zip(values.iter().map(String::as_str))
            .collect();
        layout.row(8.0, false, &cells);
    }
    layout.rule();

    let totals = &invoice.totals;
    for (label, value) in [
        ("Taxable value", totals.taxable),
        ("CGST", totals.cgst),
        ("SGST", totals.sgst),
        ("IGST", totals.igst),
    ] {
        layout.row(10.0, false, &[(330.0, label), (470.0, &amount(value))]);
    }
    layout.row(
        11.0,
        true,
        &[(330.0, "Total"), (470.0, &amount(totals.total))],
    );
    layout.advance(4.0);
    layout.row(9.0, false, &[(MARGIN, &invoice.total_in_words)]);
    layout.advance(20.0);
    layout.row(
        8.0,
        false,
        &[(MARGIN, "Computer-generated invoice; no signature required.")],
    );
    finish(layout)
}

/// Assembles the pages into a PDF file.
fn finish(layout: Layout) -> Vec<u8> {
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
fn amount(value: Paise) -> String {
    value.to_inr().replacen('₹', "Rs. ", 1)
}

/// At most `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
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
