//! Installing the extension: into the current realm, into any realm, into new realms, and as a
//! boa_runtime [`RuntimeExtension`](boa_runtime::RuntimeExtension). Each install takes its
//! [`InstallOptions`]: none reads the options of an earlier one.

use boa_engine::{
    Context, JsObject, JsResult, js_string, property::PropertyDescriptor, realm::Realm,
};

use crate::builtin;
use crate::delivery::require_delivery;
use crate::options::InstallOptions;
use crate::realm;
use crate::state::ContextState;
use crate::weak;

/// Installs this crate's `FinalizationRegistry` into the current realm of `context` with `options`
/// (see [`install`]). Only this install uses them: other realms get the options their own install
/// is given ([`install_in_realm`], [`create_realm`], `FinalizationExtension`).
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
    let realm = context.realm().clone();
    install_in_realm(&realm, context, options)
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

/// Installs this crate's `FinalizationRegistry` into `realm` (a realm of `context`) with `options`,
/// as [`install_with`] does into the current realm. The options are those given here, whatever an
/// earlier install into another realm was given. Installing into a realm that already has the
/// extension does nothing.
///
/// # Errors
///
/// As [`install_with`]: a `TypeError` when cleanup callbacks would never run in `context` with
/// `options`.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Source};
/// use boa_finalization::{CleanupExecutor, InstallOptions};
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// let realm = context.create_realm().unwrap(); // comes with Boa's own registry
/// boa_finalization::install_in_realm(&realm, &mut context, &InstallOptions::new()).unwrap();
/// let previous = context.enter_realm(realm);
/// let accepted = context
///     .eval(Source::from_bytes("new FinalizationRegistry(() => {}).register(Symbol(), 1) === undefined"))
///     .unwrap();
/// context.enter_realm(previous);
/// assert_eq!(accepted.as_boolean(), Some(true));
/// ```
pub fn install_in_realm(
    realm: &Realm,
    context: &mut Context,
    options: &InstallOptions,
) -> JsResult<()> {
    require_delivery(context, options)?;
    let state = ContextState::of(context);
    if options.own_event_loop {
        state.declare_own_event_loop();
    }
    if realm::is_installed(realm) {
        return Ok(());
    }
    let previous = context.enter_realm(realm.clone());
    let result = define_global(realm, options, context);
    context.enter_realm(previous);
    let prototype = result?;
    realm::record_install(realm, state.next_realm_number(), prototype);
    Ok(())
}

/// Defines the realm's globals (the current realm's); gives its `%FinalizationRegistry.prototype%`.
fn define_global(
    realm: &Realm,
    options: &InstallOptions,
    context: &mut Context,
) -> JsResult<JsObject> {
    // The weak family first: if a script made one of its properties non-configurable, the realm is
    // left without the extension (the error says why) and a later install can try again.
    if !options.keep_boa_weak_family {
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
    Ok(class.prototype())
}

/// Creates a new realm of `context` (as [`Context::create_realm`]) with the extension installed
/// with `options` (as [`install_in_realm`]).
///
/// # Errors
///
/// As [`install_with`]; and the errors of [`Context::create_realm`].
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::context::ContextBuilder;
/// use boa_finalization::{CleanupExecutor, InstallOptions};
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// let realm = boa_finalization::create_realm(&mut context, &InstallOptions::new()).unwrap();
/// let previous = context.enter_realm(realm);
/// context
///     .eval(boa_engine::Source::from_bytes("new FinalizationRegistry(() => {}).register(Symbol(), 1)"))
///     .unwrap();
/// context.enter_realm(previous);
/// ```
pub fn create_realm(context: &mut Context, options: &InstallOptions) -> JsResult<Realm> {
    require_delivery(context, options)?;
    let realm = context.create_realm()?;
    install_in_realm(&realm, context, options)?;
    Ok(realm)
}

/// The extension as a boa_runtime [`RuntimeExtension`](boa_runtime::RuntimeExtension), carrying the
/// [`InstallOptions`] it installs with: it installs into the given realm, or the current one, as
/// [`install_in_realm`] does with those options (so it fails as [`install`] does when cleanup would
/// never run). `FinalizationExtension::default()` has the default options. Needs the `runtime`
/// feature.
///
/// ```
/// use std::rc::Rc;
/// use boa_engine::{context::ContextBuilder, Context};
/// use boa_finalization::{CleanupExecutor, FinalizationExtension, InstallOptions};
/// use boa_runtime::RuntimeExtension;
///
/// let mut context = ContextBuilder::new()
///     .job_executor(Rc::new(CleanupExecutor::default()))
///     .build()
///     .unwrap();
/// FinalizationExtension::default().register(None, &mut context).unwrap();
///
/// // A loop of its own that calls `run_cleanup_jobs`: the options say so.
/// let mut own_loop = Context::default();
/// let extension = FinalizationExtension::new(InstallOptions::new().own_event_loop());
/// extension.register(None, &mut own_loop).unwrap();
/// ```
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
#[derive(Debug, Clone, Default)]
pub struct FinalizationExtension {
    options: InstallOptions,
}

#[cfg(feature = "runtime")]
impl FinalizationExtension {
    /// The extension, installing with `options`.
    #[must_use]
    pub fn new(options: InstallOptions) -> Self {
        Self { options }
    }

    /// The options it installs with.
    #[must_use]
    pub fn options(&self) -> &InstallOptions {
        &self.options
    }
}

#[cfg(feature = "runtime")]
impl boa_runtime::RuntimeExtension for FinalizationExtension {
    fn register(self, realm: Option<Realm>, context: &mut Context) -> JsResult<()> {
        let realm = realm.unwrap_or_else(|| context.realm().clone());
        install_in_realm(&realm, context, &self.options)
    }
}
