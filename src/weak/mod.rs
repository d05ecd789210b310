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

use std::ops::Deref;

use boa_engine::{
    Context, JsNativeError, JsObject, JsResult, JsString, JsValue, NativeFunction,
    object::{
        FunctionObjectBuilder,
        builtins::{JsWeakMap, JsWeakSet},
    },
    property::PropertyDescriptor,
    realm::Realm,
};

use crate::weak_key::{WeakKey, object_or_symbol};

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

/// Boa's own entries of a `WeakMap` or `WeakSet` (`JsWeakMap`, `JsWeakSet`): where object keys
/// go, while symbol keys go to [`held_symbols`] under the same instance.
trait BoaEntries: Deref<Target = JsObject> {
    fn has_object(&self, key: &JsObject, context: &mut Context) -> JsResult<bool>;
    fn delete_object(&self, key: &JsObject, context: &mut Context) -> JsResult<bool>;
}

impl BoaEntries for JsWeakMap {
    #[inline]
    fn has_object(&self, key: &JsObject, context: &mut Context) -> JsResult<bool> {
        self.has(key, context)
    }

    #[inline]
    fn delete_object(&self, key: &JsObject, context: &mut Context) -> JsResult<bool> {
        self.delete(key, context)
    }
}

impl BoaEntries for JsWeakSet {
    #[inline]
    fn has_object(&self, key: &JsObject, context: &mut Context) -> JsResult<bool> {
        self.has(key, context)
    }

    #[inline]
    fn delete_object(&self, key: &JsObject, context: &mut Context) -> JsResult<bool> {
        self.delete(key, context)
    }
}

/// Steps 3 to 5 of `WeakMap.prototype.has` and `WeakSet.prototype.has`:
/// 3. If CanBeHeldWeakly(key) is false, return false.
/// 4. For each entry e of the collection's data, if SameValue(e's key, key) is true, return true.
/// 5. Return false.
///
/// A registered symbol is never an entry (the inserting methods reject it): looking it up gives
/// step 3's false.
#[inline]
fn has_key(entries: &impl BoaEntries, key: &JsValue, context: &mut Context) -> JsResult<bool> {
    match object_or_symbol(key) {
        Some(WeakKey::Object(object)) => entries.has_object(&object, context),
        Some(WeakKey::Symbol(symbol)) => {
            Ok(held_symbols::get(entries, &symbol, context)?.is_some())
        }
        None => Ok(false),
    }
}

/// Steps 3 to 5 of `WeakMap.prototype.delete` and `WeakSet.prototype.delete`:
/// 3. If CanBeHeldWeakly(key) is false, return false.
/// 4. For each entry e of the collection's data, if SameValue(e's key, key) is true: replace e
///    with empty and return true.
/// 5. Return false.
///
/// A registered symbol is never an entry (the inserting methods reject it): looking it up gives
/// step 3's false.
#[inline]
fn delete_key(entries: &impl BoaEntries, key: &JsValue, context: &mut Context) -> JsResult<bool> {
    match object_or_symbol(key) {
        Some(WeakKey::Object(object)) => entries.delete_object(&object, context),
        Some(WeakKey::Symbol(symbol)) => held_symbols::remove(entries, &symbol, context),
        None => Ok(false),
    }
}

/// The TypeError of RequireInternalSlot on `this`.
#[cold]
fn not_this(method: &str, class: &str) -> JsNativeError {
    JsNativeError::typ().with_message(format!("{method}: `this` is not a {class}"))
}
