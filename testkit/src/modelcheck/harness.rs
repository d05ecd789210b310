//! Runs programs in real Boa contexts with the extension and checks them against the model.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use boa_engine::{
    Context, JsResult, JsString, JsValue, NativeFunction, Source, js_string,
    object::builtins::JsArray,
};
use boa_finalization::{GcStress, NativeRegistration};

use super::model::{Counts, FailKind, Failure, Model};
use super::program::{Act, HOSTILE, Program, Turn, render};
use crate::panic_message;

/// The result of running one program.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// What was checked.
    pub counts: Counts,
    /// The first failed check, if any.
    pub failure: Option<Failure>,
}

type Reports = Rc<RefCell<Vec<(Option<bool>, String)>>>;

/// One program running in its own `Context`.
pub struct Runner<'p> {
    program: &'p Program,
    context: Context,
    model: Model<'p>,
    reports: Reports,
    next: usize,
    gc_stress: GcStress,
}

/// The native finalizers a program registered through `__native`, by id, and the script's log
/// (the finalizers append `ncb|id` to it).
#[derive(Default)]
struct Natives {
    handles: RefCell<HashMap<u32, NativeRegistration>>,
    log: RefCell<Option<JsArray>>,
}

fn natives(context: &Context) -> Rc<Natives> {
    Rc::clone(
        context
            .get_data::<Rc<Natives>>()
            .expect("the harness's natives"),
    )
}

fn id_arg(args: &[JsValue]) -> u32 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "ids are small positive integers made by the generator"
    )]
    args.get(1)
        .or(args.first())
        .and_then(JsValue::as_number)
        .map_or(0, |n| n as u32)
}

/// `__native(object, id)`: `on_collected` from Rust; returns "ok", "notobj" or the error.
fn native(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let id = id_arg(args);
    let Some(object) = args.first().and_then(JsValue::as_object) else {
        return Ok(js_string!("notobj").into());
    };
    let state = natives(context);
    let log = state.log.borrow().clone().expect("the log is set");
    // The finalizer appends to the script's log, so the model sees it in order with the callbacks.
    let finalizer = move |context: &mut Context| {
        let line = JsString::from(format!("ncb|{id}"));
        log.push(line, context).expect("log a native finalizer");
    };
    let outcome = match boa_finalization::on_collected(&object, finalizer, context) {
        Ok(registration) => {
            state.handles.borrow_mut().insert(id, registration);
            "ok".to_string()
        }
        Err(error) => format!("error {error}"),
    };
    Ok(JsString::from(outcome).into())
}

/// `__cancel(id)`: `NativeRegistration::cancel`; "true", "false", or "gone" if already cancelled.
fn cancel(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let id = id_arg(&args[..args.len().min(1)]);
    let registration = natives(context).handles.borrow_mut().remove(&id);
    let outcome = match registration {
        Some(registration) => registration.cancel(context).to_string(),
        None => "gone".to_string(),
    };
    Ok(JsString::from(outcome).into())
}

/// Takes the script's log.
fn drain(context: &mut Context, step: usize) -> Result<Vec<String>, Failure> {
    let value = context
        .eval(Source::from_bytes(b"__log.splice(0).join('\\n')"))
        .map_err(|e| harness_failure(step, format!("reading the log: {e}")))?;
    let text = value
        .as_string()
        .map(|s| s.to_std_string_escaped())
        .unwrap_or_default();
    Ok(text.lines().map(str::to_owned).collect())
}

fn describe_hostile(acts: &[Act]) -> String {
    let names: Vec<&str> = acts
        .iter()
        .filter_map(|act| match act {
            Act::Hostile { what } => HOSTILE.get(usize::from(*what)).copied(),
            _ => None,
        })
        .collect();
    names.join("; ")
}

fn harness_failure(step: usize, message: String) -> Failure {
    Failure {
        kind: FailKind::Harness,
        message,
        step,
        replay_check: None,
    }
}

impl<'p> Runner<'p> {
    /// A context with the extension in two realms (`other` is the second realm's global), `gc()`,
    /// an error reporter that records realms, and the program loaded.
    pub fn new(program: &'p Program) -> Result<Self, Failure> {
        Self::with_registry(program, false)
    }

