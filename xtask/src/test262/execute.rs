//! Running one execution (a test in one mode) in a fresh `Context`, on its
//! own thread, with a time limit and panic containment.

use std::{
    any::Any,
    cell::RefCell,
    panic::{AssertUnwindSafe, catch_unwind},
    path::{Path, PathBuf},
    rc::Rc,
    sync::{Arc, Once, mpsc},
    thread,
    time::Duration,
};

use boa_engine::{
    Context, JsError, JsValue, Module, Script, Source, builtins::promise::PromiseState, js_string,
    module::SimpleModuleLoader,
};
use boa_finalization::{CleanupExecutor, ErrorOrigin, GcStress};
use boa_finalization_testkit::panic_message;
use test262_harness::Negative;

use super::{
    Registry, host,
    metadata::{ErrorPhase, Mode, prepare_source},
    verdict::{Completion, Thrown, Verdict, judge},
};

/// Name of the threads that run executions (used by the panic hook).
const WORKER_NAME: &str = "test262-exec";
/// Stack size of those threads: deep-recursion tests must hit Boa's
/// recursion limit, not overflow the native stack.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Everything a worker needs to run one execution; all owned, so it can
/// move to the worker thread.
#[derive(Debug, Clone)]
pub(crate) struct Execution {
    /// Absolute path of the test file (module specifiers resolve from it).
    pub(crate) path: PathBuf,
    /// The suite's `test/` directory: the module loader's root.
    pub(crate) module_root: PathBuf,
    /// The test file's text, unmodified.
    pub(crate) source: Arc<str>,
    /// How to run it.
    pub(crate) mode: Mode,
    /// Harness files to evaluate first, in order: name and text.
    pub(crate) harness: Vec<(String, Arc<str>)>,
    /// The test's `negative` frontmatter.
    pub(crate) negative: Option<Negative>,
    /// Whether the test has the `async` flag.
    pub(crate) is_async: bool,
    /// Which `FinalizationRegistry` is under test.
    pub(crate) registry: Registry,
    /// The collections the extension's `CleanupExecutor` forces.
    pub(crate) gc_stress: GcStress,
}

/// Runs `exec` on a new thread and waits at most `limit` for its verdict.
///
/// A timeout fails with the message `timeout` (the thread is abandoned; it
/// ends with the process). A panic fails with the panic's message.
pub(crate) fn run_with_limit(exec: Execution, limit: Duration) -> Verdict {
    run_isolated(move || execute(&exec), limit)
}

/// Runs `job` on a new worker thread with a large stack, containing panics
/// and giving up after `limit`.
pub(crate) fn run_isolated<F>(job: F, limit: Duration) -> Verdict
where
    F: FnOnce() -> Verdict + Send + 'static,
{
    install_panic_hook();
    let (tx, rx) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(WORKER_NAME.into())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let verdict = match catch_unwind(AssertUnwindSafe(job)) {
                Ok(verdict) => verdict,
                Err(payload) => Verdict::Fail(format!("panic: {}", caught_panic_text(&*payload))),
            };
            // The receiver is gone only after a timeout; nothing to do then.
            let _ = tx.send(verdict);
        });
    let handle = match spawned {
        Ok(handle) => handle,
        Err(e) => return Verdict::Fail(format!("could not start a worker thread: {e}")),
    };
    match rx.recv_timeout(limit) {
        Ok(verdict) => {
            let _ = handle.join();
            verdict
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Verdict::Fail("timeout".into()),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // Only reachable if the panic escaped catch_unwind (e.g. while
            // dropping the context during unwinding).
            let detail = match handle.join() {
                Err(payload) => caught_panic_text(&*payload),
                Ok(()) => "no verdict".into(),
            };
            Verdict::Fail(format!("worker thread died: {detail}"))
        }
    }
}

/// Runs one execution to its verdict in a fresh context (on this thread).
pub(crate) fn execute(exec: &Execution) -> Verdict {
    let (completion, printed) = complete(exec);
    judge(exec.negative.as_ref(), exec.is_async, &completion, &printed)
}

