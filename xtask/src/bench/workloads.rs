//! The JS workloads and how each one is timed or weighed.
//!
//! Every measurement ([`Job`]) runs in a fresh process (`xtask bench --worker JOB`): boa_gc's heap
//! (and its collection threshold, which only grows) and the C heap start from the same state for
//! every run, whatever ran before it, so neither registry inherits warm memory or a raised GC
//! threshold from the other. Inside the worker the context is built and the workload's functions are
//! parsed and defined before the clock starts; the timed region is one JS function call (or a few,
//! for capped runs).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use boa_engine::{
    Context, JsData, JsNativeError, JsObject, JsResult, JsValue, NativeFunction, Source,
    context::ContextBuilder,
    job::{GenericJob, Job as EngineJob, SimpleJobExecutor},
    js_string,
    object::{ObjectInitializer, builtins::JsWeakMap},
};
use boa_finalization::CleanupExecutor;
use boa_gc::{Finalize, Trace};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::weak_family::{WeakOp, weak_loops, weak_op};
use crate::gc_stress::{self, StressLevel};
use boa_finalization_testkit::alloc::Counting;

/// What provides `fr.register` in a workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Impl {
    /// This crate's registry (installed, with [`CleanupExecutor`]).
    Extension,
    /// Boa 0.22's built-in registry.
    Builtin,
    /// The floor of the design: `JsWeakMap::set(target, fresh native object)` from a native method.
    FloorWeakMap,
    /// `new WeakRef(target)`, kept in an array.
    FloorWeakRef,
    /// Nothing but the allocations (and the array pushes every workload does).
    FloorAlloc,
    /// A plain Boa context with no registry at all (extension not installed, no
    /// `FinalizationRegistry` created): the baseline of the overhead rows.
    NoRegistry,
    /// The weak family's floor: a plain Boa context whose `WeakMap`/`WeakSet`/`WeakRef` methods are
    /// replaced by native methods that only forward object keys to Boa, through its public API.
    FloorForward,
}

impl Impl {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Extension => "extension",
            Self::Builtin => "builtin",
            Self::FloorWeakMap => "floor-weakmap",
            Self::FloorWeakRef => "floor-weakref",
            Self::FloorAlloc => "floor-alloc",
            Self::NoRegistry => "none",
            Self::FloorForward => "floor-forward",
        }
    }

    /// The loop bodies of `reg` (target `t`, index `i`) and `regTok` (plus token `k`).
    fn bodies(self) -> (&'static str, &'static str) {
        match self {
            Self::Extension | Self::Builtin | Self::FloorWeakMap => {
                ("fr.register(t, i);", "fr.register(t, i, k);")
            }
            Self::FloorWeakRef => ("refs.push(new WeakRef(t));", "refs.push(new WeakRef(t));"),
            Self::FloorAlloc | Self::NoRegistry | Self::FloorForward => ("", ""),
        }
    }
}

/// The functions every workload calls. `fr` is the registry (or the floor's stand-in), `keep` holds
/// the targets, `toks` the tokens.
fn prelude(imp: Impl) -> String {
    let fr = match imp {
        Impl::Extension | Impl::Builtin => "new FinalizationRegistry(v => { delivered++; })",
        Impl::FloorWeakMap => "__floor",
        Impl::FloorWeakRef | Impl::FloorAlloc | Impl::NoRegistry | Impl::FloorForward => "null",
    };
    let (body, body_tok) = imp.bodies();
    format!(
        r"
var delivered = 0;
var keep = [];
var toks = [];
var refs = [];
var fr = {fr};
function reg(n) {{
  for (let i = 0; i < n; i++) {{ const t = {{}}; keep.push(t); {body} }}
}}
function regTok(n) {{
  for (let i = 0; i < n; i++) {{ const t = {{}}; const k = {{}}; keep.push(t); toks.push(k); {body_tok} }}
}}
function regSelfTok(n) {{
  for (let i = 0; i < n; i++) {{ const t = {{}}; keep.push(t); fr.register(t, i, t); }}
}}
function regOnOne(n) {{
  const t = {{}}; keep.push(t);
  for (let i = 0; i < n; i++) {{ fr.register(t, i); }}
}}
function unregTarget(n) {{
  const t = keep[keep.length - 1];
  let removed = 0;
  for (let i = 0; i < n; i++) {{ if (fr.unregister(t)) removed++; }}
  return removed;
}}
function tokenChurn(n) {{
  const k = keep[keep.length - 1];
  let removed = 0;
  for (let i = 0; i < n; i++) {{ fr.register({{}}, i, k); if (fr.unregister(k)) removed++; }}
  return removed;
}}
function regAgain(n) {{
  for (let i = 0; i < n; i++) {{ fr.register(keep[i], i); }}
}}
function unreg(a, b) {{
  let removed = 0;
  for (let i = a; i < b; i++) {{ if (fr.unregister(toks[i])) removed++; }}
  return removed;
}}
function pool(m) {{
  const n = keep.length;
  for (let j = 0; j < m; j++) {{
    const s = j % n;
    fr.unregister(keep[s]);
    const h = {{}};
    keep[s] = h;
    fr.register(h, j, h);
  }}
}}
function dropTargets() {{ keep = []; }}
"
    )
}

