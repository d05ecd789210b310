//! This crate next to boa_runtime's extensions: console and timers from boa_runtime, the registry
//! from here, one `register` call for all of them.
//!
//! Run it with `cargo run --example with_runtime`.

use std::rc::Rc;

use boa_engine::{JsResult, Source, context::ContextBuilder};
use boa_finalization::{CleanupExecutor, FinalizationExtension};
use boa_runtime::extensions::ConsoleExtension;

fn main() -> JsResult<()> {
    let mut context = ContextBuilder::new()
        .job_executor(Rc::new(CleanupExecutor::default()))
        .build()?;
    // boa_runtime registers timers, microtasks, encoding... plus the extensions given here.
    boa_runtime::register(
        (
            ConsoleExtension::default(),
            FinalizationExtension::default(),
        ),
        None,
        &mut context,
    )?;
    boa_finalization::expose_gc(&mut context)?;
    context.eval(Source::from_bytes(
        r"
        const cache = new FinalizationRegistry(key => console.log(`evicted ${key}`));
        let entry = { value: 42 };
        cache.register(entry, 'answer');
        setTimeout(() => { entry = null; gc(); }, 10);
        setTimeout(() => console.log('later timer'), 20);
        ",
    ))?;
    context.run_jobs()
}
