//! Installing the extension: into the current realm, into any realm, into new realms, and as a
//! boa_runtime [`RuntimeExtension`].

use boa_engine::{js_string, property::PropertyDescriptor, realm::Realm, Context, JsResult};

use crate::builtin;
use crate::delivery::require_delivery;
use crate::host::HostState;
use crate::options::InstallOptions;
use crate::registry::RegistryData;
use crate::report;
use crate::weak;

/// Installs this crate's `FinalizationRegistry` into the current realm of `context` with `options`
/// (see [`install`]); the options stay with the context, for the realms installed later.
///
/// # Errors
///
/// A `TypeError` when the context's job executor is not a [`crate::CleanupExecutor`] and `options`
/// do not declare [`InstallOptions::own_event_loop`]: cleanup callbacks would never run.
///
/// ```
/// use boa_engine::{Context, Source};
/// use boa_finalization::InstallOptions;
///
/// // Boa's SimpleJobExecutor, and a loop of our own that reaches the checkpoint.
/// let mut context = Context::default();
/// boa_finalization::install_with(&mut context, &InstallOptions::new().own_event_loop()).unwrap();
/// context
///     .eval(Source::from_bytes(
///         "globalThis.log = []; globalThis.r = new FinalizationRegistry(v => log.push(v));
///          r.register({}, 'gone');",
///     ))
///     .unwrap();
/// context.run_jobs().unwrap(); // the script's task and its microtasks are over
/// boa_gc::force_collect();
/// assert_eq!(boa_finalization::run_cleanup_jobs(&mut context), 1);
/// ```
pub fn install_with(context: &mut Context, options: &InstallOptions) -> JsResult<()> {
    require_delivery(context, options)?;
    HostState::of(context).set_options(options.clone());
    let realm = context.realm().clone();
    install_in_realm(&realm, context)
}

/// Installs this crate's `FinalizationRegistry` into the current realm of `context`, replacing Boa's
/// built-in global binding, and gives the realm's `WeakRef`, `WeakMap` and `WeakSet` the spec's
/// CanBeHeldWeakly (non-registered symbols as keys and targets; their instances stay Boa's own
/// objects) unless [`InstallOptions::keep_boa_weak_family`] says otherwise. Installing twice into one
/// realm does nothing the second time.
///
/// Boa 0.22 cannot collect a symbol: a symbol key or `WeakRef` target lives as long as its map, set
/// or `WeakRef`, and a registry cell whose target is a symbol is never delivered.
///
/// Cleanup callbacks run when the context's job loop reaches a checkpoint: use
/// [`crate::CleanupExecutor`] as the context's executor, or, for your own loop, call
/// [`crate::run_cleanup_jobs`] at its checkpoints and install with
/// [`InstallOptions::own_event_loop`] ([`install_with`]).
///
/// # Errors
///
/// A `TypeError` naming both fixes when the context's job executor is not a
/// [`crate::CleanupExecutor`] and no own event loop was declared: nothing would ever be delivered.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Context, Source};
/// use boa_finalization::CleanupExecutor;
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// boa_finalization::install(&mut context).unwrap();
/// let symbols_ok = context
///     .eval(Source::from_bytes(
///         "new FinalizationRegistry(() => {}).register(Symbol('s'), 1); true",
///     ))
///     .unwrap();
/// assert_eq!(symbols_ok.as_boolean(), Some(true));
///
/// // Boa's default executor never reaches a cleanup checkpoint: refused, with the fix.
/// let error = boa_finalization::install(&mut Context::default()).unwrap_err();
/// assert!(error.to_string().contains("CleanupExecutor"));
/// ```
pub fn install(context: &mut Context) -> JsResult<()> {
    install_with(context, &InstallOptions::default())
}

/// Installs this crate's `FinalizationRegistry` into `realm` (a realm of `context`), with the options
/// given last to [`install_with`].
///
/// # Errors
///
/// As [`install`]: a `TypeError` when cleanup callbacks would never run in `context`.
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
/// let realm = context.create_realm().unwrap(); // comes with Boa's own registry
/// boa_finalization::install_in_realm(&realm, &mut context).unwrap();
/// let previous = context.enter_realm(realm);
/// let accepted = context
///     .eval(Source::from_bytes("new FinalizationRegistry(() => {}).register(Symbol(), 1) === undefined"))
///     .unwrap();
/// context.enter_realm(previous);
/// assert_eq!(accepted.as_boolean(), Some(true));
/// ```
pub fn install_in_realm(realm: &Realm, context: &mut Context) -> JsResult<()> {
    require_delivery_as_installed(context)?;
    if realm.has_class::<RegistryData>() {
        return Ok(());
    }
    report::number_realm(realm);
    let previous = context.enter_realm(realm.clone());
    let result = define_global(realm, context);
    context.enter_realm(previous);
    result
}

/// [`require_delivery`] with the options the context was installed with.
fn require_delivery_as_installed(context: &mut Context) -> JsResult<()> {
    let options = HostState::of(context).options();
    require_delivery(context, &options)
}

fn define_global(realm: &Realm, context: &mut Context) -> JsResult<()> {
    // The weak family first: if a script made one of its properties non-configurable, the realm is
    // left without the extension (the error says why) and a later install can try again.
    if !HostState::of(context).options().keep_boa_weak_family {
        weak::install(realm, context)?;
    }
    let class = builtin::build(context);
    // The global binding of a builtin: { writable, not enumerable, configurable }.
    let binding = PropertyDescriptor::builder()
        .value(class.constructor())
        .writable(true)
        .enumerable(false)
        .configurable(true);
    context.global_object().define_property_or_throw(
        js_string!("FinalizationRegistry"),
        binding,
        context,
    )?;
    realm.register_class::<RegistryData>(class);
    Ok(())
}

/// Creates a new realm of `context` (as [`Context::create_realm`]) with the extension installed.
///
/// # Errors
///
/// As [`install`]; and the errors of [`Context::create_realm`].
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
/// let realm = boa_finalization::create_realm(&mut context).unwrap();
/// let previous = context.enter_realm(realm);
/// context
///     .eval(boa_engine::Source::from_bytes("new FinalizationRegistry(() => {}).register(Symbol(), 1)"))
///     .unwrap();
/// context.enter_realm(previous);
/// ```
pub fn create_realm(context: &mut Context) -> JsResult<Realm> {
    require_delivery_as_installed(context)?;
    let realm = context.create_realm()?;
    install_in_realm(&realm, context)?;
    Ok(realm)
}

/// The extension as a boa_runtime [`RuntimeExtension`](boa_runtime::RuntimeExtension): registers
/// into the given realm, or the current one, with the options given last to [`install_with`]
/// (so it fails as [`install`] does when cleanup would never run). Needs the `runtime` feature.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::context::ContextBuilder;
/// use boa_finalization::CleanupExecutor;
/// use boa_runtime::RuntimeExtension;
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// boa_finalization::FinalizationExtension.register(None, &mut context).unwrap();
/// ```
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct FinalizationExtension;

#[cfg(feature = "runtime")]
impl boa_runtime::RuntimeExtension for FinalizationExtension {
    fn register(self, realm: Option<Realm>, context: &mut Context) -> JsResult<()> {
        let realm = realm.unwrap_or_else(|| context.realm().clone());
        install_in_realm(&realm, context)
    }
}
