//! When cleanup callbacks run, and when they must not: the behaviour Boa 0.22's built-in registry
//! gets wrong in an embedder. Every test drives the collector and the job loop explicitly.

mod common;

use common::{context, eval, run, sorted, take_log, turn};

#[test]
fn every_dropped_target_gets_exactly_one_callback_with_its_held_value() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log(v));
        (() => { for (let i = 0; i < 50; i++) fr.register({}, 'held' + i); })();
        gc();
    ");
    let expected: Vec<String> = (0..50).map(|i| format!("held{i}")).collect();
    assert_eq!(sorted(log), sorted(expected));
}

#[test]
fn live_targets_and_unregistered_cells_get_no_callback() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log(v));
        globalThis.alive = {};
        fr.register(alive, 'alive');
        (() => {
            const token = {};
            fr.register({}, 'unregistered', token);
            if (!fr.unregister(token)) throw new Error('unregister returned false');
        })();
        gc();
    ");
    assert!(log.is_empty(), "{log:?}");
}

#[test]
fn gc_never_runs_callbacks_itself() {
    let mut context = context();
    eval(
        &mut context,
        r"
        const fr = new FinalizationRegistry(v => log(v));
        (() => fr.register({}, 'x'))();
        gc();
        log('after gc, same task');
    ",
    );
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["after gc, same task", "x"]);
}

#[test]
fn a_target_that_dies_many_turns_later_still_gets_its_callback() {
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => log(v));
        globalThis.target = {};
        fr.register(target, 'late');
    ",
    );
    for turn_number in 0..100 {
        turn(&mut context);
        eval(&mut context, &format!("log('turn {turn_number}')"));
    }
    take_log(&mut context);
    eval(&mut context, "target = null; gc();");
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["late"]);
}

#[test]
fn the_same_target_twice_and_in_two_registries() {
    let log = run(r"
        const a = new FinalizationRegistry(v => log('a:' + v));
        const b = new FinalizationRegistry(v => log('b:' + v));
        (() => {
            const t = {};
            a.register(t, 1);
            a.register(t, 2);
            b.register(t, 3);
        })();
        gc();
    ");
    assert_eq!(sorted(log), ["a:1", "a:2", "b:3"]);
}

#[test]
fn a_target_used_as_its_own_token_is_still_collected() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log(v));
        (() => { const t = {}; fr.register(t, 'self-token', t); })();
        gc();
    ");
    assert_eq!(log, ["self-token"]);
}

#[test]
fn held_objects_stay_alive_until_delivered() {
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(h => log(h.name + ':' + h.parts.join('')));
        (() => fr.register({}, { name: 'held', parts: ['o', 'k'] }))();
    ",
    );
    for _ in 0..5 {
        boa_gc::force_collect();
    }
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["held:ok"]);
}

#[test]
fn a_throwing_callback_is_reported_and_the_other_cells_are_still_delivered() {
    let mut context = context();
    let reported = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = reported.clone();
    boa_finalization::set_error_reporter(&mut context, move |error, _realm, _context| {
        sink.borrow_mut().push(error.to_string());
    });
    eval(
        &mut context,
        r"
        const fr = new FinalizationRegistry(v => { log(v); if (v === 'bad') throw new Error('boom'); });
        const other = new FinalizationRegistry(v => log(v));
        (() => {
            fr.register({}, 'bad');
            fr.register({}, 'good1');
            fr.register({}, 'good2');
            other.register({}, 'other');
        })();
        gc();
    ",
    );
    turn(&mut context);
    assert_eq!(
        sorted(take_log(&mut context)),
        ["bad", "good1", "good2", "other"]
    );
    assert_eq!(reported.borrow().len(), 1);
    assert!(reported.borrow()[0].contains("boom"));
    assert_eq!(boa_finalization::stats(&context).callback_errors, 1);
}

#[test]
fn callbacks_may_register_and_unregister() {
    let log = run(r"
        let round = 0;
        const fr = new FinalizationRegistry(v => {
            log(v);
            if (v === 'first') {
                (() => fr.register({}, 'second'))();
                const token = {};
                fr.register({}, 'never', token);
                fr.unregister(token);
                gc();
            }
        });
        (() => fr.register({}, 'first'))();
        gc();
    ");
    assert_eq!(log, ["first", "second"]);
}

#[test]
fn unregister_removes_a_cell_whose_target_died_but_was_not_delivered() {
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => log(v));
        globalThis.token = {};
        (() => fr.register({}, 'pending', token))();
        gc();
        log(String(fr.unregister(token)));
        log(String(fr.unregister(token)));
    ",
    );
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["true", "false"]);
}

#[test]
fn a_registry_unreachable_when_its_cleanup_is_due_gets_no_callback() {
    let log = run(r"
        (() => {
            const fr = new FinalizationRegistry(v => log('must not run: ' + v));
            (() => fr.register({}, 'x'))();
            gc(); // the registry is now dirty
        })();
        gc(); // and now it is garbage
    ");
    assert!(log.is_empty(), "{log:?}");
}

#[test]
fn promise_continuations_after_gc_run_before_the_callbacks() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        (async () => {
            (() => fr.register({}, 'x'))();
            gc();
            await null;
            log('continuation 1');
            await null;
            log('continuation 2');
        })();
    ");
    assert_eq!(log, ["continuation 1", "continuation 2", "cleanup x"]);
}

