//! The seller's dashboard and the month's GST summary, for the actor's own shop only (the
//! shop is found by its owner, never named by the caller).
//!
//! - Sales by day: the shop's invoices by their Indian date of issue (an invoice is issued when
//!   the payment is confirmed), the shop's lines of each order tax included, the last
//!   [`SALES_DAYS`] days with zero days filled in. Refunds are not taken off: the summary
//!   below nets credit notes, the chart shows what was sold.
//! - Orders to fulfil: confirmed orders with lines of the shop whose part is not shipped yet
//!   (unpacked or packed), not cancelled nor wholly refunded, the oldest first: read from the
//!   fulfilment queue that confirmation fills and shipping and cancelling empty, so their
//!   cost follows the waiting parts, not the shop's history.
//! - GST summary: the month's invoices (by date of issue) summed by rate and place of supply,
//!   less the credit notes issued in that month (whatever the month of the invoice they
//!   credit), as GSTR-1 nets them in the month the note is issued.

use crate::app::Actor;
use crate::db::seller_dashboard::{self as db, GstRow};
use crate::db::{Conn, Id, shops};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::Paise;
use contracts::calendar::Date;
use contracts::gstin::StateCode;
use contracts::seller_dashboard::{
    DaySales, GstFigures, GstSummary, GstSummaryRow, IST_OFFSET_SECS, LOW_STOCK, LowStockProduct,
    Month, OrderToFulfil, SALES_DAYS, SellerDashboard, ist_date,
};
use std::collections::BTreeMap;

/// How many orders to fulfil and low-stock products the dashboard lists.
const TO_FULFIL_LISTED: i64 = 10;
const LOW_STOCK_LISTED: i64 = 20;

/// The actor's own shop, whatever its status (a shop back in review still sees its figures).
async fn own_shop(conn: &mut Conn, actor: &Actor) -> Result<(Id, String)> {
    let owner = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let shop = shops::of_owner(conn, owner)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((shop.id, shop.state_code))
}

fn internal(what: &str) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("{what}"))
}

/// The dashboard of the actor's shop at the state's clock.
pub async fn dashboard(actor: &Actor, state: &AppState) -> Result<SellerDashboard> {
    let mut conn = state.db.conn().await?;
    let (shop, _) = own_shop(&mut conn, actor).await?;
    let today = (state.clock.now() + IST_OFFSET_SECS).div_euclid(86_400);
    let days: Vec<Date> = (0..SALES_DAYS as i64)
        .rev()
        .map(|back| {
            Date::from_unix_days(today - back).ok_or_else(|| internal("a date out of range"))
        })
        .collect::<Result<_>>()?;
    let (first, last) = match (days.first(), days.last()) {
        (Some(first), Some(last)) => (first.to_string(), last.to_string()),
        _ => return Err(internal("no days")),
    };
    let rows = db::sales_by_day(&mut conn, shop, &first, &last).await?;
    let by_day: BTreeMap<String, (i64, i64)> = rows
        .into_iter()
        .map(|row| (row.day, (row.sales, row.orders)))
        .collect();
    let sales = days
        .into_iter()
        .map(|day| {
            let (sales, orders) = by_day.get(&day.to_string()).copied().unwrap_or((0, 0));
            DaySales {
                day,
                sales: Paise(sales),
                orders,
            }
        })
        .collect();
    let to_fulfil_count = db::to_fulfil_count(&mut conn, shop).await?;
    let to_fulfil = db::to_fulfil(&mut conn, shop, TO_FULFIL_LISTED)
        .await?
        .into_iter()
        .map(|row| OrderToFulfil {
            id: row.id.to_string(),
            placed_at: row.created_at,
            items: row.items,
            amount: Paise(row.amount),
        })
        .collect();
    let low_stock = db::low_stock(&mut conn, shop, LOW_STOCK, LOW_STOCK_LISTED)
        .await?
        .into_iter()
        .map(|row| LowStockProduct {
            id: row.id.to_string(),
            name: row.name,
            sku: row.sku,
            stock: row.stock,
        })
        .collect();
    Ok(SellerDashboard {
        sales,
        to_fulfil_count,
        to_fulfil,
        low_stock,
    })
}

/// `month` as asked (`YYYY-MM`), or this Indian month when absent; 400 `invalid_query`
/// naming `month` otherwise.
pub fn month_of(asked: Option<&str>, now: i64) -> Result<Month> {
    match asked {
        Some(text) => Month::parse(text).ok_or_else(|| {
            ApiError::InvalidQuery("month: expected a month as YYYY-MM (2026-04)".into())
        }),
        None => ist_date(now)
            .map(Month::of)
            .ok_or_else(|| internal("the clock is out of range")),
    }
}

fn figures(row: &GstRow) -> GstFigures {
    GstFigures {
        taxable: Paise(row.taxable),
        cgst: Paise(row.cgst),
        sgst: Paise(row.sgst),
        igst: Paise(row.igst),
    }
}

