//! Errors: every TypeError path of the constructor, `register` and `unregister` (type and a message
//! naming the method), and errors thrown by cleanup callbacks (they reach the host's reporter with
//! the registry's realm, and never cost another registry, a promise job or a timer its turn).

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::{Context, JsError, JsNativeErrorKind, JsValue, Source, js_string, realm::Realm};
use boa_finalization::ErrorOrigin;

mod common;

use common::{eval, take_log};

/// The common context, with Boa's own registry kept as `BuiltinFR` (its instances must be rejected
/// as `this`).
fn context() -> Context {
    common::context_with("globalThis.BuiltinFR = FinalizationRegistry;")
}

/// Evaluates `code`, which must throw a TypeError (checked from Rust: the native error kind, and
/// from JS: `instanceof TypeError`) whose message contains `method`.
fn assert_type_error(context: &mut Context, code: &str, method: &str) {
    let error: JsError = context
        .eval(Source::from_bytes(code.as_bytes()))
        .expect_err(code);
    let native = error
        .try_native(context)
        .unwrap_or_else(|e| panic!("`{code}` threw a non-error: {e}"));
    assert!(
        matches!(native.kind(), JsNativeErrorKind::Type),
        "`{code}` threw {native}, not a TypeError"
    );
    assert!(
        native.message().contains(method),
        "`{code}`: message `{}` does not name {method}",
        native.message()
    );
    let wrapped = format!(
        "(() => {{ try {{ {code}; }} catch (e) {{ return e instanceof TypeError && \
         Object.getPrototypeOf(e) === TypeError.prototype; }} return 'no throw'; }})()"
    );
    assert_eq!(
        eval(context, &wrapped).as_boolean(),
        Some(true),
        "`{code}` did not throw this realm's TypeError"
    );
}

/// Values that are not callable, as JS expressions.
const NOT_CALLABLE: [&str; 11] = [
    "undefined",
    "null",
    "0",
    "NaN",
    "''",
    "'f'",
    "true",
    "1n",
    "Symbol()",
    "{}",
    "new Proxy({}, {})",
];

/// Values that CanBeHeldWeakly rejects.
const NOT_WEAK: [&str; 10] = [
    "undefined",
    "null",
    "0",
    "-0",
    "'x'",
    "false",
    "10n",
    "Symbol.for('registered')",
    "Symbol.for('')",
    "NaN",
];

/// `this` values without [[Cells]].
const NOT_REGISTRIES: [&str; 14] = [
    "undefined",
    "null",
    "1",
    "'r'",
    "true",
    "Symbol()",
    "{}",
    "[]",
    "FinalizationRegistry.prototype",
    "Object.create(FinalizationRegistry.prototype)",
    "new Proxy(new FinalizationRegistry(() => {}), {})",
    "new WeakRef({})",
    "new BuiltinFR(() => {})",
    "FinalizationRegistry",
];

#[test]
fn constructor_step_1_requires_new() {
    let mut context = context();
    for code in [
        "FinalizationRegistry(() => {})",
        "FinalizationRegistry()",
        "FinalizationRegistry.call(new FinalizationRegistry(() => {}), () => {})",
        "Reflect.apply(FinalizationRegistry, undefined, [() => {}])",
    ] {
        assert_type_error(&mut context, code, "FinalizationRegistry");
    }
}

#[test]
fn constructor_step_2_requires_a_callable_cleanup_callback() {
    let mut context = context();
    assert_type_error(
        &mut context,
        "new FinalizationRegistry()",
        "FinalizationRegistry",
    );
    for value in NOT_CALLABLE {
        assert_type_error(
            &mut context,
            &format!("new FinalizationRegistry({value})"),
            "FinalizationRegistry",
        );
        assert_type_error(
            &mut context,
            &format!("Reflect.construct(FinalizationRegistry, [{value}], Object)"),
            "FinalizationRegistry",
        );
        assert_type_error(
            &mut context,
            &format!("new (class extends FinalizationRegistry {{}})({value})"),
            "FinalizationRegistry",
        );
    }
    // Callables of every kind are accepted.
    for callable in [
        "() => {}",
        "function () {}",
        "class {}",
        "async () => {}",
        "function* () {}",
        "Math.max",
        "(() => {}).bind(null)",
        "new Proxy(() => {}, {})",
    ] {
        eval(
            &mut context,
            &format!("new FinalizationRegistry({callable});"),
        );
    }
}

