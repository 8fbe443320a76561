//! `api seed-catalog`: a large synthetic catalog for `cargo xtask bench --catalog N` (issue 13):
//! N products across [`SHOPS`] approved shops, six categories and every GST slab in force,
//! written through the storage layer (`db::products::insert`, in transactions of [`BATCH`]),
//! not through HTTP, so 100,000 products take seconds rather than minutes. Dev and staging
//! only: the shops' owners have a published password.

use crate::app::accounts::lookup;
use crate::app::{Actor, Task, shops};
use crate::cli::{AccountError, connect_and_migrate, create_account};
use crate::clock::{self, Clock};
use crate::config::{AppEnv, Config};
use crate::crypto::Vault;
use crate::db::products::ProductFields;
use crate::db::{self, Db, Id};
use anyhow::Context as _;
use contracts::Paise;
use contracts::gst::SLABS;
use contracts::gstin::Gstin;
use contracts::props::Role;
use contracts::shops::{Address, ShopApplication};
use std::time::Instant;

/// Shops the products are spread over.
pub const SHOPS: usize = 8;
/// Products written per transaction.
const BATCH: usize = 2_000;
/// The password of every seeded shop's owner (development only, like the demo accounts').
pub const OWNER_PASSWORD: &str = "catalog-seller-pass";

/// Words of the names: a colour, a material and an item, so that one word matches a few
/// percent of the catalog and two or three words a fraction of that, as real searches do.
const COLOURS: &[&str] = &[
    "indigo", "crimson", "saffron", "ivory", "olive", "teal", "maroon", "ochre", "charcoal",
    "mustard", "rose", "slate",
];
const MATERIALS: &[&str] = &[
    "linen", "cotton", "silk", "khadi", "wool", "jute", "brass", "steel", "teak", "clay",
];
/// Item, its category and HSN code.
const ITEMS: &[(&str, &str, &str)] = &[
    ("shirt", "apparel", "6205"),
    ("kurta", "apparel", "6211"),
    ("saree", "apparel", "5007"),
    ("dupatta", "apparel", "6214"),
    ("scarf", "accessories", "6214"),
    ("bag", "accessories", "4202"),
    ("wallet", "accessories", "4202"),
    ("sandal", "footwear", "6404"),
    ("mojari", "footwear", "6403"),
    ("bottle", "kitchen", "7323"),
    ("tumbler", "kitchen", "7323"),
    ("pot", "kitchen", "6912"),
    ("ladle", "kitchen", "7323"),
    ("lamp", "home", "9405"),
    ("cushion", "home", "9404"),
    ("rug", "home", "5702"),
    ("planter", "home", "6913"),
    ("notebook", "books", "4820"),
    ("journal", "books", "4820"),
    ("atlas", "books", "4905"),
];
const CITIES: &[&str] = &[
    "Jaipur",
    "Varanasi",
    "Kutch",
    "Mysuru",
    "Kolkata",
    "Bhagalpur",
];

/// `seed-catalog`: refuses production; migrates; adds `products` synthetic products.
pub async fn command(
    config: &Config,
    products: usize,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        config.app_env != AppEnv::Production,
        "seed-catalog refuses APP_ENV=production: its shop owners have a published password"
    );
    let vault = Vault::from_config(config)?;
    let db = connect_and_migrate(config).await?;
    let result = seed(&db, &vault, products, out).await;
    db.close().await;
    result
}

