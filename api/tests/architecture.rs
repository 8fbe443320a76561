//! The structure rules of the crate (issue 8), checked by reading `src/**/*.rs`: a `//!` line
//! atop each file, no production file over 400 lines, no `sqlx` in `routes/`, no `macro_rules!`
//! in `db/` standing in for a function, and no import cycles between modules.
//!
//! The checker reads text; it does not parse Rust. It knows the few shapes this crate writes
//! (`use` trees, `crate::`/`super::`/`self::` paths, a trailing `#[cfg(test)] mod tests`
//! block) and nothing more. Each failure lists every offending file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The most lines a file may have outside its unit-test module.
const MAX_PRODUCTION_LINES: usize = 400;

/// One source file: its path under `src/`, its whole text, and its text without the trailing
/// unit-test module.
struct Source {
    path: String,
    text: String,
    production: String,
}

/// Every `.rs` file under `src/`, in path order.
fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (mut folders, mut paths) = (vec![src.clone()], Vec::new());
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let read = |path: &Path| {
        let text = std::fs::read_to_string(path).expect("a source file is UTF-8");
        let relative = path.strip_prefix(&src).unwrap().to_string_lossy();
        Source {
            path: relative.replace('\\', "/"),
            production: without_tests(&text),
            text,
        }
    };
    paths.iter().map(|path| read(path)).collect()
}

/// The text without its `#[cfg(test)] mod tests { ... }` block: from that attribute to the
/// first line that is a lone `}` (rustfmt closes a top-level module so).
fn without_tests(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let is_start = |i: usize| {
        let next = lines.get(i + 1).copied().unwrap_or_default();
        lines[i].trim() == "#[cfg(test)]" && next.starts_with("mod tests")
    };
    let Some(start) = (0..lines.len()).find(|&i| is_start(i)) else {
        return text.to_owned();
    };
    let end = (start..lines.len()).find(|&i| lines[i] == "}");
    let after = end.map_or(lines.len(), |end| end + 1);
    let kept = lines[..start].iter().chain(&lines[after..]);
    kept.map(|line| format!("{line}\n")).collect()
}

/// Fails listing every offender, one per line, under the rule's sentence.
fn assert_none(rule: &str, offenders: Vec<String>) {
    let list = offenders.join("\n  ");
    assert!(offenders.is_empty(), "{rule}; offenders:\n  {list}");
}

/// The paths of the files that break a rule.
fn files_where(breaks: impl Fn(&Source) -> bool) -> Vec<String> {
    let sources = sources().into_iter();
    sources.filter(breaks).map(|source| source.path).collect()
}

#[test]
fn every_file_starts_with_a_module_doc_line() {
    let offenders = files_where(|source| !source.text.starts_with("//!"));
    assert_none("every file starts with a `//!` line", offenders);
}

#[test]
fn no_production_file_is_over_400_lines() {
    let offenders = sources()
        .into_iter()
        .map(|source| (source.production.lines().count(), source.path))
        .filter(|(lines, _)| *lines > MAX_PRODUCTION_LINES)
        .map(|(lines, path)| format!("{path}: {lines} lines"))
        .collect();
    assert_none("no file has over 400 lines outside its tests", offenders);
}

#[test]
fn no_route_module_mentions_sqlx() {
    let offenders = files_where(|s| s.path.starts_with("routes/") && s.text.contains("sqlx"));
    assert_none("routes/ imports no sqlx", offenders);
}

/// Macros that write what no function can: `db::sql`'s `arg_from!` writes the `From` impls of
/// each bindable type and its `Option`.
const MACROS_ALLOWED_IN_DB: &[&str] = &["macro_rules! arg_from"];

#[test]
fn storage_defines_no_macros_standing_in_for_functions() {
    let offenders = files_where(|s| {
        s.path.starts_with("db/")
            && s.text.match_indices("macro_rules!").any(|(at, _)| {
                !MACROS_ALLOWED_IN_DB
                    .iter()
                    .any(|allowed| s.text[at..].starts_with(allowed))
            })
    });
    assert_none("db/ has no macro_rules! (but for trait impls)", offenders);
}

