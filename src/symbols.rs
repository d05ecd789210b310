//! KeyForSymbol, without running script code whatever the script did to the globals.
//!
//! Boa has no public access to its GlobalSymbolRegistry, so the crate asks the intrinsic
//! `Symbol.keyFor`. The current realm's `Symbol` object is the script's own global: a script can
//! delete or replace its `keyFor` before the extension is installed. The crate therefore takes
//! `keyFor` from a realm of its own, which no script can reach, made the first time a described
//! symbol is checked. The registry it reads is process-wide, so that function answers for every
//! realm.

use boa_engine::{js_string, Context, JsNativeError, JsObject, JsResult, JsSymbol, JsValue};

/// The pristine `Symbol.keyFor` of the crate's private realm, kept in the context's data.
struct PristineKeyFor(JsObject);

/// Whether KeyForSymbol ( sym ) is not undefined: `symbol` is in the GlobalSymbolRegistry.
pub(crate) fn is_registered(symbol: &JsSymbol, context: &mut Context) -> JsResult<bool> {
    // Every registered symbol has its key as description; most weak-held symbols have none.
    if symbol.description().is_none() {
        return Ok(false);
    }
    let key_for = pristine_key_for(context)?;
    let key = key_for.call(&JsValue::undefined(), &[symbol.clone().into()], context)?;
    Ok(!key.is_undefined())
}

fn pristine_key_for(context: &mut Context) -> JsResult<JsObject> {
    if let Some(PristineKeyFor(key_for)) = context.get_data() {
        return Ok(key_for.clone());
    }
    let realm = context.create_realm()?;
    let symbol = realm.intrinsics().constructors().symbol().constructor();
    let key_for = symbol
        .get(js_string!("keyFor"), context)?
        .as_object()
        .filter(JsObject::is_callable)
        .ok_or_else(|| JsNativeError::typ().with_message("a new realm has no Symbol.keyFor"))?;
    context.insert_data(PristineKeyFor(key_for.clone()));
    Ok(key_for)
}
