//! Orders (`/api/v1/orders`): placing one from a cart, its lines with the GST snapshotted at
//! placement, and the payment state machine of seed 000 §8.2 that every status change obeys.

use crate::fulfilment::{Cancellation, OrderPart};
use crate::gst::{LineTax, TaxTotals};
use crate::money::Paise;
use crate::payments::{Payment, Refund};
use serde::{Deserialize, Serialize};

/// Where an order goes. `stateCode` is the place of supply for GST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAddress {
    /// The recipient, printed on the invoice.
    pub name: String,
    /// Ten digits (an Indian mobile number), for the courier.
    pub phone: String,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    /// Two-digit GST state code: the place of supply.
    pub state_code: String,
    /// Six digits, not starting with 0.
    pub pincode: String,
}

impl DeliveryAddress {
    /// The address as a reader who may not see it gets it: the place of supply alone.
    pub fn withheld(state_code: &str) -> DeliveryAddress {
        DeliveryAddress {
            name: String::new(),
            phone: String::new(),
            line1: String::new(),
            line2: None,
            city: String::new(),
            state_code: state_code.to_owned(),
            pincode: String::new(),
        }
    }
}

/// `POST /api/v1/orders` (with an `Idempotency-Key` header): buy what the cart holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlaceOrder {
    pub cart_id: String,
    pub address: DeliveryAddress,
}

/// Where an order stands: seed 000 §8.2's payment state machine, then fulfilment
/// (`contracts::fulfilment`).
///
/// ```text
/// INITIATED → PAYMENT_PENDING ─┬→ SUCCESS → ORDER_CONFIRMED → PACKED → SHIPPED → DELIVERED
///                              │                   └────────────┴→ CANCELLED (by the customer)
///                              ├→ FAILED  → PAYMENT_FAILED   (cancelled, stock released)
///                              └→ TIMEOUT → PAYMENT_TIMEOUT  (cancelled, stock released)
/// ```
///
/// Past `ORDER_CONFIRMED` each shop's part moves on its own and the order's status is derived
/// from its parts (`fulfilment::order_status`); the arrows here are those of one part, and
/// `CANCELLED` those of the whole order. `PACKED` to `CANCELLED` were added in contract 1.3.
///
/// `SUCCESS`, `FAILED` and `TIMEOUT` are what the gateway (or the clock) said; the order moves
/// on to its outcome in the same transaction, and both steps are in its history.
///
/// Two arrows go beyond seed 000's diagram, so that no order can hold stock forever:
/// `INITIATED → FAILED` when the gateway refuses to open a payment, and `INITIATED → TIMEOUT`
/// when an order was placed but its payment never opened (a crash in between) by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    Initiated,
    PaymentPending,
    Success,
    OrderConfirmed,
    Failed,
    PaymentFailed,
    Timeout,
    PaymentTimeout,
    Packed,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 12] = [
        OrderStatus::Initiated,
        OrderStatus::PaymentPending,
        OrderStatus::Success,
        OrderStatus::OrderConfirmed,
        OrderStatus::Failed,
        OrderStatus::PaymentFailed,
        OrderStatus::Timeout,
        OrderStatus::PaymentTimeout,
        OrderStatus::Packed,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    /// Whether the machine allows `self → next`. Everything else is refused, including
    /// staying in place and going back.
    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Initiated, PaymentPending)
                | (Initiated, Failed)
                | (Initiated, Timeout)
                | (PaymentPending, Success)
                | (PaymentPending, Failed)
                | (PaymentPending, Timeout)
                | (Success, OrderConfirmed)
                | (Failed, PaymentFailed)
                | (Timeout, PaymentTimeout)
                | (OrderConfirmed, Packed)
                | (OrderConfirmed, Cancelled)
                | (Packed, Shipped)
                | (Packed, Cancelled)
                | (Shipped, Delivered)
        )
    }

    /// No transition leaves these.
    pub fn is_final(self) -> bool {
        OrderStatus::ALL.iter().all(|&next| !self.can_become(next))
    }

    /// Whether the gateway's payment was taken and kept: the order is one to fulfil (or
    /// fulfilled).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Success
                | OrderStatus::OrderConfirmed
                | OrderStatus::Packed
                | OrderStatus::Shipped
                | OrderStatus::Delivered
        )
    }

    /// Whether the order holds stock: from placement until it is cancelled.
    pub fn reserves_stock(self) -> bool {
        !matches!(
            self,
            OrderStatus::Failed
                | OrderStatus::PaymentFailed
                | OrderStatus::Timeout
                | OrderStatus::PaymentTimeout
                | OrderStatus::Cancelled
        )
    }

    /// The spelling on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Initiated => "INITIATED",
            OrderStatus::PaymentPending => "PAYMENT_PENDING",
            OrderStatus::Success => "SUCCESS",
            OrderStatus::OrderConfirmed => "ORDER_CONFIRMED",
            OrderStatus::Failed => "FAILED",
            OrderStatus::PaymentFailed => "PAYMENT_FAILED",
            OrderStatus::Timeout => "TIMEOUT",
            OrderStatus::PaymentTimeout => "PAYMENT_TIMEOUT",
            OrderStatus::Packed => "PACKED",
            OrderStatus::Shipped => "SHIPPED",
            OrderStatus::Delivered => "DELIVERED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(text: &str) -> Option<OrderStatus> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// One line of an order: what was bought, at what price, under which GST slab. Frozen at
