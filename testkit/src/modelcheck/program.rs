//! Random programs over a few registries, and their rendering to JavaScript.
//!
//! A program is a list of steps; each step is a list of actions evaluated as one task, followed by a
//! turn of the job loop. Actions refer to targets and tokens through slots (`S[j]`) and to registries
//! through registry slots (`R[r]`), so that dropping a reference is `S[j] = undefined` and the only
//! references the script holds are the ones the model knows about. Registrations may carry actions
//! that their cleanup callback performs when it receives that cell's (unique) held value.
//!
//! The JavaScript side is a small interpreter over the actions as JSON data (see [`PRELUDE`]): each
//! action runs in its own function frame, so no engine register keeps a dropped target alive, and each
//! action logs one line (`kind|args|outcome`) that the model replays.

use std::fmt::Write as _;

use super::rng::Rng;

/// A value an action passes to the API, as the script computes it when the action runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// `S[j]`: whatever slot `j` holds then (`undefined` once dropped).
    Slot(usize),
    /// `R[r]`: whatever registry slot `r` holds then.
    Reg(usize),
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// The number `id`.
    Num(u32),
    /// The string `"h<id>"`.
    Str(u32),
    /// The bigint `<id>n`.
    Big(u32),
    /// A fresh object `{ oid: id }`, reachable only from where it is passed.
    Fresh(u32),
    /// A fresh symbol `Symbol("h<id>")`.
    FreshSym(u32),
    /// A registered symbol `Symbol.for("k<id>")` (cannot be held weakly).
    Registered(u32),
    /// A well-known symbol ([`WELL_KNOWN`]).
    WellKnown(u8),
}

/// Slots `W[w]` of the weak family.
pub const WEAK_SLOTS: usize = 3;

/// The well-known symbols programs use, by index.
pub const WELL_KNOWN: [&str; 4] = [
    "Symbol.iterator",
    "Symbol.asyncIterator",
    "Symbol.hasInstance",
    "Symbol.toPrimitive",
];

/// What kind of value a `New` action puts into a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `{}`.
    Object,
    /// A function.
    Function,
    /// `[]`.
    Array,
    /// `new Proxy({}, {})`.
    Proxy,
    /// An object of the other realm.
    Foreign,
    /// A new unregistered symbol (never reported dead by this implementation).
    Symbol,
    /// A well-known symbol (always alive).
    WellKnown(u8),
}

impl Kind {
    fn js(self) -> &'static str {
        match self {
            Kind::Object => "obj",
            Kind::Function => "fn",
            Kind::Array => "arr",
            Kind::Proxy => "proxy",
            Kind::Foreign => "foreign",
            Kind::Symbol => "sym",
            Kind::WellKnown(_) => "wk",
        }
    }
}

/// One action.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    missing_docs,
    reason = "each variant's doc shows its fields in the JS it renders"
)]
pub enum Act {
    /// `S[slot] = <new value of kind>` (objects get an `oid` property).
    New { slot: usize, oid: u32, kind: Kind },
    /// `S[slot] = undefined`.
    Drop { slot: usize },
    /// `R[r] = new FinalizationRegistry(cb)`, of the other realm if `other`.
    NewReg { r: usize, oid: u32, other: bool },
    /// `R[r] = undefined`.
    DropReg { r: usize },
    /// `R[r].register(target, held [, token])`; `token: None` passes two arguments. When the cell's
    /// callback receives `held`, it performs `on_delivery`.
    Register {
        r: usize,
        target: Val,
        held: Val,
        token: Option<Val>,
        on_delivery: Vec<Act>,
    },
    /// `R[r].unregister(token)`.
    Unregister { r: usize, token: Val },
    /// `gc()`: a full collection.
    Gc,
    /// `throw new Error("boom")` (last action of a callback or microtask).
    Throw,
    /// `Promise.resolve().then(() => <acts>)`.
    Micro { id: u32, acts: Vec<Act> },
    /// `boa_finalization::on_collected(S[slot], ..)` from Rust (through the harness's `__native`),
    /// keeping the `NativeRegistration` under `id`; the finalizer logs `ncb|id`.
    Native { slot: usize, id: u32 },
    /// `NativeRegistration::cancel` of the registration kept under `id` (through `__cancel`).
    Cancel { id: u32 },
    /// `W[w] = new WeakRef(target)` / `new WeakMap()` / `new WeakSet()` (the weak family).
    NewWeak {
        w: usize,
        kind: WeakKind,
        target: Val,
    },
    /// A weak-family method on `W[w]` (whatever it holds then) with `key` (and the number `value`
    /// for `set`): `deref`, the `WeakMap` and `WeakSet` methods.
    WeakCall {
        w: usize,
        method: WeakMethod,
        key: Val,
        value: u32,
    },
    /// A hostile change to the globals ([`HOSTILE`]): an intrinsic the crate might read is deleted,
    /// replaced by a fake that logs `fake|name` when called, or turned into a throwing getter.
    Hostile { what: u8 },
}

