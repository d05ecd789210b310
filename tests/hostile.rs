//! Scripts nobody trusts: whatever a script does to the globals, before `install` or after, the crate
//! never panics, never calls script code other than cleanup callbacks, and keeps spec results; and
//! loops that would grow memory without bound leave nothing behind.

mod common;

use boa_engine::{Context, JsObject, JsValue, js_string};
use common::{Hostile, assert_tampering_changes_nothing, context_with, eval, run_tampered, turn};

/// Every intrinsic the crate could be tempted to read through the globals.
const TARGETS: [(&str, &str); 12] = [
    ("Symbol", "'keyFor'"),
    ("Symbol", "'for'"),
    ("globalThis", "'Symbol'"),
    ("globalThis", "'WeakMap'"),
    ("WeakMap.prototype", "'get'"),
    ("WeakMap.prototype", "'set'"),
    ("WeakMap.prototype", "'has'"),
    ("globalThis", "'WeakRef'"),
    ("WeakRef.prototype", "'deref'"),
    ("globalThis", "'Reflect'"),
    ("Object", "'defineProperty'"),
    ("Function.prototype", "'call'"),
];

/// A scenario that touches every path of the crate: construct, register with object and symbol
/// targets and tokens, a registered symbol rejected, unregister, collection and delivery.
const SCENARIO: &str = r"
    const r = new FR(held => log('cleaned ' + held));
    const keep = {};
    r.register({}, 'a');
    r.register({}, 'b', keep);
    r.register(keep, 'kept');
    const symbolToken = SymbolCtor('token');
    r.register({}, 'c', symbolToken);
    r.register(SymbolCtor('target'), 'symbol target');
    let rejected = false;
    try { r.register(registered, 'registered symbol'); } catch (e) { rejected = e instanceof TE; }
    log('registered symbol rejected: ' + rejected);
    log('unregister by object: ' + r.unregister(keep));
    log('unregister by symbol: ' + r.unregister(symbolToken));
    globalThis.__registry = r;
    gc();
";

/// [`SCENARIO`] with what it needs saved first, as a careful script would.
const HOSTILE: Hostile<'_> = Hostile {
    prelude: "globalThis.__hostile_calls = []; globalThis.SymbolCtor = Symbol; \
              globalThis.registered = Symbol.for('registered'); globalThis.TE = TypeError;",
    after_install: "globalThis.FR = FinalizationRegistry;",
    scenario: SCENARIO,
};

#[test]
fn tampered_globals_change_nothing_the_crate_does() {
    let expected = assert_tampering_changes_nothing(&TARGETS, |tampering, before_install| {
        run_tampered(&HOSTILE, tampering, before_install)
    });
    assert_eq!(
        expected,
        [
            "cleaned a",
            "registered symbol rejected: true",
            "unregister by object: true",
            "unregister by symbol: true",
        ]
    );
}

#[test]
fn deleting_symbol_key_for_before_install_is_no_panic() {
    let mut context = context_with(
        "globalThis.registered = Symbol.for('registered'); delete Symbol.keyFor; delete Symbol.for;",
    );
    // KeyForSymbol still knows the registered symbol (a TypeError, not a panic or an accepted
    // target), and a fresh symbol is still accepted.
    let rejected = eval(
        &mut context,
        "const r = new FinalizationRegistry(() => {}); let rejected = false; \
         try { r.register(registered, 1) } catch (e) { rejected = e instanceof TypeError } \
         r.register(Symbol('fresh'), 1); rejected",
    );
    assert_eq!(rejected.as_boolean(), Some(true));
}

#[test]
fn on_collected_without_install_on_a_tampered_context_is_no_panic() {
    let mut context = Context::default();
    eval(&mut context, "delete Symbol.keyFor; globalThis.Symbol = 1;");
    let object = JsObject::with_null_proto();
    let registration = boa_finalization::on_collected(&object, |_| {}, &mut context).unwrap();
    assert!(registration.cancel(&mut context));
}

#[test]
fn a_replaced_key_for_is_never_called_and_registered_symbols_stay_rejected() {
    let mut context = context_with(
        "globalThis.calls = 0; const real = Symbol.for('x'); \
         Symbol.keyFor = () => { calls++; return undefined; };",
    );
    let outcome = eval(
        &mut context,
        "const r = new FinalizationRegistry(() => {}); let error = 'none'; \
         try { r.register(Symbol.for('x'), 1); } catch (e) { error = e.constructor.name; } \
         r.register(Symbol('not registered'), 1); r.register({}, 1, Symbol()); \
         error + ' ' + calls",
    );
    assert_eq!(
        outcome.as_string().unwrap().to_std_string_escaped(),
        "TypeError 0"
    );
}