/// A GC-heavy script without any registry: binary trees plus short-lived arrays and strings.
const GC_HEAVY: &str = r#"
function make(d) { return d === 0 ? { l: null, r: null } : { l: make(d - 1), r: make(d - 1) }; }
function check(t) { return t.l === null ? 1 : 1 + check(t.l) + check(t.r); }
function gcHeavy(rounds) {
  let sum = 0;
  const long = make(14);
  for (let r = 0; r < rounds; r++) {
    sum += check(make(12));
    const a = [];
    for (let i = 0; i < 2000; i++) a.push({ i, s: "x" + i });
    sum += a.length;
  }
  return sum + check(long);
}
// The same kind of work with one registry in use: every round's short-lived tree is registered (it
// dies a round or two later, so collections find dead targets and the checkpoint after the call
// delivers callbacks), and so is the long-lived one. With `fr === null` (no registry) the script is
// otherwise identical. The long-lived tree is smaller than gcHeavy's so that boa_gc's threshold
// (which grows with the live heap) stays low and collections are many.
function gcRegistry(rounds) {
  let sum = 0;
  const long = make(10);
  if (fr !== null) fr.register(long, -1);
  for (let r = 0; r < rounds; r++) {
    const t = make(12);
    if (fr !== null) fr.register(t, r);
    sum += check(t);
    const a = [];
    for (let i = 0; i < 2000; i++) a.push({ i, s: "x" + i });
    sum += a.length;
  }
  return sum + check(long);
}
"#;

/// The floor's notification object: a pointer to where it reports, and a finalizer.
#[derive(Trace, JsData)]
#[boa_gc(unsafe_empty_trace)]
struct FloorNote {
    sink: Rc<Cell<u64>>,
}

impl Finalize for FloorNote {
    fn finalize(&self) {
        self.sink.set(self.sink.get() + 1);
    }
}

/// The floor's registry object: one weak map and the sink its notes report to.
#[derive(Trace, Finalize, JsData)]
struct FloorRegistry {
    map: JsWeakMap,
    // Not traced: a counter, no GC pointer.
    #[unsafe_ignore_trace]
    sink: Rc<Cell<u64>>,
}

/// `__floor.register(target, held, token)`: what any outside crate must pay per new target (one
/// weak-map entry, one notification object), and the same for an object token.
fn floor_register(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let (map, sink) = {
        let floor = this.as_object().and_then(|object| {
            object
                .downcast_ref::<FloorRegistry>()
                .map(|floor| (floor.map.clone(), floor.sink.clone()))
        });
        floor.ok_or_else(|| JsNativeError::typ().with_message("not a floor registry"))?
    };
    let target = args
        .first()
        .and_then(JsValue::as_object)
        .ok_or_else(|| JsNativeError::typ().with_message("target must be an object"))?;
    let note =
        ObjectInitializer::with_native_data(FloorNote { sink: sink.clone() }, context).build();
    map.set(&target, note.into(), context)?;
    if let Some(token) = args.get(2).and_then(JsValue::as_object)
        && token != target
    {
        let note = ObjectInitializer::with_native_data(FloorNote { sink }, context).build();
        map.set(&token, note.into(), context)?;
    }
    Ok(JsValue::undefined())
}

/// `__floor.finalized()`: how many of the floor's notification objects were finalized.
fn floor_finalized(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let count = this
        .as_object()
        .and_then(|object| {
            object
                .downcast_ref::<FloorRegistry>()
                .map(|floor| floor.sink.get())
        })
        .ok_or_else(|| JsNativeError::typ().with_message("not a floor registry"))?;
    Ok(JsValue::from(count as f64))
}

