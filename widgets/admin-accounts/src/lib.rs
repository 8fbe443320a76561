//! The administrator's accounts (`/admin/users`): search, the masked view, disable, enable,
//! unlock, role.
//! A widget of its own beside the admin widget: the back office is split by page so that each
//! widget stays within its byte budget, and every part draws the same frame and navigation.

mod accounts;

use shop_kit::back_office::{PageProps, admin_page, session_ended};
use widget_kit::WidgetProps;
use yew::prelude::*;

widget_kit::export_widget!(App);

#[function_component]
pub fn App(props: &WidgetProps) -> Html {
    let path = props.mount.path.as_str();
    match PageProps::of(&props.mount) {
        Some(page) => admin_page(path, html! { <accounts::Accounts ..page /> }),
        None => session_ended("Back office", path),
    }
}
