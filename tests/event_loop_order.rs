//! Cleanup jobs in the HTML event loop's order: HostEnqueueFinalizationRegistryCleanupJob queues a
//! task, so a cleanup made due during task T runs after the tasks already due when it was queued and
//! before every task that falls due later. These are the cases where node's order differs from the
//! browsers' (node runs the cleanup ahead of other expired timers of the same duration), and the
//! embedder-side cases: several `run_jobs` calls, draining from inside a task, other inner executors.

mod common;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use boa_engine::{
    Context, JsResult, JsValue, NativeFunction, Source,
    context::ContextBuilder,
    job::{GenericJob, IdleJobExecutor, Job, JobExecutor},
    js_string,
};
use boa_finalization::CleanupExecutor;
use common::{context, eval, register_gc_and_log, run, take_log, turn};

#[test]
fn two_zero_ms_timers_scheduled_together_both_run_before_the_cleanup_the_first_made_due() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        setTimeout(() => {
            log('t1');
            (() => fr.register({}, 'x'))();
            gc();
            Promise.resolve().then(() => log('t1 promise'));
            setTimeout(() => log('scheduled after gc'), 0);
        }, 0);
        setTimeout(() => {
            log('t2');
            Promise.resolve().then(() => log('t2 promise'));
        }, 0);
        // Far enough ahead that a loaded machine still reaches the cleanup first.
        setTimeout(() => log('due later'), 250);
    ");
    assert_eq!(
        log,
        [
            "t1",
            "t1 promise",
            "t2",
            "t2 promise",
            "cleanup x",
            "scheduled after gc",
            "due later"
        ]
    );
}

#[test]
fn the_script_is_the_first_task_timers_scheduled_before_gc_run_first() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        setTimeout(() => log('before gc'), 0);
        (() => fr.register({}, 'x'))();
        gc();
        setTimeout(() => log('after gc'), 0);
        Promise.resolve().then(() => log('script promise'));
    ");
    assert_eq!(
        log,
        ["script promise", "before gc", "cleanup x", "after gc"]
    );
}

#[test]
fn interval_ticks_of_zero_ms_let_the_cleanup_in_after_the_collecting_tick() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        let ticks = 0;
        const id = setInterval(() => {
            ticks++;
            log('tick ' + ticks);
            if (ticks === 2) { (() => fr.register({}, 'x'))(); gc(); }
            if (ticks === 4) clearInterval(id);
        }, 0);
    ");
    assert_eq!(log, ["tick 1", "tick 2", "cleanup x", "tick 3", "tick 4"]);
}

#[test]
fn a_chain_of_zero_ms_timers_does_not_hold_the_cleanup_back() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        let links = 0;
        const link = () => {
            links++;
            if (links === 3) { (() => fr.register({}, 'x'))(); gc(); }
            if (links < 1000) setTimeout(link, 0); else log('chain end');
        };
        setTimeout(link, 0);
    ");
    assert_eq!(log, ["cleanup x", "chain end"]);
}

#[test]
fn callbacks_and_their_promise_jobs_run_before_the_timers_they_schedule() {
    let log = run(r"
        const callback = name => v => {
            log(name + ' ' + v);
            Promise.resolve().then(() => log(name + ' promise'));
            setTimeout(() => log(name + ' timer'), 0);
        };
        const a = new FinalizationRegistry(callback('a'));
        const b = new FinalizationRegistry(callback('b'));
        (() => { a.register({}, 1); b.register({}, 2); })();
        gc();
    ");
    assert_eq!(
        log,
        ["a 1", "a promise", "b 2", "b promise", "a timer", "b timer"]
    );
}

#[test]
fn cleanup_made_due_after_run_jobs_returned_runs_in_the_next_run_jobs() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(v => log('cleanup ' + v));
         globalThis.target = {}; fr.register(target, 'x');",
    );
    turn(&mut context);
    eval(&mut context, "target = null;");
    boa_gc::force_collect();
    assert!(take_log(&mut context).is_empty(), "gc() called back");
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["cleanup x"]);
    // And once more, with a timer left pending by the previous turn's script.
    eval(
        &mut context,
        "fr.register({}, 'y'); setTimeout(() => log('timer'), 0);",
    );
    boa_gc::force_collect();
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["timer", "cleanup y"]);
}

/// A context whose `drain()` drains the job queue from inside a task, as `drainJobQueue()` does.
fn context_with_drain() -> Context {
    let executor = Rc::new(CleanupExecutor::default());
    let mut context = common::context_on(Rc::clone(&executor));
    context.insert_data(executor);
    let drain = |_: &JsValue, _: &[JsValue], context: &mut Context| -> JsResult<JsValue> {
        let executor = context
            .get_data::<Rc<CleanupExecutor>>()
            .cloned()
            .expect("executor");
        executor.end_of_task(context);
        Ok(JsValue::undefined())
    };
    context
        .register_global_callable(
            js_string!("drain"),
            0,
            NativeFunction::from_copy_closure(drain),
        )
        .expect("drain");
    context
}

