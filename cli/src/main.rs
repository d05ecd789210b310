//! `finreg`: runs JavaScript files (scripts or ES modules) with Boa, boa_runtime's console and
//! timers, and this crate's `FinalizationRegistry` (or Boa's own, to compare the two); with no file
//! and a terminal on standard input, it opens an interactive prompt.

mod clone;
mod console;
mod diagnostic;
mod inspect;
mod loader;
mod output;
mod redeclaration;
mod rejections;
mod repl;
mod source;
mod stalled;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use boa_engine::{
    Context, JsError, JsResult, JsValue, Module, NativeFunction, Script, Source,
    builtins::promise::PromiseState, context::ContextBuilder, job::SimpleJobExecutor, js_string,
};
use boa_finalization::{CleanupExecutor, FinalizationExtension, GcStress};
use boa_runtime::extensions::ConsoleExtension;
use clap::{CommandFactory, Parser, ValueEnum};

use crate::diagnostic::{Goal, diagnose};
use crate::loader::{FileLoader, file_url, located_syntax_error_message};
use crate::rejections::{Rejections, ShellHooks, handled_by_shell};

/// Run JavaScript files with a FinalizationRegistry you can trust.
#[derive(Parser, Debug)]
#[command(
    name = "finreg",
    version,
    about,
    after_help = "With no FILE and no --eval, and a terminal on standard input, finreg opens a prompt.\n\nExamples, from a clone of the repository:\n  finreg --expose-gc cli/examples/resource-pool.js\n  finreg --expose-gc cli/examples/modules/main.mjs\n  finreg --expose-gc -e 'const fr = new FinalizationRegistry(v => console.log(\"cleaned up\", v)); fr.register({}, \"bye\"); gc()'\n  finreg --expose-gc --registry builtin cli/examples/late-target.js\n  finreg --gc-stress cli/examples/gc-stress.js\n  finreg --gc-stress=job cli/examples/gc-stress.js\n  echo 'console.log(1)' | finreg -\n  finreg --expose-gc"
)]
struct Cli {
    /// Files, evaluated in order in one realm (`-` reads standard input). A `.mjs` file is an ES
    /// module; any other file is a script unless --module is given.
    files: Vec<PathBuf>,
    /// Code to evaluate, as a script, before the files (repeatable).
    #[arg(short, long, value_name = "CODE")]
    eval: Vec<OsString>,
    /// Load every FILE as an ES module (imports, top-level await, import.meta), whatever its name.
    #[arg(short, long)]
    module: bool,
    /// Open the prompt after running the files and --eval code, even when standard input is not a
    /// terminal.
    #[arg(short, long)]
    interactive: bool,
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
    /// Collect garbage as often as a host may, to test code that depends on collection without
    /// calling gc(): a full collection at the end of every task's microtasks (`task`, the level
    /// without a value), or also before every job, promise jobs included (`job`). A target dropped
    /// in a task is collected when the task's microtasks end, and its callback runs within the next
    /// two tasks. WeakRef targets made or read in a task stay alive until its microtasks end.
    /// Costs a full collection per task or per job (see the README).
    #[arg(
        long,
        value_enum,
        value_name = "LEVEL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "task"
    )]
    gc_stress: Option<StressLevel>,
}

/// The levels of `--gc-stress`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StressLevel {
    /// A full collection at every microtask checkpoint (after each task's promise jobs).
    Task,
    /// A full collection before every job (tasks, promise jobs, cleanup jobs) and at every checkpoint.
    Job,
}