/// Evaluates `code` (which defines a constructor `nt`) in `realm`, makes `nt` a global of the
/// current realm, and returns the prototype a registry made with that NewTarget gets, and `realm`'s
/// `FinalizationRegistry.prototype`.
fn prototype_from_foreign_new_target(
    context: &mut Context,
    realm: boa_engine::realm::Realm,
    code: &str,
) -> (JsObject, JsObject) {
    let previous = context.enter_realm(realm);
    let new_target = eval(context, code);
    let realm_prototype = eval(context, "FinalizationRegistry.prototype");
    context.enter_realm(previous);
    context
        .global_object()
        .set(js_string!("nt"), new_target, true, context)
        .unwrap();
    let made = eval(
        context,
        "Object.getPrototypeOf(Reflect.construct(FinalizationRegistry, [() => {}], nt))",
    );
    (
        made.as_object().unwrap(),
        realm_prototype.as_object().unwrap(),
    )
}

#[test]
fn a_foreign_new_target_without_a_prototype_object_takes_its_realms_intrinsic_prototype() {
    let mut context = context_with("");
    // A realm without the extension: its intrinsic %FinalizationRegistry.prototype% is Boa's.
    let plain = context.create_realm().unwrap();
    let code = "const nt = function () {}; nt.prototype = null; nt";
    let (made, boas) = prototype_from_foreign_new_target(&mut context, plain, code);
    assert!(JsObject::equals(&made, &boas));
    // With the extension in that realm, its prototype is this crate's.
    let installed =
        boa_finalization::create_realm(&mut context, &boa_finalization::InstallOptions::new())
            .unwrap();
    let code = "const nt = function () {}; nt.prototype = 1; nt";
    let (made, ours) = prototype_from_foreign_new_target(&mut context, installed, code);
    assert!(JsObject::equals(&made, &ours));
}

#[test]
fn cancelling_native_finalizers_on_a_long_lived_object_leaves_no_cell() {
    let mut context = context_with("");
    let object = JsObject::with_null_proto();
    for _ in 0..1000 {
        let registration = boa_finalization::on_collected(&object, |_| {}, &mut context).unwrap();
        assert!(registration.cancel(&mut context));
    }
    assert_eq!(boa_finalization::stats(&context).native_pending, 0);
    drop(object);
}

#[test]
fn symbol_tokens_of_delivered_cells_leave_nothing_behind() {
    let mut context = context_with("");
    eval(
        &mut context,
        "globalThis.r = new FinalizationRegistry(() => {}); globalThis.keep = {}; \
         r.register(keep, 'lives', Symbol('keep'));",
    );
    for _ in 0..20 {
        eval(
            &mut context,
            "for (let i = 0; i < 500; i++) r.register({}, i, Symbol('t' + i)); gc();",
        );
        turn(&mut context);
    }
    let registry = eval(&mut context, "r").as_object().unwrap();
    let stats = boa_finalization::registry_stats(&registry).unwrap();
    assert_eq!((stats.live_cells, stats.awaiting_cleanup), (1, 0));
    assert_eq!(stats.callbacks_delivered, 10_000);
    // The token of the cell that lives still unregisters it: its index entry was kept.
    let removed = eval(&mut context, "r.unregister(Symbol('keep'))");
    assert_eq!(removed, JsValue::from(false), "a different symbol");
}

#[test]
fn a_throwing_prototype_getter_on_new_target_is_a_js_error() {
    let mut context = context_with("");
    let caught = eval(
        &mut context,
        "const nt = new Proxy(function () {}, { get(target, key) { \
           if (key === 'prototype') throw new RangeError('no'); return target[key]; } }); \
         let caught = 'nothing'; \
         try { Reflect.construct(FinalizationRegistry, [() => {}], nt) } \
         catch (e) { caught = e.constructor.name + ' ' + e.message } caught",
    );
    assert_eq!(
        caught.as_string().unwrap().to_std_string_escaped(),
        "RangeError no"
    );
}
