//! Describing JavaScript values as node's inspector (`util.inspect`) does, whatever the value is:
//! bounded in depth and length, read from the objects' own storage (no getter, no proxy trap, no
//! script code), cycles marked, and never a panic.
//!
//! Boa's own `Display` for values recurses without bound through nested objects: an object nested
//! 16,384 deep makes it panic ("Formatting argument out of range"), and a deeper one overflows the
//! stack. So Boa's text is used here only for the values whose display cannot recurse (primitives,
//! functions, dates, regular expressions, errors with primitive `name` and `message`); every
//! object is walked here, to a fixed depth.

mod layout;
mod text;

use boa_engine::{
    builtins::{error::Error, proxy::Proxy},
    js_string,
    object::builtins::{
        JsDate, JsMap, JsPromise, JsRegExp, JsSet, JsTypedArray, JsWeakMap, JsWeakSet,
    },
    property::{DescriptorKind, PropertyKey},
    Context, JsBigInt, JsError, JsObject, JsString, JsSymbol, JsValue, JsVariant,
};

use layout::{lay_out, Columns, Frame};

/// How far and how long a description goes.
#[derive(Clone, Copy, Debug)]
struct Limits {
    /// Objects nested deeper than this are shown by name (`[Object]`, `[Array]`, `[Foo]`).
    depth: usize,
    /// Elements shown per array, typed array, `Map` or `Set` (node's `maxArrayLength`).
    elements: usize,
    /// Properties shown per object.
    properties: usize,
    /// UTF-16 code units shown per string (node's `maxStringLength`).
    string: usize,
    /// The line width past which entries go one per line (node's `breakLength`); `None` keeps
    /// everything on one line.
    width: Option<usize>,
    /// Characters produced (nested text counted at each level) before the rest is left out.
    chars: usize,
}

/// node's defaults: depth 2, 100 elements, 10,000 code units per string, 80 columns.
const INSPECT: Limits = Limits {
    depth: 2,
    elements: 100,
    properties: 1_000,
    string: 10_000,
    width: Some(80),
    chars: 1_000_000,
};

/// A one-line report of a thrown value.
const REPORT: Limits = Limits {
    depth: 1,
    elements: 20,
    properties: 20,
    string: 1_000,
    width: None,
    chars: 4_000,
};

/// `value` described as node's `util.inspect(value)` describes it with its default options
/// (nested objects to a depth of two, 100 elements per array, `Map` or `Set`, lines broken at 80
/// columns), so a shell can print it: strings are quoted, accessors are shown as `[Getter]` and
/// not called, a proxy is shown as `[Proxy]` without running its handler, a cycle as
/// `[Circular *1]`. Never runs script code and never panics, however deep, wide or cyclic the
/// value is; the text is bounded (about a million characters at most).
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default();
/// let value = context
///     .eval(Source::from_bytes(
///         "let a = {}; let c = a; for (let i = 0; i < 100000; i++) { c.x = {}; c = c.x; } a",
///     ))
///     .unwrap();
/// let text = boa_finalization::describe_value(&value, &mut context);
/// assert_eq!(text, "{ x: { x: { x: [Object] } } }");
///
/// let cyclic = context.eval(Source::from_bytes("const o = { s: 'it' }; o.self = o; o")).unwrap();
/// let text = boa_finalization::describe_value(&cyclic, &mut context);
/// assert_eq!(text, "<ref *1> { s: 'it', self: [Circular *1] }");
/// ```
#[must_use]
pub fn describe_value(value: &JsValue, context: &mut Context) -> String {
    Inspector::new(INSPECT, context).describe(value)
}

/// The deepest `depth` [`describe_value_to_depth`] goes to.
pub const MAX_DESCRIBE_DEPTH: usize = 16;

/// `value` described as [`describe_value`] does, but nested objects to `depth` levels (at most
/// [`MAX_DESCRIBE_DEPTH`]) instead of two: node's `util.inspect(value, { depth })`. A console's
/// `%s` shows objects to depth 0, `%o` to depth 4.
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default();
/// let value = context.eval(Source::from_bytes("({ a: { b: { c: 1 } } })")).unwrap();
/// let text = boa_finalization::describe_value_to_depth(&value, 0, &mut context);
/// assert_eq!(text, "{ a: [Object] }");
/// ```
#[must_use]
pub fn describe_value_to_depth(value: &JsValue, depth: usize, context: &mut Context) -> String {
    let limits = Limits {
        depth: depth.min(MAX_DESCRIBE_DEPTH),
        ..INSPECT
    };
    Inspector::new(limits, context).describe(value)
}