    /// As [`Runner::new`]; with `builtin`, the scripts get Boa 0.22's own `FinalizationRegistry`
    /// instead (to show what the checker finds in an implementation with known defects).
    pub fn with_registry(program: &'p Program, builtin: bool) -> Result<Self, Failure> {
        Self::with_options(program, builtin, GcStress::Off)
    }

    /// As [`Runner::with_registry`], with the executor forcing collections as `gc_stress` says,
    /// and a collection before every turn that does not run the job loop: a collection at every
    /// step. The model lets any collection happen at any time (a collection it does not see only
    /// makes more callbacks allowed); after a turn of the job loop, it knows the last checkpoint's
    /// collection came after everything ([`Model::stress_collection`]) and requires every callback
    /// that collection makes due.
    ///
    /// [`Model::stress_collection`]: super::model::Model::stress_collection
    pub fn with_options(
        program: &'p Program,
        builtin: bool,
        gc_stress: GcStress,
    ) -> Result<Self, Failure> {
        let setup = |e: boa_engine::JsError| harness_failure(0, format!("setup: {e}"));
        let mut context = crate::context_with(false, gc_stress);
        context
            .register_global_callable(
                js_string!("__native"),
                2,
                NativeFunction::from_fn_ptr(native),
            )
            .map_err(setup)?;
        context
            .register_global_callable(
                js_string!("__cancel"),
                1,
                NativeFunction::from_fn_ptr(cancel),
            )
            .map_err(setup)?;
        let state = Rc::new(Natives::default());
        context.insert_data(Rc::clone(&state));
        // The script first, then its prologue (hostile changes, native finalizers), then the
        // install: an embedder may install after script code ran.
        context
            .eval(Source::from_bytes(render(program).as_bytes()))
            .map_err(setup)?;
        let log = context
            .global_object()
            .get(js_string!("__log"), &mut context)
            .map_err(setup)?;
        *state.log.borrow_mut() = log
            .as_object()
            .and_then(|log| JsArray::from_object(log).ok());
        let mut model = Model::new(program);
        model.begin_prologue();
        let result = context.eval(Source::from_bytes(b"__prologue()"));
        let lines = drain(&mut context, 0)?;
        for line in &lines {
            model.event(line)?;
        }
        result.map_err(|e| harness_failure(0, format!("the prologue threw: {e}")))?;
        model.end_step()?;
        let hostile = program
            .prologue
            .iter()
            .any(|act| matches!(act, Act::Hostile { .. }));
        let installing = |e: boa_engine::JsError| {
            let mut failure = harness_failure(0, format!("install failed: {e}"));
            if hostile {
                failure.kind = FailKind::Hostile;
                failure.message = format!(
                    "install failed after the script changed globals ({}): {e}",
                    describe_hostile(&program.prologue)
                );
            }
            failure
        };
        if !builtin {
            boa_finalization::install(&mut context).map_err(installing)?;
        }
        let main = context.realm().clone();
        let other = if builtin {
            context.create_realm().map_err(setup)?
        } else {
            boa_finalization::create_realm(&mut context, &boa_finalization::InstallOptions::new())
                .map_err(installing)?
        };
        let previous = context.enter_realm(other.clone());
        let other_global = context.global_object();
        context.enter_realm(previous);
        context
            .global_object()
            .set(js_string!("other"), other_global, true, &mut context)
            .map_err(setup)?;
        let reports: Reports = Rc::default();
        let sink = Rc::clone(&reports);
        boa_finalization::set_error_reporter(&mut context, move |error, origin, _| {
            let realm = origin.realm();
            let which = if *realm == other {
                Some(true)
            } else if *realm == main {
                Some(false)
            } else {
                None
            };
            sink.borrow_mut().push((which, error.to_string()));
        });
        context
            .eval(Source::from_bytes(b"__installed()"))
            .map_err(setup)?;
        Ok(Self {
            program,
            context,
            model,
            reports,
            next: 0,
            gc_stress,
        })
    }

    /// Whether every step has run.
    #[must_use]
    pub fn done(&self) -> bool {
        self.next >= self.program.steps.len()
    }

