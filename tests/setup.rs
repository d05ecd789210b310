//! The set-up check: a context whose cleanup jobs would never run is refused at install, with both
//! fixes in the error; a correct set-up, whatever executor the `CleanupExecutor` wraps or whatever
//! its first script does, installs and delivers without a word on stderr.

mod common;

use std::process::Command;
use std::rc::Rc;

use boa_engine::{
    context::ContextBuilder,
    job::{IdleJobExecutor, SimpleJobExecutor},
    Context, JsError,
};
use boa_finalization::{CleanupExecutor, Delivery, InstallOptions};
use common::{eval, register_gc_and_log, take_log, turn};

fn cleanup_executor_context(executor: CleanupExecutor) -> Context {
    ContextBuilder::new()
        .job_executor(Rc::new(executor))
        .build()
        .expect("context")
}

/// The error is a TypeError that names both fixes.
fn assert_refused(result: Result<impl std::fmt::Debug, JsError>, way_in: &str) {
    let error = result.expect_err(way_in);
    let message = error.to_string();
    assert!(message.starts_with("TypeError"), "{way_in}: {message}");
    for fix in ["CleanupExecutor", "own_event_loop", "run_cleanup_jobs"] {
        assert!(
            message.contains(fix),
            "{way_in}: `{fix}` missing in {message}"
        );
    }
}

#[test]
fn a_context_that_would_never_deliver_is_refused_by_every_way_in() {
    let mut context = Context::default();
    assert_eq!(boa_finalization::delivery(&context), Delivery::Never);
    assert_refused(boa_finalization::install(&mut context), "install");
    let defaults = InstallOptions::new();
    assert_refused(
        boa_finalization::install_with(&mut context, &defaults),
        "install_with",
    );
    let realm = context.realm().clone();
    assert_refused(
        boa_finalization::install_in_realm(&realm, &mut context),
        "install_in_realm",
    );
    assert_refused(boa_finalization::create_realm(&mut context), "create_realm");
    #[cfg(feature = "runtime")]
    assert_refused(
        boa_runtime::RuntimeExtension::register(
            boa_finalization::FinalizationExtension,
            None,
            &mut context,
        ),
        "FinalizationExtension",
    );
    // Nothing was changed: scripts still see Boa's registry.
    assert!(!boa_finalization::is_installed(&context));
    assert_eq!(boa_finalization::delivery(&context), Delivery::Never);
}

#[test]
fn a_declared_own_event_loop_is_accepted_for_every_realm_and_delivers() {
    let mut context = Context::default();
    let own_loop = InstallOptions::new().own_event_loop();
    boa_finalization::install_with(&mut context, &own_loop).expect("install_with");
    assert_eq!(boa_finalization::delivery(&context), Delivery::OwnEventLoop);
    // Later realms use the options the context was installed with.
    let realm = boa_finalization::create_realm(&mut context).expect("create_realm");
    #[cfg(feature = "runtime")]
    boa_runtime::RuntimeExtension::register(
        boa_finalization::FinalizationExtension,
        Some(realm.clone()),
        &mut context,
    )
    .expect("FinalizationExtension");
    let previous = context.enter_realm(realm);
    assert!(boa_finalization::is_installed(&context));
    context.enter_realm(previous);
    register_gc_and_log(&mut context);
    eval(
        &mut context,
        "globalThis.r = new FinalizationRegistry(log); (() => r.register({}, 'own loop'))();",
    );
    turn(&mut context);
    boa_gc::force_collect();
    assert_eq!(boa_finalization::run_cleanup_jobs(&mut context), 1);
    assert_eq!(take_log(&mut context), ["own loop"]);
}

#[test]
fn a_cleanup_executor_is_found_whatever_it_wraps() {
    for context in [
        cleanup_executor_context(CleanupExecutor::default()),
        cleanup_executor_context(CleanupExecutor::new(SimpleJobExecutor::new())),
        cleanup_executor_context(CleanupExecutor::new(IdleJobExecutor)),
    ] {
        let mut context = context;
        assert_eq!(
            boa_finalization::delivery(&context),
            Delivery::CleanupExecutor
        );
        boa_finalization::install(&mut context).expect("install");
        boa_finalization::create_realm(&mut context).expect("create_realm");
    }
    let executor = CleanupExecutor::new(IdleJobExecutor);
    assert!(executor.inner::<IdleJobExecutor>().is_some());
    assert!(executor.inner::<SimpleJobExecutor>().is_none());
}

/// Set in the environment of the child process that [`run_in_child`] starts.
const CHILD: &str = "BOA_FINALIZATION_SETUP_CHILD";

/// Runs the test `name` of this binary again in a child process and returns its stderr, so that a
/// test can check that nothing at all was printed there (the test harness captures only `eprintln!`
/// of its own thread, so the child runs with `--nocapture`).
fn run_in_child(name: &str) -> String {
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("child test");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A first script that registers 20,000 short-lived targets: collections happen inside it, before
/// the first task has ended. All 20,000 are delivered, and nothing is printed (the old heuristic
/// warned here in debug builds).
#[test]
fn twenty_thousand_short_lived_targets_in_the_first_script_are_delivered_without_a_word() {
    if std::env::var_os(CHILD).is_none() {
        let stderr = run_in_child(
            "twenty_thousand_short_lived_targets_in_the_first_script_are_delivered_without_a_word",
        );
        assert_eq!(stderr, "", "a correct set-up printed a diagnostic");
        return;
    }
    let mut context = common::context();
    eval(
        &mut context,
        "globalThis.delivered = 0; const r = new FinalizationRegistry(() => delivered++); \
         for (let i = 0; i < 20000; i++) r.register({ i }, i); \
         globalThis.keep = r;",
    );
    turn(&mut context);
    boa_gc::force_collect();
    turn(&mut context);
    let delivered = eval(&mut context, "delivered");
    assert_eq!(delivered.as_number(), Some(20000.0));
}

/// Every example that `cargo test` builds as a program runs, succeeds and prints nothing on stderr
/// (`async_event_loop` is built as a test harness instead: its own tests run its loop).
#[test]
fn the_examples_print_no_diagnostic() {
    let examples = std::env::current_exe()
        .expect("test binary")
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory")
        .join("examples");
    let mut names = vec!["native_connections", "own_event_loop"];
    if cfg!(feature = "runtime") {
        names.push("with_runtime");
    }
    for name in names {
        let path = examples.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let output = Command::new(&path)
            .output()
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert!(output.status.success(), "{name}: {output:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{name}");
    }
}
