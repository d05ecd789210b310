//! The rest of the weak family: `WeakMap`, `WeakSet` and `WeakRef` with the spec's CanBeHeldWeakly
//! (objects and non-registered symbols, ES2023 symbols-as-weakmap-keys), installed into a realm by
//! [`crate::install`] unless [`crate::InstallOptions::keep_boa_weak_family`] says otherwise.
//!
//! The instances stay Boa's own objects: `new WeakMap()` and `new WeakSet()` are made by Boa's
//! constructors (which look the adder up with `Get(map, "set")` / `Get(set, "add")`, as the spec
//! says, and so reach the methods replaced here), and `new WeakRef(object)` by Boa's `WeakRef`
//! constructor, so `JsWeakMap::from_object` and friends keep working. The replaced prototype methods
//! hand object keys straight to Boa's Rust implementation (`JsWeakMap`, `JsWeakSet`); only symbol
//! keys take the crate's path ([`held_symbols`]). `WeakRef` needs a new constructor, because Boa's
//! rejects a symbol target before anything else; it creates objects with Boa's for object targets.
//!
//! Nothing here reads a global binding or calls script code: the prototypes and Boa's `WeakRef`
//! constructor come from the realm's intrinsics, `KeyForSymbol` and Boa's `deref` from the crate's
//! private realm ([`crate::symbols`]).

mod held_symbols;
mod map;
mod set;
mod weak_ref;

use boa_engine::{
    object::FunctionObjectBuilder, property::PropertyDescriptor, realm::Realm, Context,
    JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue, NativeFunction,
};

use crate::symbols::unregistered_symbol;

/// Gives the weak family of `realm` (the current realm of `context`) the spec's CanBeHeldWeakly.
pub(crate) fn install(realm: &Realm, context: &mut Context) -> JsResult<()> {
    map::install(realm, context)?;
    set::install(realm, context)?;
    weak_ref::install(realm, context)
}

/// Defines `prototype[name]` as a builtin method: `{ writable, not enumerable, configurable }`, a
/// function of `realm` with the spec's `name` and `length`. `name` is a `js_string!` literal, as
/// Boa's own builtins have: every call clones the function's name, and a static string clones for
/// free.
fn define_method(
    prototype: &JsObject,
    (name, length, function): (JsString, usize, NativeFunction),
    realm: &Realm,
    context: &mut Context,
) -> JsResult<()> {
    let method = FunctionObjectBuilder::new(realm, function)
        .name(name.clone())
        .length(length)
        .build();
    prototype.define_property_or_throw(name, builtin_binding(method.into()), context)?;
    Ok(())
}

/// The attributes of a builtin method or global binding: `{ writable, not enumerable, configurable }`.
fn builtin_binding(value: JsValue) -> PropertyDescriptor {
    PropertyDescriptor::builder()
        .value(value)
        .writable(true)
        .enumerable(false)
        .configurable(true)
        .build()
}

/// CanBeHeldWeakly for a key, value or target that is not an object: the non-registered symbol it
/// is, or the TypeError of `method` for its `argument`.
fn weak_symbol(
    value: &JsValue,
    (method, argument): (&str, &str),
    context: &mut Context,
) -> JsResult<JsSymbol> {
    unregistered_symbol(value, context)?
        .ok_or_else(|| not_weakly_holdable(method, argument, value).into())
}

/// The TypeError for a key or target that CanBeHeldWeakly rejects.
fn not_weakly_holdable(method: &str, argument: &str, value: &JsValue) -> JsNativeError {
    JsNativeError::typ().with_message(format!(
        "{method}: {argument} must be an object or a non-registered symbol, got {}",
        value.type_of()
    ))
}

/// The TypeError of RequireInternalSlot on `this`.
#[cold]
fn not_this(method: &str, class: &str) -> JsNativeError {
    JsNativeError::typ().with_message(format!("{method}: `this` is not a {class}"))
}
