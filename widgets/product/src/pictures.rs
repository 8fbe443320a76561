//! Product pictures: a card's picture and the product page's gallery, each offering the API's
//! copies at the storefront's widths (`srcset`), so a phone loads 320 pixels, not the original.
//! A picture that fails to load gives way to its frame's placeholder.

use contracts::images::{IMAGE_WIDTHS, at_width, srcset};
use yew::prelude::*;

/// The gallery: pictures side by side in a strip that snaps to each.
const GALLERY: &str = "
& { display: flex; overflow-x: auto; scroll-snap-type: x mandatory; gap: .5rem; max-width: 40rem;
  margin: 0 0 1rem; padding: 0; list-style: none; }
& li { flex: 0 0 100%; scroll-snap-align: start; aspect-ratio: 4 / 3; border-radius: 4px;
  overflow: hidden; background: #eee linear-gradient(135deg, #f4f4f4, #e2e2e2); }
& img { width: 100%; height: 100%; object-fit: cover; display: block; }
& img[hidden] { display: none; }
";

/// A card's picture: decorative (the card's link names the product), lazy, and sized for a
/// grid column.
pub fn card(url: &str) -> Html {
    html! {
        <img src={at_width(url, IMAGE_WIDTHS[0])} srcset={srcset(url)}
            sizes="(min-width: 48rem) 16rem, 50vw" alt="" loading="lazy" decoding="async"
            onerror={Callback::from(hide_broken)} data-testid="card-image" />
    }
}

/// The product page's pictures: a strip that scrolls sideways, one picture a view (swiped on a
/// phone, scrolled with the keyboard once focused), the first loaded at once as the page's
/// main content and the others lazily. No state, so no answer can leave it stale.
pub fn gallery(images: &[String], name: &str) -> Html {
    html! {
        <ul class={widget_kit::style::class(GALLERY)} data-testid="gallery" tabindex="0"
            aria-label="Pictures">
            { for images.iter().enumerate().map(|(index, url)| html! {
                <li key={url.clone()}>
                    <img src={at_width(url, IMAGE_WIDTHS[1])} srcset={srcset(url)}
                        sizes="(min-width: 48rem) 40rem, 100vw"
                        alt={name.to_owned()}
                        loading={if index == 0 { "eager" } else { "lazy" }} decoding="async"
                        onerror={Callback::from(hide_broken)} data-testid="gallery-image" />
                </li>
            }) }
        </ul>
    }
}

/// An image that failed to load gives way to its frame's placeholder.
fn hide_broken(e: Event) {
    if let Some(img) = e.target_dyn_into::<web_sys::Element>() {
        let _ = img.set_attribute("hidden", "");
    }
}
