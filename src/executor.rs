//! [`CleanupExecutor`]: a `JobExecutor` wrapper that gives FinalizationRegistry cleanup the place the
//! HTML event loop gives it: a task of its own, queued behind the tasks that were already due.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use boa_engine::{
    Context, JsError, JsResult, JsValue,
    context::time::JsInstant,
    job::{
        CancellationToken, GenericJob, IntervalJob, Job, JobExecutor, NativeAsyncJob, NativeJob,
        NativeJobFn, PromiseJob, SimpleJobExecutor, TimeoutJob,
    },
};

use crate::gc_stress::GcStress;
use crate::host::{has_pending_cleanup, report_job_error, run_next_cleanup_job};

/// Adds FinalizationRegistry cleanup jobs to any inner [`JobExecutor`] (Boa's [`SimpleJobExecutor`]
/// by default, timers included), in the order of the HTML event loop.
///
/// The wrapper keeps the promise-job queue itself and hands every other job to the inner executor,
/// with timer, interval, generic and async jobs wrapped so that each one is a *task*: when it has run
/// (for an async job: when its future completes), its promise jobs run and kept objects are cleared.
///
/// # When cleanup callbacks run
///
/// HTML's HostEnqueueFinalizationRegistryCleanupJob queues a task, so a collection during task `T`
/// makes cleanup due the way a timer falls due:
///
/// 1. `T` runs to its end; then its promise jobs run and ClearKeptObjects happens.
/// 2. The tasks that were already due when the cleanup was queued (the second of two
///    `setTimeout(f, 0)` scheduled together) run first, each followed by its own promise jobs.
/// 3. The *cleanup task* runs one cleanup job per registry a collection made dirty, each followed by
///    its promise jobs and ClearKeptObjects.
/// 4. Tasks that fall due later (a timer that expires after the collection, one scheduled after
///    `gc()`) run after it.
///
/// The cleanup task is queued once per batch of dirty registries: when the task that caused the
/// collection ends, or earlier, when that task schedules another task (so `gc(); setTimeout(f, 0)`
/// runs the cleanup first, as browsers do). The script's own evaluation counts as the first task: it
/// ends when `run_jobs` starts. The wrapper keeps the order itself, whatever order the inner executor
/// picks and whatever its clock: every wrapped task knows when it fell due (a timeout when it
/// expires, an interval's tick `interval` after the previous tick *ended*, a generic job when it was
/// enqueued), and the cleanup task runs at the first task boundary where no task that fell due
/// before it is still waiting, or before a task that fell due after it, whichever comes first.
///
/// So `gc()` never calls back synchronously, a pending timer, an interval or a chain of 0 ms timers
/// never starves cleanup, every dirty registry is cleaned, and this holds across any number of
/// `run_jobs` calls: cleanup made due after `run_jobs` returned runs in the next one. An inner
/// executor that drops a task, or never runs it, does not hold the cleanup back beyond the end of
/// its loop: what is still queued then runs before `run_jobs` returns. Errors from jobs go to the
/// error reporter ([`crate::set_error_reporter`]) and the loop goes on: no queue is dropped unless
/// the embedder ends the loop ([`CleanupExecutor::stop`]).
///
/// [`run_jobs_async`](JobExecutor::run_jobs_async) awaits the inner executor's `run_jobs_async`, so an
/// embedder's async loop stays async; the wrapper's own work happens inside the tasks it wrapped, and
/// before and after the inner loop. An async job ([`Job::AsyncJob`]) is a task that ends when its
/// future completes. `examples/async_event_loop/` runs one on tokio.
///
/// [`Self::with_gc_stress`] makes the loop collect at every checkpoint or before every job
/// ([`GcStress`]), to test code whose behaviour depends on when the collector runs.
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
pub struct CleanupExecutor {
    inner: Box<dyn InnerExecutor>,
    promise_jobs: RefCell<VecDeque<PromiseJob>>,
    /// The cleanup task's place in the queue, while one is queued.
    queued_cleanup: Cell<Option<QueueKey>>,
    /// The places of the wrapped tasks that wait in the inner executor: the cleanup task runs once
    /// none of them is ahead of it.
    waiting: RefCell<BTreeSet<QueueKey>>,
    /// Numbers tasks in the order they were queued, to order tasks that fell due at the same instant.
    next_sequence: Cell<u64>,
    /// Set while cleanup jobs run, so that the tasks their callbacks schedule do not queue another
    /// cleanup task for registries that this one is about to clean.
    cleaning: Cell<bool>,
    /// Called when each microtask checkpoint is over (see [`CleanupExecutor::set_checkpoint_hook`]).
    checkpoint_hook: RefCell<Option<Rc<CheckpointHook>>>,
    /// The collections the loop forces on its own (see [`CleanupExecutor::with_gc_stress`]).
    gc_stress: GcStress,
    /// The error [`CleanupExecutor::stop`] ended the loop with, until `run_jobs` returns it.
    stopped: RefCell<Option<JsError>>,
}

