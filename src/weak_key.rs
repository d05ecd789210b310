//! [`WeakKey`]: a value that can be held weakly, as the registry and the weak family keep it, and
//! the one object-or-symbol dispatch. CanBeHeldWeakly itself, which needs KeyForSymbol, is in
//! [`crate::symbols`].

use boa_engine::{JsObject, JsSymbol, JsValue};

/// An object or a symbol: a weak key candidate. From [`crate::symbols::can_be_held_weakly`] and
/// [`crate::symbols::require_weakly_holdable`], one that passed CanBeHeldWeakly (a cell's target or unregister
/// token, a weak-map key, a weak-set value or a `WeakRef` target); from [`object_or_symbol`], one to
/// look up.
pub(crate) enum WeakKey {
    Object(JsObject),
    Symbol(JsSymbol),
}

/// The one object-or-symbol dispatch: `value` as an object or a symbol, else `None`, with no
/// KeyForSymbol. For the weak family's lookups (`get`, `has`, `delete`): no insertion accepts a
/// registered symbol, so looking one up finds nothing, which is CanBeHeldWeakly's `false` result.
#[inline]
pub(crate) fn object_or_symbol(value: &JsValue) -> Option<WeakKey> {
    match value.as_object() {
        Some(object) => Some(WeakKey::Object(object)),
        None => value.as_symbol().map(WeakKey::Symbol),
    }
}
