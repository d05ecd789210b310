//! `structuredClone` as node refuses what it cannot clone.
//!
//! boa_runtime's `structuredClone` copies any object it does not know as a plain object, so a
//! `WeakRef`, `WeakMap`, `WeakSet` or `FinalizationRegistry` (the crate's or Boa's) comes back as
//! `{}`, and so do promises, proxies, generators and the other objects HTML's
//! StructuredSerializeInternal refuses. The shell puts a function in front of it that first looks
//! through the value and throws node's `DataCloneError` (name `DataCloneError`, `code` 25, the
//! message `#<WeakMap> could not be cloned.`) for the first value node would refuse; a value it
//! accepts goes to boa_runtime's function unchanged.
//!
//! The look-through reads storage only: own enumerable data properties, `Map` and `Set` entries,
//! never a getter or a proxy trap, so it runs no script code. What an accessor returns is not seen
//! (boa_runtime's clone calls it and clones the result as it does today). Every function the
//! wrapper calls is taken when it is installed, before any script runs: changing `structuredClone`
//! or `Function.prototype.toString` later changes nothing in it.

use std::collections::HashSet;

use boa_engine::{
    Context, JsBigInt, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue,
    NativeFunction,
    builtins::error::Error,
    js_string,
    object::{
        FunctionObjectBuilder,
        builtins::{
            JsArrayBuffer, JsDataView, JsDate, JsFunction, JsMap, JsRegExp, JsSet,
            JsSharedArrayBuffer, JsTypedArray,
        },
    },
    property::{PropertyDescriptor, PropertyKey},
};
use boa_gc::{Finalize, Trace};

use crate::inspect::constructor_name;

/// DOMException's legacy code for `DataCloneError`.
const DATA_CLONE_ERR: u8 = 25;

/// What the wrapper calls, taken at install.
#[derive(Debug, Clone, Trace, Finalize)]
struct Pristine {
    /// boa_runtime's `structuredClone`.
    clone: JsFunction,
    /// `Function.prototype.toString`, for the source text node shows of a refused function.
    function_to_string: JsFunction,
}

/// Puts the refusing `structuredClone` in front of boa_runtime's, which must be installed.
pub(crate) fn install(context: &mut Context) -> JsResult<()> {
    let global = context.global_object();
    let clone = global
        .get(js_string!("structuredClone"), context)?
        .as_object()
        .and_then(JsFunction::from_object)
        .ok_or_else(|| JsNativeError::typ().with_message("structuredClone is not installed"))?;
    let function_prototype = context.intrinsics().constructors().function().prototype();
    let function_to_string = function_prototype
        .get(js_string!("toString"), context)?
        .as_object()
        .and_then(JsFunction::from_object)
        .ok_or_else(|| JsNativeError::typ().with_message("Function.prototype.toString"))?;
    let pristine = Pristine {
        clone,
        function_to_string,
    };
    let function = NativeFunction::from_copy_closure_with_captures(structured_clone, pristine);
    let function = FunctionObjectBuilder::new(context.realm(), function)
        .name(js_string!("structuredClone"))
        .length(0)
        .constructor(false)
        .build();
    // As boa_runtime and node define it: writable, enumerable, configurable.
    global.define_property_or_throw(
        js_string!("structuredClone"),
        PropertyDescriptor::builder()
            .value(function)
            .writable(true)
            .enumerable(true)
            .configurable(true),
        context,
    )?;
    Ok(())
}

/// `structuredClone(value, options)`: node's refusal, then boa_runtime's clone.
fn structured_clone(
    _: &JsValue,
    args: &[JsValue],
    pristine: &Pristine,
    context: &mut Context,
) -> JsResult<JsValue> {
    let value = args.first().cloned().unwrap_or_default();
    if let Some(refused) = first_refused(&value, context) {
        return Err(data_clone_error(&refused, pristine, context));
    }
    pristine.clone.call(&JsValue::undefined(), args, context)
}

/// The first value, depth first in property order as HTML serializes, that node refuses to clone.
fn first_refused(value: &JsValue, context: &mut Context) -> Option<JsValue> {
    let mut seen = HashSet::new();
    let mut pending = vec![value.clone()];
    while let Some(value) = pending.pop() {
        if value.is_symbol() {
            return Some(value);
        }
        let Some(object) = value.as_object() else {
            continue;
        };
        if !seen.insert(object.clone()) {
            continue;
        }
        let Some(children) = children(&object, context) else {
            return Some(value);
        };
        pending.extend(children.into_iter().rev());
    }
    None
}

