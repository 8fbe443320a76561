//! What an administrator acting as a user sees of the user's personal data: every answer
//! that carries an email, a phone number, an address, a GSTIN or a payment reference goes
//! through one of these when `actor.impersonation()` is set (the rules: `domain::mask`).

use crate::app::Actor;
use crate::domain::mask::{self, MASKED};
use contracts::credit_notes::CreditNote;
use contracts::invoices::{Invoice, Party};
use contracts::orders::{DeliveryAddress, Order};
use contracts::shops::{Address, Shop};

/// `value` as `actor` may see it: masked by `mask_it` under impersonation, as it is otherwise.
pub fn for_actor<T>(actor: &Actor, mut value: T, mask_it: fn(&mut T)) -> T {
    if actor.impersonation().is_some() {
        mask_it(&mut value);
    }
    value
}

/// `values` as `actor` may see them: each masked by `mask_it` under impersonation.
pub fn each_for_actor<T>(actor: &Actor, mut values: Vec<T>, mask_it: fn(&mut T)) -> Vec<T> {
    if actor.impersonation().is_some() {
        values.iter_mut().for_each(mask_it);
    }
    values
}

/// An order: its delivery address, its payment link and its payments' and refunds'
/// transaction ids (the gateway's ids).
pub fn order(order: &mut Order) {
    delivery_address(&mut order.address);
    if let Some(url) = order.payment_url.as_mut() {
        *url = mask::payment_id(url);
    }
    for payment in &mut order.payments {
        payment.transaction_id = mask::payment_id(&payment.transaction_id);
    }
    for refund in &mut order.refunds {
        refund.transaction_id = mask::payment_id(&refund.transaction_id);
    }
}

/// An invoice (JSON and the PDF drawn from it): both parties' addresses and GSTINs.
pub fn invoice(invoice: &mut Invoice) {
    party(&mut invoice.supplier);
    party(&mut invoice.recipient);
}

/// A credit note (JSON and PDF): both parties' addresses and GSTINs, as on its invoice.
pub fn credit_note(note: &mut CreditNote) {
    party(&mut note.supplier);
    party(&mut note.recipient);
}

/// A shop: its GSTIN and business address.
pub fn shop(shop: &mut Shop) {
    shop.gstin = mask::gstin(&shop.gstin);
    postal_address(&mut shop.address);
}

fn party(party: &mut Party) {
    party.address = mask::address_lines(&party.address);
    if let Some(gstin) = party.gstin.as_mut() {
        *gstin = mask::gstin(gstin);
    }
}

fn delivery_address(address: &mut DeliveryAddress) {
    address.phone = mask::phone(&address.phone);
    address.line2 = None;
    address.city = MASKED.to_owned();
    address.pincode = MASKED.to_owned();
}

fn postal_address(address: &mut Address) {
    address.line2 = None;
    address.city = MASKED.to_owned();
    address.pincode = MASKED.to_owned();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Impersonation, Origin};
    use crate::auth::token::Claims;
    use crate::db::Id;
    use contracts::props::Role;

    fn address() -> DeliveryAddress {
        DeliveryAddress {
            name: "Meera Buyer".into(),
            phone: "9876543210".into(),
            line1: "4 Lake View".into(),
            line2: Some("Flat 2".into()),
            city: "Pune".into(),
            state_code: "27".into(),
            pincode: "411001".into(),
        }
    }

    fn actor(impersonating: bool) -> Actor {
        let claims = Claims::new(&Id::new().to_string(), Role::Customer, 0);
        let mut actor = Actor::from_claims(&claims, Origin::default()).unwrap();
        if impersonating && let crate::app::Who::User(user) = &mut actor.who {
            user.impersonation = Some(Impersonation {
                session: Id::new(),
                admin: Id::new(),
                expires_at: 60,
            });
        }
        actor
    }

    #[test]
    fn a_delivery_address_keeps_its_first_line_and_state_only() {
        let mut masked = address();
        delivery_address(&mut masked);

        assert_eq!(masked.line1, "4 Lake View");
        assert_eq!(masked.phone, "+91-9***-****10");
        assert_eq!(
            (masked.city.as_str(), masked.pincode.as_str()),
            (MASKED, MASKED)
        );
        assert_eq!(masked.line2, None);
        assert_eq!(masked.state_code, "27");
    }

    #[test]
    fn only_an_impersonating_actor_gets_masked_values() {
        let masked = for_actor(&actor(true), address(), delivery_address);
        let plain = for_actor(&actor(false), address(), delivery_address);

        assert_eq!(masked.pincode, MASKED);
        assert_eq!(plain, address());
    }
}
