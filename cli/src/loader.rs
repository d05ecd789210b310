//! The shell's module loader: files on disk, resolved relative to the file that imports them.
//!
//! Boa's `SimpleModuleLoader` confines modules to one root directory and leaves `import.meta`
//! empty, and a parse error in an imported file loses its position. This loader resolves `./` and
//! `../` specifiers against the importing file (or the working directory for code with no file:
//! `--eval`, the prompt, standard input), accepts absolute paths, sets `import.meta.url`, and
//! reports syntax errors with the file, line and column.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsValue, Module, Source,
    builtins::error::Error as ErrorData,
    js_string,
    module::{ModuleLoader, ModuleRequest, Referrer},
};

use crate::diagnostic::{Diagnostic, Goal, diagnose};

/// What a file is loaded as; part of the cache key, as the import attribute `type` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    JavaScript,
    Json,
}

/// Loads modules from the file system; each file is parsed once per `(path, kind)`.
#[derive(Debug)]
pub(crate) struct FileLoader {
    /// Where specifiers of code that has no file resolve from.
    cwd: PathBuf,
    /// Modules by canonical path. Holding `Module`s here keeps every loaded module alive for the
    /// realm's lifetime, which is what the module map of a host is for.
    modules: RefCell<HashMap<(PathBuf, Kind), Module>>,
}

impl FileLoader {
    /// A loader resolving code without a file against `cwd`.
    pub(crate) fn new(cwd: PathBuf) -> Self {
        Self {
            cwd,
            modules: RefCell::default(),
        }
    }

    /// Registers a module the shell parsed itself (a main module), so that an import of the same
    /// file, a cycle back to it for instance, gets this instance rather than a second one.
    pub(crate) fn insert(&self, path: PathBuf, module: Module) {
        self.modules
            .borrow_mut()
            .insert((path, Kind::JavaScript), module);
    }

    /// `path` as the user would write it: relative to the working directory when inside it.
    pub(crate) fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.cwd)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Turns `specifier` into a canonical path, relative to `referrer`'s directory.
    fn resolve(&self, specifier: &str, referrer: Option<&Path>) -> JsResult<PathBuf> {
        let relative = specifier.starts_with("./") || specifier.starts_with("../");
        let candidate = if relative {
            let base = referrer
                .and_then(Path::parent)
                .map_or_else(|| self.cwd.clone(), |dir| self.cwd.join(dir));
            base.join(specifier)
        } else if Path::new(specifier).is_absolute() {
            PathBuf::from(specifier)
        } else {
            // Bare names would need a package resolver (node_modules, import maps): out of scope.
            return Err(JsNativeError::typ()
                .with_message(format!(
                    "cannot resolve '{specifier}'{}: finreg imports files by relative ('./', '../') or absolute path",
                    self.imported_from(referrer)
                ))
                .into());
        };
        // Canonical paths make `./a.mjs` and `../dir/a.mjs` one module, as they are one file.
        candidate.canonicalize().map_err(|error| {
            JsNativeError::typ()
                .with_message(format!(
                    "cannot find module '{specifier}'{}: {error}",
                    self.imported_from(referrer)
                ))
                .into()
        })
    }

    /// " imported from FILE" for messages, or nothing when the importer has no file.
    fn imported_from(&self, referrer: Option<&Path>) -> String {
        referrer.map_or_else(String::new, |path| {
            format!(" imported from {}", self.shown(path))
        })
    }

    /// Loads the module `request` names, from the cache or from disk.
    fn load(
        &self,
        referrer: Option<&Path>,
        request: &ModuleRequest,
        context: &mut Context,
    ) -> JsResult<Module> {
        let specifier = request.specifier().to_std_string_escaped();
        let kind = match request.get_attribute("type") {
            None => Kind::JavaScript,
            Some(kind) if kind == &js_string!("json") => Kind::Json,
            Some(other) => {
                return Err(JsNativeError::typ()
                    .with_message(format!(
                        "unsupported module type '{}' for '{specifier}'",
                        other.to_std_string_escaped()
                    ))
                    .into());
            }
        };
        let path = self.resolve(&specifier, referrer)?;
        if kind == Kind::JavaScript && path.extension().is_some_and(|ext| ext == "json") {
            // As in browsers and node: a JSON file is only imported when the import says so.
            return Err(JsNativeError::typ()
                .with_message(format!(
                    "'{specifier}' is JSON: import it with {{ type: 'json' }}"
                ))
                .into());
        }
        if let Some(module) = self.modules.borrow().get(&(path.clone(), kind)) {
            return Ok(module.clone());
        }
        let code = crate::source::read(&path).map_err(|error| {
            JsNativeError::typ()
                .with_message(format!("cannot read module {}: {error}", self.shown(&path)))
        })?;
        let module = match kind {
            Kind::JavaScript => {
                let source = Source::from_bytes(code.as_bytes()).with_path(&path);
                Module::parse(source, None, context).map_err(|error| {
                    match diagnose(&code, Goal::Module) {
                        Some(diagnostic) => {
                            located_syntax_error(&self.shown(&path), &diagnostic, context)
                        }
                        None => error,
                    }
                })?
            }
            Kind::Json => {
                Module::parse_json(JsString::from(code.as_str()), context).map_err(|error| {
                    JsNativeError::syntax()
                        .with_message(format!("{}: invalid JSON", self.shown(&path)))
                        .with_cause(error)
                })?
            }
        };
        self.modules
            .borrow_mut()
            .insert((path, kind), module.clone());
        Ok(module)
    }
}

