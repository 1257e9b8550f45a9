//! The shape of the crate stays as the crate docs state it: each layer (a top-level
//! folder of `src/`) uses only the layers before it, capabilities never use each other,
//! and no module cycle exists between files. Dependencies are read from the `crate::`
//! paths in the code (comments are ignored), like `shared/tools/modcycles.py` does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, in dependency order.
const LAYERS: &[&str] = &[
    "kernel",
    "model",
    "command",
    "event",
    "store",
    "state",
    "capability",
    "decide",
    "query",
    "engine",
    "io",
];

/// The capability every capability may use: the shared decision context.
const SHARED_CAPABILITY: &str = "context";

type Module = Vec<String>;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` → `[a, b]`; `src/a/mod.rs` → `[a]`; `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments (so doc links are not dependencies).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b::...` path in `code`, with `use crate::{a::X, b::{..}}` groups
/// expanded one level.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            for item in group[..end].split(',') {
                paths.push(split_path(item.trim()));
            }
            continue;
        }
        paths.push(split_path(rest));
    }
    paths
}

fn split_path(text: &str) -> Vec<String> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    text[..end]
        .split("::")
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The deepest module that exists for a prefix of `path`.
fn resolve(modules: &BTreeSet<Module>, path: &[String]) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

fn dependencies() -> BTreeMap<Module, BTreeSet<Module>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut deps = BTreeMap::new();
    for file in &files {
        let from = module_of(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        let targets: BTreeSet<Module> = crate_paths(&code(&text))
            .iter()
            .filter_map(|p| resolve(&modules, p))
            .filter(|to| to != &from && !from.starts_with(to))
            .collect();
        deps.insert(from, targets);
    }
    deps
}

fn layer(module: &Module) -> Option<usize> {
    let top = module.first()?;
    LAYERS.iter().position(|l| l == top)
}

#[test]
fn every_layer_uses_only_the_layers_before_it() {
    let mut violations = Vec::new();
    for (from, targets) in dependencies() {
        let Some(own) = layer(&from) else { continue };
        for to in targets {
            match layer(&to) {
                Some(theirs) if theirs > own => {
                    violations.push(format!("{} uses {}", from.join("/"), to.join("/")))
                }
                None if !to.is_empty() => violations.push(format!(
                    "{} uses {}, which is in no layer",
                    from.join("/"),
                    to.join("/")
                )),
                _ => {}
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn capabilities_never_use_each_other() {
    let is_capability =
        |m: &Module| m.len() == 2 && m[0] == "capability" && m[1] != SHARED_CAPABILITY;
    let mut violations = Vec::new();
    for (from, targets) in dependencies() {
        if !is_capability(&from) {
            continue;
        }
        for to in targets.iter().filter(|to| is_capability(to)) {
            violations.push(format!("{} uses {}", from.join("/"), to.join("/")));
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn no_module_cycle() {
    let deps = dependencies();
    // Depth-first search with colours: an edge back to a module on the stack is a cycle.
    fn visit(
        m: &Module,
        deps: &BTreeMap<Module, BTreeSet<Module>>,
        on_stack: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if done.contains(m) {
            return None;
        }
        if let Some(at) = on_stack.iter().position(|s| s == m) {
            return Some(on_stack[at..].to_vec());
        }
        on_stack.push(m.clone());
        for next in deps.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(next, deps, on_stack, done) {
                return Some(cycle);
            }
        }
        on_stack.pop();
        done.insert(m.clone());
        None
    }
    let mut done = BTreeSet::new();
    for m in deps.keys() {
        let cycle = visit(m, &deps, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "module cycle: {:?}",
            cycle.map(|c| c.iter().map(|m| m.join("/")).collect::<Vec<_>>())
        );
    }
}

#[test]
fn the_checker_sees_dependencies() {
    // Guards the checks above against silently reading nothing.
    let deps = dependencies();
    let engine = deps
        .get(&vec!["engine".to_owned(), "tracker".to_owned()])
        .expect("engine/tracker.rs is a module");
    assert!(engine.contains(&vec!["decide".to_owned()]), "{engine:?}");
    assert!(deps.len() > 40, "only {} modules found", deps.len());
}