#[test]
fn register_step_2_requires_a_registry_as_this() {
    let mut context = context();
    for this in NOT_REGISTRIES {
        assert_type_error(
            &mut context,
            &format!("FinalizationRegistry.prototype.register.call({this}, {{}}, 1)"),
            "FinalizationRegistry.prototype.register",
        );
        // The `this` check comes first, even when the arguments are bad too.
        assert_type_error(
            &mut context,
            &format!("FinalizationRegistry.prototype.register.call({this}, 1, 1, 1)"),
            "FinalizationRegistry.prototype.register: `this`",
        );
    }
}

#[test]
fn register_step_3_requires_a_target_that_can_be_held_weakly() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(() => {});",
    );
    assert_type_error(
        &mut context,
        "fr.register()",
        "FinalizationRegistry.prototype.register",
    );
    for target in NOT_WEAK {
        assert_type_error(
            &mut context,
            &format!("fr.register({target}, 1)"),
            "FinalizationRegistry.prototype.register",
        );
        assert_type_error(
            &mut context,
            &format!("fr.register({target})"),
            "FinalizationRegistry.prototype.register",
        );
    }
}

#[test]
fn register_step_4_rejects_the_target_as_held_value() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(() => {}); globalThis.o = {}; globalThis.s = Symbol('s');",
    );
    for target in ["o", "s", "Symbol.iterator", "fr"] {
        assert_type_error(
            &mut context,
            &format!("fr.register({target}, {target})"),
            "FinalizationRegistry.prototype.register",
        );
        assert_type_error(
            &mut context,
            &format!("fr.register({target}, {target}, {{}})"),
            "FinalizationRegistry.prototype.register",
        );
    }
    // Same target as token is fine.
    eval(&mut context, "fr.register(o, 1, o); fr.register(s, 1, s);");
}

#[test]
fn register_step_5_requires_a_token_that_can_be_held_weakly_or_undefined() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(() => {});",
    );
    for token in NOT_WEAK.iter().filter(|t| **t != "undefined") {
        assert_type_error(
            &mut context,
            &format!("fr.register({{}}, 1, {token})"),
            "FinalizationRegistry.prototype.register",
        );
    }
    eval(&mut context, "fr.register({}, 1, undefined);");
}

#[test]
fn a_failed_register_leaves_no_cell() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(v => log(v)); globalThis.tok = {};",
    );
    for code in [
        "fr.register({}, 'a', 1)",
        "fr.register(1, 'b', tok)",
        "fr.register(tok, tok, tok)",
    ] {
        assert!(context.eval(Source::from_bytes(code.as_bytes())).is_err());
    }
    assert_eq!(boa_finalization::stats(&context).live_cells, 0);
    assert_eq!(
        eval(&mut context, "fr.unregister(tok)").as_boolean(),
        Some(false)
    );
    boa_gc::force_collect();
    context.run_jobs().expect("jobs");
    assert!(take_log(&mut context).is_empty());
}

#[test]
fn unregister_step_2_requires_a_registry_as_this() {
    let mut context = context();
    for this in NOT_REGISTRIES {
        assert_type_error(
            &mut context,
            &format!("FinalizationRegistry.prototype.unregister.call({this}, {{}})"),
            "FinalizationRegistry.prototype.unregister",
        );
        assert_type_error(
            &mut context,
            &format!("FinalizationRegistry.prototype.unregister.call({this}, 1)"),
            "FinalizationRegistry.prototype.unregister: `this`",
        );
    }
}

#[test]
fn unregister_step_3_requires_a_token_that_can_be_held_weakly() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.fr = new FinalizationRegistry(() => {});",
    );
    assert_type_error(
        &mut context,
        "fr.unregister()",
        "FinalizationRegistry.prototype.unregister",
    );
    for token in NOT_WEAK {
        assert_type_error(
            &mut context,
            &format!("fr.unregister({token})"),
            "FinalizationRegistry.prototype.unregister",
        );
    }
}

