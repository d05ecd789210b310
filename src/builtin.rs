//! The `FinalizationRegistry` builtin: the constructor and the prototype's methods, each spec step
//! numbered as in ECMA-262 ([`sec-finalization-registry-objects`][spec]). The operations on a
//! registry's state, and the cleanup job, are in [`crate::registry`].
//!
//! [spec]: https://tc39.es/ecma262/#sec-finalization-registry-objects

use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsSymbol, JsValue, NativeFunction,
    builtins::{
        function::{BoundFunction, OrdinaryFunction},
        proxy::Proxy,
    },
    error::TryNativeError,
    js_string,
    object::{ConstructorBuilder, builtins::JsFunction},
    property::Attribute,
    realm::Realm,
};

use crate::notify::Inbox;
use crate::realm;
use crate::registry::{Registry, RegistryData};
use crate::state::ContextState;
use crate::symbols::{can_be_held_weakly, not_weakly_holdable, require_weakly_holdable};

/// Whether this crate's `FinalizationRegistry` is installed in the current realm of `context`
/// ([`crate::install`]); if not, scripts there get Boa's built-in one.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::context::ContextBuilder;
/// use boa_finalization::CleanupExecutor;
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// assert!(!boa_finalization::is_installed(&context));
/// boa_finalization::install(&mut context).unwrap();
/// assert!(boa_finalization::is_installed(&context));
/// ```
#[must_use]
pub fn is_installed(context: &Context) -> bool {
    realm::is_installed(context.realm())
}

/// Steps 4 to 8 of the constructor, and the host's weak handle on the new registry: the one way
/// registry objects are made. `prototype` is `None` for the crate's own registries.
fn new_registry(
    callback: JsObject,
    prototype: Option<JsObject>,
    context: &mut Context,
) -> JsResult<JsObject> {
    let callback = JsFunction::from_object(callback).ok_or_else(callback_not_callable)?;
    let state = ContextState::of(context);
    let inbox = Inbox::new(state.next_registry_id(), &state.queue());
    // 4. Let fn be the active function object.
    // 5. Set finalizationRegistry.[[Realm]] to fn.[[Realm]].
    let realm = context.realm().clone();
    // 6. Set finalizationRegistry.[[CleanupCallback]] to HostMakeJobCallback(cleanupCallback).
    let callback = context.host_hooks().make_job_callback(callback, context);
    // 7. Set finalizationRegistry.[[Cells]] to a new empty List.
    let (object, registry) = Registry::new_object(realm, callback, inbox, prototype, context);
    state.track_registry(registry.id(), registry.downgrade());
    // 8. Return finalizationRegistry.
    Ok(object)
}

/// A registry that no script can reach, for the crate's own use (native finalizers): its callback is
/// `callback`, its realm the current one, and it is tracked like any other registry.
pub(crate) fn new_internal_registry(
    callback: JsObject,
    context: &mut Context,
) -> JsResult<JsObject> {
    new_registry(callback, None, context)
}

/// `registry.register(target, heldValue, token)` from Rust.
pub(crate) fn register_internal(
    registry: &JsObject,
    target: &JsObject,
    held_value: JsValue,
    token: JsValue,
    context: &mut Context,
) -> JsResult<()> {
    let args = [target.clone().into(), held_value, token];
    register(&registry.clone().into(), &args, context).map(drop)
}

/// `registry.unregister(token)` from Rust.
pub(crate) fn unregister_internal(
    registry: &JsObject,
    token: JsValue,
    context: &mut Context,
) -> JsResult<bool> {
    let removed = unregister(&registry.clone().into(), &[token], context)?;
    Ok(removed.to_boolean())
}

/// Builds `%FinalizationRegistry%` and its prototype in the current realm.
pub(crate) fn build(context: &mut Context) -> boa_engine::context::intrinsics::StandardConstructor {
    let mut builder = ConstructorBuilder::new(context, NativeFunction::from_fn_ptr(constructor));
    builder
        .name("FinalizationRegistry")
        .length(1)
        .method(
            NativeFunction::from_fn_ptr(register),
            js_string!("register"),
            2,
        )
        .method(
            NativeFunction::from_fn_ptr(unregister),
            js_string!("unregister"),
            1,
        )
        .property(
            JsSymbol::to_string_tag(),
            js_string!("FinalizationRegistry"),
            Attribute::CONFIGURABLE,
        );
    builder.build()
}

