//! The API surface of the builtin, step by step (ECMA-262 `sec-finalization-registry-objects`).

mod common;

use boa_engine::JsValue;
use common::{context, eval, try_eval};

/// Evaluates `code` (which must yield a boolean) in a fresh context and asserts it is true.
fn check(code: &str) {
    let mut context = context();
    assert_eq!(eval(&mut context, code), JsValue::from(true), "{code}");
}

/// Evaluates `code` and returns `name: message` of the error it throws.
fn thrown(code: &str) -> String {
    let mut context = context();
    let error = try_eval(&mut context, code).expect_err(code);
    let value = error.into_opaque(&mut context).unwrap();
    let object = value.as_object().expect("an error object");
    let name = object
        .get(boa_engine::js_string!("name"), &mut context)
        .unwrap();
    let message = object
        .get(boa_engine::js_string!("message"), &mut context)
        .unwrap();
    format!(
        "{}: {}",
        name.to_string(&mut context)
            .unwrap()
            .to_std_string_escaped(),
        message
            .to_string(&mut context)
            .unwrap()
            .to_std_string_escaped()
    )
}

#[test]
fn the_global_binding_is_replaced_and_has_builtin_attributes() {
    check(
        r"
        const d = Object.getOwnPropertyDescriptor(globalThis, 'FinalizationRegistry');
        d.writable && !d.enumerable && d.configurable
            && typeof d.value === 'function'
            && new d.value(() => {}).register(Symbol('s'), 1) === undefined
    ",
    );
}

#[test]
fn constructor_and_prototype_properties() {
    check(
        r"
        const F = FinalizationRegistry, P = F.prototype;
        const proto = Object.getOwnPropertyDescriptor(F, 'prototype');
        const tag = Object.getOwnPropertyDescriptor(P, Symbol.toStringTag);
        const ctor = Object.getOwnPropertyDescriptor(P, 'constructor');
        Object.getPrototypeOf(F) === Function.prototype
            && F.length === 1 && F.name === 'FinalizationRegistry'
            && !proto.writable && !proto.enumerable && !proto.configurable
            && Object.getPrototypeOf(P) === Object.prototype
            && ctor.value === F && ctor.writable && !ctor.enumerable && ctor.configurable
            && P.register.length === 2 && P.unregister.length === 1
            && P.register.name === 'register' && P.unregister.name === 'unregister'
            && tag.value === 'FinalizationRegistry' && !tag.writable && !tag.enumerable && tag.configurable
    ",
    );
}

#[test]
fn methods_are_not_constructors() {
    assert!(thrown("new FinalizationRegistry.prototype.register()").starts_with("TypeError"));
    assert!(thrown("new FinalizationRegistry.prototype.unregister()").starts_with("TypeError"));
}

#[test]
fn constructor_step_1_requires_new() {
    let message = thrown("FinalizationRegistry(() => {})");
    assert!(
        message.starts_with("TypeError: FinalizationRegistry"),
        "{message}"
    );
}

#[test]
fn constructor_step_2_checks_callable_before_reading_the_prototype() {
    check(
        r"
        let read = false;
        const newTarget = new Proxy(function () {}, { get(t, k) { read = true; return t[k]; } });
        let threw = false;
        try { Reflect.construct(FinalizationRegistry, [{}], newTarget); } catch (e) { threw = e instanceof TypeError; }
        threw && !read
    ",
    );
    let message = thrown("new FinalizationRegistry({})");
    assert!(message.contains("callback"), "{message}");
}

#[test]
fn constructor_step_3_uses_the_prototype_of_new_target() {
    check(
        r"
        class Sub extends FinalizationRegistry { extra() { return 'sub'; } }
        const s = new Sub(() => {});
        s instanceof Sub && s instanceof FinalizationRegistry && s.extra() === 'sub'
            && s.register({}, 1) === undefined && Object.isExtensible(s)
    ",
    );
    check(
        r"
        const proto = {};
        function NT() {}
        NT.prototype = proto;
        Object.getPrototypeOf(Reflect.construct(FinalizationRegistry, [() => {}], NT)) === proto
    ",
    );
}

