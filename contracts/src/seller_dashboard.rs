//! The seller's back office: the dashboard's figures (`GET /api/v1/seller/dashboard`), the
//! month's GST summary for GSTR-1 (`GET /api/v1/seller/gst-summary`, and as CSV) and the shop
//! profile the seller edits (`PATCH /api/v1/seller/shop`).

use crate::Paise;
use crate::calendar::Date;
use crate::shops::{Address, Shop};
use serde::{Deserialize, Serialize};

/// How many days the dashboard's sales cover, today (in India) included.
pub const SALES_DAYS: usize = 30;
/// At or below this stock an active product is "low".
pub const LOW_STOCK: i64 = 5;
/// India Standard Time is UTC+05:30 all year (no daylight saving).
pub const IST_OFFSET_SECS: i64 = 19_800;

/// The Indian calendar date of unix time `secs`.
pub fn ist_date(secs: i64) -> Option<Date> {
    Date::from_unix_days((secs + IST_OFFSET_SECS).div_euclid(86_400))
}

/// A calendar month, `YYYY-MM` on the wire and in `?month=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: u16,
    pub month: u8,
}

impl Month {
    /// `YYYY-MM`, digits only, month 01 to 12, year 0001 to 9999.
    pub fn parse(text: &str) -> Option<Month> {
        let bytes = text.as_bytes();
        if bytes.len() != 7 || bytes[4] != b'-' {
            return None;
        }
        if !text[..4]
            .bytes()
            .chain(text[5..].bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let year: u16 = text[..4].parse().ok()?;
        let month: u8 = text[5..].parse().ok()?;
        Date::new(year, month, 1)?;
        Some(Month { year, month })
    }

    /// The month of `date`.
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).unwrap_or(Date::new(1970, 1, 1).expect("a date"))
    }

    /// The month before (January's is December of the year before); itself for 0001-01.
    pub fn previous(self) -> Month {
        match (self.year, self.month) {
            (1, 1) => self,
            (year, 1) => Month {
                year: year - 1,
                month: 12,
            },
            (year, month) => Month {
                year,
                month: month - 1,
            },
        }
    }

    /// The month after; itself for 9999-12.
    pub fn next(self) -> Month {
        match (self.year, self.month) {
            (9999, 12) => self,
            (year, 12) => Month {
                year: year + 1,
                month: 1,
            },
            (year, month) => Month {
                year,
                month: month + 1,
            },
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Month, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Month::parse(&text).ok_or_else(|| serde::de::Error::custom("expected a month as YYYY-MM"))
    }
}

/// One day's sales: what the shop invoiced that Indian day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DaySales {
    /// `YYYY-MM-DD`, in India.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-02"))]
    pub day: Date,
    /// The shop's lines of the orders invoiced that day, tax included.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub sales: Paise,
    /// How many orders (invoices) that day.
    pub orders: i64,
}

/// A paid order with lines of the shop, waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderToFulfil {
    pub id: String,
    /// Unix seconds the order was placed.
    pub placed_at: i64,
    /// Units of the shop's products in it.
    pub items: i64,
    /// The shop's lines, tax included.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Paise,
}

/// A product of the shop on sale with [`LOW_STOCK`] or fewer left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LowStockProduct {
    pub id: String,
    pub name: String,
    pub sku: String,
    pub stock: i64,
}

/// `GET /api/v1/seller/dashboard`: the seller's own shop at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SellerDashboard {
    /// The last [`SALES_DAYS`] Indian days, oldest first, today last; days without sales are
    /// there with zeros.
    pub sales: Vec<DaySales>,
    /// How many orders wait to be sent.
    pub to_fulfil_count: i64,
    /// The oldest of them (at most 10), oldest first.
    pub to_fulfil: Vec<OrderToFulfil>,
    /// Active products at or below [`LOW_STOCK`], fewest first (at most 20).
    pub low_stock: Vec<LowStockProduct>,
}

/// Taxable value and taxes, integer paise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GstFigures {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub taxable: Paise,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub cgst: Paise,
    /// SGST, or UTGST when the place of supply is a union territory without legislature.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub sgst: Paise,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub igst: Paise,
}

