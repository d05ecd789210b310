//! Native finalizers: Rust closures run after a JS object is collected.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::{JsObject, js_string};
use common::{context, eval, take_log, turn};

#[test]
fn a_native_finalizer_runs_in_a_job_after_collection_and_may_use_the_context() {
    let mut context = context();
    let ran = Rc::new(RefCell::new(0));
    let counter = ran.clone();
    let object = JsObject::with_null_proto();
    let _registration = boa_finalization::on_collected(
        &object,
        move |context| {
            *counter.borrow_mut() += 1;
            eval(context, "log('finalizer ran with a context')");
        },
        &mut context,
    )
    .unwrap();
    boa_gc::force_collect();
    assert_eq!(*ran.borrow(), 0, "kept alive by the local");
    drop(object);
    boa_gc::force_collect();
    assert_eq!(*ran.borrow(), 0, "never inside the collector");
    turn(&mut context);
    assert_eq!(*ran.borrow(), 1);
    assert_eq!(take_log(&mut context), ["finalizer ran with a context"]);
    let stats = boa_finalization::stats(&context);
    assert_eq!((stats.native_pending, stats.native_run), (0, 1));
}

#[test]
fn a_cancelled_native_finalizer_never_runs() {
    let mut context = context();
    let ran = Rc::new(RefCell::new(false));
    let flag = ran.clone();
    let object = JsObject::with_null_proto();
    let registration =
        boa_finalization::on_collected(&object, move |_| *flag.borrow_mut() = true, &mut context)
            .unwrap();
    assert!(registration.cancel(&mut context));
    drop(object);
    boa_gc::force_collect();
    turn(&mut context);
    assert!(!*ran.borrow());
    assert_eq!(boa_finalization::stats(&context).native_pending, 0);
}

#[test]
fn native_finalizers_of_objects_held_by_scripts_wait_for_the_script_to_drop_them() {
    let mut context = context();
    let ran = Rc::new(RefCell::new(false));
    let flag = ran.clone();
    let object = JsObject::with_null_proto();
    let _registration =
        boa_finalization::on_collected(&object, move |_| *flag.borrow_mut() = true, &mut context)
            .unwrap();
    context
        .global_object()
        .set(js_string!("handle"), object, false, &mut context)
        .unwrap();
    boa_gc::force_collect();
    turn(&mut context);
    assert!(!*ran.borrow());
    eval(&mut context, "handle = null; gc();");
    turn(&mut context);
    assert!(*ran.borrow());
}
