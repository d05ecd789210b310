//! The console's methods as node formats their arguments: objects described by
//! the shell's inspector (`inspect/`: bounded, no getter called, no proxy trap run), and the
//! format specifiers `%s %d %i %f %j %o %O %c %%` of a first string argument.
//!
//! boa_runtime's console formats objects with Boa's `Display`, which recurses without bound (a
//! value nested 100,000 deep overflows the stack and aborts the process). The shell keeps
//! boa_runtime's console (its groups, counters, timers and the logger in `output.rs`) and puts its
//! own methods in front of those that format: each formats its arguments into one string and hands
//! that to boa_runtime's method, which prints a lone string as it is. `console.table` builds its
//! table here too (`table.rs`).

mod table;

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::{
    Context, JsArgs, JsError, JsObject, JsResult, JsString, JsSymbol, JsValue, JsVariant,
    NativeFunction,
    error::JsNativeErrorKind,
    js_string,
    object::{FunctionObjectBuilder, builtins::JsFunction},
    property::{PropertyDescriptor, PropertyKey},
};
use boa_gc::{Finalize, Trace};

use crate::inspect::{capture_stack_getter, describe_value, describe_value_to_depth};

/// How deep `%o` describes objects (node: 4).
const FORMAT_O_DEPTH: usize = 4;
/// What Boa's `JSON.stringify` throws (a `TypeError`) for a cyclic value: `%j` prints
/// `[Circular]` for it, as node does for V8's.
const CYCLIC_MESSAGE: &str = "cyclic object value";

/// How the shell's console changes the next line boa_runtime's console writes (shared with the
/// logger, which applies it).
pub(crate) type NextLine = Rc<RefCell<Option<LineEdit>>>;

/// A change to the runtime's next `log` or `info` line.
#[derive(Debug)]
pub(crate) enum LineEdit {
    /// Add this after the line: the data of a `timeLog` call, after the runtime's `label: n ms`.
    Append(String),
    /// Write this instead (nothing for `None`): a group's label, without the runtime's `group: `.
    Replace(Option<String>),
}

impl LineEdit {
    /// `line` as this edit changes it; `None` when nothing is to be written.
    pub(crate) fn apply(self, mut line: String) -> Option<String> {
        match self {
            Self::Append(data) => {
                line.push(' ');
                line.push_str(&data);
                Some(line)
            }
            Self::Replace(text) => text,
        }
    }
}

/// What each replaced method does with its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    /// `log`, `info`, `debug`, `warn`, `error`, `exception`, `trace`, `dirxml`: all arguments
    /// formatted, to the runtime's method of that kind.
    Format,
    /// `group`, `groupCollapsed`: the runtime's group, its line the label alone (none without
    /// arguments), as node prints it.
    Group,
    /// `assert(condition, ...data)`: `Assertion failed: ...` to `error` when the condition fails.
    Assert,
    /// `dir(item)`: the item described (a string quoted) to `log`.
    Dir,
    /// `timeLog(label, ...data)`: the runtime's line, then the data formatted.
    TimeLog,
    /// `table(data, properties)`: a table of described cells to `log`, or the arguments
    /// formatted when `data` is no object.
    Table,
}

/// The functions the shell's methods use, captured when the console is set up: boa_runtime's
/// methods and the realm's own functions, so nothing a script later changes is called.
#[derive(Trace, Finalize)]
struct Captured {
    /// boa_runtime's method the replaced one prints through.
    target: JsFunction,
    /// boa_runtime's `log` (for `dir`).
    log: JsFunction,
    /// The built-in `toString` methods: an object that inherits one of them is described by `%s`
    /// (node's rule), others are converted with their own `toString`.
    builtin_to_strings: Vec<JsValue>,
    parse_int: JsFunction,
    parse_float: JsFunction,
    /// The realm's `JSON.stringify`, for `%j`.
    stringify: JsFunction,
    // Not traced: a plain enum, no GC pointer.
    #[unsafe_ignore_trace]
    method: Method,
    // Not traced: an `Rc` of the output's line state (plain Rust data), no GC pointer.
    #[unsafe_ignore_trace]
    next_line: NextLine,
}

