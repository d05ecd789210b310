//! Reading an object the way a description must: from its own storage and its prototypes'
//! storage, never through a getter or a proxy trap.

use boa_engine::{
    JsObject, JsValue,
    builtins::{error::Error, proxy::Proxy},
    js_string,
    object::builtins::{JsDate, JsRegExp},
    property::PropertyKey,
};

/// Whether Boa's display of `object` reads no nested object: an `Error` whose `name` and `message`
/// are primitives, a function (shown by its name), a date or a regular expression.
pub(super) fn displays_without_recursion(object: &JsObject) -> bool {
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
pub(super) fn lookup(object: &JsObject, key: &PropertyKey) -> Option<JsValue> {
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
pub(super) fn own(object: &JsObject, key: &PropertyKey) -> Option<JsValue> {
    object
        .borrow()
        .properties()
        .get(key)
        .and_then(|property| property.value().cloned())
}

/// The string value of `object`'s own data property `key`, if it is a non-empty string.
pub(super) fn own_name(object: &JsObject, key: &str) -> Option<String> {
    own(object, &js_string!(key).into())
        .and_then(|value| value.as_string().map(|name| name.to_std_string_escaped()))
        .filter(|name| !name.is_empty())
}

/// Whether `object` has an own enumerable property `key`.
pub(super) fn is_own_enumerable(object: &JsObject, key: &PropertyKey) -> bool {
    object
        .borrow()
        .properties()
        .get(key)
        .is_some_and(|property| property.expect_enumerable())
}
