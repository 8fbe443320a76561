//! The catalog's query plans (issue 13): each backend is asked how it would run the very
//! statements the storage layer runs (`product_search::statement`), and a listing that stops
//! using its index, or a search that stops starting from the full-text index, fails here
//! rather than at 100,000 products. The answers themselves are tested in `catalog`.

use crate::helpers::{TestApp, expected_backend, spawn_app};
use api::db::product_search::{self, After, Key, Search, Words};
use api::db::products::Viewer;
use api::db::{DbKind, Id, sql};
use contracts::Paise;
use contracts::catalog::ProductSort;

const SORTS: [ProductSort; 3] = [
    ProductSort::Newest,
    ProductSort::PriceAsc,
    ProductSort::PriceDesc,
];

/// A listing of the shopper's whole catalog in `sort`, from the first page.
fn listing(sort: ProductSort) -> Search<'static> {
    Search {
        viewer: Viewer::Shopper,
        words: None,
        category: None,
        min_price: None,
        max_price: None,
        shop: None,
        in_stock: false,
        active: None,
        max_stock: None,
        sort,
        after: None,
        count: 13,
    }
}

/// Where page 50 of `sort` would start.
fn deep(sort: ProductSort) -> Option<After> {
    Some(After {
        key: Key::Int(1_000),
        id: Id::new(),
    })
    .filter(|_| sort != ProductSort::Relevance)
}

/// Products the planners see: enough that PostgreSQL's statistics price a full read and sort
/// above an index walk, as they do at scale (an empty table makes every plan cost the same).
const SEEDED: usize = 3_000;

/// A server whose catalog has [`SEEDED`] products in several shops (`api seed-catalog`'s
/// code), analysed on PostgreSQL as its autovacuum would. SQLite is left unanalysed, as the
/// server leaves it: its plans must not depend on statistics it never gathers.
async fn seeded_app() -> TestApp {
    let app = spawn_app().await;
    api::catalog_seed::seed(&app.db, &app.vault, SEEDED, &mut std::io::sink())
        .await
        .unwrap();
    if expected_backend() == DbKind::Postgres {
        app.execute("ANALYZE").await;
    }
    app
}

/// The plan of `search`, one line per step. On PostgreSQL sequential scans are priced out
/// too: with a few thousand rows reading the whole table is still nearly as cheap as an
/// index, and the question is whether the index serves the query at all.
async fn plan(app: &TestApp, search: &Search<'_>) -> Vec<String> {
    let mut conn = app.db.conn().await.unwrap();
    if conn.kind() == DbKind::Postgres {
        sql("SET enable_seqscan = off")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    product_search::statement(conn.kind(), search)
        .explain(&mut conn)
        .await
        .unwrap()
}

/// Fails unless every step of `plan` reads products and shops through an index, and nothing
/// is sorted after reading (the page is the index order, cut by LIMIT).
fn assert_indexed_and_unsorted(plan: &[String], what: &str) {
    let text = plan.join("\n");
    match expected_backend() {
        DbKind::Sqlite => {
            assert!(!text.contains("TEMP B-TREE"), "{what} sorts:\n{text}");
            for line in plan {
                let full_scan = line.starts_with("SCAN") && !line.contains("USING");
                assert!(!full_scan, "{what} scans a table:\n{text}");
            }
            assert!(
                text.contains(" p USING "),
                "{what}: products by index:\n{text}"
            );
        }
        DbKind::Postgres => {
            assert!(!text.contains("Sort"), "{what} sorts:\n{text}");
            assert!(!text.contains("Seq Scan on products"), "{what}:\n{text}");
            assert!(
                text.contains("Index Scan"),
                "{what}: no index scan:\n{text}"
            );
        }
    }
}

#[tokio::test]
async fn every_listing_sort_is_read_in_index_order_on_page_1_and_page_50() {
    let app = seeded_app().await;
    let shop = Id::new();
    for sort in SORTS {
        for after in [None, deep(sort)] {
            let page = if after.is_some() { 50 } else { 1 };
            let whole = Search {
                after,
                ..listing(sort)
            };
            let plan_of = plan(&app, &whole).await;
            assert_indexed_and_unsorted(&plan_of, &format!("{sort:?} page {page}"));
            if after.is_some() && expected_backend() == DbKind::Sqlite {
                // Page 50 seeks to its key rather than walking the 49 pages before it.
                assert!(
                    plan_of.iter().any(|l| l.starts_with("SEARCH p USING")),
                    "{sort:?} page 50 does not seek:\n{}",
                    plan_of.join("\n")
                );
            }
            let filtered = [
                (
                    "category",
                    Search {
                        category: Some("apparel"),
                        ..whole
                    },
                ),
                (
                    "shop",
                    Search {
                        shop: Some(shop),
                        ..whole
                    },
                ),
                (
                    "in stock",
                    Search {
                        in_stock: true,
                        ..whole
                    },
                ),
                (
                    "seller's own",
                    Search {
                        viewer: Viewer::Shop(shop),
                        active: Some(true),
                        ..whole
                    },
                ),
            ];
            for (filter, search) in filtered {
                let what = format!("{sort:?} page {page} by {filter}");
                assert_indexed_and_unsorted(&plan(&app, &search).await, &what);
            }
        }
    }
}

#[tokio::test]
async fn a_price_range_narrows_through_an_index() {
    let app = seeded_app().await;
    for sort in SORTS {
        let search = Search {
            min_price: Some(Paise(1_000)),
            max_price: Some(Paise(5_000)),
            ..listing(sort)
        };
        let plan = plan(&app, &search).await.join("\n");
        match expected_backend() {
            DbKind::Sqlite => assert!(
                plan.contains("SEARCH p USING INDEX") || plan.contains("SCAN p USING INDEX"),
                "{sort:?}:\n{plan}"
            ),
            DbKind::Postgres => assert!(!plan.contains("Seq Scan"), "{sort:?}:\n{plan}"),
        }
    }
}

#[tokio::test]
async fn a_search_starts_from_the_full_text_index() {
    let app = seeded_app().await;
    let words = Words::of("linen shirt");
    for sort in [ProductSort::Relevance, ProductSort::Newest] {
        let search = Search {
            words: Some(&words),
            ..listing(sort)
        };
        let plan = plan(&app, &search).await;
        let text = plan.join("\n");
        match expected_backend() {
            DbKind::Sqlite => {
                // The FTS table is the outer loop; each match fetches its product by rowid.
                let first = plan.iter().position(|l| l.contains("products_fts"));
                let product = plan.iter().position(|l| l.contains(" p USING"));
                assert!(
                    matches!((first, product), (Some(f), Some(p)) if f < p),
                    "{sort:?}: the search does not start from products_fts:\n{text}"
                );
                assert!(
                    text.contains("SEARCH p USING INTEGER PRIMARY KEY (rowid=?)"),
                    "{sort:?}:\n{text}"
                );
            }
            DbKind::Postgres => {
                assert!(
                    text.contains("Bitmap Index Scan on products_search"),
                    "{sort:?}: the GIN index is not used:\n{text}"
                );
                assert!(!text.contains("Seq Scan on products"), "{sort:?}:\n{text}");
            }
        }
    }
}
