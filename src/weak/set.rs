//! `WeakSet.prototype` methods with CanBeHeldWeakly values (`sec-properties-of-the-weakset-prototype-object`).
//! Objects go straight to Boa's `[[WeakSetData]]` through `JsWeakSet`; symbols to [`held_symbols`].

use boa_engine::{
    Context, JsArgs, JsObject, JsResult, JsValue, NativeFunction, js_string,
    object::builtins::JsWeakSet, realm::Realm,
};

use super::{define_method, delete_key, has_key, held_symbols, not_this};
use crate::symbols::require_weak_symbol;

pub(super) fn install(realm: &Realm, context: &mut Context) -> JsResult<()> {
    let prototype = realm.intrinsics().constructors().weak_set().prototype();
    let methods = [
        (js_string!("add"), 1, NativeFunction::from_fn_ptr(add)),
        (js_string!("delete"), 1, NativeFunction::from_fn_ptr(delete)),
        (js_string!("has"), 1, NativeFunction::from_fn_ptr(has)),
    ];
    for method in methods {
        define_method(&prototype, method, realm, context)?;
    }
    Ok(())
}

/// 1. Let S be the this value.
/// 2. Perform ? RequireInternalSlot(S, [[WeakSetData]]).
fn this_weak_set(this: &JsValue, method: &str) -> JsResult<JsWeakSet> {
    match this
        .as_object()
        .and_then(|object| JsWeakSet::from_object(object).ok())
    {
        Some(set) => Ok(set),
        None => Err(not_this(&format!("WeakSet.prototype.{method}"), "WeakSet").into()),
    }
}

/// `WeakSet.prototype.add ( value )`
fn add(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let value = args.get_or_undefined(0);
    // 1-2.
    let set = this_weak_set(this, "add")?;
    // 3. If CanBeHeldWeakly(value) is false, throw a TypeError exception.
    // 4. For each element e of S.[[WeakSetData]], if SameValue(e, value) is true, return S.
    // 5. Append value to S.[[WeakSetData]].
    // 6. Return S.
    // An object takes Boa's own steps 3 to 6 with nothing else on the way (the bench's hot path).
    match value.as_object() {
        Some(object) => Ok(set.add(&object, context)?.into()),
        None => add_symbol(&set, value, context),
    }
}

/// Steps 3 to 6 of `add` for a value that is not an object.
fn add_symbol(set: &JsWeakSet, value: &JsValue, context: &mut Context) -> JsResult<JsValue> {
    let symbol = require_weak_symbol(
        value,
        ("WeakSet.prototype.add", "the value (argument 1)"),
        context,
    )?;
    held_symbols::insert(set, symbol, JsValue::undefined(), context)?;
    Ok(JsValue::from(JsObject::from(set.clone())))
}

/// `WeakSet.prototype.delete ( value )`
fn delete(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1-2.
    let set = this_weak_set(this, "delete")?;
    // 3-5.
    Ok(delete_key(&set, args.get_or_undefined(0), context)?.into())
}

/// `WeakSet.prototype.has ( value )`
fn has(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1-2.
    let set = this_weak_set(this, "has")?;
    // 3-5.
    Ok(has_key(&set, args.get_or_undefined(0), context)?.into())
}