    /// What the model checked so far.
    #[must_use]
    pub fn counts(&self) -> Counts {
        self.model.counts
    }

    fn drain_log(&mut self) -> Result<Vec<String>, Failure> {
        drain(&mut self.context, self.next)
    }

    fn replay(&mut self, lines: &[String]) -> Result<(), Failure> {
        for line in lines {
            self.model.event(line)?;
        }
        Ok(())
    }

    /// Runs the next step: its task, then its turn, checking everything the log shows.
    pub fn step(&mut self) -> Result<(), Failure> {
        let k = self.next;
        self.next += 1;
        let foreign = self.drain_log()?;
        if !foreign.is_empty() {
            let mut failure = harness_failure(
                k,
                format!("events happened in this context while it was idle: {foreign:?}"),
            );
            failure.kind = FailKind::CallbackOutOfTurn;
            return Err(failure);
        }
        self.model.begin_step(k);
        let result = self
            .context
            .eval(Source::from_bytes(format!("__run({k})").as_bytes()));
        let lines = self.drain_log()?;
        self.replay(&lines)?;
        if let Err(error) = result {
            return Err(harness_failure(k, format!("step {k} threw: {error}")));
        }
        self.model.end_step()?;
        self.model.begin_turn();
        let turn = self.program.steps[k].turn;
        match turn {
            Turn::RunJobs => {
                if let Err(error) = self.context.run_jobs() {
                    return Err(harness_failure(k, format!("run_jobs returned {error}")));
                }
            }
            Turn::CleanupOnly => {
                if self.gc_stress != GcStress::Off {
                    boa_gc::force_collect();
                }
                boa_finalization::run_cleanup_jobs(&mut self.context);
            }
        }
        let lines = self.drain_log()?;
        self.replay(&lines)?;
        let reports = std::mem::take(&mut *self.reports.borrow_mut());
        if let Some((_, message)) = reports.iter().find(|(which, _)| which.is_none()) {
            let mut failure = harness_failure(
                k,
                format!("an error was reported with a realm that is neither: {message}"),
            );
            failure.kind = FailKind::Reporter;
            return Err(failure);
        }
        let reports: Vec<(bool, String)> = reports
            .into_iter()
            .map(|(which, message)| (which.unwrap_or(false), message))
            .collect();
        if self.gc_stress != GcStress::Off && turn == Turn::RunJobs {
            self.model.stress_collection();
        }
        self.model.end_turn(turn, &reports)?;
        self.check_counters(k)
    }

    fn check_counters(&self, k: usize) -> Result<(), Failure> {
        let stats = boa_finalization::stats(&self.context);
        let stats_failure = |message: String| Failure {
            kind: FailKind::Stats,
            message,
            step: k,
            replay_check: None,
        };
        let expected = (
            self.model.callback_errors,
            self.model.job_errors,
            self.model.native_run,
            self.model.native_pending(),
        );
        let got = (
            stats.callback_errors,
            stats.job_errors,
            stats.native_run,
            stats.native_pending,
        );
        if got != expected {
            return Err(stats_failure(format!(
                "stats (callback_errors, job_errors, native_run, native_pending) = {got:?}, model {expected:?}"
            )));
        }
        // `callbacks_delivered` counts scripts' callbacks only; native finalizers are `native_run`.
        if stats.callbacks_delivered != self.model.delivered_total {
            return Err(stats_failure(format!(
                "stats: callbacks_delivered = {}, the model {}",
                stats.callbacks_delivered, self.model.delivered_total
            )));
        }
        self.check_cells(k)
    }

    /// `stats()` registries and cells against the model (after a turn).
    fn check_cells(&self, k: usize) -> Result<(), Failure> {
        let stats = boa_finalization::stats(&self.context);
        let cells = stats.live_cells + stats.awaiting_cleanup;
        let ((reg_low, reg_high), (cells_low, cells_high)) = self.model.expected_stats();
        if !(reg_low..=reg_high).contains(&stats.registries)
            || !(cells_low..=cells_high).contains(&cells)
        {
            return Err(Failure {
                kind: FailKind::Stats,
                message: format!(
                    "stats: {} registries and {} cells ({} live + {} awaiting cleanup); the model allows \
                     {reg_low}..={reg_high} registries and {cells_low}..={cells_high} cells",
                    stats.registries, cells, stats.live_cells, stats.awaiting_cleanup,
                ),
                step: k,
                replay_check: None,
            });
        }
        Ok(())
    }

