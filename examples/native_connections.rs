//! Native finalizers at work: a Rust-side pool of "connections" handed to scripts as JS objects.
//!
//! Scripts open many connections and close some explicitly; the ones they leak are released by a
//! native finalizer ([`boa_finalization::on_collected`]) once the JS object is collected. The program
//! prints how many were released each way and checks that none leaked.
//!
//! Run it with `cargo run --example native_connections`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use boa_engine::{
    Context, JsNativeError, JsResult, JsValue, NativeFunction, Source, context::ContextBuilder,
    js_string, object::ObjectInitializer,
};
use boa_finalization::{CleanupExecutor, NativeRegistration};

/// The native side: which connections are open, and how each one was released.
#[derive(Default)]
struct Pool {
    open: HashMap<u32, NativeRegistration>,
    next_id: u32,
    closed_explicitly: u32,
    released_by_finalizer: u32,
}

type SharedPool = Rc<RefCell<Pool>>;

fn pool(context: &Context) -> SharedPool {
    Rc::clone(context.get_data::<SharedPool>().expect("pool installed"))
}

/// `openConnection()`: opens a native connection and returns its JS handle `{ id, close() }`.
fn open_connection(_: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let pool = pool(context);
    let id = {
        let mut pool = pool.borrow_mut();
        pool.next_id += 1;
        pool.next_id
    };
    let close = NativeFunction::from_fn_ptr(close_connection);
    let handle = ObjectInitializer::new(context)
        .property(
            js_string!("id"),
            id,
            boa_engine::property::Attribute::READONLY,
        )
        .function(close, js_string!("close"), 0)
        .build();
    // The finalizer captures only the pool and the id, never the handle.
    let finalizer_pool = Rc::clone(&pool);
    let registration = boa_finalization::on_collected(
        &handle,
        move |_context| {
            let mut pool = finalizer_pool.borrow_mut();
            if pool.open.remove(&id).is_some() {
                pool.released_by_finalizer += 1;
            }
        },
        context,
    )?;
    pool.borrow_mut().open.insert(id, registration);
    Ok(handle.into())
}

/// `connection.close()`: releases the connection now and cancels its finalizer.
fn close_connection(this: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let id = this
        .as_object()
        .map(|handle| handle.get(js_string!("id"), context))
        .transpose()?
        .and_then(|id| id.as_number())
        .ok_or_else(|| JsNativeError::typ().with_message("close: `this` is not a connection"))?;
    let pool = pool(context);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let registration = pool.borrow_mut().open.remove(&(id as u32));
    if let Some(registration) = registration {
        registration.cancel(context);
        pool.borrow_mut().closed_explicitly += 1;
    }
    Ok(JsValue::undefined())
}

fn main() -> JsResult<()> {
    let mut context = ContextBuilder::new()
        .job_executor(Rc::new(CleanupExecutor::default()))
        .build()?;
    boa_finalization::install(&mut context)?;
    context.insert_data::<SharedPool>(SharedPool::default());
    context.register_global_callable(
        js_string!("openConnection"),
        0,
        NativeFunction::from_fn_ptr(open_connection),
    )?;

    // A script that closes every third connection and forgets the rest.
    context.eval(Source::from_bytes(
        r"
        for (let i = 0; i < 3000; i++) {
            const connection = openConnection();
            if (i % 3 === 0) connection.close();
        }
        ",
    ))?;
    boa_gc::force_collect();
    context.run_jobs()?;

    let pool = pool(&context);
    let pool = pool.borrow();
    println!("opened:                 {}", pool.next_id);
    println!("closed explicitly:      {}", pool.closed_explicitly);
    println!("released by finalizer:  {}", pool.released_by_finalizer);
    println!("still open (leaked):    {}", pool.open.len());
    println!("{:#?}", boa_finalization::stats(&context));
    assert_eq!(pool.open.len(), 0, "a connection leaked");
    assert_eq!(
        pool.closed_explicitly + pool.released_by_finalizer,
        pool.next_id
    );
    Ok(())
}
