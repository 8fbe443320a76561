//! The catalog's search query, assembled at run time from the filters a listing sets (words,
//! category, price range, shop, stock), its sort and the keyset page it starts after. Every
//! value is a bound placeholder; the text splices in only constants. The one real dialect
//! difference, matching and ranking words, is `full_text`.

use crate::db::products::{ON_SALE, PRODUCT_COLUMNS, PRODUCTS_JOIN, ProductRow, Viewer};
use crate::db::{Arg, Conn, DbKind, Id, Sql};
use contracts::Paise;
use contracts::catalog::ProductSort;

/// The most words of a search text that count; the rest are ignored.
const MAX_SEARCH_WORDS: usize = 8;

/// The longest word that counts, in characters; the rest of it is ignored.
const MAX_WORD_CHARS: usize = 40;

/// The search words of a shopper's text: runs of letters and digits, lowercased, at most
/// `MAX_SEARCH_WORDS` of at most `MAX_WORD_CHARS` characters. Nothing else reaches the
/// full-text syntax, so no text can inject operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words(Vec<String>);

impl Words {
    pub fn of(text: &str) -> Words {
        Words(
            text.split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
                .filter(|word| !word.is_empty())
                .take(MAX_SEARCH_WORDS)
                .map(|word| {
                    word.chars()
                        .take(MAX_WORD_CHARS)
                        .collect::<String>()
                        .to_lowercase()
                })
                .collect(),
        )
    }

    /// Whether the text had nothing to search for (`!!!`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Combining marks, which belong inside words: the vowel signs and viramas of Indian scripts
/// (`कुर्ता` is one word) and combining accents. `char::is_alphanumeric` says no to them.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0900}'..='\u{0963}'
        | '\u{0966}'..='\u{0DFF}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// The sort key of the row a page starts after.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    /// The rank of a relevance sort (lower ranks first).
    Rank(f64),
    /// `created_at` (newest first) or the price.
    Int(i64),
}

/// Where a keyset page starts: after the row with this sort key and id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct After {
    pub key: Key,
    pub id: Id,
}

/// A listing of the catalog as `viewer` may see it.
#[derive(Debug)]
pub struct Search<'a> {
    pub viewer: Viewer,
    /// Every word must match, as a prefix (a word shorter than [`MIN_PREFIX_CHARS`]: whole).
    pub words: Option<&'a Words>,
    pub category: Option<&'a str>,
    pub min_price: Option<Paise>,
    pub max_price: Option<Paise>,
    pub shop: Option<Id>,
    pub in_stock: bool,
    /// Only active (`Some(true)`) or inactive products; a shopper's view is active only anyway.
    pub active: Option<bool>,
    /// Only products with at most this many units.
    pub max_stock: Option<i64>,
    /// Relevance only with words.
    pub sort: ProductSort,
    pub after: Option<After>,
    /// How many rows to read.
    pub count: i64,
}

/// A product of a listing with its rank (0 without words).
#[derive(Debug, sqlx::FromRow)]
pub struct RankedRow {
    #[sqlx(flatten)]
    pub product: ProductRow,
    pub relevance: f64,
}

/// Up to `search.count` products of the listing, in its order.
pub async fn search(conn: &mut Conn, search: &Search<'_>) -> sqlx::Result<Vec<RankedRow>> {
    statement(conn.kind(), search).fetch_all(conn).await
}