/// Opens the shops it needs and adds `count` products to them; lines of what
/// happened go to `out`.
pub async fn seed(
    db: &Db,
    vault: &Vault,
    count: usize,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let now = Clock::system().now();
    let mut shop_ids = Vec::with_capacity(SHOPS);
    for index in 0..SHOPS {
        shop_ids.push(shop(db, vault, index, now).await?);
    }
    let today = clock::india_date(now);
    let rates: Vec<i32> = SLABS
        .iter()
        .filter(|slab| slab.in_force_on(today))
        .map(|slab| i32::try_from(slab.rate.0).unwrap_or(0))
        .collect();
    anyhow::ensure!(!rates.is_empty(), "no GST slab in force today");
    let mut written = 0;
    while written < count {
        let mut tx = db.begin().await?;
        for n in written..count.min(written + BATCH) {
            let fields = product(n, &rates);
            let shop = shop_ids[n % SHOPS];
            // Oldest first, one second apart: the newest is the last written.
            let created = now - i64::try_from(count - n).unwrap_or(0);
            db::products::insert(&mut tx, Id::new(), shop, &fields, created)
                .await
                .with_context(|| format!("product {n} (seeded before? use a fresh database)"))?;
        }
        tx.commit().await?;
        written = count.min(written + BATCH);
    }
    if db.kind() == db::DbKind::Postgres {
        // Statistics for the new rows now, as autovacuum would gather them within a minute: a
        // bench that starts at once must not measure plans made for an empty table.
        let mut conn = db.conn().await?;
        db::sql("ANALYZE products").execute(&mut conn).await?;
    }
    writeln!(
        out,
        "catalog: {count} products in {SHOPS} shops in {:.1} s",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// The `n`th product: its words, category, HSN, slab, price, stock and state all follow from
/// `n`, so two runs seed the same catalog.
fn product(n: usize, rates: &[i32]) -> ProductFields {
    let colour = COLOURS[n % COLOURS.len()];
    let material = MATERIALS[(n / COLOURS.len()) % MATERIALS.len()];
    let (item, category, hsn) = ITEMS[(n / 7) % ITEMS.len()];
    let city = CITIES[(n / 3) % CITIES.len()];
    let spread = i64::try_from(n.wrapping_mul(7_919) % 49_900).unwrap_or(0);
    ProductFields {
        name: Some(format!("{} {material} {item}", capitalised(colour))),
        description: Some(format!(
            "A {colour} {material} {item} made by hand in {city}; catalog item {n}."
        )),
        sku: Some(format!("CAT-{n:07}")),
        hsn: Some(hsn.to_owned()),
        // ₹1 to ₹500 in whole rupees.
        price: Some(Paise((100 + spread) * 100 / 10)),
        gst_rate: Some(rates[n % rates.len()]),
        // One in forty out of stock, one in fifty inactive: filters with something to drop.
        stock: Some(i64::try_from(n % 40).unwrap_or(0)),
        category: Some(category.to_owned()),
        active: Some(!n.is_multiple_of(50)),
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The approved shop of seeded owner `index`, opened (with its owner's account) if missing.
async fn shop(db: &Db, vault: &Vault, index: usize, now: i64) -> anyhow::Result<Id> {
    let email = format!("catalog-seller-{index}@bazaar.test");
    let name = format!("Catalog Shop {index}");
    match create_account(
        db,
        vault,
        &email,
        &name,
        Role::Seller,
        OWNER_PASSWORD.into(),
    )
    .await
    {
        Ok(_) | Err(AccountError::EmailTaken) => {}
        Err(error) => return Err(anyhow::anyhow!("creating {email}: {error}")),
    }
    let mut conn = db.conn().await?;
    let owner = lookup::find_by_email(&mut conn, vault, &email)
        .await?
        .with_context(|| format!("{email} is missing"))?
        .id;
    drop(conn);
    let mut tx = db.begin().await?;
    if let Some(shop) = db::shops::of_owner(&mut tx, owner).await? {
        return Ok(shop.id);
    }
    let gstin = gstin(index)?;
    let application = ShopApplication {
        legal_name: format!("Catalog Traders {index} LLP"),
        display_name: name,
        gstin: gstin.as_str().to_owned(),
        address: Address {
            line1: format!("{} Mill Compound, Lower Parel", index + 1),
            line2: None,
            city: "Mumbai".into(),
            state_code: gstin.as_str()[..2].into(),
            pincode: "400013".into(),
        },
    };
    let operator = Actor::system(Task::Operator);
    let valid = shops::validate_application(&application).context("a seeded shop")?;
    let shop = shops::open(&mut tx, &operator, vault, owner, &valid, now).await?;
    let shop = shops::settle(&mut tx, &operator, shop.id, true, None, None, now)
        .await
        .context("approving a seeded shop")?;
    tx.commit().await?;
    Ok(shop.id)
}

/// A valid Maharashtra GSTIN of its own for shop `index` (a firm's PAN, serial 0001 on: 0000
/// is no PAN's): the check character is whichever one the parser accepts.
fn gstin(index: usize) -> anyhow::Result<Gstin> {
    let first_fourteen = format!("27AACFC{:04}C1Z", index % 9_999 + 1);
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        .chars()
        .find_map(|check| Gstin::parse(&format!("{first_fourteen}{check}")).ok())
        .context("no check character fits")
}
