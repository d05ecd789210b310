//! Where a script redeclares a name, for the one error whose position Boa does not give.
//!
//! Boa rejects a script whose top level declares a name twice (`let a; let a;`, `var a; let a;`)
//! with a `SyntaxError` placed at line 1, column 1. node places it at the redeclaring identifier:
//! the first declaration, in source order, that conflicts with an earlier one (a lexical
//! declaration of a name declared before in any way, a `var` or function of a name declared
//! before lexically). The shell finds that declaration itself in the script's syntax tree. Boa's
//! public parser parses the same text as a function body without the top-level check, and every
//! binding identifier carries its position, so the place is exact; when that parse fails or finds
//! no conflict (for a module, whose imports no function body holds), the shell gives no position
//! rather than a wrong one.

use std::collections::HashMap;
use std::ops::ControlFlow;

use boa_engine::{
    Source,
    ast::{
        Position, Spanned, StatementListItem,
        declaration::{Binding, Declaration, LexicalDeclaration, VarDeclaration, Variable},
        expression::Identifier,
        function::FunctionBody,
        pattern::{ArrayPatternElement, ObjectPatternElement, Pattern},
        statement::iteration::IterableLoopInitializer,
        visitor::{VisitWith, Visitor},
    },
    interner::{Interner, Sym},
    parser::Parser,
};

/// How a script's top level declares a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `let`, `const`, `class`.
    Lexical,
    /// `var` (at any depth outside functions) and top-level function declarations.
    Var,
}

/// The position of the identifier that redeclares a name at the top level of script `code`, if
/// the script has one.
pub(crate) fn locate(code: &str) -> Option<Position> {
    let mut interner = Interner::default();
    let body = Parser::new(Source::from_bytes(code))
        .parse_function_body(&mut interner, false, false)
        .ok()?;
    let mut declared = Vec::new();
    for item in body.statements() {
        top_level_declarations(item, &mut declared);
    }
    let mut vars = VarDeclarations::default();
    let _ = body.visit_with(&mut vars);
    declared.extend(vars.found.into_iter().map(|(sym, at)| (sym, at, Kind::Var)));
    declared.sort_by_key(|(_, at, _)| (at.line_number(), at.column_number()));
    first_conflict(&declared)
}

/// The first declaration that conflicts with one before it, in source order.
fn first_conflict(declared: &[(Sym, Position, Kind)]) -> Option<Position> {
    let mut seen: HashMap<Sym, Kind> = HashMap::new();
    for &(sym, at, kind) in declared {
        match (seen.get(&sym), kind) {
            (Some(_), Kind::Lexical) | (Some(Kind::Lexical), Kind::Var) => return Some(at),
            (Some(Kind::Var), Kind::Var) => {}
            (None, _) => {
                seen.insert(sym, kind);
            }
        }
    }
    None
}

/// The names a top-level item declares, lexically or as a function.
fn top_level_declarations(item: &StatementListItem, declared: &mut Vec<(Sym, Position, Kind)>) {
    let StatementListItem::Declaration(declaration) = item else {
        return;
    };
    let mut name = |identifier: Identifier, kind| {
        declared.push((identifier.sym(), identifier.span().start(), kind));
    };
    match declaration.as_ref() {
        Declaration::Lexical(
            LexicalDeclaration::Let(list)
            | LexicalDeclaration::Const(list)
            | LexicalDeclaration::Using(list)
            | LexicalDeclaration::AwaitUsing(list),
        ) => {
            let mut identifiers = Vec::new();
            for variable in list.as_ref() {
                binding_identifiers(variable.binding(), &mut identifiers);
            }
            for identifier in identifiers {
                name(identifier, Kind::Lexical);
            }
        }
        Declaration::ClassDeclaration(class) => name(class.name(), Kind::Lexical),
        Declaration::FunctionDeclaration(function) => name(function.name(), Kind::Var),
        Declaration::GeneratorDeclaration(function) => name(function.name(), Kind::Var),
        Declaration::AsyncFunctionDeclaration(function) => name(function.name(), Kind::Var),
        Declaration::AsyncGeneratorDeclaration(function) => name(function.name(), Kind::Var),
    }
}

