//! A top-level `await` that can never go on: node ends the run with status 13 and says where the
//! module stalled (`Warning: Detected unsettled top-level await at URL:LINE`, the line, a caret).
//!
//! Boa's public API does not say where a suspended module stopped, so the shell finds the place in
//! the module's own source, and only where it is certain: a module that imports nothing (so no
//! other module can be the one that stalled) and has exactly one top-level `await` (no
//! `for await` at its top level). Elsewhere the warning names the module without a line.

use std::fmt::Write;
use std::ops::ControlFlow;

use boa_engine::{
    Source,
    ast::{
        Position, Spanned,
        expression::Await,
        function::FunctionBody,
        scope::Scope,
        statement::iteration::ForOfLoop,
        visitor::{VisitWith, Visitor},
    },
    interner::Interner,
    parser::Parser,
};

/// The warning for module `code` (shown as `name`, a URL for a file) whose evaluation can never
/// finish: node's text, with the line and a caret under the `await` where it is certain.
pub(crate) fn warning(code: &str, name: &str) -> String {
    let mut text = format!("Warning: Detected unsettled top-level await at {name}");
    if let Some(position) = the_only_top_level_await(code) {
        let line_number = position.line_number();
        let line = code
            .lines()
            .nth(
                usize::try_from(line_number)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(1),
            )
            .unwrap_or_default();
        let column = usize::try_from(position.column_number()).unwrap_or(1);
        let caret = " ".repeat(column.saturating_sub(1));
        let _ = write!(text, ":{line_number}\n{line}\n{caret}^\n");
    }
    text
}

/// Where the module's one top-level `await` is, when it imports nothing and has only that one.
fn the_only_top_level_await(code: &str) -> Option<Position> {
    let mut interner = Interner::default();
    let module = Parser::new(Source::from_bytes(code))
        .parse_module(&Scope::new_global(), &mut interner)
        .ok()?;
    if !module.items().requests().is_empty() {
        return None;
    }
    let mut awaits = TopLevelAwaits::default();
    let _ = module.visit_with(&mut awaits);
    match (awaits.found.as_slice(), awaits.for_await) {
        ([only], false) => Some(*only),
        _ => None,
    }
}

/// The `await`s of a module that are not inside a function (of any kind: functions, arrows,
/// methods, accessors and static blocks all have a `FunctionBody`).
#[derive(Debug, Default)]
struct TopLevelAwaits {
    found: Vec<Position>,
    for_await: bool,
}

impl<'ast> Visitor<'ast> for TopLevelAwaits {
    type BreakTy = ();

    fn visit_await(&mut self, node: &'ast Await) -> ControlFlow<Self::BreakTy> {
        self.found.push(node.span().start());
        node.visit_with(self)
    }

    fn visit_for_of_loop(&mut self, node: &'ast ForOfLoop) -> ControlFlow<Self::BreakTy> {
        self.for_await |= node.r#await();
        node.visit_with(self)
    }

    fn visit_function_body(&mut self, _: &'ast FunctionBody) -> ControlFlow<Self::BreakTy> {
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_top_level_await_is_shown_with_its_line_and_a_caret() {
        let code =
            "console.log(1);\n  await new Promise(() => {});\nasync function f() { await 1 }\n";
        assert_eq!(
            warning(code, "file:///m.mjs"),
            "Warning: Detected unsettled top-level await at file:///m.mjs:2\n  await new Promise(() => {});\n  ^\n"
        );
    }

    #[test]
    fn with_two_awaits_or_an_import_the_place_is_not_certain() {
        for code in [
            "await 1;\nawait new Promise(() => {});\n",
            "import './dep.mjs';\nawait new Promise(() => {});\n",
            "for await (const x of []) {}\nawait new Promise(() => {});\n",
        ] {
            assert_eq!(
                warning(code, "file:///m.mjs"),
                "Warning: Detected unsettled top-level await at file:///m.mjs",
                "{code}"
            );
        }
    }
}