#[test]
fn modules_import_each_other_without_cycles() {
    let graph = module_graph();
    let (mut cycles, mut done) = (BTreeSet::new(), BTreeSet::new());
    for module in graph.keys() {
        find_cycles(&graph, module, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert_none(
        "modules import each other in no circle",
        cycles.into_iter().collect(),
    );
}

/// Depth first from `module`: a module met again while still on `stack` closes a cycle.
fn find_cycles<'g>(
    graph: &'g BTreeMap<String, BTreeSet<String>>,
    module: &'g str,
    stack: &mut Vec<&'g str>,
    done: &mut BTreeSet<&'g str>,
    cycles: &mut BTreeSet<String>,
) {
    if let Some(at) = stack.iter().position(|on| *on == module) {
        cycles.insert(format!("{} -> {module}", stack[at..].join(" -> ")));
        return;
    }
    if !done.insert(module) {
        return;
    }
    stack.push(module);
    for next in graph.get(module).into_iter().flatten() {
        find_cycles(graph, next, stack, done, cycles);
    }
    stack.pop();
}

/// The module of a file under `src/`: `db/orders.rs` is `crate::db::orders`, `db/mod.rs` is
/// `crate::db`, `lib.rs` is `crate`. `main.rs` is a crate of its own (it says `api::`): none.
fn module_of(path: &str) -> Option<String> {
    let stem = path.strip_suffix(".rs")?;
    match stem.strip_suffix("/mod").unwrap_or(stem) {
        "main" => None,
        "lib" => Some("crate".to_owned()),
        stem => Some(format!("crate::{}", stem.replace('/', "::"))),
    }
}

/// Who references whom among the crate's modules, from the production code of each file
/// (comments left out): its `use` trees and its inline paths (`crate::...`, `super::...`, and
/// paths starting with a name a `use` imported). A reference resolves to the longest module
/// its path starts with; a module's references to itself and its descendants are left out
/// (a parent's `mod child;` is no path, so it never counts).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let sources = sources();
    let modules: BTreeSet<String> = sources.iter().filter_map(|s| module_of(&s.path)).collect();
    let mut graph = BTreeMap::new();
    for source in &sources {
        let Some(module) = module_of(&source.path) else {
            continue;
        };
        let code: String = (source.production.lines())
            .map(|line| format!("{}\n", line.split("//").next().unwrap_or_default()))
            .collect();
        let (mut aliases, mut paths) = (BTreeMap::new(), Vec::new());
        for (path, name) in use_trees(&code).iter().flat_map(|tree| expand(tree)) {
            if let Some(path) = absolute(&module, &path, &BTreeMap::new()) {
                aliases.insert(name, path.clone());
                paths.push(path);
            }
        }
        let tokens = code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'));
        for token in tokens.filter(|token| token.contains("::")) {
            paths.extend(absolute(&module, token, &aliases));
        }
        let longest_module = |path: &String| {
            let mut target = path.as_str();
            while !modules.contains(target) {
                target = &target[..target.rfind("::")?];
            }
            Some(target.to_owned())
        };
        let inside = format!("{module}::");
        let outside = |target: &String| *target != module && !target.starts_with(&inside);
        let targets = paths
            .iter()
            .filter_map(longest_module)
            .filter(outside)
            .collect();
        graph.insert(module, targets);
    }
    graph
}

/// The trees of the `use` declarations in `code`: `crate::db::{self, orders::Row}`.
fn use_trees(code: &str) -> Vec<String> {
    let mut trees = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + 4..];
        let end = rest.find(';').unwrap_or(rest.len());
        let tree = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        // Not a declaration: a word ending in "use", or prose in a string ("use a new key").
        let word = before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let path_like = tree
            .chars()
            .all(|c| c.is_alphanumeric() || "_:{},* ".contains(c));
        if !word && path_like {
            trees.push(tree);
            rest = &rest[end..];
        }
    }
    trees
}

/// A `use` tree's paths, each with the name it brings into scope: `a::{self, b as c}` gives
/// `(a::self, a)` and `(a::b, c)`.
fn expand(tree: &str) -> Vec<(String, String)> {
    let (mut leaves, mut prefixes, mut part) = (Vec::new(), vec![String::new()], String::new());
    for c in tree.chars().chain([',']) {
        let prefix = prefixes.last().cloned().unwrap_or_default();
        match c {
            '{' => prefixes.push(format!("{prefix}{}", part.trim())),
            ',' | '}' if !part.trim().is_empty() => {
                let (path, name) = part.split_once(" as ").unwrap_or((&part, ""));
                let path = format!("{prefix}{}", path.trim());
                let last = path.rsplit("::").find(|segment| *segment != "self");
                let name = Some(name.trim()).filter(|name| !name.is_empty()).or(last);
                leaves.push((path.clone(), name.unwrap_or_default().to_owned()));
            }
            ',' | '}' => {}
            c => {
                part.push(c);
                continue;
            }
        }
        if c == '}' {
            prefixes.pop();
        }
        part.clear();
    }
    leaves
}

/// `path` as seen from `module`, starting at `crate`; `None` for other crates' paths and
/// local names.
fn absolute(module: &str, path: &str, aliases: &BTreeMap<String, String>) -> Option<String> {
    let mut segments = path.split("::").filter(|segment| !segment.is_empty());
    let mut base: Vec<&str> = match segments.next()? {
        "crate" => vec!["crate"],
        "self" => module.split("::").collect(),
        "super" => module.rsplit_once("::")?.0.split("::").collect(),
        name => aliases.get(name)?.split("::").collect(),
    };
    for segment in segments {
        match segment {
            "super" => drop(base.pop()),
            "self" | "*" => {}
            segment => base.push(segment),
        }
    }
    (base.first() == Some(&"crate")).then(|| base.join("::"))
}
