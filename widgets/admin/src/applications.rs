//! Seller applications: the review queue, oldest first, each with its GSTIN's check (layout
//! and check character, state against the address's), approved or rejected with a note.

use contracts::admin::ApplicationPage;
use contracts::shops::{Shop, ShopDecision};
use shop_kit::back_office::{Load, PageProps, call, refused, value, view};
use shop_kit::http::{ApiError, encode};
use shop_kit::parts;
use yew::prelude::*;

#[function_component]
pub fn Applications(props: &PageProps) -> Html {
    let queue = use_state(|| Load::<ApplicationPage>::Loading);
    let problem = use_state(|| None::<ApiError>);
    let reload = use_state(|| 0u32);
    {
        let (page, queue) = (props.clone(), queue.clone());
        use_effect_with(*reload, move |_| {
            call(
                &page,
                "GET",
                "/admin/shops?status=PENDING".into(),
                None,
                move |r| queue.set(r.map_or_else(Load::Failed, Load::Ready)),
            );
        });
    }
    view(&queue, |queue| {
        if queue.items.is_empty() {
            return parts::empty("No application waits for review.");
        }
        html! { <>
            if let Some(p) = &*problem { { refused(p) } }
            <ul data-testid="applications">{ for queue.items.iter().map(|entry| {
                let (shop, check) = (&entry.shop, &entry.gstin_check);
                let note = NodeRef::default();
                let decide = |approve: bool| {
                    let (page, note, problem, reload) = (props.clone(), note.clone(), problem.clone(), reload.clone());
                    let path = format!("/admin/shops/{}/decision", shop.id);
                    Callback::from(move |_: MouseEvent| {
                        let note = Some(value(&note)).filter(|n| !n.trim().is_empty());
                        let (problem, reload) = (problem.clone(), reload.clone());
                        call(&page, "POST", path.clone(), encode(&ShopDecision { approve, note }),
                            move |r: Result<Shop, _>| match r {
                                Ok(_) => reload.set(*reload + 1),
                                Err(p) => problem.set(Some(p)),
                            });
                    })
                };
                let (approve, reject) = (decide(true), decide(false));
                html! { <li key={shop.id.clone()} data-testid="application">
                    <h2>{ shop.legal_name.clone() }</h2>
                    <p>{ format!("{} · {}, {} · applied {}", shop.display_name, shop.address.city,
                        shop.address.state_code, parts::date_time(shop.created_at)) }</p>
                    <p data-testid="gstin-check">{ format!("GSTIN {}: {}; state {} {}", shop.gstin,
                        if check.valid { "valid" } else { check.problem.as_deref().unwrap_or("invalid") },
                        check.state.as_deref().unwrap_or("unknown"),
                        if check.state_matches { "(matches the address)" } else { "(not the address's state)" }) }</p>
                    <label>{ "Note" }<input ref={note.clone()} name="note" maxlength="500" /></label>
                    <button type="button" data-testid="approve" onclick={approve}>{ "Approve" }</button>
                    <button type="button" data-testid="reject" onclick={reject}>{ "Reject" }</button>
                </li> }
            }) }</ul>
        </> }
    })
}
