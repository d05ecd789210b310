//! The weak family after `install`: `WeakMap`, `WeakSet` and `WeakRef` accept non-registered symbols
//! (CanBeHeldWeakly), their instances stay Boa's own objects for Rust code, and subclasses, foreign
//! NewTargets, new realms, tampered globals and the opt-out option behave as the spec (or the option)
//! says. The memory test (1e5 maps with symbol keys dropped) is in `testkit/tests/stress.rs`.

mod common;

use boa_engine::{
    Context, JsObject, JsValue, js_string,
    object::builtins::{JsWeakMap, JsWeakSet},
};
use boa_finalization::InstallOptions;
use common::{
    Hostile, assert_tampering_changes_nothing, context, eval, run_tampered, take_log, try_eval,
};

fn boolean(context: &mut Context, code: &str) -> bool {
    eval(context, code)
        .as_boolean()
        .unwrap_or_else(|| panic!("not a boolean: {code}"))
}

fn text(context: &mut Context, code: &str) -> String {
    eval(context, code)
        .as_string()
        .unwrap_or_else(|| panic!("not a string: {code}"))
        .to_std_string_escaped()
}

/// Every operation of the three with a non-registered symbol, and registered symbols rejected as
/// the spec says (TypeError on insertion, false/undefined on lookup).
const SYMBOL_SCENARIO: &str = r"
    const s = Symbol('s'), t = Symbol(), registered = Symbol.for('registered');
    const m = new WeakMap([[s, 1]]);
    log('map has s: ' + m.has(s) + ', get s: ' + m.get(s) + ', has t: ' + m.has(t));
    log('map set returns map: ' + (m.set(t, 2) === m) + ', get t: ' + m.get(t));
    log('map getOrInsert: ' + m.getOrInsert(t, 9) + ' ' + m.getOrInsert(Symbol.iterator, 3));
    log('map getOrInsertComputed: ' + m.getOrInsertComputed(Symbol.hasInstance, k => k === Symbol.hasInstance));
    log('map delete: ' + m.delete(s) + ' ' + m.delete(s) + ' ' + m.has(s));
    for (const [name, f] of [['set', () => m.set(registered, 1)],
                             ['getOrInsert', () => m.getOrInsert(registered, 1)],
                             ['getOrInsertComputed', () => m.getOrInsertComputed(registered, () => 1)],
                             ['add', () => new WeakSet().add(registered)],
                             ['WeakRef', () => new WeakRef(registered)]]) {
        try { f(); log(name + ' accepted a registered symbol'); }
        catch (e) { log(name + ' rejects registered: ' + (e instanceof TypeError)); }
    }
    log('lookups of registered: ' + m.get(registered) + ' ' + m.has(registered) + ' ' + m.delete(registered));
    const set = new WeakSet([s]);
    log('set has s: ' + set.has(s) + ', add returns set: ' + (set.add(t) === set) + ', has t: ' + set.has(t));
    log('set delete: ' + set.delete(t) + ' ' + set.delete(t) + ' ' + set.has(t));
    const ref = new WeakRef(s);
    log('deref: ' + (ref.deref() === s) + ' ' + (Object.getPrototypeOf(ref) === WeakRef.prototype));
    log('tag: ' + Object.prototype.toString.call(ref));
";

fn symbol_scenario_log() -> Vec<&'static str> {
    vec![
        "map has s: true, get s: 1, has t: false",
        "map set returns map: true, get t: 2",
        "map getOrInsert: 2 3",
        "map getOrInsertComputed: true",
        "map delete: true false false",
        "set rejects registered: true",
        "getOrInsert rejects registered: true",
        "getOrInsertComputed rejects registered: true",
        "add rejects registered: true",
        "WeakRef rejects registered: true",
        "lookups of registered: undefined false false",
        "set has s: true, add returns set: true, has t: true",
        "set delete: true false false",
        "deref: true true",
        "tag: [object WeakRef]",
    ]
}

#[test]
fn symbols_are_held_by_all_three() {
    let mut context = context();
    eval(&mut context, SYMBOL_SCENARIO);
    assert_eq!(take_log(&mut context), symbol_scenario_log());
}

