//! An error as node's inspector shows it: its stack (`name: message` and the frames Boa recorded),
//! named after its constructor, with the frames it shares with its cause left out, and the keys
//! the stack already shows left out of its properties. (node's rules, re-derived from what node
//! prints.)
//!
//! Boa keeps an error's frames where only its `Error.prototype.stack` getter reads them; the
//! shell captures that getter before any script runs ([`capture_stack_getter`]), so calling it
//! runs Boa's code, never a script's (a script may have replaced the realm's accessor since).

use boa_engine::{
    Context, JsData, JsObject, JsString, JsValue, builtins::error::Error, js_string,
    object::builtins::JsFunction, property::PropertyKey,
};
use boa_gc::{Finalize, Trace};

use super::naming::Naming;
use super::storage::{lookup, own};

/// What begins each frame of a stack, after its line break.
const FRAME_START: &str = "\n    at";
/// Frames shared with the cause are left out only from this many on (node's rule).
const SHARED_FRAMES_FROM: usize = 4;

/// The realm's own `Error.prototype.stack` getter, as it was before any script ran (context data).
#[derive(Trace, Finalize, JsData)]
struct StackGetter(JsFunction);

/// Keeps the realm's `Error.prototype.stack` getter for the inspector; to be called before any
/// script runs. Without it, errors are shown without their frames (`[Error: boom]`).
pub(crate) fn capture_stack_getter(context: &mut Context) {
    let prototype = context.intrinsics().constructors().error().prototype();
    let property = prototype
        .borrow()
        .properties()
        .get(&js_string!("stack").into());
    let getter = property
        .and_then(|property| property.get().cloned())
        .and_then(|getter| getter.as_object())
        .and_then(JsFunction::from_object);
    if let Some(getter) = getter {
        context.insert_data(StackGetter(getter));
    }
}