impl ModuleLoader for FileLoader {
    /// HostLoadImportedModule: resolves, then loads from the cache or the disk.
    fn load_imported_module(
        self: Rc<Self>,
        referrer: Referrer,
        request: ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> impl Future<Output = JsResult<Module>> {
        // Files are read synchronously: the shell has nothing else to do meanwhile.
        let result = self.load(referrer.path(), &request, &mut context.borrow_mut());
        std::future::ready(result)
    }

    /// HostGetImportMetaProperties: `import.meta.url` for modules from files.
    fn init_import_meta(
        self: Rc<Self>,
        import_meta: &JsObject,
        module: &Module,
        context: &mut Context,
    ) {
        // Only modules from files have a URL; one from standard input (`<stdin>`) has none.
        let Some(path) = module.path().filter(|path| path.is_absolute()) else {
            return;
        };
        let url = JsString::from(file_url(path).as_str());
        // A fresh import.meta object is ordinary and extensible: defining a property cannot fail.
        let _ = import_meta.create_data_property_or_throw(js_string!("url"), url, context);
    }
}

/// A `SyntaxError` object that carries its location the way SpiderMonkey's errors do
/// (`fileName`, `lineNumber`, `columnNumber`), so that scripts can read it and the shell can
/// print `file:line:column` first when it is uncaught.
pub(crate) fn located_syntax_error(
    file: &str,
    diagnostic: &Diagnostic,
    context: &mut Context,
) -> JsError {
    let error = JsNativeError::syntax()
        .with_message(diagnostic.message.clone())
        .into_opaque(context);
    let properties: [(JsString, JsValue); 3] = [
        (js_string!("fileName"), JsString::from(file).into()),
        (js_string!("lineNumber"), diagnostic.line.into()),
        (js_string!("columnNumber"), diagnostic.column.into()),
    ];
    for (key, value) in properties {
        // A new error object is extensible: these definitions cannot fail.
        let _ = error.create_data_property_or_throw(key, value, context);
    }
    JsError::from_opaque(error.into())
}

/// `file:line:column: SyntaxError: message` when `error` is a syntax error carrying a location
/// (see [`located_syntax_error`]); `None` for any other error.
pub(crate) fn located_syntax_error_message(
    error: &JsError,
    context: &mut Context,
) -> Option<String> {
    let object = error.as_opaque()?.as_object()?;
    // Only real Error objects: reading properties of anything else could run user code (proxies).
    if !object.is::<ErrorData>() {
        return None;
    }
    let mut read = |key: JsString| object.get(key, context).ok();
    let file = read(js_string!("fileName"))?
        .as_string()?
        .to_std_string_escaped();
    let line = read(js_string!("lineNumber"))?.as_number()?;
    let column = read(js_string!("columnNumber"))?.as_number()?;
    let message = read(js_string!("message"))?
        .as_string()?
        .to_std_string_escaped();
    Some(format!("{file}:{line}:{column}: SyntaxError: {message}"))
}

/// `file://` URL of an absolute path, percent-encoding what a URL path cannot hold.
pub(crate) fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            url.push(char::from(byte));
        } else {
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_encode_spaces_and_percent_signs() {
        assert_eq!(
            file_url(Path::new("/tmp/my dir/100%.mjs")),
            "file:///tmp/my%20dir/100%25.mjs"
        );
    }
}
