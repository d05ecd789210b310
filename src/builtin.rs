//! The `FinalizationRegistry` builtin: constructor, prototype methods and the cleanup job, each spec
//! step numbered as in ECMA-262 (`sec-finalization-registry-objects`, `sec-cleanup-finalization-registry`).

use std::rc::Rc;

use boa_engine::{
    class::Class,
    js_string,
    object::{builtins::JsWeakMap, ConstructorBuilder, ObjectInitializer},
    property::Attribute,
    realm::Realm,
    Context, JsData, JsNativeError, JsObject, JsResult, JsSymbol, JsValue, NativeFunction,
};
use boa_gc::{Finalize, Trace};

use crate::cells::{CellId, CellStore, Link, Role};
use crate::events::event;
use crate::host::HostState;
use crate::notify::{Inbox, Note, RegistryId};

/// The internal slots of a `FinalizationRegistry` instance.
#[derive(Trace, JsData)]
pub(crate) struct RegistryData {
    /// `[[Realm]]`: where the cleanup job runs and where its errors are reported.
    realm: Realm,
    /// `[[CleanupCallback]]`.
    callback: JsObject,
    /// `[[Cells]]`: the held values, kept alive while their cells exist.
    cells: CellStore<JsValue>,
    /// target or token object -> its [`Note`]; weak in its keys, so it keeps neither alive.
    notes: JsWeakMap,
    #[unsafe_ignore_trace]
    inbox: Rc<Inbox>,
    /// Callbacks made so far, and how many of them threw (for [`crate::registry_stats`]).
    delivered: u64,
    errors: u64,
}

impl Finalize for RegistryData {
    fn finalize(&self) {
        self.inbox.notify_registry_died();
    }
}

impl std::fmt::Debug for RegistryData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FinalizationRegistry")
            .field("cells", &self.cells.len())
            .finish_non_exhaustive()
    }
}

impl RegistryData {
    /// The registry's id in its context's host state.
    pub(crate) fn id(&self) -> RegistryId {
        self.inbox.registry()
    }

    /// This registry's numbers.
    pub(crate) fn stats(&self) -> crate::RegistryStats {
        let awaiting_cleanup = self.cells.pending_len() + self.inbox.dead_len();
        crate::RegistryStats {
            live_cells: self.cells.len().saturating_sub(awaiting_cleanup),
            awaiting_cleanup,
            callbacks_delivered: self.delivered,
            callback_errors: self.errors,
        }
    }
}

/// `Class` is implemented only so that Boa's `construct` performs OrdinaryCreateFromConstructor with
/// the realm fallback of GetPrototypeFromConstructor; [`constructor`] runs steps 1 and 2 first.
impl Class for RegistryData {
    const NAME: &'static str = "FinalizationRegistry";
    const LENGTH: usize = 1;

    fn init(_class: &mut boa_engine::class::ClassBuilder<'_>) -> JsResult<()> {
        Ok(())
    }

    fn data_constructor(
        _new_target: &JsValue,
        args: &[JsValue],
        context: &mut Context,
    ) -> JsResult<Self> {
        let callback = args
            .first()
            .and_then(JsValue::as_callable)
            .ok_or_else(|| JsNativeError::typ().with_message("unreachable: checked in step 2"))?;
        let host = HostState::of(context)?;
        let inbox = Inbox::new(host.next_registry_id(), &host.queue());
        Ok(Self {
            // 4. Let fn be the active function object.
            // 5. Set finalizationRegistry.[[Realm]] to fn.[[Realm]].
            realm: context.realm().clone(),
            // 6. Set finalizationRegistry.[[CleanupCallback]] to HostMakeJobCallback(cleanupCallback).
            callback,
            // 7. Set finalizationRegistry.[[Cells]] to a new empty List.
            cells: CellStore::default(),
            notes: JsWeakMap::new(context),
            inbox,
            delivered: 0,
            errors: 0,
        })
    }

