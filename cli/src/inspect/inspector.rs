//! The walk: one description under way, its path (for cycles), its indentation and its budget.

use std::collections::BinaryHeap;

use boa_engine::{
    Context, JsBigInt, JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue, JsVariant,
    builtins::{error::Error, promise::PromiseState, proxy::Proxy},
    js_string,
    object::{
        IndexPropertyKeys,
        builtins::{
            JsArrayBuffer, JsDataView, JsMap, JsPromise, JsSet, JsTypedArray, JsWeakMap, JsWeakSet,
        },
    },
    property::{DescriptorKind, PropertyKey},
};

use super::error;
use super::layout::{Columns, Frame, lay_out};
use super::naming::Naming;
use super::storage::{displays_without_recursion, is_own_enumerable, own, own_name};
use super::text;

/// How far and how long a description goes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// Objects nested deeper than this are shown by name (`[Object]`, `[Array]`, `[Foo]`).
    pub(super) depth: usize,
    /// Elements shown per array, typed array, `Map` or `Set` (node's `maxArrayLength`).
    pub(super) elements: usize,
    /// Properties shown per object (node shows them all: only `chars` bounds them).
    pub(super) properties: usize,
    /// UTF-16 code units shown per string (node's `maxStringLength`).
    pub(super) string: usize,
    /// The line width past which entries go one per line (node's `breakLength`); `None` keeps
    /// everything on one line.
    pub(super) width: Option<usize>,
    /// Characters produced (nested text counted at each level) before the rest is left out.
    pub(super) chars: usize,
}

/// One description under way.
pub(super) struct Inspector<'c> {
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
    /// The depth of the object whose entries were listed last.
    last_listed: usize,
}

/// What kind of object is described, which decides its braces and its entries besides its
/// properties.
enum Kind {
    Array {
        length: usize,
    },
    TypedArray {
        array: JsTypedArray,
        length: usize,
    },
    Map {
        map: JsMap,
        size: usize,
    },
    Set {
        set: JsSet,
    },
    Promise(JsPromise),
    /// Its bytes (`[Uint8Contents]: <00 ff>`) and `byteLength`.
    ArrayBuffer(JsArrayBuffer),
    /// Its `byteLength`, `byteOffset` and `buffer`.
    DataView(JsDataView),
    /// A `WeakMap` or `WeakSet`: its entries cannot be listed.
    Unlistable,
    /// An error: its stack, then its properties (with `[cause]` and `[errors]`).
    Error,
    /// A function, date, regular expression or boxed primitive: its own text.
    Text(String),
    Plain,
}