/// `FinalizationRegistry ( cleanupCallback )`
///
/// More information:
///  - [ECMAScript reference][spec]
///  - [MDN documentation][mdn]
///
/// [spec]: https://tc39.es/ecma262/#sec-finalization-registry-cleanup-callback
/// [mdn]: https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/FinalizationRegistry/FinalizationRegistry
fn constructor(new_target: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1. If NewTarget is undefined, throw a TypeError exception.
    if new_target.is_undefined() {
        return Err(JsNativeError::typ()
            .with_message("FinalizationRegistry: the constructor must be called with `new`")
            .into());
    }
    // 2. If IsCallable(cleanupCallback) is false, throw a TypeError exception.
    let callback = args.first().and_then(JsValue::as_callable);
    let callback = callback.ok_or_else(callback_not_callable)?;
    // 3. Let finalizationRegistry be ? OrdinaryCreateFromConstructor(NewTarget,
    //    "%FinalizationRegistry.prototype%", « [[Realm]], [[CleanupCallback]], [[Cells]] »).
    let prototype = prototype_from_constructor(new_target, context)?;
    //    Steps 4 to 8 are in `new_registry`.
    Ok(new_registry(callback, Some(prototype), context)?.into())
}

fn callback_not_callable() -> JsNativeError {
    JsNativeError::typ()
        .with_message("FinalizationRegistry: the cleanup callback (argument 1) is not callable")
}

/// [GetPrototypeFromConstructor](https://tc39.es/ecma262/#sec-getprototypefromconstructor)
/// ( constructor, "%FinalizationRegistry.prototype%" )
fn prototype_from_constructor(new_target: &JsValue, context: &mut Context) -> JsResult<JsObject> {
    let realm = match new_target.as_object() {
        Some(constructor) => {
            // 2. Let proto be ? Get(constructor, "prototype").
            let proto = constructor.get(js_string!("prototype"), context)?;
            if let Some(proto) = proto.as_object() {
                return Ok(proto);
            }
            // 3.a. Let realm be ? GetFunctionRealm(constructor).
            function_realm(&constructor, context)?
        }
        None => context.realm().clone(),
    };
    // 3.b. Set proto to realm's intrinsic object named intrinsicDefaultProto: this crate's
    //      prototype where the extension is installed, else the realm's own (Boa's).
    Ok(match realm::registry_prototype(&realm) {
        Some(prototype) => prototype,
        None => realm
            .intrinsics()
            .constructors()
            .finalization_registry()
            .prototype(),
    })
}

/// [GetFunctionRealm](https://tc39.es/ecma262/#sec-getfunctionrealm) ( obj ), as far as Boa 0.22's public API shows a function's realm.
///
/// What it sees: an ECMAScript function's `[[Realm]]` (step 1), a bound function's target (step 2)
/// and, for a proxy, whether it or any proxy or bound function behind it is revoked (step 3.a,
/// through [`reject_revoked_proxy`]). What it cannot see: a live proxy's `[[ProxyTarget]]` (the
/// field is private and every public operation on the proxy runs its handler's traps, which are
/// script code) and a built-in function's `[[Realm]]`; for those it answers the current realm, as
/// step 4 does for other objects. A live proxy or built-in function from another realm whose
/// `prototype` is not an object therefore gives this realm's prototype instead of its own.
fn function_realm(function: &JsObject, context: &mut Context) -> JsResult<Realm> {
    // 1. If obj has a [[Realm]] internal slot, return obj.[[Realm]].
    if let Some(ordinary) = function.downcast_ref::<OrdinaryFunction>() {
        return Ok(ordinary.realm().clone());
    }
    // 2. If obj is a bound function exotic object, then
    //    a. Let boundTargetFunction be obj.[[BoundTargetFunction]].
    //    b. Return ? GetFunctionRealm(boundTargetFunction).
    let target = function
        .downcast_ref::<BoundFunction>()
        .map(|bound| bound.target_function().clone());
    if let Some(target) = target {
        return function_realm(&target, context);
    }
    // 3. If obj is a Proxy exotic object, then
    //    a. Perform ? ValidateNonRevokedProxy(obj).
    //    b. Let proxyTarget be obj.[[ProxyTarget]].
    //    c. Return ? GetFunctionRealm(proxyTarget).
    if function.is::<Proxy>() {
        reject_revoked_proxy(function, context)?;
    }
    // 4. Return the current Realm Record.
    Ok(context.realm().clone())
}

