//! Seeded random programs for the differential run, rendered to JavaScript that node and `finreg` both
//! run, with a model that keeps every compared outcome determined by the spec.
//!
//! The grammar is the model checker's family (registries, targets, tokens, `unregister`, `gc()`,
//! timers, callbacks that register, unregister and throw) restricted to what both engines share: no
//! second realm, no native finalizers, no hostile globals. Each step is one function run as one task
//! (then a 1 ms timer), so no top-level temporary keeps a target alive; targets live only in the
//! slot array `S`, symbols in `Y` (never emptied), registries in `R` (never dropped).
//!
//! What the model guarantees (see the rules in `mod.rs`): a target's liveness at each action is known
//! (slots and closure captures are the only references); `unregister(token)` is generated only when
//! every cell of that token in that registry still has a live target, so its result and the cells it
//! removes do not depend on when a collection or a cleanup job ran; callbacks touch only objects they
//! make themselves.
//!
//! The weak family (`WeakMap`, `WeakSet`, `WeakRef`) has its actions and its model in [`weak`].

mod weak;

use std::collections::HashSet;
use std::fmt::Write as _;

use boa_finalization_testkit::modelcheck::rng::Rng;

use weak::{MAPS, SETS, WeakModel};

/// Slots for targets and tokens (`S[0..SLOTS]`).
const SLOTS: usize = 6;
/// Symbol slots (`Y[0..SYMBOLS]`), never emptied.
const SYMBOLS: usize = 2;

/// New targets for `Reflect.construct` whose `prototype` is not an object (so the constructor falls
/// back to GetFunctionRealm), revoked proxies among them, and a subclass.
const NEW_TARGETS: [&str; 5] = [
    "(() => { const { proxy, revoke } = Proxy.revocable(function () {}, {}); const b = proxy.bind(); revoke(); return b; })()",
    "(() => { const r = Proxy.revocable(function () {}, { get(t, k) { if (k === 'prototype') { r.revoke(); return undefined; } return t[k]; } }); return r.proxy; })()",
    "new Proxy(function () {}, { get(t, k) { return k === 'prototype' ? undefined : t[k]; } })",
    "(() => { function F() {} F.prototype = null; return F; })()",
    "class extends FinalizationRegistry {}",
];

/// What a callback does after logging its delivery.
#[derive(Clone, Debug)]
enum CallbackAct {
    /// `R[r].register({}, held)`: a fresh target that dies at once, delivered later.
    RegisterTemp { r: usize, held: String },
    /// `const t = {}, k = {}; R[r].register(t, held, k)`, then `unregister(k)` twice: true, false.
    RegisterUnregister { r: usize, held: String, id: u32 },
    /// `throw new <name>(...)`.
    Throw(&'static str),
    /// `check(id, ...)` that `DW[held]`, a `WeakRef` to the cell's target, is empty.
    DerefTarget { id: u32 },
}

/// A generated program: its JavaScript text and what it exercises.
pub(super) struct Program {
    /// The script.
    pub js: String,
    /// Registrations of an object target that the model expects to be delivered (or unregistered).
    pub cells: usize,
    /// Weak-family results the program logs for comparison (`w|id|result`).
    pub weak_checks: usize,
    /// Those that dereference a `WeakRef` whose target the model knows collected (in a step or at
    /// the end, after `gc()`; or in the target's cleanup callback).
    pub collected_derefs: usize,
}

/// One object the program makes, for reachability.
struct Object {
    /// The object a closure target captures.
    captures: Option<usize>,
}

/// One registered cell, as far as the generator needs to know it.
struct Cell {
    r: usize,
    target: Target,
    token: Option<Token>,
    removed: bool,
}

/// A cell's target.
#[derive(Clone, Copy)]
enum Target {
    /// An object the slots may still reach.
    Object(usize),
    /// A temporary object, unreachable once the registering action returns.
    Dead,
    /// A symbol: never collected in finreg (Boa has no weak symbols), always reachable in node.
    Symbol,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Object(usize),
    Symbol(usize),
}

/// The generator's state: the program text so far and the model of the heap.
struct Generator {
    rng: Rng,
    js: String,
    objects: Vec<Object>,
    slots: [Option<usize>; SLOTS],
    symbols: [bool; SYMBOLS],
    cells: Vec<Cell>,
    registries: usize,
    next_id: u32,
    /// Callback bodies by held value.
    callbacks: Vec<(String, Vec<CallbackAct>)>,
    weak: WeakModel,
}

/// The program for `seed`.
pub(super) fn generate(seed: u64) -> Program {
    let mut rng = Rng::new(seed);
    let registries = 1 + rng.below(3);
    let mut generator = Generator {
        rng,
        js: String::new(),
        objects: Vec::new(),
        slots: [None; SLOTS],
        symbols: [false; SYMBOLS],
        cells: Vec::new(),
        registries,
        next_id: 0,
        callbacks: Vec::new(),
        weak: WeakModel::default(),
    };
    let steps = 2 + generator.rng.below(7);
    let mut body = String::new();
    for _ in 0..steps {
        generator.js.clear();
        generator.settle_weak_refs();
        let actions = 1 + generator.rng.below(9);
        for _ in 0..actions {
            generator.action();
        }
        let _ = writeln!(body, "  function () {{\n{}  }},", generator.js);
    }
    generator.js.clear();
    generator.final_weak_checks();
    let cells = generator
        .cells
        .iter()
        .filter(|cell| !matches!(cell.target, Target::Symbol))
        .count();
    Program {
        js: render(registries, &generator.callbacks, &body, &generator.js),
        cells,
        weak_checks: generator.weak.checks,
        collected_derefs: generator.weak.collected_derefs,
    }
}

impl Generator {
    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn held(&mut self) -> String {
        format!("h{}", self.id())
    }

