//! The weak family's actions: `WeakMap`s `WM[i]` and `WeakSet`s `WS[i]` (made before the first
//! step, never dropped) and `WeakRef`s `WR[i]`, with keys and targets drawn from the slots `S`, the
//! symbols `Y`, well-known and fresh symbols, fresh objects, the program's registries, maps and
//! sets, registered symbols and primitives.
//!
//! Every compared result is fixed by the spec given what the model knows. `get`, `has`, `delete`,
//! `set` and `add` are: a key the program can still name is reachable, so no collection can change
//! what the map or set holds for it. A `WeakRef`'s `deref` is compared only where its answer is
//! fixed: a target that stays reachable (`Y[k]`, a well-known symbol, `R[0]`, `WM[1]`) or an object
//! target that a slot still reaches gives that target; a target the same job made or dereferenced
//! gives it too, even after `gc()` (KeepDuringJob); an object target unreachable since an earlier
//! step gives `undefined` right after a `gc()` (node's and finreg's are full collections, and the
//! earlier job's ClearKeptObjects released it), and so does a `WeakRef` to a cell's target in that
//! cell's cleanup callback. A target that became unreachable during the current step (kept or not,
//! depending on what this job did with it) and a fresh symbol target (node may collect it, Boa
//! never collects a symbol) are never dereferenced for comparison.

use super::{CallbackAct, Generator, NEW_TARGETS, Object, SLOTS, SYMBOLS};

/// `WM[0..MAPS]`.
pub(super) const MAPS: usize = 2;
/// `WS[0..SETS]`.
pub(super) const SETS: usize = 2;
/// `WR[0..WEAK_REFS]`.
const WEAK_REFS: usize = 3;

/// What the model knows of a `WeakRef`'s target.
#[derive(Clone)]
enum RefTarget {
    /// An object the slots may still reach (`Generator::alive` says whether they do).
    Object(usize),
    /// A value that stays reachable to the end, written as this expression: a symbol (`Y[k]`,
    /// `Symbol.iterator`) or one of the program's registries, maps and sets (`R[0]`, `WM[1]`).
    Kept(String),
    /// An object unreachable since an earlier step: no job keeps it, a `gc()` collects it.
    Collected,
    /// A fresh symbol: node may collect it, Boa never does; not compared.
    Unfixed,
}

/// A key or target argument.
struct Key {
    js: String,
    /// What a `WeakRef` of it targets; `None` if CanBeHeldWeakly is false (a TypeError).
    target: Option<RefTarget>,
}

impl Key {
    /// A value that stays reachable to the end, written as `js`.
    fn kept(js: String) -> Self {
        Self {
            target: Some(RefTarget::Kept(js.clone())),
            js,
        }
    }
}

/// The weak family's part of the model, and what it generated.
#[derive(Default)]
pub(super) struct WeakModel {
    refs: [Option<RefTarget>; WEAK_REFS],
    /// `check` actions generated: each one compared result.
    pub(super) checks: usize,
    /// Those that dereference a target the model knows collected.
    pub(super) collected_derefs: usize,
    /// Keys given to `set` or `add`, by collection (`WM[0]`, `WS[1]`).
    stored: Vec<(String, RefTarget)>,
}

