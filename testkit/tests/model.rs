//! Model-based randomized testing: random programs over a few registries (targets, tokens, symbols,
//! re-entrant and throwing callbacks, registries that die, promise jobs, two kinds of turns) run in a
//! real `Context` and are checked, event by event, against a reference model of the spec.
//!
//! The generator, the model and the harness live in the test kit (`testkit/src/modelcheck/`) and are
//! shared with `cargo xtask stress --seeds N` (the long mode, which also shrinks failing seeds into scripts
//! `finreg --expose-gc` replays). Here a fixed set of seeds runs on every `cargo test`.

use boa_finalization_testkit::modelcheck::{
    self, GenConfig, Program, Totals, generate, harness, shrink,
};

/// Fails with the shrunk reproduction script of the first failing program.
fn check(programs: &[Program], outcomes: &[modelcheck::Outcome]) -> Totals {
    let mut totals = Totals::default();
    for (program, outcome) in programs.iter().zip(outcomes) {
        totals.add(program, outcome);
        if let Some(failure) = &outcome.failure {
            let (shrunk, failure) = shrink::shrink(program, failure.clone(), 300, |candidate| {
                harness::run_isolated(vec![candidate.clone()])
                    .pop()
                    .and_then(|outcome| outcome.failure)
            });
            panic!(
                "seed {} failed: {failure}\n\nshrunk reproduction (finreg --expose-gc):\n{}",
                program.seed,
                shrink::replay_script(&shrunk, &failure)
            );
        }
    }
    totals
}

fn small() -> GenConfig {
    GenConfig {
        steps: 10,
        acts_per_step: 8,
        ..GenConfig::default()
    }
}

#[test]
fn fixed_seeds_match_the_model() {
    let config = small();
    let mut totals = Totals::default();
    for seed in 0..24 {
        let program = generate(seed, &config);
        let outcomes = vec![harness::run(&program)];
        let t = check(&[program], &outcomes);
        totals.programs += t.programs;
        totals.counts.callbacks += t.counts.callbacks;
        totals.counts.required += t.counts.required;
    }
    // The generator must actually exercise deliveries.
    assert!(totals.counts.callbacks > 100, "{totals:?}");
    assert!(totals.counts.required > 100, "{totals:?}");
}

/// The registry alone (no hostile changes to globals, no native finalizers): these seeds keep
/// checking callbacks, outcomes and reports while the others stop at a hostile or native failure.
#[test]
fn fixed_seeds_of_plain_programs_match_the_model() {
    let config = GenConfig {
        hostile: false,
        native: false,
        ..small()
    };
    let mut totals = Totals::default();
    for seed in 1000..1016 {
        let program = generate(seed, &config);
        let outcomes = vec![harness::run(&program)];
        totals.merge(&check(&[program], &outcomes));
    }
    assert!(totals.counts.callbacks > 60, "{totals:?}");
}

/// Two contexts on one thread share boa_gc's heap: each sees only its own callbacks.
#[test]
fn two_contexts_on_one_thread_never_see_each_others_callbacks() {
    let config = small();
    for seed in 100..106 {
        let programs = vec![generate(seed, &config), generate(seed + 1000, &config)];
        let outcomes = harness::run_interleaved(&programs);
        check(&programs, &outcomes);
    }
}

/// A `Context` per thread, on several threads at once.
#[test]
fn contexts_on_several_threads_at_once() {
    let config = small();
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                (0..3u64)
                    .map(|i| {
                        let program = generate(200 + t * 10 + i, &config);
                        let outcome = harness::run(&program);
                        (program, outcome)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        let (programs, outcomes): (Vec<_>, Vec<_>) =
            thread.join().expect("thread").into_iter().unzip();
        check(&programs, &outcomes);
    }
}

/// Contexts dropped with cells pending leave notifications behind in the thread's heap; programs
/// that follow on the same thread must not be disturbed by them.
#[test]
fn programs_after_dropped_contexts_on_the_same_thread() {
    let config = small();
    for seed in 300..306 {
        let mut program = generate(seed, &config);
        // Stop before the drain: the context is dropped with dead targets pending.
        let keep = program.steps.len() - 2;
        program.steps.truncate(keep);
        let outcome = harness::run(&program);
        check(&[program], &[outcome]);
    }
    boa_gc::force_collect();
    let program = generate(306, &config);
    let outcome = harness::run(&program);
    check(&[program], &[outcome]);
}

/// The checker has teeth: an impossible event is reported, not ignored.
#[test]
fn the_model_rejects_a_callback_for_a_live_target() {
    let program = Program {
        seed: 0,
        slots: 1,
        registries: 1,
        prologue: Vec::new(),
        steps: vec![modelcheck::program::Step {
            acts: vec![
                modelcheck::program::Act::NewReg {
                    r: 0,
                    oid: 1,
                    other: false,
                },
                modelcheck::program::Act::New {
                    slot: 0,
                    oid: 2,
                    kind: modelcheck::program::Kind::Object,
                },
                modelcheck::program::Act::Register {
                    r: 0,
                    target: modelcheck::program::Val::Slot(0),
                    held: modelcheck::program::Val::Num(3),
                    token: None,
                    on_delivery: Vec::new(),
                },
            ],
            turn: modelcheck::program::Turn::RunJobs,
        }],
    };
    let mut model = modelcheck::model::Model::new(&program);
    model.begin_step(0);
    for line in ["step|0", "newreg|0|1", "new|0|2", "reg|0|o2|n3|-|ok"] {
        model.event(line).expect(line);
    }
    model.end_step().expect("end of step");
    model.begin_turn();
    let failure = model
        .event("cb|1|n3")
        .expect_err("a callback for a live target");
    assert_eq!(failure.kind, modelcheck::FailKind::UnexpectedCallback);
    // And a missing one after gc() is reported too.
    let mut dropped = program.clone();
    dropped.steps[0]
        .acts
        .push(modelcheck::program::Act::Drop { slot: 0 });
    dropped.steps[0].acts.push(modelcheck::program::Act::Gc);
    let mut model = modelcheck::model::Model::new(&dropped);
    model.begin_step(0);
    for line in [
        "step|0",
        "newreg|0|1",
        "new|0|2",
        "reg|0|o2|n3|-|ok",
        "drop|0",
        "gc",
    ] {
        model.event(line).expect(line);
    }
    model.end_step().expect("end of step");
    model.begin_turn();
    let failure = model
        .end_turn(modelcheck::program::Turn::RunJobs, &[])
        .expect_err("a missed callback");
    assert_eq!(failure.kind, modelcheck::FailKind::MissedCallback);
}
