//! The host-defined bindings of INTERPRETING.md: `print` and `$262`.
//!
//! `$262.createRealm()` creates the new realm through
//! `boa_finalization::create_realm` when the extension is under test, so
//! cross-realm tests see the extension's `FinalizationRegistry` on both
//! sides.

use boa_engine::{
    Context, JsArgs, JsNativeError, JsResult, JsValue, Script, Source,
    builtins::array_buffer::ArrayBuffer,
    js_string,
    native_function::NativeFunction,
    object::{JsObject, ObjectInitializer},
    property::Attribute,
};

use super::Registry;

/// What `print` received during one execution, in order.
#[derive(Debug, Default)]
pub(crate) struct PrintLog(pub(crate) Vec<String>);

/// Takes the `print` output collected in `context` so far.
pub(crate) fn take_printed(context: &mut Context) -> Vec<String> {
    context
        .host_defined_mut()
        .get_mut::<PrintLog>()
        .map(|log| std::mem::take(&mut log.0))
        .unwrap_or_default()
}

/// Defines `print` and `$262` on the global object of the context's
/// current realm (writable, configurable, non-enumerable) and returns the
/// `$262` object.
pub(crate) fn register(context: &mut Context, registry: Registry) -> JsResult<JsObject> {
    if !context.has_data::<PrintLog>() {
        context.insert_data(PrintLog::default());
    }
    context.register_global_builtin_callable(
        js_string!("print"),
        1,
        NativeFunction::from_fn_ptr(print),
    )?;

    let global = context.global_object();
    let create_realm =
        move |_: &JsValue, _: &[JsValue], context: &mut Context| create_realm(registry, context);
    let js262 = ObjectInitializer::new(context)
        .function(
            NativeFunction::from_copy_closure(create_realm),
            js_string!("createRealm"),
            0,
        )
        .function(
            NativeFunction::from_fn_ptr(eval_script),
            js_string!("evalScript"),
            1,
        )
        .function(boa_finalization::gc_function(), js_string!("gc"), 0)
        .function(
            NativeFunction::from_fn_ptr(detach_array_buffer),
            js_string!("detachArrayBuffer"),
            2,
        )
        .property(
            js_string!("global"),
            global,
            Attribute::WRITABLE | Attribute::CONFIGURABLE,
        )
        .build();
    context.register_global_property(
        js_string!("$262"),
        js262.clone(),
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    Ok(js262)
}

/// `print(value)`: records `String(value)` for the runner.
fn print(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let text = args
        .get_or_undefined(0)
        .to_string(context)?
        .to_std_string_escaped();
    if let Some(log) = context.host_defined_mut().get_mut::<PrintLog>() {
        log.0.push(text);
    }
    Ok(JsValue::undefined())
}

/// `$262.createRealm()`: a new realm (with the extension installed when it
/// is under test) whose global gets its own `print` and `$262`; returns
/// that `$262`.
fn create_realm(registry: Registry, context: &mut Context) -> JsResult<JsValue> {
    let realm = match registry {
        Registry::Extension => {
            boa_finalization::create_realm(context, &boa_finalization::InstallOptions::new())?
        }
        Registry::Builtin => context.create_realm()?,
    };
    let previous = context.enter_realm(realm);
    let result = register(context, registry);
    context.enter_realm(previous);
    Ok(result?.into())
}

/// `$262.evalScript(source)`: ParseScript + ScriptEvaluation in the realm
/// this `$262` belongs to (native functions run in their own realm).
fn eval_script(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let Some(source) = args.get_or_undefined(0).as_string() else {
        return Err(JsNativeError::typ()
            .with_message("$262.evalScript expects a string")
            .into());
    };
    let text = source.to_vec();
    let script = Script::parse(Source::from_utf16(&text), None, context)?;
    script.evaluate(context)
}

/// `$262.detachArrayBuffer(buffer, key)`: DetachArrayBuffer.
fn detach_array_buffer(_: &JsValue, args: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let not_buffer = || JsNativeError::typ().with_message("not an ArrayBuffer");
    let object = args
        .get_or_undefined(0)
        .as_object()
        .ok_or_else(not_buffer)?;
    let mut buffer = object
        .downcast_mut::<ArrayBuffer>()
        .ok_or_else(not_buffer)?;
    buffer.detach(args.get_or_undefined(1))?;
    Ok(JsValue::null())
}
