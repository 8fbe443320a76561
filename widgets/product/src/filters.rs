//! The catalog's filters as the URL carries them (`/products?q=&category=&min=&max=&inStock=&sort=`)
//! and as the API wants them (prices in paise).
//!
//! The URL is the single source of truth for what the catalog shows, so a search survives a
//! reload and back/forward, and a shared link shows the same list.

use std::collections::BTreeMap;

/// What the shopper asked for. Prices are the rupee text they typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub q: String,
    pub category: String,
    pub min_rupees: String,
    pub max_rupees: String,
    pub in_stock: bool,
    /// `relevance`, `newest`, `price_asc` or `price_desc`; empty for the API's default.
    pub sort: String,
}

/// The sorts offered, with their labels.
pub const SORTS: [(&str, &str); 4] = [
    ("newest", "Newest"),
    ("relevance", "Best match"),
    ("price_asc", "Price: low to high"),
    ("price_desc", "Price: high to low"),
];

impl Filters {
    /// From the page's query string.
    pub fn from_query(query: &BTreeMap<String, String>) -> Filters {
        let get = |key: &str| query.get(key).cloned().unwrap_or_default();
        Filters {
            q: get("q"),
            category: get("category"),
            min_rupees: get("min"),
            max_rupees: get("max"),
            in_stock: query.get("inStock").is_some_and(|v| v == "true"),
            sort: get("sort"),
        }
    }

    /// The page path that shows these filters.
    pub fn to_path(&self, encode: impl Fn(&str) -> String) -> String {
        let pairs = self.pairs(false);
        if pairs.is_empty() {
            return "/products".to_owned();
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", encode(value)))
            .collect();
        format!("/products?{}", query.join("&"))
    }

    /// The API's query string for a page of these results (after `cursor`, if any).
    pub fn api_query(&self, cursor: Option<&str>, encode: impl Fn(&str) -> String) -> String {
        let mut pairs = self.pairs(true);
        pairs.push(("limit", PAGE_SIZE.to_string()));
        if let Some(cursor) = cursor {
            pairs.push(("after", cursor.to_owned()));
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", encode(value)))
            .collect();
        query.join("&")
    }

    /// The sort the API applies to these filters: the one asked for, else `newest`; and
    /// `newest` for `relevance` without search words, as the API treats it. The sort control
    /// shows this, so it never names an order the list is not in.
    pub fn sort_in_force(&self) -> &str {
        match self.sort.trim() {
            "" => "newest",
            "relevance" if self.q.trim().is_empty() => "newest",
            sort => sort,
        }
    }

    /// Rupee amounts that do not read as money: the form says so instead of searching.
    pub fn price_error(&self) -> Option<&'static str> {
        let bad = |text: &str| !text.trim().is_empty() && rupees_to_paise(text).is_none();
        (bad(&self.min_rupees) || bad(&self.max_rupees))
            .then_some("Prices are in rupees, like 499 or 499.50")
    }

    /// The non-empty filters as (key, value) pairs: the page's names, or the API's with prices
    /// in paise.
    fn pairs(&self, for_api: bool) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        if let Some(q) = text(&self.q) {
            pairs.push(("q", q));
        }
        if let Some(category) = text(&self.category) {
            pairs.push(("category", category));
        }
        let prices = [
            ("min", "minPrice", &self.min_rupees),
            ("max", "maxPrice", &self.max_rupees),
        ];
        for (page_key, api_key, rupees) in prices {
            match (for_api, rupees_to_paise(rupees)) {
                (true, Some(paise)) => pairs.push((api_key, paise.to_string())),
                (false, Some(_)) => pairs.push((page_key, rupees.trim().to_owned())),
                (_, None) => {}
            }
        }
        if self.in_stock {
            pairs.push(("inStock", "true".to_owned()));
        }
        if let Some(sort) = text(&self.sort) {
            // Relevance needs a search text; the API treats it as newest without one.
            pairs.push(("sort", sort));
        }
        pairs
    }
}

/// Products per page.
const PAGE_SIZE: u32 = 12;

/// `"499"`, `"499.5"` or `"1,299.50"` rupees in paise; `None` for anything else (negative,
/// more than two decimals, not a number). Integer arithmetic: money is never a float.
pub fn rupees_to_paise(text: &str) -> Option<i64> {
    let text: String = text.trim().chars().filter(|&c| c != ',').collect();
    if text.is_empty() {
        return None;
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return None;
    }
    let paise = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse::<i64>().ok()?,
    };
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(paise)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        text.replace(' ', "%20")
    }

    #[test]
    fn rupees_become_paise_without_floats() {
        assert_eq!(rupees_to_paise("499"), Some(49_900));
        assert_eq!(rupees_to_paise(" 499.5 "), Some(49_950));
        assert_eq!(rupees_to_paise("1,299.05"), Some(129_905));
        assert_eq!(rupees_to_paise("0"), Some(0));
        for bad in ["", "-5", "4.999", "abc", ".5", "1e3"] {
            assert_eq!(rupees_to_paise(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_api_gets_prices_in_paise_and_the_url_keeps_rupees() {
        let filters = Filters {
            q: "cotton kurta".into(),
            min_rupees: "500".into(),
            max_rupees: "1500.5".into(),
            in_stock: true,
            sort: "price_asc".into(),
            ..Filters::default()
        };
        assert_eq!(
            filters.api_query(Some("c1"), plain),
            "q=cotton%20kurta&minPrice=50000&maxPrice=150050&inStock=true&sort=price_asc&limit=12&after=c1"
        );
        let path = filters.to_path(plain);
        assert_eq!(
            path,
            "/products?q=cotton%20kurta&min=500&max=1500.5&inStock=true&sort=price_asc"
        );
    }

    #[test]
    fn the_url_round_trips_and_no_filters_is_the_plain_catalog() {
        let query: BTreeMap<String, String> = [("category", "apparel"), ("inStock", "true")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let filters = Filters::from_query(&query);
        assert_eq!(filters.category, "apparel");
        assert!(filters.in_stock);
        assert_eq!(Filters::default().to_path(plain), "/products");
    }

    #[test]
    fn the_sort_in_force_is_the_one_the_api_applies() {
        let with = |q: &str, sort: &str| Filters {
            q: q.into(),
            sort: sort.into(),
            ..Filters::default()
        };
        assert_eq!(with("", "").sort_in_force(), "newest");
        assert_eq!(with("", "relevance").sort_in_force(), "newest");
        assert_eq!(with("  ", "relevance").sort_in_force(), "newest");
        assert_eq!(with("kurta", "relevance").sort_in_force(), "relevance");
        assert_eq!(with("kurta", "").sort_in_force(), "newest");
        assert_eq!(with("", "price_desc").sort_in_force(), "price_desc");
        for (value, _) in SORTS {
            assert_eq!(with("kurta", value).sort_in_force(), value);
        }
    }

    #[test]
    fn a_price_that_is_not_money_is_reported() {
        let filters = Filters {
            min_rupees: "cheap".into(),
            ..Filters::default()
        };
        assert!(filters.price_error().is_some());
        assert!(Filters::default().price_error().is_none());
    }
}