/// What [`CleanupExecutor::set_checkpoint_hook`] takes.
type CheckpointHook = dyn Fn(&mut Context);

/// Where a task stands in the HTML task queue: the instant it fell due, then the order it was queued
/// in. A task runs after every task with a smaller key.
type QueueKey = (JsInstant, u64);

/// The inner executor with its type erased, so that `CleanupExecutor` is one type whatever it wraps
/// (and `Context::downcast_job_executor::<CleanupExecutor>()` finds it). Not `dyn JobExecutor`:
/// `JobExecutor::run_jobs_async` needs `Self: Sized`, and an async inner loop must stay async.
trait InnerExecutor {
    fn enqueue_job(&self, job: Job, context: &mut Context);
    fn run_jobs(&self, context: &mut Context) -> JsResult<()>;
    fn run_jobs_async<'a, 'b>(
        &self,
        context: &'a RefCell<&'b mut Context>,
    ) -> Pin<Box<dyn Future<Output = JsResult<()>> + 'a>>;
    fn as_any(&self) -> Rc<dyn Any>;
}

impl<E: JobExecutor> InnerExecutor for Rc<E> {
    fn enqueue_job(&self, job: Job, context: &mut Context) {
        Rc::clone(self).enqueue_job(job, context);
    }

    fn run_jobs(&self, context: &mut Context) -> JsResult<()> {
        Rc::clone(self).run_jobs(context)
    }

    fn run_jobs_async<'a, 'b>(
        &self,
        context: &'a RefCell<&'b mut Context>,
    ) -> Pin<Box<dyn Future<Output = JsResult<()>> + 'a>> {
        Box::pin(Rc::clone(self).run_jobs_async(context))
    }

    fn as_any(&self) -> Rc<dyn Any> {
        Rc::clone(self) as Rc<dyn Any>
    }
}

impl fmt::Debug for CleanupExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CleanupExecutor")
            .field("promise_jobs", &self.promise_jobs.borrow().len())
            .field("queued_cleanup", &self.queued_cleanup.get())
            .field("waiting", &self.waiting.borrow().len())
            .field("gc_stress", &self.gc_stress)
            .finish_non_exhaustive()
    }
}

impl Default for CleanupExecutor {
    fn default() -> Self {
        Self::new(SimpleJobExecutor::new())
    }
}

impl CleanupExecutor {
    /// Wraps `inner`, which runs every job but promise jobs. An async `inner` keeps its
    /// [`run_jobs_async`](JobExecutor::run_jobs_async).
    ///
    /// The wrapper has one type whatever it wraps, so the crate (and you) can find it with
    /// `context.downcast_job_executor::<CleanupExecutor>()`; [`Self::inner`] gives `inner` back.
    #[must_use]
    pub fn new(inner: impl JobExecutor) -> Self {
        Self {
            inner: Box::new(Rc::new(inner)),
            promise_jobs: RefCell::default(),
            queued_cleanup: Cell::new(None),
            waiting: RefCell::default(),
            next_sequence: Cell::new(0),
            cleaning: Cell::new(false),
            checkpoint_hook: RefCell::default(),
            gc_stress: GcStress::Off,
            stopped: RefCell::default(),
        }
    }

