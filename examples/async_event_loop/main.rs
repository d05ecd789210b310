//! An async event loop on tokio with cleanup callbacks: `CleanupExecutor` wraps an executor whose
//! `run_jobs_async` sleeps on tokio's timers and polls Boa's async jobs, so the engine's loop yields to
//! other work on the same thread while it waits, and cleanup callbacks still come as tasks of their
//! own, in the HTML event loop's order.
//!
//! The loop itself is in `tokio_executor.rs`; `tests.rs` checks it (`cargo test --example
//! async_event_loop`, part of `cargo test`).
//!
//! Run it with `cargo run --example async_event_loop`. The host's heartbeat lines interleave with the
//! script's lines: the engine's loop never blocks the thread while it waits.

#[cfg(test)]
mod tests;
mod tokio_executor;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use boa_engine::{
    Context, JsResult, NativeFunction, Source, context::ContextBuilder, job::JobExecutor, js_string,
};
use boa_finalization::CleanupExecutor;
use boa_runtime::extensions::ConsoleExtension;
use tokio_executor::{TokioLoop, sleep};

const SCRIPT: &str = r"
    const files = new FinalizationRegistry(name => console.log(`cleanup: closing ${name}`));
    async function work() {
        for (const name of ['a.txt', 'b.txt', 'c.txt']) {
            (() => files.register({ name }, name))();
            await sleep(15);
            gc();
            console.log(`script: ${name} is garbage; its cleanup comes after this task`);
        }
    }
    work().then(() => console.log('script: done'));
    setTimeout(() => console.log('script: a timer due later than the last cleanup'), 80);
";

/// A context on `executor` with boa_runtime's console and timers, this crate's registry, `sleep(ms)`
/// and `gc()`.
fn context(executor: &Rc<CleanupExecutor>) -> JsResult<Context> {
    let mut context = ContextBuilder::new()
        .job_executor(Rc::clone(executor))
        .build()?;
    boa_runtime::register(ConsoleExtension::default(), None, &mut context)?;
    boa_finalization::install(&mut context)?;
    context.register_global_builtin_callable(
        js_string!("sleep"),
        1,
        NativeFunction::from_async_fn(sleep),
    )?;
    boa_finalization::expose_gc(&mut context)?;
    Ok(context)
}

async fn run() -> JsResult<()> {
    let executor = Rc::new(CleanupExecutor::new(TokioLoop::default()));
    let mut context = context(&executor)?;

    // Other work of the host, on the same thread: it runs while the engine's loop waits.
    let heartbeat = tokio::task::spawn_local(async {
        for beat in 1..=4 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            println!("host: heartbeat {beat}");
        }
    });

    context.eval(Source::from_bytes(SCRIPT))?;
    // The async flavour: `CleanupExecutor` awaits `TokioLoop::run_jobs_async`.
    Rc::clone(&executor)
        .run_jobs_async(&RefCell::new(&mut context))
        .await?;
    heartbeat.await.expect("the heartbeat task");
    Ok(())
}

fn main() -> JsResult<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime");
    tokio::task::LocalSet::new().block_on(&runtime, run())
}
