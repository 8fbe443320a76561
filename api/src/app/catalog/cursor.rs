//! The keyset cursor of a catalog listing: where the next page of a catalog listing starts, as clients carry it: the sort it
//! belongs to, the last row's sort key and id, base64url.

use crate::db::Id;
use crate::db::product_search::{After, Key};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use contracts::catalog::ProductSort;

/// The cursor of the page after the row with `key` and `id`, in `sort`.
pub fn encode(sort: ProductSort, key: Key, id: Id) -> String {
    let key = match key {
        // `{:?}` writes the shortest text that parses back to the same rank.
        Key::Rank(rank) => format!("{rank:?}"),
        Key::Int(value) => value.to_string(),
    };
    URL_SAFE_NO_PAD.encode(format!("{}|{key}|{id}", sort_tag(sort)))
}

/// Where the page of `cursor` starts; `None` when `cursor` is not one `sort` made.
pub fn decode(cursor: &str, sort: ProductSort) -> Option<After> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.splitn(3, '|');
    let (tag, key, id) = (parts.next()?, parts.next()?, parts.next()?);
    if tag != sort_tag(sort) {
        return None;
    }
    let key = match sort {
        ProductSort::Relevance => Key::Rank(key.parse::<f64>().ok().filter(|r| r.is_finite())?),
        _ => Key::Int(key.parse().ok()?),
    };
    Some(After {
        key,
        id: Id::parse(id)?,
    })
}

fn sort_tag(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Relevance => "r",
        ProductSort::Newest => "n",
        ProductSort::PriceAsc => "pa",
        ProductSort::PriceDesc => "pd",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_belongs_to_its_sort() {
        let id = Id::new();
        let cursor = encode(ProductSort::PriceAsc, Key::Int(1000), id);
        assert_eq!(decode(&cursor, ProductSort::PriceAsc).unwrap().id, id);
        assert!(decode(&cursor, ProductSort::PriceDesc).is_none());
        assert!(decode("not base64!", ProductSort::Newest).is_none());
        let bad_key = URL_SAFE_NO_PAD.encode(format!("n|soon|{id}"));
        assert!(decode(&bad_key, ProductSort::Newest).is_none());
        let rank = encode(
            ProductSort::Relevance,
            Key::Rank(-1.2359550561797755e-6),
            id,
        );
        let decoded = decode(&rank, ProductSort::Relevance).unwrap();
        assert_eq!(decoded.key, Key::Rank(-1.2359550561797755e-6));
    }
}
