//! The seller's page at its route; filled in by the back-office issue (10).

use crate::PageProps;
use shop_kit::parts;
use yew::prelude::*;

#[function_component]
pub fn Orders(_props: &PageProps) -> Html {
    parts::page(
        "Orders for your shop",
        parts::empty("Coming in this issue."),
    )
}