/// The stack node shows for `error` (not yet indented), with `keys` (its enumerable own keys)
/// rid of those the stack shows and given the hidden `cause` and `errors` it has.
pub(super) fn stack(
    error: &JsObject,
    naming: &Naming,
    keys: &mut Vec<PropertyKey>,
    context: &mut Context,
) -> String {
    let stack = stack_string(error, context);
    remove_shown_keys(keys, error, &stack);
    for (hidden, wanted) in [("cause", true), ("errors", is_array(error, "errors"))] {
        let key = PropertyKey::from(JsString::from(hidden));
        if wanted && own(error, &key).is_some() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    let stack = named_after_constructor(stack, error, naming);
    let message = string_property(error, "message").filter(|message| !message.is_empty());
    let after_message = message
        // node's quirk kept: a message found at the very start counts as not found.
        .and_then(|message| {
            stack
                .find(&message)
                .filter(|&at| at > 0)
                .map(|at| at + message.len())
        })
        .unwrap_or(0);
    match stack[after_message..].find(FRAME_START) {
        None => format!("[{stack}]"),
        Some(start) => {
            let (head, frames) = stack.split_at(after_message + start);
            let frames: Vec<&str> = frames[1..].split('\n').collect();
            format!(
                "{head}\n{}",
                without_cause_frames(&frames, error, context).join("\n")
            )
        }
    }
}

/// node's `err.stack || Error.prototype.toString.call(err)`: a string the script stored as
/// `stack`, else `name: message` and the frames Boa recorded (none once a script stored something
/// else as `stack`).
fn stack_string(error: &JsObject, context: &mut Context) -> String {
    let stored = own(error, &js_string!("stack").into());
    if let Some(stack) = stored.as_ref().and_then(JsValue::as_string)
        && !stack.is_empty()
    {
        return stack.to_std_string_lossy();
    }
    let name = string_property(error, "name").unwrap_or_else(|| "Error".to_owned());
    let message = string_property(error, "message").unwrap_or_default();
    let head = match (name.as_str(), message.as_str()) {
        (text, "") | ("", text) => text.to_owned(),
        _ => format!("{name}: {message}"),
    };
    match frames(error, context) {
        Some(frames) if !frames.is_empty() && stored.is_none() => format!("{head}\n{frames}"),
        _ => head,
    }
}

/// The frames Boa recorded for `error` (`    at f (file.js:1:2)` lines), from the captured getter.
fn frames(error: &JsObject, context: &mut Context) -> Option<String> {
    let getter = context.get_data::<StackGetter>()?.0.clone();
    let frames = getter.call(&error.clone().into(), &[], context).ok()?;
    Some(
        frames
            .as_string()?
            .to_std_string_lossy()
            .trim_end()
            .to_owned(),
    )
}

/// A string `name` or `message`, read from storage (own or inherited); `None` for anything else.
fn string_property(error: &JsObject, key: &str) -> Option<String> {
    lookup(error, &JsString::from(key).into())
        .and_then(|value| value.as_string().map(|text| text.to_std_string_lossy()))
}

fn is_array(object: &JsObject, key: &str) -> bool {
    own(object, &JsString::from(key).into())
        .and_then(|value| value.as_object())
        .is_some_and(|value| value.is_array())
}

/// Leaves out of `keys` the `name` and `message` whose text the stack already shows, and
/// `stack` (node's is never enumerable; Boa's setter makes a script's enumerable).
fn remove_shown_keys(keys: &mut Vec<PropertyKey>, error: &JsObject, stack: &str) {
    keys.retain(|key| {
        let PropertyKey::String(name) = key else {
            return true;
        };
        if name == &js_string!("stack") {
            return false;
        }
        let shown = name == &js_string!("name") || name == &js_string!("message");
        let text = own(error, key)
            .and_then(|value| value.as_string().map(|text| text.to_std_string_lossy()));
        !(shown && text.is_some_and(|text| stack.contains(&text)))
    });
}

/// node's first line for an error whose constructor says more than its name: `MyError: boom` for
/// a subclass whose name is `Error`, `Foo [Error]: boom` when the name is not in the constructor's,
/// `[Error: null prototype]: boom` with no constructor.
fn named_after_constructor(stack: String, error: &JsObject, naming: &Naming) -> String {
    let name = string_property(error, "name").unwrap_or_else(|| "Error".to_owned());
    let mut length = name.len();
    let regular = name.ends_with("Error")
        && stack.starts_with(&name)
        && matches!(stack.as_bytes().get(length), None | Some(b':' | b'\n'));
    if naming.constructor.is_some() && !regular {
        return stack;
    }
    let mut fallback = "Error".to_owned();
    if naming.constructor.is_none() {
        let named = leading_error_name(&stack);
        length = named.len();
        if !named.is_empty() {
            fallback = named;
        }
    }
    let prefix = naming.prefix(&fallback, "");
    let prefix = prefix.trim_end_matches(' ');
    if name == prefix {
        stack
    } else if prefix.contains(&name) {
        if length == 0 {
            format!("{prefix}: {stack}")
        } else {
            format!("{prefix}{}", &stack[length..])
        }
    } else {
        format!("{prefix} [{name}]{}", &stack[length..])
    }
}

/// The name a stack begins with (`TypeError` in `TypeError: x`), as node reads it from an error
/// with no constructor: a capital, then letters, digits, spaces, `_[]()-`, up to a `:` or the
/// first frame; or a whole stack that is one word ending in `Error`.
fn leading_error_name(stack: &str) -> String {
    let end = stack
        .find(':')
        .into_iter()
        .chain(stack.find(FRAME_START))
        .min();
    let name = end.map_or("", |end| &stack[..end]);
    let allowed = |c: char| c.is_ascii_alphanumeric() || " _[]()-".contains(c);
    if name.len() > 1
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(allowed)
    {
        return name.to_owned();
    }
    let word = |c: char| c.is_ascii_alphanumeric() || "_-".contains(c);
    if stack.ends_with("Error") && stack.chars().all(word) {
        return stack.to_owned();
    }
    String::new()
}

/// `frames` without the run it shares with the frames of the error's cause, which node replaces
/// by `... n lines matching cause stack trace ...`.
fn without_cause_frames<'a>(
    frames: &[&'a str],
    error: &JsObject,
    context: &mut Context,
) -> Vec<std::borrow::Cow<'a, str>> {
    let cause = own(error, &js_string!("cause").into())
        .and_then(|cause| cause.as_object())
        .filter(|cause| cause.is::<Error>());
    let cause_stack = cause.map(|cause| stack_string(&cause, context));
    let cause_frames: Vec<&str> = cause_stack
        .as_deref()
        .and_then(|stack| stack.find(FRAME_START).map(|start| &stack[start + 1..]))
        .map(|frames| frames.split('\n').collect())
        .unwrap_or_default();
    let mut shown: Vec<std::borrow::Cow<'a, str>> = frames.iter().map(|&f| f.into()).collect();
    if let Some((offset, length)) = shared_run(frames, &cause_frames) {
        let skipped = length - 2;
        let note = format!("    ... {skipped} lines matching cause stack trace ...");
        shown.splice(offset + 1..offset + 1 + skipped, [note.into()]);
    }
    shown
}

/// The first run of more than three lines of `frames` that `cause` has too, as node finds it:
/// where it starts in `frames` and how long it is.
fn shared_run(frames: &[&str], cause: &[&str]) -> Option<(usize, usize)> {
    for start in 0..frames.len().saturating_sub(3) {
        let Some(position) = cause.iter().position(|line| *line == frames[start]) else {
            continue;
        };
        let rest = cause.len() - position;
        if rest <= 3 {
            continue;
        }
        let longest = (frames.len() - start).min(rest);
        let mut length = 1;
        while length < longest && frames[start + length] == cause[position + length] {
            length += 1;
        }
        if length >= SHARED_FRAMES_FROM {
            return Some((start, length));
        }
    }
    None
}
