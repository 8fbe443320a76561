//! The demo shop of `seed-demo`: the demo seller's approved shop in Maharashtra and a small
//! catalog across categories and GST slabs (0%, 5%, 18% and the 40% of the 2025 reform), so a
//! fresh `cargo xtask run` has something to browse, buy and invoice, each product with a
//! picture ([`pictures`]).

mod pictures;

use crate::app::accounts::lookup;
use crate::app::catalog::images::{self, Upload};
use crate::app::catalog::{rules, seller};
use crate::app::{Actor, Task, shops};
use crate::clock::{self, Clock};
use crate::crypto::Vault;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::object_store::ObjectStore;
use anyhow::Context as _;
use contracts::Paise;
use contracts::catalog::NewProduct;
use contracts::gst::Rate;
use contracts::shops::{Address, ShopApplication};

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

/// Gives the demo seller an approved shop and the demo catalog, unless they exist; each new
/// product gets its picture, stored in `store`. Lines of what happened go to `out`.
pub async fn seed_shop(
    db: &Db,
    vault: &Vault,
    store: &ObjectStore,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let mut conn = db.conn().await?;
    let seller = lookup::find_by_email(&mut conn, vault, "seller@bazaar.test")
        .await?
        .context("the demo seller is missing")?;
    let admin = lookup::find_by_email(&mut conn, vault, "admin@bazaar.test")
        .await?
        .context("the demo administrator is missing")?;
    // Back to the pool before the transaction takes one (never two at once).
    drop(conn);
    // An operator's command, run outside the server: the system's clock.
    let now = Clock::system().now();
    let owner = seller.id;
    // The operator's command: the audit names the system, not the demo administrator.
    let operator = Actor::system(Task::Operator);
    let mut tx = db.begin().await?;
    let shop = match db::shops::of_owner(&mut tx, owner).await? {
        Some(shop) => shop,
        None => {
            let application = ShopApplication {
                legal_name: "Demo Bazaar Traders LLP".into(),
                display_name: "Demo Bazaar".into(),
                gstin: DEMO_GSTIN.into(),
                address: Address {
                    line1: "14 Mill Compound, Lower Parel".into(),
                    line2: None,
                    city: "Mumbai".into(),
                    state_code: DEMO_GSTIN[..2].into(),
                    pincode: "400013".into(),
                },
            };
            let valid = shops::validate_application(&application).context("the demo shop")?;
            let shop = shops::open(&mut tx, &operator, vault, owner, &valid, now).await?;
            let admin = admin.id;
            shops::settle(&mut tx, &operator, shop.id, true, None, Some(admin), now)
                .await
                .context("approving the demo shop")?
        }
    };
    tx.commit().await?;
    // Each product on its own: a SKU seeded before fails alone, without the others.
    let today = clock::india_date(now);
    let mut created = 0;
    for &(name, sku, hsn, rupees, rate, stock, category, description) in CATALOG {
        let product = NewProduct {
            name: name.into(),
            description: description.into(),
            sku: sku.into(),
            hsn: hsn.into(),
            price: Paise::from_rupees(rupees).context("a demo price")?,
            gst_rate: Rate(rate),
            stock,
            category: category.into(),
            active: true,
        };
        let fields = rules::new_product(product, today).with_context(|| format!("demo {sku}"))?;
        let mut tx = db.begin().await?;
        match seller::create(&mut tx, &operator, shop.id, &fields, now).await {
            Ok(id) => {
                tx.commit().await?;
                let upload = Upload {
                    content_type: "image/jpeg",
                    bytes: pictures::picture(sku, category),
                };
                images::attach(db, store, &operator, shop.id, id, upload, now)
                    .await
                    .with_context(|| format!("the picture of demo {sku}"))?;
                created += 1;
            }
            // The SKU is there already: seeded before.
            Err(ApiError::SkuTaken) => {}
            Err(error) => return Err(error.into()),
        }
    }
    writeln!(
        out,
        "demo shop: {} ({}), {created} of {} demo products added",
        shop.display_name,
        DEMO_GSTIN,
        CATALOG.len()
    )?;
    Ok(())
}
