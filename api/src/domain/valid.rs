//! [`Valid`]: text that passed a [`Rule`]. Each validated type is `Valid<ItsRule>` (see
//! `Email`, `Sku`, ...), so the accessors are written once and a rule is all a new type needs.

use crate::domain::Invalid;
use std::fmt;
use std::marker::PhantomData;

/// How a kind of text is checked and normalised.
pub trait Rule {
    /// The normalised value (trimmed, say), or why `value` fails.
    fn check(value: &str) -> Result<String, Invalid>;
}

/// Text that passed rule `R`; [`Valid::parse`] is its only constructor.
pub struct Valid<R>(String, PhantomData<R>);

impl<R: Rule> Valid<R> {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        R::check(value).map(|valid| Valid(valid, PhantomData))
    }
}

impl<R> Valid<R> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

// By hand rather than derived: a derive would ask the rule markers for the traits too.
impl<R> Clone for Valid<R> {
    fn clone(&self) -> Self {
        Valid(self.0.clone(), PhantomData)
    }
}

impl<R> PartialEq for Valid<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<R> Eq for Valid<R> {}

impl<R> fmt::Debug for Valid<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}
