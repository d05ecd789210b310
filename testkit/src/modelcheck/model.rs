//! The reference model: the spec's registries and cells, with reachability computed exactly from
//! what the script holds, replaying the script's event log and judging every event.
//!
//! The log fixes what the implementation is free to choose (which dead cells' callbacks run, when,
//! in what order); the model checks each choice is allowed and that nothing required is missing:
//!
//! - a callback must be for a cell still in `[[Cells]]`, of a registry that was never found
//!   unreachable by a collection, whose target is unreachable (never a live target, an unregistered
//!   cell, or one cell twice), with that cell's held value;
//! - after a `gc()` and the end of the turn that follows, every cell of a reachable registry whose
//!   target was unreachable at that collection must have been delivered;
//! - `register`/`unregister` outcomes (undefined, booleans, TypeErrors naming the method) must be the
//!   spec's, computed from the model's state;
//! - callbacks run only inside turns, never while other code runs; errors they throw reach the host
//!   reporter, with the registry's realm.
//!
//! Reachability: roots are the slots `S[j]`, the registry slots `R[r]` and, while a callback runs,
//! its registry and its held value. A reachable registry keeps the held values of its cells alive;
//! targets and tokens are held weakly. Symbols never die (Boa cannot observe it).
//!
//! The weak family (`W[w]`): WeakRef targets, WeakMap keys and WeakSet values are held weakly (map
//! values are numbers). `new WeakRef(t)` and a `deref()` that returns `t` add `t` to the kept
//! objects (AddToKeptObjects), which keep it alive until ClearKeptObjects: surely for the rest of the
//! job that kept it, perhaps until the end of the turn. A `deref()` must return a target that is
//! reachable or surely kept, must return `undefined` once a collection found the target unreachable
//! and not perhaps kept (or once it returned `undefined`), and may return either in between. A
//! collection does not require the callbacks of cells whose target is perhaps kept.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fmt;

use super::program::{Act, Kind, Program, Turn, Val, WEAK_SLOTS, WELL_KNOWN, WeakKind, WeakMethod};

/// The identity of a value, as the model tracks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Id {
    /// An object made by `New` or a registry (by oid).
    Obj(u32),
    /// A symbol made by `New` (by oid).
    Sym(u32),
    /// A well-known symbol.
    Wk(u8),
    /// A fresh object made for one argument.
    Fresh(u32),
    /// A fresh symbol made for one argument.
    FreshSym(u32),
    /// `Symbol.for("k<id>")`.
    Registered(u32),
    /// A number.
    Num(u32),
    /// A string.
    Str(u32),
    /// A bigint.
    Big(u32),
    /// `undefined`.
    Undef,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
}

impl Id {
    /// What the script's `d()` logs for this value.
    #[must_use]
    pub fn desc(self) -> String {
        match self {
            Id::Obj(o) | Id::Fresh(o) => format!("o{o}"),
            Id::Sym(o) => format!("ye{o}"),
            Id::Wk(i) => format!("y{}", WELL_KNOWN[i as usize]),
            Id::FreshSym(i) => format!("yh{i}"),
            Id::Registered(i) => format!("yk{i}"),
            Id::Num(i) => format!("n{i}"),
            Id::Str(i) => format!("sh{i}"),
            Id::Big(i) => format!("b{i}"),
            Id::Undef => "u".into(),
            Id::Null => "N".into(),
            Id::Bool(b) => format!("B{b}"),
        }
    }

    /// CanBeHeldWeakly.
    fn can_be_held_weakly(self) -> bool {
        matches!(
            self,
            Id::Obj(_) | Id::Sym(_) | Id::Wk(_) | Id::Fresh(_) | Id::FreshSym(_)
        )
    }

    /// SameValue, knowing that fresh values are distinct from everything.
    fn same_value(self, other: Id) -> bool {
        !matches!(self, Id::Fresh(_) | Id::FreshSym(_)) && self == other
    }
}

/// What went wrong, by kind (shrinking keeps the kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailKind {
    /// A callback the model forbids (live target, unregistered cell, delivered twice, wrong held
    /// value, collected registry).
    UnexpectedCallback,
    /// A callback that must have run by the end of a turn did not.
    MissedCallback,
    /// A callback ran while other code was running, or outside a turn.
    CallbackOutOfTurn,
    /// `register`/`unregister`/constructor outcome differs from the spec.
    WrongOutcome,
    /// The error reporter was not called as expected (count, realm, error).
    Reporter,
    /// `stats()` disagrees with the model.
    Stats,
    /// A Rust panic (in the library or the engine).
    Panic,
    /// A script error that is not part of the program's semantics, or a log the model cannot follow.
    Harness,
    /// A promise job did not run, ran twice or out of order.
    Microtask,
    /// The crate was disturbed by the script's changes to globals: it called a fake the script put
    /// in place of an intrinsic, or could not be installed after them.
    Hostile,
    /// A native finalizer ran when it must not (object alive, cancelled, twice), or
    /// `on_collected`/`cancel` gave the wrong result.
    Native,
}

