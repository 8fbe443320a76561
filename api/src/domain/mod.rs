//! Validated input: newtypes whose only constructor is `parse`, so a value of the type has
//! passed its rule (zero-to-production's `domain`), and [`Fields`], which gathers every field's
//! failure so a form can mark them all at once.

mod email;
mod fields;
mod hsn;
mod mobile;
mod pincode;
mod sku;
mod text;

pub use email::{Email, lookup as email_lookup};
pub use fields::{Fields, Invalid, field_error};
pub use hsn::Hsn;
pub use mobile::IndianMobile;
pub use pincode::Pincode;
pub use sku::Sku;
pub use text::BoundedText;