#[test]
fn methods_of_another_realm_throw_type_errors_naming_the_method() {
    let mut context = context();
    let realm =
        boa_finalization::create_realm(&mut context, &boa_finalization::InstallOptions::new())
            .expect("realm");
    let previous = context.enter_realm(realm);
    let global = context.global_object();
    context.enter_realm(previous);
    context
        .global_object()
        .set(js_string!("other"), global, true, &mut context)
        .expect("other");
    for (code, method) in [
        ("other.FinalizationRegistry()", "FinalizationRegistry"),
        ("new other.FinalizationRegistry(1)", "FinalizationRegistry"),
        (
            "other.FinalizationRegistry.prototype.register.call({}, {})",
            "FinalizationRegistry.prototype.register",
        ),
        (
            "new other.FinalizationRegistry(() => {}).register(1)",
            "FinalizationRegistry.prototype.register",
        ),
        (
            "new other.FinalizationRegistry(() => {}).unregister(1)",
            "FinalizationRegistry.prototype.unregister",
        ),
        // A registry of one realm is a registry for the other realm's methods.
        (
            "FinalizationRegistry.prototype.register.call(new other.FinalizationRegistry(() => {}), 1)",
            "FinalizationRegistry.prototype.register",
        ),
    ] {
        let thrown = eval(
            &mut context,
            &format!(
                "(() => {{ try {{ {code}; }} catch (e) {{ return (e instanceof TypeError || e instanceof other.TypeError) && e.message.includes({method:?}); }} return false; }})()"
            ),
        );
        assert_eq!(thrown.as_boolean(), Some(true), "{code}");
    }
    eval(
        &mut context,
        "FinalizationRegistry.prototype.register.call(new other.FinalizationRegistry(() => {}), {}, 1);",
    );
}

// ---------------------------------------------------------------------------------------------
// Errors thrown by cleanup callbacks

type Reports = Rc<RefCell<Vec<(Realm, String)>>>;

/// The first line of an error's display, without the source position Boa appends.
fn headline(error: &JsError) -> String {
    let text = error.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.split(" (").next().unwrap_or_default().to_owned()
}

fn record_reports(context: &mut Context) -> Reports {
    let reports: Reports = Rc::default();
    let sink = Rc::clone(&reports);
    boa_finalization::set_error_reporter(context, move |error, origin, _| {
        sink.borrow_mut()
            .push((origin.realm().clone(), headline(error)));
    });
    reports
}

#[test]
fn callback_errors_reach_the_reporter_with_the_registrys_realm() {
    let mut context = context();
    let reports = record_reports(&mut context);
    let main = context.realm().clone();
    let other =
        boa_finalization::create_realm(&mut context, &boa_finalization::InstallOptions::new())
            .expect("realm");
    let previous = context.enter_realm(other.clone());
    let global = context.global_object();
    context.enter_realm(previous);
    context
        .global_object()
        .set(js_string!("other"), global, true, &mut context)
        .expect("other");
    // The callbacks are functions of the main realm; the registries' [[Realm]] is the realm of the
    // constructor that made them.
    eval(
        &mut context,
        r"
        globalThis.here = new FinalizationRegistry(v => { throw new Error('here ' + v); });
        globalThis.there = new other.FinalizationRegistry(v => { throw new RangeError('there ' + v); });
        (() => { here.register({}, 1); there.register({}, 2); })();
        gc();
        ",
    );
    context.run_jobs().expect("jobs");
    let mut got: Vec<(bool, String)> = reports
        .borrow()
        .iter()
        .map(|(realm, message)| {
            assert!(*realm == main || *realm == other, "unknown realm");
            (*realm == other, message.clone())
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (false, "Error: here 1".to_owned()),
            (true, "RangeError: there 2".to_owned())
        ]
    );
    let stats = boa_finalization::stats(&context);
    assert_eq!((stats.callbacks_delivered, stats.callback_errors), (2, 2));
}

/// An origin prints short, naming its realm by the number its context gave it: realms are numbered
/// per context, from 1, in install order (a realm without the extension has no number).
#[test]
fn error_origins_print_their_realm_by_its_number() {
    let origins = |context: &mut Context| {
        let seen: Rc<RefCell<Vec<(String, String)>>> = Rc::default();
        let sink = Rc::clone(&seen);
        boa_finalization::set_error_reporter(context, move |_, origin, _| {
            sink.borrow_mut()
                .push((format!("{origin:?}"), origin.to_string()));
        });
        seen
    };
    for _ in 0..2 {
        let mut context = context();
        let seen = origins(&mut context);
        let other =
            boa_finalization::create_realm(&mut context, &boa_finalization::InstallOptions::new())
                .expect("realm");
        let previous = context.enter_realm(other);
        eval(
            &mut context,
            "globalThis.r = new FinalizationRegistry(() => { throw 1; }); (() => r.register({}, 0))();",
        );
        context.enter_realm(previous);
        eval(&mut context, "gc(); setTimeout(() => { throw 2; }, 0);");
        context.run_jobs().expect("jobs");
        seen.borrow_mut().sort();
        assert_eq!(
            *seen.borrow(),
            [
                (
                    "CleanupCallback { realm: 2 }".to_owned(),
                    "FinalizationRegistry cleanup callback, realm 2".to_owned()
                ),
                ("Job { realm: 1 }".to_owned(), "job, realm 1".to_owned()),
            ]
        );
        // A realm the crate never installed into has no number.
        let bare = ErrorOrigin::Job {
            realm: context.create_realm().expect("bare realm"),
        };
        assert_eq!(format!("{bare:?}"), "Job { realm: ? }");
    }
}