/// Sets up a fresh context and runs the harness and the test in it.
fn complete(exec: &Execution) -> (Completion, Vec<String>) {
    let mut context = match new_context(exec) {
        Ok(context) => context,
        Err(message) => return (Completion::HostError(message), Vec::new()),
    };
    let mut completion = run_in(exec, &mut context);
    // An error the extension's job loop reported instead of propagating
    // (e.g. from a cleanup callback) is still an uncaught exception.
    if completion == Completion::Normal
        && let Some(first) = take_reported(&mut context).into_iter().next()
    {
        completion = Completion::Threw(first);
    }
    let printed = host::take_printed(&mut context);
    (completion, printed)
}

/// Errors the extension reported from jobs during one execution.
#[derive(Debug, Default)]
struct Reported(Vec<Thrown>);

/// The extension's error reporter: records the error for the verdict.
fn record_reported(error: &JsError, _origin: &ErrorOrigin, context: &mut Context) {
    let thrown = thrown(error.clone(), ErrorPhase::Runtime, context);
    if let Some(reported) = context.host_defined_mut().get_mut::<Reported>() {
        reported.0.push(thrown);
    }
}

/// Takes the errors recorded by [`record_reported`].
fn take_reported(context: &mut Context) -> Vec<Thrown> {
    context
        .host_defined_mut()
        .get_mut::<Reported>()
        .map(|r| std::mem::take(&mut r.0))
        .unwrap_or_default()
}

/// A context with the module loader rooted at `test/`, the extension
/// installed (with its `CleanupExecutor` running the job loop, so cleanup
/// jobs run at every checkpoint, and the run's stress collections) or not, and the host bindings
/// defined.
fn new_context(exec: &Execution) -> Result<Context, String> {
    let loader =
        SimpleModuleLoader::new(&exec.module_root).map_err(|e| format!("module loader: {e}"))?;
    let builder = Context::builder().module_loader(Rc::new(loader));
    let builder = match exec.registry {
        Registry::Extension => builder.job_executor(Rc::new(
            CleanupExecutor::default().with_gc_stress(exec.gc_stress),
        )),
        Registry::Builtin => builder,
    };
    let mut context = builder
        .build()
        .map_err(|e| format!("creating the context: {e}"))?;
    if exec.registry == Registry::Extension {
        boa_finalization::install(&mut context)
            .map_err(|e| format!("installing boa_finalization: {e}"))?;
        context.insert_data(Reported::default());
        boa_finalization::set_error_reporter(&mut context, record_reported);
    }
    host::register(&mut context, exec.registry).map_err(|e| format!("defining $262: {e}"))?;
    Ok(context)
}

/// Evaluates the harness files, then the test in its mode.
fn run_in(exec: &Execution, context: &mut Context) -> Completion {
    for (name, text) in &exec.harness {
        let result = Script::parse(Source::from_bytes(text.as_bytes()), None, context)
            .and_then(|script| script.evaluate(context));
        if let Err(e) = result {
            let thrown = thrown(e, ErrorPhase::Runtime, context);
            return Completion::HostError(format!("harness/{name}: {}", thrown.describe()));
        }
    }
    let source = prepare_source(&exec.source, exec.mode);
    match exec.mode {
        Mode::Module => run_module(&source, &exec.path, exec.is_async, context),
        Mode::NonStrict | Mode::Strict | Mode::Raw => run_script(&source, &exec.path, context),
    }
}

/// ParseScript, ScriptEvaluation, then the job loop.
fn run_script(source: &str, path: &Path, context: &mut Context) -> Completion {
    let source = Source::from_bytes(source.as_bytes()).with_path(path);
    let script = match Script::parse(source, None, context) {
        Ok(script) => script,
        Err(e) => return Completion::Threw(thrown(e, ErrorPhase::Parse, context)),
    };
    if let Err(e) = script.evaluate(context) {
        return Completion::Threw(thrown(e, ErrorPhase::Runtime, context));
    }
    run_jobs(context)
}

/// Runs pending jobs; an error escaping a job is a runtime error.
fn run_jobs(context: &mut Context) -> Completion {
    match context.run_jobs() {
        Ok(()) => Completion::Normal,
        Err(e) => Completion::Threw(thrown(e, ErrorPhase::Runtime, context)),
    }
}