/// The values an object node clones holds (its own enumerable data properties, a map's keys
/// and values, a set's values; nothing for a date, a buffer and the other leaves); `None` for an
/// object node refuses: a function, the global object, and any object with internal slots HTML
/// does not serialize.
fn children(object: &JsObject, context: &mut Context) -> Option<Vec<JsValue>> {
    // The global object is a platform object in node (a window proxy in browsers): refused.
    if object.is_callable() || *object == context.global_object() {
        return None;
    }
    if object.is_ordinary() || object.is_array() {
        return Some(own_enumerable_data(object, context));
    }
    if let Ok(map) = JsMap::from_object(object.clone()) {
        let mut entries = Vec::new();
        let _ = map.for_each_native(|key, value| {
            entries.extend([key, value]);
            Ok(())
        });
        return Some(entries);
    }
    if let Ok(set) = JsSet::from_object(object.clone()) {
        let mut values = Vec::new();
        let _ = set.for_each_native(|value| {
            values.push(value);
            Ok(())
        });
        return Some(values);
    }
    is_serializable_leaf(object).then(Vec::new)
}

/// The objects HTML serializes by their internal slots alone: primitive wrappers (not a
/// symbol's), dates, regular expressions, buffers and their views, errors.
fn is_serializable_leaf(object: &JsObject) -> bool {
    object.is::<bool>()
        || object.is::<f64>()
        || object.is::<JsString>()
        || object.is::<JsBigInt>()
        || object.is::<Error>()
        || JsDate::from_object(object.clone()).is_ok()
        || JsRegExp::from_object(object.clone()).is_ok()
        || JsArrayBuffer::from_object(object.clone()).is_ok()
        || JsSharedArrayBuffer::from_object(object.clone()).is_ok()
        || JsTypedArray::from_object(object.clone()).is_ok()
        || JsDataView::from_object(object.clone()).is_ok()
}

/// The values of an ordinary object's (or an array's) own enumerable string-keyed data
/// properties, in property order, read from its storage. Their `[[OwnPropertyKeys]]` is the
/// ordinary one, which runs no script code.
fn own_enumerable_data(object: &JsObject, context: &mut Context) -> Vec<JsValue> {
    let keys = object.own_property_keys(context).unwrap_or_default();
    let object = object.borrow();
    keys.into_iter()
        .filter(|key| !matches!(key, PropertyKey::Symbol(_)))
        .filter_map(|key| object.properties().get(&key))
        .filter(PropertyDescriptor::expect_enumerable)
        .filter_map(|property| property.value().cloned())
        .collect()
}

/// node's `DataCloneError`: `#<WeakMap> could not be cloned.`, `Symbol(x) could not be
/// cloned.`, or a function's source text; `name` "DataCloneError" and `code` 25.
fn data_clone_error(refused: &JsValue, pristine: &Pristine, context: &mut Context) -> JsError {
    let shown = match (refused.as_symbol(), refused.as_object()) {
        (Some(symbol), _) => symbol.descriptive_string().to_std_string_escaped(),
        (None, Some(object)) if object.is_callable() => pristine
            .function_to_string
            .call(refused, &[], context)
            .ok()
            .and_then(|text| text.as_string().map(|text| text.to_std_string_escaped()))
            .unwrap_or_else(|| "function".to_owned()),
        (None, Some(object)) => format!(
            "#<{}>",
            constructor_name(&object).unwrap_or_else(|| "Object".to_owned())
        ),
        (None, None) => String::new(),
    };
    let error = JsNativeError::error()
        .with_message(format!("{shown} could not be cloned."))
        .into_opaque(context);
    // DOMException's `name` and `code`, as own properties hidden from enumeration: the shell has
    // no DOMException class.
    let properties: [(JsString, JsValue); 2] = [
        (js_string!("name"), js_string!("DataCloneError").into()),
        (js_string!("code"), DATA_CLONE_ERR.into()),
    ];
    for (key, value) in properties {
        // A new error object is extensible: these definitions cannot fail.
        let _ = error.define_property_or_throw(
            key,
            PropertyDescriptor::builder()
                .value(value)
                .writable(true)
                .enumerable(false)
                .configurable(true),
            context,
        );
    }
    JsError::from_opaque(error.into())
}
