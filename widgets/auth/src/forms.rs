//! What every form of the widget is made of: labelled fields whose hint and error are wired to
//! the input for assistive technology, the form-level error, the submit button. Plain functions
//! rather than components: each component type costs the widget wasm, these cost a call.

use crate::pages::View;
use contracts::Problem;
use web_sys::{FormData, HtmlFormElement};
use widget_kit::{api, style};
use yew::prelude::*;

const FORM: &str = "
& { display: grid; gap: 1rem; max-width: 26rem; }
& label { display: block; font-weight: 600; margin-bottom: 0.3rem; }
& input { box-sizing: border-box; width: 100%; padding: 0.55rem 0.6rem; font: inherit; border: 1px solid var(--mfe-border, #ccc); border-radius: 6px; }
& input[aria-invalid=true] { border-color: var(--mfe-danger, #a3261d); }
& .hint { margin: 0.3rem 0 0; font-size: 0.85rem; color: var(--mfe-muted, #555); }
& .error { margin: 0.3rem 0 0; font-size: 0.9rem; color: var(--mfe-danger, #a3261d); }
& button { justify-self: start; }
";

/// The values of a submitted form, read by field name.
pub struct Values(FormData);

impl Values {
    /// Stops the browser's own submission and reads the form's fields.
    pub fn of(event: &SubmitEvent) -> Values {
        event.prevent_default();
        let form: HtmlFormElement = event.target_unchecked_into();
        Values(FormData::new_with_form(&form).expect("a form element"))
    }

    pub fn get(&self, name: &str) -> String {
        self.0.get(name).as_string().unwrap_or_default()
    }
}

/// A form of `fields` with its error summary and a submit button that is disabled while a
/// request is pending.
pub fn form(view: &View, action: &str, onsubmit: Callback<SubmitEvent>, fields: &[Field]) -> Html {
    let summary = view.problem.as_ref().map(|problem| {
        let text = if problem.errors.is_empty() {
            api::message(problem)
        } else {
            "Please correct the marked fields."
        };
        html! { <p class="error" role="alert" data-testid="form-error">{ text }</p> }
    });
    html! {
        <form class={style::class(FORM)} {onsubmit} novalidate=true>
            { for summary }
            { for fields.iter().map(|spec| field(spec, view.problem)) }
            <button type="submit" class={button_class()} disabled={view.pending}
                aria-busy={view.pending.then_some("true")}>
                { if view.pending { "Please wait\u{2026}" } else { action } }
            </button>
        </form>
    }
}

const BUTTON: &str = "& { padding: 0.55rem 1.2rem; font: inherit; color: var(--mfe-on-brand, #fff); \
    background: var(--mfe-brand, #0b5d56); border: 0; border-radius: 6px; cursor: pointer; } \
    &:disabled { opacity: 0.6; cursor: progress; }";

/// The class of the widget's primary buttons.
pub fn button_class() -> String {
    style::class(BUTTON)
}

/// One input of a form. `name` is also the field the API names in its errors.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub hint: Option<&'static str>,
    pub inputmode: Option<&'static str>,
}

impl Field {
    pub const fn new(name: &'static str, label: &'static str, autocomplete: &'static str) -> Self {
        Field {
            name,
            label,
            kind: "text",
            autocomplete,
            hint: None,
            inputmode: None,
        }
    }
}

pub const EMAIL: Field = Field {
    kind: "email",
    ..Field::new("email", "Email", "email")
};

/// A new password, with the API's policy said before it refuses.
pub const fn new_password(label: &'static str) -> Field {
    Field {
        kind: "password",
        hint: Some("At least 12 characters. A few unrelated words make a strong one."),
        ..Field::new("password", label, "new-password")
    }
}

/// A labelled input. Its hint and its error (the message `problem` has for it) are linked
/// with `aria-describedby`, and an error sets `aria-invalid`.
fn field(spec: &Field, problem: Option<&Problem>) -> Html {
    let id = format!("auth-{}", spec.name);
    let error = problem.and_then(|p| p.field_message(spec.name));
    let hint_id = spec.hint.map(|_| format!("{id}-hint"));
    let error_id = error.map(|_| format!("{id}-error"));
    let described: Vec<&str> = hint_id
        .iter()
        .chain(&error_id)
        .map(String::as_str)
        .collect();
    html! {
        <div>
            <label for={id.clone()}>{ spec.label }</label>
            <input {id} name={spec.name} type={spec.kind} autocomplete={spec.autocomplete}
                inputmode={spec.inputmode} required=true
                aria-invalid={error.map(|_| "true")}
                aria-describedby={(!described.is_empty()).then(|| described.join(" "))} />
            if let (Some(hint), Some(hint_id)) = (spec.hint, hint_id) {
                <p class="hint" id={hint_id}>{ hint }</p>
            }
            if let (Some(error), Some(error_id)) = (error, error_id) {
                <p class="error" id={error_id}>{ error.to_owned() }</p>
            }
        </div>
    }
}
