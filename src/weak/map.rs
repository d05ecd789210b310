//! `WeakMap.prototype` methods with CanBeHeldWeakly keys (`sec-properties-of-the-weakmap-prototype-object`,
//! and the upsert proposal's `getOrInsert` / `getOrInsertComputed`). Object keys go straight to
//! Boa's `[[WeakMapData]]` through `JsWeakMap`; symbol keys to [`held_symbols`].

use boa_engine::{
    Context, JsArgs, JsResult, JsSymbol, JsValue, NativeFunction, js_string,
    object::builtins::JsWeakMap, realm::Realm,
};

use super::{define_method, delete_key, has_key, held_symbols, not_this};
use crate::symbols::{require_weak_symbol, require_weakly_holdable};
use crate::weak_key::{WeakKey, object_or_symbol};

pub(super) fn install(realm: &Realm, context: &mut Context) -> JsResult<()> {
    let prototype = realm.intrinsics().constructors().weak_map().prototype();
    let methods = [
        (js_string!("delete"), 1, NativeFunction::from_fn_ptr(delete)),
        (js_string!("get"), 1, NativeFunction::from_fn_ptr(get)),
        (js_string!("has"), 1, NativeFunction::from_fn_ptr(has)),
        (js_string!("set"), 2, NativeFunction::from_fn_ptr(set)),
        (
            js_string!("getOrInsert"),
            2,
            NativeFunction::from_fn_ptr(get_or_insert),
        ),
        (
            js_string!("getOrInsertComputed"),
            2,
            NativeFunction::from_fn_ptr(get_or_insert_computed),
        ),
    ];
    for method in methods {
        define_method(&prototype, method, realm, context)?;
    }
    Ok(())
}

/// 1. Let M be the this value.
/// 2. Perform ? RequireInternalSlot(M, [[WeakMapData]]).
fn this_weak_map(this: &JsValue, method: &str) -> JsResult<JsWeakMap> {
    match this
        .as_object()
        .and_then(|object| JsWeakMap::from_object(object).ok())
    {
        Some(map) => Ok(map),
        None => Err(not_this(&format!("WeakMap.prototype.{method}"), "WeakMap").into()),
    }
}

/// `WeakMap.prototype.delete ( key )`
fn delete(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1-2.
    let map = this_weak_map(this, "delete")?;
    // 3-5.
    Ok(delete_key(&map, args.get_or_undefined(0), context)?.into())
}

/// `WeakMap.prototype.get ( key )`
fn get(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1-2.
    let map = this_weak_map(this, "get")?;
    // 3. If CanBeHeldWeakly(key) is false, return undefined.
    // 4. For each Record p of M.[[WeakMapData]], if SameValue(p.[[Key]], key), return p.[[Value]].
    // 5. Return undefined.
    // A registered symbol is never a key (`set` rejects it): looking it up gives step 3's undefined.
    match object_or_symbol(args.get_or_undefined(0)) {
        Some(WeakKey::Object(object)) => map.get(&object, context),
        Some(WeakKey::Symbol(symbol)) => {
            Ok(held_symbols::get(&map, &symbol, context)?.unwrap_or_default())
        }
        None => Ok(JsValue::undefined()),
    }
}

/// `WeakMap.prototype.has ( key )`
fn has(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1-2.
    let map = this_weak_map(this, "has")?;
    // 3-5.
    Ok(has_key(&map, args.get_or_undefined(0), context)?.into())
}

/// What the inserting methods' TypeError calls the key.
const KEY: &str = "the key (argument 1)";