    /// The same executor, forcing full collections as often as `level` says: at every microtask
    /// checkpoint ([`GcStress::Task`]) or also before every job ([`GcStress::Job`]). KeepDuringJob
    /// holds at every level: a `WeakRef` target made or read in a task lives until that task's
    /// checkpoint ends. See [`GcStress`] for an example.
    ///
    /// ```
    /// use boa_finalization::{CleanupExecutor, GcStress};
    ///
    /// let executor = CleanupExecutor::default().with_gc_stress(GcStress::Job);
    /// assert_eq!(executor.gc_stress(), GcStress::Job);
    /// assert_eq!(CleanupExecutor::default().gc_stress(), GcStress::Off);
    /// ```
    #[must_use]
    pub fn with_gc_stress(mut self, level: GcStress) -> Self {
        self.gc_stress = level;
        self
    }

    /// The stress level set by [`Self::with_gc_stress`] ([`GcStress::Off`] by default).
    #[must_use]
    pub fn gc_stress(&self) -> GcStress {
        self.gc_stress
    }

    /// The wrapped executor, if it is an `E`.
    ///
    /// ```
    /// use boa_engine::job::SimpleJobExecutor;
    /// use boa_finalization::CleanupExecutor;
    ///
    /// let executor = CleanupExecutor::default();
    /// assert!(executor.inner::<SimpleJobExecutor>().is_some());
    /// ```
    #[must_use]
    pub fn inner<E: JobExecutor>(&self) -> Option<Rc<E>> {
        self.inner.as_any().downcast().ok()
    }

    /// Runs the pending promise jobs, clears kept objects and runs every due cleanup job *now*, nested
    /// in the current task, each cleanup job followed by its promise jobs and ClearKeptObjects.
    ///
    /// The loop never needs this: it ends tasks itself and gives cleanup a task of its own. It is for
    /// test shells' `drainJobQueue()`, which drains the job queue from inside a task; the cleanup task
    /// queued for these registries, if any, leaves the queue.
    pub fn end_of_task(&self, context: &mut Context) {
        self.run_promise_jobs(context);
        context.clear_kept_objects();
        self.gc_stress.at_checkpoint();
        self.run_cleanup_task(context);
    }