/// A description of `error` for a one-line report: what Boa displays (with its backtrace) when that
/// cannot run away, else a bounded description of the thrown object, as [`describe_value`] gives
/// it but on one line and one level less deep. Never panics and never runs script code, whatever
/// was thrown.
///
/// ```
/// use boa_engine::{Context, Source};
///
/// let mut context = Context::default();
/// let error = context
///     .eval(Source::from_bytes("let o = {}; for (let i = 0; i < 20000; i++) o = { o }; throw o"))
///     .unwrap_err();
/// let line = boa_finalization::describe_error(&error, &mut context);
/// assert_eq!(line, "{ o: { o: [Object] } }");
/// ```
#[must_use]
pub fn describe_error(error: &JsError, context: &mut Context) -> String {
    match error.as_opaque().and_then(JsValue::as_object) {
        Some(object) if !displays_without_recursion(&object) => bounded(
            Inspector::new(REPORT, context).describe(&object.into()),
            REPORT.chars,
        ),
        _ => bounded(error.to_string(), REPORT.chars),
    }
}

/// Whether Boa's display of `object` reads no nested object: an `Error` whose `name` and `message`
/// are primitives, a function (shown by its name), a date or a regular expression.
fn displays_without_recursion(object: &JsObject) -> bool {
    if object.is::<Proxy>() {
        return false;
    }
    if object.is::<Error>() {
        let primitive = |key: &str| {
            lookup(object, &js_string!(key).into()).is_none_or(|value| !value.is_object())
        };
        return primitive("name") && primitive("message");
    }
    object.is_callable()
        || JsDate::from_object(object.clone()).is_ok()
        || JsRegExp::from_object(object.clone()).is_ok()
}

/// The data value of `key` on `object` or its prototypes, read from their storage.
fn lookup(object: &JsObject, key: &PropertyKey) -> Option<JsValue> {
    let mut current = Some(object.clone());
    while let Some(object) = current {
        if object.is::<Proxy>() {
            return None;
        }
        if let Some(property) = object.borrow().properties().get(key) {
            return property.value().cloned();
        }
        current = object.prototype();
    }
    None
}

/// The data value of `object`'s own property `key`, read from its storage.
fn own(object: &JsObject, key: &PropertyKey) -> Option<JsValue> {
    object
        .borrow()
        .properties()
        .get(key)
        .and_then(|property| property.value().cloned())
}

/// The string value of `object`'s own data property `key`, if it is a non-empty string.
fn own_name(object: &JsObject, key: &str) -> Option<String> {
    own(object, &js_string!(key).into())
        .and_then(|value| value.as_string().map(|name| name.to_std_string_escaped()))
        .filter(|name| !name.is_empty())
}

/// `text` cut to `max` bytes at a character boundary, ending in `...` when cut.
fn bounded(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}

/// What an object is called in a description: its constructor's name (`None` for no
/// constructor: a null prototype) and its `Symbol.toStringTag`, when that says something more.
struct Naming {
    constructor: Option<String>,
    tag: Option<String>,
}

impl Naming {
    fn of(object: &JsObject) -> Self {
        let constructor = constructor_name(object);
        let tag = lookup(object, &JsSymbol::to_string_tag().into())
            .and_then(|value| value.as_string().map(|tag| tag.to_std_string_escaped()))
            .filter(|tag| !tag.is_empty() && Some(tag) != constructor.as_ref())
            // An own enumerable tag is listed with the properties; naming it twice says nothing.
            .filter(|_| !is_own_enumerable(object, &JsSymbol::to_string_tag().into()));
        Self { constructor, tag }
    }

