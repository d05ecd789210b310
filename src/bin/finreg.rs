//! `finreg`: runs JavaScript files with Boa, boa_runtime's console and timers, and this crate's
//! `FinalizationRegistry` (or Boa's own, to compare the two).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use boa_engine::{
    context::ContextBuilder, job::SimpleJobExecutor, js_string, Context, JsResult, JsValue,
    NativeFunction, Source,
};
use boa_finalization::{CleanupExecutor, FinalizationExtension};
use boa_runtime::extensions::ConsoleExtension;
use clap::{Parser, ValueEnum};

/// Run JavaScript files with a FinalizationRegistry you can trust.
#[derive(Parser, Debug)]
#[command(
    version,
    about,
    after_help = "Examples:\n  finreg --expose-gc examples/resource-pool.js\n  finreg --expose-gc -e 'new FinalizationRegistry(console.log).register({}, \"bye\"); gc()'\n  finreg --expose-gc --registry builtin examples/late-target.js\n  echo 'console.log(1)' | finreg -"
)]
struct Cli {
    /// Script files, evaluated in order in one realm (`-` reads standard input).
    files: Vec<PathBuf>,
    /// Code to evaluate before the files (repeatable).
    #[arg(short, long, value_name = "CODE")]
    eval: Vec<String>,
    /// Define a global `gc()` that performs a full collection and returns undefined.
    #[arg(long)]
    expose_gc: bool,
    /// Which FinalizationRegistry the scripts get.
    #[arg(long, value_enum, default_value_t = Registry::Extension)]
    registry: Registry,
    /// Define the test-shell functions `drainJobQueue()` (run promise and cleanup jobs now, nested in
    /// the current task) and `clearKeptObjects()`, as SpiderMonkey's shell has them.
    #[arg(long)]
    shell_functions: bool,
    /// Print the extension's statistics to stderr at exit.
    #[arg(long)]
    stats: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Registry {
    /// This crate's registry, with cleanup jobs at every checkpoint.
    Extension,
    /// Boa 0.22's built-in registry, for comparison.
    Builtin,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.files.is_empty() && cli.eval.is_empty() {
        eprintln!("finreg: nothing to run: give a FILE, `-` for standard input, or --eval CODE");
        return ExitCode::from(2);
    }
    let mut context = match build_context(&cli) {
        Ok(context) => context,
        Err(error) => {
            eprintln!("finreg: cannot set up the context: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = run(&cli, &mut context);
    let stats = boa_finalization::stats(&context);
    if cli.stats {
        eprintln!("{stats:#?}");
    }
    match outcome {
        Ok(()) if stats.callback_errors + stats.job_errors == 0 => ExitCode::SUCCESS,
        Ok(()) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn build_context(cli: &Cli) -> JsResult<Context> {
    let builder = ContextBuilder::new();
    let executor = Rc::new(CleanupExecutor::default());
    let mut context = match cli.registry {
        Registry::Extension => builder.job_executor(Rc::clone(&executor)),
        Registry::Builtin => builder.job_executor(Rc::new(SimpleJobExecutor::new())),
    }
    .build()?;
    if cli.registry == Registry::Extension {
        context.insert_data(executor);
    }
    match cli.registry {
        Registry::Extension => boa_runtime::register(
            (ConsoleExtension::default(), FinalizationExtension),
            None,
            &mut context,
        )?,
        Registry::Builtin => {
            boa_runtime::register(ConsoleExtension::default(), None, &mut context)?
        }
    }
    if cli.expose_gc {
        context.register_global_callable(js_string!("gc"), 0, NativeFunction::from_fn_ptr(gc))?;
    }
    if cli.shell_functions {
        context.register_global_callable(
            js_string!("drainJobQueue"),
            0,
            NativeFunction::from_fn_ptr(drain_job_queue),
        )?;
        context.register_global_callable(
            js_string!("clearKeptObjects"),
            0,
            NativeFunction::from_fn_ptr(clear_kept_objects),
        )?;
    }
    Ok(context)
}

/// `gc()`: a full, synchronous collection. Cleanup callbacks come later, in their own jobs.
fn gc(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    boa_gc::force_collect();
    Ok(JsValue::undefined())
}

/// `drainJobQueue()`: runs the pending promise jobs and cleanup jobs now.
fn drain_job_queue(_: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    match context.get_data::<Rc<CleanupExecutor>>().cloned() {
        Some(executor) => executor.end_of_task(context),
        None => context.run_jobs()?,
    }
    Ok(JsValue::undefined())
}

/// `clearKeptObjects()`: ClearKeptObjects, so WeakRef targets of this task may be collected.
fn clear_kept_objects(_: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    context.clear_kept_objects();
    Ok(JsValue::undefined())
}

/// Evaluates every source, then runs the job loop until nothing is left. Errs with the message to
/// print when a script throws or a file cannot be read.
fn run(cli: &Cli, context: &mut Context) -> Result<(), String> {
    for code in &cli.eval {
        evaluate(Source::from_bytes(code.as_bytes()), "--eval", context)?;
    }
    for path in &cli.files {
        let code = read_script(path)?;
        let source = Source::from_bytes(code.as_bytes()).with_path(path);
        evaluate(source, &path.display().to_string(), context)?;
    }
    context
        .run_jobs()
        .map_err(|error| format!("Uncaught {error}"))
}

fn evaluate<R: boa_engine::parser::source::ReadChar>(
    source: Source<'_, R>,
    origin: &str,
    context: &mut Context,
) -> Result<(), String> {
    context
        .eval(source)
        .map(drop)
        .map_err(|error| format!("Uncaught {error}\n    in {origin}"))
}

fn read_script(path: &Path) -> Result<String, String> {
    let mut code = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut code).map(drop)
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_string(&mut code).map(drop))
    };
    read.map(|()| code)
        .map_err(|error| format!("finreg: cannot read {}: {error}", path.display()))
}
