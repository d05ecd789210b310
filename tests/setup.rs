//! The set-up check: a context whose cleanup jobs would never run is refused at install, with both
//! fixes in the error; a correct set-up, whatever executor the `CleanupExecutor` wraps or whatever
//! its first script does, installs and delivers without a word on stderr.

mod common;

use std::process::Command;
use std::rc::Rc;

use boa_engine::{
    Context, JsError, JsObject,
    context::ContextBuilder,
    job::{IdleJobExecutor, SimpleJobExecutor},
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
        boa_finalization::install_in_realm(&realm, &mut context, &defaults),
        "install_in_realm",
    );
    assert_refused(
        boa_finalization::create_realm(&mut context, &defaults),
        "create_realm",
    );
    #[cfg(feature = "runtime")]
    assert_refused(
        boa_runtime::RuntimeExtension::register(
            boa_finalization::FinalizationExtension::default(),
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
    // Later realms use the options given to their own install.
    let realm = boa_finalization::create_realm(&mut context, &own_loop).expect("create_realm");
    #[cfg(feature = "runtime")]
    boa_runtime::RuntimeExtension::register(
        boa_finalization::FinalizationExtension::new(own_loop.clone()),
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

/// Options travel with the call: a realm installed after `install_with(own_event_loop)` gets the
/// options its own install is given, not the earlier ones, so the defaults are refused there.
#[test]
fn an_install_uses_its_own_options_not_an_earlier_installs() {
    let mut context = Context::default();
    let own_loop = InstallOptions::new().own_event_loop();
    boa_finalization::install_with(&mut context, &own_loop).expect("install_with");
    let defaults = InstallOptions::new();
    assert_refused(
        boa_finalization::create_realm(&mut context, &defaults),
        "create_realm",
    );
    let realm = context.create_realm().expect("realm");
    assert_refused(
        boa_finalization::install_in_realm(&realm, &mut context, &defaults),
        "install_in_realm",
    );
    #[cfg(feature = "runtime")]
    assert_refused(
        boa_runtime::RuntimeExtension::register(
            boa_finalization::FinalizationExtension::default(),
            Some(realm.clone()),
            &mut context,
        ),
        "FinalizationExtension",
    );
    // keep_boa_weak_family given to the first install does not reach the second either.
    let mut context = cleanup_executor_context(CleanupExecutor::default());
    boa_finalization::install_with(&mut context, &InstallOptions::new().keep_boa_weak_family())
        .expect("install_with");
    let realm =
        boa_finalization::create_realm(&mut context, &InstallOptions::new()).expect("create_realm");
    let previous = context.enter_realm(realm);
    eval(&mut context, "new WeakRef(Symbol())");
    context.enter_realm(previous);
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
        boa_finalization::create_realm(&mut context, &InstallOptions::new()).expect("create_realm");
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

/// A context dropped with native finalizers that never ran, and no `shutdown`: a debug build says
/// so once on stderr (a release build says nothing); after `shutdown`, nothing is said.
#[test]
fn a_context_dropped_with_unrun_native_finalizers_says_so_once_in_a_debug_build() {
    if std::env::var_os(CHILD).is_none() {
        let stderr = run_in_child(
            "a_context_dropped_with_unrun_native_finalizers_says_so_once_in_a_debug_build",
        );
        let expected = if cfg!(debug_assertions) {
            "boa_finalization: a context was dropped with 2 native finalizer(s) that never ran; \
             call boa_finalization::shutdown before dropping it to run them (this line is printed \
             by debug builds only)\n"
        } else {
            ""
        };
        assert_eq!(stderr, expected);
        return;
    }
    let keep: Vec<JsObject> = (0..2).map(|_| JsObject::with_null_proto()).collect();
    let mut forgotten = common::context();
    for object in &keep {
        let _ =
            boa_finalization::on_collected(object, |_| {}, &mut forgotten).expect("on_collected");
    }
    drop(forgotten);
    // After `shutdown`, and for finalizers cancelled or run: silent.
    let mut shut_down = common::context();
    for object in &keep {
        let _ =
            boa_finalization::on_collected(object, |_| {}, &mut shut_down).expect("on_collected");
    }
    assert_eq!(boa_finalization::shutdown(&mut shut_down), 2);
    let _ = boa_finalization::on_collected(&keep[0], |_| {}, &mut shut_down).expect("after");
    drop(shut_down);
    let mut cancelled = common::context();
    let registration =
        boa_finalization::on_collected(&keep[0], |_| {}, &mut cancelled).expect("on_collected");
    assert!(registration.cancel(&mut cancelled));
    drop(cancelled);
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
    let mut names = vec![
        "native_connections",
        "own_event_loop",
        "unhandled_rejections",
    ];
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