#[test]
fn instances_stay_boas_own_objects_for_rust_code() {
    let mut context = context();
    let map = eval(
        &mut context,
        "globalThis.key = {}; const m = new WeakMap(); m.set(key, 'from js'); m.set(Symbol(), 1); m",
    );
    let map = JsWeakMap::from_object(map.as_object().unwrap()).expect("a Boa WeakMap");
    let key = eval(&mut context, "key").as_object().unwrap();
    assert_eq!(
        map.get(&key, &mut context).unwrap(),
        JsValue::from(js_string!("from js"))
    );
    // And what Rust sets, the replaced methods see.
    let other = JsObject::with_null_proto();
    map.set(&other, 7.into(), &mut context).unwrap();
    context
        .global_object()
        .set(js_string!("other"), other, false, &mut context)
        .unwrap();
    context
        .global_object()
        .set(js_string!("rustMap"), map, false, &mut context)
        .unwrap();
    assert!(boolean(
        &mut context,
        "rustMap.get(other) === 7 && rustMap.has(key)"
    ));

    let set = eval(
        &mut context,
        "const s = new WeakSet([key]); s.add(Symbol()); s",
    );
    let set = JsWeakSet::from_object(set.as_object().unwrap()).expect("a Boa WeakSet");
    assert!(set.has(&key, &mut context).unwrap());
}

#[test]
fn a_weak_ref_to_an_object_is_boas_and_lets_its_target_go() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.ref = new WeakRef({}); globalThis.kept = ref.deref() !== undefined;",
    );
    context.clear_kept_objects();
    boa_gc::force_collect();
    assert!(boolean(&mut context, "kept && ref.deref() === undefined"));
}

#[test]
fn deref_on_a_non_weak_ref_throws_this_realms_type_error() {
    let mut context = context();
    let caught = text(
        &mut context,
        "const results = [];
         for (const bad of [{}, new WeakMap(), 1, undefined]) {
             try { WeakRef.prototype.deref.call(bad); results.push('no throw'); }
             catch (e) { results.push(e instanceof TypeError); }
         }
         results.join()",
    );
    assert_eq!(caught, "true,true,true,true");
}

#[test]
fn subclasses_get_their_own_prototype_with_symbols_and_objects() {
    let mut context = context();
    let log = text(
        &mut context,
        "class R extends WeakRef { kind() { return 'R'; } }
         class M extends WeakMap { constructor(it) { super(it); this.extra = true; } }
         class S extends WeakSet {}
         const s = Symbol(), o = {};
         const r = new R(s), ro = new R(o), m = new M([[s, 1], [o, 2]]), set = new S([s, o]);
         [r instanceof R, r.kind(), r.deref() === s, ro instanceof R, ro.deref() === o,
          m instanceof M, m.extra, m.get(s), m.get(o), set instanceof S, set.has(s), set.has(o)].join()",
    );
    assert_eq!(log, "true,R,true,true,true,true,true,1,2,true,true,true");
}

#[test]
fn constructor_surface_is_the_specs() {
    let mut context = context();
    let log = text(
        &mut context,
        "const d = Object.getOwnPropertyDescriptor(globalThis, 'WeakRef');
         const p = Object.getOwnPropertyDescriptor(WeakRef, 'prototype');
         const c = Object.getOwnPropertyDescriptor(WeakRef.prototype, 'constructor');
         let callThrows = false; try { WeakRef(Symbol()); } catch (e) { callThrows = e instanceof TypeError; }
         [WeakRef.name, WeakRef.length, d.writable, d.enumerable, d.configurable,
          p.writable, p.enumerable, p.configurable, c.value === WeakRef, c.enumerable,
          Object.getPrototypeOf(WeakRef) === Function.prototype, callThrows,
          WeakMap.prototype.set.name, WeakMap.prototype.set.length,
          WeakMap.prototype.getOrInsertComputed.length, WeakSet.prototype.add.length,
          WeakRef.prototype.deref.length, 'prototype' in WeakMap.prototype.set].join()",
    );
    assert_eq!(
        log,
        "WeakRef,1,true,false,true,false,false,false,true,false,true,true,set,2,2,1,0,false"
    );
}