    /// After the last step: `stats()` registries and cells against the model, then `shutdown`.
    pub fn finish(&mut self) -> Result<(), Failure> {
        let checked = self.check_cells(self.next);
        // The host is done with the context: its native finalizers still pending run now, as an
        // embedder's would (a debug build warns about a context dropped without this).
        boa_finalization::shutdown(&mut self.context);
        checked
    }
}

/// Runs `program` on the current thread.
#[must_use]
pub fn run(program: &Program) -> Outcome {
    run_with(program, false)
}

/// Runs `program` on the current thread, with Boa's built-in registry if `builtin`.
#[must_use]
pub fn run_with(program: &Program, builtin: bool) -> Outcome {
    let mut runner = match Runner::with_registry(program, builtin) {
        Ok(runner) => runner,
        Err(failure) => {
            return Outcome {
                counts: Counts::default(),
                failure: Some(failure),
            };
        }
    };
    let mut failure = None;
    while !runner.done() {
        if let Err(f) = runner.step() {
            failure = Some(f);
            break;
        }
    }
    if failure.is_none() {
        failure = runner.finish().err();
    }
    Outcome {
        counts: runner.counts(),
        failure,
    }
}

/// Runs several programs on the current thread, each in its own `Context`, one step of each in
/// turn: they share boa_gc's heap, and each checks that it never sees the others' callbacks.
#[must_use]
pub fn run_interleaved(programs: &[Program]) -> Vec<Outcome> {
    run_interleaved_with(programs, GcStress::Off)
}

/// As [`run_interleaved`], with collections as `gc_stress` says ([`Runner::with_options`]).
#[must_use]
pub fn run_interleaved_with(programs: &[Program], gc_stress: GcStress) -> Vec<Outcome> {
    let mut runners = Vec::new();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; programs.len()];
    for (i, program) in programs.iter().enumerate() {
        match Runner::with_options(program, false, gc_stress) {
            Ok(runner) => runners.push((i, runner)),
            Err(failure) => {
                outcomes[i] = Some(Outcome {
                    counts: Counts::default(),
                    failure: Some(failure),
                });
            }
        }
    }
    while !runners.is_empty() {
        let mut still = Vec::new();
        for (i, mut runner) in runners {
            let result = if runner.done() {
                runner.finish().map(|()| true)
            } else {
                runner.step().map(|()| false)
            };
            match result {
                Ok(false) => still.push((i, runner)),
                Ok(true) => {
                    outcomes[i] = Some(Outcome {
                        counts: runner.counts(),
                        failure: None,
                    });
                }
                Err(failure) => {
                    outcomes[i] = Some(Outcome {
                        counts: runner.counts(),
                        failure: Some(failure),
                    });
                }
            }
        }
        runners = still;
    }
    outcomes
        .into_iter()
        .map(|o| o.expect("every program finished"))
        .collect()
}

/// Runs `programs` interleaved on a fresh thread (a fresh boa_gc heap), turning a panic into a
/// [`FailKind::Panic`] failure of the first program.
#[must_use]
pub fn run_isolated(programs: Vec<Program>) -> Vec<Outcome> {
    run_isolated_with(programs, GcStress::Off)
}

/// As [`run_isolated`], with collections as `gc_stress` says ([`Runner::with_options`]).
#[must_use]
pub fn run_isolated_with(programs: Vec<Program>, gc_stress: GcStress) -> Vec<Outcome> {
    let n = programs.len();
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || run_interleaved_with(&programs, gc_stress))
        .expect("spawn");
    match handle.join() {
        Ok(outcomes) => outcomes,
        Err(payload) => {
            let failure = Failure {
                kind: FailKind::Panic,
                message: format!("panicked: {}", panic_message(payload.as_ref())),
                step: usize::MAX,
                replay_check: None,
            };
            (0..n)
                .map(|_| Outcome {
                    counts: Counts::default(),
                    failure: Some(failure.clone()),
                })
                .collect()
        }
    }
}