/// The statement [`search`] runs on backend `kind`: public so that the suite can ask each
/// backend for its plan ([`Sql::explain`]) and fail when a listing stops using its index.
///
/// Every read is meant to cost O(log N + page): words are looked up in the full-text index
/// first (on SQLite the FTS table is the driving table, forced by `CROSS JOIN`, which SQLite
/// never reorders), and a relevance search ranks at most [`RELEVANCE_CANDIDATES`] of the
/// matches ([`ranked_candidates`]); a listing without words walks the index of its sort (`products_created`,
/// `products_price`, or the category's and shop's own, which lead with the filter's column) and
/// stops after the page; the keyset condition compares the index's own columns, so page 50
/// starts with a seek like page 1.
pub fn statement<'a>(kind: DbKind, search: &Search<'a>) -> Sql<'a> {
    let sqlite = kind == DbKind::Sqlite;
    let mut binds = Binds::default();
    // SQLite: products drive, so a listing reads them in index order and the shop comes by
    // its primary key per row (left to itself, the planner starts from the few shops and sorts
    // every product in a temp B-tree). PostgreSQL plans the join by its statistics.
    let mut from = if sqlite {
        "products p CROSS JOIN shops s ON s.id = p.shop_id"
    } else {
        PRODUCTS_JOIN
    };
    let mut filters = vec![match search.viewer {
        Viewer::Shopper => ON_SALE.to_owned(),
        Viewer::Shop(shop) => format!("p.shop_id = {}", binds.push(shop)),
    }];
    let mut relevance = "CAST(0 AS DOUBLE PRECISION)".to_owned();
    if let Some(words) = search.words {
        let text = full_text(sqlite, words, &mut binds);
        from = text.from;
        filters.push(text.filter);
        relevance = text.relevance;
    }
    if let Some(category) = search.category {
        filters.push(format!("p.category = {}", binds.push(category)));
    }
    if let Some(min) = search.min_price {
        filters.push(format!("p.price >= {}", binds.push(min)));
    }
    if let Some(max) = search.max_price {
        filters.push(format!("p.price <= {}", binds.push(max)));
    }
    if let Some(shop) = search.shop {
        filters.push(format!("p.shop_id = {}", binds.push(shop)));
    }
    if search.in_stock {
        filters.push("p.stock > 0".to_owned());
    }
    if let Some(active) = search.active {
        filters.push(format!("p.active = {}", binds.push(active)));
    }
    if let Some(max) = search.max_stock {
        filters.push(format!("p.stock <= {}", binds.push(max)));
    }

    let (key, direction, comparison) = match search.sort {
        ProductSort::Relevance => ("relevance", "ASC", ">"),
        ProductSort::Newest => ("p.created_at", "DESC", "<"),
        ProductSort::PriceAsc => ("p.price", "ASC", ">"),
        ProductSort::PriceDesc => ("p.price", "DESC", "<"),
    };
    let after = search.after.map(|after| {
        let value = match after.key {
            Key::Rank(rank) => binds.push(rank),
            Key::Int(value) => binds.push(value),
        };
        let id = binds.push(after.id);
        (value, id)
    });
    let limit = binds.push(search.count);
    let filters = filters.join(" AND ");
    let text = match (search.sort, search.words.is_some()) {
        (ProductSort::Relevance, true) => {
            ranked_candidates(sqlite, from, &filters, &relevance, after, &limit)
        }
        (ProductSort::Relevance, false) => {
            // No words, no rank: every row ranks 0, so this is the id order (the use case never
            // asks for it: a listing without words is sorted newest first).
            let outer = after.map_or(String::new(), |(value, id)| {
                format!("WHERE (relevance, id) > ({value}, {id})")
            });
            format!(
                "SELECT * FROM (SELECT {PRODUCT_COLUMNS}, {relevance} AS relevance FROM {from} \
                 WHERE {filters}) AS page {outer} ORDER BY relevance ASC, id ASC LIMIT {limit}"
            )
        }
        _ => {
            // The key and id of the sort's index, compared as a row: a seek into the index.
            let keyset = after.map_or(String::new(), |(value, id)| {
                format!(" AND ({key}, p.id) {comparison} ({value}, {id})")
            });
            format!(
                "SELECT {PRODUCT_COLUMNS}, {relevance} AS relevance FROM {from} \
                 WHERE {filters}{keyset} ORDER BY {key} {direction}, p.id {direction} LIMIT {limit}"
            )
        }
    };
    binds.statement(text)
}

/// How many matching products a relevance search ranks: the first this many the full-text
/// index yields (with the listing's filters applied), whatever their number. Ranking every
/// match made a common word cost O(matches) (5,005 for "shirt" of 100,000 products); ranking a
/// bounded set costs the same for any word. 20 pages of 12; `docs/API.md` states the semantics.
pub const RELEVANCE_CANDIDATES: u32 = 240;

/// A relevance page: the first [`RELEVANCE_CANDIDATES`] matches in the full-text index's order
/// (SQLite: rowid, the order products were added; PostgreSQL: the bitmap heap scan's, the
/// table's physical order), ranked; the page is the next `limit` of them after the cursor's
/// (rank, id). Only the page's rows are read in full: the candidates carry their key and id.
///
/// On PostgreSQL the matches are a MATERIALIZED CTE: planned for all of its rows, so the GIN
/// index serves it (outer LIMIT made the planner expect a sequential scan to stop early, which
/// for a word matching nothing read all 100,000 rows), yet read lazily, so only the
/// candidates' rows are fetched and ranked.
fn ranked_candidates(
    sqlite: bool,
    from: &str,
    filters: &str,
    relevance: &str,
    after: Option<(String, String)>,
    limit: &str,
) -> String {
    let after = after.map_or(String::new(), |(value, id)| {
        format!("WHERE (relevance, id) > ({value}, {id})")
    });
    if sqlite {
        format!(
            "SELECT {PRODUCT_COLUMNS}, page.relevance AS relevance FROM (SELECT * FROM \
             (SELECT p.rowid AS rid, p.id AS id, {relevance} AS relevance FROM {from} \
             WHERE {filters} ORDER BY products_fts.rowid LIMIT {RELEVANCE_CANDIDATES}) \
             AS candidates {after} ORDER BY relevance ASC, id ASC LIMIT {limit}) AS page \
             CROSS JOIN products p ON p.rowid = page.rid CROSS JOIN shops s ON s.id = p.shop_id \
             ORDER BY page.relevance ASC, page.id ASC"
        )
    } else {
        format!(
            "WITH matches AS MATERIALIZED (SELECT p.id AS id, {relevance} AS relevance \
             FROM {from} WHERE {filters}) \
             SELECT {PRODUCT_COLUMNS}, page.relevance AS relevance FROM (SELECT * FROM \
             (SELECT * FROM matches LIMIT {RELEVANCE_CANDIDATES}) AS candidates {after} \
             ORDER BY relevance ASC, id ASC LIMIT {limit}) AS page \
             JOIN products p ON p.id = page.id JOIN shops s ON s.id = p.shop_id \
             ORDER BY page.relevance ASC, page.id ASC"
        )
    }
}

