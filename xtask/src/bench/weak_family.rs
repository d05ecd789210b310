//! The weak family's rows: 1e5 `WeakMap`/`WeakSet`/`WeakRef` operations with object keys, the
//! extension (which replaces the methods) against plain Boa, goal ≤ 1.05x; and the same with symbol
//! keys, extension only (Boa 0.22 rejects them). The three contexts of one worker share its thread
//! and take turns, as the goal is a few percent and the machine may be busy.

use std::time::{Duration, Instant};

use boa_engine::{Context, JsObject, JsValue, Source, js_string};
use serde::{Deserialize, Serialize};

use super::workloads::{Impl, Job, context_for, isolated};

/// One operation, timed as a loop of N calls in one JS function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum WeakOp {
    MapSet,
    MapGet,
    MapHas,
    SetAdd,
    Deref,
}

impl WeakOp {
    pub(super) const ALL: [Self; 5] = [
        Self::MapSet,
        Self::MapGet,
        Self::MapHas,
        Self::SetAdd,
        Self::Deref,
    ];

    /// The row label and the JS function that runs the loop.
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::MapSet => "WeakMap `set` (new keys)",
            Self::MapGet => "WeakMap `get`",
            Self::MapHas => "WeakMap `has`",
            Self::SetAdd => "WeakSet `add` (new values)",
            Self::Deref => "WeakRef `deref`",
        }
    }

    /// The report's workload name of this operation with `kind` keys.
    pub(super) fn workload(self, kind: KeyKind) -> &'static str {
        match (self, kind) {
            (Self::MapSet, KeyKind::Object) => "weak: WeakMap set, object keys",
            (Self::MapSet, KeyKind::Symbol) => "weak: WeakMap set, symbol keys",
            (Self::MapGet, KeyKind::Object) => "weak: WeakMap get, object keys",
            (Self::MapGet, KeyKind::Symbol) => "weak: WeakMap get, symbol keys",
            (Self::MapHas, KeyKind::Object) => "weak: WeakMap has, object keys",
            (Self::MapHas, KeyKind::Symbol) => "weak: WeakMap has, symbol keys",
            (Self::SetAdd, KeyKind::Object) => "weak: WeakSet add, object keys",
            (Self::SetAdd, KeyKind::Symbol) => "weak: WeakSet add, symbol keys",
            (Self::Deref, KeyKind::Object) => "weak: WeakRef deref, object keys",
            (Self::Deref, KeyKind::Symbol) => "weak: WeakRef deref, symbol keys",
        }
    }

    fn function(self) -> &'static str {
        match self {
            Self::MapSet => "mapSet",
            Self::MapGet => "mapGet",
            Self::MapHas => "mapHas",
            Self::SetAdd => "setAdd",
            Self::Deref => "derefAll",
        }
    }
}

/// The keys: fresh objects, or fresh (non-registered) symbols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum KeyKind {
    Object,
    Symbol,
}

/// `keys` is made and the map, set and WeakRefs filled before the clock starts; each timed call is
/// one of the loops.
const SCRIPT: &str = r"
var keys = [], map = null, refs = [];
function prepare(n, symbols) {
  keys = []; refs = []; map = new WeakMap();
  for (let i = 0; i < n; i++) {
    const k = symbols ? Symbol() : {};
    keys.push(k); map.set(k, i); refs.push(new WeakRef(k));
  }
}
function mapSet(n) { const m = new WeakMap(); for (let i = 0; i < n; i++) m.set(keys[i], i); return 0; }
function mapGet(n) { let s = 0; for (let i = 0; i < n; i++) s += map.get(keys[i]); return s; }
function mapHas(n) { let c = 0; for (let i = 0; i < n; i++) if (map.has(keys[i])) c++; return c; }
function setAdd(n) { const s = new WeakSet(); for (let i = 0; i < n; i++) s.add(keys[i]); return 0; }
function derefAll(n) { let c = 0; for (let i = 0; i < n; i++) if (refs[i].deref() !== undefined) c++; return c; }
";

/// Timed calls per context and worker; the worker reports the fastest of each.
const REPETITIONS: usize = 7;