/// Puts the shell's methods in front of boa_runtime's on the realm's `console` (installed just
/// before, so no script has touched it), and keeps what the inspector needs of the realm before
/// any script runs.
pub(crate) fn install(next_line: &NextLine, context: &mut Context) -> JsResult<()> {
    capture_stack_getter(context);
    let console = context
        .global_object()
        .get(js_string!("console"), context)?
        .as_object()
        .ok_or_else(|| boa_engine::JsNativeError::typ().with_message("no console to extend"))?;
    let runtime = |name: &str, context: &mut Context| -> JsResult<JsFunction> {
        console
            .get(JsString::from(name), context)?
            .as_object()
            .and_then(JsFunction::from_object)
            .ok_or_else(|| {
                boa_engine::JsNativeError::typ()
                    .with_message(format!("console.{name} is not a function"))
                    .into()
            })
    };
    let log = runtime("log", context)?;
    let builtin_to_strings = builtin_to_strings(context);
    let json = context.intrinsics().objects().json();
    let stringify = json
        .get(js_string!("stringify"), context)?
        .as_object()
        .and_then(JsFunction::from_object)
        .ok_or_else(|| {
            boa_engine::JsNativeError::typ().with_message("JSON.stringify is not a function")
        })?;
    let methods = [
        ("log", "log", Method::Format),
        ("info", "info", Method::Format),
        ("debug", "debug", Method::Format),
        ("warn", "warn", Method::Format),
        ("error", "error", Method::Format),
        ("exception", "error", Method::Format),
        ("trace", "trace", Method::Format),
        ("group", "group", Method::Group),
        ("groupCollapsed", "groupCollapsed", Method::Group),
        ("dirxml", "log", Method::Format),
        ("assert", "error", Method::Assert),
        ("dir", "log", Method::Dir),
        ("timeLog", "timeLog", Method::TimeLog),
        ("table", "log", Method::Table),
    ];
    for (name, target, method) in methods {
        let captured = Captured {
            target: runtime(target, context)?,
            log: log.clone(),
            builtin_to_strings: builtin_to_strings.clone(),
            parse_int: context.intrinsics().objects().parse_int(),
            parse_float: context.intrinsics().objects().parse_float(),
            stringify: stringify.clone(),
            method,
            next_line: Rc::clone(next_line),
        };
        let function = FunctionObjectBuilder::new(
            context.realm(),
            NativeFunction::from_copy_closure_with_captures(call, captured),
        )
        .name(JsString::from(name))
        .length(0)
        .build();
        console.define_property_or_throw(
            JsString::from(name),
            PropertyDescriptor::builder()
                .value(function)
                .writable(true)
                .enumerable(false)
                .configurable(true),
            context,
        )?;
    }
    Ok(())
}

/// The realm's built-in `toString` methods an object may inherit.
fn builtin_to_strings(context: &mut Context) -> Vec<JsValue> {
    let constructors = context.intrinsics().constructors();
    let prototypes = [
        constructors.object().prototype(),
        constructors.array().prototype(),
        constructors.error().prototype(),
        constructors.date().prototype(),
        constructors.regexp().prototype(),
        constructors.number().prototype(),
        constructors.boolean().prototype(),
        constructors.string().prototype(),
        constructors.symbol().prototype(),
        constructors.bigint().prototype(),
    ];
    let key = PropertyKey::from(js_string!("toString"));
    prototypes
        .iter()
        .filter_map(|prototype| {
            prototype
                .borrow()
                .properties()
                .get(&key)
                .and_then(|property| property.value().cloned())
        })
        .collect()
}

