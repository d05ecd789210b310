//! `WeakRef` with CanBeHeldWeakly targets (`sec-weak-ref-objects`): a new constructor, because Boa's
//! rejects a symbol at its first step, and `WeakRef.prototype.deref` for both kinds of instance.
//! Objects with an object target are made by Boa's own constructor, so they stay Boa's `WeakRef`s.

use boa_engine::{
    Context, JsArgs, JsNativeError, JsObject, JsResult, JsValue, NativeFunction, js_string,
    object::FunctionObjectBuilder, property::PropertyDescriptor, realm::Realm,
};

use boa_gc::{Finalize, Gc, GcRefCell, Trace};

use super::{builtin_binding, define_method, held_symbols::SymbolTarget, not_this};
use crate::symbols::{self, require_weakly_holdable};
use crate::weak_key::WeakKey;

pub(super) fn install(realm: &Realm, context: &mut Context) -> JsResult<()> {
    let standard = realm.intrinsics().constructors().weak_ref();
    let prototype = standard.prototype();
    let function =
        NativeFunction::from_copy_closure_with_captures(construct, standard.constructor());
    let constructor = FunctionObjectBuilder::new(realm, function)
        .name(js_string!("WeakRef"))
        .length(1)
        .constructor(true)
        .build();
    // WeakRef.prototype: { [[Writable]]: false, [[Enumerable]]: false, [[Configurable]]: false }.
    let fixed = PropertyDescriptor::builder()
        .value(prototype.clone())
        .writable(false)
        .enumerable(false)
        .configurable(false);
    constructor.define_property_or_throw(js_string!("prototype"), fixed, context)?;
    let constructor: JsValue = constructor.into();
    prototype.define_property_or_throw(
        js_string!("constructor"),
        builtin_binding(constructor.clone()),
        context,
    )?;
    let deref = NativeFunction::from_copy_closure_with_captures(deref, BoaDeref::default());
    define_method(&prototype, (js_string!("deref"), 0, deref), realm, context)?;
    context.global_object().define_property_or_throw(
        js_string!("WeakRef"),
        builtin_binding(constructor),
        context,
    )?;
    Ok(())
}

/// `WeakRef ( target )`; `boa_weak_ref` is the realm's own (Boa's) `WeakRef` constructor.
fn construct(
    new_target: &JsValue,
    args: &[JsValue],
    boa_weak_ref: &JsObject,
    context: &mut Context,
) -> JsResult<JsValue> {
    let target = args.get_or_undefined(0);
    // 1. If NewTarget is undefined, throw a TypeError exception.
    let Some(new_target) = new_target.as_object() else {
        return Err(JsNativeError::typ()
            .with_message("WeakRef: the constructor must be called with `new`")
            .into());
    };
    // 2. If CanBeHeldWeakly(target) is false, throw a TypeError exception.
    match require_weakly_holdable(target, ("WeakRef", "the target (argument 1)"), context)? {
        // 3. Let weakRef be ? OrdinaryCreateFromConstructor(NewTarget, "%WeakRef.prototype%",
        //    « [[WeakRefTarget]] »).
        // 4. Perform AddToKeptObjects(target).
        // 5. Set weakRef.[[WeakRefTarget]] to target.
        // 6. Return weakRef.
        //    Boa's constructor does steps 3 to 6 for an object target (its step 2 passes).
        WeakKey::Object(_) => {
            let weak_ref =
                boa_weak_ref.construct(std::slice::from_ref(target), Some(&new_target), context)?;
            Ok(weak_ref.into())
        }
        WeakKey::Symbol(symbol) => {
            // 3. Boa's constructor reads the prototype as the spec does (NewTarget's "prototype",
            //    else %WeakRef.prototype% of NewTarget's realm); NewTarget stands in as its target.
            let probe =
                boa_weak_ref.construct(&[new_target.clone().into()], Some(&new_target), context)?;
            // 4. AddToKeptObjects(target): a symbol target lives as long as its WeakRef anyway.
            // 5. Set weakRef.[[WeakRefTarget]] to target.
            let weak_ref =
                JsObject::from_proto_and_data(probe.prototype(), SymbolTarget { symbol });
            // 6. Return weakRef.
            Ok(weak_ref.into())
        }
    }
}

/// Boa's own `WeakRef.prototype.deref` (from the private realm), kept by this realm's `deref` once
/// it was first needed, so that a call costs no lookup.
#[derive(Default, Trace, Finalize)]
struct BoaDeref(Gc<GcRefCell<Option<JsObject>>>);

impl BoaDeref {
    fn get(&self, context: &mut Context) -> JsResult<JsObject> {
        if let Some(function) = &*self.0.borrow() {
            return Ok(function.clone());
        }
        let function = symbols::pristine_weak_ref_deref(context)?;
        *self.0.borrow_mut() = Some(function.clone());
        Ok(function)
    }
}

/// `WeakRef.prototype.deref ( )`
fn deref(
    this: &JsValue,
    args: &[JsValue],
    boa_deref: &BoaDeref,
    context: &mut Context,
) -> JsResult<JsValue> {
    // 1. Let weakRef be the this value.
    // 2. Perform ? RequireInternalSlot(weakRef, [[WeakRefTarget]]).
    // 3. Return WeakRefDeref(weakRef).
    if let Some(object) = this.as_object()
        && let Some(target) = object.downcast_ref::<SymbolTarget>()
    {
        // WeakRefDeref: a symbol target is never empty (see `held_symbols`).
        return Ok(target.symbol.clone().into());
    }
    // Boa's own WeakRef: its `deref` does WeakRefDeref, AddToKeptObjects included. Its only error is
    // RequireInternalSlot's, which must come from this function's realm, not the private one.
    boa_deref
        .get(context)?
        .call(this, args, context)
        .map_err(|_| not_this("WeakRef.prototype.deref", "WeakRef").into())
}
