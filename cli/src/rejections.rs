//! Unhandled promise rejections, reported as node reports them by default.
//!
//! The shell's `HostHooks::promise_rejection_tracker` keeps the promises rejected without a handler,
//! and forgets one as soon as a handler is added. At the end of each task's microtask checkpoint (the
//! `CleanupExecutor` checkpoint hook), a promise still kept stayed unhandled for its whole task:
//! while files and `--eval` code run, the first one ends the job loop (`CleanupExecutor::stop`: no
//! more code runs) and the shell, once `run_jobs` has returned, reports it as
//! `Uncaught (in promise) ...` and exits with status 1, as node's default
//! `--unhandled-rejections=throw` ends the process; at the prompt each one is reported and the
//! prompt goes on, as node's REPL does.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use boa_engine::{
    Context, JsError, JsObject, JsResult, JsValue, NativeFunction,
    builtins::promise::{OperationType, Promise, PromiseState},
    context::HostHooks,
    object::builtins::{JsFunction, JsPromise},
};
use boa_finalization::CleanupExecutor;

/// What to do with a rejection found unhandled at a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnUnhandled {
    /// Files and `--eval` code: keep the first, end the job loop, and let the shell end the run
    /// with it (status 1).
    EndRun,
    /// The prompt: keep the report for the prompt to show, and go on.
    Report,
}

/// The rejected promises without a handler, and what to do about them.
#[derive(Debug)]
pub(crate) struct Rejections {
    /// Each unhandled rejected promise, with the order it was rejected in.
    unhandled: RefCell<HashMap<JsObject, u64>>,
    next_order: Cell<u64>,
    on_unhandled: Cell<OnUnhandled>,
    /// Reports made at the prompt, waiting for it to show them.
    reports: RefCell<Vec<String>>,
    /// The reason of the rejection that ended the run, until the shell reports it.
    ended_run: RefCell<Option<JsValue>>,
}

impl Rejections {
    /// A tracker that ends the run at the first unhandled rejection.
    pub(crate) fn new() -> Rc<Self> {
        Rc::new(Self {
            unhandled: RefCell::default(),
            next_order: Cell::new(0),
            on_unhandled: Cell::new(OnUnhandled::EndRun),
            reports: RefCell::default(),
            ended_run: RefCell::default(),
        })
    }

    /// The tracker of the shell's context.
    pub(crate) fn of(context: &Context) -> Option<Rc<Self>> {
        context.get_data::<Rc<Self>>().cloned()
    }

    pub(crate) fn set_on_unhandled(&self, on_unhandled: OnUnhandled) {
        self.on_unhandled.set(on_unhandled);
    }

    /// The end of a task's microtask checkpoint: deals with the rejections still unhandled. Ending
    /// the run stops the shell's `CleanupExecutor`, so that its `run_jobs` returns at once; Boa's
    /// own executor (`--registry builtin`) is only checked once its loop is over.
    pub(crate) fn checkpoint(&self, context: &mut Context) {
        let reasons = self.take_unhandled();
        match self.on_unhandled.get() {
            OnUnhandled::EndRun => {
                let Some(reason) = reasons.into_iter().next() else {
                    return;
                };
                if self.ended_run.borrow().is_some() {
                    return;
                }
                if let Some(executor) = context.get_data::<Rc<CleanupExecutor>>() {
                    executor.stop(JsError::from_opaque(reason.clone()));
                }
                *self.ended_run.borrow_mut() = Some(reason);
            }
            OnUnhandled::Report => {
                let reports: Vec<String> = reasons
                    .into_iter()
                    .map(|reason| describe_rejection(reason, context))
                    .collect();
                self.reports.borrow_mut().extend(reports);
            }
        }
    }

    /// `Uncaught (in promise) ...` for the rejection that ended the run, if one did; forgets it.
    pub(crate) fn take_end_of_run(&self, context: &mut Context) -> Option<String> {
        let reason = self.ended_run.borrow_mut().take()?;
        Some(describe_rejection(reason, context))
    }

    /// The reports made at the prompt since the last call.
    pub(crate) fn take_reports(&self) -> Vec<String> {
        std::mem::take(&mut self.reports.borrow_mut())
    }

    /// The reasons of the unhandled rejections, in the order they happened; forgets them.
    fn take_unhandled(&self) -> Vec<JsValue> {
        let mut unhandled: Vec<(JsObject, u64)> = self.unhandled.borrow_mut().drain().collect();
        unhandled.sort_by_key(|(_, order)| *order);
        unhandled
            .into_iter()
            .filter_map(|(promise, _)| match JsPromise::from_object(promise) {
                Ok(promise) => match promise.state() {
                    PromiseState::Rejected(reason) => Some(reason),
                    PromiseState::Pending | PromiseState::Fulfilled(_) => None,
                },
                Err(_) => None,
            })
            .collect()
    }
}

/// `Uncaught (in promise) Error: x`, with the backtrace of the error.
fn describe_rejection(reason: JsValue, context: &mut Context) -> String {
    let message = crate::describe(&JsError::from_opaque(reason), context);
    match message.strip_prefix("Uncaught ") {
        Some(rest) => format!("Uncaught (in promise) {rest}"),
        None => message,
    }
}

/// The shell's host hooks: Boa's defaults, and the rejection tracker.
#[derive(Debug)]
pub(crate) struct ShellHooks(pub(crate) Rc<Rejections>);

impl HostHooks for ShellHooks {
    /// HostPromiseRejectionTracker: keep a promise rejected without a handler, forget it when it
    /// gets one.
    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<Promise>,
        operation: OperationType,
        _context: &mut Context,
    ) {
        let rejections = &self.0;
        let promise = promise.clone().upcast();
        match operation {
            OperationType::Reject => {
                let order = rejections.next_order.get();
                rejections.next_order.set(order + 1);
                rejections.unhandled.borrow_mut().insert(promise, order);
            }
            OperationType::Handle => {
                rejections.unhandled.borrow_mut().remove(&promise);
            }
        }
    }
}

/// Adds a handler to a promise the shell itself waits for (a module's loading and evaluation), so
/// that its rejection is reported once, by the shell, as the module's error.
pub(crate) fn handled_by_shell(promise: &JsPromise, context: &mut Context) -> JsResult<()> {
    let ignore = NativeFunction::from_fn_ptr(|_, _, _| Ok(JsValue::undefined()));
    let ignore: JsFunction = ignore.to_js_function(context.realm());
    promise.then(None, Some(ignore), context).map(drop)
}