/// What a `NewWeak` action makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeakKind {
    /// `new WeakRef(target)`.
    Ref,
    /// `new WeakMap()`.
    Map,
    /// `new WeakSet()`.
    Set,
}

/// A weak-family method, as the script names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeakMethod {
    /// `WeakRef.prototype.deref`.
    Deref,
    /// `WeakMap.prototype.set`.
    MapSet,
    /// `WeakMap.prototype.get`.
    MapGet,
    /// `WeakMap.prototype.has`.
    MapHas,
    /// `WeakMap.prototype.delete`.
    MapDelete,
    /// `WeakSet.prototype.add`.
    SetAdd,
    /// `WeakSet.prototype.has`.
    SetHas,
    /// `WeakSet.prototype.delete`.
    SetDelete,
}

impl WeakMethod {
    const ALL: [Self; 8] = [
        Self::Deref,
        Self::MapSet,
        Self::MapGet,
        Self::MapHas,
        Self::MapDelete,
        Self::SetAdd,
        Self::SetHas,
        Self::SetDelete,
    ];

    /// The key of `__WEAK` in the prelude.
    #[must_use]
    pub fn js(self) -> &'static str {
        match self {
            Self::Deref => "deref",
            Self::MapSet => "mset",
            Self::MapGet => "mget",
            Self::MapHas => "mhas",
            Self::MapDelete => "mdelete",
            Self::SetAdd => "sadd",
            Self::SetHas => "shas",
            Self::SetDelete => "sdelete",
        }
    }
}

/// The hostile changes (by index into the prelude's `HOSTILE` functions): what each one does.
pub const HOSTILE: [&str; 22] = [
    "delete Symbol.keyFor",
    "Symbol.keyFor = fake",
    "Symbol.keyFor: throwing getter",
    "delete Symbol.for",
    "Symbol.for = fake",
    "Symbol.for: throwing getter",
    "delete globalThis.Symbol",
    "globalThis.Symbol = fake",
    "globalThis.Symbol: throwing getter",
    "delete globalThis.WeakMap",
    "globalThis.WeakMap = fake",
    "WeakMap.prototype.{get,set,has,delete} = fakes",
    "delete globalThis.WeakRef; WeakRef.prototype.deref = fake",
    "globalThis.WeakRef = fake",
    "delete globalThis.Reflect",
    "Reflect.{apply,construct,get,getPrototypeOf,ownKeys} = fakes",
    "FinalizationRegistry.prototype.{register,unregister} = fakes",
    "globalThis.FinalizationRegistry = fake",
    "delete globalThis.FinalizationRegistry",
    "Object.prototype.{keyFor,for,prototype,register,unregister,description,then,deref}: throwing accessors",
    "Function.prototype.{keyFor,for,register,unregister}: throwing accessors",
    "Symbol.prototype.{description,toString,valueOf,@@toPrimitive}: fakes and throwing getters",
];

/// How a step's turn of the job loop is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// `context.run_jobs()` with [`boa_finalization::CleanupExecutor`].
    RunJobs,
    /// `boa_finalization::run_cleanup_jobs(&mut context)` only (promise jobs stay queued).
    CleanupOnly,
}

/// A step: actions evaluated as one task, then a turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The actions.
    pub acts: Vec<Act>,
    /// The turn that follows.
    pub turn: Turn,
}