/// One context with one workload's functions defined.
/// A context as `imp` runs: with `CleanupExecutor` and the extension installed, or Boa's own.
pub(super) fn context_for(imp: Impl) -> Context {
    let mut context = match imp {
        Impl::Extension => ContextBuilder::new()
            .job_executor(Rc::new(CleanupExecutor::default()))
            .build(),
        _ => ContextBuilder::new()
            .job_executor(Rc::new(SimpleJobExecutor::new()))
            .build(),
    }
    .expect("context");
    match imp {
        Impl::Extension => boa_finalization::install(&mut context).expect("install"),
        Impl::FloorForward => super::weak_floor::install(&mut context),
        _ => {}
    }
    context
}

pub(super) struct Env {
    context: Context,
}

impl Env {
    pub(super) fn new(imp: Impl) -> Self {
        let mut context = context_for(imp);
        if imp == Impl::FloorWeakMap {
            let floor = FloorRegistry {
                map: JsWeakMap::new(&mut context),
                sink: Rc::default(),
            };
            // The methods live on a prototype, as FinalizationRegistry's do, so that `fr.register`
            // costs the same property lookup in every workload.
            let prototype = ObjectInitializer::new(&mut context)
                .function(
                    NativeFunction::from_fn_ptr(floor_register),
                    js_string!("register"),
                    2,
                )
                .function(
                    NativeFunction::from_fn_ptr(floor_finalized),
                    js_string!("finalized"),
                    0,
                )
                .build();
            let object =
                ObjectInitializer::with_native_data_and_proto(floor, prototype, &mut context)
                    .build();
            context
                .register_global_property(
                    js_string!("__floor"),
                    object,
                    boa_engine::property::Attribute::all(),
                )
                .expect("define __floor");
        }
        let mut env = Self { context };
        env.eval(&prelude(imp));
        env
    }

    /// A context with no registry of this crate's in use: the extension installed (or not) and the
    /// GC-heavy script defined.
    pub(super) fn gc_heavy(imp: Impl) -> Self {
        let mut env = Self::new(imp);
        env.eval(GC_HEAVY);
        env
    }

    pub(super) fn eval(&mut self, code: &str) -> JsValue {
        match self.context.eval(Source::from_bytes(code)) {
            Ok(value) => value,
            Err(error) => panic!("bench script failed: {error}"),
        }
    }

    fn function(&mut self, name: &str) -> JsObject {
        self.context
            .global_object()
            .get(js_string!(name), &mut self.context)
            .ok()
            .and_then(|value| value.as_object())
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    /// Calls the global function `name` with numeric arguments; returns its result and its time.
    pub(super) fn call(&mut self, name: &str, args: &[usize]) -> (JsValue, Duration) {
        let function = self.function(name);
        let args: Vec<JsValue> = args.iter().map(|&n| JsValue::from(n as f64)).collect();
        let start = Instant::now();
        let result = function.call(&JsValue::undefined(), &args, &mut self.context);
        let elapsed = start.elapsed();
        match result {
            Ok(value) => (value, elapsed),
            Err(error) => panic!("{name} threw: {error}"),
        }
    }

    fn number(&mut self, code: &str) -> f64 {
        self.eval(code).as_number().unwrap_or(f64::NAN)
    }

    /// Times one full collection, then the job loop that delivers the callbacks. For the floor,
    /// "delivered" counts the notification objects finalized by the collection.
    fn collect_and_deliver(&mut self) -> CleanupRun {
        let start = Instant::now();
        boa_gc::force_collect();
        let collected = Instant::now();
        let result = self.context.run_jobs();
        let done = Instant::now();
        result.expect("run_jobs");
        let delivered =
            self.number("typeof __floor === 'object' ? __floor.finalized() : delivered");
        CleanupRun {
            collect: collected - start,
            deliver: done - collected,
            delivered: delivered as usize,
        }
    }
}

/// Runs `f` on a thread with a large stack and returns its result.
pub(super) fn isolated<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name("bench".into())
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn bench thread")
        .join()
        .expect("bench thread panicked")
}

/// `reg(n)`: n new targets, each registered once without token.
pub(super) fn register(imp: Impl, n: usize) -> Duration {
    isolated(move || Env::new(imp).call("reg", &[n]).1)
}