#[test]
fn constructor_step_3_falls_back_to_new_targets_realm() {
    let mut context = context();
    let realm =
        boa_finalization::create_realm(&mut context, &boa_finalization::InstallOptions::new())
            .unwrap();
    let previous = context.enter_realm(realm.clone());
    let other_registry = eval(&mut context, "FinalizationRegistry");
    let other_function = eval(&mut context, "Function");
    context.enter_realm(previous);
    context
        .global_object()
        .set(
            boa_engine::js_string!("OtherFR"),
            other_registry,
            false,
            &mut context,
        )
        .unwrap();
    context
        .global_object()
        .set(
            boa_engine::js_string!("OtherFunction"),
            other_function,
            false,
            &mut context,
        )
        .unwrap();
    let result = eval(
        &mut context,
        r"
        const C = new OtherFunction();
        C.prototype = null;
        const o = Reflect.construct(FinalizationRegistry, [() => {}], C);
        Object.getPrototypeOf(o) === OtherFR.prototype && OtherFR.prototype !== FinalizationRegistry.prototype
    ",
    );
    assert_eq!(result, JsValue::from(true));
}

/// What `new_target_code` (an expression run in a fresh context) does to
/// `Reflect.construct(FinalizationRegistry, [cb], newTarget)`: the thrown error's constructor name,
/// or "constructed". `builtin` picks Boa's own registry instead of the crate's.
fn construct_with_new_target(new_target_code: &str, builtin: bool) -> String {
    let mut context = if builtin {
        boa_engine::Context::default()
    } else {
        context()
    };
    let code = format!(
        "(() => {{ try {{ Reflect.construct(FinalizationRegistry, [() => {{}}], {new_target_code}); \
         return 'constructed'; }} catch (e) {{ return e.constructor.name; }} }})()"
    );
    eval(&mut context, &code)
        .as_string()
        .expect("a string")
        .to_std_string_escaped()
}

#[test]
fn constructor_step_3_get_function_realm_rejects_revoked_proxies() {
    // GetFunctionRealm step 3.a (ValidateNonRevokedProxy), as node and Boa's own registry do.
    let cases = [
        // A bound function whose target is a revoked proxy of a function.
        "(() => { const { proxy, revoke } = Proxy.revocable(function () {}, {}); \
         const bound = proxy.bind(); revoke(); return bound; })()",
        // A proxy whose `prototype` get trap revokes the proxy and returns undefined.
        "(() => { const r = Proxy.revocable(function () {}, { get(t, key) { \
         if (key === 'prototype') { r.revoke(); return undefined; } return t[key]; } }); \
         return r.proxy; })()",
        // A bound function of a live proxy whose target is a revoked proxy (step 3.c recurses).
        "(() => { const { proxy, revoke } = Proxy.revocable(function () {}, {}); \
         const bound = new Proxy(proxy, {}).bind(); revoke(); return bound; })()",
    ];
    for case in cases {
        assert_eq!(construct_with_new_target(case, true), "TypeError", "{case}");
        assert_eq!(
            construct_with_new_target(case, false),
            "TypeError",
            "{case}"
        );
    }
    // A live proxy (and a bound function of one) still constructs, with this realm's prototype.
    check(
        r"
        const p = new Proxy(function () {}, { get(t, key) { return key === 'prototype' ? undefined : t[key]; } });
        [p, new Proxy(function () {}, {}).bind()].every((nt) =>
            Object.getPrototypeOf(Reflect.construct(FinalizationRegistry, [() => {}], nt))
                === FinalizationRegistry.prototype)
    ",
    );
}

#[test]
fn register_step_2_requires_a_registry_this() {
    for this in [
        "undefined",
        "{}",
        "FinalizationRegistry.prototype",
        "new WeakRef({})",
    ] {
        let message = thrown(&format!(
            "FinalizationRegistry.prototype.register.call({this}, {{}}, 1)"
        ));
        assert!(
            message.starts_with("TypeError: FinalizationRegistry.prototype.register"),
            "{message}"
        );
        let message = thrown(&format!(
            "FinalizationRegistry.prototype.unregister.call({this}, {{}})"
        ));
        assert!(
            message.starts_with("TypeError: FinalizationRegistry.prototype.unregister"),
            "{message}"
        );
    }
}

