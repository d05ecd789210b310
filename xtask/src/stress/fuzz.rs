//! `cargo xtask stress --fuzz N`: N calls of the constructor, `register` and `unregister`, and of the
//! weak family (`WeakRef` and `deref`, the `WeakMap` and `WeakSet` methods), with arbitrary arguments
//! and arbitrary `this` (primitives, symbols registered or not, objects of every kind, proxies
//! including revoked and throwing ones, other realms' objects, Boa's own registry, weak collections
//! and WeakRefs of every realm, subclasses), in both realms, with collections and job-loop turns in between whose callbacks are
//! arbitrary callables too. Every call's outcome is predicted from the spec: a normal result of the
//! right type, a TypeError naming the method, or the error a proxy trap threw. Any other outcome, or
//! a panic, is a failure.

use std::fmt::Write as _;

use rayon::prelude::*;

use boa_engine::{Context, Source, js_string};

use boa_finalization_testkit::modelcheck::program::{HOSTILE, HOSTILE_JS};
use boa_finalization_testkit::modelcheck::rng::Rng;

/// What the spec needs to know about a pool value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// undefined.
    Undefined,
    /// Any other primitive except symbols.
    Primitive,
    /// `Symbol.for(..)`: cannot be held weakly.
    Registered,
    /// A symbol that can be held weakly.
    Symbol,
    /// An object.
    Object {
        callable: bool,
        constructor: bool,
        /// Has `[[Cells]]` (an instance of this crate's registry, any realm or subclass).
        registry: bool,
        /// Reading `prototype` throws: 'S' the sentinel, 'T' a TypeError (revoked proxy).
        proto_throws: Option<char>,
    },
}

const fn obj(callable: bool, constructor: bool, registry: bool) -> Kind {
    Kind::Object {
        callable,
        constructor,
        registry,
        proto_throws: None,
    }
}

/// The fixed part of the pool: (JS expression, kind).
const POOL: &[(&str, Kind)] = &[
    ("undefined", Kind::Undefined),
    ("null", Kind::Primitive),
    ("true", Kind::Primitive),
    ("0", Kind::Primitive),
    ("-0", Kind::Primitive),
    ("NaN", Kind::Primitive),
    ("''", Kind::Primitive),
    ("'FinalizationRegistry'", Kind::Primitive),
    ("10n", Kind::Primitive),
    ("$SymbolFor('registered')", Kind::Registered),
    ("$Symbol('unique')", Kind::Symbol),
    ("$Symbol()", Kind::Symbol),
    ("$Symbol.iterator", Kind::Symbol),
    ("$Symbol.unscopables", Kind::Symbol),
    ("({})", obj(false, false, false)),
    ("[]", obj(false, false, false)),
    ("Object.create(null)", obj(false, false, false)),
    ("function () {}", obj(true, true, false)),
    ("() => {}", obj(true, false, false)),
    ("class {}", obj(true, true, false)),
    ("async function () {}", obj(true, false, false)),
    ("function* () {}", obj(true, false, false)),
    ("Math.max", obj(true, false, false)),
    ("(function () {}).bind(null)", obj(true, true, false)),
    ("new Proxy({}, {})", obj(false, false, false)),
    ("new Proxy(function () {}, {})", obj(true, true, false)),
    (
        "(() => { const p = Proxy.revocable(function () {}, {}); p.revoke(); return p.proxy; })()",
        Kind::Object {
            callable: true,
            constructor: true,
            registry: false,
            proto_throws: Some('T'),
        },
    ),
    (
        "new Proxy(function () {}, { get() { throw SENTINEL; } })",
        Kind::Object {
            callable: true,
            constructor: true,
            registry: false,
            proto_throws: Some('S'),
        },
    ),
    (
        "(() => { const f = function () {}; f.prototype = 1; return f; })()",
        obj(true, true, false),
    ),
    (
        "new FinalizationRegistry(() => {})",
        obj(false, false, true),
    ),
    (
        "new FinalizationRegistry(v => { throw v; })",
        obj(false, false, true),
    ),
    (
        "new other.FinalizationRegistry(() => {})",
        obj(false, false, true),
    ),
    (
        "new (class extends FinalizationRegistry {})(() => {})",
        obj(false, false, true),
    ),
    (
        "new Proxy(new FinalizationRegistry(() => {}), {})",
        obj(false, false, false),
    ),
    ("new BuiltinFR(() => {})", obj(false, false, false)),
    ("FinalizationRegistry.prototype", obj(false, false, false)),
    (
        "Object.create(FinalizationRegistry.prototype)",
        obj(false, false, false),
    ),
    ("FinalizationRegistry", obj(true, true, false)),
    ("other.FinalizationRegistry", obj(true, true, false)),
    ("BuiltinFR", obj(true, true, false)),
    ("new other.Object()", obj(false, false, false)),
    ("globalThis", obj(false, false, false)),
    // Foreign NewTargets: functions of the other realm and of a realm without the extension
    // (`bare`), whose `prototype` is an object, is not, or is absent (bound): the new registry's
    // prototype is then %FinalizationRegistry.prototype% of the NewTarget's realm.
    ("new other.Function()", obj(true, true, false)),
    (
        "(() => { const f = new other.Function(); f.prototype = 1; return f; })()",
        obj(true, true, false),
    ),
    ("bare.FinalizationRegistry", obj(true, true, false)),
    ("new bare.Function()", obj(true, true, false)),
    (
        "(() => { const f = new bare.Function(); f.prototype = 1; return f; })()",
        obj(true, true, false),
    ),
    (
        "(() => { const f = new bare.Function(); f.prototype = null; return f.bind(null); })()",
        obj(true, true, false),
    ),
    ("new bare.Object()", obj(false, false, false)),
];

