//! `/seller/shop`: the shop profile, and its edit form. Display name, description and the
//! address lines change at once; a new GSTIN sends the shop back to review (its products are
//! off sale until an administrator approves it again), which the form says before it is sent.

use contracts::Problem;
use contracts::seller_dashboard::{ShopChanges, ShopProfile};
use contracts::shops::{Address, ShopStatus};
use shop_kit::back_office::PageProps;
use shop_kit::http::{ApiError, Call, encode};
use shop_kit::parts;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum State {
    Loading,
    Failed(ApiError),
    /// The profile; whether the form is open, being sent, and what the last send answered.
    Ready {
        profile: Rc<ShopProfile>,
        editing: bool,
        sending: bool,
        problem: Option<ApiError>,
        saved: bool,
    },
}

/// The form's inputs, in the order of [`FIELDS`].
const FIELDS: [(&str, &str); 7] = [
    ("displayName", "Display name"),
    ("description", "Description"),
    ("address.line1", "Address line 1"),
    ("address.line2", "Address line 2"),
    ("address.city", "City"),
    ("address.pincode", "PIN code"),
    ("gstin", "GSTIN"),
];

fn values(profile: &ShopProfile) -> [String; 7] {
    let shop = &profile.shop;
    [
        shop.display_name.clone(),
        profile.description.clone().unwrap_or_default(),
        shop.address.line1.clone(),
        shop.address.line2.clone().unwrap_or_default(),
        shop.address.city.clone(),
        shop.address.pincode.clone(),
        shop.gstin.clone(),
    ]
}

/// The value of the form control `node` holds.
fn value_of(node: &NodeRef) -> String {
    node.get()
        .and_then(|node| js_sys::Reflect::get(&node, &"value".into()).ok())
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

#[function_component]
pub fn Shop(props: &PageProps) -> Html {
    let state = use_state(|| State::Loading);
    let inputs: Rc<[NodeRef; 7]> = use_memo((), |_| Default::default());
    {
        let (state, api, token) = (state.clone(), props.api.clone(), props.token.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let url = format!("{api}/seller/shop");
                state.set(
                    match Call::get(url, Some(&token)).json::<ShopProfile>().await {
                        Ok(profile) => ready(profile, false, None, false),
                        Err(problem) => State::Failed(problem),
                    },
                );
            });
        });
    }
    let body = match &*state {
        State::Loading => parts::loading(),
        State::Failed(problem) => parts::problem(problem),
        State::Ready {
            profile,
            editing,
            sending,
            problem,
            saved,
        } => {
            let edit = {
                let (state, profile) = (state.clone(), profile.clone());
                Callback::from(move |_: MouseEvent| {
                    state.set(ready((*profile).clone(), true, None, false));
                })
            };
            let cancel = {
                let (state, profile) = (state.clone(), profile.clone());
                Callback::from(move |_: MouseEvent| {
                    state.set(ready((*profile).clone(), false, None, false));
                })
            };
            let onsubmit = {
                let (state, profile, inputs) = (state.clone(), profile.clone(), inputs.clone());
                let (api, token) = (props.api.clone(), props.token.clone());
                Callback::from(move |event: SubmitEvent| {
                    event.prevent_default();
                    let [name, description, line1, line2, city, pincode, gstin] =
                        std::array::from_fn(|i| value_of(&inputs[i]));
                    let shop = &profile.shop;
                    let changes = ShopChanges {
                        display_name: Some(name),
                        description: Some(description),
                        address: Some(Address {
                            line1,
                            line2: Some(line2).filter(|line| !line.trim().is_empty()),
                            city,
                            state_code: shop.address.state_code.clone(),
                            pincode,
                        }),
                        gstin: Some(gstin).filter(|g| !g.trim().eq_ignore_ascii_case(&shop.gstin)),
                    };
                    // A new GSTIN may be of another state: the address moves with it.
                    let changes = match &changes.gstin {
                        Some(gstin) if gstin.trim().len() >= 2 => {
                            let mut changes = changes.clone();
                            if let Some(address) = changes.address.as_mut() {
                                address.state_code = gstin.trim()[..2].to_owned();
                            }
                            changes
                        }
                        _ => changes,
                    };
                    state.set(State::Ready {
                        profile: profile.clone(),
                        editing: true,
                        sending: true,
                        problem: None,
                        saved: false,
                    });
                    let (state, profile) = (state.clone(), profile.clone());
                    let (url, token) = (format!("{api}/seller/shop"), token.clone());
                    spawn_local(async move {
                        let call = Call::with_body("PATCH", url, encode(&changes), Some(&token));
                        state.set(match call.json::<ShopProfile>().await {
                            Ok(changed) => ready(changed, false, None, true),
                            Err(problem) => State::Ready {
                                profile,
                                editing: true,
                                sending: false,
                                problem: Some(problem),
                                saved: false,
                            },
                        });
                    });
                })
            };
            html! { <>
                if *saved {
                    <p role="status" data-testid="saved">{ "Saved." }</p>
                }
                if profile.shop.status == ShopStatus::Pending {
                    <p role="status" data-testid="in-review">
                        { "Your shop is in review: its products are off sale until an administrator approves it." }
                    </p>
                }
                if *editing {
                    { form(profile, &inputs, problem.as_deref(), *sending, onsubmit, cancel) }
                } else {
                    { view(profile) }
                    <button type="button" onclick={edit} data-testid="edit-shop">{ "Edit" }</button>
                }
            </> }
        }
    };
    parts::page("Shop profile", body)
}

