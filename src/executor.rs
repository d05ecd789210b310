//! [`CleanupExecutor`]: a `JobExecutor` wrapper that gives every task the order the issue and the HTML
//! event loop prescribe: task -> its promise jobs -> ClearKeptObjects -> cleanup jobs -> next task.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use boa_engine::{
    job::{
        GenericJob, IntervalJob, Job, JobExecutor, NativeJob, NativeJobFn, PromiseJob,
        SimpleJobExecutor, TimeoutJob,
    },
    Context, JsResult, JsValue,
};

use crate::host::{has_pending_cleanup, report_job_error, run_next_cleanup_job};

/// Adds FinalizationRegistry cleanup jobs to any inner [`JobExecutor`] (Boa's [`SimpleJobExecutor`]
/// by default, timers included).
///
/// The wrapper keeps the promise-job queue itself and hands every other job to the inner executor,
/// with timer, interval and generic jobs wrapped so that, when one has run, its promise jobs run,
/// kept objects are cleared and a cleanup job runs for every registry a collection made dirty. So a
/// pending timer never starves cleanup, every dirty registry is cleaned, and this holds across any
/// number of `run_jobs` calls. Errors from jobs are reported to the error reporter
/// ([`crate::set_error_reporter`]) and the loop goes on: no queue is ever dropped.
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
/// context
///     .eval(Source::from_bytes(
///         "globalThis.seen = []; globalThis.fr = new FinalizationRegistry(v => seen.push(v));
///          fr.register({}, 'x');",
///     ))
///     .unwrap();
/// boa_gc::force_collect();
/// context.run_jobs().unwrap();
/// let seen = context.eval(Source::from_bytes("seen.join()")).unwrap();
/// assert_eq!(seen.as_string().unwrap().to_std_string_escaped(), "x");
/// ```
#[derive(Debug)]
pub struct CleanupExecutor<E: JobExecutor = SimpleJobExecutor> {
    inner: Rc<E>,
    promise_jobs: RefCell<VecDeque<PromiseJob>>,
}

impl Default for CleanupExecutor {
    fn default() -> Self {
        Self::new(SimpleJobExecutor::new())
    }
}

impl<E: JobExecutor> CleanupExecutor<E> {
    /// Wraps `inner`, which runs every job but promise jobs.
    #[must_use]
    pub fn new(inner: E) -> Self {
        Self {
            inner: Rc::new(inner),
            promise_jobs: RefCell::default(),
        }
    }

    /// The wrapped executor.
    #[must_use]
    pub fn inner(&self) -> &Rc<E> {
        &self.inner
    }

    /// Runs every queued promise job, including the ones they enqueue (the microtask checkpoint).
    fn run_promise_jobs(&self, context: &mut Context) {
        loop {
            let job = self.promise_jobs.borrow_mut().pop_front();
            let Some(job) = job else { break };
            if let Err(error) = job.call(context) {
                report_job_error(&error, context);
            }
        }
    }

    /// Everything that follows a task: its promise jobs, ClearKeptObjects, then one cleanup job per
    /// dirty registry, each followed by its own promise jobs and ClearKeptObjects.
    ///
    /// The loop calls this itself; call it directly only to drain jobs from inside a task, as test
    /// shells' `drainJobQueue()` does (the jobs then run nested in the current task).
    pub fn end_of_task(&self, context: &mut Context) {
        self.run_promise_jobs(context);
        context.clear_kept_objects();
        while run_next_cleanup_job(context) {
            self.run_promise_jobs(context);
            context.clear_kept_objects();
        }
    }
}

/// What a wrapped task does once it has run: report its error, then end the task.
fn finish_task<E: JobExecutor>(
    executor: &Weak<CleanupExecutor<E>>,
    result: JsResult<JsValue>,
    context: &mut Context,
) -> JsResult<JsValue> {
    if let Err(error) = result {
        report_job_error(&error, context);
    }
    if let Some(executor) = executor.upgrade() {
        executor.end_of_task(context);
    }
    Ok(JsValue::undefined())
}

fn wrap_timeout<E: JobExecutor>(job: TimeoutJob, executor: Weak<CleanupExecutor<E>>) -> TimeoutJob {
    let timeout = job.timeout().as_millis();
    let original = job.cancellation_token().clone();
    let wrapped = TimeoutJob::new(
        NativeJob::new(move |context| {
            let result = job.call(context);
            finish_task(&executor, result, context)
        }),
        timeout,
    );
    forward_cancellation(&original, wrapped.cancellation_token());
    wrapped
}

fn wrap_interval<E: JobExecutor>(
    job: IntervalJob,
    executor: Weak<CleanupExecutor<E>>,
) -> IntervalJob {
    let interval = job.interval().as_millis();
    let original = job.cancellation_token().clone();
    let wrapped = IntervalJob::new(
        NativeJobFn::new(move |context| {
            let result = job.call(context);
            finish_task(&executor, result, context)
        }),
        interval,
    );
    forward_cancellation(&original, wrapped.cancellation_token());
    wrapped
}

/// `clearTimeout`/`clearInterval` cancel the token of the job they created: pass that on to the
/// wrapper the inner executor sees.
fn forward_cancellation(
    original: &boa_engine::job::CancellationToken,
    wrapped: &boa_engine::job::CancellationToken,
) {
    let wrapped = wrapped.clone();
    original.push_callback(move |context| wrapped.cancel(context));
}

impl<E: JobExecutor> JobExecutor for CleanupExecutor<E> {
    fn enqueue_job(self: Rc<Self>, job: Job, context: &mut Context) {
        let this = Rc::downgrade(&self);
        let job = match job {
            Job::PromiseJob(job) => {
                self.promise_jobs.borrow_mut().push_back(job);
                return;
            }
            Job::TimeoutJob(job) => Job::TimeoutJob(wrap_timeout(job, this)),
            Job::IntervalJob(job) => Job::IntervalJob(wrap_interval(job, this)),
            Job::GenericJob(job) => {
                let realm = job.realm().clone();
                Job::GenericJob(GenericJob::new(
                    move |context| {
                        let result = job.call(context);
                        finish_task(&this, result, context)
                    },
                    realm,
                ))
            }
            other => other,
        };
        Rc::clone(&self.inner).enqueue_job(job, context);
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        loop {
            // The task that ran before this call (a script evaluation, a module...) ends here.
            self.end_of_task(context);
            if let Err(error) = Rc::clone(&self.inner).run_jobs(context) {
                report_job_error(&error, context);
            }
            if self.promise_jobs.borrow().is_empty() && !has_pending_cleanup(context) {
                return Ok(());
            }
        }
    }
}