/// ParseModule, load + link (resolution phase), evaluate (runtime phase).
fn run_module(source: &str, path: &Path, is_async: bool, context: &mut Context) -> Completion {
    let source = Source::from_bytes(source.as_bytes()).with_path(path);
    let module = match Module::parse(source, None, context) {
        Ok(module) => module,
        Err(e) => return Completion::Threw(thrown(e, ErrorPhase::Parse, context)),
    };

    let loading = module.load(context);
    if let Completion::Threw(t) = run_jobs(context) {
        return Completion::Threw(Thrown {
            phase: ErrorPhase::Resolution,
            ..t
        });
    }
    match loading.state() {
        PromiseState::Fulfilled(_) => {}
        PromiseState::Rejected(reason) => {
            let e = JsError::from_opaque(reason);
            return Completion::Threw(thrown(e, ErrorPhase::Resolution, context));
        }
        PromiseState::Pending => {
            return Completion::HostError("module loading never settled".into());
        }
    }
    if let Err(e) = module.link(context) {
        return Completion::Threw(thrown(e, ErrorPhase::Resolution, context));
    }

    let evaluation = match module.evaluate(context) {
        Ok(promise) => promise,
        Err(e) => return Completion::Threw(thrown(e, ErrorPhase::Runtime, context)),
    };
    if let Completion::Threw(t) = run_jobs(context) {
        return Completion::Threw(t);
    }
    match evaluation.state() {
        PromiseState::Fulfilled(_) => Completion::Normal,
        PromiseState::Rejected(reason) => {
            let e = JsError::from_opaque(reason);
            Completion::Threw(thrown(e, ErrorPhase::Runtime, context))
        }
        // An async test reports through print(); let the verdict decide.
        PromiseState::Pending if is_async => Completion::Normal,
        PromiseState::Pending => Completion::Threw(Thrown {
            phase: ErrorPhase::Runtime,
            name: "<pending>".into(),
            message: "module evaluation never settled".into(),
        }),
    }
}

/// Describes an uncaught error: the constructor name and message of the
/// thrown value (read with JS semantics; failures there fall back to
/// plainer descriptions).
pub(crate) fn thrown(error: JsError, phase: ErrorPhase, context: &mut Context) -> Thrown {
    match error.into_opaque(context) {
        Ok(value) => {
            let (name, message) = describe_value(&value, context);
            Thrown {
                phase,
                name,
                message,
            }
        }
        Err(engine) => Thrown {
            phase,
            name: "<engine error>".into(),
            // The rest is a backtrace, often thousands of frames long.
            message: engine.to_string().lines().next().unwrap_or("").to_owned(),
        },
    }
}

/// Constructor name and message of a thrown value.
fn describe_value(value: &JsValue, context: &mut Context) -> (String, String) {
    let Some(object) = value.as_object() else {
        let name = format!("<{} value>", value.type_of());
        return (name, value.display().to_string());
    };
    let constructor_name = object
        .get(js_string!("constructor"), context)
        .ok()
        .and_then(|c| c.as_object())
        .and_then(|c| c.get(js_string!("name"), context).ok())
        .and_then(|n| n.as_string())
        .map(|n| n.to_std_string_escaped())
        .filter(|n| !n.is_empty());
    let name = constructor_name
        .or_else(|| {
            object
                .get(js_string!("name"), context)
                .ok()
                .and_then(|n| n.as_string())
                .map(|n| n.to_std_string_escaped())
        })
        .unwrap_or_else(|| "<object>".into());
    let message = match object.get(js_string!("message"), context) {
        Ok(m) if m.is_undefined() => String::new(),
        Ok(m) => m
            .to_string(context)
            .map_or_else(|_| m.display().to_string(), |s| s.to_std_string_escaped()),
        Err(_) => String::new(),
    };
    (name, message)
}

thread_local! {
    /// The last panic's message and location on this thread, recorded by
    /// the panic hook for worker threads.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps worker-thread panics off
/// stderr, recording them for the failure message instead; other threads
/// get the previous hook.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if thread::current().name() == Some(WORKER_NAME) {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let text = format!("{}{location}", panic_message(info.payload()));
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
}