/// A constructor of another realm whose `prototype` is not an object: the spec takes
/// `%WeakRef.prototype%` of that realm (GetFunctionRealm), for symbol and object targets alike.
#[test]
fn a_foreign_new_target_gives_its_realms_prototype() {
    let mut context = context();
    let realm = boa_finalization::create_realm(&mut context, &InstallOptions::new()).unwrap();
    let previous = context.enter_realm(realm);
    let foreign = eval(
        &mut context,
        "const F = function () {}; F.prototype = null; [F, WeakRef.prototype, WeakMap.prototype]",
    );
    context.enter_realm(previous);
    context
        .global_object()
        .set(js_string!("foreign"), foreign, false, &mut context)
        .unwrap();
    let log = text(
        &mut context,
        "const [F, foreignRefProto, foreignMapProto] = foreign;
         const r = Reflect.construct(WeakRef, [Symbol()], F);
         const o = Reflect.construct(WeakRef, [{}], F);
         const m = Reflect.construct(WeakMap, [], F);
         [Object.getPrototypeOf(r) === foreignRefProto, typeof r.deref(),
          Object.getPrototypeOf(o) === foreignRefProto, typeof o.deref(),
          Object.getPrototypeOf(m) === foreignMapProto, m.set(Symbol(), 1) === m].join()",
    );
    assert_eq!(log, "true,symbol,true,object,true,true");
}

#[test]
fn new_realms_get_the_weak_family_too() {
    let mut context = context();
    let realm = boa_finalization::create_realm(&mut context, &InstallOptions::new()).unwrap();
    let previous = context.enter_realm(realm);
    eval(
        &mut context,
        "globalThis.__log = []; globalThis.log = (...a) => __log.push(a.join(' '));",
    );
    eval(&mut context, SYMBOL_SCENARIO);
    let log = take_log(&mut context);
    context.enter_realm(previous);
    assert_eq!(log, symbol_scenario_log());
}

#[test]
fn keep_boa_weak_family_leaves_boas_own() {
    let mut context = Context::default();
    let original = eval(&mut context, "WeakRef");
    let set = eval(&mut context, "WeakMap.prototype.set");
    let options = InstallOptions::new()
        .keep_boa_weak_family()
        .own_event_loop();
    boa_finalization::install_with(&mut context, &options).unwrap();
    assert_eq!(eval(&mut context, "WeakRef"), original);
    assert_eq!(eval(&mut context, "WeakMap.prototype.set"), set);
    for code in [
        "new WeakRef(Symbol())",
        "new WeakMap().set(Symbol(), 1)",
        "new WeakSet().add(Symbol())",
    ] {
        assert!(try_eval(&mut context, code).is_err(), "{code}");
    }
    // The registry is the crate's all the same, and so is it in realms made later with the same
    // options.
    assert!(boa_finalization::is_installed(&context));
    let realm = boa_finalization::create_realm(&mut context, &options).unwrap();
    let previous = context.enter_realm(realm);
    assert!(try_eval(&mut context, "new WeakRef(Symbol())").is_err());
    context.enter_realm(previous);
}

/// What the weak family could be tempted to read through the globals (with every tampering of
/// [`assert_tampering_changes_nothing`]).
const TARGETS: [(&str, &str); 10] = [
    ("Symbol", "'keyFor'"),
    ("globalThis", "'Symbol'"),
    ("globalThis", "'WeakMap'"),
    ("globalThis", "'WeakSet'"),
    ("globalThis", "'WeakRef'"),
    ("WeakRef.prototype", "'deref'"),
    ("WeakRef.prototype", "'constructor'"),
    ("globalThis", "'Reflect'"),
    ("Object", "'getPrototypeOf'"),
    ("Function.prototype", "'call'"),
];

