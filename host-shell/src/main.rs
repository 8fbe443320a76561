//! Entry point of the host shell: renders the shell's own Yew root into `#shell-root`.

mod app;
mod federation;
mod manifest;
mod router;
mod session;
mod toasts;

fn main() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("shell-root"))
        .expect("index.html has #shell-root");
    yew::Renderer::<app::App>::with_root(root).render();
}
