//! A spec-conformant `FinalizationRegistry` for programs that embed the [Boa](https://boajs.dev)
//! JavaScript engine, with cleanup callbacks delivered reliably as host jobs.
//!
//! Boa 0.22's built-in registry loses callbacks in long-running hosts, rejects symbols and unregisters
//! in linear time. This crate replaces the global `FinalizationRegistry` of a realm with its own
//! ([`install`]), turns boa_gc's weak-map notifications into cleanup jobs, and runs those jobs at
//! every checkpoint of the job loop ([`CleanupExecutor`], or [`run_cleanup_jobs`] for your own loop).
//!
//! **Without [`CleanupExecutor`] or calls to [`run_cleanup_jobs`], nothing is ever delivered**, so
//! [`install`] refuses a context whose job executor is not a [`CleanupExecutor`], unless the
//! embedder declares its own loop with [`InstallOptions::own_event_loop`]; [`delivery`] says which
//! of the two a context has.
//!
//! ```
//! use std::rc::Rc;
//! use boa_engine::{context::ContextBuilder, Source};
//! use boa_finalization::CleanupExecutor;
//!
//! let mut context = ContextBuilder::new()
//!     .job_executor(Rc::new(CleanupExecutor::default()))
//!     .build()
//!     .unwrap();
//! boa_finalization::install(&mut context).unwrap();
//! context
//!     .eval(Source::from_bytes(r#"
//!         globalThis.closed = [];
//!         const files = new FinalizationRegistry(fd => closed.push(fd));
//!         files.register({ name: "a.txt" }, 3);
//!     "#))
//!     .unwrap();
//! boa_gc::force_collect(); // the `{ name }` object is unreachable
//! context.run_jobs().unwrap();
//! let closed = context.eval(Source::from_bytes("closed.join()")).unwrap();
//! assert_eq!(closed.as_string().unwrap().to_std_string_escaped(), "3");
//! ```
//!
//! # Features
//!
//! None is on by default: the library depends on `boa_engine` and `boa_gc` (without their default
//! features) and nothing else. The `finreg` shell is its own package, `boa_finalization_cli`
//! (`cargo install boa_finalization_cli`).
//!
//! - `runtime`: `FinalizationExtension`, a boa_runtime `RuntimeExtension`.
//! - `tracing`: `tracing` events for registrations, collections noticed, cleanup jobs and errors.

#![doc(test(attr(deny(warnings))))]
// docs.rs marks feature-gated items (`doc(cfg)`).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builtin;
mod cells;
mod delivery;
mod describe;
mod events;
mod executor;
mod gc;
mod gc_stress;
mod host;
mod install;
mod native;
mod notify;
mod options;
mod realm;
mod registry;
mod report;
mod state;
mod stats;
mod symbols;
mod weak;
mod weak_key;

pub use builtin::is_installed;
pub use delivery::{Delivery, delivery};
pub use executor::CleanupExecutor;
pub use gc::{expose_gc, gc_function};
pub use gc_stress::GcStress;
pub use host::{has_pending_cleanup, run_cleanup_jobs, set_error_reporter};
#[cfg(feature = "runtime")]
#[cfg_attr(docsrs, doc(cfg(feature = "runtime")))]
pub use install::FinalizationExtension;
pub use install::{create_realm, install, install_in_realm, install_with};
pub use native::{NativeRegistration, on_collected, shutdown};
pub use options::InstallOptions;
pub use report::ErrorOrigin;
pub use stats::{RegistryStats, Stats, registry_stats, stats};

/// The README's Rust examples, run as doc tests so that the quick start stays correct.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