    /// Sets the function called at the end of every microtask checkpoint: once the promise jobs of
    /// a task (a script run before [`run_jobs`](JobExecutor::run_jobs), a timer, a cleanup job, an
    /// [`Self::end_of_task`]) have all run, before ClearKeptObjects and cleanup.
    ///
    /// That is where HTML notifies about rejected promises and node reports unhandled rejections:
    /// a promise that [`HostHooks::promise_rejection_tracker`] saw rejected without a handler, and
    /// that is still unhandled here, stayed unhandled for its whole task. The crate never touches the
    /// embedder's `HostHooks`; pair the two to get node's report (the `finreg` shell does).
    ///
    /// [`HostHooks::promise_rejection_tracker`]: boa_engine::context::HostHooks::promise_rejection_tracker
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc};
    /// use boa_engine::{
    ///     builtins::promise::{OperationType, Promise},
    ///     context::{ContextBuilder, HostHooks},
    ///     Context, JsObject, Source,
    /// };
    /// use boa_finalization::CleanupExecutor;
    ///
    /// /// The embedder's hooks: the promises rejected so far that still have no handler.
    /// #[derive(Default)]
    /// struct Hooks(RefCell<Vec<JsObject<Promise>>>);
    ///
    /// impl HostHooks for Hooks {
    ///     fn promise_rejection_tracker(&self, p: &JsObject<Promise>, op: OperationType, _: &mut Context) {
    ///         let mut unhandled = self.0.borrow_mut();
    ///         match op {
    ///             OperationType::Reject => unhandled.push(p.clone()),
    ///             OperationType::Handle => unhandled.retain(|q| q != p),
    ///         }
    ///     }
    /// }
    ///
    /// let (hooks, executor) = (Rc::new(Hooks::default()), Rc::new(CleanupExecutor::default()));
    /// let reported = Rc::new(RefCell::new(0));
    /// let (tracker, count) = (Rc::clone(&hooks), Rc::clone(&reported));
    /// // Still unhandled once the task's microtasks have run: node would print and exit here.
    /// executor.set_checkpoint_hook(move |_context| {
    ///     *count.borrow_mut() += tracker.0.borrow_mut().drain(..).count();
    /// });
    /// let mut context = ContextBuilder::new()
    ///     .host_hooks(hooks)
    ///     .job_executor(executor)
    ///     .build()
    ///     .unwrap();
    /// context
    ///     .eval(Source::from_bytes(
    ///         "Promise.reject(1); const late = Promise.reject(2); Promise.resolve().then(() => late.catch(() => {}));",
    ///     ))
    ///     .unwrap();
    /// context.run_jobs().unwrap();
    /// assert_eq!(*reported.borrow(), 1); // `late` was handled within its task
    /// ```
    pub fn set_checkpoint_hook(&self, hook: impl Fn(&mut Context) + 'static) {
        *self.checkpoint_hook.borrow_mut() = Some(Rc::new(hook));
    }

    /// Ends the event loop now, as node ends the process at an unhandled rejection: no promise
    /// job, task or cleanup job runs after this call (the queued ones are dropped, pending cleanup
    /// stays pending), and the running [`run_jobs`](JobExecutor::run_jobs) returns `error` as soon
    /// as control comes back to it. Meant for the checkpoint hook; the embedder then decides what
    /// the error means (the `finreg` shell reports it and exits with status 1).
    ///
    /// A call outside `run_jobs` (from [`Self::end_of_task`]) makes the next `run_jobs` return
    /// `error` at once. The inner executor must drop its queue when one of its jobs fails, as
    /// Boa's [`SimpleJobExecutor`] does: the stopped wrapper's tasks fail with `error` without
    /// running.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use boa_engine::{
    ///     context::ContextBuilder,
    ///     job::{GenericJob, Job},
    ///     js_error, Context, Source,
    /// };
    /// use boa_finalization::CleanupExecutor;
    ///
    /// let executor = Rc::new(CleanupExecutor::default());
    /// let mut context = ContextBuilder::new()
    ///     .job_executor(executor.clone())
    ///     .build()
    ///     .unwrap();
    /// context.insert_data(executor.clone());
    /// // Ends the loop at the first checkpoint: after the script's promise jobs.
    /// executor.set_checkpoint_hook(|context: &mut Context| {
    ///     let executor = context.get_data::<Rc<CleanupExecutor>>().unwrap().clone();
    ///     executor.stop(js_error!("stopped at the first checkpoint"));
    /// });
    /// context
    ///     .eval(Source::from_bytes(
    ///         "globalThis.ran = []; Promise.resolve().then(() => ran.push('promise job'));",
    ///     ))
    ///     .unwrap();
    /// // A task queued behind the script: it never runs.
    /// let realm = context.realm().clone();
    /// let task = GenericJob::new(
    ///     |context| context.eval(Source::from_bytes("ran.push('task')")),
    ///     realm,
    /// );
    /// context.enqueue_job(Job::GenericJob(task));
    /// assert!(context.run_jobs().is_err());
    /// let ran = context.eval(Source::from_bytes("ran.join()")).unwrap();
    /// assert_eq!(ran.as_string().unwrap().to_std_string_escaped(), "promise job");
    /// ```
    pub fn stop(&self, error: JsError) {
        self.promise_jobs.borrow_mut().clear();
        self.queued_cleanup.set(None);
        *self.stopped.borrow_mut() = Some(error);
    }

    /// Whether [`Self::stop`] ended the loop and `run_jobs` has not returned its error yet.
    fn is_stopped(&self) -> bool {
        self.stopped.borrow().is_some()
    }

    /// The error of [`Self::stop`], once: `run_jobs` returns it.
    fn take_stop(&self) -> JsResult<()> {
        self.stopped.borrow_mut().take().map_or(Ok(()), Err)
    }

    /// Runs every queued promise job, including the ones they enqueue, then the checkpoint hook
    /// (the microtask checkpoint).
    fn run_promise_jobs(&self, context: &mut Context) {
        loop {
            if self.is_stopped() {
                return;
            }
            let job = self.promise_jobs.borrow_mut().pop_front();
            let Some(job) = job else { break };
            self.gc_stress.before_job();
            if let Err(error) = job.call(context) {
                report_job_error(&error, context);
            }
        }
        let hook = self.checkpoint_hook.borrow().clone();
        if let Some(hook) = hook {
            hook(context);
        }
    }

    /// The cleanup task: one cleanup job per dirty registry (including registries that its own
    /// callbacks' collections make dirty), each followed by its promise jobs and ClearKeptObjects, as
    /// if each were a task of its own.
    fn run_cleanup_task(&self, context: &mut Context) {
        self.queued_cleanup.set(None);
        let was_cleaning = self.cleaning.replace(true);
        while !self.is_stopped() && self.next_cleanup_job(context) {
            self.run_promise_jobs(context);
            context.clear_kept_objects();
            self.gc_stress.at_checkpoint();
        }
        self.cleaning.set(was_cleaning);
    }

    /// Runs one cleanup job, if any registry is dirty (after the stress collection before a job,
    /// which may make one dirty); says whether it ran one.
    fn next_cleanup_job(&self, context: &mut Context) -> bool {
        if self.gc_stress == GcStress::Job && has_pending_cleanup(context) {
            self.gc_stress.before_job();
        }
        run_next_cleanup_job(context)
    }

    /// The key of a task that falls due at `due`, queued now.
    fn key_at(&self, due: JsInstant) -> QueueKey {
        let sequence = self.next_sequence.get();
        self.next_sequence.set(sequence + 1);
        (due, sequence)
    }

    /// HostEnqueueFinalizationRegistryCleanupJob, as HTML does it: queue a task, behind the tasks due
    /// so far. One at a time is enough, since it cleans every dirty registry.
    fn queue_cleanup_task(&self, context: &Context) {
        if !self.cleaning.get()
            && self.queued_cleanup.get().is_none()
            && has_pending_cleanup(context)
        {
            self.queued_cleanup
                .set(Some(self.key_at(context.clock().now())));
        }
    }

    /// What precedes a task: the cleanup task, if it was queued before this task fell due (the inner
    /// executor may run a later task first: `SimpleJobExecutor` reschedules an interval from the
    /// start of its tick, and an executor without timers ignores due times).
    fn begin_task(&self, key: QueueKey, context: &mut Context) {
        if !self.is_stopped()
            && self
                .queued_cleanup
                .get()
                .is_some_and(|cleanup| cleanup < key)
        {
            self.run_cleanup_task(context);
        }
        self.gc_stress.before_job();
    }

    /// What follows every task: its promise jobs, ClearKeptObjects, and the cleanup task if it is
    /// next in the queue, that is, no task that fell due before it was queued is still waiting.
    fn end_task(&self, context: &mut Context) {
        self.run_promise_jobs(context);
        if self.is_stopped() {
            return;
        }
        context.clear_kept_objects();
        self.gc_stress.at_checkpoint();
        self.queue_cleanup_task(context);
        let cleanup_is_next = self.queued_cleanup.get().is_some_and(|cleanup| {
            self.waiting
                .borrow()
                .first()
                .is_none_or(|first| *first > cleanup)
        });
        if cleanup_is_next {
            self.run_cleanup_task(context);
        }
    }

    /// An error the inner loop returned goes to the reporter, unless it is the one a stopped task
    /// failed with ([`Self::stop`]).
    fn report_inner_error(&self, result: JsResult<()>, context: &mut Context) {
        if let Err(error) = result
            && !self.is_stopped()
        {
            report_job_error(&error, context);
        }
    }

    /// After the inner loop returned: runs the cleanup it left queued (the inner executor dropped or
    /// never ran a task ahead of it; it is idle, so nothing else will run first), and says whether
    /// nothing is left.
    fn idle_after_inner_loop(&self, context: &mut Context) -> bool {
        if self.is_stopped() {
            return true;
        }
        if self.queued_cleanup.get().is_some() || has_pending_cleanup(context) {
            self.run_cleanup_task(context);
        }
        self.promise_jobs.borrow().is_empty() && !has_pending_cleanup(context)
    }
}