/// A failed check.
#[derive(Clone, Debug)]
pub struct Failure {
    /// Kind, kept while shrinking.
    pub kind: FailKind,
    /// What happened.
    pub message: String,
    /// The step during (or after) which it was detected.
    pub step: usize,
    /// A JavaScript expression that is true when the failure reproduces, for the replay script.
    pub replay_check: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            usize::MAX => write!(f, "{:?} (step unknown): {}", self.kind, self.message),
            step => write!(f, "{:?} in step {step}: {}", self.kind, self.message),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CellState {
    /// In `[[Cells]]`.
    Live,
    /// In `[[Cells]]`, target found unreachable by a collection while the registry was reachable.
    Collected,
    /// Callback made.
    Delivered,
    /// Removed by `unregister`.
    Unregistered,
}

#[derive(Clone, Debug)]
struct Cell {
    reg: u32,
    target: Id,
    held: Id,
    token: Option<Id>,
    acts: Vec<Act>,
    state: CellState,
}

impl Cell {
    fn in_list(&self) -> bool {
        matches!(self.state, CellState::Live | CellState::Collected)
    }
}

#[derive(Clone, Debug)]
struct Registry {
    other_realm: bool,
    /// Found unreachable by a collection: collected, never calls back again.
    dead: bool,
    cells: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NativeState {
    /// Waiting for its object to die.
    Live,
    /// Its object was found unreachable by a collection: must run by the end of the turn.
    Collected,
    /// Ran.
    Run,
    /// Cancelled before it ran.
    Cancelled,
}

#[derive(Clone, Copy, Debug)]
struct Native {
    target: Id,
    state: NativeState,
    /// The harness still holds its `NativeRegistration` (`cancel` consumes it).
    handle: bool,
}

/// What a weak-family slot `W[w]` holds.
#[derive(Clone, Debug)]
enum WeakObj {
    /// A WeakRef and its target.
    Ref(Id),
    /// A WeakMap's entries (key, number value).
    Map(Vec<(Id, u32)>),
    /// A WeakSet's values.
    Set(Vec<Id>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Exec {
    Idle,
    Step(usize),
    Callback { reg: u32, held: Id },
    Micro(u32),
}

/// Counters of what was checked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// Log events replayed (actions performed, callbacks, promise jobs).
    pub events: u64,
    /// Callbacks checked against the model.
    pub callbacks: u64,
    /// Cells whose delivery was required at the end of a turn (each counted once).
    pub required: u64,
    /// register/unregister outcomes checked.
    pub outcomes: u64,
    /// TypeErrors expected and seen.
    pub type_errors: u64,
    /// Errors reported to the host as expected.
    pub reports: u64,
    /// Native finalizer registrations, cancels and runs checked.
    pub natives: u64,
    /// Hostile changes to globals made before the checks that followed them.
    pub hostile: u64,
    /// Weak-family operations (WeakRef, WeakMap, WeakSet) checked.
    pub weak: u64,
}

/// The model of one program run.
pub struct Model<'p> {
    program: &'p Program,
    slots: Vec<Option<Id>>,
    rslots: Vec<Option<u32>>,
    regs: BTreeMap<u32, Registry>,
    cells: Vec<Cell>,
    pending: VecDeque<Act>,
    exec: Exec,
    in_turn: bool,
    step: usize,
    micro: VecDeque<(u32, Vec<Act>)>,
    /// Realms (true: the other realm) of the errors the host must have been told about this turn.
    expected_reports: Vec<bool>,
    /// Outcomes seen so far, in script order (index into the script's `__outs`).
    outcomes_seen: usize,
    /// Native finalizers by id.
    natives: BTreeMap<u32, Native>,
    /// The weak-family slots `W[w]`.
    weak: Vec<Option<WeakObj>>,
    /// Kept objects (AddToKeptObjects) of the job running now: surely alive.
    kept_sure: HashSet<Id>,
    /// Objects kept since the last turn ended: perhaps alive.
    kept_maybe: HashSet<Id>,
    /// WeakRef targets known to be collected.
    gone: HashSet<Id>,
    /// Native finalizers run so far.
    pub native_run: u64,
    /// Totals for checking `stats()`.
    pub delivered_total: u64,
    /// Callback errors so far.
    pub callback_errors: u64,
    /// Promise-job errors so far.
    pub job_errors: u64,
    /// What was checked.
    pub counts: Counts,
}

type Check = Result<(), Failure>;

impl<'p> Model<'p> {
    /// The model of `program` before it runs.
    #[must_use]
    pub fn new(program: &'p Program) -> Self {
        Self {
            program,
            slots: vec![None; program.slots],
            rslots: vec![None; program.registries],
            regs: BTreeMap::new(),
            cells: Vec::new(),
            pending: VecDeque::new(),
            exec: Exec::Idle,
            in_turn: false,
            step: 0,
            micro: VecDeque::new(),
            expected_reports: Vec::new(),
            outcomes_seen: 0,
            natives: BTreeMap::new(),
            weak: vec![None; WEAK_SLOTS],
            kept_sure: HashSet::new(),
            kept_maybe: HashSet::new(),
            gone: HashSet::new(),
            native_run: 0,
            delivered_total: 0,
            callback_errors: 0,
            job_errors: 0,
            counts: Counts::default(),
        }
    }