/// Which weak-family internal slot an object has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Brand {
    /// `[[WeakMapData]]`.
    Map,
    /// `[[WeakSetData]]`.
    Set,
    /// `[[WeakRefTarget]]`.
    Ref,
}

/// The weak-family part of the pool: instances of every realm (`bare` is Boa's own), subclasses,
/// symbol and object targets, and the constructors as NewTargets.
const WEAK_POOL: &[(&str, Option<Brand>)] = &[
    ("new $WeakMap()", Some(Brand::Map)),
    ("new other.WeakMap()", Some(Brand::Map)),
    ("new bare.WeakMap()", Some(Brand::Map)),
    ("new (class extends $WeakMap {})()", Some(Brand::Map)),
    ("new $WeakSet()", Some(Brand::Set)),
    ("new other.WeakSet()", Some(Brand::Set)),
    ("new bare.WeakSet()", Some(Brand::Set)),
    ("new $WeakRef({})", Some(Brand::Ref)),
    ("new WeakRef($Symbol('target'))", Some(Brand::Ref)),
    ("new other.WeakRef($Symbol.iterator)", Some(Brand::Ref)),
    (
        "new (class extends WeakRef {})($Symbol())",
        Some(Brand::Ref),
    ),
    ("new bare.WeakRef({})", Some(Brand::Ref)),
    ("new Proxy(new $WeakMap(), {})", None),
    ("Object.create($WeakSet.prototype)", None),
    ("WeakRef.prototype", None),
];

/// The realm of a pool value (0 main, 1 other, 2 bare), for the prototype a NewTarget without an
/// object `prototype` gives.
fn realm_of(js: &str) -> u8 {
    if js.contains("bare.") {
        2
    } else {
        u8::from(js.contains("other."))
    }
}

/// The expected outcome of one call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// Returned undefined.
    Undefined,
    /// Returned a boolean.
    Bool,
    /// Returned an object.
    Object,
    /// Threw a TypeError whose message names the method.
    TypeError,
    /// Threw a TypeError from elsewhere (Reflect.construct, a revoked proxy).
    AnyTypeError,
    /// Threw the sentinel from a proxy trap.
    Sentinel,
    /// Returned any value (`get`, `getOrInsert`, `deref`).
    Value,
}

/// What `Reflect.construct(C, [argument], newTarget)` gives: a non-constructor newTarget is
/// Reflect.construct's TypeError; a bad argument is the constructor's own, checked before the
/// prototype is read; then the `prototype` getter's throw, or the object.
fn construct_expectation(new_target: Kind, argument_ok: bool) -> Expect {
    match new_target {
        Kind::Object {
            constructor: true,
            proto_throws,
            ..
        } => match proto_throws {
            _ if !argument_ok => Expect::TypeError,
            Some('S') => Expect::Sentinel,
            Some(_) => Expect::AnyTypeError,
            None => Expect::Object,
        },
        _ => Expect::AnyTypeError,
    }
}