fn ready(profile: ShopProfile, editing: bool, problem: Option<ApiError>, saved: bool) -> State {
    State::Ready {
        profile: Rc::new(profile),
        editing,
        sending: false,
        problem,
        saved,
    }
}

fn status_label(status: ShopStatus) -> &'static str {
    match status {
        ShopStatus::Approved => "Approved",
        ShopStatus::Pending => "In review",
        ShopStatus::Rejected => "Rejected",
    }
}

fn view(profile: &ShopProfile) -> Html {
    let shop = &profile.shop;
    let address = &shop.address;
    let lines = [
        Some(address.line1.as_str()),
        address.line2.as_deref(),
        Some(address.city.as_str()),
        Some(address.pincode.as_str()),
    ];
    let address: Vec<&str> = lines.into_iter().flatten().collect();
    let rows = [
        ("Display name", shop.display_name.clone()),
        ("Legal name", shop.legal_name.clone()),
        ("GSTIN", shop.gstin.clone()),
        ("Status", status_label(shop.status).to_owned()),
        ("Address", address.join(", ")),
        (
            "Description",
            profile.description.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    html! {
        <dl data-testid="shop-profile">
            { for rows.into_iter().map(|(label, value)| html! { <>
                <dt>{ label }</dt>
                <dd data-testid={format!("shop-{}", label.to_ascii_lowercase().replace(' ', "-"))}>{ value }</dd>
            </> }) }
        </dl>
    }
}

fn form(
    profile: &ShopProfile,
    inputs: &[NodeRef; 7],
    problem: Option<&Problem>,
    sending: bool,
    onsubmit: Callback<SubmitEvent>,
    cancel: Callback<MouseEvent>,
) -> Html {
    let values = values(profile);
    let general = problem.filter(|problem| problem.errors.is_empty());
    html! {
        <form onsubmit={onsubmit} data-testid="shop-form" novalidate=true>
            if let Some(problem) = general {
                { parts::problem(problem) }
            } else if problem.is_some() {
                <p role="alert">{ "Please correct the fields below." }</p>
            }
            { for FIELDS.iter().enumerate().map(|(i, &(field, label))| {
                let id = format!("shop-{}", field.replace('.', "-"));
                let control = if field == "description" {
                    html! { <textarea id={id.clone()} ref={inputs[i].clone()} value={values[i].clone()}
                        rows="4" data-testid={id.clone()} /> }
                } else {
                    html! { <input id={id.clone()} ref={inputs[i].clone()} value={values[i].clone()}
                        data-testid={id.clone()} /> }
                };
                html! {
                    <label for={id.clone()}>
                        { label }
                        { control }
                        { parts::field_error(problem, field) }
                        if field == "gstin" {
                            <span class="muted" data-testid="gstin-notice">
                                { "Changing the GSTIN sends your shop back to review: its products are off sale until an administrator approves it." }
                            </span>
                        }
                    </label>
                }
            }) }
            { parts::field_error(problem, "address.stateCode") }
            <button type="submit" disabled={sending} data-testid="save-shop">
                { if sending { "Saving…" } else { "Save" } }
            </button>
            <button type="button" onclick={cancel}>{ "Cancel" }</button>
        </form>
    }
}