#[test]
fn end_of_task_drains_promise_jobs_and_cleanup_inside_the_task_once() {
    let mut context = context_with_drain();
    eval(
        &mut context,
        r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        setTimeout(() => {
            (() => fr.register({}, 'x'))();
            gc();
            Promise.resolve().then(() => log('promise'));
            drain();
            log('after drain');
            (() => fr.register({}, 'y'))();
            gc();
        }, 0);
        setTimeout(() => log('next timer'), 0);
    ",
    );
    turn(&mut context);
    assert_eq!(
        take_log(&mut context),
        [
            "promise",
            "cleanup x",
            "after drain",
            "next timer",
            "cleanup y"
        ]
    );
}

/// An inner executor without timers: generic jobs only, FIFO; every other job is dropped.
#[derive(Default)]
struct GenericOnly {
    tasks: RefCell<VecDeque<GenericJob>>,
}

impl JobExecutor for GenericOnly {
    fn enqueue_job(self: Rc<Self>, job: Job, _: &mut Context) {
        if let Job::GenericJob(job) = job {
            self.tasks.borrow_mut().push_back(job);
        }
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        loop {
            let task = self.tasks.borrow_mut().pop_front();
            let Some(task) = task else { return Ok(()) };
            task.call(context)?;
        }
    }
}

fn generic_task(code: &'static str, context: &mut Context) -> GenericJob {
    GenericJob::new(
        move |context| context.eval(Source::from_bytes(code)),
        context.realm().clone(),
    )
}

/// A context on `inner` with the extension alone, no boa_runtime: these inner executors run no
/// timers.
fn context_on<E: JobExecutor>(inner: E) -> Context {
    let mut context = ContextBuilder::new()
        .job_executor(Rc::new(CleanupExecutor::new(inner)))
        .build()
        .expect("context");
    boa_finalization::install(&mut context).expect("install");
    register_gc_and_log(&mut context);
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(v => log('cleanup ' + v));",
    );
    context
}

#[test]
fn an_inner_executor_without_timers_orders_cleanup_among_its_tasks() {
    let mut context = context_on(GenericOnly::default());
    let first = GenericJob::new(
        |context| {
            context.eval(Source::from_bytes(
                "log('g1'); (() => fr.register({}, 'x'))(); gc();",
            ))?;
            // Queued after the collection: after the cleanup task too.
            let later = generic_task("log('g3')", context);
            context.enqueue_job(later.into());
            Ok(JsValue::undefined())
        },
        context.realm().clone(),
    );
    context.enqueue_job(first.into());
    let second = generic_task("log('g2')", &mut context);
    context.enqueue_job(second.into());
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["g1", "g2", "cleanup x", "g3"]);
}

#[test]
fn an_inner_executor_that_runs_nothing_still_gets_cleanup_at_the_end_of_run_jobs() {
    let mut context = context_on(IdleJobExecutor);
    eval(&mut context, "(() => fr.register({}, 'x'))(); gc();");
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["cleanup x"]);
    eval(&mut context, "(() => fr.register({}, 'y'))();");
    boa_gc::force_collect();
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["cleanup y"]);
}

#[test]
fn a_cancelled_timer_does_not_hold_the_cleanup_back() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        let second;
        setTimeout(() => {
            log('t1');
            (() => fr.register({}, 'x'))();
            gc();
            clearTimeout(second);
        }, 0);
        second = setTimeout(() => log('cancelled timer ran'), 0);
        // Far enough ahead that a loaded machine still reaches the cleanup first.
        setTimeout(() => log('due later'), 250);
    ");
    assert_eq!(log, ["t1", "cleanup x", "due later"]);
}

#[test]
fn a_clock_that_stands_still_does_not_hang_the_loop() {
    // A FixedClock never reaches a timer's due time on its own; the cleanup must not wait for one.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut context = ContextBuilder::new()
            .clock(Rc::new(boa_engine::context::time::FixedClock::from_millis(
                1_000,
            )))
            .job_executor(Rc::new(CleanupExecutor::default()))
            .build()
            .expect("context");
        boa_finalization::install(&mut context).expect("install");
        eval(
            &mut context,
            "globalThis.seen = []; globalThis.fr = new FinalizationRegistry(v => seen.push(v));
             (() => fr.register({}, 'x'))();",
        );
        boa_gc::force_collect();
        context.run_jobs().expect("run_jobs");
        let seen = eval(&mut context, "seen.join()");
        done.send(seen.as_string().expect("string").to_std_string_escaped())
            .expect("send");
    });
    let seen = finished
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("run_jobs returned");
    assert_eq!(seen, "x");
}