/// The GST summary of `month` for the actor's shop.
pub async fn gst_summary(actor: &Actor, state: &AppState, month: Month) -> Result<GstSummary> {
    let mut conn = state.db.conn().await?;
    let (shop, shop_state) = own_shop(&mut conn, actor).await?;
    let from = month.first_day().to_string();
    let until = month.next().first_day().to_string();
    // 9999-12 has no next month: everything from its first day on.
    let until = if until == from {
        "9999-12-32".to_owned()
    } else {
        until
    };
    let invoiced = db::invoiced(&mut conn, shop, &from, &until).await?;
    let credited = db::credited(&mut conn, shop, &from, &until).await?;
    let (invoices, credit_notes) = db::document_counts(&mut conn, shop, &from, &until).await?;
    drop(conn);
    // (rate, place) -> (invoiced, credited)
    let mut groups: BTreeMap<(i32, String), (GstFigures, GstFigures)> = BTreeMap::new();
    for row in &invoiced {
        let group = groups
            .entry((row.gst_rate, row.place_of_supply.clone()))
            .or_default();
        group.0 = group.0.plus(figures(row));
    }
    for row in &credited {
        let group = groups
            .entry((row.gst_rate, row.place_of_supply.clone()))
            .or_default();
        group.1 = group.1.plus(figures(row));
    }
    let mut total = GstFigures::default();
    let rows = groups
        .into_iter()
        .map(|((rate, place), (invoiced, credited))| {
            let net = invoiced.minus(credited);
            total = total.plus(net);
            GstSummaryRow {
                rate: u32::try_from(rate).unwrap_or_default(),
                place_name: StateCode::parse(&place)
                    .map(|state| state.name().to_owned())
                    .unwrap_or_default(),
                intra_state: place == shop_state,
                place_of_supply: place,
                invoiced,
                credited,
                net,
            }
        })
        .collect();
    Ok(GstSummary {
        month,
        rows,
        invoices,
        credit_notes,
        total,
    })
}

/// The summary as CSV (one row per rate and place of supply, then a total), amounts in
/// integer paise, every cell quoted and defused against spreadsheet formulas.
pub fn summary_csv(summary: &GstSummary) -> String {
    use crate::app::audit::csv::cell_text;
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|cell| cell_text(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    let mut header = vec![
        "month".to_owned(),
        "gst_rate_percent".into(),
        "place_of_supply".into(),
        "place_name".into(),
        "supply".into(),
    ];
    for part in ["invoiced", "credited", "net"] {
        for tax in ["taxable", "cgst", "sgst_utgst", "igst"] {
            header.push(format!("{part}_{tax}_paise"));
        }
    }
    line(&mut out, &header);
    let amounts = |cells: &mut Vec<String>, figures: &GstFigures| {
        for amount in [figures.taxable, figures.cgst, figures.sgst, figures.igst] {
            cells.push(amount.as_i64().to_string());
        }
    };
    for row in &summary.rows {
        let mut cells = vec![
            summary.month.to_string(),
            format!("{}.{:02}", row.rate / 100, row.rate % 100),
            row.place_of_supply.clone(),
            row.place_name.clone(),
            if row.intra_state {
                "intra-state"
            } else {
                "inter-state"
            }
            .into(),
        ];
        amounts(&mut cells, &row.invoiced);
        amounts(&mut cells, &row.credited);
        amounts(&mut cells, &row.net);
        line(&mut out, &cells);
    }
    let mut cells = vec![
        summary.month.to_string(),
        String::new(),
        String::new(),
        "Total".into(),
        String::new(),
    ];
    let invoiced = summary
        .rows
        .iter()
        .fold(GstFigures::default(), |sum, row| sum.plus(row.invoiced));
    let credited = summary
        .rows
        .iter()
        .fold(GstFigures::default(), |sum, row| sum.plus(row.credited));
    amounts(&mut cells, &invoiced);
    amounts(&mut cells, &credited);
    amounts(&mut cells, &summary.total);
    line(&mut out, &cells);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_month_is_this_indian_month_and_a_bad_one_names_month() {
        // 2026-11-30T19:00:00Z is already 1 December in India.
        let now = 1_796_065_200;
        assert_eq!(month_of(None, now).unwrap().to_string(), "2026-12");
        assert_eq!(
            month_of(Some("2026-04"), now).unwrap().to_string(),
            "2026-04"
        );
        match month_of(Some("2026-4"), now) {
            Err(ApiError::InvalidQuery(detail)) => assert!(detail.starts_with("month")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_csv_has_a_header_a_row_per_group_and_a_total() {
        let f = |taxable, cgst, sgst, igst| GstFigures {
            taxable: Paise(taxable),
            cgst: Paise(cgst),
            sgst: Paise(sgst),
            igst: Paise(igst),
        };
        let summary = GstSummary {
            month: Month::parse("2026-12").unwrap(),
            rows: vec![GstSummaryRow {
                rate: 1800,
                place_of_supply: "27".into(),
                place_name: "Maharashtra".into(),
                intra_state: true,
                invoiced: f(1000, 90, 90, 0),
                credited: f(100, 9, 9, 0),
                net: f(900, 81, 81, 0),
            }],
            invoices: 1,
            credit_notes: 1,
            total: f(900, 81, 81, 0),
        };
        let csv = summary_csv(&summary);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("\"month\",\"gst_rate_percent\""));
        assert!(lines[1].contains("\"18.00\",\"27\",\"Maharashtra\",\"intra-state\",\"1000\""));
        assert!(lines[2].contains("\"Total\""));
        assert!(lines[2].ends_with("\"900\",\"81\",\"81\",\"0\""));
    }
}
