//! `cargo xtask stress --load N` and `--soak N`: the test kit's memory checks, run in this process
//! on fresh threads, measured by its per-thread counting allocator.

use boa_finalization_testkit::memory::{self, Mix};
use rayon::prelude::*;

/// The load test: `registrations` over `registries`, all alive at once, then all dropped and cleaned
/// up; true if every callback came once and the memory came back within 1% of the baseline.
pub(crate) fn load(registrations: u64, registries: usize) -> bool {
    println!("load: {registrations} registrations over {registries} registries, all alive at once");
    let n = usize::try_from(registrations).expect("registrations fit in memory");
    match memory::on_fresh_thread_caught(move || memory::load(n, registries)) {
        Ok(report) => {
            report.print();
            verdict(&report.problems())
        }
        Err(panic) => verdict(&[format!("load: panicked: {panic}")]),
    }
}

/// The soak: `total` registrations and native finalizers in rounds of `per_round` over `registries`
/// registries that keep a live cell; true if the counts are right and the memory after cleanup is
/// back within 1% of the level after the first round.
pub(crate) fn soak(total: u64, per_round: usize, registries: usize) -> bool {
    println!(
        "soak: {total} registrations and native finalizers in rounds of {per_round} over \
         {registries} registries that each keep a live cell; mixed, then object tokens only (the \
         control), symbol tokens only, native cancels only (so that a leak is attributed)"
    );
    let mixes = [
        Mix::Everything,
        Mix::ObjectTokens,
        Mix::SymbolTokens,
        Mix::NativeCancels,
    ];
    // The mixes run side by side, each on its own thread: boa_gc's heap and the allocation count
    // are per thread, so one mix's figures do not see another's (its seconds do, on a loaded CPU).
    let reports: Vec<_> = mixes
        .into_par_iter()
        .map(|mix| {
            memory::on_fresh_thread_caught(move || memory::soak(total, per_round, registries, mix))
        })
        .collect();
    let mut ok = true;
    for (mix, report) in mixes.into_iter().zip(reports) {
        ok &= match report {
            Ok(report) => {
                report.print();
                verdict(&report.problems)
            }
            Err(panic) => verdict(&[format!("soak ({}): panicked: {panic}", mix.name())]),
        };
    }
    ok
}

fn verdict(problems: &[String]) -> bool {
    for problem in problems {
        println!("FAILED {problem}");
    }
    problems.is_empty()
}