    fn fail(&self, kind: FailKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            step: self.step,
            replay_check: None,
        }
    }

    fn resolve(&self, val: &Val) -> Id {
        match val {
            Val::Slot(j) => self.slots.get(*j).copied().flatten().unwrap_or(Id::Undef),
            Val::Reg(r) => self
                .rslots
                .get(*r)
                .copied()
                .flatten()
                .map_or(Id::Undef, Id::Obj),
            Val::Undefined => Id::Undef,
            Val::Null => Id::Null,
            Val::Bool(b) => Id::Bool(*b),
            Val::Num(i) => Id::Num(*i),
            Val::Str(i) => Id::Str(*i),
            Val::Big(i) => Id::Big(*i),
            Val::Fresh(i) => Id::Fresh(*i),
            Val::FreshSym(i) => Id::FreshSym(*i),
            Val::Registered(i) => Id::Registered(*i),
            Val::WellKnown(i) => Id::Wk(*i),
        }
    }

    /// The objects (entity objects and registries, by oid) the script can still reach.
    fn reachable(&self) -> HashSet<u32> {
        let mut seen = HashSet::new();
        let mut work: Vec<u32> = Vec::new();
        for id in self.slots.iter().flatten() {
            if let Id::Obj(o) = id {
                work.push(*o);
            }
        }
        work.extend(self.rslots.iter().flatten());
        if let Exec::Callback { reg, held } = &self.exec {
            work.push(*reg);
            if let Id::Obj(o) = held {
                work.push(*o);
            }
        }
        while let Some(o) = work.pop() {
            if !seen.insert(o) {
                continue;
            }
            if let Some(reg) = self.regs.get(&o) {
                for &c in &reg.cells {
                    let cell = &self.cells[c];
                    if let (true, Id::Obj(h)) = (cell.in_list(), cell.held) {
                        work.push(h);
                    }
                }
            }
        }
        seen
    }

    fn target_dead(target: Id, reach: &HashSet<u32>) -> bool {
        match target {
            Id::Obj(o) => !reach.contains(&o),
            Id::Fresh(_) => true,
            _ => false,
        }
    }

    /// Starts step `k` (its `step|k` event must come first).
    pub fn begin_step(&mut self, k: usize) {
        self.step = k;
    }

    /// Starts the prologue (the actions run before the install); [`Model::end_step`] ends it.
    pub fn begin_prologue(&mut self) {
        self.exec = Exec::Step(usize::MAX);
        self.pending = self.program.prologue.clone().into();
    }

    /// Native finalizers registered and not yet run or cancelled.
    #[must_use]
    pub fn native_pending(&self) -> usize {
        self.natives
            .values()
            .filter(|n| matches!(n.state, NativeState::Live | NativeState::Collected))
            .count()
    }

    /// Starts a turn.
    pub fn begin_turn(&mut self) {
        self.in_turn = true;
    }

    /// Replays one log line.
    pub fn event(&mut self, line: &str) -> Check {
        self.counts.events += 1;
        let fields: Vec<&str> = line.split('|').collect();
        match fields[0] {
            "step" => {
                let k: usize = fields
                    .get(1)
                    .and_then(|k| k.parse().ok())
                    .unwrap_or(usize::MAX);
                if self.in_turn || self.exec != Exec::Idle || k != self.step {
                    return Err(self.fail(FailKind::Harness, format!("unexpected `{line}`")));
                }
                self.exec = Exec::Step(k);
                self.kept_sure.clear();
                self.pending = self.program.steps[k].acts.clone().into();
                Ok(())
            }
            "cb" => self.callback(&fields, line),
            "ncb" => self.native_callback(&fields, line),
            "fake" => {
                let during = match (&self.exec, self.pending.front()) {
                    (Exec::Idle, _) if self.in_turn => "during a turn of the job loop".to_string(),
                    (_, Some(running)) => format!("during the action {running:?}"),
                    (exec, None) => format!("at the end of {exec:?}"),
                };
                let mut failure = self.fail(
                    FailKind::Hostile,
                    format!(
                        "`{}` was called {during}: the crate used an intrinsic the script had \
                         replaced (the script itself never calls it)",
                        fields.get(1).copied().unwrap_or("?")
                    ),
                );
                failure.replay_check = Some(format!(
                    "__log.indexOf({line:?}) >= 0 /* the crate called the script's fake */"
                ));
                Err(failure)
            }
            "microrun" => {
                if !self.in_turn || !self.pending.is_empty() {
                    return Err(self.fail(
                        FailKind::Microtask,
                        format!("promise job ran while other code was running: `{line}`"),
                    ));
                }
                let id: u32 = fields.get(1).and_then(|k| k.parse().ok()).unwrap_or(0);
                match self.micro.pop_front() {
                    Some((front, acts)) if front == id => {
                        self.exec = Exec::Micro(id);
                        self.kept_sure.clear();
                        self.pending = acts.into();
                        Ok(())
                    }
                    other => Err(self.fail(
                        FailKind::Microtask,
                        format!(
                            "promise job {id} ran, expected {:?}",
                            other.map(|(id, _)| id)
                        ),
                    )),
                }
            }
            _ => self.action(&fields, line),
        }
    }

