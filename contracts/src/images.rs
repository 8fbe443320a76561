//! The widths a product image is served at, and the `srcset` that offers them: the API makes a
//! copy of every uploaded image at each of [`IMAGE_WIDTHS`] (`GET /api/v1/images/<key>?w=<width>`)
//! and the storefront lets the browser pick one, so a phone's card does not load the original.

/// The widths (CSS pixels of a 1× screen, or half that on 2×) the API keeps of every image,
/// narrowest first. An image narrower than a width is served as it is at that width.
pub const IMAGE_WIDTHS: [u32; 3] = [320, 640, 960];

/// The URL of `url`'s copy at `width` pixels wide.
pub fn at_width(url: &str, width: u32) -> String {
    format!("{url}?w={width}")
}

/// A `srcset` offering `url` at every one of [`IMAGE_WIDTHS`].
pub fn srcset(url: &str) -> String {
    IMAGE_WIDTHS
        .iter()
        .map(|&width| format!("{} {width}w", at_width(url, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_srcset_names_each_width_once_with_its_descriptor() {
        assert_eq!(
            srcset("/api/v1/images/a.jpg"),
            "/api/v1/images/a.jpg?w=320 320w, /api/v1/images/a.jpg?w=640 640w, \
             /api/v1/images/a.jpg?w=960 960w"
        );
    }
}
