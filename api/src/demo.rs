//! The demo shop of `seed-demo`: the demo seller's approved shop in Maharashtra and a small
//! catalog across categories and GST slabs (0%, 5%, 18% and the 40% of the 2025 reform), so a
//! fresh `cargo xtask run` has something to browse, buy and invoice.

use crate::auth::token;
use crate::db::products::{self, NewProductRow};
use crate::db::shops::{self, Decided, NewShop};
use crate::db::{Db, users};
use anyhow::Context as _;
use contracts::Paise;
use contracts::gst::Rate;
use contracts::shops::Address;

/// The demo shop's GSTIN: a real check character, in Maharashtra (27).
pub const DEMO_GSTIN: &str = "27AAPFU0939F1ZV";

/// Name, SKU, HSN, price in rupees, GST rate in basis points, stock, category, description.
type DemoProduct = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    u32,
    i64,
    &'static str,
    &'static str,
);

const CATALOG: &[DemoProduct] = &[
    (
        "Cotton kurta",
        "AP-KURTA-01",
        "6211",
        1_299,
        500,
        40,
        "apparel",
        "Hand-block printed cotton kurta from Jaipur.",
    ),
    (
        "Linen shirt",
        "AP-SHIRT-02",
        "6205",
        2_199,
        500,
        35,
        "apparel",
        "Breathable linen shirt for Indian summers.",
    ),
    (
        "Silk saree",
        "AP-SAREE-03",
        "5007",
        8_999,
        1_800,
        8,
        "apparel",
        "Banarasi silk saree with zari border.",
    ),
    (
        "Denim jacket",
        "AP-JACKET-04",
        "6201",
        3_499,
        1_800,
        15,
        "apparel",
        "Classic blue denim jacket.",
    ),
    (
        "Leather sandals",
        "FW-SANDAL-01",
        "6403",
        1_499,
        500,
        25,
        "footwear",
        "Kolhapuri leather sandals, handmade.",
    ),
    (
        "Running shoes",
        "FW-RUN-02",
        "6404",
        4_999,
        1_800,
        20,
        "footwear",
        "Cushioned running shoes with mesh upper.",
    ),
    (
        "Steel tiffin box",
        "KT-TIFFIN-01",
        "7323",
        649,
        500,
        60,
        "kitchen",
        "Three-tier stainless steel tiffin.",
    ),
    (
        "Clay water pot",
        "KT-POT-02",
        "6912",
        399,
        0,
        30,
        "kitchen",
        "Earthen matka that keeps water cool.",
    ),
    (
        "Pressure cooker 5 L",
        "KT-COOKER-03",
        "7615",
        2_499,
        500,
        18,
        "kitchen",
        "Aluminium pressure cooker with safety valve.",
    ),
    (
        "Darjeeling tea 250 g",
        "GR-TEA-01",
        "0902",
        450,
        500,
        100,
        "grocery",
        "First-flush Darjeeling leaf tea.",
    ),
    (
        "Bluetooth speaker",
        "EL-SPEAKER-01",
        "8518",
        2_999,
        1_800,
        22,
        "electronics",
        "Portable speaker with 12-hour battery.",
    ),
    (
        "Smartwatch",
        "EL-WATCH-02",
        "8517",
        5_999,
        1_800,
        12,
        "electronics",
        "Fitness smartwatch with heart-rate sensor.",
    ),
    (
        "Cola 12-pack",
        "BV-COLA-01",
        "2202",
        540,
        4_000,
        50,
        "beverages",
        "Aerated cola, twelve 300 ml cans.",
    ),
    (
        "Indian history, a reader",
        "BK-HIST-01",
        "4901",
        499,
        0,
        40,
        "books",
        "Printed book: essays on Indian history.",
    ),
];

/// Gives the demo seller an approved shop and the demo catalog, unless they exist. Lines of
/// what happened go to `out`.
pub async fn seed_shop(db: &Db, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let mut conn = db.conn().await?;
    let seller = users::find_by_email(&mut conn, "seller@bazaar.test")
        .await?
        .context("the demo seller is missing")?;
    let admin = users::find_by_email(&mut conn, "admin@bazaar.test")
        .await?
        .context("the demo administrator is missing")?;
    drop(conn);
    let (seller_id, admin_id) = (seller.id.to_string(), admin.id.to_string());
    let now = token::now();
    let shop = match shops::of_owner(db, &seller_id).await? {
        Some(shop) => shop,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            let address = Address {
                line1: "14 Mill Compound, Lower Parel".into(),
                line2: None,
                city: "Mumbai".into(),
                state_code: DEMO_GSTIN[..2].into(),
                pincode: "400013".into(),
            };
            shops::store_shop(
                db,
                &NewShop {
                    id: &id,
                    owner_id: &seller_id,
                    legal_name: "Demo Bazaar Traders LLP",
                    display_name: "Demo Bazaar",
                    gstin: DEMO_GSTIN,
                    address: &address,
                    created_at: now,
                },
            )
            .await?;
            match shops::decide(db, &id, true, None, &admin_id, now).await? {
                Decided::Done(shop) => *shop,
                other => anyhow::bail!("approving the demo shop: {other:?}"),
            }
        }
    };
    let mut created = 0;
    for &(name, sku, hsn, rupees, rate, stock, category, description) in CATALOG {
        let id = uuid::Uuid::new_v4().to_string();
        let row = NewProductRow {
            id: &id,
            shop_id: &shop.id,
            name,
            description,
            sku,
            hsn,
            price: Paise::from_rupees(rupees).context("a demo price")?,
            gst_rate: Rate(rate),
            stock,
            category,
            active: true,
            now,
        };
        match products::insert(db, &row).await {
            Ok(()) => created += 1,
            // The SKU is there already: seeded before.
            Err(error)
                if error
                    .as_database_error()
                    .is_some_and(|e| e.is_unique_violation()) => {}
            Err(error) => return Err(error.into()),
        }
    }
    writeln!(
        out,
        "demo shop: {} ({}), {created} of {} demo products added",
        shop.display_name,
        shop.gstin,
        CATALOG.len()
    )?;
    Ok(())
}