    fn callback(&mut self, fields: &[&str], line: &str) -> Check {
        let (Some(roid), Some(desc)) = (
            fields.get(1).and_then(|r| r.parse::<u32>().ok()),
            fields.get(2),
        ) else {
            return Err(self.fail(FailKind::Harness, format!("bad log line `{line}`")));
        };
        self.counts.callbacks += 1;
        if !self.in_turn || !self.pending.is_empty() {
            return Err(self.fail(
                FailKind::CallbackOutOfTurn,
                format!(
                    "cleanup callback of registry o{roid} for {desc} ran {} (still to run: {:?})",
                    if self.in_turn {
                        "while other code was running"
                    } else {
                        "outside the job loop"
                    },
                    self.pending.front()
                ),
            ));
        }
        // The job that ran before (a callback, perhaps of another registry) has returned: its
        // registry and held value are no roots any more, so a collection since then (at a
        // checkpoint between cleanup jobs) may have taken them. This callback's registry is alive:
        // its cleanup job is running.
        self.exec = Exec::Callback {
            reg: roid,
            held: Id::Undef,
        };
        let reach = self.reachable();
        let Some(reg) = self.regs.get(&roid) else {
            return Err(self.fail(
                FailKind::UnexpectedCallback,
                format!("callback from unknown registry o{roid}"),
            ));
        };
        if reg.dead {
            return Err(self.unexpected(
                roid,
                desc,
                format!(
                    "callback for {desc} from registry o{roid}, which a collection already found \
                     unreachable (the registry or its cleanup state was kept alive)"
                ),
            ));
        }
        let candidates: Vec<usize> = reg
            .cells
            .iter()
            .copied()
            .filter(|&c| {
                let cell = &self.cells[c];
                cell.in_list()
                    && cell.held.desc() == *desc
                    && Self::target_dead(cell.target, &reach)
            })
            .collect();
        let chosen = candidates
            .iter()
            .copied()
            .find(|&c| self.cells[c].state == CellState::Collected)
            .or_else(|| candidates.first().copied());
        let Some(c) = chosen else {
            let why = self.why_not(roid, desc, &reach);
            return Err(self.unexpected(roid, desc, why));
        };
        self.cells[c].state = CellState::Delivered;
        self.delivered_total += 1;
        let held = self.cells[c].held;
        self.pending = self.cells[c].acts.clone().into();
        self.exec = Exec::Callback { reg: roid, held };
        self.kept_sure.clear();
        Ok(())
    }

    fn native_callback(&mut self, fields: &[&str], line: &str) -> Check {
        let Some(id) = fields.get(1).and_then(|r| r.parse::<u32>().ok()) else {
            return Err(self.fail(FailKind::Harness, format!("bad log line `{line}`")));
        };
        self.counts.natives += 1;
        if !self.in_turn || !self.pending.is_empty() {
            return Err(self.fail(
                FailKind::CallbackOutOfTurn,
                format!("native finalizer {id} ran outside a turn or while other code was running"),
            ));
        }
        // The job that ran before has returned: nothing of it is a root any more.
        self.exec = Exec::Idle;
        let reach = self.reachable();
        let Some(native) = self.natives.get(&id).copied() else {
            return Err(self.fail(
                FailKind::Native,
                format!("native finalizer {id} ran, but was never registered"),
            ));
        };
        let why = match native.state {
            NativeState::Run => Some("a second time"),
            NativeState::Cancelled => Some("after it was cancelled"),
            _ if !Self::target_dead(native.target, &reach) => Some("while its object is reachable"),
            _ => None,
        };
        if let Some(why) = why {
            return Err(self.fail(
                FailKind::Native,
                format!(
                    "native finalizer {id} (object {}) ran {why}",
                    native.target.desc()
                ),
            ));
        }
        if let Some(native) = self.natives.get_mut(&id) {
            native.state = NativeState::Run;
        }
        self.native_run += 1;
        self.exec = Exec::Idle;
        self.kept_sure.clear();
        Ok(())
    }

    fn unexpected(&self, roid: u32, desc: &str, message: String) -> Failure {
        let mut failure = self.fail(FailKind::UnexpectedCallback, message);
        let allowed = self.regs.get(&roid).map_or(0, |reg| {
            reg.cells
                .iter()
                .filter(|&&c| {
                    self.cells[c].state == CellState::Delivered && self.cells[c].held.desc() == desc
                })
                .count()
        });
        failure.replay_check = Some(format!(
            "(__seen[\"{roid}|{desc}\"] | 0) > {allowed} /* callback for {desc} from registry o{roid} beyond the {allowed} allowed */"
        ));
        failure
    }

    fn why_not(&self, roid: u32, desc: &str, reach: &HashSet<u32>) -> String {
        let reg = &self.regs[&roid];
        let matching: Vec<&Cell> = reg
            .cells
            .iter()
            .map(|&c| &self.cells[c])
            .filter(|cell| cell.held.desc() == desc)
            .collect();
        if matching.is_empty() {
            return format!(
                "callback from registry o{roid} with held value {desc}, which no cell of it holds"
            );
        }
        let states: Vec<String> = matching
            .iter()
            .map(|cell| {
                let target = cell.target.desc();
                match cell.state {
                    CellState::Delivered => format!("target {target}: already delivered"),
                    CellState::Unregistered => format!("target {target}: unregistered"),
                    _ if !Self::target_dead(cell.target, reach) => {
                        format!("target {target}: still reachable")
                    }
                    _ => format!("target {target}: ?"),
                }
            })
            .collect();
        format!(
            "callback from registry o{roid} for held value {desc}, but no such cell may be cleaned up: {}",
            states.join("; ")
        )
    }