impl From<StressLevel> for GcStress {
    fn from(level: StressLevel) -> Self {
        match level {
            StressLevel::Task => Self::Task,
            StressLevel::Job => Self::Job,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Registry {
    /// This crate's registry, with cleanup jobs at every checkpoint.
    Extension,
    /// Boa 0.22's built-in registry, for comparison.
    Builtin,
}

/// Why a run stopped early; each kind has its exit status.
#[derive(Debug)]
enum Failure {
    /// The code threw, a module rejected, or it does not parse: exit 1.
    Uncaught(String),
    /// A file could not be read, or the shell could not start: exit 2, as for usage errors.
    Io(String),
    /// A module's top-level `await` can never go on (node's warning): exit 13, as node.
    UnsettledAwait(String),
}

impl Failure {
    /// 1 for the code's own failures, 2 for the shell's (the usage-error status), 13 for an
    /// unsettled top-level await.
    fn exit_code(&self) -> ExitCode {
        match self {
            Self::Uncaught(_) => ExitCode::FAILURE,
            Self::Io(_) => ExitCode::from(2),
            Self::UnsettledAwait(_) => ExitCode::from(13),
        }
    }

    /// What to print on stderr.
    fn message(&self) -> &str {
        match self {
            Self::Uncaught(message) | Self::Io(message) | Self::UnsettledAwait(message) => message,
        }
    }
}

/// Runs the files and `--eval` code, then the prompt if asked for (or if nothing was given and a
/// terminal is on standard input), and turns the outcome into the exit status.
/// The shell's stack: Boa 0.22 recurses natively without a limit in `JSON.stringify`, `String` of an
/// array, `structuredClone` and `flat` of nested values, so a script's nesting depth bounds how
/// deep the native stack goes. The main thread's 8 MiB overflow (an abort) at a nesting of about
/// 10,000; this reservation, committed only as it is touched, lets such values run to completion
/// far deeper (1e5 levels in a debug build).
const SHELL_STACK_BYTES: usize = 1 << 30;

fn main() -> ExitCode {
    let shell = std::thread::Builder::new()
        .name("finreg".into())
        .stack_size(SHELL_STACK_BYTES)
        .spawn(shell);
    match shell.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        // A panic was already reported by the panic hook.
        Ok(Err(_)) => ExitCode::from(101),
        Err(error) => {
            output::error_line(&format!("finreg: cannot start the shell's thread: {error}"));
            ExitCode::FAILURE
        }
    }
}

fn shell() -> ExitCode {
    let cli = Cli::parse();
    refuse_stress_without_the_loop(&cli);
    let nothing_given = cli.files.is_empty() && cli.eval.is_empty();
    let prompt = cli.interactive || (nothing_given && std::io::stdin().is_terminal());
    if nothing_given && !prompt {
        // Standard input is a pipe or a file: reading it as a script silently would surprise
        // whoever forgot the file name, so this stays a usage error (`-` reads it on purpose).
        output::error_line(
            "finreg: nothing to run: give a FILE, `-` for standard input, --eval CODE, or -i for the prompt",
        );
        return ExitCode::from(2);
    }
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => {
            output::error_line(&format!(
                "finreg: cannot read the working directory: {error}"
            ));
            return ExitCode::from(2);
        }
    };
    let loader = Rc::new(FileLoader::new(cwd));
    let mut context = match build_context(&cli, Rc::clone(&loader)) {
        Ok(context) => context,
        Err(error) => {
            output::error_line(&format!("finreg: cannot set up the context: {error}"));
            return ExitCode::FAILURE;
        }
    };
    let mut outcome = run(&cli, &loader, &mut context);
    if outcome.is_ok() && prompt {
        outcome = repl::run(&mut context);
    }
    let stats = boa_finalization::stats(&context);
    if cli.stats {
        print_stats(&context);
    }
    match outcome {
        // Errors at the prompt were shown as they happened; leaving it is a success (unless an
        // entry was left unfinished: that is an `Err`).
        Ok(()) if prompt => ExitCode::SUCCESS,
        Ok(()) if stats.callback_errors + stats.job_errors == 0 => ExitCode::SUCCESS,
        Ok(()) => ExitCode::FAILURE,
        Err(failure) => {
            output::error_line(failure.message());
            failure.exit_code()
        }
    }
}

/// `--gc-stress` sets this crate's job loop: with Boa's own (`--registry builtin`) it would do
/// nothing, so that is a usage error (exit status 2).
fn refuse_stress_without_the_loop(cli: &Cli) {
    if cli.gc_stress.is_some() && cli.registry == Registry::Builtin {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--gc-stress sets this crate's job loop, which --registry builtin does not use",
            )
            .exit();
    }
}

/// The extension's statistics, on stderr (`--stats`).
fn print_stats(context: &Context) {
    output::error_line(&format!("{:#?}", boa_finalization::stats(context)));
}

