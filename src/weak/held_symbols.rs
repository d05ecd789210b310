//! Where the weak family keeps its symbols: **the one place to change when Boa gets weak symbols.**
//!
//! Boa 0.22 cannot collect a symbol (`JsSymbol` is reference counted, with no weak handle and no
//! observable death). So a symbol key of a `WeakMap` or `WeakSet`, or the symbol target of a
//! `WeakRef`, is held strongly by its map, set or `WeakRef`, and lives exactly as long as that object,
//! never longer: the spec allows it (a symbol that stays reachable through other paths is not
//! collected either), and every observable result is the spec's. For the same reason a
//! `FinalizationRegistry` cell whose target is a symbol is never delivered.
//!
//! Symbol entries of maps and sets are in a side table: a crate-private `JsWeakMap` per context,
//! keyed by the map or set (weakly), whose value is an object with [`SymbolEntries`] as native
//! data. The entries therefore die with their map or set, in the same collection. A `WeakRef` with
//! a symbol target is an object of the crate with [`SymbolTarget`] as native data.

use std::collections::HashMap;

use boa_engine::{
    object::{builtins::JsWeakMap, ObjectInitializer},
    Context, JsData, JsObject, JsResult, JsSymbol, JsValue,
};
use boa_gc::{Finalize, Trace};

/// The native data of a `WeakRef` whose `[[WeakRefTarget]]` is a symbol.
#[derive(Debug, Trace, Finalize, JsData)]
pub(super) struct SymbolTarget {
    pub(super) symbol: JsSymbol,
}

/// The symbol-keyed part of one map's `[[WeakMapData]]` or one set's `[[WeakSetData]]` (a set's
/// values are `undefined`).
#[derive(Debug, Default, Trace, Finalize, JsData)]
struct SymbolEntries(HashMap<JsSymbol, JsValue>);

/// The per-context side table: map or set -> object holding its [`SymbolEntries`].
struct SideTable(JsWeakMap);

fn side_table(context: &mut Context) -> JsWeakMap {
    if let Some(SideTable(table)) = context.get_data() {
        return table.clone();
    }
    let table = JsWeakMap::new(context);
    // Crate-private: no prototype, so it keeps no realm alive and no script can reach it.
    table.set_prototype(None);
    context.insert_data(SideTable(table.clone()));
    table
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
        .and_then(|entries| entries.0.get(symbol).cloned());
    Ok(value)
}

/// Sets `symbol`'s value in `instance`'s entries (making them on first use).
pub(super) fn insert(
    instance: &JsObject,
    symbol: JsSymbol,
    value: JsValue,
    context: &mut Context,
) -> JsResult<()> {
    let entries = match entries_of(instance, context)? {
        Some(entries) => entries,
        None => {
            let entries =
                ObjectInitializer::with_native_data(SymbolEntries::default(), context).build();
            side_table(context).set(instance, entries.clone().into(), context)?;
            entries
        }
    };
    if let Some(mut entries) = entries.downcast_mut::<SymbolEntries>() {
        entries.0.insert(symbol, value);
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
        .is_some_and(|mut entries| entries.0.remove(symbol).is_some());
    Ok(removed)
}