/// A whole program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The seed it was generated from (for reports).
    pub seed: u64,
    /// Number of target slots.
    pub slots: usize,
    /// Number of registry slots.
    pub registries: usize,
    /// Actions run before the extension is installed (hostile changes to globals, native
    /// finalizers): the embedder installs after script code ran.
    pub prologue: Vec<Act>,
    /// The steps.
    pub steps: Vec<Step>,
}

/// Sizes of generated programs.
#[derive(Clone, Copy, Debug)]
pub struct GenConfig {
    /// Steps per program (before the final drain steps).
    pub steps: usize,
    /// At most this many actions per step.
    pub acts_per_step: usize,
    /// Target slots.
    pub slots: usize,
    /// Registry slots.
    pub registries: usize,
    /// Hostile changes to globals (before the install and during the program).
    pub hostile: bool,
    /// Native finalizers and their cancellation.
    pub native: bool,
    /// The weak family (WeakRef, WeakMap, WeakSet with object and symbol keys), drawn from a random
    /// stream of its own so that the rest of a seed's program stays what it was.
    pub weak: bool,
}

impl Default for GenConfig {
    fn default() -> Self {
        Self {
            steps: 12,
            acts_per_step: 8,
            slots: 8,
            registries: 3,
            hostile: true,
            native: true,
            weak: true,
        }
    }
}

/// What the generator believes about the script's state (only to make likely-valid choices; the
/// model, not the generator, decides what must happen).
struct Gen<'a> {
    rng: Rng,
    cfg: &'a GenConfig,
    next_id: u32,
    filled: Vec<bool>,
    regs: Vec<bool>,
    /// Ids of the native registrations made so far.
    natives: Vec<u32>,
    /// The weak family's own random stream.
    weak_rng: Rng,
}