    /// What goes before the braces: `Foo `, `Foo(2) `, `Object [tag] `, `[Object: null prototype] `;
    /// empty for a plain object or array (`size` empty) without a tag.
    fn prefix(&self, fallback: &str, size: &str) -> String {
        match (&self.constructor, &self.tag) {
            (None, Some(tag)) => format!("[{fallback}{size}: null prototype] [{tag}] "),
            (None, None) => format!("[{fallback}{size}: null prototype] "),
            (Some(name), None)
                if name == fallback
                    && size.is_empty()
                    && matches!(fallback, "Object" | "Array") =>
            {
                String::new()
            }
            (Some(name), None) => format!("{name}{size} "),
            (Some(name), Some(tag)) => format!("{name}{size} [{tag}] "),
        }
    }

    /// The name shown for an object past the depth limit: `[Object]`, `[Foo]`.
    fn collapsed(&self, fallback: &str) -> String {
        match &self.constructor {
            Some(name) => format!("[{name}]"),
            None => format!("[{fallback}: null prototype]"),
        }
    }
}

/// The name of the first constructor found on `object` or its prototypes (an own data property
/// `constructor` whose value has an own non-empty string `name`).
fn constructor_name(object: &JsObject) -> Option<String> {
    let constructor = js_string!("constructor").into();
    let mut current = Some(object.clone());
    while let Some(object) = current {
        if object.is::<Proxy>() {
            return None;
        }
        let name = own(&object, &constructor)
            .and_then(|value| value.as_object())
            .and_then(|function| own_name(&function, "name"));
        if name.is_some() {
            return name;
        }
        current = object.prototype();
    }
    None
}

fn is_own_enumerable(object: &JsObject, key: &PropertyKey) -> bool {
    object
        .borrow()
        .properties()
        .get(key)
        .is_some_and(|property| property.expect_enumerable())
}

/// One description under way.
struct Inspector<'c> {
    limits: Limits,
    context: &'c mut Context,
    /// The objects being described, outermost first: meeting one of them again is a cycle.
    path: Vec<JsObject>,
    /// The objects a cycle points back to, in the order met: the first is `*1`.
    cycle_targets: Vec<JsObject>,
    /// Spaces before the entries of the object being described.
    indentation: usize,
    /// Characters produced so far, counted as each entry is made.
    produced: usize,
    /// The depth of the object whose entries were described last.
    last_listed: usize,
}

/// What a described object shows: `base` (its own text, for functions, errors, dates and boxed
/// primitives), its braces, its entries, whether the last entry counts what was left out, and how
/// its entries may line up.
struct Shape {
    base: String,
    open: String,
    close: &'static str,
    entries: Vec<String>,
    more: bool,
    columns: Columns,
}

impl<'c> Inspector<'c> {
    fn new(limits: Limits, context: &'c mut Context) -> Self {
        Self {
            limits,
            context,
            path: Vec::new(),
            cycle_targets: Vec::new(),
            indentation: 0,
            produced: 0,
            last_listed: 0,
        }
    }

    /// Whether the description is long enough: what is left is counted, not shown.
    fn full(&self) -> bool {
        self.produced > self.limits.chars
    }

    fn describe(&mut self, value: &JsValue) -> String {
        self.value(value, 0)
    }

    fn value(&mut self, value: &JsValue, depth: usize) -> String {
        let text = match value.variant() {
            JsVariant::String(string) => self.string(&string),
            JsVariant::Object(object) => self.object(&object, depth),
            JsVariant::Float64(number) if number == 0.0 && number.is_sign_negative() => {
                "-0".to_owned()
            }
            JsVariant::Float64(number) => boa_engine::value::JsValue::from(number)
                .to_string(self.context)
                .map_or_else(|_| number.to_string(), |text| text.to_std_string_escaped()),
            _ => value.display().to_string(),
        };
        self.produced += text.len();
        text
    }

    /// A string, quoted; a long one with lines is split at its line ends, as node does.
    fn string(&self, string: &JsString) -> String {
        const SHORTEST_SPLIT: usize = 16;
        let length = string.len();
        let splits =
            self.limits.width.is_some_and(|width| {
                length > SHORTEST_SPLIT && length + self.indentation + 4 > width
            }) && length <= self.limits.string;
        let units: Vec<u16> = string.iter().collect();
        if splits && units[..length - 1].contains(&u16::from(b'\n')) {
            let lines: Vec<String> = units
                .split_inclusive(|&unit| unit == u16::from(b'\n'))
                .map(|line| text::quoted(&JsString::from(line), self.limits.string))
                .collect();
            let separator = format!(" +\n{}", " ".repeat(self.indentation + 2));
            return lines.join(&separator);
        }
        text::quoted(string, self.limits.string)
    }