/// Uses the weak family through constructors and methods saved after install (as a careful script
/// would), so that only the crate could reach the tampered globals.
const HOSTILE_SCENARIO: &str = r"
    const s = SymbolCtor('s');
    const m = new WM(); setOf(m, s, 1); try { setOf(m, registeredKey, 2); } catch (e) {}
    log('map: ' + getOf(m, s) + ' ' + hasOf(m, registeredKey));
    const set = new WS(); addOf(set, s);
    log('set: ' + hasOf2(set, s));
    const r = new WR(s), o = new WR({});
    log('ref: ' + (derefOf(r) === s) + ' ' + typeof derefOf(o));
    let rejected = false;
    try { new WR(registeredKey); } catch (e) { rejected = e instanceof TE; }
    log('registered rejected: ' + rejected);
";

/// [`HOSTILE_SCENARIO`] with what it needs saved: the constructors before install; after install,
/// the crate's `WeakRef` and methods, called through the saved `Reflect.apply` so that a tampered
/// `Function.prototype.call` or `Reflect` is not the scenario's own doing.
const HOSTILE: Hostile<'_> = Hostile {
    prelude: "globalThis.__hostile_calls = []; globalThis.SymbolCtor = Symbol; \
              globalThis.registeredKey = Symbol.for('registered'); globalThis.TE = TypeError; \
              globalThis.WM = WeakMap; globalThis.WS = WeakSet; globalThis.apply = Reflect.apply;",
    after_install: "globalThis.WR = WeakRef; \
                    const method = (proto, name) => { const f = proto[name]; \
                        return (self, ...a) => apply(f, self, a); }; \
                    globalThis.setOf = method(WM.prototype, 'set'); \
                    globalThis.getOf = method(WM.prototype, 'get'); \
                    globalThis.hasOf = method(WM.prototype, 'has'); \
                    globalThis.addOf = method(WS.prototype, 'add'); \
                    globalThis.hasOf2 = method(WS.prototype, 'has'); \
                    globalThis.derefOf = method(WR.prototype, 'deref');",
    scenario: HOSTILE_SCENARIO,
};

#[test]
fn tampered_globals_change_nothing_the_weak_family_does() {
    let expected = assert_tampering_changes_nothing(&TARGETS, |tampering, before_install| {
        run_tampered(&HOSTILE, tampering, before_install)
    });
    assert_eq!(
        expected,
        [
            "map: 1 false",
            "ref: true object",
            "registered rejected: true",
            "set: true"
        ]
    );
}

/// The constructors look the adder up as the spec says (`Get(map, "set")`): a script's own `set`
/// is the script's choice, and Boa's constructor calls it, not the crate.
#[test]
fn constructors_use_the_current_adder() {
    let mut context = context();
    let log = text(
        &mut context,
        "const seen = [];
         const original = WeakMap.prototype.set;
         WeakMap.prototype.set = function (k, v) { seen.push(typeof k); return original.call(this, k, v); };
         new WeakMap([[Symbol(), 1], [{}, 2]]);
         WeakMap.prototype.set = original;
         seen.join()",
    );
    assert_eq!(log, "symbol,object");
}

/// `stats().weak_symbol_entries` counts the symbol entries of live maps and sets (Boa cannot collect
/// a symbol, so they are the one thing that grows while a map lives): an entry comes with `set`,
/// `getOrInsert` or `add`, goes with `delete`, and all of a map's go when the map is collected.
#[test]
fn stats_count_the_symbol_entries_of_live_maps_and_sets() {
    let mut context = context();
    let entries = |context: &Context| boa_finalization::stats(context).weak_symbol_entries;
    assert_eq!(entries(&context), 0);
    eval(
        &mut context,
        "globalThis.s = Symbol('s'); globalThis.m = new WeakMap(); globalThis.ws = new WeakSet();
         m.set(s, 1); m.set(s, 2); m.getOrInsert(Symbol(), 3); m.set({}, 4);
         ws.add(s); ws.add(s); ws.add(Symbol());",
    );
    assert_eq!(entries(&context), 4, "two in the map, two in the set");
    eval(&mut context, "m.delete(s); m.delete(s); ws.delete(s);");
    assert_eq!(entries(&context), 2);
    eval(&mut context, "m = null; gc();");
    assert_eq!(entries(&context), 1, "the map's entry went with it");
    eval(&mut context, "ws = null; gc();");
    assert_eq!(entries(&context), 0);
}