    /// Whether object `index` is reachable from a slot (directly or through closure captures).
    fn alive(&self, index: usize) -> bool {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = self.slots.iter().flatten().copied().collect();
        while let Some(object) = stack.pop() {
            if object == index {
                return true;
            }
            if seen.insert(object) {
                stack.extend(self.objects[object].captures);
            }
        }
        false
    }

    fn line(&mut self, code: &str) {
        let _ = writeln!(self.js, "    {code}");
    }

    /// `attempt(id, () => code)`: logs `a|id|<true|false|ok|ErrorName>`.
    fn attempt(&mut self, code: &str) {
        let id = self.id();
        self.line(&format!("attempt({id}, () => {code});"));
    }

    fn action(&mut self) {
        match self.rng.weighted(&[14, 6, 20, 6, 10, 5, 6, 3, 3, 40]) {
            0 => self.new_object(),
            1 => self.drop_slot(),
            2 => self.register(),
            3 => self.register_many(),
            4 => self.unregister(),
            5 => self.line("gc();"),
            6 => self.invalid_call(),
            7 => self.construct(),
            8 => self.new_symbol(),
            _ => self.weak_action(),
        }
    }

    fn new_object(&mut self) {
        let slot = self.rng.below(SLOTS);
        let oid = self.id();
        let (code, captures) = match self.rng.below(5) {
            0 => (format!("{{ oid: {oid} }}"), None),
            1 => (format!("[{oid}]"), None),
            2 => (format!("function f{oid}() {{ return {oid}; }}"), None),
            3 => (format!("new (class C{oid} {{}})()"), None),
            // A closure over another slot's object: that object lives as long as the closure.
            _ => {
                let other = self.rng.below(SLOTS);
                (format!("((o) => () => o)(S[{other}])"), self.slots[other])
            }
        };
        self.objects.push(Object { captures });
        self.slots[slot] = Some(self.objects.len() - 1);
        self.line(&format!("S[{slot}] = {code};"));
    }

    fn drop_slot(&mut self) {
        let slot = self.rng.below(SLOTS);
        self.slots[slot] = None;
        self.line(&format!("S[{slot}] = undefined;"));
    }

    fn new_symbol(&mut self) {
        let slot = self.rng.below(SYMBOLS);
        if !self.symbols[slot] {
            self.symbols[slot] = true;
            let oid = self.id();
            self.line(&format!("Y[{slot}] = Symbol('y{oid}');"));
        }
    }

    /// A live slot, if any.
    fn live_slot(&mut self) -> Option<usize> {
        let live: Vec<usize> = (0..SLOTS).filter(|&s| self.slots[s].is_some()).collect();
        (!live.is_empty()).then(|| live[self.rng.below(live.len())])
    }

    fn register(&mut self) {
        let r = self.rng.below(self.registries);
        let held = self.held();
        let (target_js, target) = match self.rng.weighted(&[12, 5, 2, 1]) {
            0 => match self.live_slot() {
                Some(slot) => (
                    format!("S[{slot}]"),
                    Target::Object(self.slots[slot].expect("live")),
                ),
                None => ("{}".to_owned(), Target::Dead),
            },
            1 => ("{}".to_owned(), Target::Dead),
            2 => match (0..SYMBOLS).find(|&y| self.symbols[y]) {
                Some(y) => (format!("Y[{y}]"), Target::Symbol),
                None => ("Symbol.iterator".to_owned(), Target::Symbol),
            },
            // Values that cannot be held weakly: a TypeError in both engines.
            _ => {
                let bad = ["1", "'s'", "undefined", "null", "Symbol.for('k')", "true"];
                let bad = bad[self.rng.below(bad.len())];
                self.attempt(&format!("R[{r}].register({bad}, '{held}')"));
                return;
            }
        };
        let (token_js, token) = self.token();
        let mut callback = self.callback_acts(0);
        if matches!(target, Target::Object(_)) && self.rng.chance(30) {
            callback.insert(0, self.weak_ref_beside(&held, &target_js));
        }
        if !callback.is_empty() {
            self.callbacks.push((held.clone(), callback));
        }
        let token_arg = token_js.map(|js| format!(", {js}")).unwrap_or_default();
        self.attempt(&format!(
            "R[{r}].register({target_js}, '{held}'{token_arg})"
        ));
        self.cells.push(Cell {
            r,
            target,
            token,
            removed: false,
        });
    }