    fn object(&mut self, object: &JsObject, depth: usize) -> String {
        if self.path.iter().any(|seen| JsObject::equals(seen, object)) {
            let number = match self
                .cycle_targets
                .iter()
                .position(|target| JsObject::equals(target, object))
            {
                Some(index) => index + 1,
                None => {
                    self.cycle_targets.push(object.clone());
                    self.cycle_targets.len()
                }
            };
            return format!("[Circular *{number}]");
        }
        let text = self.object_text(object, depth);
        match self
            .cycle_targets
            .iter()
            .position(|target| JsObject::equals(target, object))
        {
            Some(index) => format!("<ref *{}> {text}", index + 1),
            None => text,
        }
    }

    fn object_text(&mut self, object: &JsObject, depth: usize) -> String {
        if object.is::<Proxy>() {
            // Its keys and values are the handler's to tell, and the handler is script code.
            return "[Proxy]".to_owned();
        }
        let naming = Naming::of(object);
        let keys = self.enumerable_keys(object);
        if let Some(text) = self.leaf(object, &keys) {
            return text;
        }
        let (fallback, empty) = self.kind(object, &naming, &keys);
        if let Some(empty) = empty {
            return empty;
        }
        if depth > self.limits.depth {
            return naming.collapsed(fallback);
        }
        self.path.push(object.clone());
        self.last_listed = depth;
        let shape = self.shape(object, &naming, &keys, depth + 1);
        self.path.pop();
        lay_out(
            shape.entries,
            &Frame {
                base: &shape.base,
                open: &shape.open,
                close: shape.close,
            },
            self.indentation,
            self.limits.width,
            shape.columns,
            shape.more,
            self.last_listed - depth,
        )
    }

    /// An object shown whole by its own text, with no property to list: a function, a date, a
    /// regular expression, an error, a boxed primitive.
    fn leaf(&mut self, object: &JsObject, keys: &[PropertyKey]) -> Option<String> {
        keys.is_empty().then(|| self.base(object)).flatten()
    }

    /// The own text of a function, date, regular expression, error or boxed primitive.
    fn base(&mut self, object: &JsObject) -> Option<String> {
        if object.is_callable() {
            return Some(self.function_base(object));
        }
        if object.is::<Error>() {
            return Some(self.error_base(object));
        }
        if displays_without_recursion(object) {
            return Some(JsValue::from(object.clone()).display().to_string());
        }
        if let Some(number) = object.downcast_ref::<f64>().map(|number| *number) {
            return Some(format!("[Number: {}]", self.value(&number.into(), 0)));
        }
        if let Some(boolean) = object.downcast_ref::<bool>().map(|boolean| *boolean) {
            return Some(format!("[Boolean: {boolean}]"));
        }
        if let Some(string) = object
            .downcast_ref::<JsString>()
            .map(|string| string.clone())
        {
            return Some(format!("[String: {}]", self.string(&string)));
        }
        if let Some(symbol) = object
            .downcast_ref::<JsSymbol>()
            .map(|symbol| symbol.clone())
        {
            return Some(format!(
                "[Symbol: {}]",
                symbol.descriptive_string().to_std_string_escaped()
            ));
        }
        if let Some(bigint) = object
            .downcast_ref::<JsBigInt>()
            .map(|bigint| bigint.clone())
        {
            return Some(format!("[BigInt: {bigint}n]"));
        }
        None
    }