    fn object_constructor(
        instance: &JsObject<Self>,
        _args: &[JsValue],
        context: &mut Context,
    ) -> JsResult<()> {
        let id = instance.borrow().data().id();
        HostState::of(context)?.track_registry(id, &instance.clone().upcast())
    }
}

/// A registry that no script can reach, for the crate's own use (native finalizers): its callback is
/// `callback`, its realm the current one, and it is tracked like any other registry.
pub(crate) fn new_internal_registry(
    callback: JsObject,
    context: &mut Context,
) -> JsResult<JsObject> {
    let data = RegistryData::data_constructor(&JsValue::undefined(), &[callback.into()], context)?;
    let id = data.id();
    let registry = JsObject::from_proto_and_data(None, data);
    HostState::of(context)?.track_registry(id, &registry)?;
    Ok(registry)
}

/// `registry.register(target, heldValue)` from Rust.
pub(crate) fn register_internal(
    registry: &JsObject,
    target: &JsObject,
    held_value: JsValue,
    context: &mut Context,
) -> JsResult<()> {
    register(
        &registry.clone().into(),
        &[target.clone().into(), held_value],
        context,
    )
    .map(drop)
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
fn constructor(new_target: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    // 1. If NewTarget is undefined, throw a TypeError exception.
    if new_target.is_undefined() {
        return Err(JsNativeError::typ()
            .with_message("FinalizationRegistry: the constructor must be called with `new`")
            .into());
    }
    // 2. If IsCallable(cleanupCallback) is false, throw a TypeError exception.
    if !args.first().is_some_and(JsValue::is_callable) {
        return Err(JsNativeError::typ()
            .with_message("FinalizationRegistry: the cleanup callback (argument 1) is not callable")
            .into());
    }
    // 3. Let finalizationRegistry be ? OrdinaryCreateFromConstructor(NewTarget,
    //    "%FinalizationRegistry.prototype%", « [[Realm]], [[CleanupCallback]], [[Cells]] »).
    //    Steps 4 to 7 are in `data_constructor`.
    // 8. Return finalizationRegistry.
    RegistryData::construct(new_target, args, context).map(JsValue::from)
}

/// RequireInternalSlot(this, [[Cells]]), naming the method in the error.
fn this_registry(this: &JsValue, method: &str) -> JsResult<JsObject> {
    this.as_object()
        .filter(|object| object.is::<RegistryData>())
        .ok_or_else(|| {
            JsNativeError::typ()
                .with_message(format!(
                    "FinalizationRegistry.prototype.{method}: `this` is not a FinalizationRegistry"
                ))
                .into()
        })
}

/// A value that passed CanBeHeldWeakly, with what the registry needs to track it.
enum WeakKey {
    Object(JsObject),
    Symbol(JsSymbol),
}

/// CanBeHeldWeakly ( v )
fn can_be_held_weakly(value: &JsValue, context: &mut Context) -> JsResult<Option<WeakKey>> {
    // 1. If v is an Object, return true.
    if let Some(object) = value.as_object() {
        return Ok(Some(WeakKey::Object(object)));
    }
    // 2. If v is a Symbol and KeyForSymbol(v) is undefined, return true.
    if let Some(symbol) = value.as_symbol() {
        if HostState::of(context)?
            .key_for_symbol(&symbol, context)?
            .is_none()
        {
            return Ok(Some(WeakKey::Symbol(symbol)));
        }
    }
    // 3. Return false.
    Ok(None)
}

fn weak_argument_error(method: &str, argument: &str, value: &JsValue) -> JsNativeError {
    JsNativeError::typ().with_message(format!(
        "FinalizationRegistry.prototype.{method}: {argument} must be an object or a non-registered \
         symbol, got {}",
        value.type_of()
    ))
}

/// `FinalizationRegistry.prototype.register ( target, heldValue [ , unregisterToken ] )`
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
    let target_key = can_be_held_weakly(target, context)?
        .ok_or_else(|| weak_argument_error("register", "the target (argument 1)", target))?;
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
            return Err(weak_argument_error(
                "register",
                "the unregister token (argument 3), if given,",
                token,
            )
            .into())
        }
        // b. Set unregisterToken to empty.
        None => None,
    };
    // 6. Let cell be the Record { [[WeakRefTarget]]: target, [[HeldValue]]: heldValue,
    //    [[UnregisterToken]]: unregisterToken }.
    // 7. Append cell to finalizationRegistry.[[Cells]].
    //    The held value goes into the slab first; then the target and the token learn the cell id
    //    (an allocation there may collect: the cell is already traced, the target is rooted here).
    let (id, notes) = {
        let mut data = data_mut(&registry);
        let id = data.cells.insert(held_value.clone());
        (id, data.notes.clone())
    };
    let token_is_target = match (&target_key, &token_key) {
        (WeakKey::Object(target), Some(WeakKey::Object(token))) => JsObject::equals(target, token),
        _ => false,
    };
    match &target_key {
        WeakKey::Object(target) => {
            let role = if token_is_target {
                Role::Both
            } else {
                Role::Target
            };
            attach(&registry, &notes, target, id, role, context)?;
        }
        WeakKey::Symbol(_) => watch_symbol_target(id),
    }
    match &token_key {
        Some(WeakKey::Object(token)) if !token_is_target => {
            attach(&registry, &notes, token, id, Role::Token, context)?;
        }
        Some(WeakKey::Symbol(symbol)) => data_mut(&registry)
            .cells
            .index_symbol_token(symbol.hash(), id),
        Some(WeakKey::Object(_)) | None => {}
    }
    event!(trace, registry = data(&registry).id(), "cell registered");
    // 8. Return undefined.
    Ok(JsValue::undefined())
}