/// Calls that throw a TypeError in both engines: wrong receivers (checked before the key), calls
/// without `new`, and values that cannot be held weakly given to constructors.
const INVALID_CALLS: [&str; 25] = [
    "WeakMap.prototype.set.call({}, {}, 1)",
    "WeakMap.prototype.set.call(WS[0], Symbol(), 1)",
    "WeakMap.prototype.get.call({}, Symbol.for('k'))",
    "WeakMap.prototype.get.call(WS[1], {})",
    "WeakMap.prototype.get.call(new Proxy(WM[0], {}), Symbol.iterator)",
    "WeakSet.prototype.has.call(new Proxy(WS[1], {}), {})",
    "WeakRef.prototype.deref.call(new Proxy(new WeakRef(Symbol.iterator), {}))",
    "WeakMap.prototype.has.call(new Map(), Symbol.iterator)",
    "WeakMap.prototype.delete.call(undefined, Symbol())",
    "WeakSet.prototype.add.call(WM[0], Symbol())",
    "WeakSet.prototype.add.call(new Set(), {})",
    "WeakSet.prototype.has.call({}, 1)",
    "WeakSet.prototype.delete.call(WR[0] ?? {}, {})",
    "WeakRef.prototype.deref.call({})",
    "WeakRef.prototype.deref.call(WM[0])",
    "WeakRef.prototype.deref.call(R[0])",
    "WeakRef.prototype.deref.call(Symbol())",
    "WeakRef(Symbol())",
    "WeakMap()",
    "WeakSet([])",
    "new WeakRef()",
    "new WeakRef(Symbol.for('k'))",
    "new WeakMap([[Symbol.for('k'), 1]])",
    "new WeakSet([1])",
    "Reflect.construct(WeakRef, [Symbol.for('k')], class {})",
];

impl Generator {
    /// One weak-family action, logged by `check`.
    pub(super) fn weak_action(&mut self) {
        match self.rng.weighted(&[10, 6, 5, 6, 3, 3]) {
            0 => self.collection_op(true),
            1 => self.collection_op(false),
            2 => self.new_weak_ref(),
            3 => self.deref(),
            4 => {
                let call = INVALID_CALLS[self.rng.below(INVALID_CALLS.len())];
                self.check(call);
            }
            _ => self.weak_construct(),
        }
    }

    /// `check(id, () => code)`: logs `w|id|<boolean, string, typeof the value, or ErrorName>`.
    fn check(&mut self, code: &str) {
        let id = self.id();
        self.weak.checks += 1;
        self.line(&format!("check({id}, () => {code});"));
    }

    /// A key: mostly what the program keeps (slot objects, `Y` symbols), sometimes fresh values,
    /// registered symbols and primitives (CanBeHeldWeakly false).
    fn key(&mut self) -> Key {
        match self.rng.weighted(&[8, 5, 1, 2, 1, 2, 2, 1]) {
            0 => match self.live_slot() {
                Some(slot) => Key {
                    js: format!("S[{slot}]"),
                    target: Some(RefTarget::Object(self.slots[slot].expect("live"))),
                },
                None => self.fresh_object(),
            },
            1 => {
                if !self.symbols.contains(&true) {
                    self.new_symbol();
                }
                let made: Vec<usize> = (0..SYMBOLS).filter(|&y| self.symbols[y]).collect();
                Key::kept(format!("Y[{}]", made[self.rng.below(made.len())]))
            }
            2 => {
                let well_known = ["Symbol.iterator", "Symbol.asyncIterator"];
                Key::kept(well_known[self.rng.below(2)].to_owned())
            }
            3 => self.fresh_object(),
            4 => Key {
                js: format!("Symbol('t{}')", self.id()),
                target: Some(RefTarget::Unfixed),
            },
            5 => Key {
                js: "Symbol.for('k')".to_owned(),
                target: None,
            },
            6 => {
                let primitives = ["1", "'s'", "undefined", "null", "true", "1n", "-0"];
                Key {
                    js: primitives[self.rng.below(primitives.len())].to_owned(),
                    target: None,
                }
            }
            // Objects of the weak family itself, never dropped.
            _ => {
                let kept = ["R[0]", "WM[1]", "WS[0]"];
                Key::kept(kept[self.rng.below(kept.len())].to_owned())
            }
        }
    }

    /// `{}`: an object no slot holds, unreachable once its action returns.
    fn fresh_object(&mut self) -> Key {
        self.objects.push(Object { captures: None });
        Key {
            js: "{}".to_owned(),
            target: Some(RefTarget::Object(self.objects.len() - 1)),
        }
    }

