//! GST arithmetic, shared by the API (which prices orders and writes invoices) and the widgets
//! (which show the same breakup live): the slabs and when each was in force, and the tax of a
//! line and of a whole order, in integer paise; and, in [`credit`], what a refund credits back
//! of an invoice's lines.
//!
//! # The rules
//!
//! - **Rates** are basis points ([`Rate`]: 1800 is 18%). A product carries the rate of its slab.
//! - **Slabs are effective-dated** ([`SLABS`]): 0/5/12/18/28% from 1 July 2017 until 21 September
//!   2025, then 0/5/18/40% from 22 September 2025. An order applies the slab in force on the
//!   order date ([`slab_in_force`]); a rate with no slab that day (12% after the reform) is
//!   refused, never silently mapped, because which new slab a good moved to depends on the good.
//! - **CGST + SGST or IGST**: when the supplier's state (the first two digits of its GSTIN) is
//!   the place of supply, half the rate is CGST and half SGST; otherwise the whole rate is IGST.
//! - **UTGST**: within a union territory without a legislature (04 Chandigarh, 26 Dadra and
//!   Nagar Haveli and Daman and Diu, 31 Lakshadweep, 35 Andaman and Nicobar Islands, 38 Ladakh,
//!   and 25, the Daman and Diu of registrations before the 2020 merger) the second half is
//!   UTGST under the UTGST Act 2017 instead of SGST: same rate, same rounding, another name
//!   ([`StateTax::of`]). The amounts stay in the `sgst` fields; documents say which tax those
//!   hold. Delhi (07), Puducherry (34) and Jammu and Kashmir (01) have legislatures: SGST.
//! - **Rounding**, per line: the taxable value is unit price × quantity, exactly. Each tax is
//!   `taxable × rate / 10 000` rounded half up to the paise, computed separately for CGST and SGST
//!   (each at half the rate) or once for IGST. So an intra-state line's tax can exceed the same
//!   line's IGST by one paisa (two halves each rounded up), as on any Indian invoice, and totals
//!   are sums of rounded lines, so an invoice's lines always add up to its totals.
//! - **No overflow**: every step is checked; an amount beyond `i64` paise is an error.

use crate::calendar::Date;
use crate::gstin::StateCode;
use crate::money::Paise;
use serde::{Deserialize, Serialize};
use std::fmt;

pub mod credit;

/// A tax rate in basis points: `Rate(1800)` is 18%. On the wire: the integer, `1800`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Rate(pub u32);

impl Rate {
    /// Half the rate: what CGST and SGST each charge. Every slab's rate is an even number of
    /// basis points, so halving is exact.
    pub fn half(self) -> Rate {
        Rate(self.0 / 2)
    }
}

impl fmt::Display for Rate {
    /// `18%`, `2.5%`, `0.25%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, hundredths) = (self.0 / 100, self.0 % 100);
        match hundredths {
            0 => write!(f, "{whole}%"),
            h if h % 10 == 0 => write!(f, "{whole}.{}%", h / 10),
            h => write!(f, "{whole}.{h:02}%"),
        }
    }
}

/// A GST slab: a rate and the days it was in force (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Slab {
    /// Stable identifier, snapshotted on order lines: `"2017-18"` is the 18% slab of 2017.
    pub id: &'static str,
    pub rate: Rate,
    pub from: Date,
    /// The last day in force; `None` while it still is.
    pub until: Option<Date>,
}

impl Slab {
    pub fn in_force_on(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|until| day <= until)
    }
}