/// One realm with the chosen registry and job executor, the console and timers, the module
/// loader, the unhandled-rejection tracker, and the optional test-shell globals.
fn build_context(cli: &Cli, loader: Rc<FileLoader>) -> JsResult<Context> {
    let rejections = Rejections::new();
    let builder = ContextBuilder::new()
        .module_loader(loader)
        .host_hooks(Rc::new(ShellHooks(Rc::clone(&rejections))));
    let stress = cli.gc_stress.map_or(GcStress::Off, GcStress::from);
    let executor = Rc::new(CleanupExecutor::default().with_gc_stress(stress));
    let at_checkpoint = Rc::clone(&rejections);
    executor.set_checkpoint_hook(move |context| at_checkpoint.checkpoint(context));
    let mut context = match cli.registry {
        Registry::Extension => builder.job_executor(Rc::clone(&executor)),
        Registry::Builtin => builder.job_executor(Rc::new(SimpleJobExecutor::new())),
    }
    .build()?;
    if cli.registry == Registry::Extension {
        context.insert_data(executor);
    }
    context.insert_data(rejections);
    let next_line = console::NextLine::default();
    let logger = output::PipeLogger::new(&next_line);
    match cli.registry {
        Registry::Extension => boa_runtime::register(
            (ConsoleExtension(logger), FinalizationExtension::default()),
            None,
            &mut context,
        )?,
        Registry::Builtin => boa_runtime::register(ConsoleExtension(logger), None, &mut context)?,
    }
    console::install(&next_line, &mut context)?;
    clone::install(&mut context)?;
    if cli.expose_gc {
        boa_finalization::expose_gc(&mut context)?;
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

/// Evaluates every source, then runs the job loop until nothing is left.
fn run(cli: &Cli, loader: &FileLoader, context: &mut Context) -> Result<(), Failure> {
    for (index, code) in cli.eval.iter().enumerate() {
        // Several --eval sources are told apart by their position on the command line.
        let name = match index {
            0 => "<eval>".to_owned(),
            _ => format!("<eval {}>", index + 1),
        };
        // Decoded as files are: an argument that is not UTF-8 still runs, as in node.
        let code = source::decode(code.as_encoded_bytes());
        run_script(&code, Path::new(&name), context)?;
    }
    for path in &cli.files {
        let code = read_source(path)?;
        let from_stdin = path == Path::new("-");
        let name = if from_stdin {
            Path::new("<stdin>")
        } else {
            path.as_path()
        };
        if cli.module || path.extension() == Some("mjs".as_ref()) {
            run_module(&code, name, !from_stdin, loader, context)?;
        } else {
            run_script(&code, name, context)?;
        }
    }
    run_job_loop(context)
}

/// Runs the job loop until nothing is left or an unhandled rejection ended it (the shell's
/// rejection tracker stops the loop), and says how the run goes on: the one place where the loop's
/// end becomes the run's outcome.
fn run_job_loop(context: &mut Context) -> Result<(), Failure> {
    let looped = context.run_jobs();
    if let Some(rejections) = Rejections::of(context) {
        // Boa's own executor (`--registry builtin`) has no checkpoint hook: its rejections are
        // looked at once the loop is idle.
        rejections.checkpoint(context);
        if let Some(report) = rejections.take_end_of_run(context) {
            return Err(Failure::Uncaught(report));
        }
    }
    looped.map_err(|error| Failure::Uncaught(describe(&error, context)))
}

/// Parses and evaluates one classic script. The script keeps the path it was given (`x.js`,
/// `<eval>`, `<stdin>`, `<prompt>`): backtraces show it, and `import()` in it resolves from its
/// directory (the working directory for the names in angle brackets).
pub(crate) fn run_script(
    code: &str,
    path: &Path,
    context: &mut Context,
) -> Result<JsValue, Failure> {
    let name = path.display().to_string();
    let script = Script::parse(
        Source::from_bytes(code.as_bytes()).with_path(path),
        None,
        context,
    )
    .map_err(|error| Failure::Uncaught(syntax_error(code, Goal::Script, &name, &error)))?;
    script
        .evaluate(context)
        .map_err(|error| Failure::Uncaught(describe(&error, context)))
}

/// Loads, links and evaluates one module and the modules it imports, running the job loop while
/// imports load or top-level `await` waits. A module without imports or top-level await runs
/// like a script: its own jobs wait for the end of the run, after the later files.
fn run_module(
    code: &str,
    path: &Path,
    is_file: bool,
    loader: &FileLoader,
    context: &mut Context,
) -> Result<(), Failure> {
    let name = path.display().to_string();
    // A file's module record gets its canonical path, which relative imports and import.meta.url
    // are made from; messages keep the name as given. `<stdin>` stays as it is (no URL; its
    // imports resolve from the working directory).
    let record_path = if is_file {
        path.canonicalize()
            .map_err(|error| Failure::Io(format!("finreg: cannot read {name}: {error}")))?
    } else {
        path.to_path_buf()
    };
    let source = Source::from_bytes(code.as_bytes()).with_path(&record_path);
    let module = Module::parse(source, None, context)
        .map_err(|error| Failure::Uncaught(syntax_error(code, Goal::Module, &name, &error)))?;
    if is_file {
        loader.insert(record_path.clone(), module.clone());
    }

    let uncaught =
        |error: JsError, context: &mut Context| Failure::Uncaught(describe(&error, context));
    let loading = module.load(context);
    handled_by_shell(&loading, context).map_err(|error| uncaught(error, context))?;
    settle(&loading, context)?;
    match loading.state() {
        PromiseState::Fulfilled(_) => {}
        PromiseState::Rejected(reason) => {
            return Err(uncaught(JsError::from_opaque(reason), context));
        }
        PromiseState::Pending => {
            return Err(Failure::Uncaught(format!(
                "finreg: {name}: its imports never finished loading"
            )));
        }
    }
    module
        .link(context)
        .map_err(|error| uncaught(error, context))?;
    let evaluated = module
        .evaluate(context)
        .map_err(|error| uncaught(error, context))?;
    handled_by_shell(&evaluated, context).map_err(|error| uncaught(error, context))?;
    settle(&evaluated, context)?;
    match evaluated.state() {
        PromiseState::Fulfilled(_) => Ok(()),
        PromiseState::Rejected(reason) => Err(uncaught(JsError::from_opaque(reason), context)),
        // Nothing is left to run, so the awaited promise can never settle (node: exit 13).
        PromiseState::Pending => {
            let shown = if is_file {
                file_url(&record_path)
            } else {
                name
            };
            Err(Failure::UnsettledAwait(stalled::warning(code, &shown)))
        }
    }
}

/// Runs the job loop when `promise` is still pending; a settled promise needs nothing, and running
/// the loop then would run other files' timers early.
fn settle(
    promise: &boa_engine::object::builtins::JsPromise,
    context: &mut Context,
) -> Result<(), Failure> {
    match promise.state() {
        PromiseState::Pending => run_job_loop(context),
        _ => Ok(()),
    }
}

/// The message for a source that does not parse: `file:line:column: SyntaxError: ...` when the
/// position is known, else the engine's message after the file name.
pub(crate) fn syntax_error(code: &str, goal: Goal, name: &str, error: &JsError) -> String {
    match diagnose(code, goal) {
        Some(diagnostic) => diagnostic.display(name).to_string(),
        None => format!("{name}: {error}"),
    }
}

/// The message for an uncaught error: `file:line:column: SyntaxError: ...` for a syntax error of
/// an imported module, else `Uncaught ...` with Boa's backtrace.
pub(crate) fn describe(error: &JsError, context: &mut Context) -> String {
    if let Some(located) = located_syntax_error_message(error, context) {
        return located;
    }
    let shown = inspect::describe_error(error, context);
    format!("Uncaught {}", without_native_markers(&shown))
}

/// Boa marks the creation point of an error made by native code, and each native frame of a
/// backtrace, with "(native)": it names no place in the user's code, so the shell leaves it out.
/// The frames that do name a place (`at f (app.js:3:5)`) are kept.
fn without_native_markers(shown: &str) -> String {
    let (head, frames) = shown.split_at(shown.find("\n    at ").unwrap_or(shown.len()));
    let mut tidy = head.strip_suffix(" (native)").unwrap_or(head).to_owned();
    for frame in frames.split('\n').filter(|frame| !frame.is_empty()) {
        let anonymous_native =
            frame.trim_start().strip_prefix("at").map(str::trim) == Some("(native)");
        if !anonymous_native {
            tidy.push('\n');
            tidy.push_str(frame);
        }
    }
    tidy
}

/// Reads a whole file, or standard input for `-`, as node decodes source text.
fn read_source(path: &Path) -> Result<String, Failure> {
    source::read(path)
        .map_err(|error| Failure::Io(format!("finreg: cannot read {}: {error}", path.display())))
}