    /// `set`/`add` (compared as `=== receiver`), `get` (maps only), `has` or `delete` on one of the
    /// maps (`map`) or sets; most lookups (60%) use a key stored in that collection before, if the
    /// program can still name it (the key is then reachable, so its entry is still there).
    fn collection_op(&mut self, map: bool) {
        let collection = if map {
            format!("WM[{}]", self.rng.below(MAPS))
        } else {
            format!("WS[{}]", self.rng.below(SETS))
        };
        let op = self.rng.weighted(&[4, if map { 3 } else { 0 }, 3, 2]);
        let stored = if op > 0 && self.rng.chance(60) {
            self.stored_key(&collection)
        } else {
            None
        };
        let key = if let Some(js) = stored {
            js
        } else {
            let key = self.key();
            if let (0, Some(target)) = (op, &key.target) {
                self.weak.stored.push((collection.clone(), target.clone()));
            }
            key.js
        };
        let code = match op {
            0 if map => {
                let value = self.id();
                format!("{collection}.set({key}, 'v{value}') === {collection}")
            }
            0 => format!("{collection}.add({key}) === {collection}"),
            1 => format!("String({collection}.get({key}))"),
            2 => format!("{collection}.has({key})"),
            _ => format!("{collection}.delete({key})"),
        };
        self.check(&code);
    }

    /// A key once given to `collection`'s `set` or `add` that the program can still name.
    fn stored_key(&mut self, collection: &str) -> Option<String> {
        let named: Vec<String> = self
            .weak
            .stored
            .iter()
            .filter(|(stored_in, _)| stored_in == collection)
            .filter_map(|(_, target)| self.name(target))
            .collect();
        (!named.is_empty()).then(|| named[self.rng.below(named.len())].clone())
    }

    /// An expression for `target` if the program can still name it: a kept value, or an object a
    /// slot holds.
    fn name(&self, target: &RefTarget) -> Option<String> {
        match target {
            RefTarget::Kept(js) => Some(js.clone()),
            RefTarget::Object(object) => (0..SLOTS)
                .find(|&slot| self.slots[slot] == Some(*object))
                .map(|slot| format!("S[{slot}]")),
            RefTarget::Collected | RefTarget::Unfixed => None,
        }
    }

    /// `WR[i] = new WeakRef(key)` (a TypeError for a key that cannot be held weakly); sometimes
    /// dereferenced after a `gc()` in the same job, where KeepDuringJob keeps any target.
    fn new_weak_ref(&mut self) {
        let i = self.rng.below(WEAK_REFS);
        let key = self.key();
        let js = &key.js;
        let code = match self.rng.weighted(&[6, 2, 1]) {
            0 => format!("{{ WR[{i}] = new WeakRef({js}); }}"),
            1 => format!("{{ WR[{i}] = new WeakRef({js}); gc(); return typeof WR[{i}].deref(); }}"),
            _ => format!("Object.prototype.toString.call(WR[{i}] = new WeakRef({js}))"),
        };
        self.check(&code);
        if let Some(target) = key.target {
            self.weak.refs[i] = Some(target);
        }
    }

    /// `WR[i].deref()` where the model fixes the answer (see the module's docs).
    fn deref(&mut self) {
        let made: Vec<usize> = (0..WEAK_REFS)
            .filter(|&i| self.weak.refs[i].is_some())
            .collect();
        if made.is_empty() {
            return self.new_weak_ref();
        }
        let i = made[self.rng.below(made.len())];
        match self.weak.refs[i].clone() {
            Some(RefTarget::Kept(js)) => self.check(&format!("WR[{i}].deref() === {js}")),
            Some(target @ RefTarget::Object(object)) if self.alive(object) => {
                match self.name(&target) {
                    Some(js) => self.check(&format!("WR[{i}].deref() === {js}")),
                    // Reachable only through a closure's capture.
                    None => self.check(&format!("typeof WR[{i}].deref()")),
                }
            }
            Some(RefTarget::Collected) => {
                self.line("gc();");
                self.weak.collected_derefs += 1;
                self.check(&format!("WR[{i}].deref() === undefined"));
            }
            // Unreachable since this step began (this job may keep it) or a fresh symbol.
            Some(RefTarget::Object(_) | RefTarget::Unfixed) | None => {}
        }
    }

