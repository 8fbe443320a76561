//! The customer's mails about an order: confirmed (payment taken, invoices issued), a
//! seller's part shipped or delivered, cancelled, refunded (with the credit notes). Each is
//! queued on the transaction of the step it tells of (`payments::events`, `fulfilment`,
//! `payments::ledger`), so a step that rolls back mails nothing and a step that commits is
//! always told. Plain text and HTML, the same words; links start with `PUBLIC_URL`: an invoice
//! opens at `/invoices/{id}`, a credit note on its order's page (`/orders/{id}`, which lists
//! them with their PDFs).

use crate::app::outbox::{self, MailKind, NewMail};
use crate::crypto::Column;
use crate::db::order_mail::{self, Document};
use crate::db::{Conn, Id};
use crate::error::Result;
use crate::state::AppState;
use contracts::Paise;

/// What a step tells the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum News<'a> {
    /// Paid and confirmed; its invoices.
    Confirmed {
        total: Paise,
        invoices: &'a [Document],
    },
    /// A seller's part left with `carrier` under `tracking`; that seller's invoice.
    Shipped {
        seller: &'a str,
        carrier: &'a str,
        tracking: &'a str,
        invoices: &'a [Document],
    },
    /// A seller's part arrived; that seller's invoice.
    Delivered {
        seller: &'a str,
        invoices: &'a [Document],
    },
    /// Cancelled; `refund` on its way, if anything was paid.
    Cancelled { refund: Option<Paise> },
    /// `amount` given back; the credit notes that reverse the invoices.
    Refunded {
        amount: Paise,
        notes: &'a [Document],
    },
}

/// A mail's subject and two bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues the mail telling order `order`'s customer `news`, on `conn` (the step's
/// transaction).
pub async fn tell(conn: &mut Conn, state: &AppState, order: Id, news: &News<'_>) -> Result<()> {
    let Some(customer) = order_mail::recipient(conn, order).await? else {
        return Ok(());
    };
    let to = state
        .vault
        .open(Column::UsersEmail, customer.user_id, &customer.email)?;
    let letter = letter(&state.public_url, &customer.display_name, order, news);
    let mail = NewMail {
        kind: kind(news),
        to: &to,
        subject: &letter.subject,
        text: &letter.text,
        html: Some(&letter.html),
    };
    outbox::queue(conn, &state.vault, &mail).await?;
    Ok(())
}

/// The invoices of `order`; of `shop` alone when given.
pub async fn invoices(conn: &mut Conn, order: Id, shop: Option<Id>) -> Result<Vec<Document>> {
    let mut all = order_mail::invoices(conn, order).await?;
    if let Some(shop) = shop {
        all.retain(|invoice| invoice.shop_id == shop);
    }
    Ok(all)
}

/// The credit notes of refund `refund`.
pub async fn credit_notes(conn: &mut Conn, refund: Id) -> Result<Vec<Document>> {
    Ok(order_mail::credit_notes(conn, refund).await?)
}

fn kind(news: &News<'_>) -> MailKind {
    match news {
        News::Confirmed { .. } => MailKind::OrderConfirmed,
        News::Shipped { .. } => MailKind::OrderShipped,
        News::Delivered { .. } => MailKind::OrderDelivered,
        News::Cancelled { .. } => MailKind::OrderCancelled,
        News::Refunded { .. } => MailKind::OrderRefunded,
    }
}

/// One paragraph or link list of a letter, rendered as text and as HTML.
enum Block {
    Para(String),
    /// Label and URL of each link.
    Links(Vec<(String, String)>),
}

/// The letter for `news` about `order`, to `name`, with links under `base` (`PUBLIC_URL`).
pub fn letter(base: &str, name: &str, order: Id, news: &News<'_>) -> Letter {
    let base = base.trim_end_matches('/');
    let reference = order.to_string().chars().take(8).collect::<String>();
    let order_url = format!("{base}/orders/{order}");
    let invoice_links = |invoices: &[Document]| {
        invoices
            .iter()
            .map(|d| {
                let label = format!("Tax invoice {} from {}", d.number, d.seller);
                (label, format!("{base}/invoices/{}", d.id))
            })
            .collect::<Vec<_>>()
    };
    let (subject, mut blocks) = match news {
        News::Confirmed { total, invoices } => (
            format!("Your Bazaar order {reference} is confirmed"),
            vec![
                Block::Para(format!(
                    "Thank you: we have your payment of {total}, and your order {reference} \
                     is confirmed. The sellers are preparing it."
                )),
                Block::Links(invoice_links(invoices)),
            ],
        ),
        News::Shipped {
            seller,
            carrier,
            tracking,
            invoices,
        } => (
            format!("Your Bazaar order {reference} has shipped"),
            vec![
                Block::Para(format!(
                    "{seller} has shipped its part of your order {reference} with {carrier}, \
                     tracking number {tracking}."
                )),
                Block::Links(invoice_links(invoices)),
            ],
        ),
        News::Delivered { seller, invoices } => (
            format!("Your Bazaar order {reference} was delivered"),
            vec![
                Block::Para(format!(
                    "{seller}'s part of your order {reference} was delivered."
                )),
                Block::Links(invoice_links(invoices)),
            ],
        ),
        News::Cancelled { refund } => (
            format!("Your Bazaar order {reference} is cancelled"),
            vec![Block::Para(match refund {
                Some(amount) => format!(
                    "Your order {reference} is cancelled. A refund of {amount} is on its way \
                     to the way you paid; we write again with its credit note when it is done."
                ),
                None => format!("Your order {reference} is cancelled."),
            })],
        ),
        News::Refunded { amount, notes } => (
            format!("A refund for your Bazaar order {reference}"),
            vec![
                Block::Para(format!(
                    "We have refunded {amount} of your order {reference}. The credit notes \
                     below reverse the tax invoices by as much; each is on your order's page."
                )),
                Block::Links(
                    notes
                        .iter()
                        .map(|d| {
                            let label = format!("Credit note {} from {}", d.number, d.seller);
                            (label, format!("{order_url}#credit-note-{}", d.id))
                        })
                        .collect(),
                ),
            ],
        ),
    };
    blocks.push(Block::Links(vec![(
        "Your order".to_owned(),
        order_url.clone(),
    )]));
    render(subject, name, &blocks)
}

