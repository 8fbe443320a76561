//! Toast messages widgets ask the shell to show, dismissed after a few seconds unless the reader
//! holds them: while the pointer is over the toasts or focus is in them, none is dismissed
//! (WCAG 2.2.1, timing adjustable), and each has a button that dismisses it at once.

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
    /// Who holds the toasts: [`POINTER`] and [`FOCUS`] bits.
    held: u8,
    /// Toasts whose time ran out while held: they go when the toasts are let go.
    overdue: Vec<u32>,
}

pub enum ToastAction {
    Show(Toast),
    /// A toast's time ran out.
    Expire(u32),
    /// The reader dismissed a toast.
    Dismiss(u32),
    /// Held (`true`) or let go by the pointer or by focus (a [`POINTER`] or [`FOCUS`] bit).
    Hold(u8, bool),
}

/// The pointer is over the toasts.
pub const POINTER: u8 = 1;
/// Focus is in the toasts (a Dismiss button).
pub const FOCUS: u8 = 2;

impl Reducible for Toasts {
    type Action = ToastAction;

    fn reduce(self: Rc<Self>, action: ToastAction) -> Rc<Self> {
        let (mut shown, mut held, mut overdue) =
            (self.shown.clone(), self.held, self.overdue.clone());
        match action {
            ToastAction::Show(toast) => shown.push(toast),
            ToastAction::Expire(id) if held != 0 => overdue.push(id),
            ToastAction::Expire(id) => shown.retain(|t| t.id != id),
            // The button that had focus goes with its toast, and a removed element reports no
            // `focusout`: focus no longer holds the others.
            ToastAction::Dismiss(id) => {
                shown.retain(|t| t.id != id);
                held &= !FOCUS;
            }
            ToastAction::Hold(by, hold) => held = if hold { held | by } else { held & !by },
        }
        if held == 0 {
            shown.retain(|t| !overdue.contains(&t.id));
            overdue.clear();
        }
        Rc::new(Toasts {
            shown,
            held,
            overdue,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toast(id: u32) -> ToastAction {
        ToastAction::Show(Toast {
            id,
            level: ToastLevel::Info,
            message: format!("toast {id}"),
        })
    }

    fn ids(toasts: &Toasts) -> Vec<u32> {
        toasts.shown.iter().map(|t| t.id).collect()
    }

    #[test]
    fn a_held_toast_outlives_its_time_and_goes_when_let_go_by_both() {
        let mut toasts = Rc::new(Toasts::default());
        for action in [toast(1), toast(2), ToastAction::Hold(POINTER, true)] {
            toasts = toasts.reduce(action);
        }
        toasts = toasts.reduce(ToastAction::Expire(1));
        assert_eq!(ids(&toasts), [1, 2], "held: not dismissed");
        toasts = toasts.reduce(ToastAction::Hold(FOCUS, true));
        toasts = toasts.reduce(ToastAction::Hold(POINTER, false));
        assert_eq!(ids(&toasts), [1, 2], "focus still holds it");
        toasts = toasts.reduce(ToastAction::Hold(FOCUS, false));
        assert_eq!(
            ids(&toasts),
            [2],
            "let go: the overdue toast goes, the other keeps its time"
        );
        toasts = toasts.reduce(ToastAction::Expire(2));
        assert_eq!(ids(&toasts), Vec::<u32>::new());
    }

    #[test]
    fn dismissing_one_lets_focus_go_of_the_others() {
        let mut toasts = Rc::new(Toasts::default());
        for action in [
            toast(1),
            toast(2),
            ToastAction::Hold(FOCUS, true),
            ToastAction::Expire(2),
            ToastAction::Dismiss(1),
        ] {
            toasts = toasts.reduce(action);
        }
        assert!(toasts.shown.is_empty(), "{:?}", ids(&toasts));
    }
}
