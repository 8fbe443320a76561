//! Product pictures: a card's picture and the product page's gallery, each offering the API's
//! copies at the storefront's widths (`srcset`), so a phone loads 320 pixels, not the original.
//! A picture that fails to load gives way to its frame's placeholder.

use contracts::images::{IMAGE_WIDTHS, at_width, srcset};
use yew::prelude::*;

/// The gallery's frame and its thumbnails.
const GALLERY: &str = "
& { max-width: 40rem; margin-bottom: 1rem; }
& .frame { aspect-ratio: 4 / 3; border-radius: 4px; overflow: hidden;
  background: #eee linear-gradient(135deg, #f4f4f4, #e2e2e2); }
& .frame img { width: 100%; height: 100%; object-fit: cover; display: block; }
& img[hidden] { display: none; }
& .thumbs { display: flex; gap: .5rem; margin-top: .5rem; padding: 0; list-style: none; }
& .thumbs button { padding: 0; border: 2px solid transparent; border-radius: 4px; width: 4.5rem;
  aspect-ratio: 4 / 3; overflow: hidden; background: #eee; }
& .thumbs button[aria-pressed=true] { border-color: currentColor; }
& .thumbs img { width: 100%; height: 100%; object-fit: cover; display: block; }
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

#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    pub images: Vec<String>,
    /// The product's name: the pictures' text alternative.
    pub name: AttrValue,
}

/// The product page's pictures: the chosen one large, the others as buttons that choose them.
#[function_component]
pub fn Gallery(props: &GalleryProps) -> Html {
    let chosen = use_state(|| 0usize);
    let Some(url) = props.images.get(*chosen).or(props.images.first()) else {
        return html! {};
    };
    let count = props.images.len();
    html! {
        <div class={widget_kit::style::class(GALLERY)} data-testid="gallery">
            <div class="frame">
                // The page's main content: loaded at once, not lazily.
                <img key={url.clone()} src={at_width(url, IMAGE_WIDTHS[1])} srcset={srcset(url)}
                    sizes="(min-width: 48rem) 40rem, 100vw" alt={props.name.clone()}
                    fetchpriority="high" decoding="async"
                    onerror={Callback::from(hide_broken)} data-testid="gallery-image" />
            </div>
            if count > 1 {
                <ul class="thumbs">
                    { for props.images.iter().enumerate().map(|(index, thumb)| {
                        let choose = {
                            let chosen = chosen.clone();
                            Callback::from(move |_| chosen.set(index))
                        };
                        html! {
                            <li key={thumb.clone()}>
                                <button type="button" onclick={choose}
                                    aria-pressed={(index == *chosen).to_string()}
                                    aria-label={format!("Picture {} of {count}", index + 1)}>
                                    <img src={at_width(thumb, IMAGE_WIDTHS[0])} alt="" loading="lazy"
                                        decoding="async" onerror={Callback::from(hide_broken)} />
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

/// An image that failed to load gives way to its frame's placeholder.
fn hide_broken(e: Event) {
    if let Some(img) = e.target_dyn_into::<web_sys::Element>() {
        let _ = img.set_attribute("hidden", "");
    }
}
