//! The embedder's `HostHooks`: `[[CleanupCallback]]` comes from HostMakeJobCallback and every
//! callback runs through HostCallJobCallback; its HostPromiseRejectionTracker, paired with the
//! executor's checkpoint hook, sees rejections the way node reports them.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use boa_engine::{
    Context, JsObject, JsResult, JsValue,
    builtins::promise::{OperationType, Promise, PromiseState},
    context::{ContextBuilder, HostHooks},
    job::JobCallback,
    object::builtins::{JsFunction, JsPromise},
};
use boa_finalization::CleanupExecutor;
use common::{eval, turn};

/// Counts the two hooks and calls through, as the defaults do.
#[derive(Default)]
struct CountingHooks {
    made: Cell<usize>,
    called: Cell<usize>,
}

impl HostHooks for CountingHooks {
    fn make_job_callback(&self, callback: JsFunction, _context: &mut Context) -> JobCallback {
        self.made.set(self.made.get() + 1);
        JobCallback::new(callback, ())
    }

    fn call_job_callback(
        &self,
        job: &JobCallback,
        this: &JsValue,
        args: &[JsValue],
        context: &mut Context,
    ) -> JsResult<JsValue> {
        self.called.set(self.called.get() + 1);
        job.callback().call(this, args, context)
    }
}

#[test]
fn cleanup_callbacks_go_through_the_embedders_host_hooks() {
    let hooks = Rc::new(CountingHooks::default());
    let mut context = ContextBuilder::new()
        .host_hooks(Rc::clone(&hooks))
        .job_executor(Rc::new(CleanupExecutor::default()))
        .build()
        .unwrap();
    boa_finalization::install(&mut context).unwrap();
    eval(
        &mut context,
        "globalThis.log = [];
         globalThis.r = new FinalizationRegistry(held => log.push(held));
         for (const held of ['a', 'b', 'c']) r.register({}, held);",
    );
    assert_eq!(
        hooks.made.get(),
        1,
        "one JobCallback per registry, made at construction"
    );
    let called_before = hooks.called.get();
    boa_gc::force_collect();
    turn(&mut context);
    let log = eval(&mut context, "log.sort().join()");
    assert_eq!(log.as_string().unwrap().to_std_string_escaped(), "a,b,c");
    assert_eq!(hooks.called.get() - called_before, 3);
}

/// An embedder's rejection tracker: the promises rejected without a handler so far.
#[derive(Default)]
struct RejectionHooks {
    unhandled: RefCell<Vec<JsObject>>,
}

impl HostHooks for RejectionHooks {
    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<Promise>,
        operation: OperationType,
        _context: &mut Context,
    ) {
        let promise = promise.clone().upcast();
        let mut unhandled = self.unhandled.borrow_mut();
        match operation {
            OperationType::Reject => unhandled.push(promise),
            OperationType::Handle => unhandled.retain(|p| p != &promise),
        }
    }
}

#[test]
fn the_checkpoint_hook_sees_each_tasks_unhandled_rejections_after_its_microtasks() {
    let hooks = Rc::new(RejectionHooks::default());
    let executor = Rc::new(CleanupExecutor::default());
    // What each checkpoint found still unhandled: the reasons, as strings.
    let found = Rc::new(RefCell::new(Vec::<String>::new()));
    let (tracker, record) = (Rc::clone(&hooks), Rc::clone(&found));
    executor.set_checkpoint_hook(move |_context| {
        for promise in tracker.unhandled.borrow_mut().drain(..) {
            if let PromiseState::Rejected(reason) = JsPromise::from_object(promise).unwrap().state()
            {
                record.borrow_mut().push(reason.display().to_string());
            }
        }
    });
    let mut context = ContextBuilder::new()
        .host_hooks(Rc::clone(&hooks))
        .job_executor(executor)
        .build()
        .unwrap();
    common::set_up(&mut context);
    eval(
        &mut context,
        "Promise.reject('plain');
         const handled = Promise.reject('handled in its task');
         Promise.resolve().then(() => handled.catch(() => {}));
         (async () => { throw 'async function'; })();
         const late = Promise.reject('handled a task later');
         setTimeout(() => late.catch(() => {}), 0);
         globalThis.r = new FinalizationRegistry(async held => { throw held; });
         (() => r.register({}, 'async cleanup callback'))();
         gc();",
    );
    turn(&mut context);
    assert_eq!(
        *found.borrow(),
        [
            "\"plain\"",
            "\"async function\"",
            "\"handled a task later\"",
            "\"async cleanup callback\"",
        ]
    );
}