    /// `[Function: f]`, `[AsyncFunction: f]`, `[class A extends B]`...
    fn function_base(&mut self, function: &JsObject) -> String {
        let name = own_name(function, "name");
        // Boa's display of a callable reads only its name, and alone knows a class constructor.
        if JsValue::from(function.clone())
            .display()
            .to_string()
            .starts_with("[class")
        {
            let name = name.unwrap_or_else(|| "(anonymous)".to_owned());
            let extends = function
                .prototype()
                .and_then(|parent| own_name(&parent, "name"))
                .map(|parent| format!(" extends {parent}"))
                .unwrap_or_default();
            return format!("[class {name}{extends}]");
        }
        let constructors = self.context.intrinsics().constructors();
        let kinds = [
            (constructors.async_function().prototype(), "AsyncFunction"),
            (
                constructors.generator_function().prototype(),
                "GeneratorFunction",
            ),
            (
                constructors.async_generator_function().prototype(),
                "AsyncGeneratorFunction",
            ),
        ];
        let kind = function
            .prototype()
            .and_then(|parent| {
                kinds
                    .into_iter()
                    .find(|(prototype, _)| JsObject::equals(prototype, &parent))
            })
            .map_or("Function", |(_, kind)| kind);
        match name {
            Some(name) => format!("[{kind}: {name}]"),
            None => format!("[{kind} (anonymous)]"),
        }
    }

    /// `name: message` of an error, as Boa shows it when both are primitives (with where it was
    /// made), else each described.
    fn error_base(&mut self, error: &JsObject) -> String {
        if displays_without_recursion(error) {
            return JsValue::from(error.clone()).display().to_string();
        }
        let mut parts = Vec::new();
        for key in ["name", "message"] {
            if let Some(value) = lookup(error, &js_string!(key).into()) {
                parts.push(match value.as_string() {
                    Some(text) => text.to_std_string_escaped(),
                    None => self.value(&value, self.limits.depth + 1),
                });
            }
        }
        parts.join(": ")
    }

    /// The enumerable own keys, strings then symbols, as node lists them; `[]` when even the keys
    /// cannot be read.
    fn enumerable_keys(&mut self, object: &JsObject) -> Vec<PropertyKey> {
        // Not a proxy (checked before), so [[OwnPropertyKeys]] runs no script code.
        let keys = object.own_property_keys(self.context).unwrap_or_default();
        keys.into_iter()
            .filter(|key| is_own_enumerable(object, key))
            .collect()
    }

    /// The name for `object`'s kind (`Array`, `Map`, `Object`...) and, for an object with nothing
    /// to show, its whole text (`{}`, `Map(0) {}`, `Foo(0) []`).
    fn kind(
        &mut self,
        object: &JsObject,
        naming: &Naming,
        keys: &[PropertyKey],
    ) -> (&'static str, Option<String>) {
        let empty = |fallback: &str, length: usize, size: String, braces: &str| {
            (keys.is_empty() && length == 0)
                .then(|| format!("{}{braces}", naming.prefix(fallback, &size)))
        };
        if object.is_array() {
            let plain = naming.constructor.as_deref() == Some("Array") && naming.tag.is_none();
            let size = if plain {
                String::new()
            } else {
                "(0)".to_owned()
            };
            return ("Array", empty("Array", array_length(object), size, "[]"));
        }
        if let Ok(map) = JsMap::from_object(object.clone()) {
            let size = self.map_size(&map);
            return ("Map", empty("Map", size, "(0)".to_owned(), "{}"));
        }
        if let Ok(set) = JsSet::from_object(object.clone()) {
            return ("Set", empty("Set", set.size(), "(0)".to_owned(), "{}"));
        }
        if let Ok(array) = JsTypedArray::from_object(object.clone()) {
            let length = array.length(self.context).unwrap_or(0);
            return (
                "TypedArray",
                empty("TypedArray", length, "(0)".to_owned(), "[]"),
            );
        }
        let special = object.is_callable()
            || self.base_is_own_text(object)
            || JsPromise::from_object(object.clone()).is_ok()
            || JsWeakMap::from_object(object.clone()).is_ok()
            || JsWeakSet::from_object(object.clone()).is_ok();
        let length = usize::from(special);
        ("Object", empty("Object", length, String::new(), "{}"))
    }

    fn base_is_own_text(&self, object: &JsObject) -> bool {
        object.is::<Error>()
            || displays_without_recursion(object)
            || object.is::<f64>()
            || object.is::<bool>()
            || object.is::<JsString>()
            || object.is::<JsSymbol>()
            || object.is::<JsBigInt>()
    }

