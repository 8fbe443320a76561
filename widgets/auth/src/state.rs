//! The state of the page in the main slot: where in its journey the visitor is, whether a
//! request is pending, and what went wrong with the last one. One reducer for all of it, so a
//! request's answer is one action.

use crate::pages::Step;
use std::rc::Rc;
use widget_kit::api::ApiError;
use yew::Reducible;

#[derive(Default)]
pub struct PageState {
    pub step: Step,
    /// A request is on its way; the form's button is disabled.
    pub pending: bool,
    /// The last request's problem, for the form summary and the fields it names.
    pub problem: Option<ApiError>,
}

pub enum Action {
    /// A new page: its first step, nothing pending, no problem.
    Reset,
    /// A request went out.
    Sent,
    /// The answer moved the journey to this step.
    Reached(Step),
    /// The answer needs nothing shown (the widget navigates away).
    Settled,
    /// The request failed; `restart` goes back to the first step (a dead sign-in challenge).
    Failed { problem: ApiError, restart: bool },
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let step = || self.step.clone();
        Rc::new(match action {
            Action::Reset => PageState::default(),
            Action::Sent => PageState {
                step: step(),
                pending: true,
                problem: None,
            },
            Action::Reached(step) => PageState {
                step,
                pending: false,
                problem: None,
            },
            Action::Settled => PageState {
                step: step(),
                pending: false,
                problem: None,
            },
            Action::Failed { problem, restart } => PageState {
                step: if restart { Step::Start } else { step() },
                pending: false,
                problem: Some(problem),
            },
        })
    }
}
