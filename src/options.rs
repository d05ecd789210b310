//! [`InstallOptions`]: how one install sets a realm up.

/// How an install ([`crate::install_with`], [`crate::install_in_realm`], [`crate::create_realm`],
/// `FinalizationExtension`) sets a realm up. The options travel with each call: an install uses the
/// ones it is given and nothing an earlier install was given. The context remembers only that some
/// install declared [`own_event_loop`](Self::own_event_loop), for [`crate::delivery`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallOptions {
    pub(crate) own_event_loop: bool,
    pub(crate) keep_boa_weak_family: bool,
}

impl InstallOptions {
    /// The defaults: cleanup runs through [`crate::CleanupExecutor`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares that the embedder's own loop calls [`crate::run_cleanup_jobs`] at its checkpoints,
    /// instead of using [`crate::CleanupExecutor`] as the context's job executor (or wraps a
    /// `CleanupExecutor` inside an executor of its own, where the crate cannot see it).
    ///
    /// Without it, installing into a context whose job executor is not a `CleanupExecutor` fails:
    /// nothing would ever call the cleanup jobs. See [`crate::delivery`].
    #[must_use]
    pub fn own_event_loop(mut self) -> Self {
        self.own_event_loop = true;
        self
    }

    /// Leaves Boa's own `WeakRef`, `WeakMap` and `WeakSet` in the realm, as they are: they then
    /// reject symbols as keys and targets. By default, install gives them the spec's CanBeHeldWeakly
    /// (objects and non-registered symbols), as the crate's `FinalizationRegistry` has.
    #[must_use]
    pub fn keep_boa_weak_family(mut self) -> Self {
        self.keep_boa_weak_family = true;
        self
    }
}
