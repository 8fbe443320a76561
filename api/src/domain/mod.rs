//! Validated input: newtypes whose only constructor is `parse`, so a value of the type has
//! passed its rule (zero-to-production's `domain`), and [`Fields`], which gathers every field's
//! failure so a form can mark them all at once.

mod email;
mod fields;
mod hsn;
pub mod mask;
mod mobile;
mod page;
mod pincode;
mod sku;
mod state;
mod text;
mod valid;

pub use email::{Email, lookup as email_lookup};
pub use fields::{Fields, Invalid, field_error};
pub use hsn::Hsn;
pub use mobile::IndianMobile;
pub use page::page_limit;
pub use pincode::Pincode;
pub use sku::{MAX_SKU_CHARS, Sku};
pub use state::state_code;
pub use text::BoundedText;
pub use valid::{Rule, Valid};