impl Expect {
    fn accepts(self, got: &str) -> bool {
        match self {
            Expect::Undefined => got == "undef",
            Expect::Bool => got == "bool",
            Expect::Object => got == "obj",
            Expect::TypeError => got == "TE",
            Expect::AnyTypeError => got == "TE" || got == "TE?",
            Expect::Sentinel => got == "sentinel",
            Expect::Value => {
                got != "sentinel" && !got.starts_with("TE") && !got.starts_with("bad:")
            }
        }
    }
}

fn can_be_held_weakly(kind: Kind) -> bool {
    matches!(kind, Kind::Symbol | Kind::Object { .. })
}

fn is_registry(kind: Kind) -> bool {
    matches!(kind, Kind::Object { registry: true, .. })
}

struct Pool {
    kinds: Vec<Kind>,
    realms: Vec<u8>,
    brands: Vec<Option<Brand>>,
    setup: String,
}

/// The pool: the fixed values plus a few random primitives.
fn pool(rng: &mut Rng) -> Pool {
    let mut kinds: Vec<Kind> = POOL.iter().map(|(_, kind)| *kind).collect();
    let mut realms: Vec<u8> = POOL.iter().map(|(js, _)| realm_of(js)).collect();
    let mut brands: Vec<Option<Brand>> = vec![None; POOL.len()];
    let mut setup = String::from("var V = [\n");
    for (js, _) in POOL {
        let _ = writeln!(setup, "  {js},");
    }
    for (js, brand) in WEAK_POOL {
        let _ = writeln!(setup, "  {js},");
        kinds.push(obj(false, false, false));
        realms.push(realm_of(js));
        brands.push(*brand);
    }
    for _ in 0..6 {
        let x = rng.next_u64();
        let js = match rng.below(4) {
            0 => format!("{}", f64::from_bits(x)).replace("inf", "Infinity"),
            1 => format!("{:?}", format!("s{x:x}")),
            2 => format!("{}n", x.cast_signed()),
            _ => format!("{}", (x % 1000).cast_signed() - 500),
        };
        let js = if js == "NaN" || js.contains("Infinity") {
            "1.5".into()
        } else {
            js
        };
        let _ = writeln!(setup, "  {js},");
        kinds.push(Kind::Primitive);
        realms.push(0);
        brands.push(None);
    }
    setup.push_str("];\n");
    Pool {
        kinds,
        realms,
        brands,
        setup,
    }
}

/// Loaded after the install (the captures it uses, `$Symbol`, `$construct`..., were made before any
/// hostile change).
const PRELUDE: &str = include_str!("fuzz_prelude.js");