impl GstFigures {
    /// `self - other`, field by field (saturating: figures are far from `i64`'s ends).
    pub fn minus(self, other: GstFigures) -> GstFigures {
        let sub = |a: Paise, b: Paise| Paise(a.as_i64().saturating_sub(b.as_i64()));
        GstFigures {
            taxable: sub(self.taxable, other.taxable),
            cgst: sub(self.cgst, other.cgst),
            sgst: sub(self.sgst, other.sgst),
            igst: sub(self.igst, other.igst),
        }
    }

    /// `self + other`, field by field.
    pub fn plus(self, other: GstFigures) -> GstFigures {
        let add = |a: Paise, b: Paise| Paise(a.as_i64().saturating_add(b.as_i64()));
        GstFigures {
            taxable: add(self.taxable, other.taxable),
            cgst: add(self.cgst, other.cgst),
            sgst: add(self.sgst, other.sgst),
            igst: add(self.igst, other.igst),
        }
    }
}

/// One line of the summary: a GST rate and a place of supply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GstSummaryRow {
    /// Basis points (1800 = 18%).
    pub rate: u32,
    /// The two-digit state code of the place of supply.
    pub place_of_supply: String,
    /// Its name.
    pub place_name: String,
    /// `true` when the place of supply is the shop's state (CGST + SGST), else IGST.
    pub intra_state: bool,
    /// Invoices issued in the month.
    pub invoiced: GstFigures,
    /// Credit notes issued in the month (whatever the month of the invoice they credit).
    pub credited: GstFigures,
    /// `invoiced - credited`: what the month owes.
    pub net: GstFigures,
}

/// `GET /api/v1/seller/gst-summary?month=YYYY-MM`: the GST the shop collected in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GstSummary {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12"))]
    pub month: Month,
    /// By rate (lowest first), then place of supply.
    pub rows: Vec<GstSummaryRow>,
    /// How many invoices and credit notes the month has.
    pub invoices: i64,
    pub credit_notes: i64,
    /// The rows' `net`, summed.
    pub total: GstFigures,
}

/// The shop as its owner sees it in the back office: the shop and its own description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShopProfile {
    pub shop: Shop,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `PATCH /api/v1/seller/shop`: the fields to change; an absent field is kept.
///
/// Display name, description and the address lines change no tax and take effect at once.
/// A new GSTIN sends the shop back to review (status `PENDING`): its products are off sale
/// until an administrator approves it again. The address's `stateCode` must be the GSTIN's
/// state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShopChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// An empty description removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gstin: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_only_as_yyyy_mm() {
        assert_eq!(
            Month::parse("2026-12"),
            Some(Month {
                year: 2026,
                month: 12
            })
        );
        for bad in [
            "2026-13", "2026-00", "2026-1", "26-12", "2026/12", "", "+026-12", "0000-01",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let m = Month::parse("2026-01").unwrap();
        assert_eq!(m.previous().to_string(), "2025-12");
        assert_eq!(m.next().to_string(), "2026-02");
        assert_eq!(
            Month::parse("2025-12").unwrap().next().to_string(),
            "2026-01"
        );
    }

    #[test]
    fn indian_dates_turn_at_half_past_six_in_the_evening_utc() {
        // 2026-12-01T18:29:59Z is 23:59:59 in India; a second later it is the 2nd.
        let last = 1_796_149_799;
        assert_eq!(ist_date(last), Date::new(2026, 12, 1));
        assert_eq!(ist_date(last + 1), Date::new(2026, 12, 2));
    }

    #[test]
    fn figures_subtract_field_by_field() {
        let a = GstFigures {
            taxable: Paise(1000),
            cgst: Paise(90),
            sgst: Paise(90),
            igst: Paise(0),
        };
        let b = GstFigures {
            taxable: Paise(100),
            cgst: Paise(9),
            sgst: Paise(9),
            igst: Paise(0),
        };
        assert_eq!(a.minus(b).taxable, Paise(900));
        assert_eq!(a.minus(b).plus(b), a);
    }
}
