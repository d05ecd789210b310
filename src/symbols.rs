//! CanBeHeldWeakly and KeyForSymbol, without running script code whatever the script did to the
//! globals; and the other pristine intrinsics the crate calls. The registry and the weak family
//! both ask here.
//!
//! Boa has no public access to its GlobalSymbolRegistry, so the crate asks the intrinsic
//! `Symbol.keyFor`. The current realm's `Symbol` object is the script's own global: a script can
//! delete or replace its `keyFor` before the extension is installed. The crate therefore takes
//! `keyFor` from a realm of its own, which no script can reach, made the first time it is needed
//! and kept in the context's state. The registry it reads is process-wide, so that function answers
//! for every realm. The same private realm gives Boa's own `WeakRef.prototype.deref` (see
//! [`pristine_weak_ref_deref`]).

use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue};

use crate::state::{ContextState, Pristine};
use crate::weak_key::WeakKey;

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
fn unregistered_symbol(value: &JsValue, context: &mut Context) -> JsResult<Option<JsSymbol>> {
    match value.as_symbol() {
        Some(symbol) if !is_registered(&symbol, context)? => Ok(Some(symbol)),
        _ => Ok(None),
    }
}

/// "If CanBeHeldWeakly(v) is false, throw a TypeError exception": the weak key, or the TypeError of
/// `method` for its `argument` (as `("WeakRef", "the target (argument 1)")`).
pub(crate) fn require_weakly_holdable(
    value: &JsValue,
    (method, argument): (&str, &str),
    context: &mut Context,
) -> JsResult<WeakKey> {
    can_be_held_weakly(value, context)?
        .ok_or_else(|| not_weakly_holdable(method, argument, value).into())
}

/// [`require_weakly_holdable`] for a value already known not to be an object (the weak family's
/// inserting methods, once their object key went straight to Boa): the symbol, or the TypeError.
pub(crate) fn require_weak_symbol(
    value: &JsValue,
    (method, argument): (&str, &str),
    context: &mut Context,
) -> JsResult<JsSymbol> {
    unregistered_symbol(value, context)?
        .ok_or_else(|| not_weakly_holdable(method, argument, value).into())
}

/// The TypeError for a value that CanBeHeldWeakly rejects.
#[cold]
pub(crate) fn not_weakly_holdable(method: &str, argument: &str, value: &JsValue) -> JsNativeError {
    JsNativeError::typ().with_message(format!(
        "{method}: {argument} must be an object or a non-registered symbol, got {}",
        value.type_of()
    ))
}

/// Whether KeyForSymbol ( sym ) is not undefined: `symbol` is in the GlobalSymbolRegistry.
fn is_registered(symbol: &JsSymbol, context: &mut Context) -> JsResult<bool> {
    // Every registered symbol has its key as description; most weak-held symbols have none.
    if symbol.description().is_none() {
        return Ok(false);
    }
    let key_for = pristine(context)?.key_for;
    let key = key_for.call(&JsValue::undefined(), &[symbol.clone().into()], context)?;
    Ok(!key.is_undefined())
}

/// Boa's own `WeakRef.prototype.deref`, from the private realm: the only public way to read the
/// target of Boa's `WeakRef` objects, which keep working for Rust code.
pub(crate) fn pristine_weak_ref_deref(context: &mut Context) -> JsResult<JsObject> {
    Ok(pristine(context)?.weak_ref_deref)
}

/// The private realm's intrinsics, made on first use.
fn pristine(context: &mut Context) -> JsResult<Pristine> {
    let state = ContextState::of(context);
    if let Some(pristine) = state.pristine() {
        return Ok(pristine);
    }
    let realm = context.create_realm()?;
    let constructors = realm.intrinsics().constructors();
    let key_for = method(&constructors.symbol().constructor(), "keyFor", context)?;
    let weak_ref_deref = method(&constructors.weak_ref().prototype(), "deref", context)?;
    Ok(state.set_pristine(Pristine {
        key_for,
        weak_ref_deref,
    }))
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
