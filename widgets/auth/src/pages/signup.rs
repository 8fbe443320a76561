//! `/signup`: a new customer account, signed in at once.

use super::{FormPage, View, form_page};
use crate::forms::{EMAIL, Field, Values, new_password};
use crate::journey::with_next;
use crate::services::Request;
use contracts::auth::NewAccount;
use contracts::federation::SIGN_IN_ROUTE;
use yew::prelude::*;

const NAME: Field = Field::new("displayName", "Your name", "name");
const PASSWORD: Field = new_password("Password");

pub fn signup(view: &View) -> Html {
    form_page(
        view,
        FormPage {
            title: "Create an account",
            intro: Html::default(),
            fields: &[NAME, EMAIL, PASSWORD],
            action: "Create account",
            onsubmit: view.submit.reform(|e: SubmitEvent| {
                let values = Values::of(&e);
                Request::Register(NewAccount {
                    display_name: values.get("displayName"),
                    email: values.get("email"),
                    password: values.get("password"),
                })
            }),
            links: vec![(
                with_next(SIGN_IN_ROUTE, view.next),
                "I have an account: sign in",
            )],
        },
    )
}
