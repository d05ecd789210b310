//! Test support shared by boa_finalization's tests (`tests/model.rs`, `tests/stress.rs`) and its
//! xtask (`cargo xtask stress`, `cargo xtask bench`, `cargo xtask test262`). Not published: the
//! library's package leaves out the tests that use it.
//!
//! - [`context`]: the one context builder of the checks (`CleanupExecutor`, `gc()`).
//! - [`panic_message`]: the text of a caught panic.
//! - [`alloc`]: the counting global allocator (one thread's live bytes).
//! - [`memory`]: the load and soak checks, measured with [`alloc`].
//! - [`modelcheck`]: random programs checked against a reference model of the spec.

pub mod alloc;
pub mod memory;
pub mod modelcheck;

use std::any::Any;
use std::rc::Rc;

use boa_engine::{context::ContextBuilder, Context};
use boa_finalization::CleanupExecutor;

/// A context with [`CleanupExecutor`] as its job executor and a global `gc()`
/// ([`boa_finalization::expose_gc`]); with `install`, this crate's registry is installed too (else
/// the realm keeps Boa's own until the caller installs it, after script code if it likes).
///
/// # Panics
///
/// If Boa cannot build a context (it always can with these options).
#[must_use]
pub fn context(install: bool) -> Context {
    let mut context = ContextBuilder::new()
        .job_executor(Rc::new(CleanupExecutor::default()))
        .build()
        .expect("context");
    if install {
        boa_finalization::install(&mut context).expect("install");
    }
    boa_finalization::expose_gc(&mut context).expect("gc");
    context
}

/// The text of a panic payload (`panic!` gives a `String` or a `&'static str`).
#[must_use]
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "non-string panic".into())
}