    fn action(&mut self, fields: &[&str], line: &str) -> Check {
        let Some(expected) = self.pending.pop_front() else {
            return Err(self.fail(
                FailKind::Harness,
                format!(
                    "event `{line}` when no action was running ({:?})",
                    self.exec
                ),
            ));
        };
        let tag = fields[0];
        let arg = |i: usize| fields.get(i).copied().unwrap_or("");
        let mismatch = |model: &Self| {
            model.fail(
                FailKind::Harness,
                format!("event `{line}` does not match the action {expected:?}"),
            )
        };
        match &expected {
            Act::New { slot, oid, kind } => {
                if tag != "new" || arg(1) != slot.to_string() {
                    return Err(mismatch(self));
                }
                self.slots[*slot] = Some(match kind {
                    Kind::Symbol => Id::Sym(*oid),
                    Kind::WellKnown(i) => Id::Wk(*i),
                    _ => Id::Obj(*oid),
                });
            }
            Act::Drop { slot } => {
                if tag != "drop" {
                    return Err(mismatch(self));
                }
                self.slots[*slot] = None;
            }
            Act::NewReg { r, oid, other } => {
                if tag != "newreg" {
                    return Err(mismatch(self));
                }
                self.regs.insert(
                    *oid,
                    Registry {
                        other_realm: *other,
                        dead: false,
                        cells: Vec::new(),
                    },
                );
                self.rslots[*r] = Some(*oid);
            }
            Act::DropReg { r } => {
                if tag != "dropreg" {
                    return Err(mismatch(self));
                }
                self.rslots[*r] = None;
            }
            Act::Register {
                r,
                target,
                held,
                token,
                on_delivery,
            } => {
                if tag != "reg" {
                    return Err(mismatch(self));
                }
                let outcome = fields.last().copied().unwrap_or("");
                let (expect, cell) = self.expect_register(*r, target, held, token.as_ref());
                if let Some(cell) = &cell
                    && (arg(2) != cell.target.desc() || arg(3) != cell.held.desc())
                {
                    return Err(mismatch(self));
                }
                self.outcome("register", outcome, expect, line)?;
                if let (Some(mut cell), "ok") = (cell, expect) {
                    cell.acts.clone_from(on_delivery);
                    let reg = cell.reg;
                    self.cells.push(cell);
                    let index = self.cells.len() - 1;
                    self.regs.get_mut(&reg).expect("registry").cells.push(index);
                }
            }
            Act::Unregister { r, token } => {
                if tag != "unreg" {
                    return Err(mismatch(self));
                }
                let outcome = fields.last().copied().unwrap_or("");
                let expect = self.expect_unregister(*r, token);
                self.outcome("unregister", outcome, expect, line)?;
            }
            Act::Gc => {
                if tag != "gc" {
                    return Err(mismatch(self));
                }
                self.collect();
            }
            Act::Throw => {
                if tag != "throw" {
                    return Err(mismatch(self));
                }
                match &self.exec {
                    Exec::Callback { reg, .. } => {
                        let other = self.regs[reg].other_realm;
                        self.expected_reports.push(other);
                        self.callback_errors += 1;
                    }
                    // A throwing reaction rejects the promise `then` returned: no job error.
                    Exec::Micro(_) => {}
                    _ => {
                        return Err(self.fail(FailKind::Harness, "throw outside a job".to_string()));
                    }
                }
                // The rest of this callback does not run.
                self.pending.clear();
            }
            Act::Micro { id, acts } => {
                if tag != "micro" {
                    return Err(mismatch(self));
                }
                self.micro.push_back((*id, acts.clone()));
            }
            Act::Native { slot, id } => {
                if tag != "native" || arg(3) != id.to_string() {
                    return Err(mismatch(self));
                }
                let target = self.slots[*slot].unwrap_or(Id::Undef);
                let expect = if matches!(target, Id::Obj(_)) {
                    "ok"
                } else {
                    "notobj"
                };
                self.counts.natives += 1;
                let got = arg(4);
                if got != expect {
                    return Err(self.fail(
                        FailKind::Native,
                        format!(
                            "on_collected on {}: got {got}, expected {expect} (`{line}`)",
                            target.desc()
                        ),
                    ));
                }
                if expect == "ok" {
                    self.natives.insert(
                        *id,
                        Native {
                            target,
                            state: NativeState::Live,
                            handle: true,
                        },
                    );
                }
            }
            Act::Cancel { id } => {
                if tag != "cancel" {
                    return Err(mismatch(self));
                }
                self.counts.natives += 1;
                let expect = match self.natives.get_mut(id) {
                    Some(native) if native.handle => {
                        native.handle = false;
                        match native.state {
                            NativeState::Live | NativeState::Collected => {
                                native.state = NativeState::Cancelled;
                                "true"
                            }
                            _ => "false",
                        }
                    }
                    _ => "gone",
                };
                let got = arg(2);
                if got != expect {
                    return Err(self.fail(
                        FailKind::Native,
                        format!("NativeRegistration::cancel of {id}: got {got}, expected {expect}"),
                    ));
                }
            }
            Act::NewWeak { w, kind, target } => {
                if tag != "newweak" {
                    return Err(mismatch(self));
                }
                self.new_weak(*w, *kind, target, arg(4), line)?;
            }
            Act::WeakCall {
                w,
                method,
                key,
                value,
            } => {
                if tag != "weak" {
                    return Err(mismatch(self));
                }
                self.weak_call(*w, *method, key, *value, arg(4), line)?;
            }
            Act::Hostile { what } => {
                if tag != "hostile" {
                    return Err(mismatch(self));
                }
                if arg(2) != "ok" {
                    return Err(self.fail(
                        FailKind::Harness,
                        format!("hostile change {what} failed: `{line}`"),
                    ));
                }
                self.counts.hostile += 1;
            }
        }
        Ok(())
    }

