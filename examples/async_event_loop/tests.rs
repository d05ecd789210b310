//! `CleanupExecutor` under an async inner executor: `run_jobs_async` awaits the inner executor's
//! `run_jobs_async` (the inner one, the example's tokio loop, panics if its synchronous `run_jobs` is
//! called), and the completion of an async job is a task: its promise jobs, ClearKeptObjects and
//! cleanup follow.
//!
//! They test the example's own executor, not a copy: its synchronous `run_jobs` panics (it is
//! async-only), which is what the last test relies on.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use boa_engine::{Context, JsValue, Source, job::JobExecutor};
use boa_finalization::CleanupExecutor;

use crate::tokio_executor::TokioLoop;

/// The example's context, with a `log()` that records into `globalThis.__log`.
fn async_context() -> (Rc<CleanupExecutor>, Context) {
    let executor = Rc::new(CleanupExecutor::new(TokioLoop::default()));
    let mut context = crate::context(&executor).expect("context");
    eval(
        &mut context,
        "globalThis.__log = []; globalThis.log = (...a) => { __log.push(a.map(String).join(' ')); };",
    );
    (executor, context)
}

fn eval(context: &mut Context, code: &str) -> JsValue {
    context
        .eval(Source::from_bytes(code.as_bytes()))
        .unwrap_or_else(|e| panic!("script threw: {e}\n{code}"))
}

/// Takes what `log()` recorded so far.
fn take_log(context: &mut Context) -> Vec<String> {
    let text = eval(context, "__log.splice(0).join('\\n')");
    let text = text.as_string().expect("string").to_std_string_escaped();
    text.lines().map(str::to_owned).collect()
}

/// Runs `future` on a current-thread tokio runtime, with a `LocalSet` for `!Send` tasks.
fn block_on_local<F: Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    tokio::task::LocalSet::new().block_on(&runtime, future)
}

#[test]
fn run_jobs_async_awaits_the_inner_async_loop_and_yields_to_other_tasks() {
    let (executor, mut context) = async_context();
    eval(
        &mut context,
        r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        (() => fr.register({}, 'before the sleep'))();
        gc();
        (async () => {
            await sleep(40);
            (() => fr.register({}, 'after the sleep'))();
            gc();
            log('woke up');
        })();
    ",
    );
    let ticks = Rc::new(Cell::new(0));
    block_on_local(async {
        let counter = Rc::clone(&ticks);
        let ticker = tokio::task::spawn_local(async move {
            for _ in 0..3 {
                tokio::time::sleep(Duration::from_millis(5)).await;
                counter.set(counter.get() + 1);
            }
        });
        Rc::clone(&executor)
            .run_jobs_async(&RefCell::new(&mut context))
            .await
            .expect("run_jobs_async reports errors, never returns them");
        ticker.await.expect("ticker");
    });
    assert_eq!(
        take_log(&mut context),
        [
            "cleanup before the sleep",
            "woke up",
            "cleanup after the sleep"
        ]
    );
    assert_eq!(ticks.get(), 3);
}

#[test]
fn an_async_job_completion_is_a_task_promise_jobs_clear_kept_objects_then_cleanup() {
    let (executor, mut context) = async_context();
    eval(
        &mut context,
        r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        sleep(5).then(() => {
            (() => fr.register({}, 'x'))();
            globalThis.ref = (() => new WeakRef({}))();
            gc();
            log('continuation', ref.deref() !== undefined);
            Promise.resolve().then(() => log('promise job'));
            setTimeout(() => {
                gc();
                log('next task', ref.deref() === undefined);
            }, 0);
        });
        // Keeps the inner loop busy: the completion's promise jobs must not wait for it.
        setTimeout(() => log('late timer'), 60);
    ",
    );
    block_on_local(Rc::clone(&executor).run_jobs_async(&RefCell::new(&mut context)))
        .expect("run_jobs_async");
    assert_eq!(
        take_log(&mut context),
        [
            "continuation true",
            "promise job",
            "cleanup x",
            "next task true",
            "late timer"
        ]
    );
}

#[test]
fn cleanup_made_due_between_two_run_jobs_async_calls_runs_in_the_second() {
    let (executor, mut context) = async_context();
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(v => log('cleanup ' + v));
         globalThis.target = {}; fr.register(target, 'x');",
    );
    block_on_local(Rc::clone(&executor).run_jobs_async(&RefCell::new(&mut context)))
        .expect("first");
    eval(&mut context, "target = null;");
    boa_gc::force_collect();
    block_on_local(Rc::clone(&executor).run_jobs_async(&RefCell::new(&mut context)))
        .expect("second");
    assert_eq!(take_log(&mut context), ["cleanup x"]);
}

#[test]
#[should_panic(expected = "the synchronous run_jobs was called")]
fn the_inner_loop_detects_the_synchronous_path() {
    let (_executor, mut context) = async_context();
    let _ = context.run_jobs();
}
