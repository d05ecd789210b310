//! The bench binary's global allocator: the system allocator plus exact counts of the bytes asked
//! for, so `bytes per registration` is measured, not estimated from RSS.
//!
//! Counting is off unless a measurement turns it on ([`Counting::start`]); when off, the only cost
//! is one relaxed load per call, so timings are not skewed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

/// Requested bytes of live allocations since counting started (can go negative when memory allocated
/// before is freed).
static LIVE: AtomicI64 = AtomicI64::new(0);
/// Number of allocation calls since counting started.
static CALLS: AtomicU64 = AtomicU64::new(0);
static ON: AtomicBool = AtomicBool::new(false);

/// [`System`] with byte counting.
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`; the counters have no effect on memory.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            LIVE.fetch_add(layout.size() as i64, Relaxed);
            CALLS.fetch_add(1, Relaxed);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            LIVE.fetch_add(layout.size() as i64, Relaxed);
            CALLS.fetch_add(1, Relaxed);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ON.load(Relaxed) {
            LIVE.fetch_sub(layout.size() as i64, Relaxed);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ON.load(Relaxed) {
            LIVE.fetch_add(new_size as i64 - layout.size() as i64, Relaxed);
            CALLS.fetch_add(1, Relaxed);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// A counting window. Only one may be open at a time (measurements run one after another).
pub struct Counting;

impl Counting {
    /// Resets the counters and starts counting.
    pub fn start() -> Self {
        LIVE.store(0, Relaxed);
        CALLS.store(0, Relaxed);
        ON.store(true, Relaxed);
        Self
    }

    /// Net bytes allocated and not freed since [`Counting::start`].
    pub fn live_bytes(&self) -> i64 {
        LIVE.load(Relaxed)
    }

    /// Allocation calls since [`Counting::start`].
    pub fn calls(&self) -> u64 {
        CALLS.load(Relaxed)
    }
}

impl Drop for Counting {
    fn drop(&mut self) {
        ON.store(false, Relaxed);
    }
}