/// The parts of the query that match and rank words.
struct FullText {
    from: &'static str,
    filter: String,
    /// Lower ranks first.
    relevance: String,
}

/// Matching and ranking words: where the backends really differ. SQLite keeps an FTS5 table,
/// `products_fts` (rowid = the product's), queried with MATCH and ranked by `bm25()`, where
/// lower is better; PostgreSQL a generated `tsvector` column, `products.search`, queried with
/// `@@` a tsquery and ranked by `ts_rank()`, where higher is better (negated here, so that on
/// both backends lower ranks first). Each word of [`MIN_PREFIX_CHARS`] or more is a prefix:
/// `"word"*` in FTS5, `word:*` in a tsquery; a shorter one is a whole word. [`Words`] holds
/// only letters and digits, so they cannot break out of the quotes.
fn full_text(sqlite: bool, words: &Words, binds: &mut Binds) -> FullText {
    if sqlite {
        let phrase: Vec<String> = words
            .0
            .iter()
            .map(|word| format!("\"{word}\"{}", prefix(word, "*")))
            .collect();
        let param = binds.push(phrase.join(" "));
        FullText {
            // No alias on the FTS table: MATCH and bm25() name it. `CROSS JOIN` keeps it the
            // outer loop: the index yields the matching rowids, each product comes by its
            // rowid (evaluating MATCH per product instead costs O(N) per search).
            from: "products_fts CROSS JOIN products p ON p.rowid = products_fts.rowid \
                   CROSS JOIN shops s ON s.id = p.shop_id",
            filter: format!("products_fts MATCH {param}"),
            relevance: "bm25(products_fts)".to_owned(),
        }
    } else {
        let terms: Vec<String> = words
            .0
            .iter()
            .map(|word| format!("{word}{}", prefix(word, ":*")))
            .collect();
        let param = binds.push(terms.join(" & "));
        FullText {
            from: PRODUCTS_JOIN,
            filter: format!("p.search @@ to_tsquery('simple', {param})"),
            relevance: format!("(-ts_rank(p.search, to_tsquery('simple', {param})))::float8"),
        }
    }
}

/// The shortest word matched as a prefix, in characters.
pub const MIN_PREFIX_CHARS: usize = 3;

/// `marker` (the syntax of a prefix) when `word` is long enough to be one; nothing when it is
/// shorter and must match a whole word: the prefix `a` or `1` names thousands of words (every
/// catalog number starting with 1), whose lists of products the index must merge, which made
/// `q=1 2 3 4 5 6 7 8` cost several times a normal search on both backends.
fn prefix(word: &str, marker: &'static str) -> &'static str {
    if word.chars().count() >= MIN_PREFIX_CHARS {
        marker
    } else {
        ""
    }
}

/// The values of a statement being assembled, each the next `$n` placeholder.
#[derive(Default)]
struct Binds<'q> {
    args: Vec<Arg<'q>>,
}

impl<'q> Binds<'q> {
    /// Binds `value` and returns its placeholder.
    fn push(&mut self, value: impl Into<Arg<'q>>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// The statement `text` with these values bound.
    fn statement(self, text: String) -> Sql<'q> {
        self.args
            .into_iter()
            .fold(Sql::built(text), |statement, arg| statement.bind(arg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        Words::of(text).0
    }

    #[test]
    fn search_words_are_letters_and_digits_only() {
        assert_eq!(words("Blue  shirt!"), ["blue", "shirt"]);
        assert_eq!(
            words(r#"" OR 1=1 -- NEAR(a b) *"#),
            ["or", "1", "1", "near", "a", "b"]
        );
        assert!(words("!!! ---").is_empty());
        assert_eq!(words("सूती कुर्ता।"), ["सूती", "कुर्ता"]);
        assert_eq!(words("café"), ["café"]);
        assert_eq!(words("a b c d e f g h i j").len(), MAX_SEARCH_WORDS);
    }
}