/// One generated call: its JS and the outcome the spec requires.
fn call(rng: &mut Rng, pool: &Pool) -> (String, Expect) {
    if rng.chance(35) {
        return weak_call(rng, pool);
    }
    let (kinds, realms) = (&pool.kinds, &pool.realms);
    let n = kinds.len();
    let pick = |rng: &mut Rng| rng.below(n);
    // Half of the calls get a real registry as `this`, and weakly-holdable values are favoured, so
    // that the normal paths are exercised as much as the error paths.
    let registries: Vec<usize> = (0..n).filter(|&i| is_registry(kinds[i])).collect();
    let weak: Vec<usize> = (0..n).filter(|&i| can_be_held_weakly(kinds[i])).collect();
    let pick_this = |rng: &mut Rng| {
        if rng.chance(50) {
            registries[rng.below(registries.len())]
        } else {
            rng.below(n)
        }
    };
    let pick_arg = |rng: &mut Rng| {
        if rng.chance(60) {
            weak[rng.below(weak.len())]
        } else {
            rng.below(n)
        }
    };
    let realm = rng.below(2);
    match rng.below(10) {
        // new FinalizationRegistry(a)
        0 | 1 => {
            let a = pick(rng);
            let expect = if matches!(kinds[a], Kind::Object { callable: true, .. }) {
                Expect::Object
            } else {
                Expect::TypeError
            };
            (
                format!(
                    "__t(() => {{ var r = new F[{realm}](V[{a}]); made.push(r); return r; }}, 'FinalizationRegistry')"
                ),
                expect,
            )
        }
        // FinalizationRegistry(a) without new
        2 => {
            let a = pick(rng);
            (
                format!("__t(() => F[{realm}](V[{a}]), 'FinalizationRegistry')"),
                Expect::TypeError,
            )
        }
        // Reflect.construct(FinalizationRegistry, [a], newTarget)
        3 => {
            let (a, nt) = (pick(rng), pick(rng));
            let argument_ok = matches!(kinds[a], Kind::Object { callable: true, .. });
            let expect = construct_expectation(kinds[nt], argument_ok);
            (
                format!(
                    "__t(() => {{ var r = $construct(F[{realm}], [V[{a}]], V[{nt}]); made.push(r); return __proto(r, V[{nt}], {}); }}, 'FinalizationRegistry')",
                    realms[nt]
                ),
                expect,
            )
        }
        // register.call(this, ...args)
        4..=7 => {
            let this = pick_this(rng);
            let arg_count = rng.below(4);
            let args: Vec<usize> = (0..arg_count).map(|_| pick_arg(rng)).collect();
            let fresh_target = arg_count >= 1 && rng.chance(25);
            let target = if fresh_target {
                None
            } else {
                args.first().copied()
            };
            let target_kind = match (fresh_target, target) {
                (true, _) => obj(false, false, false),
                (false, Some(t)) => kinds[t],
                (false, None) => Kind::Undefined,
            };
            let held = args.get(1).copied();
            let token = args.get(2).copied();
            let same = !fresh_target && target.is_some() && target == held;
            let expect = if !is_registry(kinds[this]) || !can_be_held_weakly(target_kind) || same {
                Expect::TypeError
            } else {
                match token.map(|t| kinds[t]) {
                    None | Some(Kind::Undefined) => Expect::Undefined,
                    Some(kind) if can_be_held_weakly(kind) => Expect::Undefined,
                    Some(_) => Expect::TypeError,
                }
            };
            let mut list = vec![format!("V[{this}]")];
            for (i, a) in args.iter().enumerate() {
                list.push(if i == 0 && fresh_target {
                    "{}".into()
                } else {
                    format!("V[{a}]")
                });
            }
            (
                format!(
                    "__t(() => M[{realm}][0].call({}), 'FinalizationRegistry.prototype.register')",
                    list.join(", ")
                ),
                expect,
            )
        }
        // unregister.call(this, ...args)
        _ => {
            let this = pick_this(rng);
            let arg_count = rng.below(3);
            let args: Vec<usize> = (0..arg_count).map(|_| pick_arg(rng)).collect();
            let token = args.first().map_or(Kind::Undefined, |&t| kinds[t]);
            let expect = if !is_registry(kinds[this]) || !can_be_held_weakly(token) {
                Expect::TypeError
            } else {
                Expect::Bool
            };
            let mut list = vec![format!("V[{this}]")];
            list.extend(args.iter().map(|a| format!("V[{a}]")));
            (
                format!(
                    "__t(() => M[{realm}][1].call({}), 'FinalizationRegistry.prototype.unregister')",
                    list.join(", ")
                ),
                expect,
            )
        }
    }
}

