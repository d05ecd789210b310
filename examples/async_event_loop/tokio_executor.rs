//! The async inner executor of the example: a job loop on tokio's clock and a `sleep(ms)` async
//! native function. The example's `tests.rs` checks this very loop.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use boa_engine::{
    Context, JsArgs, JsResult, JsValue,
    job::{GenericJob, IntervalJob, Job, JobExecutor, NativeAsyncJob, PromiseJob, TimeoutJob},
};
use tokio::time::Instant;

/// A job loop on tokio's clock: timers in due order, generic jobs, and async jobs polled while the
/// loop waits. It runs promise jobs after each task, which is all a loop needs when it runs alone;
/// under `CleanupExecutor` it never sees promise jobs (the wrapper keeps them). Async-only: drive it
/// with `run_jobs_async` on a current-thread runtime inside a `LocalSet`.
#[derive(Default)]
pub(crate) struct TokioLoop {
    promise_jobs: RefCell<VecDeque<PromiseJob>>,
    generic_jobs: RefCell<VecDeque<GenericJob>>,
    async_jobs: RefCell<Vec<NativeAsyncJob>>,
    /// Keyed by due time, then by the order of scheduling, so timers due together run FIFO.
    timers: RefCell<BTreeMap<(Instant, u64), Timer>>,
    scheduled: Cell<u64>,
}

enum Timer {
    Once(TimeoutJob),
    Every(IntervalJob),
}

/// A running async job; it borrows the context (through the `RefCell`) only while it is polled.
type Running<'a> = Pin<Box<dyn Future<Output = JsResult<JsValue>> + 'a>>;

impl TokioLoop {
    fn schedule(&self, delay: Duration, timer: Timer) {
        let order = self.scheduled.get();
        self.scheduled.set(order + 1);
        self.timers
            .borrow_mut()
            .insert((Instant::now() + delay, order), timer);
    }

    fn run_promise_jobs(&self, context: &mut Context) {
        loop {
            let job = self.promise_jobs.borrow_mut().pop_front();
            let Some(job) = job else { break };
            report(job.call(context));
        }
    }

    /// Runs one task that is due (the earliest timer, else the oldest generic job) and its promise
    /// jobs; false if none is due.
    fn run_one_task(&self, context: &mut Context) -> bool {
        let due_timer = {
            let mut timers = self.timers.borrow_mut();
            match timers.first_key_value() {
                Some((&(at, _), _)) if at <= Instant::now() => timers.pop_first(),
                _ => None,
            }
        };
        if let Some((_, timer)) = due_timer {
            match timer {
                Timer::Once(job) if !job.cancelled() => report(job.call(context)),
                Timer::Every(job) if !job.cancelled() => {
                    report(job.call(context));
                    if !job.cancelled() {
                        self.schedule(job.interval().into(), Timer::Every(job));
                    }
                }
                Timer::Once(_) | Timer::Every(_) => {}
            }
        } else {
            let job = self.generic_jobs.borrow_mut().pop_front();
            let Some(job) = job else { return false };
            report(job.call(context));
        }
        self.run_promise_jobs(context);
        true
    }

    fn is_idle(&self) -> bool {
        self.promise_jobs.borrow().is_empty()
            && self.generic_jobs.borrow().is_empty()
            && self.async_jobs.borrow().is_empty()
            && self.timers.borrow().is_empty()
    }
}

/// Under `CleanupExecutor` tasks report their own errors and return `Ok`; this is for the loop
/// running alone.
fn report(result: JsResult<JsValue>) {
    if let Err(error) = result {
        eprintln!("Uncaught {error}");
    }
}

impl JobExecutor for TokioLoop {
    fn enqueue_job(self: Rc<Self>, job: Job, _context: &mut Context) {
        match job {
            Job::PromiseJob(job) => self.promise_jobs.borrow_mut().push_back(job),
            Job::GenericJob(job) => self.generic_jobs.borrow_mut().push_back(job),
            Job::AsyncJob(job) => self.async_jobs.borrow_mut().push(job),
            Job::TimeoutJob(job) => self.schedule(job.timeout().into(), Timer::Once(job)),
            Job::IntervalJob(job) => self.schedule(job.interval().into(), Timer::Every(job)),
            other => eprintln!("this loop does not run {other:?}"),
        }
    }

    /// There is no synchronous flavour: the loop lives on the host's tokio runtime, and blocking on
    /// a runtime of its own from inside that one would panic anyway. Panicking here, with a message
    /// that says so, also lets the example's `tests.rs` prove that `CleanupExecutor` takes the
    /// async path.
    fn run_jobs(self: Rc<Self>, _: &mut Context) -> JsResult<()> {
        panic!(
            "the synchronous run_jobs was called: TokioLoop is async-only, await run_jobs_async"
        );
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
            let ran_a_task = {
                let context = &mut context.borrow_mut();
                // Promise jobs queued outside any task (by the script's evaluation) come first.
                self.run_promise_jobs(context);
                self.run_one_task(context)
            };
            if ran_a_task {
                // One task per turn, then let the other tasks of the thread run.
                tokio::task::yield_now().await;
                continue;
            }
            if running.is_empty() && self.is_idle() {
                return Ok(());
            }
            // Nothing is due: wait for the next timer, for an async job to finish, or for one to
            // queue new work.
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
                        report(result);
                        false
                    }
                    Poll::Pending => true,
                });
                let woke = running.len() < before
                    || self.scheduled.get() != scheduled
                    || !self.promise_jobs.borrow().is_empty()
                    || !self.generic_jobs.borrow().is_empty()
                    || !self.async_jobs.borrow().is_empty()
                    || sleep
                        .as_mut()
                        .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
                if woke { Poll::Ready(()) } else { Poll::Pending }
            })
            .await;
        }
    }
}

/// `sleep(ms)`: a promise that tokio resolves after `ms` milliseconds (an async job in Boa's terms).
pub(crate) fn sleep(
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
