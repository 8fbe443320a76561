//! Saving a file the API serves (an invoice's or credit note's PDF, an audit CSV export). The
//! file needs the bearer token, which a plain link cannot send, so it is fetched here and handed to the browser as a `blob:` URL through a
//! clicked `<a download>`.

use crate::http::{ApiError, Call};
use wasm_bindgen::{JsCast, JsValue};

/// Fetches `url` with `token` and saves it as `file_name`.
pub async fn save(url: String, token: &str, file_name: &str) -> Result<(), ApiError> {
    let blob = Call::get(url, Some(token)).blob().await?;
    offer(&blob, file_name).map_err(|e| {
        std::rc::Rc::new(
            contracts::Problem::new(0, "download_failed", "The file could not be saved")
                .with_detail(e.as_string().unwrap_or_default()),
        )
    })
}

fn offer(blob: &web_sys::Blob, file_name: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let href = web_sys::Url::create_object_url_with_blob(blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&href);
    link.set_download(file_name);
    // Outside the widget's own tree, so Yew never sees an element it did not make.
    let body = document.body().ok_or("no body")?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // The click has started the download, which holds its own reference to the blob.
    web_sys::Url::revoke_object_url(&href)
}