    fn outcome(&mut self, method: &str, got: &str, expect: &'static str, line: &str) -> Check {
        self.counts.outcomes += 1;
        let index = self.outcomes_seen;
        self.outcomes_seen += 1;
        if got == expect {
            if expect == "TypeError" {
                self.counts.type_errors += 1;
            }
            return Ok(());
        }
        let mut failure = self.fail(
            FailKind::WrongOutcome,
            format!("{method}: got {got}, the spec says {expect} (`{line}`)"),
        );
        failure.replay_check = Some(format!(
            "__outs[{index}] !== \"{expect}\" /* {method} outcome #{index} should be {expect} */"
        ));
        Err(failure)
    }

    fn expect_register(
        &self,
        r: usize,
        target: &Val,
        held: &Val,
        token: Option<&Val>,
    ) -> (&'static str, Option<Cell>) {
        let Some(reg) = self.rslots[r] else {
            return ("noreg", None);
        };
        let target = self.resolve(target);
        let held = self.resolve(held);
        let cell = Cell {
            reg,
            target,
            held,
            token: None,
            acts: Vec::new(),
            state: CellState::Live,
        };
        // 3. CanBeHeldWeakly(target); 4. SameValue(target, heldValue).
        if !target.can_be_held_weakly() || target.same_value(held) {
            return ("TypeError", Some(cell));
        }
        // 5. The token: undefined (or absent) means none.
        let token = match token.map(|t| self.resolve(t)) {
            None | Some(Id::Undef) => None,
            Some(t) if t.can_be_held_weakly() => Some(t),
            Some(_) => return ("TypeError", Some(cell)),
        };
        ("ok", Some(Cell { token, ..cell }))
    }

    fn expect_unregister(&mut self, r: usize, token: &Val) -> &'static str {
        let Some(reg) = self.rslots[r] else {
            return "noreg";
        };
        let token = self.resolve(token);
        if !token.can_be_held_weakly() {
            return "TypeError";
        }
        let mut removed = false;
        for &c in &self.regs[&reg].cells {
            let cell = &mut self.cells[c];
            if cell.in_list() && cell.token.is_some_and(|t| t.same_value(token)) {
                cell.state = CellState::Unregistered;
                removed = true;
            }
        }
        if removed { "true" } else { "false" }
    }

    /// A full collection: unreachable registries die, cells of reachable ones whose target is
    /// unreachable must be delivered by the end of the turn.
    fn collect(&mut self) {
        let reach = self.reachable();
        for (oid, reg) in &mut self.regs {
            if reg.dead {
                continue;
            }
            if !reach.contains(oid) {
                reg.dead = true;
                continue;
            }
            for &c in &reg.cells {
                let cell = &mut self.cells[c];
                if cell.state == CellState::Live
                    && Self::target_dead(cell.target, &reach)
                    && !self.kept_maybe.contains(&cell.target)
                {
                    cell.state = CellState::Collected;
                    self.counts.required += 1;
                }
            }
        }
        // Native finalizers belong to the context's internal registry, which never dies.
        for native in self.natives.values_mut() {
            if native.state == NativeState::Live
                && Self::target_dead(native.target, &reach)
                && !self.kept_maybe.contains(&native.target)
            {
                native.state = NativeState::Collected;
                self.counts.required += 1;
            }
        }
        for weak in self.weak.iter().flatten() {
            if let WeakObj::Ref(target) = weak
                && Self::target_dead(*target, &reach)
                && !self.kept_maybe.contains(target)
            {
                self.gone.insert(*target);
            }
        }
    }

    /// AddToKeptObjects ( object ).
    fn keep(&mut self, target: Id) {
        if matches!(target, Id::Obj(_) | Id::Fresh(_)) {
            self.kept_sure.insert(target);
            self.kept_maybe.insert(target);
        }
    }

    fn weak_failure(&self, what: &str, line: &str) -> Failure {
        let mut failure = self.fail(FailKind::WrongOutcome, format!("{what} (`{line}`)"));
        failure.replay_check = Some(format!(
            "__log.indexOf({line:?}) >= 0 /* {} */",
            what.replace("*/", "")
        ));
        failure
    }

