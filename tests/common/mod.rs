//! Shared harness for the integration tests: a context with the extension, `gc()`, a `log()` that
//! records into `globalThis.__log`, and boa_runtime's timers.
#![allow(dead_code)]

use std::rc::Rc;

use boa_engine::{Context, JsResult, JsValue, Source, context::ContextBuilder, job::JobExecutor};
use boa_finalization::CleanupExecutor;
use boa_runtime::extensions::ConsoleExtension;

/// A context as an embedder builds it: CleanupExecutor, timers, the extension, `gc()` and `log()`.
pub(crate) fn context() -> Context {
    context_with("")
}

/// [`context`], with `before_install` evaluated before the extension replaces Boa's registry.
pub(crate) fn context_with(before_install: &str) -> Context {
    context_on_with(Rc::new(CleanupExecutor::default()), before_install)
}

/// [`context`] on the caller's `executor`; the caller keeps its own `Rc` to drive the loop (an async
/// one through `run_jobs_async`) or to reach it from a native function.
pub(crate) fn context_on<E: JobExecutor + 'static>(executor: Rc<E>) -> Context {
    context_on_with(executor, "")
}

fn context_on_with<E: JobExecutor + 'static>(executor: Rc<E>, before_install: &str) -> Context {
    let mut context = ContextBuilder::new()
        .job_executor(executor)
        .build()
        .expect("context");
    eval(&mut context, before_install);
    set_up(&mut context);
    context
}

/// What [`context`] adds to a built context: boa_runtime's console and timers, the extension,
/// `gc()` and `log()`.
pub(crate) fn set_up(context: &mut Context) {
    boa_runtime::register(ConsoleExtension::default(), None, context).expect("runtime");
    boa_finalization::install(context).expect("install");
    register_gc_and_log(context);
}

/// Defines `gc()` and `log()`, for contexts built without [`context`] (no boa_runtime, say).
pub(crate) fn register_gc_and_log(context: &mut Context) {
    boa_finalization::expose_gc(context).expect("gc");
    eval(
        context,
        "globalThis.__log = []; globalThis.log = (...a) => { __log.push(a.map(String).join(' ')); };",
    );
}

/// Evaluates `code` as one task, panicking with the error if it throws.
pub(crate) fn eval(context: &mut Context, code: &str) -> JsValue {
    try_eval(context, code).unwrap_or_else(|e| panic!("script threw: {e}\n{code}"))
}

/// Evaluates `code` as one task.
pub(crate) fn try_eval(context: &mut Context, code: &str) -> JsResult<JsValue> {
    context.eval(Source::from_bytes(code.as_bytes()))
}

/// Runs the job loop until it is idle.
pub(crate) fn turn(context: &mut Context) {
    context
        .run_jobs()
        .expect("run_jobs reports errors, never returns them");
}

/// Takes what `log()` recorded so far.
pub(crate) fn take_log(context: &mut Context) -> Vec<String> {
    let text = eval(context, "__log.splice(0).join('\\n')");
    let text = text.as_string().expect("string").to_std_string_escaped();
    text.lines().map(str::to_owned).collect()
}

/// Evaluates `code`, runs the job loop and returns the log.
pub(crate) fn run(code: &str) -> Vec<String> {
    let mut context = context();
    eval(&mut context, code);
    turn(&mut context);
    take_log(&mut context)
}

/// Sorted copy, for checks where callback order is unspecified.
pub(crate) fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Ways a script can tamper with one intrinsic it can reach through the globals. `{path}` is the
/// holder expression and `{key}` the property; fakes record their calls in `__hostile_calls`.
const TAMPERINGS: [&str; 3] = [
    "delete {path}[{key}];",
    "{path}[{key}] = function () { __hostile_calls.push({key}); return 'fake'; };",
    "Object.defineProperty({path}, {key}, { configurable: true, get() { __hostile_calls.push({key}); throw new Error('hostile getter'); } });",
];

/// A hostile-globals check: `scenario(tampering, before_install)` evaluates `tampering` before or
/// after install, runs its scenario and returns its log (sorted) and [`hostile_calls`]. Run
/// untampered first, then with every tampering of every `(holder, key)` target, before and after
/// install: each run must log what the untampered one did and call no fake. Returns that log.
pub(crate) fn assert_tampering_changes_nothing(
    targets: &[(&str, &str)],
    scenario: impl Fn(&str, bool) -> (Vec<String>, Vec<String>),
) -> Vec<String> {
    let (expected, calls) = scenario("", true);
    assert!(calls.is_empty(), "untampered run called {calls:?}");
    for (path, key) in targets {
        for tampering in TAMPERINGS {
            let tampering = tampering.replace("{path}", path).replace("{key}", key);
            for before_install in [true, false] {
                let (log, calls) = scenario(&tampering, before_install);
                let when = if before_install { "before" } else { "after" };
                assert!(
                    calls.is_empty(),
                    "`{tampering}` {when} install: crate called {calls:?}"
                );
                assert_eq!(log, expected, "`{tampering}` {when} install");
            }
        }
    }
    expected
}

/// A scenario for [`assert_tampering_changes_nothing`], in three scripts: `prelude` before install
/// (it saves what the scenario needs and sets `__hostile_calls = []`), `after_install` right after
/// install (saving what install made), and `scenario`, which uses only what the two saved.
pub(crate) struct Hostile<'a> {
    pub(crate) prelude: &'a str,
    pub(crate) after_install: &'a str,
    pub(crate) scenario: &'a str,
}

/// Runs `hostile` with `tampering` evaluated before install (after the prelude) or after it (after
/// `after_install`), then the job loop; returns the log (sorted) and the calls the fakes saw.
pub(crate) fn run_tampered(
    hostile: &Hostile<'_>,
    tampering: &str,
    before_install: bool,
) -> (Vec<String>, Vec<String>) {
    let (before, after) = if before_install {
        (tampering, "")
    } else {
        ("", tampering)
    };
    let mut context = context_with(&format!("{} {before}", hostile.prelude));
    eval(&mut context, hostile.after_install);
    eval(&mut context, after);
    eval(&mut context, hostile.scenario);
    turn(&mut context);
    let calls = hostile_calls(&mut context);
    (sorted(take_log(&mut context)), calls)
}

/// What the fakes of a tampering recorded in `__hostile_calls`.
pub(crate) fn hostile_calls(context: &mut Context) -> Vec<String> {
    let calls = eval(context, "__hostile_calls.join()");
    let calls = calls.as_string().expect("string").to_std_string_escaped();
    calls
        .split(',')
        .filter(|call| !call.is_empty())
        .map(str::to_owned)
        .collect()
}
