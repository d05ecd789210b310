//! What an embedder new to the crate meets: counted checkpoints, a defined shutdown for native
//! finalizers, figures that keep JS and native work apart, and errors that say where they came from.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use boa_engine::JsObject;
use boa_finalization::ErrorOrigin;
use common::{context, eval, turn};

#[test]
fn with_cleanup_executor_checkpoints_are_counted() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.r = new FinalizationRegistry(() => {}); r.register({}, 1);",
    );
    boa_gc::force_collect();
    turn(&mut context);
    let stats = boa_finalization::stats(&context);
    assert!(stats.checkpoints > 0);
    assert_eq!((stats.awaiting_cleanup, stats.callbacks_delivered), (0, 1));
}

#[test]
fn shutdown_runs_every_pending_native_finalizer_with_the_context_alive() {
    let mut context = context();
    let released = Rc::new(RefCell::new(Vec::new()));
    let handles: Vec<JsObject> = (0..10).map(|_| JsObject::with_null_proto()).collect();
    for (n, handle) in handles.iter().enumerate() {
        let released = Rc::clone(&released);
        let _registration = boa_finalization::on_collected(
            handle,
            move |context| {
                // The context is still usable here.
                eval(context, "1 + 1");
                released.borrow_mut().push(n);
            },
            &mut context,
        )
        .unwrap();
    }
    let cancelled =
        boa_finalization::on_collected(&handles[0], |_| panic!("cancelled"), &mut context).unwrap();
    assert!(cancelled.cancel(&mut context));
    // Half of the objects were collected, the other half are still alive at shutdown.
    let alive = handles[5..].to_vec();
    drop(handles);
    boa_gc::force_collect();
    assert_eq!(boa_finalization::shutdown(&mut context), 10);
    let mut order = released.borrow().clone();
    order.sort_unstable();
    assert_eq!(order, (0..10).collect::<Vec<_>>());
    let stats = boa_finalization::stats(&context);
    assert_eq!((stats.native_pending, stats.native_run), (0, 10));
    // Nothing runs twice once the live objects die after all.
    drop(alive);
    boa_gc::force_collect();
    turn(&mut context);
    assert_eq!(released.borrow().len(), 10);
}

#[test]
fn stats_count_js_callbacks_and_native_finalizers_apart() {
    let mut context = context();
    eval(
        &mut context,
        "globalThis.r = new FinalizationRegistry(() => {}); for (let i = 0; i < 900; i++) r.register({}, i);",
    );
    let ran = Rc::new(Cell::new(0));
    for _ in 0..900 {
        let ran = Rc::clone(&ran);
        let object = JsObject::with_null_proto();
        let _registration =
            boa_finalization::on_collected(&object, move |_| ran.set(ran.get() + 1), &mut context)
                .unwrap();
    }
    let before = boa_finalization::stats(&context);
    assert_eq!((before.registries, before.live_cells), (1, 900));
    assert_eq!(before.native_pending, 900);
    boa_gc::force_collect();
    turn(&mut context);
    let after = boa_finalization::stats(&context);
    assert_eq!((after.callbacks_delivered, after.native_run), (900, 900));
    assert_eq!((after.live_cells, after.native_pending), (0, 0));
    assert_eq!(ran.get(), 900);
}

#[test]
fn reported_errors_say_they_come_from_a_cleanup_callback_and_which_realm() {
    let mut context = context();
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    boa_finalization::set_error_reporter(&mut context, move |error, origin, context| {
        let is_main = *origin.realm() == *context.realm();
        let callback = matches!(origin, ErrorOrigin::CleanupCallback { .. });
        sink.borrow_mut()
            .push((origin.to_string(), callback, is_main, error.to_string()));
    });
    eval(
        &mut context,
        "new FinalizationRegistry(() => { throw new Error('boom') }).register({}, 1); \
         globalThis.keep = new FinalizationRegistry(() => { throw new Error('boom') }); \
         keep.register({}, 1);",
    );
    boa_gc::force_collect();
    turn(&mut context);
    let reports = reports.borrow();
    assert_eq!(
        reports.len(),
        1,
        "the unreachable registry never calls back"
    );
    let (origin, callback, is_main, error) = &reports[0];
    assert!(
        origin.starts_with("FinalizationRegistry cleanup callback, realm "),
        "{origin}"
    );
    assert!(*callback && *is_main);
    assert!(error.starts_with("Error: boom"), "{error}");
}