/// `regTok(n)` then `unreg` of every token in chunks, stopping once `cap` is exceeded.
#[derive(Serialize, Deserialize)]
pub(super) struct UnregisterRun {
    pub register: Duration,
    pub unregister: Duration,
    /// Unregisters performed (n unless capped).
    pub done: usize,
}

pub(super) fn unregister(imp: Impl, n: usize, cap: Duration) -> UnregisterRun {
    isolated(move || {
        let mut env = Env::new(imp);
        let register = env.call("regTok", &[n]).1;
        let chunk = (n / 100).max(100);
        let (mut unregister, mut done) = (Duration::ZERO, 0);
        while done < n {
            let end = (done + chunk).min(n);
            let (removed, elapsed) = env.call("unreg", &[done, end]);
            assert_eq!(
                removed.as_number(),
                Some((end - done) as f64),
                "{} unregister returned false",
                imp.name()
            );
            unregister += elapsed;
            done = end;
            if unregister > cap {
                break;
            }
        }
        UnregisterRun {
            register,
            unregister,
            done,
        }
    })
}

#[derive(Serialize, Deserialize)]
pub(super) struct CleanupRun {
    pub collect: Duration,
    pub deliver: Duration,
    pub delivered: usize,
}

/// `reg(n)`, drop every target, then the time from the collection to the last callback.
pub(super) fn cleanup(imp: Impl, n: usize) -> CleanupRun {
    isolated(move || {
        let mut env = Env::new(imp);
        env.call("reg", &[n]);
        env.call("dropTargets", &[]);
        env.collect_and_deliver()
    })
}

/// `live` registrations (target = token), then `pairs` unregister/register pairs, each registering a
/// new handle object.
pub(super) fn pool(imp: Impl, live: usize, pairs: usize) -> Duration {
    isolated(move || {
        let mut env = Env::new(imp);
        env.call("regSelfTok", &[live]);
        env.call("pool", &[pairs]).1
    })
}

/// Which `unregister` pattern [`many_cells_on_one_target`] times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum OneTarget {
    /// `unregister(target)` n times, the target of n cells and never a token: each returns false.
    UnregisterTarget,
    /// n times: register a fresh target with the many-cell target as token, then unregister it.
    TokenChurn,
}

/// n cells on one target (`regOnOne(n)`), then n calls of the `pattern`: each costs O(cells of the
/// token), not O(cells of the object).
pub(super) fn many_cells_on_one_target(imp: Impl, n: usize, pattern: OneTarget) -> Duration {
    isolated(move || {
        let mut env = Env::new(imp);
        env.call("regOnOne", &[n]);
        let (function, expected) = match pattern {
            OneTarget::UnregisterTarget => ("unregTarget", 0),
            OneTarget::TokenChurn => ("tokenChurn", n),
        };
        let (removed, elapsed) = env.call(function, &[n]);
        assert_eq!(removed.as_number(), Some(expected as f64), "{function}");
        elapsed
    })
}

/// The GC-heavy script, in a context with the extension installed (`Extension`) or not.
pub(super) fn gc_heavy(imp: Impl, rounds: usize) -> Duration {
    isolated(move || Env::gc_heavy(imp).call("gcHeavy", &[rounds]).1)
}

/// The GC-heavy script that registers into one registry (`Extension`, `Builtin`) or into none
/// (`NoRegistry`: plain context). Timed up to the end of the checkpoint after the call, so the
/// registry's whole cost (registering, noticing deaths in the collections, delivering) counts.
pub(super) fn gc_registry(imp: Impl, rounds: usize) -> Duration {
    isolated(move || {
        let mut env = Env::gc_heavy(imp);
        let function = env.function("gcRegistry");
        let start = Instant::now();
        let result = function.call(
            &JsValue::undefined(),
            &[JsValue::from(rounds as f64)],
            &mut env.context,
        );
        let jobs = env.context.run_jobs();
        let elapsed = start.elapsed();
        result.expect("gcRegistry threw");
        jobs.expect("run_jobs");
        // The collections during the call must have found dead trees (38 of 40 rounds' trees are
        // delivered in a full run): otherwise this row would measure no registry work at all.
        if imp != Impl::NoRegistry {
            assert!(
                env.number("delivered") > 0.0,
                "{}: no callback after the GC-heavy script",
                imp.name()
            );
        }
        elapsed
    })
}