const fn date(year: u16, month: u8, day: u8) -> Date {
    match Date::new(year, month, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

/// GST's start (1 July 2017).
const GST_START: Date = date(2017, 7, 1);
/// The last day of the 2017 slabs, the day before the rate reform took effect.
const REFORM_EVE: Date = date(2025, 9, 21);
/// The rate reform ("GST 2.0"): 12% and 28% abolished, 40% introduced, from 22 September 2025.
pub const REFORM_DAY: Date = date(2025, 9, 22);

/// Every slab there has been, oldest first. Adding one (a new notification) is a minor
/// contract release: the API and the widgets must agree on it.
pub const SLABS: &[Slab] = &[
    slab("2017-0", 0, GST_START, Some(REFORM_EVE)),
    slab("2017-5", 500, GST_START, Some(REFORM_EVE)),
    slab("2017-12", 1200, GST_START, Some(REFORM_EVE)),
    slab("2017-18", 1800, GST_START, Some(REFORM_EVE)),
    slab("2017-28", 2800, GST_START, Some(REFORM_EVE)),
    slab("2025-0", 0, REFORM_DAY, None),
    slab("2025-5", 500, REFORM_DAY, None),
    slab("2025-18", 1800, REFORM_DAY, None),
    slab("2025-40", 4000, REFORM_DAY, None),
];

const fn slab(id: &'static str, rate: u32, from: Date, until: Option<Date>) -> Slab {
    Slab {
        id,
        rate: Rate(rate),
        from,
        until,
    }
}

/// The slab charging `rate` on `day`, if that rate was a slab then.
pub fn slab_in_force(rate: Rate, day: Date) -> Option<&'static Slab> {
    SLABS
        .iter()
        .find(|slab| slab.rate == rate && slab.in_force_on(day))
}

/// The rates a product may carry on `day`, lowest first (for the seller's product form).
pub fn rates_in_force(day: Date) -> Vec<Rate> {
    let mut rates: Vec<Rate> = SLABS
        .iter()
        .filter(|slab| slab.in_force_on(day))
        .map(|slab| slab.rate)
        .collect();
    rates.sort();
    rates
}

/// Which taxes a supply pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Supply {
    /// Supplier and place of supply in one state: CGST + SGST.
    IntraState,
    /// Different states: IGST.
    InterState,
}

impl Supply {
    pub fn between(supplier: StateCode, place_of_supply: StateCode) -> Supply {
        if supplier == place_of_supply {
            Supply::IntraState
        } else {
            Supply::InterState
        }
    }
}

/// The tax an intra-state supply pays beside CGST, at half the rate: what a document's `sgst`
/// amounts are. On the wire: `"sgst"` or `"utgst"`; documents written before it existed read
/// as `"sgst"` (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum StateTax {
    /// State GST: in a state, or a union territory with a legislature.
    #[default]
    Sgst,
    /// Union territory GST: in a union territory without a legislature.
    Utgst,
}

impl StateTax {
    /// The second tax of a supply whose place of supply is `place_of_supply`. Only an
    /// intra-state supply charges it; an inter-state one charges IGST alone, and its documents'
    /// `sgst` amounts, all zero, keep the name of the place's tax.
    pub fn of(place_of_supply: StateCode) -> StateTax {
        if place_of_supply.is_union_territory_without_legislature() {
            StateTax::Utgst
        } else {
            StateTax::Sgst
        }
    }

    /// The name invoices print: `SGST` or `UTGST`.
    pub fn label(self) -> &'static str {
        match self {
            StateTax::Sgst => "SGST",
            StateTax::Utgst => "UTGST",
        }
    }
}

/// The tax of one line. Exactly one of {`cgst` and `sgst`} or {`igst`} is non-zero for a
/// non-zero rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LineTax {
    /// Unit price × quantity, before tax.
    pub taxable: Paise,
    pub rate: Rate,
    pub cgst: Paise,
    /// SGST, or UTGST in a union territory without a legislature ([`StateTax`]).
    pub sgst: Paise,
    pub igst: Paise,
    /// `taxable` plus the taxes.
    pub total: Paise,
}

impl LineTax {
    /// CGST + SGST + IGST.
    pub fn tax(&self) -> Paise {
        Paise(self.cgst.0 + self.sgst.0 + self.igst.0)
    }
}

/// Why a line or an order cannot be taxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GstError {
    /// A price below zero.
    NegativePrice,
    /// A quantity of zero.
    ZeroQuantity,
    /// An amount beyond what `i64` paise hold (about ₹92 lakh crore).
    Overflow,
}

impl fmt::Display for GstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GstError::NegativePrice => "a price cannot be negative",
            GstError::ZeroQuantity => "a quantity must be at least 1",
            GstError::Overflow => "the amount is too large",
        })
    }
}

impl std::error::Error for GstError {}

/// `amount × rate / 10 000`, rounded half up to the paisa; `None` on overflow.
fn percent_of(amount: Paise, rate: Rate) -> Option<Paise> {
    let scaled = i128::from(amount.0) * i128::from(rate.0);
    // amount ≥ 0 here, so adding half the divisor rounds half up.
    i64::try_from((scaled + 5_000) / 10_000).ok().map(Paise)
}

