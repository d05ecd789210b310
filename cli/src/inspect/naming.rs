//! What an object is called in a description: its constructor's name and its
//! `Symbol.toStringTag`, both read from storage (no getter), as node names objects (`Foo {}`,
//! `Map(2) {`, `Object [Math] {}`, `[Object: null prototype] {}`).

use boa_engine::{JsObject, JsSymbol, builtins::proxy::Proxy, js_string};

use super::storage::{is_own_enumerable, lookup, own, own_name};

/// What an object is called in a description: its constructor's name (`None` for no
/// constructor: a null prototype) and its `Symbol.toStringTag`, when that says something more.
pub(super) struct Naming {
    pub(super) constructor: Option<String>,
    pub(super) tag: Option<String>,
}

impl Naming {
    pub(super) fn of(object: &JsObject) -> Self {
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
    pub(super) fn prefix(&self, fallback: &str, size: &str) -> String {
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

    /// Whether the object is named `fallback` and nothing more (a plain array: no `Array(n)`).
    pub(super) fn is_plain(&self, fallback: &str) -> bool {
        self.constructor.as_deref() == Some(fallback) && self.tag.is_none()
    }

    /// The name shown for an object past the depth limit: `[Object]`, `[Foo]`.
    pub(super) fn collapsed(&self, fallback: &str) -> String {
        match &self.constructor {
            Some(name) => format!("[{name}]"),
            None => format!("[{fallback}: null prototype]"),
        }
    }
}

/// The name of the first constructor found on `object` or its prototypes (an own data property
/// `constructor` whose value has an own non-empty string `name`).
pub(crate) fn constructor_name(object: &JsObject) -> Option<String> {
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