/// The median of `count` timings of `step`.
fn median_of(count: usize, mut step: impl FnMut() -> Duration) -> Duration {
    let secs: Vec<f64> = (0..count.max(1)).map(|_| step().as_secs_f64()).collect();
    Duration::from_secs_f64(super::median(&secs))
}

/// Creating a context ready for scripts plus one registry (`Extension`: `CleanupExecutor` +
/// `install` + `new FinalizationRegistry`; `Builtin`: Boa's own registry) or plus one `WeakMap`
/// (`NoRegistry`). The median over `count` contexts made one after another in this process; each is
/// dropped outside the timed region.
pub(super) fn context_creation(imp: Impl, count: usize) -> Duration {
    isolated(move || {
        median_of(count, || {
            let start = Instant::now();
            let mut context = context_for(imp);
            let code = match imp {
                Impl::NoRegistry => "var made = new WeakMap();",
                _ => "var made = new FinalizationRegistry(() => {});",
            };
            context
                .eval(Source::from_bytes(code))
                .expect("create the registry");
            let elapsed = start.elapsed();
            drop(context);
            elapsed
        })
    })
}

/// One full collection (`boa_gc::force_collect`) of a small heap: a fresh context with the
/// workloads' functions defined and one live registry holding one live target (`Extension`,
/// `Builtin`), or no registry (`NoRegistry`). The median over `count` collections.
pub(super) fn collection(imp: Impl, count: usize) -> Duration {
    isolated(move || {
        let mut env = Env::new(imp);
        env.eval("var live = {}; if (fr !== null) fr.register(live, 0);");
        env.context.clear_kept_objects();
        // The first collections free what building the context left behind.
        for _ in 0..3 {
            boa_gc::force_collect();
        }
        median_of(count, || {
            let start = Instant::now();
            boa_gc::force_collect();
            start.elapsed()
        })
    })
}

/// `tasks` tasks, each a generic job calling an async function that awaits twice (a task and
/// two promise jobs), with `live` small objects alive, in a context whose `CleanupExecutor`
/// forces collections at `level` (none: off): the time from the first task to the end of the
/// checkpoint after the last.
pub(super) fn stressed_tasks(level: Option<StressLevel>, live: usize, tasks: usize) -> Duration {
    isolated(move || {
        let executor = CleanupExecutor::default().with_gc_stress(gc_stress::setting(level));
        let mut context = ContextBuilder::new()
            .job_executor(Rc::new(executor))
            .build()
            .expect("context");
        boa_finalization::install(&mut context).expect("install");
        let code = format!(
            "globalThis.live = Array.from({{ length: {live} }}, (_, i) => ({{ i }}));
             globalThis.task = async () => {{ await null; await null; }};"
        );
        context
            .eval(Source::from_bytes(&code))
            .expect("define the task");
        context.run_jobs().expect("settle");
        let task = context
            .global_object()
            .get(js_string!("task"), &mut context)
            .expect("task")
            .as_object()
            .expect("a function");
        for _ in 0..tasks {
            let task = task.clone();
            let job = GenericJob::new(
                move |context| task.call(&JsValue::undefined(), &[], context),
                context.realm().clone(),
            );
            context.enqueue_job(EngineJob::GenericJob(job));
        }
        let start = Instant::now();
        context.run_jobs().expect("run the tasks");
        start.elapsed()
    })
}

/// Which registrations a memory measurement makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum MemCase {
    /// `reg(n)`: new target, no token.
    Plain,
    /// `regTok(n)`: new target and a new object token.
    Token,
    /// `regSelfTok(n)`: new target that is also the token.
    SelfToken,
    /// `regAgain(n)` after `reg(n)`: a second registration of each target (only the second counted).
    Again,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Memory {
    /// Net live bytes per registration, after a full collection (targets alive).
    pub bytes: f64,
    /// Allocation calls per registration.
    pub allocs: f64,
}

/// Net bytes allocated per registration, counted by the global allocator.
pub(super) fn memory(imp: Impl, case: MemCase, n: usize) -> Memory {
    isolated(move || {
        let mut env = Env::new(imp);
        if case == MemCase::Again {
            env.call("reg", &[n]);
        }
        env.context.clear_kept_objects();
        boa_gc::force_collect();
        let counting = Counting::start();
        let function = match case {
            MemCase::Plain => "reg",
            MemCase::Token => "regTok",
            MemCase::SelfToken => "regSelfTok",
            MemCase::Again => "regAgain",
        };
        env.call(function, &[n]);
        env.context.clear_kept_objects();
        boa_gc::force_collect();
        let bytes = counting.live_bytes();
        let calls = counting.calls();
        drop(counting);
        Memory {
            bytes: bytes as f64 / n as f64,
            allocs: calls as f64 / n as f64,
        }
    })
}