    /// The token argument: none, a slot object, a symbol, or a fresh object.
    fn token(&mut self) -> (Option<String>, Option<Token>) {
        match self.rng.weighted(&[6, 8, 2, 2]) {
            0 => (None, None),
            1 => match self.live_slot() {
                Some(slot) => (
                    Some(format!("S[{slot}]")),
                    Some(Token::Object(self.slots[slot].expect("live"))),
                ),
                None => (None, None),
            },
            2 => match (0..SYMBOLS).find(|&y| self.symbols[y]) {
                Some(y) => (Some(format!("Y[{y}]")), Some(Token::Symbol(y))),
                None => (None, None),
            },
            _ => (Some("{}".to_owned()), None),
        }
    }

    /// `count` registrations of one slot's object, many cells per target (and, as the token, the
    /// same object or another slot's).
    fn register_many(&mut self) {
        let Some(slot) = self.live_slot() else {
            return;
        };
        let r = self.rng.below(self.registries);
        let count = 2 + self.rng.below(40);
        let target = self.slots[slot].expect("live");
        let (token_js, token) = match self.rng.below(3) {
            0 => (String::new(), None),
            1 => (format!(", S[{slot}]"), Some(Token::Object(target))),
            _ => match self.live_slot() {
                Some(other) => (
                    format!(", S[{other}]"),
                    Some(Token::Object(self.slots[other].expect("live"))),
                ),
                None => (String::new(), None),
            },
        };
        let base = self.id();
        let id = self.id();
        self.line(&format!(
            "attempt({id}, () => {{ for (let i = 0; i < {count}; i++) R[{r}].register(S[{slot}], 'm{base}.' + i{token_js}); }});"
        ));
        for _ in 0..count {
            self.cells.push(Cell {
                r,
                target: Target::Object(target),
                token,
                removed: false,
            });
        }
    }

    /// `unregister` of a slot object or symbol whose cells in that registry all have live targets
    /// (else its result would depend on whether a cleanup job ran first), or of values with a fixed
    /// answer (a fresh object: false; not holdable weakly: TypeError).
    fn unregister(&mut self) {
        let r = self.rng.below(self.registries);
        let choice = self.rng.below(4);
        let (js, token) = match choice {
            0 | 1 => match self.live_slot() {
                Some(slot) => (
                    format!("S[{slot}]"),
                    Token::Object(self.slots[slot].expect("live")),
                ),
                None => return self.attempt(&format!("R[{r}].unregister({{}})")),
            },
            2 => match (0..SYMBOLS).find(|&y| self.symbols[y]) {
                Some(y) => (format!("Y[{y}]"), Token::Symbol(y)),
                None => return self.attempt(&format!("R[{r}].unregister(Symbol())")),
            },
            _ => {
                let bad = ["1", "undefined", "Symbol.for('k')", "'s'"];
                let bad = bad[self.rng.below(bad.len())];
                return self.attempt(&format!("R[{r}].unregister({bad})"));
            }
        };
        let mine: Vec<usize> = (0..self.cells.len())
            .filter(|&c| {
                let cell = &self.cells[c];
                cell.r == r && !cell.removed && cell.token == Some(token)
            })
            .collect();
        let determined = mine.iter().all(|&c| match self.cells[c].target {
            Target::Object(object) => self.alive(object),
            Target::Dead => false,
            Target::Symbol => true,
        });
        if !determined {
            return;
        }
        for c in mine {
            self.cells[c].removed = true;
        }
        self.attempt(&format!("R[{r}].unregister({js})"));
    }

    /// Calls that throw the same TypeError in both engines.
    fn invalid_call(&mut self) {
        let calls = [
            "FinalizationRegistry.prototype.register.call({}, {}, 1)",
            "FinalizationRegistry.prototype.unregister.call(undefined, {})",
            "FinalizationRegistry(() => {})",
            "new FinalizationRegistry({})",
            "R[0].register(S[0] ?? {}, S[0] ?? 1)",
            "(() => { const o = {}; R[0].register(o, 1, 2); })()",
        ];
        let call = calls[self.rng.below(calls.len())];
        self.attempt(call);
    }

