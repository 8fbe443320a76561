//! Payments after checkout: the gateway's verdicts applied to orders ([`receive`]), unpaid
//! orders timed out by the sweeper ([`sweep`]), and refunds by administrators ([`refund`]).
//! Every status change goes through the state machine (`app::orders::machine`).

mod events;
mod refunds;
mod sweep;

pub use events::{Receipt, receive};
pub use refunds::refund;
pub use sweep::sweep;