    /// Constructors given iterables and subclasses: what the new map, set or WeakRef holds, and
    /// `Reflect.construct(WeakRef, ...)` with the new targets of the registry's own case.
    fn weak_construct(&mut self) {
        let (a, b) = (self.key().js, self.key().js);
        let code = match self.rng.below(6) {
            0 => format!(
                "(() => {{ const m = new WeakMap([[{a}, 'vA'], [{b}, 'vB']]); return String(m.get({a})) + ',' + m.has({b}); }})()"
            ),
            1 => format!("new WeakSet([{a}, {b}]).has({b})"),
            5 => format!("new (class extends WeakSet {{}})([{a}]).has({a})"),
            2 => format!("String(new (class extends WeakMap {{}})([[{a}, 'vS']]).get({a}))"),
            3 => "(() => { const s = Symbol('z'); const r = new (class extends WeakRef {})(s); return r.deref() === s && Object.getPrototypeOf(r) !== WeakRef.prototype; })()".to_owned(),
            _ => {
                let target = NEW_TARGETS[self.rng.below(NEW_TARGETS.len())];
                format!(
                    "Object.getPrototypeOf(Reflect.construct(WeakRef, [{a}], {target})) === WeakRef.prototype"
                )
            }
        };
        self.check(&code);
    }

    /// `DW[held] = new WeakRef(target)` beside a registration of `target` with `held`, and what the
    /// cell's cleanup callback checks: that this `WeakRef` is empty. The collection that queued the
    /// cleanup emptied every `WeakRef` to the target (the spec's collection step does both at once).
    pub(super) fn weak_ref_beside(&mut self, held: &str, target_js: &str) -> CallbackAct {
        self.line(&format!("DW['{held}'] = new WeakRef({target_js});"));
        self.weak.checks += 1;
        self.weak.collected_derefs += 1;
        CallbackAct::DerefTarget { id: self.id() }
    }

    /// At the start of each step: a target that is unreachable now has been since an earlier job.
    pub(super) fn settle_weak_refs(&mut self) {
        for i in 0..WEAK_REFS {
            if let Some(RefTarget::Object(object)) = self.weak.refs[i]
                && !self.alive(object)
            {
                self.weak.refs[i] = Some(RefTarget::Collected);
            }
        }
    }

    /// The checks run after the final rounds, once `S` is empty and `gc()` ran in later jobs: every
    /// object target is collected, every kept target is still there.
    pub(super) fn final_weak_checks(&mut self) {
        self.line("gc();");
        for i in 0..WEAK_REFS {
            match self.weak.refs[i].clone() {
                Some(RefTarget::Kept(js)) => self.check(&format!("WR[{i}].deref() === {js}")),
                Some(RefTarget::Object(_) | RefTarget::Collected) => {
                    self.weak.collected_derefs += 1;
                    self.check(&format!("WR[{i}].deref() === undefined"));
                }
                Some(RefTarget::Unfixed) | None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::generate;

    #[test]
    fn programs_log_every_weak_check_and_collect_before_a_collected_deref() {
        let mut collected = 0;
        for seed in 0..200 {
            let program = generate(seed);
            // Each generated check, and the helper's own definition.
            assert_eq!(
                program.js.matches("check(").count(),
                program.weak_checks + 1
            );
            let lines: Vec<&str> = program.js.lines().map(str::trim).collect();
            let derefs: Vec<usize> = (1..lines.len())
                .filter(|&i| lines[i].ends_with(".deref() === undefined);"))
                .collect();
            // The final checks share one `gc()`.
            let is_deref = |line: &str| line.starts_with("check(") && line.contains(".deref() ===");
            for &i in &derefs {
                let before = (0..i).rev().find(|&j| !is_deref(lines[j]));
                assert_eq!(
                    before.map(|j| lines[j]),
                    Some("gc();"),
                    "seed {seed}: {}",
                    lines[i]
                );
            }
            let in_callbacks = program.js.matches("'].deref() === undefined)").count();
            assert_eq!(
                derefs.len() + in_callbacks,
                program.collected_derefs,
                "seed {seed}"
            );
            collected += derefs.len();
        }
        assert!(collected > 0);
    }
}
