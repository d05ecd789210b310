//! Unhandled promise rejections reported as node reports them: the embedder's
//! `HostHooks::promise_rejection_tracker` records rejected promises without a handler, and
//! `CleanupExecutor::set_checkpoint_hook` reports those still unhandled when their task's
//! microtasks have all run. The crate never takes the embedder's `HostHooks`; it only gives the
//! checkpoint.
//!
//! Run: `cargo run --example unhandled_rejections`.

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::{
    Context, JsObject, JsResult, Source,
    builtins::promise::{OperationType, Promise, PromiseState},
    context::{ContextBuilder, HostHooks},
    object::builtins::JsPromise,
};
use boa_finalization::CleanupExecutor;

/// The embedder's hooks: the promises rejected so far that still have no handler.
#[derive(Default)]
struct RejectionTracker {
    unhandled: RefCell<Vec<JsObject<Promise>>>,
}

impl HostHooks for RejectionTracker {
    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<Promise>,
        operation: OperationType,
        _context: &mut Context,
    ) {
        let mut unhandled = self.unhandled.borrow_mut();
        match operation {
            OperationType::Reject => unhandled.push(promise.clone()),
            // A handler added later in the same task: not an unhandled rejection after all.
            OperationType::Handle => unhandled.retain(|other| other != promise),
        }
    }
}

/// The promise's rejection reason, as one line.
fn reason(promise: &JsObject<Promise>) -> String {
    match JsPromise::from(promise.clone()).state() {
        PromiseState::Rejected(reason) => reason.display().to_string(),
        _ => "(not rejected)".into(),
    }
}

fn main() -> JsResult<()> {
    let tracker = Rc::new(RejectionTracker::default());
    let executor = Rc::new(CleanupExecutor::default());
    let reports = Rc::new(RefCell::new(Vec::new()));

    // The end of every microtask checkpoint: whatever is still unhandled stayed so for its task.
    let (hooked_tracker, hooked_reports) = (Rc::clone(&tracker), Rc::clone(&reports));
    executor.set_checkpoint_hook(move |_context| {
        for promise in hooked_tracker.unhandled.borrow_mut().drain(..) {
            hooked_reports
                .borrow_mut()
                .push(format!("Uncaught (in promise) {}", reason(&promise)));
        }
    });

    let mut context = ContextBuilder::new()
        .host_hooks(tracker)
        .job_executor(executor)
        .build()?;
    boa_finalization::install(&mut context)?;
    context.eval(Source::from_bytes(
        r#"
        Promise.reject(new Error("nobody handles this"));
        const late = Promise.reject("handled in the same task");
        Promise.resolve().then(() => late.catch(() => {}));
        "#,
    ))?;
    context.run_jobs()?;

    let reports = reports.borrow();
    for report in reports.iter() {
        println!("{report}");
    }
    assert_eq!(reports.len(), 1, "only the first rejection stays unhandled");
    Ok(())
}