impl Gen<'_> {
    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn slot(&mut self) -> usize {
        self.rng.below(self.cfg.slots)
    }

    fn filled_slot(&mut self) -> usize {
        let filled: Vec<usize> = (0..self.cfg.slots).filter(|&j| self.filled[j]).collect();
        if filled.is_empty() {
            self.slot()
        } else {
            filled[self.rng.below(filled.len())]
        }
    }

    fn reg(&mut self) -> usize {
        let live: Vec<usize> = (0..self.cfg.registries).filter(|&r| self.regs[r]).collect();
        if live.is_empty() || self.rng.chance(3) {
            self.rng.below(self.cfg.registries)
        } else {
            live[self.rng.below(live.len())]
        }
    }

    fn kind(&mut self) -> Kind {
        match self.rng.weighted(&[50, 10, 8, 6, 6, 12, 3]) {
            0 => Kind::Object,
            1 => Kind::Function,
            2 => Kind::Array,
            3 => Kind::Proxy,
            4 => Kind::Foreign,
            5 => Kind::Symbol,
            _ => Kind::WellKnown(self.rng.below_u8(WELL_KNOWN.len())),
        }
    }

    fn bad_primitive(&mut self) -> Val {
        let id = self.id();
        match self.rng.below(7) {
            0 => Val::Undefined,
            1 => Val::Null,
            2 => Val::Bool(self.rng.chance(50)),
            3 => Val::Num(id),
            4 => Val::Str(id),
            5 => Val::Big(id),
            _ => Val::Registered(id),
        }
    }

    fn target(&mut self) -> Val {
        match self.rng.weighted(&[78, 6, 6, 3, 4, 3]) {
            0 => Val::Slot(self.filled_slot()),
            1 => Val::Fresh(self.id()),
            2 => Val::Reg(self.reg()),
            3 => Val::Slot(self.slot()),
            4 => self.bad_primitive(),
            _ => Val::WellKnown(self.rng.below_u8(WELL_KNOWN.len())),
        }
    }

    /// A held value; `unique` ones can carry callback actions.
    fn held(&mut self, target: &Val) -> Val {
        let id = self.id();
        match self
            .rng
            .weighted(&[40, 10, 14, 5, 3, 7, 2, 2, 7, 2, 2, 2, 2])
        {
            0 => Val::Num(id),
            1 => Val::Str(id),
            2 => Val::Fresh(id),
            3 => Val::FreshSym(id),
            4 => Val::Big(id),
            5 => Val::Undefined,
            6 => Val::Bool(self.rng.chance(50)),
            7 => Val::Null,
            8 => Val::Slot(self.filled_slot()),
            9 => Val::Reg(self.reg()),
            10 => Val::Registered(id),
            11 => Val::WellKnown(self.rng.below_u8(WELL_KNOWN.len())),
            _ => target.clone(),
        }
    }

    fn token(&mut self, target: &Val) -> Option<Val> {
        match self.rng.weighted(&[38, 5, 18, 25, 3, 3, 3, 3, 2]) {
            0 => None,
            1 => Some(Val::Undefined),
            2 => Some(target.clone()),
            3 => Some(Val::Slot(self.filled_slot())),
            4 => Some(Val::Reg(self.reg())),
            5 => Some(Val::WellKnown(self.rng.below_u8(WELL_KNOWN.len()))),
            6 => Some(self.bad_primitive()),
            7 => Some(Val::FreshSym(self.id())),
            _ => Some(Val::Slot(self.slot())),
        }
    }

    fn unregister_token(&mut self) -> Val {
        match self.rng.weighted(&[70, 6, 6, 6, 6, 6]) {
            0 => Val::Slot(self.filled_slot()),
            1 => Val::Reg(self.reg()),
            2 => Val::WellKnown(self.rng.below_u8(WELL_KNOWN.len())),
            3 => Val::Fresh(self.id()),
            4 => self.bad_primitive(),
            _ => Val::Slot(self.slot()),
        }
    }

    /// A registration, with callback actions when the held value is unique.
    fn register(&mut self, r: usize, depth: usize) -> Act {
        let target = self.target();
        let held = self.held(&target);
        let token = self.token(&target);
        let unique = matches!(
            held,
            Val::Num(_) | Val::Str(_) | Val::Fresh(_) | Val::FreshSym(_) | Val::Big(_)
        );
        let on_delivery = if unique && depth < 2 && self.rng.chance(22) {
            self.callback_acts(r, token.as_ref(), depth + 1)
        } else {
            Vec::new()
        };
        Act::Register {
            r,
            target,
            held,
            token,
            on_delivery,
        }
    }

    /// A burst of 8 to 40 registrations of one target, with that target, another object or no token,
    /// then `unregister` of the target: an object with many cells, whose `unregister` must visit
    /// only the cells it is the token of (issue 17).
    fn many_cells_on_one_target(&mut self) -> Vec<Act> {
        let r = self.reg();
        let slot = self.filled_slot();
        let token = match self.rng.below(3) {
            0 => None,
            1 => Some(Val::Slot(slot)),
            _ => Some(Val::Slot(self.filled_slot())),
        };
        let count = 8 + self.rng.below(33);
        let mut acts: Vec<Act> = (0..count)
            .map(|_| Act::Register {
                r,
                target: Val::Slot(slot),
                held: Val::Num(self.id()),
                token: token.clone(),
                on_delivery: Vec::new(),
            })
            .collect();
        acts.push(Act::Unregister {
            r,
            token: Val::Slot(slot),
        });
        acts
    }

    /// What a cleanup callback does: re-entrant register/unregister/gc, drops, throws.
    fn callback_acts(&mut self, own: usize, own_token: Option<&Val>, depth: usize) -> Vec<Act> {
        let mut acts = Vec::new();
        for _ in 0..=self.rng.below(3) {
            let native = if self.cfg.native { [4, 3] } else { [0, 0] };
            let act = match self.rng.weighted(&[
                25,
                20,
                18,
                12,
                10,
                6,
                5,
                4,
                native[0],
                native[1],
                u32::from(self.cfg.hostile),
            ]) {
                0 => {
                    let r = if self.rng.chance(60) { own } else { self.reg() };
                    self.register(r, depth)
                }
                1 => Act::Gc,
                2 => {
                    let token = match own_token {
                        Some(token) if self.rng.chance(60) => token.clone(),
                        _ => self.unregister_token(),
                    };
                    let r = if self.rng.chance(70) { own } else { self.reg() };
                    Act::Unregister { r, token }
                }
                3 => {
                    let slot = self.filled_slot();
                    self.filled[slot] = false;
                    Act::Drop { slot }
                }
                4 => self.new_object(),
                5 => Act::DropReg { r: own },
                8 => self.native(),
                9 => self.cancel(),
                10 => self.hostile(),
                6 => {
                    let r = self.rng.below(self.cfg.registries);
                    Act::NewReg {
                        r,
                        oid: self.id(),
                        other: self.rng.chance(25),
                    }
                }
                _ => Act::Unregister {
                    r: own,
                    token: self.unregister_token(),
                },
            };
            acts.push(act);
        }
        if self.rng.chance(25) {
            acts.push(Act::Throw);
        }
        acts
    }

    /// A new target of a random kind in a random slot.
    fn new_object(&mut self) -> Act {
        let slot = self.slot();
        self.filled[slot] = true;
        let kind = self.kind();
        Act::New {
            slot,
            oid: self.kind_oid(kind),
            kind,
        }
    }

    fn kind_oid(&mut self, kind: Kind) -> u32 {
        match kind {
            Kind::WellKnown(i) => u32::from(i),
            _ => self.id(),
        }
    }

    fn native(&mut self) -> Act {
        let id = self.id();
        self.natives.push(id);
        Act::Native {
            slot: self.filled_slot(),
            id,
        }
    }

    fn cancel(&mut self) -> Act {
        let id = if self.natives.is_empty() || self.rng.chance(5) {
            self.id()
        } else {
            self.natives[self.rng.below(self.natives.len())]
        };
        Act::Cancel { id }
    }

    /// A weak-family action, from the weak stream only: a new WeakRef (of a slot's value, often an
    /// object or a symbol), WeakMap or WeakSet, or a method call on one with a slot's value as key.
    fn weak_act(&mut self) -> Act {
        let rng = &mut self.weak_rng;
        let w = rng.below(WEAK_SLOTS);
        let key = match rng.weighted(&[80, 8, 6, 6]) {
            0 => Val::Slot(rng.below(self.cfg.slots)),
            1 => Val::FreshSym(rng.below(1000) as u32 + 100_000),
            2 => Val::Registered(rng.below(3) as u32),
            _ => Val::Num(rng.below(5) as u32),
        };
        if rng.chance(25) {
            let kind = [WeakKind::Ref, WeakKind::Map, WeakKind::Set][rng.below(3)];
            return Act::NewWeak {
                w,
                kind,
                target: key,
            };
        }
        Act::WeakCall {
            w,
            method: WeakMethod::ALL[rng.below(WeakMethod::ALL.len())],
            key,
            value: rng.below(1000) as u32,
        }
    }

    fn hostile(&mut self) -> Act {
        Act::Hostile {
            what: self.rng.below_u8(HOSTILE.len()),
        }
    }

    /// What runs before the install: hostile changes, and native finalizers registered before
    /// `install` (on objects that may die at once).
    fn prologue(&mut self) -> Vec<Act> {
        let mut acts = Vec::new();
        if self.cfg.hostile && self.rng.chance(35) {
            for _ in 0..=self.rng.below(3) {
                acts.push(self.hostile());
            }
        }
        if self.cfg.native && self.rng.chance(20) {
            let slot = self.slot();
            acts.push(Act::New {
                slot,
                oid: self.id(),
                kind: Kind::Object,
            });
            let id = self.id();
            self.natives.push(id);
            acts.push(Act::Native { slot, id });
            if self.rng.chance(50) {
                acts.push(Act::Drop { slot });
                acts.push(Act::Gc);
            } else {
                self.filled[slot] = true;
            }
        }
        acts
    }

    fn top_act(&mut self) -> Act {
        let native = if self.cfg.native { [5, 3] } else { [0, 0] };
        let hostile = u32::from(self.cfg.hostile);
        match self
            .rng
            .weighted(&[16, 12, 3, 2, 38, 13, 9, 4, native[0], native[1], hostile])
        {
            0 => self.new_object(),
            1 => {
                let slot = self.filled_slot();
                self.filled[slot] = false;
                Act::Drop { slot }
            }
            2 => {
                let r = self.rng.below(self.cfg.registries);
                self.regs[r] = true;
                Act::NewReg {
                    r,
                    oid: self.id(),
                    other: self.rng.chance(25),
                }
            }
            3 => {
                let r = self.reg();
                self.regs[r] = false;
                Act::DropReg { r }
            }
            4 => {
                let r = self.reg();
                self.register(r, 0)
            }
            5 => Act::Unregister {
                r: self.reg(),
                token: self.unregister_token(),
            },
            6 => Act::Gc,
            8 => self.native(),
            9 => self.cancel(),
            10 => self.hostile(),
            _ => {
                let id = self.id();
                let own = self.reg();
                let mut acts = self.callback_acts(own, None, 1);
                if self.rng.chance(30) {
                    acts.insert(0, Act::Gc);
                }
                Act::Micro { id, acts }
            }
        }
    }
}