/// The tax of `quantity` units at `unit_price` (before tax) and `rate`, under the rounding rule
/// of this module.
pub fn line_tax(
    unit_price: Paise,
    quantity: u32,
    rate: Rate,
    supply: Supply,
) -> Result<LineTax, GstError> {
    if unit_price.0 < 0 {
        return Err(GstError::NegativePrice);
    }
    if quantity == 0 {
        return Err(GstError::ZeroQuantity);
    }
    let taxable = unit_price
        .checked_mul(i64::from(quantity))
        .ok_or(GstError::Overflow)?;
    let (cgst, sgst, igst) = match supply {
        Supply::IntraState => {
            let half = percent_of(taxable, rate.half()).ok_or(GstError::Overflow)?;
            (half, half, Paise(0))
        }
        Supply::InterState => {
            let whole = percent_of(taxable, rate).ok_or(GstError::Overflow)?;
            (Paise(0), Paise(0), whole)
        }
    };
    let total = Paise::checked_sum([taxable, cgst, sgst, igst]).ok_or(GstError::Overflow)?;
    Ok(LineTax {
        taxable,
        rate,
        cgst,
        sgst,
        igst,
        total,
    })
}

/// The sums of an order's or an invoice's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TaxTotals {
    pub taxable: Paise,
    pub cgst: Paise,
    pub sgst: Paise,
    pub igst: Paise,
    /// CGST + SGST + IGST.
    pub tax: Paise,
    /// What the buyer pays: taxable value plus tax.
    pub total: Paise,
}