#[test]
fn thrown_values_that_are_not_errors_are_reported_unchanged() {
    let mut context = context();
    let reports: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = Rc::clone(&reports);
    boa_finalization::set_error_reporter(&mut context, move |error, _, _| {
        sink.borrow_mut()
            .push(error.as_opaque().cloned().unwrap_or_default());
    });
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => { throw v; });
        (() => { fr.register({}, 42); })();
        gc();
        ",
    );
    context.run_jobs().expect("jobs");
    assert_eq!(*reports.borrow(), [JsValue::from(42)]);
}

#[test]
fn a_throwing_callback_still_gets_every_cell_and_other_registries_lose_nothing() {
    let mut context = context();
    let reports = record_reports(&mut context);
    eval(
        &mut context,
        r"
        globalThis.bad = new FinalizationRegistry(v => { log('bad ' + v); throw new Error('bad ' + v); });
        globalThis.good = new FinalizationRegistry(v => log('good ' + v));
        (() => {
            for (let i = 0; i < 5; i++) { bad.register({}, i); good.register({}, i); }
        })();
        Promise.resolve().then(() => log('promise job'));
        setTimeout(() => log('timer'), 0);
        gc();
        ",
    );
    context.run_jobs().expect("jobs");
    let mut log = take_log(&mut context);
    log.sort();
    let mut expected: Vec<String> = (0..5)
        .flat_map(|i| [format!("bad {i}"), format!("good {i}")])
        .collect();
    expected.push("promise job".into());
    expected.push("timer".into());
    expected.sort();
    assert_eq!(log, expected);
    assert_eq!(reports.borrow().len(), 5);
    let stats = boa_finalization::stats(&context);
    assert_eq!(stats.callback_errors, 5);
    assert_eq!(stats.awaiting_cleanup, 0);
}

#[test]
fn the_cells_left_after_a_throw_are_delivered_by_a_later_job_of_the_same_checkpoint() {
    let mut context = context();
    let reports = record_reports(&mut context);
    eval(
        &mut context,
        r"
        globalThis.count = 0;
        globalThis.fr = new FinalizationRegistry(v => { count++; if (count === 1) throw new Error('first'); log(v); });
        (() => { for (let i = 0; i < 4; i++) fr.register({}, i); })();
        gc();
        ",
    );
    // The explicit checkpoint of an embedder's own loop behaves like the executor.
    let jobs = boa_finalization::run_cleanup_jobs(&mut context);
    assert!(jobs >= 2, "{jobs} cleanup jobs");
    assert_eq!(take_log(&mut context).len(), 3);
    assert_eq!(reports.borrow().len(), 1);
    assert!(!boa_finalization::has_pending_cleanup(&context));
}

#[test]
fn a_reporter_may_run_code_register_and_collect() {
    let mut context = context();
    boa_finalization::set_error_reporter(&mut context, |error, _, context| {
        let code = format!(
            "log('reported ' + {:?}); (() => fr.register({{}}, 'from reporter'))(); gc();",
            headline(error)
        );
        context
            .eval(Source::from_bytes(code.as_bytes()))
            .expect("reporter script");
    });
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => { log('cb ' + v); if (v === 'x') throw new Error('x'); });
        (() => fr.register({}, 'x'))();
        gc();
        ",
    );
    context.run_jobs().expect("jobs");
    assert_eq!(
        take_log(&mut context),
        ["cb x", "reported Error: x", "cb from reporter"]
    );
}

#[test]
fn the_default_reporter_survives_a_deeply_nested_thrown_object() {
    // Boa's display of this object panics ("Formatting argument out of range"); the default
    // reporter describes it within bounds instead, without calling script code.
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => {
            let o = {}; for (let i = 0; i < 16384; i++) o = { o };
            log('cb ' + v); throw o;
        });
        (() => { fr.register({}, 1); fr.register({}, 2); })();
        gc();
        ",
    );
    context.run_jobs().expect("jobs");
    assert_eq!(take_log(&mut context).len(), 2, "both callbacks ran");
    assert_eq!(boa_finalization::stats(&context).callback_errors, 2);
}
