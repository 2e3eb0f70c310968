//! Reading typed values back from the store. A stored value that does not parse is
//! corruption, reported with the table, row and field it came from: never read as zero
//! or as a default.
//!
//! Invariant: no amount, kind, payment or state read from SQLite is ever defaulted.

use std::str::FromStr;

use cardcat_core::shift::PaymentMethod;
use cardcat_core::{Money, OrderState, ProductKind};
use cardcat_store::rusqlite_reexport::{self as rusqlite, types::Type};

/// A stored value that does not parse. Carried through rusqlite's row mapping as a
/// conversion failure and turned into [`crate::EngineError::Corrupt`] by `From`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table}.{field} of row {row}: {value:?}")]
pub struct CorruptValue {
    pub table: &'static str,
    pub row: String,
    pub field: &'static str,
    pub value: String,
}

/// One row's identity, for naming it in a corruption error.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub table: &'static str,
    pub row: &'a str,
}

impl At<'_> {
    fn fail(&self, field: &'static str, value: &str) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            Type::Text,
            Box::new(CorruptValue {
                table: self.table,
                row: self.row.to_string(),
                field,
                value: value.chars().take(64).collect(),
            }),
        )
    }

    pub fn money(&self, field: &'static str, s: &str) -> rusqlite::Result<Money> {
        Money::from_str(s).map_err(|_| self.fail(field, s))
    }

    pub fn opt_money(
        &self,
        field: &'static str,
        s: Option<&str>,
    ) -> rusqlite::Result<Option<Money>> {
        s.map(|s| self.money(field, s)).transpose()
    }

    pub fn kind(&self, s: &str) -> rusqlite::Result<ProductKind> {
        ProductKind::parse(s).ok_or_else(|| self.fail("kind", s))
    }

    pub fn payment(&self, s: &str) -> rusqlite::Result<PaymentMethod> {
        PaymentMethod::parse(s).ok_or_else(|| self.fail("payment_method", s))
    }

    pub fn state(&self, s: &str) -> rusqlite::Result<OrderState> {
        OrderState::parse(s).ok_or_else(|| self.fail("state", s))
    }

    pub fn parsed<T>(
        &self,
        field: &'static str,
        s: &str,
        p: impl FnOnce(&str) -> Option<T>,
    ) -> rusqlite::Result<T> {
        p(s).ok_or_else(|| self.fail(field, s))
    }
}

/// The corruption inside a rusqlite error, if that is what it is.
pub(crate) fn corrupt_of(e: &rusqlite::Error) -> Option<CorruptValue> {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
            inner.downcast_ref::<CorruptValue>().cloned()
        }
        _ => None,
    }
}