    fn map_size(&mut self, map: &JsMap) -> usize {
        map.get_size(self.context)
            .ok()
            .and_then(|size| size.as_number())
            .map_or(0, |size| size as usize)
    }

    /// The entries of a non-empty object within the depth limit; `depth` is its entries' depth.
    fn shape(
        &mut self,
        object: &JsObject,
        naming: &Naming,
        keys: &[PropertyKey],
        depth: usize,
    ) -> Shape {
        let mut shape = Shape {
            base: String::new(),
            open: format!("{}{{", naming.prefix("Object", "")),
            close: "}",
            entries: Vec::new(),
            more: false,
            columns: Columns::Never,
        };
        let mut keys = keys.to_vec();
        self.indentation += 2;
        if object.is_array() {
            let length = array_length(object);
            let plain = naming.constructor.as_deref() == Some("Array") && naming.tag.is_none();
            let size = if plain {
                String::new()
            } else {
                format!("({length})")
            };
            shape.open = format!("{}[", naming.prefix("Array", &size));
            shape.close = "]";
            keys.retain(|key| !matches!(key, PropertyKey::Index(_)));
            self.array_elements(object, length, depth, &mut shape);
        } else if let Ok(array) = JsTypedArray::from_object(object.clone()) {
            let length = array.length(self.context).unwrap_or(0);
            let name = naming.constructor.as_deref().unwrap_or("TypedArray");
            shape.open = format!("{name}({length}) [");
            shape.close = "]";
            keys.retain(|key| !matches!(key, PropertyKey::Index(_)));
            self.typed_elements(&array, length, depth, &mut shape);
        } else if let Ok(map) = JsMap::from_object(object.clone()) {
            let size = self.map_size(&map);
            shape.open = format!("{}{{", naming.prefix("Map", &format!("({size})")));
            self.map_entries(&map, size, depth, &mut shape);
        } else if let Ok(set) = JsSet::from_object(object.clone()) {
            shape.open = format!("{}{{", naming.prefix("Set", &format!("({})", set.size())));
            self.set_entries(&set, depth, &mut shape);
        } else if let Ok(promise) = JsPromise::from_object(object.clone()) {
            shape.open = format!("{}{{", naming.prefix("Promise", ""));
            let state = match promise.state() {
                boa_engine::builtins::promise::PromiseState::Pending => "<pending>".to_owned(),
                boa_engine::builtins::promise::PromiseState::Fulfilled(value) => {
                    self.value(&value, depth)
                }
                boa_engine::builtins::promise::PromiseState::Rejected(reason) => {
                    format!("<rejected> {}", self.value(&reason, depth))
                }
            };
            shape.entries.push(state);
        } else if JsWeakMap::from_object(object.clone()).is_ok()
            || JsWeakSet::from_object(object.clone()).is_ok()
        {
            shape.entries.push("<items unknown>".to_owned());
        } else if let Some(base) = self.base(object) {
            shape.base = base;
            shape.open = "{".to_owned();
        }
        self.properties(object, &keys, depth, &mut shape);
        self.indentation -= 2;
        shape
    }

    /// `name: value` for each key, up to the limits.
    fn properties(
        &mut self,
        object: &JsObject,
        keys: &[PropertyKey],
        depth: usize,
        shape: &mut Shape,
    ) {
        for (shown, key) in keys.iter().enumerate() {
            if shown == self.limits.properties || self.full() {
                let left = keys.len() - shown;
                shape.entries.push(format!(
                    "... {left} more propert{}",
                    if left == 1 { "y" } else { "ies" }
                ));
                shape.more = true;
                break;
            }
            let value = self.property(object, key, depth);
            shape.entries.push(format!("{}: {value}", text::key(key)));
        }
    }

    /// The value of `object`'s own property `key`: described if data, named if an accessor.
    fn property(&mut self, object: &JsObject, key: &PropertyKey, depth: usize) -> String {
        let property = object.borrow().properties().get(key);
        match property.as_ref().map(|property| property.kind()) {
            Some(DescriptorKind::Data {
                value: Some(value), ..
            }) => self.value(&value.clone(), depth),
            Some(DescriptorKind::Accessor { get, set }) => {
                let defined =
                    |part: &Option<JsValue>| part.as_ref().is_some_and(|f| !f.is_undefined());
                match (defined(get), defined(set)) {
                    (true, true) => "[Getter/Setter]",
                    (true, false) => "[Getter]",
                    (false, true) => "[Setter]",
                    (false, false) => "undefined",
                }
                .to_owned()
            }
            _ => "undefined".to_owned(),
        }
    }