/// The note of `object` in the registry's map `notes`, if the registry has seen the object before.
fn note_of(
    notes: &JsWeakMap,
    object: &JsObject,
    context: &mut Context,
) -> JsResult<Option<JsObject>> {
    Ok(notes.get(object, context)?.as_object())
}

/// Records that `object` plays `role` in the cell `id`: in its note's link if it has a note, else in
/// a new note made with that link (one object and one weak-map entry, the floor of this design).
///
/// No borrow of the registry is held while the map runs or the note is allocated (either may
/// collect).
fn attach(
    registry: &JsObject,
    notes: &JsWeakMap,
    object: &JsObject,
    id: CellId,
    role: Role,
    context: &mut Context,
) -> JsResult<()> {
    if let Some(note) = note_of(notes, object, context)? {
        let note = note.downcast_ref::<Note>().expect("notes hold Note data");
        let link = data_mut(registry).cells.link(note.cells.get(), id, role);
        note.cells.set(link);
        return Ok(());
    }
    let inbox = Rc::clone(&data(registry).inbox);
    let note =
        ObjectInitializer::with_native_data(Note::new(inbox, Link::one(role, id)), context).build();
    notes.set(object, note.into(), context)?;
    Ok(())
}

/// The internal slots of `registry`, which RequireInternalSlot (or the host's bookkeeping) has
/// already checked to be a registry.
fn data(registry: &JsObject) -> boa_engine::object::Ref<'_, RegistryData> {
    registry
        .downcast_ref::<RegistryData>()
        .expect("checked to be a FinalizationRegistry")
}

/// [`data`], mutable. Never held across a call into JS or an allocation.
fn data_mut(registry: &JsObject) -> boa_engine::object::RefMut<'_, RegistryData> {
    registry
        .downcast_mut::<RegistryData>()
        .expect("checked to be a FinalizationRegistry")
}