    /// `Reflect.construct(FinalizationRegistry, [cb], newTarget)` with new targets whose prototype
    /// falls back to GetFunctionRealm, revoked proxies among them; logs the error or whether the
    /// registry got this realm's prototype.
    fn construct(&mut self) {
        let target = NEW_TARGETS[self.rng.below(NEW_TARGETS.len())];
        self.attempt(&format!(
            "Object.getPrototypeOf(Reflect.construct(FinalizationRegistry, [() => {{}}], {target})) === FinalizationRegistry.prototype"
        ));
    }

    /// What a callback does when it receives its held value; `depth` bounds the chains of callbacks.
    fn callback_acts(&mut self, depth: usize) -> Vec<CallbackAct> {
        if depth > 1 || !self.rng.chance(35) {
            return Vec::new();
        }
        let mut acts = Vec::new();
        for _ in 0..=self.rng.below(2) {
            let r = self.rng.below(self.registries);
            let next = self.held();
            if self.rng.chance(50) {
                let nested = self.callback_acts(depth + 1);
                if !nested.is_empty() {
                    self.callbacks.push((next.clone(), nested));
                }
                acts.push(CallbackAct::RegisterTemp { r, held: next });
                self.cells.push(Cell {
                    r,
                    target: Target::Dead,
                    token: None,
                    removed: false,
                });
            } else {
                let id = self.id();
                acts.push(CallbackAct::RegisterUnregister { r, held: next, id });
            }
        }
        if self.rng.chance(40) {
            let errors = ["Error", "TypeError", "RangeError"];
            acts.push(CallbackAct::Throw(errors[self.rng.below(errors.len())]));
        }
        acts
    }
}

fn render(
    registries: usize,
    callbacks: &[(String, Vec<CallbackAct>)],
    steps: &str,
    final_checks: &str,
) -> String {
    let mut table = String::new();
    for (held, acts) in callbacks {
        let mut body = String::new();
        for act in acts {
            match act {
                CallbackAct::RegisterTemp { r, held } => {
                    let _ = write!(body, " R[{r}].register({{}}, '{held}');");
                }
                CallbackAct::RegisterUnregister { r, held, id } => {
                    let _ = write!(
                        body,
                        " {{ const t = {{}}, k = {{}}; R[{r}].register(t, '{held}', k); \
                         log('c|{id}|' + R[{r}].unregister(k) + R[{r}].unregister(k)); }}"
                    );
                }
                CallbackAct::Throw(name) => {
                    let _ = write!(body, " throw new {name}('from {held}');");
                }
                CallbackAct::DerefTarget { id } => {
                    let _ = write!(
                        body,
                        " check({id}, () => DW['{held}'].deref() === undefined);"
                    );
                }
            }
        }
        let _ = writeln!(table, "  '{held}': () => {{{body} }},");
    }
    let registries = (0..registries).fold(String::new(), |mut text, r| {
        let _ = writeln!(text, "R[{r}] = new FinalizationRegistry(callback({r}));");
        text
    });
    let maps = ["new WeakMap()"; MAPS].join(", ");
    let sets = ["new WeakSet()"; SETS].join(", ");
    format!(
        r#""use strict";
const out = [];
const log = (line) => {{ out.push(line); }};
const errorName = (e) => (e !== null && typeof e === "object" && typeof e.constructor === "function") ? e.constructor.name : typeof e;
if (typeof process !== "undefined") process.on("uncaughtException", (e) => log("throw|" + errorName(e)));
const S = [], Y = [], R = [], WM = [{maps}], WS = [{sets}], WR = [], DW = {{}};
const CB = {{
{table}}};
function callback(r) {{
  return (held) => {{ log("d|" + r + "|" + String(held)); const f = CB[held]; if (f) f(); }};
}}
function attempt(id, f) {{
  try {{ const v = f(); log("a|" + id + "|" + (typeof v === "boolean" ? v : "ok")); }}
  catch (e) {{ log("a|" + id + "|" + errorName(e)); }}
}}
function check(id, f) {{
  try {{ const v = f(); log("w|" + id + "|" + (typeof v === "boolean" || typeof v === "string" ? v : typeof v)); }}
  catch (e) {{ log("w|" + id + "|" + errorName(e)); }}
}}
{registries}const steps = [
{steps}];
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
(async () => {{
  for (const step of steps) {{ step(); await tick(); }}
  S.length = 0;
  let quiet = 0, seen = -1;
  for (let round = 0; round < 60 && quiet < 4; round++) {{
    gc(); await tick();
    if (out.length === seen) quiet++; else {{ quiet = 0; seen = out.length; }}
  }}
{final_checks}  console.log("RESULT " + JSON.stringify(out));
}})();
"#
    )
}
