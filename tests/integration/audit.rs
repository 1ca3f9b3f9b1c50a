//! The audit log is append-only: no code path updates or deletes its rows.

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source tree").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "sql") {
            out.push(path);
        }
    }
}

#[test]
fn no_code_updates_or_deletes_audit_rows() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("migrations"), &mut files);
    assert!(files.len() > 20, "found the sources");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable file").to_uppercase();
        let squashed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for forbidden in ["UPDATE AUDIT_LOG", "DELETE FROM AUDIT_LOG", "TRUNCATE AUDIT_LOG", "DROP TABLE AUDIT_LOG"] {
            assert!(!squashed.contains(forbidden), "{} contains {forbidden}", file.display());
        }
    }
}