/// What happens to a cell whose target is a symbol.
///
/// Boa 0.22 offers no weak reference to a symbol, so its death cannot be observed: the cell stays
/// until `unregister` removes it and its callback never runs. The registry keeps only the cell id, not
/// the symbol. This is the one place to change when Boa can report a symbol's collection.
fn watch_symbol_target(_id: CellId) {}

/// `FinalizationRegistry.prototype.unregister ( unregisterToken )`
fn unregister(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let token = args.first().cloned().unwrap_or_default();
    // 1. Let finalizationRegistry be the this value.
    // 2. Perform ? RequireInternalSlot(finalizationRegistry, [[Cells]]).
    let registry = this_registry(this, "unregister")?;
    // 3. If CanBeHeldWeakly(unregisterToken) is false, throw a TypeError exception.
    let token_key = can_be_held_weakly(&token, context)?.ok_or_else(|| {
        weak_argument_error("unregister", "the unregister token (argument 1)", &token)
    })?;
    // 4. Let removed be false.
    // 5. For each Record cell of finalizationRegistry.[[Cells]] whose [[UnregisterToken]] is
    //    unregisterToken: remove cell and set removed to true. Only this token's cells are visited.
    let notes = data(&registry).notes.clone();
    let removed = match &token_key {
        WeakKey::Object(object) => match note_of(&notes, object, context)? {
            Some(note) => {
                let note = note.downcast_ref::<Note>().expect("notes hold Note data");
                let (token, rest) = note.cells.get().take_token();
                note.cells.set(rest);
                data_mut(&registry).cells.remove_all(token)
            }
            None => false,
        },
        WeakKey::Symbol(symbol) => {
            let mut data = data_mut(&registry);
            let links = data.cells.take_symbol_token(symbol.hash());
            data.cells.remove_all(links)
        }
    };
    // 6. Return removed.
    Ok(removed.into())
}

/// CleanupFinalizationRegistry ( finalizationRegistry ), as run by a host cleanup job.
///
/// Returns the number of callbacks made. On an abrupt completion the cells not yet delivered stay in
/// `[[Cells]]`; the caller reports the error and schedules another job.
pub(crate) fn cleanup_finalization_registry(
    registry: &JsObject,
    delivered: &mut usize,
    context: &mut Context,
) -> JsResult<()> {
    // 1. Assert: finalizationRegistry has [[Cells]] and [[CleanupCallback]] internal slots.
    // 2. Let callback be finalizationRegistry.[[CleanupCallback]].
    let (callback, reset_notes) = {
        let mut data = data_mut(registry);
        let dead = data.inbox.take_dead_cells();
        data.cells.targets_died(dead);
        (data.callback.clone(), data.inbox.take_notes_map_reset())
    };
    if reset_notes {
        let empty = JsWeakMap::new(context);
        data_mut(registry).notes = empty;
    }
    // 3. While finalizationRegistry.[[Cells]] contains a Record cell such that
    //    cell.[[WeakRefTarget]] is empty, an implementation may perform the following steps:
    loop {
        // a. Choose any such cell.
        // b. Remove cell from finalizationRegistry.[[Cells]].
        let held = data_mut(registry).cells.next_pending();
        let Some(held) = held else { break };
        // c. Perform ? HostCallJobCallback(callback, undefined, « cell.[[HeldValue]] »).
        *delivered += 1;
        let result = callback.call(&JsValue::undefined(), &[held], context);
        if let Some(mut data) = registry.downcast_mut::<RegistryData>() {
            data.delivered += 1;
            data.errors += u64::from(result.is_err());
        }
        result?;
    }
    // 4. Return unused.
    Ok(())
}

/// The realm and the remaining work of a registry, for error reporting and rescheduling.
pub(crate) fn realm_and_pending(registry: &JsObject) -> (Realm, bool) {
    let data = data(registry);
    (data.realm.clone(), data.cells.has_pending())
}

/// Requeues `registry` for a later cleanup job.
pub(crate) fn requeue(registry: &JsObject) {
    let data = data(registry);
    data.inbox.requeue();
}