/// One generated call of the weak family: its JS and the outcome the spec requires.
fn weak_call(rng: &mut Rng, pool: &Pool) -> (String, Expect) {
    let (kinds, brands) = (&pool.kinds, &pool.brands);
    let n = kinds.len();
    let weak: Vec<usize> = (0..n).filter(|&i| can_be_held_weakly(kinds[i])).collect();
    let pick_arg = |rng: &mut Rng| {
        if rng.chance(60) {
            weak[rng.below(weak.len())]
        } else {
            rng.below(n)
        }
    };
    // Half of the method calls get an instance of the right brand as `this`.
    let pick_this = |rng: &mut Rng, brand: Brand| {
        let branded: Vec<usize> = (0..n).filter(|&i| brands[i] == Some(brand)).collect();
        if rng.chance(50) {
            branded[rng.below(branded.len())]
        } else {
            rng.below(n)
        }
    };
    let is = |i: usize, brand: Brand| brands[i] == Some(brand);
    let realm = rng.below(2);
    match rng.below(8) {
        // new WeakRef(a)
        0 => {
            let a = pick_arg(rng);
            let expect = if can_be_held_weakly(kinds[a]) {
                Expect::Object
            } else {
                Expect::TypeError
            };
            (
                format!("__t(() => new WR[{realm}](V[{a}]), 'WeakRef')"),
                expect,
            )
        }
        // WeakRef(a) without new
        1 => {
            let a = pick_arg(rng);
            (
                format!("__t(() => WR[{realm}](V[{a}]), 'WeakRef')"),
                Expect::TypeError,
            )
        }
        // Reflect.construct(WeakRef, [a], newTarget): CanBeHeldWeakly before the prototype is read.
        2 => {
            let (a, nt) = (pick_arg(rng), rng.below(n));
            let expect = construct_expectation(kinds[nt], can_be_held_weakly(kinds[a]));
            (
                format!(
                    "__t(() => __wproto($construct(WR[{realm}], [V[{a}]], V[{nt}]), V[{nt}], {}), 'WeakRef')",
                    pool.realms[nt]
                ),
                expect,
            )
        }
        // deref.call(this)
        3 => {
            let this = pick_this(rng, Brand::Ref);
            let expect = if is(this, Brand::Ref) {
                Expect::Value
            } else {
                Expect::TypeError
            };
            (
                format!("__t(() => DEREF[{realm}].call(V[{this}]), 'WeakRef.prototype.deref')"),
                expect,
            )
        }
        // WeakMap.prototype.{set, get, has, delete, getOrInsert}.call(this, key, value)
        4..=5 => {
            let (this, key, value) = (pick_this(rng, Brand::Map), pick_arg(rng), rng.below(n));
            let method = rng.below(5);
            let expect = match (is(this, Brand::Map), method) {
                (true, 0) if can_be_held_weakly(kinds[key]) => Expect::Object,
                (true, 4) if can_be_held_weakly(kinds[key]) => Expect::Value,
                (false, _) | (true, 0 | 4) => Expect::TypeError,
                (true, 1) => Expect::Value,
                (true, _) => Expect::Bool,
            };
            (
                format!(
                    "__t(() => WMM[{realm}][{method}].call(V[{this}], V[{key}], V[{value}]), 'WeakMap.prototype.' + WMNAMES[{method}])"
                ),
                expect,
            )
        }
        // WeakSet.prototype.{add, has, delete}.call(this, value)
        _ => {
            let (this, value) = (pick_this(rng, Brand::Set), pick_arg(rng));
            let method = rng.below(3);
            let expect = match (is(this, Brand::Set), method) {
                (true, 0) if can_be_held_weakly(kinds[value]) => Expect::Object,
                (false, _) | (true, 0) => Expect::TypeError,
                (true, _) => Expect::Bool,
            };
            (
                format!(
                    "__t(() => WSM[{realm}][{method}].call(V[{this}], V[{value}]), 'WeakSet.prototype.' + WSNAMES[{method}])"
                ),
                expect,
            )
        }
    }
}

/// One batch: a fresh context, `calls` calls in chunks with collections and turns in between.
/// Returns (calls checked, mismatches as messages).
/// Hostile changes the fuzzer makes: all but the `Object.prototype` accessors, whose `prototype`
/// getter the spec itself reads for a NewTarget without an own `prototype` (a bound function).
fn hostile(rng: &mut Rng) -> usize {
    loop {
        let what = rng.below(HOSTILE.len());
        if !HOSTILE[what].starts_with("Object.prototype") {
            return what;
        }
    }
}

fn realm_global(realm: &boa_engine::realm::Realm, context: &mut Context) -> boa_engine::JsObject {
    let previous = context.enter_realm(realm.clone());
    let global = context.global_object();
    context.enter_realm(previous);
    global
}