/// `WeakMap.prototype.set ( key, value )`
fn set(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (key, value) = (args.get_or_undefined(0), args.get_or_undefined(1));
    // 1-2.
    let map = this_weak_map(this, "set")?;
    // 3. If CanBeHeldWeakly(key) is false, throw a TypeError exception.
    // 4. For each Record p of M.[[WeakMapData]], if SameValue(p.[[Key]], key): set p.[[Value]] to
    //    value and return M.
    // 5. Let p be the Record { [[Key]]: key, [[Value]]: value }; append p to M.[[WeakMapData]].
    // 6. Return M.
    // An object key takes Boa's own steps 3 to 6, and its M, with nothing else on the way: this is
    // the hot path the bench holds to Boa's cost.
    if let Some(object) = key.as_object() {
        return map.set(&object, value.clone(), context);
    }
    let symbol = require_weak_symbol(key, ("WeakMap.prototype.set", KEY), context)?;
    held_symbols::insert(&map, symbol, value.clone(), context)?;
    Ok(this.clone())
}

/// `WeakMap.prototype.getOrInsert ( key, value )`
fn get_or_insert(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (key, value) = (args.get_or_undefined(0), args.get_or_undefined(1));
    // 1-2.
    let map = this_weak_map(this, "getOrInsert")?;
    // 3. If CanBeHeldWeakly(key) is false, throw a TypeError exception.
    match require_weakly_holdable(key, ("WeakMap.prototype.getOrInsert", KEY), context)? {
        // 4-6. Boa's own steps for an object key.
        WeakKey::Object(object) => map.get_or_insert(&object, value.clone(), context),
        WeakKey::Symbol(symbol) => {
            // 4. For each Record p of M.[[WeakMapData]], if SameValue(p.[[Key]], key), return
            //    p.[[Value]].
            if let Some(existing) = held_symbols::get(&map, &symbol, context)? {
                return Ok(existing);
            }
            // 5. Let p be the Record { [[Key]]: key, [[Value]]: value }; append p.
            held_symbols::insert(&map, symbol, value.clone(), context)?;
            // 6. Return value.
            Ok(value.clone())
        }
    }
}

/// `WeakMap.prototype.getOrInsertComputed ( key, callbackfn )`
fn get_or_insert_computed(
    this: &JsValue,
    args: &[JsValue],
    context: &mut Context,
) -> JsResult<JsValue> {
    let (key, callback) = (args.get_or_undefined(0), args.get_or_undefined(1));
    // 1-2.
    let map = this_weak_map(this, "getOrInsertComputed")?;
    // 3. If CanBeHeldWeakly(key) is false, throw a TypeError exception.
    let method = "WeakMap.prototype.getOrInsertComputed";
    match require_weakly_holdable(key, (method, KEY), context)? {
        // 4-10. Boa's own steps for an object key (IsCallable first).
        WeakKey::Object(object) => map.get_or_insert_computed(&object, callback.clone(), context),
        WeakKey::Symbol(symbol) => compute_for_symbol(&map, symbol, callback, context),
    }
}

/// Steps 4 to 10 of `getOrInsertComputed` for a symbol key.
fn compute_for_symbol(
    map: &JsWeakMap,
    symbol: JsSymbol,
    callback: &JsValue,
    context: &mut Context,
) -> JsResult<JsValue> {
    // 4. If IsCallable(callbackfn) is false, throw a TypeError exception.
    let Some(callback) = callback.as_callable() else {
        return Err(boa_engine::JsNativeError::typ()
            .with_message(
                "WeakMap.prototype.getOrInsertComputed: the callback (argument 2) is not callable",
            )
            .into());
    };
    // 5. For each Record p of M.[[WeakMapData]], if SameValue(p.[[Key]], key), return p.[[Value]].
    if let Some(existing) = held_symbols::get(map, &symbol, context)? {
        return Ok(existing);
    }
    // 6. Let value be ? Call(callbackfn, undefined, « key »).
    let value = callback.call(&JsValue::undefined(), &[symbol.clone().into()], context)?;
    // 7. NOTE: The WeakMap may have been modified during execution of callbackfn.
    // 8. For each Record p of M.[[WeakMapData]], if SameValue(p.[[Key]], key): set p.[[Value]] to
    //    value and return value.
    // 9. Let p be the Record { [[Key]]: key, [[Value]]: value }; append p.
    held_symbols::insert(map, symbol, value.clone(), context)?;
    // 10. Return value.
    Ok(value)
}