#[test]
fn register_step_3_target_must_be_holdable_weakly() {
    for target in [
        "undefined",
        "null",
        "1",
        "'s'",
        "true",
        "1n",
        "Symbol.for('reg')",
    ] {
        let message = thrown(&format!(
            "new FinalizationRegistry(() => {{}}).register({target}, 1)"
        ));
        assert!(
            message.starts_with("TypeError: FinalizationRegistry.prototype.register")
                && message.contains("target"),
            "{target}: {message}"
        );
    }
    check(
        r"
        const fr = new FinalizationRegistry(() => {});
        fr.register({}, 1) === undefined && fr.register(() => {}, 1) === undefined
            && fr.register(Symbol('x'), 1) === undefined && fr.register(Symbol.asyncIterator, 1) === undefined
    ",
    );
}

#[test]
fn register_step_4_target_and_held_value_differ() {
    let message = thrown("const o = {}; new FinalizationRegistry(() => {}).register(o, o)");
    assert!(message.contains("held value"), "{message}");
    let message = thrown("const s = Symbol(); new FinalizationRegistry(() => {}).register(s, s)");
    assert!(message.starts_with("TypeError"), "{message}");
}

#[test]
fn register_step_5_token_is_undefined_or_holdable_weakly() {
    for token in ["null", "1", "'s'", "Symbol.for('reg')", "false"] {
        let message = thrown(&format!(
            "new FinalizationRegistry(() => {{}}).register({{}}, 1, {token})"
        ));
        assert!(message.contains("token"), "{token}: {message}");
    }
    check(
        r"
        const fr = new FinalizationRegistry(() => {});
        const t = {};
        fr.register(t, 1, t) === undefined && fr.register({}, 1, undefined) === undefined
            && fr.register({}, 1, Symbol.hasInstance) === undefined
    ",
    );
}

#[test]
fn unregister_step_3_token_must_be_holdable_weakly() {
    for token in ["undefined", "1", "'s'", "Symbol.for('reg')"] {
        let message = thrown(&format!(
            "new FinalizationRegistry(() => {{}}).unregister({token})"
        ));
        assert!(
            message.starts_with("TypeError: FinalizationRegistry.prototype.unregister")
                && message.contains("token"),
            "{token}: {message}"
        );
    }
}

#[test]
fn unregister_steps_4_to_6_remove_every_cell_of_the_token() {
    check(
        r"
        const fr = new FinalizationRegistry(() => {});
        const token = {}, other = {}, sym = Symbol('token');
        const targets = [{}, {}, {}];
        fr.register(targets[0], 1, token);
        fr.register(targets[1], 2, token);
        fr.register(targets[2], 3, other);
        fr.register(targets[2], 4, sym);
        fr.unregister(token) === true && fr.unregister(token) === false
            && fr.unregister({}) === false && fr.unregister(sym) === true
            && fr.unregister(other) === true && fr.unregister(Symbol.iterator) === false
    ",
    );
}

#[test]
fn registrations_in_one_registry_are_invisible_to_another() {
    check(
        r"
        const a = new FinalizationRegistry(() => {}), b = new FinalizationRegistry(() => {});
        const token = {};
        a.register({}, 1, token);
        b.unregister(token) === false && a.unregister(token) === true
    ",
    );
}

#[test]
fn changing_symbol_key_for_does_not_change_can_be_held_weakly() {
    check(
        r"
        Symbol.keyFor = () => undefined;
        let threw = false;
        try { new FinalizationRegistry(() => {}).register(Symbol.for('r'), 1); } catch (e) { threw = e instanceof TypeError; }
        threw
    ",
    );
}

#[test]
fn instances_can_be_sealed() {
    check("Object.isSealed(Object.seal(new FinalizationRegistry(() => {})))");
}