/// Steps 3.a and 3.c of GetFunctionRealm for the proxy `proxy`: the TypeError that Boa's own
/// GetFunctionRealm throws when `proxy`, or a proxy it leads to, is revoked.
///
/// Boa runs its GetFunctionRealm on an error object's `constructor` when it converts that error
/// into a native one (`JsError::try_native`). The probe is an error object made here, with no
/// prototype and `proxy` as its own `constructor` data property, so the conversion reads only
/// the probe's own data properties and runs no script code; only the realm lookup can fail.
fn reject_revoked_proxy(proxy: &JsObject, context: &mut Context) -> JsResult<()> {
    let probe = JsNativeError::error().into_opaque(context);
    probe.set_prototype(None);
    probe.create_data_property_or_throw(js_string!("constructor"), proxy.clone(), context)?;
    match JsError::from_opaque(probe.into()).try_native(context) {
        Err(TryNativeError::InaccessibleRealm { source }) => Err(source),
        _ => Ok(()),
    }
}

/// RequireInternalSlot(this, [[Cells]]), naming the method in the error; gives the internal slots.
fn this_registry(this: &JsValue, method: &str) -> JsResult<Registry> {
    this.as_object()
        .and_then(|object| {
            object
                .downcast_ref::<RegistryData>()
                .map(|data| data.registry().clone())
        })
        .ok_or_else(|| {
            JsNativeError::typ()
                .with_message(format!(
                    "FinalizationRegistry.prototype.{method}: `this` is not a FinalizationRegistry"
                ))
                .into()
        })
}

/// The name `register`'s errors give.
const REGISTER: &str = "FinalizationRegistry.prototype.register";

/// `FinalizationRegistry.prototype.register ( target, heldValue [ , unregisterToken ] )`
///
/// More information:
///  - [ECMAScript reference][spec]
///  - [MDN documentation][mdn]
///
/// [spec]: https://tc39.es/ecma262/#sec-finalization-registry.prototype.register
/// [mdn]: https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/FinalizationRegistry/register
fn register(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    use boa_engine::JsArgs;
    let (target, held_value, token) = (
        args.get_or_undefined(0),
        args.get_or_undefined(1),
        args.get_or_undefined(2),
    );
    // 1. Let finalizationRegistry be the this value.
    // 2. Perform ? RequireInternalSlot(finalizationRegistry, [[Cells]]).
    let registry = this_registry(this, "register")?;
    // 3. If CanBeHeldWeakly(target) is false, throw a TypeError exception.
    let target_key =
        require_weakly_holdable(target, (REGISTER, "the target (argument 1)"), context)?;
    // 4. If SameValue(target, heldValue) is true, throw a TypeError exception.
    if JsValue::same_value(target, held_value) {
        return Err(JsNativeError::typ()
            .with_message(
                "FinalizationRegistry.prototype.register: the target and the held value \
                 (arguments 1 and 2) must not be the same value",
            )
            .into());
    }
    // 5. If CanBeHeldWeakly(unregisterToken) is false, then
    let token_key = match can_be_held_weakly(token, context)? {
        Some(key) => Some(key),
        // a. If unregisterToken is not undefined, throw a TypeError exception.
        None if !token.is_undefined() => {
            return Err(not_weakly_holdable(
                REGISTER,
                "the unregister token (argument 3), if given,",
                token,
            )
            .into());
        }
        // b. Set unregisterToken to empty.
        None => None,
    };
    // 6. Let cell be the Record { [[WeakRefTarget]]: target, [[HeldValue]]: heldValue,
    //    [[UnregisterToken]]: unregisterToken }.
    // 7. Append cell to finalizationRegistry.[[Cells]].
    registry.register(&target_key, held_value.clone(), token_key.as_ref(), context)?;
    // 8. Return undefined.
    Ok(JsValue::undefined())
}

/// `FinalizationRegistry.prototype.unregister ( unregisterToken )`
///
/// More information:
///  - [ECMAScript reference][spec]
///  - [MDN documentation][mdn]
///
/// [spec]: https://tc39.es/ecma262/#sec-finalization-registry.prototype.unregister
/// [mdn]: https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/FinalizationRegistry/unregister
fn unregister(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let token = args.first().cloned().unwrap_or_default();
    // 1. Let finalizationRegistry be the this value.
    // 2. Perform ? RequireInternalSlot(finalizationRegistry, [[Cells]]).
    let registry = this_registry(this, "unregister")?;
    // 3. If CanBeHeldWeakly(unregisterToken) is false, throw a TypeError exception.
    let token_key = require_weakly_holdable(
        &token,
        (
            "FinalizationRegistry.prototype.unregister",
            "the unregister token (argument 1)",
        ),
        context,
    )?;
    // 4. Let removed be false.
    // 5. For each Record cell of finalizationRegistry.[[Cells]] whose [[UnregisterToken]] is
    //    unregisterToken: remove cell and set removed to true. Only this token's cells are visited.
    let removed = registry.unregister(&token_key, context)?;
    // 6. Return removed.
    Ok(removed.into())
}
