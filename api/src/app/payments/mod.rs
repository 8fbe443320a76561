//! Payments after checkout: every gateway event recorded and, when the order waits for it,
//! applied ([`receive`]; Razorpay's webhooks and Checkout's signed return,
//! [`razorpay_webhook`] and [`payment_return`], take the same path); unpaid orders timed out by the sweeper ([`sweep`]); refunds, by
//! administrators ([`refund`]) or automatic for captures no order took, recorded before they
//! are made (`ledger`) and finished after a crash by the reconciler ([`reconcile`]); and the
//! administrators' list of what did not go the usual way ([`reconciliation`]). Every status
//! change goes through the state machine (`app::orders::machine`).

mod events;
pub(crate) mod ledger;
mod razorpay;
mod reconcile;
mod reconciliation;
pub(crate) mod refunds;
mod sweep;

pub use events::{Receipt, receive};
pub use razorpay::{payment_return, razorpay_webhook};
pub use reconcile::{Reconciled, reconcile};
pub use reconciliation::reconciliation;
pub use refunds::{REFUND_PERMISSION, RefundAnswer, refund};
pub use sweep::sweep;
