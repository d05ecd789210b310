//! Optional `tracing` events (cargo feature `tracing`). Without the feature, [`event!`] expands to
//! nothing, so the hooks cost nothing.

/// Emits a `tracing` event at `level` when the `tracing` feature is on; compiles to nothing otherwise.
macro_rules! event {
    ($level:ident, $($rest:tt)+) => {
        #[cfg(feature = "tracing")]
        tracing::$level!(target: "boa_finalization", $($rest)+);
    };
}

pub(crate) use event;