fn call(
    this: &JsValue,
    args: &[JsValue],
    captured: &Captured,
    context: &mut Context,
) -> JsResult<JsValue> {
    match captured.method {
        Method::Format => {
            let text = format(args, captured, context)?;
            captured.target.call(this, &[text.into()], context)
        }
        Method::Assert => {
            if args.first().is_some_and(JsValue::to_boolean) {
                return Ok(JsValue::undefined());
            }
            // node: `Assertion failed`, or `Assertion failed: ${data[0]}` formatted with the rest.
            let data = args.get(1..).unwrap_or_default();
            let mut message = String::from("Assertion failed");
            if let Some(first) = data.first() {
                message.push_str(": ");
                message.push_str(&first.to_string(context)?.to_std_string_escaped());
            }
            let mut parts = vec![JsValue::from(JsString::from(message.as_str()))];
            parts.extend(data.iter().skip(1).cloned());
            let text = format(&parts, captured, context)?;
            captured.target.call(this, &[text.into()], context)
        }
        Method::Dir => {
            let text = describe_value(args.get_or_undefined(0), context);
            captured
                .log
                .call(this, &[JsString::from(text.as_str()).into()], context)
        }
        Method::Group => {
            let text = format(args, captured, context)?;
            let label = (!args.is_empty()).then(|| text.to_std_string_escaped());
            *captured.next_line.borrow_mut() = Some(LineEdit::Replace(label));
            let result = captured.target.call(this, &[text.into()], context);
            captured.next_line.borrow_mut().take();
            result
        }
        Method::Table => {
            let text = match table::render(args.get_or_undefined(0), args.get(1), context)? {
                Some(table) => JsString::from(table.as_str()),
                None => format(args, captured, context)?,
            };
            captured.target.call(this, &[text.into()], context)
        }
        Method::TimeLog => {
            // The label is converted here, so no script code runs inside the runtime's method
            // while the data waits for its line.
            let label = match args.first() {
                Some(label) => label.to_string(context)?,
                None => js_string!("default"),
            };
            let data = args.get(1..).unwrap_or_default();
            if !data.is_empty() {
                let text = format(data, captured, context)?;
                *captured.next_line.borrow_mut() =
                    Some(LineEdit::Append(text.to_std_string_escaped()));
            }
            let result = captured.target.call(this, &[label.into()], context);
            // Unused when the timer does not exist (the runtime warns instead).
            captured.next_line.borrow_mut().take();
            result
        }
    }
}

/// The console's line for `args`, as node formats it: a first string argument with format
/// specifiers applied to the arguments after it, then every argument left, strings as they are
/// and anything else described, separated by spaces.
fn format(args: &[JsValue], captured: &Captured, context: &mut Context) -> JsResult<JsString> {
    let mut out = String::new();
    let mut next = 0;
    let format_string = args
        .first()
        .and_then(JsValue::as_string)
        .filter(|_| args.len() > 1);
    if let Some(first) = format_string {
        next = 1;
        let units: Vec<u16> = first.iter().collect();
        let mut plain_from = 0;
        let mut index = 0;
        while index + 1 < units.len() {
            if units[index] != u16::from(b'%') {
                index += 1;
                continue;
            }
            let specifier = char::from_u32(u32::from(units[index + 1])).unwrap_or('\0');
            let replacement = if specifier == '%' {
                Some(String::from("%"))
            } else if next < args.len() && "sdifjoOc".contains(specifier) {
                let text = specified(specifier, &args[next], captured, context)?;
                next += 1;
                Some(text)
            } else {
                None
            };
            if let Some(replacement) = replacement {
                out.push_str(&String::from_utf16_lossy(&units[plain_from..index]));
                out.push_str(&replacement);
                plain_from = index + 2;
            }
            index += 2;
        }
        out.push_str(&String::from_utf16_lossy(&units[plain_from..]));
    }
    for (position, arg) in args.iter().enumerate().skip(next) {
        if position > 0 {
            out.push(' ');
        }
        // A string is written as it is (node writes a lone surrogate as U+FFFD).
        match arg.as_string() {
            Some(text) => out.push_str(&text.to_std_string_lossy()),
            None => out.push_str(&describe_value(arg, context)),
        }
    }
    Ok(JsString::from(out.as_str()))
}