    /// An array's elements from its storage, a run of holes as `<n empty items>`.
    fn array_elements(
        &mut self,
        object: &JsObject,
        length: usize,
        depth: usize,
        shape: &mut Shape,
    ) {
        let indices: Vec<u32> = object
            .own_property_keys(self.context)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|key| match key {
                PropertyKey::Index(index) => Some(index.get()),
                _ => None,
            })
            .collect();
        let mut all_numbers = true;
        let mut next = 0usize;
        let mut indices = indices.into_iter().map(|index| index as usize).peekable();
        while next < length {
            if shape.entries.len() == self.limits.elements || self.full() {
                break;
            }
            match indices.peek().copied() {
                Some(index) if index == next => {
                    indices.next();
                    let key = PropertyKey::from(index as u32);
                    if !own(object, &key)
                        .is_some_and(|value| value.is_number() || value.is_bigint())
                    {
                        all_numbers = false;
                    }
                    let element = self.property(object, &key, depth);
                    shape.entries.push(element);
                    next += 1;
                }
                upcoming => {
                    let end = upcoming.unwrap_or(length).min(length);
                    let holes = end - next;
                    shape
                        .entries
                        .push(format!("<{holes} empty item{}>", text::plural(holes)));
                    all_numbers = false;
                    next = end;
                }
            }
        }
        self.more_elements(length - next, shape);
        shape.columns = if all_numbers {
            Columns::Right
        } else {
            Columns::Left
        };
    }

    fn typed_elements(
        &mut self,
        array: &JsTypedArray,
        length: usize,
        depth: usize,
        shape: &mut Shape,
    ) {
        let shown = length.min(self.limits.elements);
        for index in 0..shown {
            let element = array.at(index as i64, self.context).unwrap_or_default();
            let text = self.value(&element, depth);
            shape.entries.push(text);
        }
        self.more_elements(length - shown, shape);
        shape.columns = Columns::Right;
    }

    fn map_entries(&mut self, map: &JsMap, size: usize, depth: usize, shape: &mut Shape) {
        let pairs = first_of(self.limits.elements, |keep| {
            map.for_each_native(|key, value| {
                keep(vec![key, value]);
                Ok(())
            })
        });
        for pair in &pairs {
            if self.full() {
                break;
            }
            let key = self.value(&pair[0], depth);
            let value = self.value(&pair[1], depth);
            shape.entries.push(format!("{key} => {value}"));
        }
        self.more_elements(size - shape.entries.len(), shape);
    }

    fn set_entries(&mut self, set: &JsSet, depth: usize, shape: &mut Shape) {
        let values = first_of(self.limits.elements, |keep| {
            set.for_each_native(|value| {
                keep(vec![value]);
                Ok(())
            })
        });
        for value in &values {
            if self.full() {
                break;
            }
            let text = self.value(&value[0], depth);
            shape.entries.push(text);
        }
        self.more_elements(set.size() - shape.entries.len(), shape);
    }

    /// `... n more items` for the elements left out.
    fn more_elements(&mut self, left: usize, shape: &mut Shape) {
        if left > 0 {
            shape
                .entries
                .push(format!("... {left} more item{}", text::plural(left)));
            shape.more = true;
        }
    }
}

/// The first `count` items `each` hands to its callback (a collection walked natively).
fn first_of(
    count: usize,
    each: impl FnOnce(&mut dyn FnMut(Vec<JsValue>)) -> boa_engine::JsResult<()>,
) -> Vec<Vec<JsValue>> {
    let mut items = Vec::new();
    let _ = each(&mut |item| {
        if items.len() < count {
            items.push(item);
        }
    });
    items
}

