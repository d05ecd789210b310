//! The embedder's `HostHooks`: `[[CleanupCallback]]` comes from HostMakeJobCallback and every
//! callback runs through HostCallJobCallback.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use boa_engine::{
    context::{ContextBuilder, HostHooks},
    job::JobCallback,
    object::builtins::JsFunction,
    Context, JsResult, JsValue,
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
