//! Keeps the dependency rule: each layer uses only the layers below it, and no
//! two source files use each other (directly or round a loop).
//!
//! ```text
//! domain ← error, model ← seed ← db ← server ← api ← components ← pages ← app ← web
//! ```
//!
//! It reads the `crate::…` and `super::…` paths in every file under `src/`
//! (tests at the bottom of a file, after `#[cfg(test)]`, are left out).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A file may use its own layer and those before it.
const LAYERS: [&[&str]; 10] = [
    &["domain"],
    &["error", "model"],
    &["seed"],
    &["db"],
    &["server"],
    &["api"],
    &["components"],
    &["pages"],
    &["app"],
    &["web"],
];

fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|names| names.contains(&top))
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("directory entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/server/readings.rs` → `["server", "readings"]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without comments and without its tests.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        code.push_str(line.split(" // ").next().unwrap_or(line));
        code.push('\n');
    }
    code
}

/// Every module path the code names through `crate::` or `super::`, resolved
/// against the file's own module.
fn paths_used(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (start, prefix) in code
        .match_indices("crate::")
        .map(|(i, _)| (i, "crate::"))
        .chain(code.match_indices("super::").map(|(i, _)| (i, "super::")))
    {
        // Skip `foo_crate::` and the like.
        if code[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[start + prefix.len()..];
        let mut path: Vec<String> = if prefix == "crate::" {
            Vec::new()
        } else {
            // `super` of `a/b.rs` (module a::b) and of `a/mod.rs` (module a) is
            // the module above.
            module[..module.len().saturating_sub(1)].to_vec()
        };
        for segment in rest.split("::") {
            let ident: String = segment.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if ident.is_empty() || ident == "self" {
                break;
            }
            path.push(ident.clone());
            if ident.len() != segment.len() {
                break;
            }
        }
        if !path.is_empty() {
            found.push(path);
        }
    }
    found
}

/// The source file a path lands in: the longest prefix that is a file.
fn file_for(src: &Path, path: &[String]) -> Option<PathBuf> {
    (1..=path.len()).rev().find_map(|n| {
        let prefix = path[..n].join("/");
        [src.join(format!("{prefix}.rs")), src.join(&prefix).join("mod.rs")].into_iter().find(|p| p.is_file())
    })
}

#[test]
fn each_layer_uses_only_the_layers_below_it_and_files_never_use_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut wrong_way = Vec::new();
    let mut uses: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src").to_path_buf();
        let module = module_of(&relative);
        let Some(top) = module.first() else { continue }; // lib.rs and main.rs wire everything
        let Some(own_layer) = layer_of(top) else {
            panic!("{} is in no layer; add `{top}` to LAYERS", relative.display());
        };
        let code = code_of(&std::fs::read_to_string(file).expect("readable source"));
        for path in paths_used(&code, &module) {
            if let Some(used_layer) = layer_of(&path[0]) {
                if used_layer > own_layer {
                    wrong_way.push(format!("{} uses {} (a layer above it)", relative.display(), path.join("::")));
                }
            }
            if let Some(target) = file_for(&src, &path) {
                let target = target.strip_prefix(&src).expect("under src").to_path_buf();
                // A module file and the files it declares belong together.
                let parent_of_either = |a: &Path, b: &Path| {
                    a.file_name().is_some_and(|n| n == "mod.rs") && b.starts_with(a.parent().unwrap_or(Path::new("")))
                };
                if target != relative && !parent_of_either(&target, &relative) && !parent_of_either(&relative, &target)
                {
                    uses.entry(relative.clone()).or_default().insert(target);
                }
            }
        }
    }
    assert!(wrong_way.is_empty(), "dependencies must point down the layers:\n{}", wrong_way.join("\n"));

    // Depth-first search for a loop between files.
    fn visit(
        file: &PathBuf,
        uses: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        trail: &mut Vec<PathBuf>,
        done: &mut BTreeSet<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if let Some(at) = trail.iter().position(|f| f == file) {
            let mut cycle = trail[at..].to_vec();
            cycle.push(file.clone());
            return Some(cycle);
        }
        if done.contains(file) {
            return None;
        }
        trail.push(file.clone());
        for next in uses.get(file).into_iter().flatten() {
            if let Some(cycle) = visit(next, uses, trail, done) {
                return Some(cycle);
            }
        }
        trail.pop();
        done.insert(file.clone());
        None
    }
    let mut done = BTreeSet::new();
    for file in uses.keys() {
        if let Some(cycle) = visit(file, &uses, &mut Vec::new(), &mut done) {
            let names: Vec<String> = cycle.iter().map(|p| p.display().to_string()).collect();
            panic!("source files use each other in a loop: {}", names.join(" → "));
        }
    }
}