/// An array's `length`, read from its storage.
fn array_length(array: &JsObject) -> usize {
    own(array, &js_string!("length").into())
        .and_then(|length| length.as_number())
        .map_or(0, |length| length as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::Source;

    fn describe(code: &str) -> String {
        let mut context = Context::default();
        let error = context.eval(Source::from_bytes(code)).unwrap_err();
        describe_error(&error, &mut context)
    }

    fn inspect(code: &str) -> String {
        let mut context = Context::default();
        let value = context.eval(Source::from_bytes(code)).unwrap();
        describe_value(&value, &mut context)
    }

    #[test]
    fn errors_and_primitives_read_as_boa_shows_them() {
        assert!(describe("throw new TypeError('boom')").starts_with("TypeError: boom"));
        assert!(describe("throw 'text'").starts_with("\"text\""));
        assert!(describe("throw 42").starts_with("42"));
    }

    #[test]
    fn thrown_objects_are_described_on_one_line_to_a_depth_of_one() {
        assert_eq!(
            describe("throw { a: 1, b: [1, { c: { d: 1 } }], get g() { throw 1 } }"),
            "{ a: 1, b: [ 1, [Object] ], g: [Getter] }"
        );
        assert_eq!(describe("throw []"), "[]");
    }

    #[test]
    fn deep_and_wide_values_stay_bounded_and_run_no_script() {
        let deep_message = describe(
            "let o = {}; for (let i = 0; i < 100000; i++) o = { o }; \
             const e = new Error(); e.message = o; throw e",
        );
        assert!(deep_message.contains("[Object]"), "{deep_message}");
        let wide = describe("throw Object.fromEntries([...Array(1000).keys()].map(i => ['k' + i, 'x'.repeat(100)]))");
        assert!(
            wide.len() <= REPORT.chars + 3 && wide.contains("more"),
            "{}",
            wide.len()
        );
        assert_eq!(
            describe("globalThis.called = 0; throw new Proxy({}, { ownKeys() { called++; return []; } })"),
            "[Proxy]"
        );
        let huge = inspect(
            "const o = {}; for (let i = 0; i < 3000; i++) o['k' + i] = 'x'.repeat(1000); [o, o, o]",
        );
        assert!(huge.len() < 2 * INSPECT.chars, "{}", huge.len());
    }

    #[test]
    fn values_read_as_node_shows_them() {
        for (code, expected) in [
            ("({ a: 1, 'b-c': 's', [Symbol('k')]: null })", "{ a: 1, 'b-c': 's', [Symbol(k)]: null }"),
            ("[[[[1]]]]", "[ [ [ [Array] ] ] ]"),
            ("({ a: { b: { c: {} } } })", "{ a: { b: { c: {} } } }"),
            ("const o = {}; o.o = o; o", "<ref *1> { o: [Circular *1] }"),
            ("[1, , , 2]", "[ 1, <2 empty items>, 2 ]"),
            ("new Map([['a', 1]])", "Map(1) { 'a' => 1 }"),
            ("new Set([1, 'x'])", "Set(2) { 1, 'x' }"),
            ("Object.create(null)", "[Object: null prototype] {}"),
            ("class A {}; class B extends A { constructor() { super(); this.x = 1 } }; [new B(), B]", "[ B { x: 1 }, [class B extends A] ]"),
            ("[function f() {}, async () => {}, function* g() {}]", "[ [Function: f], [AsyncFunction (anonymous)], [GeneratorFunction: g] ]"),
            ("({ get a() { throw 1 }, set b(v) {} })", "{ a: [Getter], b: [Setter] }"),
            ("-0", "-0"),
            ("[new Number(3), new String('s'), Object(1n)]", "[ [Number: 3], [String: 's'], [BigInt: 1n] ]"),
            ("Promise.resolve({ a: 1 })", "Promise { { a: 1 } }"),
            ("new Proxy({ a: 1 }, { get() { throw 1 } })", "[Proxy]"),
        ] {
            assert_eq!(inspect(code), expected, "{code}");
        }
    }

    #[test]
    fn many_elements_are_counted_and_laid_out_in_columns() {
        assert_eq!(inspect("[...Array(101).keys()]").lines().last(), Some("]"));
        assert!(inspect("[...Array(101).keys()]").contains("... 1 more item\n"));
    }
}
