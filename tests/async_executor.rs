//! `CleanupExecutor` under an async inner executor: `run_jobs_async` awaits the inner executor's
//! `run_jobs_async` (the inner one here panics if its synchronous `run_jobs` is called), and the
//! completion of an async job is a task: its promise jobs, ClearKeptObjects and cleanup follow.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use boa_engine::{
    context::ContextBuilder,
    job::{GenericJob, Job, JobExecutor, NativeAsyncJob, TimeoutJob},
    js_string, Context, JsArgs, JsResult, JsValue, NativeFunction,
};
use boa_finalization::CleanupExecutor;
use common::{eval, take_log};
use tokio::time::Instant;

/// An async-only job loop: timers on tokio's clock, generic jobs, async jobs polled while it waits.
/// Its synchronous `run_jobs` panics, so a wrapper that takes the sync path fails the test.
#[derive(Default)]
struct AsyncOnly {
    generic_jobs: RefCell<VecDeque<GenericJob>>,
    async_jobs: RefCell<Vec<NativeAsyncJob>>,
    timers: RefCell<BTreeMap<(Instant, u64), TimeoutJob>>,
    scheduled: Cell<u64>,
}

type Running<'a> = Pin<Box<dyn Future<Output = JsResult<JsValue>> + 'a>>;

impl AsyncOnly {
    /// Runs the earliest due timer, else the oldest generic job; false if none is due.
    fn run_one_task(&self, context: &mut Context) -> bool {
        let due_timer = {
            let mut timers = self.timers.borrow_mut();
            match timers.first_key_value() {
                Some((&(at, _), _)) if at <= Instant::now() => timers.pop_first(),
                _ => None,
            }
        };
        let result = if let Some((_, job)) = due_timer {
            if job.cancelled() {
                return true;
            }
            job.call(context)
        } else {
            let job = self.generic_jobs.borrow_mut().pop_front();
            let Some(job) = job else { return false };
            job.call(context)
        };
        result.expect("CleanupExecutor's tasks report their own errors");
        true
    }

    fn has_work(&self) -> bool {
        !self.generic_jobs.borrow().is_empty()
            || !self.async_jobs.borrow().is_empty()
            || !self.timers.borrow().is_empty()
    }
}

impl JobExecutor for AsyncOnly {
    fn enqueue_job(self: Rc<Self>, job: Job, _: &mut Context) {
        match job {
            Job::GenericJob(job) => self.generic_jobs.borrow_mut().push_back(job),
            Job::AsyncJob(job) => self.async_jobs.borrow_mut().push(job),
            Job::TimeoutJob(job) => {
                let order = self.scheduled.get();
                self.scheduled.set(order + 1);
                let due = Instant::now() + Duration::from(job.timeout());
                self.timers.borrow_mut().insert((due, order), job);
            }
            other => panic!("this loop does not expect {other:?}"),
        }
    }

    fn run_jobs(self: Rc<Self>, _: &mut Context) -> JsResult<()> {
        panic!("the synchronous run_jobs was called: the async loop was bypassed");
    }

    async fn run_jobs_async(self: Rc<Self>, context: &RefCell<&mut Context>) -> JsResult<()> {
        let mut running: Vec<Running<'_>> = Vec::new();
        loop {
            let started = std::mem::take(&mut *self.async_jobs.borrow_mut());
            running.extend(
                started
                    .into_iter()
                    .map(|job| Box::pin(job.call(context)) as Running<'_>),
            );
            if self.run_one_task(&mut context.borrow_mut()) {
                tokio::task::yield_now().await;
                continue;
            }
            if running.is_empty() && !self.has_work() {
                return Ok(());
            }
            let next_timer = self
                .timers
                .borrow()
                .first_key_value()
                .map(|(&(at, _), _)| at);
            let mut sleep = next_timer.map(|at| Box::pin(tokio::time::sleep_until(at)));
            let scheduled = self.scheduled.get();
            poll_fn(|cx| {
                let before = running.len();
                running.retain_mut(|job| match job.as_mut().poll(cx) {
                    Poll::Ready(result) => {
                        result.expect("CleanupExecutor's async tasks report their own errors");
                        false
                    }
                    Poll::Pending => true,
                });
                let woke = running.len() < before
                    || self.scheduled.get() != scheduled
                    || !self.generic_jobs.borrow().is_empty()
                    || !self.async_jobs.borrow().is_empty()
                    || sleep
                        .as_mut()
                        .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
                if woke {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
        }
    }
}

/// `sleep(ms)`: an async job that tokio completes after `ms` milliseconds.
fn sleep(
    _: &JsValue,
    args: &[JsValue],
    context: &RefCell<&mut Context>,
) -> impl Future<Output = JsResult<JsValue>> {
    let millis = args.get_or_undefined(0).to_u32(&mut context.borrow_mut());
    async move {
        tokio::time::sleep(Duration::from_millis(u64::from(millis?))).await;
        Ok(JsValue::undefined())
    }
}

fn async_context() -> (Rc<CleanupExecutor<AsyncOnly>>, Context) {
    let executor = Rc::new(CleanupExecutor::new(AsyncOnly::default()));
    let mut context = ContextBuilder::new()
        .job_executor(Rc::clone(&executor))
        .build()
        .expect("context");
    boa_runtime::register(boa_finalization::FinalizationExtension, None, &mut context)
        .expect("runtime");
    context
        .register_global_builtin_callable(
            js_string!("sleep"),
            1,
            NativeFunction::from_async_fn(sleep),
        )
        .expect("sleep");
    context
        .register_global_callable(
            js_string!("gc"),
            0,
            NativeFunction::from_fn_ptr(|_, _, _| {
                boa_gc::force_collect();
                Ok(JsValue::undefined())
            }),
        )
        .expect("gc");
    eval(
        &mut context,
        "globalThis.__log = []; globalThis.log = (...a) => { __log.push(a.map(String).join(' ')); };",
    );
    (executor, context)
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
