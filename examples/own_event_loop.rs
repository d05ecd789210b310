//! An embedder with its own event loop: a custom `JobExecutor` that owns its queues and calls
//! [`boa_finalization::run_cleanup_jobs`] at the end of every task.
//!
//! Run it with `cargo run --example own_event_loop`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use boa_engine::{
    Context, JsResult, JsValue, NativeFunction, Source,
    context::ContextBuilder,
    job::{Job, JobExecutor, PromiseJob},
    js_string,
};

/// A tiny host loop: promise jobs, and "tasks" (here: generic jobs) run in FIFO order.
#[derive(Default)]
struct HostLoop {
    microtasks: RefCell<VecDeque<PromiseJob>>,
    tasks: RefCell<VecDeque<boa_engine::job::GenericJob>>,
}

impl HostLoop {
    fn run_microtasks(&self, context: &mut Context) {
        loop {
            let job = self.microtasks.borrow_mut().pop_front();
            let Some(job) = job else { break };
            if let Err(error) = job.call(context) {
                eprintln!("Uncaught (in promise job) {error}");
            }
        }
    }

    /// What every host does between tasks: microtasks, then the FinalizationRegistry checkpoint
    /// (which clears kept objects and runs one cleanup job per dirty registry), then the microtasks
    /// those callbacks caused.
    fn end_of_task(&self, context: &mut Context) {
        self.run_microtasks(context);
        if boa_finalization::run_cleanup_jobs(context) > 0 {
            self.run_microtasks(context);
        }
    }
}

impl JobExecutor for HostLoop {
    fn enqueue_job(self: Rc<Self>, job: Job, _context: &mut Context) {
        match job {
            Job::PromiseJob(job) => self.microtasks.borrow_mut().push_back(job),
            Job::GenericJob(job) => self.tasks.borrow_mut().push_back(job),
            other => eprintln!("this host does not run {other:?}"),
        }
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        self.end_of_task(context);
        loop {
            let task = self.tasks.borrow_mut().pop_front();
            let Some(task) = task else { return Ok(()) };
            if let Err(error) = task.call(context) {
                eprintln!("Uncaught {error}");
            }
            self.end_of_task(context);
        }
    }
}

/// `print(...)`: writes its arguments to stdout.
fn print(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let parts: Vec<String> = args
        .iter()
        .map(|arg| arg.to_string(context).map(|s| s.to_std_string_escaped()))
        .collect::<JsResult<_>>()?;
    println!("{}", parts.join(" "));
    Ok(JsValue::undefined())
}

fn main() -> JsResult<()> {
    let executor = Rc::new(HostLoop::default());
    let mut context = ContextBuilder::new().job_executor(executor).build()?;
    // This loop calls `run_cleanup_jobs` itself: say so, or `install` refuses a context whose
    // executor is not a `CleanupExecutor` (nothing would ever deliver its cleanup callbacks).
    let options = boa_finalization::InstallOptions::new().own_event_loop();
    boa_finalization::install_with(&mut context, &options)?;
    context.register_global_callable(js_string!("print"), 0, NativeFunction::from_fn_ptr(print))?;

    context.eval(Source::from_bytes(
        r"
        globalThis.sockets = new FinalizationRegistry(port => print(`closing leaked socket ${port}`));
        (() => { for (const port of [8080, 8081, 8082]) sockets.register({ port }, port); })();
        Promise.resolve().then(() => print('promise job runs first'));
        ",
    ))?;
    boa_gc::force_collect(); // the host's collector decided to run
    context.run_jobs()?;
    println!("{:?}", boa_finalization::stats(&context));
    Ok(())
}
