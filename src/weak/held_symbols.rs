//! Where the weak family keeps its symbols: **the one place to change when Boa gets weak symbols.**
//!
//! Boa 0.22 cannot collect a symbol (`JsSymbol` is reference counted, with no weak handle and no
//! observable death). So a symbol key of a `WeakMap` or `WeakSet`, or the symbol target of a
//! `WeakRef`, is held strongly by its map, set or `WeakRef`, and lives exactly as long as that object,
//! never longer: the spec allows it (a symbol that stays reachable through other paths is not
//! collected either), and every observable result is the spec's. For the same reason a
//! `FinalizationRegistry` cell whose target is a symbol is never delivered.
//!
//! Symbol entries of maps and sets are in a side table: a crate-private `JsWeakMap` per context
//! (kept by the context's state), keyed by the map or set (weakly), whose value is an object with
//! [`SymbolEntries`] as native data. The entries therefore die with their map or set, in the same
//! collection. Their number is `Stats::weak_symbol_entries`. A `WeakRef` with a symbol target is an
//! object of the crate with [`SymbolTarget`] as native data.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use boa_engine::{
    Context, JsData, JsObject, JsResult, JsSymbol, JsValue,
    object::{ObjectInitializer, builtins::JsWeakMap},
};
use boa_gc::{Finalize, Trace};

use crate::state::ContextState;

/// The native data of a `WeakRef` whose `[[WeakRefTarget]]` is a symbol.
#[derive(Debug, Trace, Finalize, JsData)]
pub(super) struct SymbolTarget {
    pub(super) symbol: JsSymbol,
}

/// The symbol-keyed part of one map's `[[WeakMapData]]` or one set's `[[WeakSetData]]` (a set's
/// values are `undefined`).
#[derive(Debug, Trace, JsData)]
struct SymbolEntries {
    entries: HashMap<JsSymbol, JsValue>,
    /// The context's count of symbol entries, which this object's entries are part of until it is
    /// collected. Holds no GC pointer.
    #[unsafe_ignore_trace]
    total: Rc<Cell<usize>>,
    /// How many of `total` are this object's: its entries, until its finalizer gives them back.
    #[unsafe_ignore_trace]
    counted: Cell<usize>,
}

impl SymbolEntries {
    fn new(total: Rc<Cell<usize>>) -> Self {
        Self {
            entries: HashMap::new(),
            total,
            counted: Cell::new(0),
        }
    }

    fn count(&self, added: bool) {
        let (counted, total) = (self.counted.get(), self.total.get());
        if added {
            self.counted.set(counted + 1);
            self.total.set(total + 1);
        } else {
            self.counted.set(counted.saturating_sub(1));
            self.total.set(total.saturating_sub(1));
        }
    }
}

impl Finalize for SymbolEntries {
    /// The map or set died, and its entries with it: they leave the context's count. Runs inside the
    /// collector (plain `Cell`s only), at most once in effect (`counted` goes to zero).
    fn finalize(&self) {
        let counted = self.counted.replace(0);
        self.total.set(self.total.get().saturating_sub(counted));
    }
}

/// The context's side table: map or set -> object holding its [`SymbolEntries`], made on first use.
fn side_table(context: &mut Context) -> JsWeakMap {
    let state = ContextState::of(context);
    if let Some(table) = state.symbol_table() {
        return table;
    }
    let table = JsWeakMap::new(context);
    // Crate-private: no prototype, so it keeps no realm alive and no script can reach it.
    table.set_prototype(None);
    state.set_symbol_table(table)
}

/// The entries object of `instance`, if it ever had a symbol entry.
fn entries_of(instance: &JsObject, context: &mut Context) -> JsResult<Option<JsObject>> {
    Ok(side_table(context).get(instance, context)?.as_object())
}

/// The value of `symbol` in `instance`'s entries.
pub(super) fn get(
    instance: &JsObject,
    symbol: &JsSymbol,
    context: &mut Context,
) -> JsResult<Option<JsValue>> {
    let Some(entries) = entries_of(instance, context)? else {
        return Ok(None);
    };
    let value = entries
        .downcast_ref::<SymbolEntries>()
        .and_then(|entries| entries.entries.get(symbol).cloned());
    Ok(value)
}

/// Sets `symbol`'s value in `instance`'s entries (making them on first use).
pub(super) fn insert(
    instance: &JsObject,
    symbol: JsSymbol,
    value: JsValue,
    context: &mut Context,
) -> JsResult<()> {
    let entries = if let Some(entries) = entries_of(instance, context)? {
        entries
    } else {
        let total = ContextState::of(context).symbol_entries();
        let entries =
            ObjectInitializer::with_native_data(SymbolEntries::new(total), context).build();
        side_table(context).set(instance, entries.clone().into(), context)?;
        entries
    };
    if let Some(mut entries) = entries.downcast_mut::<SymbolEntries>()
        && entries.entries.insert(symbol, value).is_none()
    {
        entries.count(true);
    }
    Ok(())
}

/// Removes `symbol` from `instance`'s entries; whether it was there.
pub(super) fn remove(
    instance: &JsObject,
    symbol: &JsSymbol,
    context: &mut Context,
) -> JsResult<bool> {
    let Some(entries) = entries_of(instance, context)? else {
        return Ok(false);
    };
    let removed = entries
        .downcast_mut::<SymbolEntries>()
        .is_some_and(|mut entries| {
            let removed = entries.entries.remove(symbol).is_some();
            if removed {
                entries.count(false);
            }
            removed
        });
    Ok(removed)
}