/// Generates the program of `seed`.
#[must_use]
pub fn generate(seed: u64, cfg: &GenConfig) -> Program {
    let mut generator = Gen {
        rng: Rng::new(seed),
        cfg,
        next_id: 100,
        filled: vec![false; cfg.slots],
        regs: vec![false; cfg.registries],
        natives: Vec::new(),
        weak_rng: Rng::new(seed ^ 0x5745_414b),
    };
    let prologue = generator.prologue();
    let mut steps = Vec::new();
    // Every registry slot starts with a registry, and a few targets exist.
    let mut first = Vec::new();
    for r in 0..cfg.registries {
        generator.regs[r] = true;
        first.push(Act::NewReg {
            r,
            oid: generator.id(),
            other: r == 2,
        });
    }
    for slot in 0..cfg.slots / 2 {
        generator.filled[slot] = true;
        first.push(Act::New {
            slot,
            oid: generator.id(),
            kind: Kind::Object,
        });
    }
    steps.push(Step {
        acts: first,
        turn: Turn::RunJobs,
    });
    for _ in 0..cfg.steps {
        let n = 1 + generator.rng.below(cfg.acts_per_step);
        let mut acts = Vec::new();
        for _ in 0..n {
            acts.push(generator.top_act());
            if cfg.weak && generator.weak_rng.chance(30) {
                acts.push(generator.weak_act());
            }
        }
        if generator.rng.chance(6) {
            acts.extend(generator.many_cells_on_one_target());
        }
        let turn = if generator.rng.chance(15) {
            Turn::CleanupOnly
        } else {
            Turn::RunJobs
        };
        steps.push(Step { acts, turn });
    }
    // Drain: drop every target and collect; whatever the registries still hold for dead targets
    // must then be delivered.
    let mut drain: Vec<Act> = (0..cfg.slots).map(|slot| Act::Drop { slot }).collect();
    drain.push(Act::Gc);
    steps.push(Step {
        acts: drain,
        turn: Turn::RunJobs,
    });
    steps.push(Step {
        acts: vec![Act::Gc],
        turn: Turn::RunJobs,
    });
    Program {
        seed,
        slots: cfg.slots,
        registries: cfg.registries,
        prologue,
        steps,
    }
}

