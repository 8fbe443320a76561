//! Toast messages widgets ask the shell to show, dismissed after a few seconds.

use contracts::events::ToastLevel;
use std::rc::Rc;
use yew::Reducible;

/// How long a toast stays up.
pub const TOAST_MS: u32 = 5_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u32,
    pub level: ToastLevel,
    pub message: String,
}

#[derive(Debug, Default, PartialEq)]
pub struct Toasts {
    pub shown: Vec<Toast>,
}

pub enum ToastAction {
    Show(Toast),
    Dismiss(u32),
}

impl Reducible for Toasts {
    type Action = ToastAction;

    fn reduce(self: Rc<Self>, action: ToastAction) -> Rc<Self> {
        let mut shown = self.shown.clone();
        match action {
            ToastAction::Show(toast) => shown.push(toast),
            ToastAction::Dismiss(id) => shown.retain(|t| t.id != id),
        }
        Rc::new(Toasts { shown })
    }
}
