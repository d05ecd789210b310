//! CanBeHeldWeakly and KeyForSymbol, without running script code whatever the script did to the
//! globals; and the other pristine intrinsics the crate calls.
//!
//! Boa has no public access to its GlobalSymbolRegistry, so the crate asks the intrinsic
//! `Symbol.keyFor`. The current realm's `Symbol` object is the script's own global: a script can
//! delete or replace its `keyFor` before the extension is installed. The crate therefore takes
//! `keyFor` from a realm of its own, which no script can reach, made the first time it is needed.
//! The registry it reads is process-wide, so that function answers for every realm. The same
//! private realm gives Boa's own `WeakRef.prototype.deref` (see [`pristine_weak_ref_deref`]).

use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue};

/// Intrinsics of the crate's private realm, kept in the context's data (made on first use).
struct Pristine {
    key_for: JsObject,
    weak_ref_deref: JsObject,
}

/// A value that passed CanBeHeldWeakly: a cell's target or unregister token, a weak-map key, a
/// weak-set value or a `WeakRef` target.
pub(crate) enum WeakKey {
    Object(JsObject),
    Symbol(JsSymbol),
}

/// [CanBeHeldWeakly](https://tc39.es/ecma262/#sec-canbeheldweakly) ( v ): the value as a weak key,
/// or `None` if it cannot be held weakly.
pub(crate) fn can_be_held_weakly(
    value: &JsValue,
    context: &mut Context,
) -> JsResult<Option<WeakKey>> {
    // 1. If v is an Object, return true.
    if let Some(object) = value.as_object() {
        return Ok(Some(WeakKey::Object(object)));
    }
    // 2. If v is a Symbol and KeyForSymbol(v) is undefined, return true.
    // 3. Return false.
    Ok(unregistered_symbol(value, context)?.map(WeakKey::Symbol))
}

/// Steps 2 and 3 of CanBeHeldWeakly, for a value already known not to be an object: the symbol
/// if it can be held weakly.
pub(crate) fn unregistered_symbol(
    value: &JsValue,
    context: &mut Context,
) -> JsResult<Option<JsSymbol>> {
    match value.as_symbol() {
        Some(symbol) if !is_registered(&symbol, context)? => Ok(Some(symbol)),
        _ => Ok(None),
    }
}

/// Whether KeyForSymbol ( sym ) is not undefined: `symbol` is in the GlobalSymbolRegistry.
fn is_registered(symbol: &JsSymbol, context: &mut Context) -> JsResult<bool> {
    // Every registered symbol has its key as description; most weak-held symbols have none.
    if symbol.description().is_none() {
        return Ok(false);
    }
    let key_for = pristine(context)?.key_for.clone();
    let key = key_for.call(&JsValue::undefined(), &[symbol.clone().into()], context)?;
    Ok(!key.is_undefined())
}

/// Boa's own `WeakRef.prototype.deref`, from the private realm: the only public way to read the
/// target of Boa's `WeakRef` objects, which keep working for Rust code.
pub(crate) fn pristine_weak_ref_deref(context: &mut Context) -> JsResult<JsObject> {
    Ok(pristine(context)?.weak_ref_deref.clone())
}

fn pristine(context: &mut Context) -> JsResult<&Pristine> {
    if context.get_data::<Pristine>().is_none() {
        let realm = context.create_realm()?;
        let constructors = realm.intrinsics().constructors();
        let key_for = method(&constructors.symbol().constructor(), "keyFor", context)?;
        let deref = method(&constructors.weak_ref().prototype(), "deref", context)?;
        context.insert_data(Pristine {
            key_for,
            weak_ref_deref: deref,
        });
    }
    Ok(context.get_data::<Pristine>().expect("inserted above"))
}

/// A method of an object of the private realm (no script has run there: a plain data property).
fn method(holder: &JsObject, name: &str, context: &mut Context) -> JsResult<JsObject> {
    holder
        .get(JsString::from(name), context)?
        .as_object()
        .filter(JsObject::is_callable)
        .ok_or_else(|| {
            JsNativeError::typ()
                .with_message(format!("a new realm has no callable {name}"))
                .into()
        })
}