/// The letter of `blocks` to `name`.
fn render(subject: String, name: &str, blocks: &[Block]) -> Letter {
    let mut text = format!("Hello {name},\n\n");
    let mut html = format!(
        "<!DOCTYPE html>\n<html><body>\n<p>Hello {},</p>\n",
        escape(name)
    );
    for block in blocks {
        match block {
            Block::Para(words) => {
                text.push_str(&format!("{words}\n\n"));
                html.push_str(&format!("<p>{}</p>\n", escape(words)));
            }
            Block::Links(links) if links.is_empty() => {}
            Block::Links(links) => {
                html.push_str("<ul>\n");
                for (label, url) in links {
                    // The URL on a line of its own, so any client makes it a link.
                    text.push_str(&format!("{label}:\n{url}\n\n"));
                    html.push_str(&format!(
                        "<li><a href=\"{}\">{}</a></li>\n",
                        escape(url),
                        escape(label)
                    ));
                }
                html.push_str("</ul>\n");
            }
        }
    }
    text.push_str("Bazaar\n");
    html.push_str("<p>Bazaar</p>\n</body></html>\n");
    Letter {
        subject,
        text,
        html,
    }
}

/// `value` safe inside HTML text and attribute values.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice() -> Document {
        Document {
            id: Id::parse("0b9f1c3e-8a52-4c1d-9e8f-2a6b7c8d9e01").unwrap(),
            shop_id: Id::parse("0b9f1c3e-8a52-4c1d-9e8f-2a6b7c8d9e02").unwrap(),
            number: "INV/25-26/000001".into(),
            seller: "Rao & Sons".into(),
        }
    }

    #[test]
    fn a_confirmation_links_each_invoice_in_text_and_html_and_escapes_names() {
        let order = Id::parse("1c2d3e4f-0000-4000-8000-000000000001").unwrap();
        let invoices = [invoice()];
        let news = News::Confirmed {
            total: Paise(123_450),
            invoices: &invoices,
        };

        let letter = letter("https://shop.example.in/", "Asha <3", order, &news);

        let link = "https://shop.example.in/invoices/0b9f1c3e-8a52-4c1d-9e8f-2a6b7c8d9e01";
        assert_eq!(letter.subject, "Your Bazaar order 1c2d3e4f is confirmed");
        assert!(
            letter.text.contains(&format!("\n{link}\n")),
            "{}",
            letter.text
        );
        assert!(letter.text.contains("INV/25-26/000001 from Rao & Sons"));
        assert!(
            letter.html.contains(&format!("<a href=\"{link}\">")),
            "{}",
            letter.html
        );
        assert!(letter.html.contains("Rao &amp; Sons") && letter.html.contains("Asha &lt;3"));
        assert!(
            letter
                .text
                .contains("/orders/1c2d3e4f-0000-4000-8000-000000000001\n")
        );
    }

    #[test]
    fn a_refund_links_its_credit_notes_on_the_orders_page() {
        let order = Id::parse("1c2d3e4f-0000-4000-8000-000000000001").unwrap();
        let notes = [Document {
            number: "CN/25-26/000001".into(),
            ..invoice()
        }];
        let news = News::Refunded {
            amount: Paise(5_000),
            notes: &notes,
        };

        let letter = letter("http://127.0.0.1:8080", "Asha", order, &news);

        assert!(letter.text.contains("Credit note CN/25-26/000001"));
        assert!(letter.text.contains(
            "/orders/1c2d3e4f-0000-4000-8000-000000000001#credit-note-0b9f1c3e-8a52-4c1d-9e8f-2a6b7c8d9e01"
        ));
    }
}