/// placement: later price or rate changes do not touch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub product_id: String,
    pub shop_id: String,
    pub name: String,
    pub hsn: String,
    pub unit_price: Paise,
    pub quantity: u32,
    /// The slab applied (`contracts::gst::SLABS` id), e.g. `2025-18`.
    pub gst_slab: String,
    pub tax: LineTax,
}

/// One step of an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub status: OrderStatus,
    /// Unix seconds.
    pub at: i64,
    /// A fulfilment step's shop part (`PACKED`, `SHIPPED`, `DELIVERED`). Added in 1.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<String>,
    /// A `SHIPPED` step's shipment. Added in 1.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
}

/// An order, as its customer (all lines) or a seller (its own lines only) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: String,
    pub status: OrderStatus,
    pub address: DeliveryAddress,
    /// `true` when this reader may not see the delivery address yet: a seller sees the
    /// recipient, phone and address of paid orders only (nothing to ship otherwise), and until
    /// then `address` holds the place of supply (`stateCode`) and empty fields. Added in
    /// contract 1.2.0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub address_withheld: bool,
    pub lines: Vec<OrderLine>,
    pub totals: TaxTotals,
    /// What the gateway captured for this order, in all of its payments: the total once paid,
    /// more when a capture no order took (late, of another amount, a second one) came in.
    #[serde(default)]
    pub captured: Paise,
    /// What was given back so far (refunds `DONE`), of every payment: at most `captured`.
    pub refunded: Paise,
    pub history: Vec<StatusChange>,
    /// Each shop's part once the order is paid (a seller: its own only), with its shipment;
    /// `status` is derived from them (`fulfilment::order_status`). Added in 1.3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<OrderPart>,
    /// Set when the customer cancelled the order. Added in 1.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation: Option<Cancellation>,
    /// Whether its customer may cancel it now (paid, no part shipped). Added in 1.3.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancellable: bool,
    /// Every payment the gateway reported, oldest first, with what the shop did with it.
    #[serde(default)]
    pub payments: Vec<Payment>,
    /// Every refund, oldest first, with its state.
    #[serde(default)]
    pub refunds: Vec<Refund>,
    /// Where the shopper pays while the order is `PAYMENT_PENDING`: the gateway's page (a
    /// hosted-page gateway, the mock one). Absent for Razorpay orders, which pay in
    /// [`Order::checkout`] instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
    /// What the checkout widget opens Razorpay Checkout with, while the order is
    /// `PAYMENT_PENDING` and its gateway is Razorpay; absent otherwise. Added in 1.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout: Option<GatewayCheckout>,
    /// Unix seconds.
    pub created_at: i64,
    /// When an unpaid order times out (unix seconds), while it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_by: Option<i64>,
}