/// One measurement, run in its own process. Parent and worker exchange it, and what it measured,
/// as JSON.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(super) enum Job {
    Register(Impl, usize),
    Unregister(Impl, usize, Duration),
    Cleanup(Impl, usize),
    Pool(Impl, usize, usize),
    OneTarget(Impl, usize, OneTarget),
    GcHeavy(Impl, usize),
    GcRegistry(Impl, usize),
    Context(Impl, usize),
    Collect(Impl, usize),
    Memory(Impl, MemCase, usize),
    Weak(WeakOp, usize),
    /// `StressedTasks(level, live, tasks)`: tasks under a GC-stress level.
    StressedTasks(Option<StressLevel>, usize, usize),
    /// The weak family's loop, untimed: `WeakLoops(imp, op, n, calls)` (run under callgrind).
    WeakLoops(Impl, WeakOp, usize, usize),
}

impl Job {
    /// Runs the job in this process (the worker side) and returns what it measured as JSON.
    pub(super) fn run_here(self) -> String {
        let json = match self {
            Self::Register(imp, n) => serde_json::to_string(&register(imp, n)),
            Self::Unregister(imp, n, cap) => serde_json::to_string(&unregister(imp, n, cap)),
            Self::Cleanup(imp, n) => serde_json::to_string(&cleanup(imp, n)),
            Self::Pool(imp, live, pairs) => serde_json::to_string(&pool(imp, live, pairs)),
            Self::OneTarget(imp, n, pattern) => {
                serde_json::to_string(&many_cells_on_one_target(imp, n, pattern))
            }
            Self::GcHeavy(imp, rounds) => serde_json::to_string(&gc_heavy(imp, rounds)),
            Self::GcRegistry(imp, rounds) => serde_json::to_string(&gc_registry(imp, rounds)),
            Self::Context(imp, count) => serde_json::to_string(&context_creation(imp, count)),
            Self::Collect(imp, count) => serde_json::to_string(&collection(imp, count)),
            Self::Memory(imp, case, n) => serde_json::to_string(&memory(imp, case, n)),
            Self::Weak(op, n) => serde_json::to_string(&weak_op(op, n)),
            Self::StressedTasks(level, live, tasks) => {
                serde_json::to_string(&stressed_tasks(level, live, tasks))
            }
            Self::WeakLoops(imp, op, n, calls) => {
                serde_json::to_string(&weak_loops(imp, op, n, calls))
            }
        };
        json.expect("a measurement serializes")
    }

    /// Runs the job in a fresh worker process and returns what it measured: a `Duration` for the
    /// timed jobs, [`UnregisterRun`], [`CleanupRun`] or [`Memory`] for the others.
    pub(super) fn run<T: DeserializeOwned>(self) -> T {
        let arg = serde_json::to_string(&self).expect("a job serializes");
        let exe = std::env::current_exe().expect("the bench binary's path");
        let output = std::process::Command::new(exe)
            .args(["bench", "--worker", &arg])
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("start a bench worker");
        let stdout = String::from_utf8_lossy(&output.stdout);
        match serde_json::from_str(stdout.trim()) {
            Ok(value) if output.status.success() => value,
            _ => panic!("bench worker `{arg}` failed ({}): {stdout}", output.status),
        }
    }

    /// Runs the job in a worker process under `valgrind --tool=callgrind` and returns the
    /// instructions the whole process executed; `None` if valgrind cannot be run.
    pub(super) fn instructions(self) -> Option<u64> {
        let arg = serde_json::to_string(&self).expect("a job serializes");
        let exe = std::env::current_exe().expect("the bench binary's path");
        let output = std::process::Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(exe)
            .args(["bench", "--worker", &arg])
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        // callgrind's summary line: `==PID== Collected : 123456789`.
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .find_map(|line| line.split_once("Collected : ")?.1.trim().parse().ok())
    }

    /// Runs a job that measures one duration and returns it in seconds.
    pub(super) fn secs(self) -> f64 {
        self.run::<Duration>().as_secs_f64()
    }
}