/// One batch: a fresh context, `calls` calls in chunks with collections and turns in between.
/// Returns (calls checked, mismatches as messages).
fn batch(seed: u64, calls: usize) -> (u64, Vec<String>) {
    let mut rng = Rng::new(seed);
    let mut context = boa_finalization_testkit::context(false);
    let global = context.global_object();
    let builtin = global
        .get(js_string!("FinalizationRegistry"), &mut context)
        .expect("builtin");
    global
        .set(js_string!("BuiltinFR"), builtin, true, &mut context)
        .expect("builtin");
    // A realm the extension is never installed into: its functions are foreign NewTargets whose
    // realm's %FinalizationRegistry.prototype% is Boa's.
    let bare = context.create_realm().expect("realm");
    let bare = realm_global(&bare, &mut context);
    global
        .set(js_string!("bare"), bare, true, &mut context)
        .expect("bare");
    // Hostile changes, some before the install: the crate must neither call the fakes nor fail.
    // What the calls use is captured before any hostile change.
    let fakes = "var __fakes = []; function __fake(name) { __fakes.push(name); }\n\
                 var $construct = Reflect.construct, $getProto = Object.getPrototypeOf;";
    context
        .eval(Source::from_bytes(
            format!("{fakes}{HOSTILE_JS}").as_bytes(),
        ))
        .expect("hostile changes");
    let mut changes = Vec::new();
    if rng.chance(40) {
        for _ in 0..=rng.below(3) {
            let what = hostile(&mut rng);
            changes.push(HOSTILE[what]);
            context
                .eval(Source::from_bytes(format!("HOSTILE[{what}]()").as_bytes()))
                .expect("a hostile change");
        }
    }
    let before = if changes.is_empty() {
        String::new()
    } else {
        format!(" (after, before the install: {})", changes.join("; "))
    };
    if let Err(error) = boa_finalization::install(&mut context) {
        return (
            0,
            vec![format!("seed {seed}: install failed{before}: {error}")],
        );
    }
    let other = match boa_finalization::create_realm(
        &mut context,
        &boa_finalization::InstallOptions::new(),
    ) {
        Ok(other) => other,
        Err(error) => {
            return (
                0,
                vec![format!("seed {seed}: create_realm failed{before}: {error}")],
            );
        }
    };
    let other = realm_global(&other, &mut context);
    global
        .set(js_string!("other"), other, true, &mut context)
        .expect("other");
    boa_finalization::set_error_reporter(&mut context, |_, _, _| {});
    let pool = pool(&mut rng);
    context
        .eval(Source::from_bytes(
            format!("{PRELUDE}{}", pool.setup).as_bytes(),
        ))
        .expect("pool");
    let mut mismatches = Vec::new();
    let mut done = 0;
    while done < calls {
        let chunk = (calls - done).min(100);
        let mut script = String::from("__res = [];\n");
        if rng.chance(10) {
            let what = hostile(&mut rng);
            changes.push(HOSTILE[what]);
            let _ = writeln!(script, "HOSTILE[{what}]();");
        }
        let mut expects = Vec::new();
        let mut lines = Vec::new();
        for _ in 0..chunk {
            let (js, expect) = call(&mut rng, &pool);
            let _ = writeln!(script, "{js};");
            lines.push(js);
            expects.push(expect);
        }
        // Drop some registries made by the constructor calls, and collect.
        script.push_str("if (made.length > 20) made.splice(0, 10); gc();\n__res.join(',')");
        let results = match context.eval(Source::from_bytes(script.as_bytes())) {
            Ok(value) => value
                .as_string()
                .map(|s| s.to_std_string_escaped())
                .unwrap_or_default(),
            Err(error) => {
                mismatches.push(format!("seed {seed}: the batch threw {error}"));
                break;
            }
        };
        let fakes = context
            .eval(Source::from_bytes(b"__fakes.splice(0).join(', ')"))
            .ok()
            .and_then(|v| v.as_string().map(|s| s.to_std_string_escaped()))
            .unwrap_or_default();
        if !fakes.is_empty() {
            mismatches.push(format!(
                "seed {seed}: the crate called the script's fakes {fakes} (hostile changes so far: {})",
                changes.join("; ")
            ));
        }
        for ((got, expect), js) in results.split(',').zip(&expects).zip(&lines) {
            if !expect.accepts(got) {
                mismatches.push(format!(
                    "seed {seed}: `{js}` gave {got}, expected {expect:?}"
                ));
            }
        }
        if context.run_jobs().is_err() {
            mismatches.push(format!("seed {seed}: run_jobs returned an error"));
        }
        done += chunk;
    }
    (done as u64, mismatches)
}