/// Adds up taxed lines.
pub fn totals<'l>(lines: impl IntoIterator<Item = &'l LineTax>) -> Result<TaxTotals, GstError> {
    let add = |a: Paise, b: Paise| a.checked_add(b).ok_or(GstError::Overflow);
    lines
        .into_iter()
        .try_fold(TaxTotals::default(), |sum, line| {
            Ok(TaxTotals {
                taxable: add(sum.taxable, line.taxable)?,
                cgst: add(sum.cgst, line.cgst)?,
                sgst: add(sum.sgst, line.sgst)?,
                igst: add(sum.igst, line.igst)?,
                tax: add(sum.tax, line.tax())?,
                total: add(sum.total, line.total)?,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(code: u8) -> StateCode {
        StateCode::new(code).unwrap()
    }

    fn rupees(r: i64) -> Paise {
        Paise::from_rupees(r).unwrap()
    }

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn union_territories_without_a_legislature_charge_utgst_and_the_rest_sgst() {
        let utgst: Vec<u8> = StateCode::all()
            .filter(|&code| StateTax::of(code) == StateTax::Utgst)
            .map(StateCode::code)
            .collect();

        assert_eq!(utgst, [4, 25, 26, 31, 35, 38]);
        for with_legislature in [1, 7, 34, 27] {
            assert_eq!(StateTax::of(state(with_legislature)), StateTax::Sgst);
        }
        assert_eq!(StateTax::Utgst.label(), "UTGST");
        assert_eq!(StateTax::Sgst.label(), "SGST");
    }

    #[test]
    fn an_intra_ut_supply_splits_like_an_intra_state_one() {
        let chandigarh = state(4);
        let supply = Supply::between(chandigarh, chandigarh);
        let line = line_tax(rupees(1000), 1, Rate(1800), supply).unwrap();

        assert_eq!(supply, Supply::IntraState);
        assert_eq!(
            (line.cgst, line.sgst, line.igst),
            (rupees(90), rupees(90), Paise(0))
        );
        assert_eq!(StateTax::of(chandigarh).label(), "UTGST");
    }

    #[test]
    fn the_state_tax_is_sgst_or_utgst_on_the_wire_and_sgst_when_absent() {
        assert_eq!(
            serde_json::to_string(&StateTax::Utgst).unwrap(),
            r#""utgst""#
        );
        assert_eq!(
            serde_json::from_str::<StateTax>(r#""sgst""#).unwrap(),
            StateTax::Sgst
        );
        assert_eq!(StateTax::default(), StateTax::Sgst);
    }

    #[test]
    fn seed_000s_example_shirt_and_shoes() {
        // Shirt ₹1000 at 18% and shoes ₹2000 at 12%, both slabs of an order placed before the
        // reform (12% no longer exists after it). Seed 000 §7.4: GST ₹420, total ₹3420.
        let day = d("2025-06-01");
        let shirt = slab_in_force(Rate(1800), day).unwrap();
        let shoes = slab_in_force(Rate(1200), day).unwrap();
        let lines = [
            line_tax(rupees(1000), 1, shirt.rate, Supply::IntraState).unwrap(),
            line_tax(rupees(2000), 1, shoes.rate, Supply::IntraState).unwrap(),
        ];
        assert_eq!(lines[0].tax(), rupees(180));
        assert_eq!(lines[0].total, rupees(1180));
        assert_eq!(lines[1].tax(), rupees(240));
        assert_eq!(lines[1].total, rupees(2240));
        let sum = totals(&lines).unwrap();
        assert_eq!(sum.taxable, rupees(3000));
        assert_eq!(sum.tax, rupees(420));
        assert_eq!(sum.total, rupees(3420));
        // Intra-state: split evenly between the centre and the state.
        assert_eq!(sum.cgst, rupees(210));
        assert_eq!(sum.sgst, rupees(210));
        assert_eq!(sum.igst, Paise(0));
        // The same order across states is all IGST, the same ₹420.
        let inter = [
            line_tax(rupees(1000), 1, shirt.rate, Supply::InterState).unwrap(),
            line_tax(rupees(2000), 1, shoes.rate, Supply::InterState).unwrap(),
        ];
        let sum = totals(&inter).unwrap();
        assert_eq!(
            (sum.igst, sum.cgst, sum.total),
            (rupees(420), Paise(0), rupees(3420))
        );
    }

    #[test]
    fn every_slab_taxes_a_thousand_rupees_at_its_rate_both_ways() {
        for slab in SLABS {
            let intra = line_tax(rupees(1000), 1, slab.rate, Supply::IntraState).unwrap();
            let inter = line_tax(rupees(1000), 1, slab.rate, Supply::InterState).unwrap();
            let expected = Paise(100_000 * i64::from(slab.rate.0) / 10_000);
            assert_eq!(intra.tax(), expected, "{} intra", slab.id);
            assert_eq!(intra.cgst, intra.sgst, "{}", slab.id);
            assert_eq!(intra.igst, Paise(0), "{}", slab.id);
            assert_eq!(inter.igst, expected, "{} inter", slab.id);
            assert_eq!(
                (inter.cgst, inter.sgst),
                (Paise(0), Paise(0)),
                "{}",
                slab.id
            );
            assert_eq!(inter.total.0, 100_000 + expected.0, "{}", slab.id);
            assert_eq!(slab.rate.0 % 2, 0, "{}: halves must be exact", slab.id);
        }
    }

    #[test]
    fn the_slab_in_force_on_the_order_date_applies() {
        let eve = d("2025-09-21");
        let reform = d("2025-09-22");
        assert_eq!(slab_in_force(Rate(1200), eve).unwrap().id, "2017-12");
        assert_eq!(slab_in_force(Rate(2800), eve).unwrap().id, "2017-28");
        assert_eq!(slab_in_force(Rate(1200), reform), None);
        assert_eq!(slab_in_force(Rate(2800), reform), None);
        assert_eq!(slab_in_force(Rate(4000), eve), None);
        assert_eq!(slab_in_force(Rate(4000), reform).unwrap().id, "2025-40");
        assert_eq!(slab_in_force(Rate(1800), eve).unwrap().id, "2017-18");
        assert_eq!(slab_in_force(Rate(1800), reform).unwrap().id, "2025-18");
        assert_eq!(
            slab_in_force(Rate(1800), d("2017-06-30")),
            None,
            "before GST"
        );
        assert_eq!(slab_in_force(Rate(1700), reform), None, "not a slab");
        let rates = |day| rates_in_force(day).iter().map(|r| r.0).collect::<Vec<_>>();
        assert_eq!(rates(eve), [0, 500, 1200, 1800, 2800]);
        assert_eq!(rates(reform), [0, 500, 1800, 4000]);
        assert_eq!(rates(d("2026-11-27")), [0, 500, 1800, 4000]);
    }

    #[test]
    fn no_two_slabs_of_one_rate_overlap() {
        for (i, a) in SLABS.iter().enumerate() {
            for b in &SLABS[i + 1..] {
                if a.rate == b.rate {
                    let a_ends_first = a.until.is_some_and(|until| until < b.from);
                    let b_ends_first = b.until.is_some_and(|until| until < a.from);
                    assert!(a_ends_first || b_ends_first, "{} and {}", a.id, b.id);
                }
            }
        }
    }

    #[test]
    fn each_tax_rounds_half_up_to_the_paisa() {
        // ₹0.10 at 5% inter-state: 0.5 paise → 1 paisa.
        assert_eq!(
            line_tax(Paise(10), 1, Rate(500), Supply::InterState)
                .unwrap()
                .igst,
            Paise(1)
        );
        // ₹0.09 at 5%: 0.45 paise → 0.
        assert_eq!(
            line_tax(Paise(9), 1, Rate(500), Supply::InterState)
                .unwrap()
                .igst,
            Paise(0)
        );
        // ₹0.20 at 5% intra-state: 2.5% of 20 = 0.5 paise each half → 1 + 1.
        let intra = line_tax(Paise(20), 1, Rate(500), Supply::IntraState).unwrap();
        assert_eq!((intra.cgst, intra.sgst), (Paise(1), Paise(1)));
        // The same line inter-state: 1 paisa. The halves round separately (documented).
        assert_eq!(
            line_tax(Paise(20), 1, Rate(500), Supply::InterState)
                .unwrap()
                .igst,
            Paise(1)
        );
        // ₹999.99 at 18%: 17 999.82 paise → 18 000.
        let line = line_tax(Paise(99_999), 1, Rate(1800), Supply::InterState).unwrap();
        assert_eq!(line.igst, Paise(18_000));
        assert_eq!(line.total, Paise(117_999));
        // ₹0.01 at 40%: 0.4 → 0; ₹0.02: 0.8 → 1.
        assert_eq!(
            line_tax(Paise(1), 1, Rate(4000), Supply::InterState)
                .unwrap()
                .igst,
            Paise(0)
        );
        assert_eq!(
            line_tax(Paise(2), 1, Rate(4000), Supply::InterState)
                .unwrap()
                .igst,
            Paise(1)
        );
    }

    #[test]
    fn rounding_applies_to_the_line_not_the_unit() {
        // 3 × ₹0.10 at 5%: per unit 0.5 paise would round to 1 each (3), per line 1.5 → 2.
        let line = line_tax(Paise(10), 3, Rate(500), Supply::InterState).unwrap();
        assert_eq!(line.taxable, Paise(30));
        assert_eq!(line.igst, Paise(2));
    }

    #[test]
    fn large_quantities_are_exact() {
        let line = line_tax(rupees(49_999), 1_000_000, Rate(1800), Supply::IntraState).unwrap();
        assert_eq!(line.taxable, Paise(4_999_900_000_000));
        assert_eq!(line.cgst, Paise(449_991_000_000));
        assert_eq!(line.total, Paise(5_899_882_000_000));
        let line = line_tax(Paise(1), u32::MAX, Rate(4000), Supply::InterState).unwrap();
        assert_eq!(line.igst, Paise(1_717_986_918));
    }

    #[test]
    fn overflow_is_refused_never_wrapped() {
        assert_eq!(
            line_tax(Paise(i64::MAX / 2), 3, Rate(0), Supply::InterState),
            Err(GstError::Overflow)
        );
        // The taxable value fits, the total with 40% tax does not.
        assert_eq!(
            line_tax(Paise(i64::MAX / 10 * 9), 1, Rate(4000), Supply::InterState),
            Err(GstError::Overflow)
        );
        let big = line_tax(Paise(i64::MAX / 2), 1, Rate(0), Supply::InterState).unwrap();
        assert_eq!(totals(&[big, big, big]), Err(GstError::Overflow));
    }

    #[test]
    fn nonsense_lines_are_refused() {
        assert_eq!(
            line_tax(Paise(-1), 1, Rate(500), Supply::InterState),
            Err(GstError::NegativePrice)
        );
        assert_eq!(
            line_tax(Paise(100), 0, Rate(500), Supply::InterState),
            Err(GstError::ZeroQuantity)
        );
        // A free line is fine: nothing to tax.
        let free = line_tax(Paise(0), 2, Rate(1800), Supply::IntraState).unwrap();
        assert_eq!(free.total, Paise(0));
    }

    #[test]
    fn the_place_of_supply_decides_the_taxes() {
        let (mumbai, bengaluru) = (state(27), state(29));
        assert_eq!(Supply::between(mumbai, mumbai), Supply::IntraState);
        assert_eq!(Supply::between(mumbai, bengaluru), Supply::InterState);
    }

    #[test]
    fn rates_print_as_percentages_and_travel_as_basis_points() {
        assert_eq!(Rate(1800).to_string(), "18%");
        assert_eq!(Rate(250).to_string(), "2.5%");
        assert_eq!(Rate(25).to_string(), "0.25%");
        assert_eq!(serde_json::to_string(&Rate(1800)).unwrap(), "1800");
        let line = line_tax(rupees(1000), 1, Rate(1800), Supply::InterState).unwrap();
        assert_eq!(
            serde_json::to_value(line).unwrap(),
            serde_json::json!({
                "taxable": 100000, "rate": 1800, "cgst": 0, "sgst": 0, "igst": 18000, "total": 118000
            })
        );
    }
}