impl Kind {
    /// The name of the kind, for an object with no constructor of its own (`[Map: null prototype]`).
    fn fallback(&self) -> &'static str {
        match self {
            Self::Array { .. } => "Array",
            Self::TypedArray { .. } => "TypedArray",
            Self::Map { .. } => "Map",
            Self::Set { .. } => "Set",
            Self::Promise(_) => "Promise",
            Self::ArrayBuffer(_) => "ArrayBuffer",
            Self::DataView(_) => "DataView",
            Self::Error => "Error",
            _ => "Object",
        }
    }

    /// How many entries it has besides its properties; `None` when it always shows something.
    fn size(&self) -> Option<usize> {
        match self {
            Self::Array { length } | Self::TypedArray { length, .. } => Some(*length),
            Self::Map { size, .. } => Some(*size),
            Self::Set { set } => Some(set.size()),
            Self::Plain => Some(0),
            Self::Promise(_)
            | Self::ArrayBuffer(_)
            | Self::DataView(_)
            | Self::Unlistable
            | Self::Error
            | Self::Text(_) => None,
        }
    }

    /// The braces: `[`, `Foo(2) [`, `Map(2) {`, `[Object: null prototype] {`... and the closing one.
    fn braces(&self, naming: &Naming) -> (String, &'static str) {
        let fallback = self.fallback();
        let sized = |size: usize| naming.prefix(fallback, &format!("({size})"));
        match self {
            Self::Array { .. } if naming.is_plain(fallback) => ("[".to_owned(), "]"),
            Self::Array { length } | Self::TypedArray { length, .. } => {
                (format!("{}[", sized(*length)), "]")
            }
            Self::Map { size, .. } => (format!("{}{{", sized(*size)), "}"),
            Self::Set { set } => (format!("{}{{", sized(set.size())), "}"),
            Self::Text(_) | Self::Error => ("{".to_owned(), "}"),
            _ => (format!("{}{{", naming.prefix(fallback, "")), "}"),
        }
    }
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
    pub(super) fn new(limits: Limits, context: &'c mut Context) -> Self {
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

    pub(super) fn describe(&mut self, value: &JsValue) -> String {
        self.value(value, 0)
    }

    /// Whether the description is long enough: what is left is counted, not shown.
    fn full(&self) -> bool {
        self.produced > self.limits.chars
    }

    fn value(&mut self, value: &JsValue, depth: usize) -> String {
        let text = match value.variant() {
            JsVariant::String(string) => self.string(&string),
            JsVariant::Object(object) => self.object(&object, depth),
            JsVariant::Float64(number) if number == 0.0 && number.is_sign_negative() => {
                "-0".to_owned()
            }
            // Number::toString (`1e+21`), which runs no script code.
            JsVariant::Float64(number) => JsValue::from(number)
                .to_string(self.context)
                .map_or_else(|_| number.to_string(), |text| text.to_std_string_escaped()),
            // node writes a symbol's description as it is (a lone surrogate ends up as U+FFFD).
            JsVariant::Symbol(symbol) => symbol.descriptive_string().to_std_string_lossy(),
            _ => value.display().to_string(),
        };
        self.produced += text.len();
        text
    }

    /// A string, quoted; a long one with lines is split at its line ends, as node does. Only the
    /// part shown is read.
    fn string(&self, string: &JsString) -> String {
        const SHORTEST_SPLIT: usize = 16;
        let length = string.len();
        let splits =
            self.limits.width.is_some_and(|width| {
                length > SHORTEST_SPLIT && length + self.indentation + 4 > width
            }) && length <= self.limits.string;
        if splits {
            let units: Vec<u16> = string.iter().collect();
            if units[..length - 1].contains(&u16::from(b'\n')) {
                let lines: Vec<String> = units
                    .split_inclusive(|&unit| unit == u16::from(b'\n'))
                    .map(|line| text::quoted(&JsString::from(line), self.limits.string))
                    .collect();
                let separator = format!(" +\n{}", " ".repeat(self.indentation + 2));
                return lines.join(&separator);
            }
        }
        text::quoted(string, self.limits.string)
    }

    fn object(&mut self, object: &JsObject, depth: usize) -> String {
        let cycle_number = |targets: &[JsObject]| {
            targets
                .iter()
                .position(|target| JsObject::equals(target, object))
                .map(|index| index + 1)
        };
        if self.path.iter().any(|seen| JsObject::equals(seen, object)) {
            let number = cycle_number(&self.cycle_targets).unwrap_or_else(|| {
                self.cycle_targets.push(object.clone());
                self.cycle_targets.len()
            });
            return format!("[Circular *{number}]");
        }
        let text = self.object_text(object, depth);
        match cycle_number(&self.cycle_targets) {
            Some(number) => format!("<ref *{number}> {text}"),
            None => text,
        }
    }

    fn object_text(&mut self, object: &JsObject, depth: usize) -> String {
        if object.is::<Proxy>() {
            // Its keys and values are the handler's to tell, and the handler is script code.
            return "[Proxy]".to_owned();
        }
        let kind = self.kind(object);
        let mut keys = enumerable_keys(object, &kind);
        let naming = Naming::of(object);
        let base = match &kind {
            Kind::Text(text) => text.clone(),
            Kind::Error => {
                let stack = error::stack(object, &naming, &mut keys, self.context);
                // node indents an error's stack as deep as the error is.
                stack.replace('\n', &format!("\n{}", " ".repeat(self.indentation)))
            }
            _ => String::new(),
        };
        if matches!(kind, Kind::Text(_) | Kind::Error) && keys.is_empty() {
            return base;
        }
        if keys.is_empty() && kind.size() == Some(0) {
            let (open, close) = kind.braces(&naming);
            return format!("{open}{close}");
        }
        if depth > self.limits.depth {
            return naming.collapsed(kind.fallback());
        }
        self.path.push(object.clone());
        self.last_listed = depth;
        let shape = self.shape(object, &kind, &naming, &keys, base, depth + 1);
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

    fn kind(&mut self, object: &JsObject) -> Kind {
        if object.is_array() {
            return Kind::Array {
                length: array_length(object),
            };
        }
        if let Ok(array) = JsTypedArray::from_object(object.clone()) {
            let length = array.length(self.context).unwrap_or(0);
            return Kind::TypedArray { array, length };
        }
        if let Ok(map) = JsMap::from_object(object.clone()) {
            let size = map
                .get_size(self.context)
                .ok()
                .and_then(|size| size.as_number())
                .map_or(0, |size| size as usize);
            return Kind::Map { map, size };
        }
        if let Ok(set) = JsSet::from_object(object.clone()) {
            return Kind::Set { set };
        }
        if let Ok(promise) = JsPromise::from_object(object.clone()) {
            return Kind::Promise(promise);
        }
        if let Ok(buffer) = JsArrayBuffer::from_object(object.clone()) {
            return Kind::ArrayBuffer(buffer);
        }
        if let Ok(view) = JsDataView::from_object(object.clone()) {
            return Kind::DataView(view);
        }
        if self.is_error(object) {
            return Kind::Error;
        }
        if JsWeakMap::from_object(object.clone()).is_ok()
            || JsWeakSet::from_object(object.clone()).is_ok()
        {
            return Kind::Unlistable;
        }
        self.own_text(object).map_or(Kind::Plain, Kind::Text)
    }

    /// Whether node shows `object` as an error: it is one, or inherits from the realm's
    /// `Error.prototype` (node's `instanceof Error`, read without `Symbol.hasInstance`).
    fn is_error(&self, object: &JsObject) -> bool {
        if object.is::<Error>() {
            return true;
        }
        let error_prototype = self.context.intrinsics().constructors().error().prototype();
        let mut current = object.prototype();
        while let Some(prototype) = current {
            if JsObject::equals(&prototype, &error_prototype) {
                return true;
            }
            current = prototype.prototype();
        }
        false
    }

    /// The own text of a function, date, regular expression or boxed primitive.
    fn own_text(&mut self, object: &JsObject) -> Option<String> {
        if object.is_callable() {
            return Some(self.function_text(object));
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
                symbol.descriptive_string().to_std_string_lossy()
            ));
        }
        let bigint = object
            .downcast_ref::<JsBigInt>()
            .map(|bigint| bigint.clone());
        bigint.map(|bigint| format!("[BigInt: {bigint}n]"))
    }

    /// `[Function: f]`, `[AsyncFunction: f]`, `[class A extends B]`...
    fn function_text(&mut self, function: &JsObject) -> String {
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

    /// The entries of an object within the depth limit; `depth` is its entries' depth.
    fn shape(
        &mut self,
        object: &JsObject,
        kind: &Kind,
        naming: &Naming,
        keys: &[PropertyKey],
        base: String,
        depth: usize,
    ) -> Shape {
        let (open, close) = kind.braces(naming);
        let mut shape = Shape {
            base,
            open,
            close,
            entries: Vec::new(),
            more: false,
            columns: Columns::Never,
        };
        self.indentation += 2;
        match kind {
            Kind::Array { length } => self.array_elements(object, *length, depth, &mut shape),
            Kind::TypedArray { array, length } => {
                self.typed_elements(array, *length, depth, &mut shape);
            }
            Kind::Map { map, size } => self.map_entries(map, *size, depth, &mut shape),
            Kind::Set { set } => self.set_entries(set, depth, &mut shape),
            Kind::Promise(promise) => {
                let state = match promise.state() {
                    PromiseState::Pending => "<pending>".to_owned(),
                    PromiseState::Fulfilled(value) => self.value(&value, depth),
                    PromiseState::Rejected(reason) => {
                        format!("<rejected> {}", self.value(&reason, depth))
                    }
                };
                shape.entries.push(state);
            }
            Kind::ArrayBuffer(buffer) => shape.entries.extend(self.buffer_entries(buffer)),
            Kind::DataView(view) => self.view_entries(view, depth, &mut shape),
            Kind::Unlistable => shape.entries.push("<items unknown>".to_owned()),
            Kind::Error | Kind::Text(_) | Kind::Plain => {}
        }
        self.properties(object, keys, depth, &mut shape);
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
        // Only an error lists keys that are not enumerable (`cause`, `errors`), bracketed.
        let error = self.is_error(object);
        let bracketed = |key: &PropertyKey| error && !is_own_enumerable(object, key);
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
            let name = if bracketed(key) {
                format!("[{key}]")
            } else {
                text::key(key)
            };
            self.produced += name.len();
            shape.entries.push(format!("{name}: {value}"));
        }
    }

    /// The value of `object`'s own property `key`: described if data, named if an accessor.
    fn property(&mut self, object: &JsObject, key: &PropertyKey, depth: usize) -> String {
        let property = object.borrow().properties().get(key);
        match property
            .as_ref()
            .map(boa_engine::property::PropertyDescriptor::kind)
        {
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

    /// An array's elements from its storage, a run of holes as `<n empty items>`: only the first
    /// indices are looked for, so the cost is that of what is shown.
    fn array_elements(
        &mut self,
        object: &JsObject,
        length: usize,
        depth: usize,
        shape: &mut Shape,
    ) {
        // Each entry shown takes at most one index, and the next one bounds a run of holes.
        let indices = first_indices(object, self.limits.elements + 1);
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
                    let key = PropertyKey::from(index);
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
        Self::more_elements(length - next, shape);
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
            let index = i64::try_from(index).unwrap_or(i64::MAX);
            let element = array.at(index, self.context).unwrap_or_default();
            let text = self.value(&element, depth);
            shape.entries.push(text);
        }
        Self::more_elements(length - shown, shape);
        shape.columns = Columns::Right;
    }

    /// `[Uint8Contents]: <00 ff ... n more bytes>` (as many bytes as elements are shown) and
    /// `byteLength`, or `(detached)`.
    fn buffer_entries(&mut self, buffer: &JsArrayBuffer) -> [String; 2] {
        let contents = match buffer.data() {
            Some(bytes) => {
                let shown = bytes.len().min(self.limits.elements);
                let mut hex: Vec<String> = bytes[..shown]
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect();
                let left = bytes.len() - shown;
                if left > 0 {
                    hex.push(format!("... {left} more byte{}", text::plural(left)));
                }
                format!("[Uint8Contents]: <{}>", hex.join(" "))
            }
            None => "(detached)".to_owned(),
        };
        self.produced += contents.len();
        [contents, format!("byteLength: {}", buffer.byte_length())]
    }

    /// A `DataView`'s `byteLength`, `byteOffset` (both left out once its buffer is detached, where
    /// node throws) and `buffer`.
    fn view_entries(&mut self, view: &JsDataView, depth: usize, shape: &mut Shape) {
        // Boa's own accessors, called on the view itself: no script code runs.
        if let (Ok(length), Ok(offset)) = (
            view.byte_length(self.context),
            view.byte_offset(self.context),
        ) {
            shape.entries.push(format!("byteLength: {length}"));
            shape.entries.push(format!("byteOffset: {offset}"));
        }
        if let Ok(buffer) = view.buffer(self.context) {
            let buffer = self.value(&buffer, depth);
            shape.entries.push(format!("buffer: {buffer}"));
        }
    }

    fn map_entries(&mut self, map: &JsMap, size: usize, depth: usize, shape: &mut Shape) {
        let pairs = first_of(self.limits.elements, |keep| {
            map.for_each_native(|key, value| keep(vec![key, value]))
        });
        for pair in &pairs {
            if self.full() {
                break;
            }
            let key = self.value(&pair[0], depth);
            let value = self.value(&pair[1], depth);
            shape.entries.push(format!("{key} => {value}"));
        }
        Self::more_elements(size.saturating_sub(shape.entries.len()), shape);
    }

    fn set_entries(&mut self, set: &JsSet, depth: usize, shape: &mut Shape) {
        let values = first_of(self.limits.elements, |keep| {
            set.for_each_native(|value| keep(vec![value]))
        });
        for value in &values {
            if self.full() {
                break;
            }
            let text = self.value(&value[0], depth);
            shape.entries.push(text);
        }
        Self::more_elements(set.size().saturating_sub(shape.entries.len()), shape);
    }

    /// `... n more items` for the elements left out.
    fn more_elements(left: usize, shape: &mut Shape) {
        if left > 0 {
            shape
                .entries
                .push(format!("... {left} more item{}", text::plural(left)));
            shape.more = true;
        }
    }
}

