//! Test support for boa_finalization, shared by this package's own tests (`tests/model.rs`,
//! `tests/stress.rs`) and the xtask (`cargo xtask stress`, `cargo xtask bench`, `cargo xtask
//! test262`). Not published: the library's package has no dependency on it.
//!
//! - [`context`], [`context_with`]: the one context builder of the checks (`CleanupExecutor`,
//!   `gc()`, a stress level).
//! - [`panic_message`]: the text of a caught panic.
//! - [`alloc`]: the counting global allocator (one thread's live bytes).
//! - [`memory`]: the load and soak checks, measured with [`alloc`].
//! - [`modelcheck`]: random programs checked against a reference model of the spec.

// A check's failure is its purpose: it panics with the reason or returns a `Failure` that says it.
#![allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    reason = "test support: failing is what a check does, and its message says why"
)]

pub mod alloc;
pub mod memory;
pub mod modelcheck;

use std::any::Any;
use std::rc::Rc;

use boa_engine::{Context, context::ContextBuilder};
use boa_finalization::{CleanupExecutor, GcStress};

/// A context with [`CleanupExecutor`] as its job executor and a global `gc()`
/// ([`boa_finalization::expose_gc`]); with `install`, this crate's registry is installed too (else
/// the realm keeps Boa's own until the caller installs it, after script code if it likes).
///
/// # Panics
///
/// If Boa cannot build a context (it always can with these options).
#[must_use]
pub fn context(install: bool) -> Context {
    context_with(install, GcStress::Off)
}

/// As [`context`], with the executor forcing collections as `gc_stress` says.
///
/// # Panics
///
/// If Boa cannot build a context (it always can with these options).
#[must_use]
pub fn context_with(install: bool, gc_stress: GcStress) -> Context {
    let mut context = ContextBuilder::new()
        .job_executor(Rc::new(
            CleanupExecutor::default().with_gc_stress(gc_stress),
        ))
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