/// The number of actions of a program, callback and microtask actions included.
#[must_use]
pub fn size(program: &Program) -> usize {
    fn count(acts: &[Act]) -> usize {
        acts.iter()
            .map(|act| match act {
                Act::Register { on_delivery, .. } => 1 + count(on_delivery),
                Act::Micro { acts, .. } => 1 + count(acts),
                _ => 1,
            })
            .sum()
    }
    count(&program.prologue)
        + program
            .steps
            .iter()
            .map(|step| 1 + count(&step.acts))
            .sum::<usize>()
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn val_js(val: &Val) -> String {
    match val {
        Val::Slot(j) => format!("[\"S\",{j}]"),
        Val::Reg(r) => format!("[\"R\",{r}]"),
        Val::Undefined => "[\"u\"]".into(),
        Val::Null => "[\"N\"]".into(),
        Val::Bool(b) => format!("[\"B\",{}]", u8::from(*b)),
        Val::Num(id) => format!("[\"n\",{id}]"),
        Val::Str(id) => format!("[\"s\",{id}]"),
        Val::Big(id) => format!("[\"b\",{id}]"),
        Val::Fresh(id) => format!("[\"o\",{id}]"),
        Val::FreshSym(id) => format!("[\"y\",{id}]"),
        Val::Registered(id) => format!("[\"k\",{id}]"),
        Val::WellKnown(i) => format!("[\"w\",{i}]"),
    }
}

fn act_js(act: &Act) -> String {
    match act {
        Act::New { slot, oid, kind } => format!("[\"new\",{slot},{oid},\"{}\"]", kind.js()),
        Act::Drop { slot } => format!("[\"drop\",{slot}]"),
        Act::NewReg { r, oid, other } => format!("[\"newreg\",{r},{oid},{}]", u8::from(*other)),
        Act::DropReg { r } => format!("[\"dropreg\",{r}]"),
        Act::Register {
            r,
            target,
            held,
            token,
            ..
        } => format!(
            "[\"reg\",{r},{},{},{}]",
            val_js(target),
            val_js(held),
            token.as_ref().map_or("null".into(), val_js)
        ),
        Act::Unregister { r, token } => format!("[\"unreg\",{r},{}]", val_js(token)),
        Act::Gc => "[\"gc\"]".into(),
        Act::Throw => "[\"throw\"]".into(),
        Act::Micro { id, acts } => format!("[\"micro\",{id},{}]", acts_js(acts)),
        Act::Native { slot, id } => format!("[\"native\",{slot},{id}]"),
        Act::Cancel { id } => format!("[\"cancel\",{id}]"),
        Act::Hostile { what } => format!("[\"hostile\",{what}]"),
        Act::NewWeak { w, kind, target } => {
            format!("[\"newweak\",{w},\"{kind:?}\",{}]", val_js(target))
        }
        Act::WeakCall {
            w,
            method,
            key,
            value,
        } => format!("[\"weak\",{w},\"{}\",{},{value}]", method.js(), val_js(key)),
    }
}

fn acts_js(acts: &[Act]) -> String {
    let items: Vec<String> = acts.iter().map(act_js).collect();
    format!("[{}]", items.join(","))
}

/// The description the script logs for the held value `val` when it is unique (callback actions
/// are keyed by it).
#[must_use]
pub fn unique_desc(val: &Val) -> Option<String> {
    match val {
        Val::Num(id) => Some(format!("n{id}")),
        Val::Str(id) => Some(format!("sh{id}")),
        Val::Big(id) => Some(format!("b{id}")),
        Val::Fresh(id) => Some(format!("o{id}")),
        Val::FreshSym(id) => Some(format!("yh{id}")),
        _ => None,
    }
}

fn collect_callbacks(acts: &[Act], out: &mut String) {
    for act in acts {
        match act {
            Act::Register {
                held, on_delivery, ..
            } => {
                if let (Some(desc), false) = (unique_desc(held), on_delivery.is_empty()) {
                    let _ = writeln!(out, "ACTS[\"{desc}\"] = {};", acts_js(on_delivery));
                }
                collect_callbacks(on_delivery, out);
            }
            Act::Micro { acts, .. } => collect_callbacks(acts, out),
            _ => {}
        }
    }
}

/// The interpreter every program runs on. It captures, when it loads (before any hostile change
/// and before the install), every intrinsic it uses that a hostile change may touch (`$Symbol`...),
/// and calls `register`/`unregister` through the methods captured at install (`__installed`), so
/// that only the crate can run into the fakes.
pub const PRELUDE: &str = include_str!("prelude.js");

/// The hostile changes to globals, shared with the fuzzer: `HOSTILE[i]()` makes change `i` of
/// [`HOSTILE`]. It captures, as it loads, the intrinsics that scripts use afterwards (`$Symbol`,
/// `$SymbolFor`, `$WeakMap`, `$WeakSet`, `$desc`, `$dp`...), and needs a function `__fake(name)` that records a call.
pub const HOSTILE_JS: &str = include_str!("hostile.js");

/// The program as a script defining `STEPS` and `ACTS` on top of [`PRELUDE`].
#[must_use]
pub fn render(program: &Program) -> String {
    let mut out = String::from(PRELUDE);
    out.push_str(HOSTILE_JS);
    out.push_str("var STEPS = [\n");
    for step in &program.steps {
        let _ = writeln!(out, "  {},", acts_js(&step.acts));
    }
    out.push_str("];\n");
    let _ = writeln!(out, "var PROLOGUE = {};", acts_js(&program.prologue));
    collect_callbacks(&program.prologue, &mut out);
    for step in &program.steps {
        collect_callbacks(&step.acts, &mut out);
    }
    out
}