/// One page of orders, newest first; pass `nextCursor` back as `?after=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderPage {
    pub items: Vec<Order>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The options of an in-page gateway checkout (Razorpay Checkout): the script to load, the
/// public key id, the gateway's order to pay and its amount. Added in 1.5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GatewayCheckout {
    /// The checkout script (`https://checkout.razorpay.com/v1/checkout.js` in production).
    pub script_url: String,
    /// The public key id (`rzp_test_...` in staging, `rzp_live_...` in production): Razorpay
    /// Checkout's `key`.
    pub key_id: String,
    /// Razorpay's order id (`order_...`): Checkout's `order_id`.
    pub gateway_order_id: String,
    /// What is due, in paise: Checkout's `amount`.
    pub amount: Paise,
    /// `INR`.
    pub currency: String,
}

/// `POST /api/v1/orders/{id}/razorpay-return` (the order's customer): what Razorpay Checkout's
/// `handler` receives after a payment (`razorpay_payment_id`, `razorpay_order_id`,
/// `razorpay_signature`), passed on for the server to verify. Added in 1.5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RazorpayReturn {
    /// `pay_...`.
    pub razorpay_payment_id: String,
    /// `order_...`: the order's [`GatewayCheckout::gateway_order_id`].
    pub razorpay_order_id: String,
    /// Hex HMAC-SHA256 of `razorpay_order_id|razorpay_payment_id` under the key secret.
    pub razorpay_signature: String,
}

/// `POST /api/v1/orders/{id}/refunds` (administrators, with an `Idempotency-Key` header): give
/// back `amount` of the order's payment, or everything not refunded yet when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Paise>,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn the_machine_allows_exactly_seed_000s_arrows_the_two_that_free_stuck_orders_and_fulfilment() {
        let allowed = [
            (Initiated, PaymentPending),
            (Initiated, Failed),
            (Initiated, Timeout),
            (PaymentPending, Success),
            (PaymentPending, Failed),
            (PaymentPending, Timeout),
            (Success, OrderConfirmed),
            (Failed, PaymentFailed),
            (Timeout, PaymentTimeout),
            (OrderConfirmed, Packed),
            (OrderConfirmed, Cancelled),
            (Packed, Shipped),
            (Packed, Cancelled),
            (Shipped, Delivered),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn outcomes_and_deliveries_are_final_and_only_cancellations_release_stock() {
        let finals: Vec<_> = OrderStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(
            finals,
            [PaymentFailed, PaymentTimeout, Delivered, Cancelled]
        );
        assert!(PaymentPending.reserves_stock() && OrderConfirmed.reserves_stock());
        assert!(Shipped.reserves_stock() && Delivered.reserves_stock());
        assert!(!PaymentFailed.reserves_stock() && !PaymentTimeout.reserves_stock());
        assert!(!Cancelled.reserves_stock() && !Cancelled.is_paid());
    }

    #[test]
    fn statuses_are_spelt_alike_on_the_wire_and_in_storage() {
        for status in OrderStatus::ALL {
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.as_str())
            );
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn a_gateway_checkout_and_a_razorpay_return_are_spelled_in_camel_case() {
        let checkout = GatewayCheckout {
            script_url: "https://checkout.razorpay.com/v1/checkout.js".into(),
            key_id: "rzp_test_abc".into(),
            gateway_order_id: "order_abc".into(),
            amount: Paise(11_800),
            currency: "INR".into(),
        };
        assert_eq!(
            serde_json::to_value(&checkout).unwrap(),
            serde_json::json!({
                "scriptUrl": "https://checkout.razorpay.com/v1/checkout.js",
                "keyId": "rzp_test_abc",
                "gatewayOrderId": "order_abc",
                "amount": 11800,
                "currency": "INR",
            })
        );
        let back: RazorpayReturn = serde_json::from_value(serde_json::json!({
            "razorpayPaymentId": "pay_1",
            "razorpayOrderId": "order_1",
            "razorpaySignature": "ab",
        }))
        .unwrap();
        assert_eq!(back.razorpay_payment_id, "pay_1");
        assert_eq!(back.razorpay_order_id, "order_1");
        assert_eq!(back.razorpay_signature, "ab");
    }
}