    /// `W[w] = new WeakRef(target)` / `new WeakMap()` / `new WeakSet()`.
    fn new_weak(&mut self, w: usize, kind: WeakKind, target: &Val, got: &str, line: &str) -> Check {
        self.counts.weak += 1;
        let target = self.resolve(target);
        let (expect, made) = match kind {
            // 2. If CanBeHeldWeakly(target) is false, throw a TypeError exception.
            WeakKind::Ref if !target.can_be_held_weakly() => ("TypeError", None),
            WeakKind::Ref => ("ok", Some(WeakObj::Ref(target))),
            WeakKind::Map => ("ok", Some(WeakObj::Map(Vec::new()))),
            WeakKind::Set => ("ok", Some(WeakObj::Set(Vec::new()))),
        };
        if got != expect {
            return Err(self.weak_failure(
                &format!(
                    "new {kind:?} of {}: got {got}, expected {expect}",
                    target.desc()
                ),
                line,
            ));
        }
        if got == "TypeError" {
            self.counts.type_errors += 1;
        }
        if let Some(made) = made {
            if kind == WeakKind::Ref {
                // 4. Perform AddToKeptObjects(target).
                self.keep(target);
            }
            self.weak[w] = Some(made);
        }
        Ok(())
    }

    /// A weak-family method on `W[w]`: the spec's result from the model's state.
    fn weak_call(
        &mut self,
        w: usize,
        method: WeakMethod,
        key: &Val,
        value: u32,
        got: &str,
        line: &str,
    ) -> Check {
        self.counts.weak += 1;
        let key = self.resolve(key);
        if method == WeakMethod::Deref {
            return self.deref(w, got, line);
        }
        let holdable = key.can_be_held_weakly();
        let position = |keys: Vec<Id>| keys.iter().position(|k| k.same_value(key));
        let flag = |b: bool| if b { "Btrue" } else { "Bfalse" }.to_string();
        let expect: String = match (self.weak[w].as_mut(), method) {
            (Some(WeakObj::Map(entries)), WeakMethod::MapSet) if holdable => {
                match position(entries.iter().map(|e| e.0).collect()) {
                    Some(i) => entries[i].1 = value,
                    None => entries.push((key, value)),
                }
                "ok".into()
            }
            (Some(WeakObj::Map(entries)), WeakMethod::MapGet) => {
                position(entries.iter().map(|e| e.0).collect())
                    .map_or("u".into(), |i| Id::Num(entries[i].1).desc())
            }
            (Some(WeakObj::Map(entries)), WeakMethod::MapHas) => {
                flag(position(entries.iter().map(|e| e.0).collect()).is_some())
            }
            (Some(WeakObj::Map(entries)), WeakMethod::MapDelete) => {
                let found = position(entries.iter().map(|e| e.0).collect());
                if let Some(i) = found {
                    entries.remove(i);
                }
                flag(found.is_some())
            }
            (Some(WeakObj::Set(values)), WeakMethod::SetAdd) if holdable => {
                if position(values.clone()).is_none() {
                    values.push(key);
                }
                "ok".into()
            }
            (Some(WeakObj::Set(values)), WeakMethod::SetHas) => {
                flag(position(values.clone()).is_some())
            }
            (Some(WeakObj::Set(values)), WeakMethod::SetDelete) => {
                let found = position(values.clone());
                if let Some(i) = found {
                    values.remove(i);
                }
                flag(found.is_some())
            }
            // RequireInternalSlot, or CanBeHeldWeakly for `set` and `add`.
            _ => "TypeError".into(),
        };
        if got != expect {
            return Err(self.weak_failure(
                &format!(
                    "{method:?} on W[{w}] with {}: got {got}, expected {expect}",
                    key.desc()
                ),
                line,
            ));
        }
        if got == "TypeError" {
            self.counts.type_errors += 1;
        }
        Ok(())
    }

    /// `W[w].deref()`: WeakRefDeref, with the latitude the collector has.
    fn deref(&mut self, w: usize, got: &str, line: &str) -> Check {
        let Some(WeakObj::Ref(target)) = self.weak[w] else {
            if got == "TypeError" {
                self.counts.type_errors += 1;
                return Ok(());
            }
            return Err(self.weak_failure(
                &format!("deref on W[{w}], not a WeakRef: got {got}, expected TypeError"),
                line,
            ));
        };
        let desc = target.desc();
        let must_live = match target {
            Id::Obj(o) => self.reachable().contains(&o) || self.kept_sure.contains(&target),
            Id::Fresh(_) => self.kept_sure.contains(&target),
            // Symbols are never collected.
            _ => true,
        };
        let wrong = if got == desc {
            self.gone
                .contains(&target)
                .then_some("returned a target already found collected")
        } else if got == "u" {
            must_live.then_some("returned undefined for a live (or kept) target")
        } else {
            Some("returned something else than its target or undefined")
        };
        if let Some(wrong) = wrong {
            return Err(self.weak_failure(
                &format!("deref of W[{w}] (target {desc}) {wrong}: got {got}"),
                line,
            ));
        }
        if got == desc {
            // WeakRefDeref 2.a. Perform AddToKeptObjects(target).
            self.keep(target);
        } else {
            self.gone.insert(target);
        }
        Ok(())
    }

