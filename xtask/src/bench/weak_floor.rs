//! The weak family's floor: what a replaced `WeakMap`/`WeakSet`/`WeakRef` method costs at least
//! when it is written with Boa 0.22's public API. Each method here only forwards an object key to
//! Boa (no symbol keys): `JsWeakMap::from_object` for the brand check, then `JsWeakMap`'s method;
//! `deref` calls Boa's own `deref`, the only public way to read a `WeakRef`'s target.

use boa_engine::{
    Context, JsArgs, JsNativeError, JsObject, JsResult, JsValue, NativeFunction, js_string,
    object::{
        FunctionObjectBuilder,
        builtins::{JsWeakMap, JsWeakSet},
    },
    property::PropertyDescriptor,
};

/// Replaces the benchmarked methods of the current realm with forwarding ones.
pub(super) fn install(context: &mut Context) {
    let realm = context.realm().clone();
    let constructors = realm.intrinsics().constructors();
    let weak_ref = constructors.weak_ref().prototype();
    let boa_deref = weak_ref
        .get(js_string!("deref"), context)
        .ok()
        .and_then(|deref| deref.as_object())
        .expect("Boa's WeakRef.prototype.deref");
    let deref = NativeFunction::from_copy_closure_with_captures(
        |this, args, boa_deref: &JsObject, context| boa_deref.call(this, args, context),
        boa_deref,
    );
    let map = constructors.weak_map().prototype();
    let set = constructors.weak_set().prototype();
    let methods = [
        (&map, "set", NativeFunction::from_fn_ptr(map_set)),
        (&map, "get", NativeFunction::from_fn_ptr(map_get)),
        (&map, "has", NativeFunction::from_fn_ptr(map_has)),
        (&set, "add", NativeFunction::from_fn_ptr(set_add)),
        (&weak_ref, "deref", deref),
    ];
    for (prototype, name, function) in methods {
        let method = FunctionObjectBuilder::new(&realm, function)
            .name(js_string!(name))
            .build();
        let binding = PropertyDescriptor::builder()
            .value(method)
            .writable(true)
            .enumerable(false)
            .configurable(true);
        prototype
            .define_property_or_throw(js_string!(name), binding, context)
            .expect("a fresh realm's prototype");
    }
}

fn map_set(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    weak_map(this)?.set(
        &object_key(args)?,
        args.get_or_undefined(1).clone(),
        context,
    )
}

fn map_get(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    weak_map(this)?.get(&object_key(args)?, context)
}

fn map_has(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Ok(weak_map(this)?.has(&object_key(args)?, context)?.into())
}

fn set_add(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let set = this
        .as_object()
        .and_then(|object| JsWeakSet::from_object(object).ok())
        .ok_or_else(|| JsNativeError::typ().with_message("not a WeakSet"))?;
    Ok(set.add(&object_key(args)?, context)?.into())
}

fn weak_map(this: &JsValue) -> JsResult<JsWeakMap> {
    this.as_object()
        .and_then(|object| JsWeakMap::from_object(object).ok())
        .ok_or_else(|| JsNativeError::typ().with_message("not a WeakMap").into())
}

fn object_key(args: &[JsValue]) -> JsResult<JsObject> {
    args.get_or_undefined(0)
        .as_object()
        .ok_or_else(|| JsNativeError::typ().with_message("not an object").into())
}