/// The first `count` items `each` hands to its callback (a collection walked natively; the walk
/// stops there: an error ends Boa's `for_each_native`).
fn first_of(
    count: usize,
    each: impl FnOnce(&mut dyn FnMut(Vec<JsValue>) -> JsResult<()>) -> JsResult<()>,
) -> Vec<Vec<JsValue>> {
    let mut items = Vec::new();
    let _ = each(&mut |item| {
        if items.len() == count {
            return Err(JsNativeError::error().into());
        }
        items.push(item);
        Ok(())
    });
    items
}

/// The enumerable own keys node lists besides the elements: the indices in order (but an
/// array's, which are its elements), then the other keys in creation order. Read from storage,
/// never through `[[OwnPropertyKeys]]`, which makes a key of every index of an array or typed
/// array (100 million for `new Uint8Array(1e8)`).
fn enumerable_keys(object: &JsObject, kind: &Kind) -> Vec<PropertyKey> {
    let mut keys: Vec<PropertyKey> = Vec::new();
    if !matches!(kind, Kind::Array { .. }) {
        let mut indices: Vec<u32> = object.borrow().properties().index_property_keys().collect();
        indices.sort_unstable();
        keys.extend(indices.into_iter().map(PropertyKey::from));
    }
    keys.extend(object.borrow().shape().keys());
    keys.retain(|key| is_own_enumerable(object, key));
    keys
}

/// The `count` smallest indices stored in `object`, in order: the first of a dense array's
/// range, or the smallest of a sparse one's (a bounded heap, so memory stays at `count`).
fn first_indices(object: &JsObject, count: usize) -> Vec<u32> {
    let object = object.borrow();
    match object.properties().index_property_keys() {
        IndexPropertyKeys::Dense(range) => range.take(count).collect(),
        sparse => {
            let mut smallest = BinaryHeap::with_capacity(count + 1);
            for index in sparse {
                smallest.push(index);
                if smallest.len() > count {
                    smallest.pop();
                }
            }
            smallest.into_sorted_vec()
        }
    }
}

/// An array's `length`, read from its storage.
fn array_length(array: &JsObject) -> usize {
    own(array, &js_string!("length").into())
        .and_then(|length| length.as_number())
        .map_or(0, |length| length as usize)
}
