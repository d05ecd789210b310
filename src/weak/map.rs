//! `WeakMap.prototype` methods with CanBeHeldWeakly keys (`sec-properties-of-the-weakmap-prototype-object`,
//! and the upsert proposal's `getOrInsert` / `getOrInsertComputed`). Object keys go straight to
//! Boa's `[[WeakMapData]]` through `JsWeakMap`; symbol keys to [`held_symbols`].

use boa_engine::{
    js_string, object::builtins::JsWeakMap, realm::Realm, Context, JsArgs, JsResult, JsSymbol,
    JsValue, NativeFunction,
};

use super::{define_method, held_symbols, not_this};
use crate::symbols::WeakKey;

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
    let key = args.get_or_undefined(0);
    // 3. If CanBeHeldWeakly(key) is false, return false.
    // 4. For each Record { [[Key]], [[Value]] } p of M.[[WeakMapData]], if SameValue(p.[[Key]], key)
    //    is true: set p.[[Key]] and p.[[Value]] to empty and return true.
    // 5. Return false.
    // A registered symbol is never a key (`set` rejects it), so looking it up gives step 3's false.
    let removed = if let Some(object) = key.as_object() {
        map.delete(&object, context)?
    } else if let Some(symbol) = key.as_symbol() {
        held_symbols::remove(&map, &symbol, context)?
    } else {
        false
    };
    Ok(removed.into())
}

/// `WeakMap.prototype.get ( key )`
fn get(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1-2.
    let map = this_weak_map(this, "get")?;
    let key = args.get_or_undefined(0);
    // 3. If CanBeHeldWeakly(key) is false, return undefined.
    // 4. For each Record p of M.[[WeakMapData]], if SameValue(p.[[Key]], key), return p.[[Value]].
    // 5. Return undefined.
    if let Some(object) = key.as_object() {
        return map.get(&object, context);
    }
    Ok(symbol_value(&map, key, context)?.unwrap_or_default())
}

/// `WeakMap.prototype.has ( key )`
fn has(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1-2.
    let map = this_weak_map(this, "has")?;
    let key = args.get_or_undefined(0);
    // 3. If CanBeHeldWeakly(key) is false, return false.
    // 4. For each Record p of M.[[WeakMapData]], if SameValue(p.[[Key]], key), return true.
    // 5. Return false.
    let found = match key.as_object() {
        Some(object) => map.has(&object, context)?,
        None => symbol_value(&map, key, context)?.is_some(),
    };
    Ok(found.into())
}

/// The value of a symbol key (steps 3 to 5 of `get` and `has` for a non-object key): a registered
/// symbol, like any other non-weakly-holdable key, is never in the map.
fn symbol_value(
    map: &JsWeakMap,
    key: &JsValue,
    context: &mut Context,
) -> JsResult<Option<JsValue>> {
    match key.as_symbol() {
        Some(symbol) => held_symbols::get(map, &symbol, context),
        None => Ok(None),
    }
}

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
    let symbol = weak_symbol("set", key, context)?;
    held_symbols::insert(&map, symbol, value.clone(), context)?;
    Ok(this.clone())
}

/// `WeakMap.prototype.getOrInsert ( key, value )`
fn get_or_insert(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (key, value) = (args.get_or_undefined(0), args.get_or_undefined(1));
    // 1-2.
    let map = this_weak_map(this, "getOrInsert")?;
    // 3. If CanBeHeldWeakly(key) is false, throw a TypeError exception.
    match weak_key("getOrInsert", key, context)? {
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
    match weak_key("getOrInsertComputed", key, context)? {
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

/// Step 3 of the inserting methods: CanBeHeldWeakly(key), or a TypeError.
fn weak_key(method: &str, key: &JsValue, context: &mut Context) -> JsResult<WeakKey> {
    match key.as_object() {
        Some(object) => Ok(WeakKey::Object(object)),
        None => weak_symbol(method, key, context).map(WeakKey::Symbol),
    }
}

/// Step 3 for a key that is not an object: a non-registered symbol, or `method`'s TypeError.
fn weak_symbol(method: &str, key: &JsValue, context: &mut Context) -> JsResult<JsSymbol> {
    let method = format!("WeakMap.prototype.{method}");
    super::weak_symbol(key, (&method, "the key (argument 1)"), context)
}
