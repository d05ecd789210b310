//! Native finalizers: run a Rust closure after a JS object has been collected, the way V8's weak
//! callbacks and napi finalizers serve Node addons.
//!
//! Each context has one internal registry that no script can reach. [`on_collected`] registers the
//! object in it with a numeric id as held value and keeps the closure, keyed by that id, in plain
//! Rust state; the registry's callback looks the closure up and runs it. So a native finalizer rides
//! the same notification and the same cleanup jobs as JS callbacks: it runs at a job checkpoint, never
//! inside the collector, and may use the `Context`.

use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsSymbol, JsValue, NativeFunction};

use crate::builtin;
use crate::host::run_cleanup_jobs;
use crate::state::{ContextState, NativeFinalizer};

/// The internal registry of `context`'s native finalizers, made on first use.
fn internal_registry(state: &ContextState, context: &mut Context) -> JsResult<JsObject> {
    if let Some(registry) = state.native_registry() {
        return Ok(registry);
    }
    let callback = NativeFunction::from_fn_ptr(run_finalizer).to_js_function(context.realm());
    let registry = builtin::new_internal_registry(callback.into(), context)?;
    state.set_native_registry(registry.clone());
    Ok(registry)
}

/// Takes the finalizer `id` out and removes its cell; `None` if it already ran or was cancelled.
fn take(state: &ContextState, id: u64, context: &mut Context) -> Option<NativeFinalizer> {
    let (token, finalizer) = state.take_native(id)?;
    if let Some(registry) = state.native_registry() {
        // Cannot fail: the registry is one of ours and the token an unregistered symbol.
        let _ = builtin::unregister_internal(&registry, token.into(), context);
    }
    Some(finalizer)
}

fn run(state: &ContextState, finalizer: NativeFinalizer, context: &mut Context) {
    state.count_native_run();
    finalizer(context);
}

/// The cleanup callback of the internal registry: runs the closure registered under the held id.
#[allow(clippy::unnecessary_wraps)] // a `NativeFunction` returns a `JsResult`
fn run_finalizer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let state = ContextState::of(context);
    let Some(id) = args.first().and_then(finalizer_id) else {
        return Ok(JsValue::undefined());
    };
    // The cell was just delivered: only the closure is left to take.
    if let Some((_, finalizer)) = state.take_native(id) {
        run(&state, finalizer, context);
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
        let state = ContextState::of(context);
        take(&state, self.id, context).is_some()
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
/// captured `File` or socket is still closed by its own `Drop`); a debug build then says so once on
/// stderr (`boa_finalization: a context was dropped with N native finalizer(s) that never ran; ...`),
/// a release build says nothing.
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
    let state = ContextState::of(context);
    let registry = internal_registry(&state, context)?;
    let id = state.next_native_id();
    let held = JsValue::from(id as f64);
    let token = JsSymbol::new(None)
        .ok_or_else(|| JsNativeError::range().with_message("on_collected: out of symbols"))?;
    builtin::register_internal(&registry, object, held, token.clone().into(), context)?;
    state.add_native(id, token, Box::new(finalizer));
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
/// A debug build says once on stderr when a context is dropped with native finalizers that never
/// ran and without a call to `shutdown`; after `shutdown`, dropping the context is silent (and a
/// release build is always silent).
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
    let state = ContextState::of(context);
    state.mark_shut_down();
    let before = state.totals().native_run;
    run_cleanup_jobs(context);
    // The ones waiting now; one may cancel another (then it is skipped) or register more (those
    // stay, so a finalizer that re-registers cannot keep shutdown from returning).
    for id in state.pending_native_ids() {
        if let Some(finalizer) = take(&state, id, context) {
            run(&state, finalizer, context);
        }
    }
    usize::try_from(state.totals().native_run - before).unwrap_or(usize::MAX)
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
