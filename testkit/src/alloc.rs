//! The counting global allocator shared by the bench, `cargo xtask stress --load` and the test
//! kit's `tests/stress.rs` (each installs [`CountingAlloc`] as its binary's global allocator): the
//! system allocator plus exact counts of the bytes asked for, so memory is measured, not estimated
//! from RSS.
//!
//! Hand-written rather than `cap` or `stats_alloc` because those count for the whole process, and
//! the measurements here need one thread's count: boa_gc's heap is per thread, and the test binary
//! runs its measured tests in parallel with others that allocate. One `Cell` add per call on a
//! const-initialized thread-local costs less than those crates' atomics, so timings are not skewed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    // Const-initialized and destructor-free: no allocation and no registration on first use, so
    // they are safe to touch inside the allocator.
    /// Requested bytes of this thread's live allocations (negative when it frees memory that another
    /// thread, or the time before the count began, allocated).
    static LIVE: Cell<i64> = const { Cell::new(0) };
    /// The highest `LIVE` since [`reset_peak`].
    static PEAK: Cell<i64> = const { Cell::new(0) };
    /// Allocation calls made by this thread.
    static CALLS: Cell<u64> = const { Cell::new(0) };
}

fn count(delta: i64, call: bool) {
    // `try_with`: during thread teardown the slots may be gone; those frees are not counted.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
    if call {
        let _ = CALLS.try_with(|calls| calls.set(calls.get() + 1));
    }
}

/// A size as a signed count (no allocation is 2^63 bytes).
fn signed(bytes: usize) -> i64 {
    i64::try_from(bytes).unwrap_or(i64::MAX)
}

/// [`System`] with per-thread byte counting.
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to `System`, so `System`'s guarantees carry over; the
// counters only touch thread-locals that never allocate and never point into the memory handed out.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees (non-zero size).
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(signed(layout.size()), true);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees (non-zero size).
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(signed(layout.size()), true);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees (`ptr` came from this allocator, i.e.
        // from `System`, with `layout`).
        unsafe { System.dealloc(ptr, layout) };
        count(-signed(layout.size()), false);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees (`ptr` from `System` with `layout`,
        // `new_size` non-zero and not overflowing).
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(signed(new_size) - signed(layout.size()), true);
        }
        new
    }
}

/// This thread's live bytes (allocated and not freed by it).
pub fn live() -> i64 {
    LIVE.with(Cell::get)
}

/// This thread's highest live bytes since the last [`reset_peak`].
pub fn peak() -> i64 {
    PEAK.with(Cell::get)
}

/// Starts a new peak at the current live bytes.
pub fn reset_peak() {
    let now = live();
    PEAK.with(|peak| peak.set(now));
}

/// A counting window over the current thread (the measured code runs on the thread that opened it).
pub struct Counting {
    live: i64,
    calls: u64,
}

impl Counting {
    /// Starts counting from now.
    pub fn start() -> Self {
        Self {
            live: live(),
            calls: CALLS.with(Cell::get),
        }
    }

    /// Net bytes allocated and not freed since [`Counting::start`].
    #[must_use]
    pub fn live_bytes(&self) -> i64 {
        live() - self.live
    }

    /// Allocation calls since [`Counting::start`].
    pub fn calls(&self) -> u64 {
        CALLS.with(Cell::get) - self.calls
    }
}

/// Nothing to undo (the counters are always on, per thread); implemented so that the bench's
/// `drop(counting)`, which marks where a measurement ends, stays meaningful to readers and lints.
impl Drop for Counting {
    fn drop(&mut self) {}
}
