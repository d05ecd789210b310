//! Native finalizers: run a Rust closure after a JS object has been collected, the way V8's weak
//! callbacks and napi finalizers serve Node addons.
//!
//! Each context has one internal registry that no script can reach. [`on_collected`] registers the
//! object in it with a numeric id as held value and keeps the closure, keyed by that id, in plain
//! Rust state; the registry's callback looks the closure up and runs it. So a native finalizer rides
//! the same notification and the same cleanup jobs as JS callbacks: it runs at a job checkpoint, never
//! inside the collector, and may use the `Context`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsSymbol, JsValue, NativeFunction};

use crate::builtin;

type Finalizer = Box<dyn FnOnce(&mut Context)>;

/// The native finalizers of one context.
#[derive(Default)]
struct NativeFinalizers {
    registry: RefCell<Option<JsObject>>,
    pending: RefCell<HashMap<u64, Finalizer>>,
    next_id: Cell<u64>,
    run: Cell<u64>,
}

impl NativeFinalizers {
    fn of(context: &mut Context) -> Rc<Self> {
        if let Some(state) = context.get_data::<Rc<Self>>() {
            return Rc::clone(state);
        }
        let state = Rc::new(Self::default());
        context.insert_data(Rc::clone(&state));
        state
    }

    fn registry(&self, context: &mut Context) -> JsResult<JsObject> {
        if let Some(registry) = self.registry.borrow().as_ref() {
            return Ok(registry.clone());
        }
        let callback = NativeFunction::from_fn_ptr(run_finalizer).to_js_function(context.realm());
        let registry = builtin::new_internal_registry(callback.into(), context)?;
        *self.registry.borrow_mut() = Some(registry.clone());
        Ok(registry)
    }
}

/// The cleanup callback of the internal registry: runs the closure registered under the held id.
fn run_finalizer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let state = NativeFinalizers::of(context);
    let id = args.first().and_then(JsValue::as_number).unwrap_or(-1.0);
    let finalizer = state.pending.borrow_mut().remove(&(id as u64));
    if let Some(finalizer) = finalizer {
        state.run.set(state.run.get() + 1);
        finalizer(context);
    }
    Ok(JsValue::undefined())
}

/// A native finalizer waiting for its object to be collected; see [`on_collected`].
#[derive(Debug)]
#[must_use = "dropping a NativeRegistration does not cancel it; call `cancel` for that"]
pub struct NativeRegistration {
    id: u64,
    /// The cell's unregister token in the internal registry: a fresh symbol no script can see.
    token: JsSymbol,
}

impl NativeRegistration {
    /// Cancels the finalizer, like `unregister`: it will not run. Returns `false` if it already ran
    /// or was cancelled.
    pub fn cancel(self, context: &mut Context) -> bool {
        let state = NativeFinalizers::of(context);
        let cancelled = state.pending.borrow_mut().remove(&self.id).is_some();
        // The cell goes too, so cancelling on a long-lived object leaves nothing behind.
        let registry = state.registry.borrow().clone();
        if let Some(registry) = registry {
            // Cannot fail: the registry is one of ours and the token an unregistered symbol.
            let _ = builtin::unregister_internal(&registry, self.token.into(), context);
        }
        cancelled
    }
}

/// Runs `finalizer` after `object` has been garbage-collected.
///
/// The closure runs as a host job at the same checkpoints as JS cleanup callbacks (with
/// [`crate::CleanupExecutor`] or [`crate::run_cleanup_jobs`]), never inside the collector, so it may
/// use the `Context`. It must not hold `object` itself (that would keep it alive forever).
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use boa_engine::{Context, JsObject};
///
/// let mut context = Context::default();
/// let closed = Rc::new(Cell::new(false));
/// let flag = closed.clone();
/// let handle = JsObject::with_null_proto();
/// let registration =
///     boa_finalization::on_collected(&handle, move |_context| flag.set(true), &mut context).unwrap();
/// drop(handle);
/// boa_gc::force_collect();
/// boa_finalization::run_cleanup_jobs(&mut context);
/// assert!(closed.get());
/// assert!(!registration.cancel(&mut context)); // it already ran
/// ```
pub fn on_collected(
    object: &JsObject,
    finalizer: impl FnOnce(&mut Context) + 'static,
    context: &mut Context,
) -> JsResult<NativeRegistration> {
    let state = NativeFinalizers::of(context);
    let registry = state.registry(context)?;
    let id = state.next_id.get();
    state.next_id.set(id + 1);
    let held = JsValue::from(id as f64);
    let token = JsSymbol::new(None)
        .ok_or_else(|| JsNativeError::range().with_message("on_collected: out of symbols"))?;
    builtin::register_internal(&registry, object, held, token.clone().into(), context)?;
    state.pending.borrow_mut().insert(id, Box::new(finalizer));
    Ok(NativeRegistration { id, token })
}

/// The number of native finalizers of `context` that have run.
pub(crate) fn native_run(context: &Context) -> u64 {
    context
        .get_data::<Rc<NativeFinalizers>>()
        .map_or(0, |state| state.run.get())
}
