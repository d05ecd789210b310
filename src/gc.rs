//! `gc()` for scripts, as node's `--expose-gc` gives: the one way the shell, the tests and the xtask
//! let JavaScript force a collection, so that code using `FinalizationRegistry` can be tested.

use boa_engine::{Context, JsResult, JsValue, NativeFunction, js_string};

/// The native function behind `gc()`: a full, synchronous collection of boa_gc's heap (the current
/// thread's). Cleanup callbacks do not run inside it; they come later, as cleanup jobs at the next
/// checkpoint of the job loop. Returns `undefined`.
///
/// Use it to put `gc()` somewhere other than the global object (`$262.gc` of test262, say);
/// [`expose_gc`] defines the global.
#[must_use]
pub fn gc_function() -> NativeFunction {
    NativeFunction::from_fn_ptr(collect)
}

/// Defines a global `gc()` ([`gc_function`]) in the current realm of `context`, writable and
/// configurable but not enumerable, like node's `--expose-gc`. For tests and shells: a script that
/// can call it decides when collections happen (they cost time, nothing else).
///
/// # Errors
///
/// Fails as [`Context::register_global_callable`] does, when the global object refuses a new
/// `gc` property (it is non-extensible, or has a non-configurable `gc`).
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Source};
/// use boa_finalization::CleanupExecutor;
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// boa_finalization::install(&mut context).unwrap();
/// boa_finalization::expose_gc(&mut context).unwrap();
/// context
///     .eval(Source::from_bytes(
///         "new FinalizationRegistry(() => {}).register({}, 'held'); gc();",
///     ))
///     .unwrap();
/// assert!(boa_finalization::has_pending_cleanup(&context));
/// ```
pub fn expose_gc(context: &mut Context) -> JsResult<()> {
    context.register_global_callable(js_string!("gc"), 0, gc_function())
}

fn collect(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    boa_gc::force_collect();
    Ok(JsValue::undefined())
}