    /// The end of a step's task (before its turn).
    pub fn end_step(&mut self) -> Check {
        if let Some(act) = self.pending.front() {
            return Err(self.fail(
                FailKind::Harness,
                format!("the step stopped before {act:?}"),
            ));
        }
        self.exec = Exec::Idle;
        Ok(())
    }

    /// The end of a turn: required callbacks, promise jobs and reports are checked. `reports` are
    /// the realms (true: other) and messages the host's reporter received during the turn.
    /// The collection a GC-stress level makes at the last checkpoint of a job-loop turn: after
    /// every task's ClearKeptObjects, and after the last JavaScript of the turn ran (the loop
    /// collects at the end of each checkpoint and runs the cleanup that collection made due, until
    /// a collection finds nothing new). So every cell it finds collected must already have been
    /// delivered: [`Model::end_turn`] then requires it.
    pub fn stress_collection(&mut self) {
        // Nothing runs at the end of a turn: the last callback is no root.
        self.exec = Exec::Idle;
        self.kept_sure.clear();
        self.kept_maybe.clear();
        self.collect();
    }

    /// Ends a turn of the job loop: kept objects are cleared, no promise job is left, every cell
    /// a collection found collected was delivered, and the reporter got what the callbacks threw.
    ///
    /// # Errors
    ///
    /// The first check that fails.
    pub fn end_turn(&mut self, turn: Turn, reports: &[(bool, String)]) -> Check {
        self.in_turn = false;
        // Every task of the turn ended with ClearKeptObjects.
        self.kept_sure.clear();
        self.kept_maybe.clear();
        if let Some(act) = self.pending.front() {
            return Err(self.fail(FailKind::Harness, format!("a job stopped before {act:?}")));
        }
        self.exec = Exec::Idle;
        if turn == Turn::RunJobs && !self.micro.is_empty() {
            return Err(self.fail(
                FailKind::Microtask,
                format!(
                    "promise jobs not run by the end of the turn: {:?}",
                    self.micro
                ),
            ));
        }
        let reach = self.reachable();
        for (oid, reg) in &self.regs {
            if reg.dead || !reach.contains(oid) {
                continue;
            }
            for &c in &reg.cells {
                let cell = &self.cells[c];
                if cell.state == CellState::Collected {
                    let desc = cell.held.desc();
                    let delivered = reg
                        .cells
                        .iter()
                        .filter(|&&d| {
                            self.cells[d].state == CellState::Delivered
                                && self.cells[d].held.desc() == desc
                        })
                        .count();
                    let mut failure = self.fail(
                        FailKind::MissedCallback,
                        format!(
                            "registry o{oid}: the cell (target {}, held {desc}) was collected by a \
                             gc() (or a stress collection) and the turn ended without its callback",
                            cell.target.desc()
                        ),
                    );
                    failure.replay_check = Some(format!(
                        "(__seen[\"{oid}|{desc}\"] | 0) < {} /* callback for {desc} from registry o{oid} missing */",
                        delivered + 1
                    ));
                    return Err(failure);
                }
            }
        }
        if let Some((id, native)) = self
            .natives
            .iter()
            .find(|(_, n)| n.state == NativeState::Collected)
        {
            return Err(self.fail(
                FailKind::MissedCallback,
                format!(
                    "native finalizer {id}: its object {} was collected by a gc() (or a stress \
                     collection) and the turn ended without running it",
                    native.target.desc()
                ),
            ));
        }
        let expected = std::mem::take(&mut self.expected_reports);
        let got: Vec<bool> = reports.iter().map(|(other, _)| *other).collect();
        if got != expected {
            return Err(self.fail(
                FailKind::Reporter,
                format!(
                    "error reporter calls (true = other realm): got {got:?}, expected {expected:?}: {reports:?}"
                ),
            ));
        }
        if let Some((_, message)) = reports.iter().find(|(_, m)| !m.contains("boom")) {
            return Err(self.fail(
                FailKind::Reporter,
                format!("the reporter got `{message}`, not the error the callback threw"),
            ));
        }
        self.counts.reports += reports.len() as u64;
        Ok(())
    }

    /// The ranges `stats()` must fall in after the last turn: (registries, cells), each between what
    /// the reachable registries hold and what the registries no collection found dead hold (an
    /// implicit collection may have freed unreachable ones).
    #[must_use]
    pub fn expected_stats(&self) -> ((usize, usize), (usize, usize)) {
        let reach = self.reachable();
        let count = |reg: &Registry| {
            reg.cells
                .iter()
                .filter(|&&c| self.cells[c].in_list())
                .count()
        };
        // Scripts' registries only: native finalizers have their own figures (`native_pending`).
        let mut low = (0, 0);
        let mut high = (0, 0);
        for (oid, reg) in &self.regs {
            if reg.dead {
                continue;
            }
            high.0 += 1;
            high.1 += count(reg);
            if reach.contains(oid) {
                low.0 += 1;
                low.1 += count(reg);
            }
        }
        ((low.0, high.0), (low.1, high.1))
    }
}