#[test]
fn a_target_derefd_through_a_weakref_survives_its_task_and_dies_in_the_next() {
    let mut context = context();
    eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => log(v));
        globalThis.ref = (() => { const t = {}; fr.register(t, 'collected'); return new WeakRef(t); })();
        gc();
        log(String(ref.deref() !== undefined));
    ",
    );
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["true"]);
    eval(&mut context, "gc(); log(String(ref.deref()));");
    turn(&mut context);
    assert_eq!(take_log(&mut context), ["undefined", "collected"]);
}

#[test]
fn one_hundred_thousand_dropped_registrations_are_all_delivered() {
    let log = run(r"
        let count = 0, sum = 0;
        const fr = new FinalizationRegistry(v => { count++; sum += v; });
        (() => { for (let i = 0; i < 100000; i++) fr.register({}, i); })();
        gc();
        setTimeout(() => log(count + ' ' + sum), 0);
    ");
    assert_eq!(log, [format!("100000 {}", (0..100_000u64).sum::<u64>())]);
}

#[test]
fn callbacks_arrive_while_a_timer_is_pending() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('cleanup ' + v));
        setTimeout(() => log('timer'), 30);
        (() => fr.register({}, 'x'))();
        gc();
    ");
    assert_eq!(log, ["cleanup x", "timer"]);
}

#[test]
fn every_dirty_registry_is_cleaned_at_one_checkpoint() {
    let log = run(r"
        const registries = [];
        for (let r = 0; r < 5; r++) registries.push(new FinalizationRegistry(v => log(v)));
        (() => registries.forEach((fr, r) => fr.register({}, 'r' + r)))();
        gc();
        setTimeout(() => log('next task'), 0);
    ");
    assert_eq!(log, ["r0", "r1", "r2", "r3", "r4", "next task"]);
}

#[test]
fn symbol_targets_are_accepted_never_called_and_released_by_unregister() {
    let log = run(r"
        const fr = new FinalizationRegistry(v => log('must not run'));
        const s = Symbol('target');
        fr.register(s, 'held', s);
        fr.register(Symbol.iterator, 'well-known');
        gc();
        log(String(fr.unregister(s)), String(fr.unregister(s)));
    ");
    assert_eq!(log, ["true false"]);
}

#[test]
fn the_callback_gets_undefined_this_and_one_argument() {
    let log = run(r"
        'use strict';
        const fr = new FinalizationRegistry(function (...args) { log(String(this), args.length, args[0]); });
        (() => fr.register({}, 'h'))();
        gc();
    ");
    assert_eq!(log, ["undefined 1 h"]);
}

#[test]
fn embedders_without_the_executor_use_the_checkpoint_function() {
    let mut context = boa_engine::Context::default();
    let own_loop = boa_finalization::InstallOptions::new().own_event_loop();
    boa_finalization::install_with(&mut context, &own_loop).unwrap();
    common::try_eval(
        &mut context,
        "globalThis.seen = []; globalThis.fr = new FinalizationRegistry(v => seen.push(v));\n\
         (() => fr.register({}, 'h'))();",
    )
    .unwrap();
    boa_gc::force_collect();
    assert!(boa_finalization::has_pending_cleanup(&context));
    assert_eq!(boa_finalization::run_cleanup_jobs(&mut context), 1);
    let seen = common::try_eval(&mut context, "seen.join()").unwrap();
    assert_eq!(seen.as_string().unwrap().to_std_string_escaped(), "h");
}

#[test]
fn registry_stats_follow_a_cell_from_live_to_delivered() {
    let mut context = context();
    let registry = eval(
        &mut context,
        r"
        globalThis.fr = new FinalizationRegistry(v => { if (v === 'bad') throw new Error(v); });
        globalThis.keep = {};
        fr.register(keep, 'live');
        (() => { fr.register({}, 'bad'); fr.register({}, 'good'); })();
        fr
    ",
    );
    let registry = registry.as_object().unwrap();
    let stats = |context: &boa_engine::Context| {
        (
            boa_finalization::registry_stats(&registry).unwrap(),
            boa_finalization::stats(context),
        )
    };
    let (before, _) = stats(&context);
    assert_eq!((before.live_cells, before.awaiting_cleanup), (3, 0));
    boa_gc::force_collect();
    let (dead, _) = stats(&context);
    assert_eq!((dead.live_cells, dead.awaiting_cleanup), (1, 2));
    boa_finalization::set_error_reporter(&mut context, |_, _, _| {});
    turn(&mut context);
    let (after, total) = stats(&context);
    assert_eq!(
        (
            after.live_cells,
            after.awaiting_cleanup,
            after.callbacks_delivered,
            after.callback_errors
        ),
        (1, 0, 2, 1)
    );
    assert_eq!(
        (total.registries, total.live_cells, total.callback_errors),
        (1, 1, 1)
    );
}

#[test]
fn a_registry_stays_alive_until_its_own_cleanup_job_ends() {
    // The spec's cleanup job holds its registry: a callback that drops the last reference to it and
    // collects must not get it collected (and reported dead to another registry) mid-job. Only a
    // collection after the job may find it dead.
    let log = run("
        const watcher = new FinalizationRegistry(held => log('watcher: ' + held));
        globalThis.watcher = watcher;
        globalThis.inner = new FinalizationRegistry(held => {
            log('inner: ' + held);
            globalThis.inner = null;
            gc();
            log('after gc in the job');
        });
        watcher.register(inner, 'inner registry');
        (() => inner.register({}, 'target'))();
        gc();
        setTimeout(() => { log('later'); gc(); }, 0);
    ");
    assert_eq!(
        log,
        [
            "inner: target",
            "after gc in the job",
            "later",
            "watcher: inner registry"
        ]
    );
}
