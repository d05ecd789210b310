//! `CleanupExecutor::with_gc_stress`: collections come on their own at every checkpoint (`Task`) or
//! before every job (`Job`), no `gc()` needed, and the spec's KeepDuringJob holds under both: a
//! `WeakRef` target made or read in a task stays alive across an `await` and the collections in
//! between, until that task's microtask checkpoint ends.

mod common;

use std::rc::Rc;

use boa_finalization::{CleanupExecutor, GcStress};

/// Task 2 reads a `WeakRef` (`read`), drops the only reference to another `WeakRef`'s target
/// (`released`, read last in task 1, so no job keeps it), registers a target it drops at once, and
/// awaits; its continuation reads both refs, then a timer reads `read` again. No `gc()` anywhere.
const SCRIPT: &str = "
    globalThis.holder = { name: 'held' };
    globalThis.released = new WeakRef(holder);
    globalThis.fr = new FinalizationRegistry(v => log('cleanup', v));
    setTimeout(() => {
        const read = new WeakRef({});
        log('read', typeof read.deref());
        holder = null;
        fr.register({}, 'dropped');
        (async () => {
            await null;
            log('after await: read', typeof read.deref());
            log('after await: released', typeof released.deref());
            setTimeout(() => log('next task: read', typeof read.deref()));
        })();
    });
";

fn run_stressed(level: GcStress) -> Vec<String> {
    let executor = Rc::new(CleanupExecutor::default().with_gc_stress(level));
    let mut context = common::context_on(executor);
    common::eval(&mut context, SCRIPT);
    common::turn(&mut context);
    common::take_log(&mut context)
}

#[test]
fn task_level_collects_at_each_checkpoint_and_keeps_what_the_task_read() {
    assert_eq!(
        run_stressed(GcStress::Task),
        [
            "read object",
            // KeepDuringJob: the target `read` made is kept to the end of this checkpoint.
            "after await: read object",
            // No collection inside a checkpoint at this level.
            "after await: released object",
            // The checkpoint's collection took both targets; the timer was queued before it, so
            // it runs before the cleanup task the collection queued.
            "next task: read undefined",
            "cleanup dropped",
        ]
    );
}

#[test]
fn job_level_collects_before_each_job_and_keeps_what_the_task_read() {
    assert_eq!(
        run_stressed(GcStress::Job),
        [
            "read object",
            // A collection ran before this continuation (a promise job): it kept the target this
            // task read (KeepDuringJob) ...
            "after await: read object",
            // ... and took the one no job keeps.
            "after await: released undefined",
            // That collection also found the registered target dead: the cleanup task was queued
            // before the timer the continuation scheduled.
            "cleanup dropped",
            "next task: read undefined",
        ]
    );
}

#[test]
fn the_level_is_off_by_default() {
    assert_eq!(CleanupExecutor::default().gc_stress(), GcStress::Off);
    assert_eq!(GcStress::default(), GcStress::Off);
}
