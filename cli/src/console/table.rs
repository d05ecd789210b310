//! `console.table(data, properties)` with cells described by the shell's inspector (boa_runtime's
//! table displays cells with Boa's unbounded display, and reads them through getters), rendered
//! by boa_runtime's own table renderer.

use std::cell::RefCell;
use std::collections::HashMap;

use boa_engine::{
    Context, JsObject, JsResult, JsValue,
    object::builtins::{JsMap, JsSet},
    property::PropertyKey,
};
use boa_gc::{Finalize, Trace};
use boa_runtime::{ConsoleState, Logger, console::TableData};

use crate::inspect::describe_value_to_depth;

/// The column of row names.
const INDEX: &str = "(index)";
/// The column of row numbers for a `Map` or `Set`.
const ITERATION_INDEX: &str = "(iteration index)";
/// The column of primitive rows (and of a `Map`'s or `Set`'s values).
const VALUES: &str = "Values";

/// The table for `data`, or `None` when `data` is no object (node then logs it as `console.log`
/// would).
pub(super) fn render(
    data: &JsValue,
    properties: Option<&JsValue>,
    context: &mut Context,
) -> JsResult<Option<String>> {
    let Some(object) = data.as_object() else {
        return Ok(None);
    };
    if object.is::<boa_engine::builtins::proxy::Proxy>() {
        return Ok(None);
    }
    let table = if let Ok(map) = JsMap::from_object(object.clone()) {
        map_table(&map, context)
    } else if let Ok(set) = JsSet::from_object(object.clone()) {
        set_table(&set, context)
    } else {
        let filter = properties.and_then(|properties| column_filter(properties, context));
        object_table(&object, filter.as_deref(), context)
    };
    let printer = Printer::default();
    printer.table(table, &ConsoleState::default(), context)?;
    Ok(Some(printer.0.take()))
}

/// A cell: the value described one level deep, on one line.
fn cell(value: &JsValue, context: &mut Context) -> String {
    let text = describe_value_to_depth(value, 0, context);
    if text.contains('\n') {
        text.split('\n')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        text
    }
}

fn map_table(map: &JsMap, context: &mut Context) -> TableData {
    let mut pairs = Vec::new();
    let _ = map.for_each_native(|key, value| {
        pairs.push((key, value));
        Ok(())
    });
    let mut rows = Vec::with_capacity(pairs.len());
    for (index, (key, value)) in pairs.iter().enumerate() {
        let mut row = HashMap::default();
        row.insert(ITERATION_INDEX.to_owned(), index.to_string());
        row.insert("Key".to_owned(), cell(key, context));
        row.insert(VALUES.to_owned(), cell(value, context));
        rows.push(row);
    }
    let col_names = [ITERATION_INDEX, "Key", VALUES].map(str::to_owned).to_vec();
    TableData { col_names, rows }
}

fn set_table(set: &JsSet, context: &mut Context) -> TableData {
    let mut values = Vec::new();
    let _ = set.for_each_native(|value| {
        values.push(value);
        Ok(())
    });
    let mut rows = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let mut row = HashMap::default();
        row.insert(ITERATION_INDEX.to_owned(), index.to_string());
        row.insert(VALUES.to_owned(), cell(value, context));
        rows.push(row);
    }
    let col_names = [ITERATION_INDEX, VALUES].map(str::to_owned).to_vec();
    TableData { col_names, rows }
}

/// One row per enumerable own property of `object`; an object row's properties are its columns
/// (only those of `filter`, when given), a primitive row goes in `Values`.
fn object_table(object: &JsObject, filter: Option<&[String]>, context: &mut Context) -> TableData {
    let mut columns: Vec<String> = filter.map(<[String]>::to_vec).unwrap_or_default();
    let mut has_values = false;
    let mut rows = Vec::new();
    for (key, value) in data_properties(object, context) {
        let mut row = HashMap::default();
        row.insert(INDEX.to_owned(), key);
        match value.as_object() {
            Some(inner) if !inner.is::<boa_engine::builtins::proxy::Proxy>() => {
                for (column, inner_value) in data_properties(&inner, context) {
                    let wanted = filter.is_none_or(|filter| filter.contains(&column));
                    if !wanted {
                        continue;
                    }
                    if !columns.contains(&column) {
                        columns.push(column.clone());
                    }
                    row.insert(column, cell(&inner_value, context));
                }
            }
            _ => {
                has_values = true;
                row.insert(VALUES.to_owned(), cell(&value, context));
            }
        }
        rows.push(row);
    }
    let mut col_names = vec![INDEX.to_owned()];
    col_names.extend(columns);
    if has_values {
        col_names.push(VALUES.to_owned());
    }
    TableData { col_names, rows }
}

/// The enumerable own string-keyed data properties of `object`, read from its storage (an
/// accessor is left out: no getter is called).
fn data_properties(object: &JsObject, context: &mut Context) -> Vec<(String, JsValue)> {
    let keys = object.own_property_keys(context).unwrap_or_default();
    keys.into_iter()
        .filter(|key| !matches!(key, PropertyKey::Symbol(_)))
        .filter_map(|key| {
            let property = object.borrow().properties().get(&key)?;
            if !property.expect_enumerable() {
                return None;
            }
            let value = property.value()?.clone();
            Some((key.to_string(), value))
        })
        .collect()
}

/// The column names of a `properties` array, read from its storage.
fn column_filter(properties: &JsValue, context: &mut Context) -> Option<Vec<String>> {
    let array = properties.as_object().filter(JsObject::is_array)?;
    let names = data_properties(&array, context)
        .into_iter()
        .filter(|(key, _)| key != "length")
        .map(|(_, name)| match name.as_string() {
            Some(name) => name.to_std_string_escaped(),
            None => cell(&name, context),
        })
        .collect();
    Some(names)
}

/// A logger that keeps what boa_runtime's renderer writes, so the shell prints it through the
/// console (with the group indentation).
#[derive(Default, Trace, Finalize)]
struct Printer(
    // Not traced: text, no GC pointer.
    #[unsafe_ignore_trace] RefCell<String>,
);

impl Logger for Printer {
    fn log(&self, msg: String, _: &ConsoleState, _: &mut Context) -> JsResult<()> {
        self.0.borrow_mut().push_str(&msg);
        Ok(())
    }

    fn info(&self, msg: String, state: &ConsoleState, context: &mut Context) -> JsResult<()> {
        self.log(msg, state, context)
    }

    fn warn(&self, msg: String, state: &ConsoleState, context: &mut Context) -> JsResult<()> {
        self.log(msg, state, context)
    }

    fn error(&self, msg: String, state: &ConsoleState, context: &mut Context) -> JsResult<()> {
        self.log(msg, state, context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use boa_engine::Source;

    fn table(code: &str) -> Option<String> {
        let mut context = Context::default();
        let data = context.eval(Source::from_bytes(code)).unwrap();
        render(&data, None, &mut context).unwrap()
    }

    #[test]
    fn cells_are_described_one_level_deep_and_getters_are_not_called() {
        let text =
            table("[{ a: 1, b: 's' }, { a: { n: [1, 2] }, get g() { throw 1 } }, 7]").unwrap();
        assert!(text.contains("{ n: [Array] }"), "{text}");
        assert!(text.contains("'s'") && text.contains("Values"), "{text}");
        assert!(!text.contains(" g "), "{text}");
        assert_eq!(table("5"), None);
    }
}