/// One worker's times for one operation: the best of [`REPETITIONS`] calls in each context.
#[derive(Serialize, Deserialize)]
pub(super) struct WeakRun {
    /// Extension installed, object keys.
    pub extension: Duration,
    /// Plain Boa, object keys.
    pub plain: Duration,
    /// Plain Boa with forwarding methods ([`super::weak_floor`]), object keys.
    pub floor: Duration,
    /// Extension installed, symbol keys.
    pub symbols: Duration,
}

/// A context with the loops defined and N keys of `kind` prepared.
struct Loop {
    context: Context,
    function: JsObject,
}

impl Loop {
    fn new(imp: Impl, op: WeakOp, kind: KeyKind, n: usize) -> Self {
        let mut context = context_for(imp);
        eval(&mut context, SCRIPT);
        let symbols = kind == KeyKind::Symbol;
        eval(&mut context, &format!("prepare({n}, {symbols});"));
        let function = context
            .global_object()
            .get(js_string!(op.function()), &mut context)
            .ok()
            .and_then(|value| value.as_object())
            .expect("the loop function");
        Self { context, function }
    }

    /// One call of the loop, untimed. What the previous `deref` loop kept alive goes first, as at
    /// the end of a job.
    fn call(&mut self, n: usize) {
        self.context.clear_kept_objects();
        self.invoke(n);
    }

    /// One call of the loop, timed, after a full collection: the three contexts share the thread's
    /// heap, and without it a loop would pay for collecting what the previous loops (of any
    /// context) left behind, depending on their order.
    fn time(&mut self, n: usize) -> Duration {
        self.context.clear_kept_objects();
        boa_gc::force_collect();
        let start = Instant::now();
        self.invoke(n);
        start.elapsed()
    }

    fn invoke(&mut self, n: usize) {
        let result = self.function.call(
            &JsValue::undefined(),
            &[JsValue::from(n as f64)],
            &mut self.context,
        );
        if let Err(error) = result {
            panic!("weak-family loop threw: {error}");
        }
    }
}

/// Instructions per `op` with object keys in a context of `imp`, counted by callgrind: the
/// difference between worker processes that call the loop over N keys three times and once, over
/// 2N. Deterministic for one binary, whatever else the machine runs; `None` without valgrind.
pub(super) fn instructions_per_op(imp: Impl, op: WeakOp, n: usize) -> Option<f64> {
    let once = Job::WeakLoops(imp, op, n, 1).instructions()?;
    let thrice = Job::WeakLoops(imp, op, n, 3).instructions()?;
    Some(thrice.saturating_sub(once) as f64 / (2 * n) as f64)
}

/// The worker side of [`instructions_per_op`]: the loop of `op` over N object keys, `calls` times.
pub(super) fn weak_loops(imp: Impl, op: WeakOp, n: usize, calls: usize) {
    // No collection between the calls: the counts include what the loop makes the collector do.
    let mut work = Loop::new(imp, op, KeyKind::Object, n);
    for _ in 0..calls {
        work.call(n);
    }
}

/// `op` over N keys in four contexts on one thread (extension with object keys, plain Boa, the
/// forwarding floor, extension with symbol keys), their timed calls interleaved so that a busy
/// machine slows all four alike.
pub(super) fn weak_op(op: WeakOp, n: usize) -> WeakRun {
    isolated(move || {
        let mut loops = [
            Loop::new(Impl::Extension, op, KeyKind::Object, n),
            Loop::new(Impl::NoRegistry, op, KeyKind::Object, n),
            Loop::new(Impl::FloorForward, op, KeyKind::Object, n),
            Loop::new(Impl::Extension, op, KeyKind::Symbol, n),
        ];
        let mut best = [Duration::MAX; 4];
        for repetition in 0..REPETITIONS {
            for index in 0..loops.len() {
                // Alternate the order from one repetition to the next.
                let index = if repetition % 2 == 0 {
                    index
                } else {
                    loops.len() - 1 - index
                };
                best[index] = best[index].min(loops[index].time(n));
            }
        }
        WeakRun {
            extension: best[0],
            plain: best[1],
            floor: best[2],
            symbols: best[3],
        }
    })
}

fn eval(context: &mut Context, code: &str) {
    if let Err(error) = context.eval(Source::from_bytes(code)) {
        panic!("weak-family bench script failed: {error}");
    }
}
