//! Native finalizers: run a Rust closure after a JS object has been collected, the way V8's weak
//! callbacks and napi finalizers serve Node addons.
//!
//! Each context has one internal registry that no script can reach. [`on_collected`] registers the
//! object in it with a numeric id as held value and keeps the closure, keyed by that id, in plain
//! Rust state; the registry's callback looks the closure up and runs it. So a native finalizer rides
//! the same notification and the same cleanup jobs as JS callbacks: it runs at a job checkpoint, never
//! inside the collector, and may use the `Context`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsSymbol, JsValue, NativeFunction};

use crate::builtin;
use crate::host::run_cleanup_jobs;

type Finalizer = Box<dyn FnOnce(&mut Context)>;

/// A finalizer waiting to run, with the unregister token of its cell.
struct Pending {
    /// A fresh symbol no script can see: `cancel` and [`shutdown`] unregister the cell with it.
    token: JsSymbol,
    finalizer: Finalizer,
}

/// The native finalizers of one context.
#[derive(Default)]
struct NativeFinalizers {
    registry: RefCell<Option<JsObject>>,
    /// By id, which is registration order: [`shutdown`] runs them in that order.
    pending: RefCell<BTreeMap<u64, Pending>>,
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

    /// Takes the finalizer `id` out and removes its cell; `None` if it already ran or was cancelled.
    fn take(&self, id: u64, context: &mut Context) -> Option<Finalizer> {
        let pending = self.pending.borrow_mut().remove(&id)?;
        let registry = self.registry.borrow().clone();
        if let Some(registry) = registry {
            // Cannot fail: the registry is one of ours and the token an unregistered symbol.
            let _ = builtin::unregister_internal(&registry, pending.token.into(), context);
        }
        Some(pending.finalizer)
    }

    fn run(&self, finalizer: Finalizer, context: &mut Context) {
        self.run.set(self.run.get() + 1);
        finalizer(context);
    }
}

/// The cleanup callback of the internal registry: runs the closure registered under the held id.
fn run_finalizer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let state = NativeFinalizers::of(context);
    let Some(id) = args.first().and_then(finalizer_id) else {
        return Ok(JsValue::undefined());
    };
    // The cell was just delivered: only the closure is left to take.
    let pending = state.pending.borrow_mut().remove(&id);
    if let Some(pending) = pending {
        state.run(pending.finalizer, context);
    }
    Ok(JsValue::undefined())
}

/// The finalizer id a held value names: a whole number from 0 to 2^53 (ids are numbers, exact
/// below 2^53), else none.
fn finalizer_id(held: &JsValue) -> Option<u64> {
    let id = held.as_number()?;
    let exact = id >= 0.0 && id.fract() == 0.0 && id <= 9_007_199_254_740_992.0;
    // The cast is exact: a whole number within u64's range.
    exact.then_some(id as u64)
}

/// A native finalizer waiting for its object to be collected; see [`on_collected`].
///
/// Dropping a `NativeRegistration` does **not** cancel the finalizer (as a `FinalizationRegistry`
/// cell stays registered when its token is forgotten): keep it only if you may need [`cancel`].
///
/// [`cancel`]: NativeRegistration::cancel
#[derive(Debug)]
#[must_use = "dropping a NativeRegistration does not cancel it; call `cancel` for that"]
pub struct NativeRegistration {
    id: u64,
}

impl NativeRegistration {
    /// Cancels the finalizer, like `unregister`: it will not run, and its bookkeeping is released
    /// at once (even if the object lives on). Returns `false` if it already ran or was cancelled.
    pub fn cancel(self, context: &mut Context) -> bool {
        NativeFinalizers::of(context)
            .take(self.id, context)
            .is_some()
    }
}

/// Runs `finalizer` after `object` has been garbage-collected.
///
/// The closure runs as a host job at the same checkpoints as JS cleanup callbacks (with
/// [`crate::CleanupExecutor`] or [`crate::run_cleanup_jobs`]), never inside the collector, so it may
/// use the `Context`. It must not hold `object` itself (that would keep it alive forever).
///
/// What happens at the end of the context: call [`shutdown`] before dropping it to run every
/// finalizer not yet run, whether its object was collected or is still alive. A context dropped
/// without `shutdown` drops those closures unrun (and with them whatever they captured, so a
/// captured `File` or socket is still closed by its own `Drop`).
///
/// Dropping the returned [`NativeRegistration`] does not cancel the finalizer.
///
/// # Errors
///
/// Only when the context's internal registry is full: 2^29 native finalizers pending at once
/// (a `RangeError`).
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
    let finalizer = Box::new(finalizer);
    state
        .pending
        .borrow_mut()
        .insert(id, Pending { token, finalizer });
    Ok(NativeRegistration { id })
}

/// Ends the native finalizers of `context`, for a host about to drop it: runs the cleanup jobs that
/// are due (so finalizers of collected objects run as usual, and JS callbacks with them), then every
/// native finalizer still waiting, in registration order, whether its object was collected or is
/// still alive. Returns how many native finalizers ran.
///
/// JS cleanup callbacks of live targets are not called: no engine calls them at exit, and scripts
/// cannot rely on them. Finalizers registered during or after `shutdown` are handled as usual.
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use boa_engine::{Context, JsObject};
///
/// let mut context = Context::default();
/// let released = Rc::new(Cell::new(0));
/// let handles: Vec<JsObject> = (0..3).map(|_| JsObject::with_null_proto()).collect();
/// for handle in &handles {
///     let released = released.clone();
///     let _ = boa_finalization::on_collected(handle, move |_| released.set(released.get() + 1), &mut context)
///         .unwrap();
/// }
/// // The handles are still alive, but the host is shutting down.
/// assert_eq!(boa_finalization::shutdown(&mut context), 3);
/// assert_eq!(released.get(), 3);
/// ```
pub fn shutdown(context: &mut Context) -> usize {
    let before = native_run(context);
    run_cleanup_jobs(context);
    let state = NativeFinalizers::of(context);
    // The ones waiting now; one may cancel another (then it is skipped) or register more (those
    // stay, so a finalizer that re-registers cannot keep shutdown from returning).
    let waiting: Vec<u64> = state.pending.borrow().keys().copied().collect();
    for id in waiting {
        if let Some(finalizer) = state.take(id, context) {
            state.run(finalizer, context);
        }
    }
    usize::try_from(native_run(context) - before).unwrap_or(usize::MAX)
}

/// The number of native finalizers of `context` that have run.
pub(crate) fn native_run(context: &Context) -> u64 {
    context
        .get_data::<Rc<NativeFinalizers>>()
        .map_or(0, |state| state.run.get())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use boa_engine::{Context, JsObject, JsValue};

    use super::run_finalizer;

    /// The internal registry only ever holds ids, but a held value that is not one (negative,
    /// fractional, not a number) must name no finalizer, not finalizer 0.
    #[test]
    fn a_held_value_that_is_no_id_runs_no_finalizer() {
        let mut context = Context::default();
        let object = JsObject::with_null_proto();
        let ran = Rc::new(Cell::new(false));
        let seen = Rc::clone(&ran);
        let registration =
            super::on_collected(&object, move |_| seen.set(true), &mut context).unwrap();
        for bad in [
            JsValue::from(-1.0),
            JsValue::from(0.5),
            JsValue::from(f64::NAN),
            JsValue::undefined(),
        ] {
            run_finalizer(&JsValue::undefined(), &[bad], &mut context).unwrap();
        }
        assert!(!ran.get(), "a bad held value ran finalizer 0");
        assert!(registration.cancel(&mut context));
    }
}