/// A wrapped task's place in the queue while it waits in the inner executor. It leaves the queue
/// when the task starts, and when the inner executor drops the task unrun (cancelled, cleared).
struct Place {
    executor: Weak<CleanupExecutor>,
    key: Cell<Option<QueueKey>>,
}

impl Place {
    fn new(executor: &Rc<CleanupExecutor>, due: JsInstant) -> Self {
        let place = Self {
            executor: Rc::downgrade(executor),
            key: Cell::new(None),
        };
        place.wait(executor, due);
        place
    }

    fn wait(&self, executor: &CleanupExecutor, due: JsInstant) {
        let key = executor.key_at(due);
        executor.waiting.borrow_mut().insert(key);
        self.key.set(Some(key));
    }

    fn leave(&self) -> Option<(Rc<CleanupExecutor>, QueueKey)> {
        let key = self.key.take()?;
        let executor = self.executor.upgrade()?;
        executor.waiting.borrow_mut().remove(&key);
        Some((executor, key))
    }

    /// The task starts: it leaves the queue, after the cleanup task if that was ahead of it.
    fn start(&self, context: &mut Context) {
        if let Some((executor, key)) = self.leave() {
            executor.begin_task(key, context);
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.leave();
    }
}

/// The error a wrapped task fails with, without running, once [`CleanupExecutor::stop`] ended the
/// loop: the inner executor drops its queue on it.
fn stopped_error(executor: &Weak<CleanupExecutor>) -> JsResult<()> {
    match executor.upgrade() {
        Some(executor) => executor.stopped.borrow().clone().map_or(Ok(()), Err),
        None => Ok(()),
    }
}

/// What a wrapped task does once it has run: report its error, then end the task.
fn finish_task(
    executor: &Weak<CleanupExecutor>,
    result: JsResult<JsValue>,
    context: &mut Context,
) -> JsResult<JsValue> {
    if let Err(error) = result {
        report_job_error(&error, context);
    }
    if let Some(executor) = executor.upgrade() {
        executor.end_task(context);
    }
    stopped_error(executor)?;
    Ok(JsValue::undefined())
}

fn wrap_timeout(job: TimeoutJob, executor: &Rc<CleanupExecutor>, now: JsInstant) -> TimeoutJob {
    let place = Rc::new(Place::new(executor, now + job.timeout()));
    let executor = Rc::downgrade(executor);
    let timeout = job.timeout().as_millis();
    let original = job.cancellation_token().clone();
    leave_on_cancel(&original, &place);
    let wrapped = TimeoutJob::new(
        NativeJob::new(move |context| {
            stopped_error(&executor)?;
            place.start(context);
            let result = job.call(context);
            finish_task(&executor, result, context)
        }),
        timeout,
    );
    forward_cancellation(&original, wrapped.cancellation_token());
    wrapped
}

fn wrap_interval(job: IntervalJob, executor: &Rc<CleanupExecutor>, now: JsInstant) -> IntervalJob {
    let interval = job.interval();
    let place = Rc::new(Place::new(executor, now + interval));
    let executor = Rc::downgrade(executor);
    let original = job.cancellation_token().clone();
    leave_on_cancel(&original, &place);
    let wrapped = IntervalJob::new(
        NativeJobFn::new(move |context| {
            stopped_error(&executor)?;
            place.start(context);
            let result = job.call(context);
            let result = finish_task(&executor, result, context);
            // HTML reschedules a repeating timer once its callback has run: the next tick falls due
            // after any cleanup task this tick queued.
            if !job.cancelled()
                && let Some(executor) = executor.upgrade()
            {
                place.wait(&executor, context.clock().now() + interval);
            }
            result
        }),
        interval.as_millis(),
    );
    forward_cancellation(&original, wrapped.cancellation_token());
    wrapped
}

fn wrap_generic(job: GenericJob, executor: &Rc<CleanupExecutor>, now: JsInstant) -> GenericJob {
    let place = Place::new(executor, now);
    let executor = Rc::downgrade(executor);
    let realm = job.realm().clone();
    GenericJob::new(
        move |context| {
            stopped_error(&executor)?;
            place.start(context);
            let result = job.call(context);
            finish_task(&executor, result, context)
        },
        realm,
    )
}

/// An async job is a task that ends when its future completes: only then do its promise jobs,
/// ClearKeptObjects and cleanup follow (the future's realm handling stays in `job.call`). It takes
/// no place in the queue: nothing can tell when it will complete.
fn wrap_async(job: NativeAsyncJob, executor: Weak<CleanupExecutor>) -> NativeAsyncJob {
    NativeAsyncJob::new(async move |context: &RefCell<&mut Context>| {
        stopped_error(&executor)?;
        if let Some(executor) = executor.upgrade() {
            executor.gc_stress.before_job();
        }
        let result = job.call(context).await;
        finish_task(&executor, result, &mut context.borrow_mut())
    })
}

/// A cancelled timer leaves the queue at once, so that it does not hold the cleanup task back until
/// the inner executor gets round to dropping it.
fn leave_on_cancel(token: &CancellationToken, place: &Rc<Place>) {
    let place = Rc::downgrade(place);
    token.push_callback(move |_| {
        if let Some(place) = place.upgrade() {
            place.leave();
        }
    });
}

/// `clearTimeout`/`clearInterval` cancel the token of the job they created: pass that on to the
/// wrapper the inner executor sees.
fn forward_cancellation(original: &CancellationToken, wrapped: &CancellationToken) {
    let wrapped = wrapped.clone();
    original.push_callback(move |context| wrapped.cancel(context));
}

impl JobExecutor for CleanupExecutor {
    fn enqueue_job(self: Rc<Self>, job: Job, context: &mut Context) {
        if let Job::PromiseJob(job) = job {
            self.promise_jobs.borrow_mut().push_back(job);
            return;
        }
        // HTML queues the cleanup task during the collection; the collector's finalizers cannot reach
        // the executor, so the first moment is now, ahead of the task being queued.
        self.queue_cleanup_task(context);
        let now = context.clock().now();
        let job = match job {
            Job::TimeoutJob(job) => Job::TimeoutJob(wrap_timeout(job, &self, now)),
            Job::IntervalJob(job) => Job::IntervalJob(wrap_interval(job, &self, now)),
            Job::GenericJob(job) => Job::GenericJob(wrap_generic(job, &self, now)),
            Job::AsyncJob(job) => Job::AsyncJob(wrap_async(job, Rc::downgrade(&self))),
            other => other,
        };
        self.inner.enqueue_job(job, context);
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        loop {
            // The task that ran before this call (a script evaluation, a module...) ends here.
            self.end_task(context);
            if !self.is_stopped() {
                let result = self.inner.run_jobs(context);
                self.report_inner_error(result, context);
            }
            if self.idle_after_inner_loop(context) {
                return self.take_stop();
            }
        }
    }

    async fn run_jobs_async(self: Rc<Self>, context: &RefCell<&mut Context>) -> JsResult<()> {
        loop {
            self.end_task(&mut context.borrow_mut());
            if !self.is_stopped() {
                let result = self.inner.run_jobs_async(context).await;
                self.report_inner_error(result, &mut context.borrow_mut());
            }
            if self.idle_after_inner_loop(&mut context.borrow_mut()) {
                return self.take_stop();
            }
        }
    }
}