/// What kind of mismatch a message reports, for the summary.
fn category(mismatch: &str) -> String {
    let call = |name: &str| {
        let outcome = mismatch
            .rsplit_once("` gave ")
            .map_or("?", |(_, outcome)| outcome);
        format!("{name}: gave {outcome}")
    };
    if mismatch.contains("PANIC") {
        "panic".into()
    } else if mismatch.contains("install failed") || mismatch.contains("create_realm failed") {
        "install or create_realm failed after hostile changes".into()
    } else if let Some((_, fakes)) = mismatch.split_once("called the script's fakes ") {
        let mut names: Vec<&str> = fakes
            .split(" (")
            .next()
            .unwrap_or_default()
            .split(", ")
            .collect();
        names.sort_unstable();
        names.dedup();
        format!("the crate called the fakes {}", names.join(", "))
    } else if let Some(name) = ["__wproto", "DEREF", "WMM", "WSM", "WR["]
        .into_iter()
        .find(|name| mismatch.contains(name))
    {
        call(match name {
            "__wproto" => "Reflect.construct(WeakRef)",
            "DEREF" => "WeakRef.prototype.deref",
            "WMM" => "a WeakMap method",
            "WSM" => "a WeakSet method",
            _ => "WeakRef",
        })
    } else if mismatch.contains("__proto(r, V[") {
        // The NewTarget's realm decides the expected prototype: name it.
        let realm = match mismatch.rsplit_once("], ").map(|(_, rest)| &rest[..1]) {
            Some("2") => "a realm without the extension",
            Some("1") => "the other realm",
            _ => "the same realm",
        };
        call(&format!("Reflect.construct, NewTarget of {realm}"))
    } else if mismatch.contains("prototype.register") || mismatch.contains("M[0][0]") {
        call("register")
    } else if mismatch.contains("][1].call(") {
        call("unregister")
    } else if mismatch.contains("][0].call(") {
        call("register")
    } else {
        call("constructor")
    }
}

/// Runs `total` fuzz calls from `seed` on `jobs` threads, each batch on a fresh thread (a panic is
/// caught and counted as a crash). True when there was no mismatch and no crash.
pub(crate) fn run(seed: u64, total: u64, jobs: usize) -> bool {
    const PER_BATCH: u64 = 1000;
    let batches = total.div_ceil(PER_BATCH);
    let began = std::time::Instant::now();
    println!(
        "fuzz: {total} calls in {batches} contexts, seeds {seed}..{}",
        seed + batches
    );
    // Each batch still runs on a thread of its own (a fresh boa_gc heap, a panic caught as a
    // crash); rayon only hands the batches out.
    let outcomes: Vec<Result<(u64, Vec<String>), String>> = super::pool(jobs).install(|| {
        (0..batches)
            .into_par_iter()
            .map(|i| {
                let calls = PER_BATCH.min(total - i * PER_BATCH) as usize;
                std::thread::Builder::new()
                    .stack_size(64 << 20)
                    .spawn(move || batch(seed + i, calls))
                    .expect("spawn")
                    .join()
                    .map_err(|payload| {
                        let message = payload
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                            .unwrap_or_default();
                        format!("seed {}: PANIC: {message}", seed + i)
                    })
            })
            .collect()
    });
    let (mut calls, mut crashes, mut mismatches) = (0u64, 0u64, Vec::new());
    for outcome in outcomes {
        match outcome {
            Ok((done, found)) => {
                calls += done;
                mismatches.extend(found);
            }
            Err(panic) => {
                crashes += 1;
                mismatches.push(panic);
            }
        }
    }
    println!(
        "fuzz: {calls} calls executed, {} mismatches, {crashes} crashes ({:.1} s)",
        mismatches.len(),
        began.elapsed().as_secs_f64()
    );
    let mut by_kind = std::collections::BTreeMap::<String, usize>::new();
    for mismatch in &mismatches {
        *by_kind.entry(category(mismatch)).or_default() += 1;
    }
    for (kind, n) in &by_kind {
        println!("  {n:>6} x {kind}");
    }
    for mismatch in mismatches.iter().take(20) {
        println!("  {mismatch}");
    }
    mismatches.is_empty() && crashes == 0
}