/// The identifiers a binding declares, in source order (not those of its default values or
/// computed keys, which it only reads).
fn binding_identifiers(binding: &Binding, found: &mut Vec<Identifier>) {
    match binding {
        Binding::Identifier(identifier) => found.push(*identifier),
        Binding::Pattern(pattern) => pattern_identifiers(pattern, found),
    }
}

fn pattern_identifiers(pattern: &Pattern, found: &mut Vec<Identifier>) {
    match pattern {
        Pattern::Object(object) => {
            for element in object.bindings() {
                match element {
                    ObjectPatternElement::SingleName { ident, .. }
                    | ObjectPatternElement::RestProperty { ident, .. } => found.push(*ident),
                    ObjectPatternElement::Pattern { pattern, .. } => {
                        pattern_identifiers(pattern, found);
                    }
                    ObjectPatternElement::AssignmentPropertyAccess { .. }
                    | ObjectPatternElement::AssignmentRestPropertyAccess { .. } => {}
                }
            }
        }
        Pattern::Array(array) => {
            for element in array.bindings() {
                match element {
                    ArrayPatternElement::SingleName { ident, .. }
                    | ArrayPatternElement::SingleNameRest { ident, .. } => found.push(*ident),
                    ArrayPatternElement::Pattern { pattern, .. }
                    | ArrayPatternElement::PatternRest { pattern, .. } => {
                        pattern_identifiers(pattern, found);
                    }
                    ArrayPatternElement::Elision
                    | ArrayPatternElement::PropertyAccess { .. }
                    | ArrayPatternElement::PropertyAccessRest { .. } => {}
                }
            }
        }
    }
}

/// The `var` declarations of a script, at any depth outside functions.
#[derive(Debug, Default)]
struct VarDeclarations {
    found: Vec<(Sym, Position)>,
}

impl VarDeclarations {
    fn add(&mut self, variable: &Variable) {
        let mut identifiers = Vec::new();
        binding_identifiers(variable.binding(), &mut identifiers);
        self.found.extend(
            identifiers
                .into_iter()
                .map(|identifier| (identifier.sym(), identifier.span().start())),
        );
    }
}

impl<'ast> Visitor<'ast> for VarDeclarations {
    type BreakTy = ();

    fn visit_var_declaration(&mut self, node: &'ast VarDeclaration) -> ControlFlow<()> {
        for variable in node.0.as_ref() {
            self.add(variable);
        }
        ControlFlow::Continue(())
    }

    fn visit_iterable_loop_initializer(
        &mut self,
        node: &'ast IterableLoopInitializer,
    ) -> ControlFlow<()> {
        if let IterableLoopInitializer::Var(variable) = node {
            self.add(variable);
        }
        ControlFlow::Continue(())
    }

    /// A function's declarations are its own.
    fn visit_function_body(&mut self, _: &'ast FunctionBody) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(code: &str) -> Option<(u32, u32)> {
        locate(code).map(|position| (position.line_number(), position.column_number()))
    }

    #[test]
    fn the_redeclaring_identifier_is_found() {
        assert_eq!(
            at("// one\nlet b = 1;\nlet a = 1; let a = 2;\n"),
            Some((3, 16))
        );
        assert_eq!(at("var x;\nconst { y, z: [x] } = o;\n"), Some((2, 16)));
        assert_eq!(
            at("let x;\nif (1) { for (var x of []) {} }\n"),
            Some((2, 19))
        );
        assert_eq!(at("{ var c; }\nclass c {}\n"), Some((2, 7)));
        assert_eq!(at("function f() {}\nlet f;\n"), Some((2, 5)));
    }

    #[test]
    fn no_conflict_no_position() {
        assert_eq!(
            at("var a; var a; function a() {}\n{ let a; }\nfunction g() { let a; }\n"),
            None
        );
        assert_eq!(at("import x from './y.mjs'; let x;"), None);
    }
}