/// The text of a caught panic, with its location when the hook saw it.
fn caught_panic_text(payload: &(dyn Any + Send)) -> String {
    LAST_PANIC
        .with(|last| last.borrow_mut().take())
        .unwrap_or_else(|| panic_message(payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(source: &str, mode: Mode, registry: Registry) -> Execution {
        Execution {
            path: std::env::temp_dir().join("xtask-test262-unit.js"),
            module_root: std::env::temp_dir(),
            source: Arc::from(source),
            mode,
            harness: Vec::new(),
            negative: None,
            is_async: false,
            registry,
            gc_stress: GcStress::Off,
        }
    }

    #[test]
    fn panics_become_failures() {
        let v = run_isolated(|| panic!("engine exploded"), Duration::from_secs(10));
        match v {
            Verdict::Fail(m) => {
                assert!(m.starts_with("panic: engine exploded"), "{m}");
                assert!(m.contains("execute.rs"), "location recorded: {m}");
            }
            Verdict::Pass => panic!("a panic passed"),
        }
    }

    #[test]
    fn slow_jobs_time_out() {
        let v = run_isolated(
            || {
                thread::sleep(Duration::from_secs(3));
                Verdict::Pass
            },
            Duration::from_millis(50),
        );
        assert_eq!(v, Verdict::Fail("timeout".into()));
    }

    #[test]
    fn runs_scripts_in_fresh_contexts() {
        let ok = exec(
            "var x = 1; if (x !== 1) throw 1;",
            Mode::NonStrict,
            Registry::Builtin,
        );
        assert_eq!(run_with_limit(ok, Duration::from_secs(20)), Verdict::Pass);
        // Strict mode really is strict.
        let strict = exec("undeclared = 1;", Mode::Strict, Registry::Builtin);
        let v = run_with_limit(strict, Duration::from_secs(20));
        assert!(
            matches!(&v, Verdict::Fail(m) if m.contains("ReferenceError")),
            "{v:?}"
        );
        let sloppy = exec("undeclared = 1;", Mode::NonStrict, Registry::Builtin);
        assert_eq!(
            run_with_limit(sloppy, Duration::from_secs(20)),
            Verdict::Pass
        );
    }

    #[test]
    fn parse_errors_are_in_the_parse_phase() {
        let mut e = exec("var = 1;", Mode::NonStrict, Registry::Builtin);
        e.negative = Some(Negative {
            phase: test262_harness::Phase::Parse,
            kind: Some("SyntaxError".into()),
        });
        assert_eq!(execute(&e), Verdict::Pass);
        e.negative = Some(Negative {
            phase: test262_harness::Phase::Runtime,
            kind: Some("SyntaxError".into()),
        });
        assert!(!execute(&e).passed());
    }

    #[test]
    fn host_bindings_exist() {
        let src = "if (typeof print !== 'function' || $262.global !== this) throw new Error('no host');
                   var r = $262.createRealm();
                   if (r.global === this || r.evalScript('1 + 1') !== 2) throw new Error('bad realm');";
        assert_eq!(
            execute(&exec(src, Mode::NonStrict, Registry::Builtin)),
            Verdict::Pass
        );
    }

    #[test]
    fn thrown_values_are_described() {
        let e = exec(
            "throw new TypeError('t');",
            Mode::NonStrict,
            Registry::Builtin,
        );
        assert_eq!(
            execute(&e),
            Verdict::Fail("uncaught runtime error: TypeError: t".into())
        );
        let e = exec("throw 'text';", Mode::NonStrict, Registry::Builtin);
        assert_eq!(
            execute(&e),
            Verdict::Fail("uncaught runtime error: <string value>: \"text\"".into())
        );
        let e = exec(
            "function Custom() {} throw new Custom();",
            Mode::NonStrict,
            Registry::Builtin,
        );
        assert_eq!(
            execute(&e),
            Verdict::Fail("uncaught runtime error: Custom".into())
        );
    }
}