/// What one format specifier makes of its argument.
fn specified(
    specifier: char,
    arg: &JsValue,
    captured: &Captured,
    context: &mut Context,
) -> JsResult<String> {
    let number = |value: JsValue, context: &mut Context| -> JsResult<String> {
        Ok(match value.as_number() {
            Some(number) if number == 0.0 && number.is_sign_negative() => "-0".to_owned(),
            _ => value.to_string(context)?.to_std_string_escaped(),
        })
    };
    Ok(match (specifier, arg.variant()) {
        ('c', _) => String::new(),
        ('j', _) => json(arg, captured, context)?,
        ('o', _) => describe_value_to_depth(arg, FORMAT_O_DEPTH, context),
        ('O', _) | ('s' | 'd' | 'i', JsVariant::BigInt(_)) | ('s', JsVariant::Symbol(_)) => {
            describe_value(arg, context)
        }
        ('s', JsVariant::String(text)) => text.to_std_string_lossy(),
        ('s', JsVariant::Object(object)) if !object.is_callable() => {
            if inherits_builtin_to_string(&object, captured) {
                describe_value_to_depth(arg, 0, context)
            } else {
                arg.to_string(context)?.to_std_string_lossy()
            }
        }
        ('s', _) if arg.is_number() => number(arg.clone(), context)?,
        ('s', _) => arg.to_string(context)?.to_std_string_lossy(),
        ('d' | 'i' | 'f', JsVariant::Symbol(_)) => "NaN".to_owned(),
        ('d', _) => number(arg.to_number(context)?.into(), context)?,
        ('i', _) => number(
            captured
                .parse_int
                .call(&JsValue::undefined(), std::slice::from_ref(arg), context)?,
            context,
        )?,
        (_, _) => number(
            captured
                .parse_float
                .call(&JsValue::undefined(), std::slice::from_ref(arg), context)?,
            context,
        )?,
    })
}

/// `%j`: the argument as `JSON.stringify` writes it (`undefined` when it gives nothing), and
/// `[Circular]` for a cyclic value, as node does; any other error is thrown, as in node.
fn json(arg: &JsValue, captured: &Captured, context: &mut Context) -> JsResult<String> {
    match captured
        .stringify
        .call(&JsValue::undefined(), std::slice::from_ref(arg), context)
    {
        Ok(text) => Ok(text
            .as_string()
            .map_or_else(|| "undefined".to_owned(), |text| text.to_std_string_lossy())),
        Err(error) if is_cyclic_error(&error) => Ok("[Circular]".to_owned()),
        Err(error) => Err(error),
    }
}

/// Whether `error` is the `TypeError` Boa's `JSON.stringify` throws for a cyclic value (as a Rust
/// error, or as the object a script rethrew, its message read from storage).
fn is_cyclic_error(error: &JsError) -> bool {
    if let Some(native) = error.as_native() {
        return matches!(native.kind(), JsNativeErrorKind::Type)
            && native.message() == CYCLIC_MESSAGE;
    }
    let message = PropertyKey::from(js_string!("message"));
    error
        .as_opaque()
        .and_then(JsValue::as_object)
        .and_then(|object| object.borrow().properties().get(&message))
        .and_then(|property| property.value().and_then(JsValue::as_string))
        .is_some_and(|message| message == js_string!(CYCLIC_MESSAGE))
}

/// Whether node describes `object` for `%s` instead of converting it with `String()` (node's
/// `hasBuiltInToString`, read from storage): a proxy, or an object without a callable
/// `Symbol.toPrimitive` whose `toString` is not callable (or an accessor, or missing), or an
/// inherited built-in one. An own `toString` is the object's own.
fn inherits_builtin_to_string(object: &JsObject, captured: &Captured) -> bool {
    let callable = |value: &JsValue| value.as_object().is_some_and(|f| f.is_callable());
    match found_in_chain(object, &JsSymbol::to_primitive().into()) {
        Found::Data(_, value) if callable(&value) => return false,
        Found::Proxy => return true,
        _ => {}
    }
    match found_in_chain(object, &js_string!("toString").into()) {
        Found::Data(holder, function) if callable(&function) => {
            !JsObject::equals(&holder, object)
                && captured
                    .builtin_to_strings
                    .iter()
                    .any(|builtin| builtin == &function)
        }
        _ => true,
    }
}

/// What the search for a property along a prototype chain, in storage, found.
enum Found {
    /// A data property, and the object that holds it.
    Data(JsObject, JsValue),
    /// A proxy, whose handler alone could tell.
    Proxy,
    /// An accessor, or nothing.
    Other,
}

fn found_in_chain(object: &JsObject, key: &PropertyKey) -> Found {
    let mut current = Some(object.clone());
    while let Some(object) = current {
        if object.is::<boa_engine::builtins::proxy::Proxy>() {
            return Found::Proxy;
        }
        let property = object.borrow().properties().get(key);
        if let Some(property) = property {
            return match property.value() {
                Some(value) => Found::Data(object, value.clone()),
                None => Found::Other,
            };
        }
        current = object.prototype();
    }
    Found::Other
}
