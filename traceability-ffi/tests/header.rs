//! Source checks for the C boundary: the checked-in header matches a fresh cbindgen
//! generation, and every export is panic-guarded.
//!
//! Regenerate the header after changing an export:
//! `TR_BLESS_HEADER=1 cargo test -p traceability-ffi --test header`.

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("../include/traceability.h")
}

fn generate_header() -> String {
    let config =
        cbindgen::Config::from_file(crate_dir().join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir())
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut bytes = Vec::new();
    bindings.write(&mut bytes);
    String::from_utf8(bytes).expect("the header is UTF-8")
}

#[test]
fn checked_in_header_matches_a_fresh_generation() {
    let fresh = generate_header();
    if std::env::var_os("TR_BLESS_HEADER").is_some() {
        std::fs::write(header_path(), &fresh).expect("write include/traceability.h");
        return;
    }
    let checked_in = std::fs::read_to_string(header_path()).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/traceability.h is out of date; regenerate it with \
         `TR_BLESS_HEADER=1 cargo test -p traceability-ffi --test header` and commit it"
    );
}

fn sources() -> Vec<(PathBuf, String)> {
    let dir = crate_dir().join("src");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("src/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read source");
            (p, text)
        })
        .collect();
    files.sort();
    files
}

/// The name and body start of every `extern "C" fn` in `text`.
fn exports(text: &str) -> Vec<(String, String)> {
    text.match_indices("extern \"C\" fn ")
        .map(|(at, marker)| {
            let rest = &text[at + marker.len()..];
            let name = rest[..rest.find('(').expect("argument list")].to_owned();
            // Arguments and return types of exports contain no braces.
            let body = rest[rest.find('{').expect("body") + 1..].trim_start();
            (name, body.chars().take(40).collect())
        })
        .collect()
}

#[test]
fn every_export_is_one_ffi_guard_and_in_the_header() {
    let mut names = Vec::new();
    for (path, text) in sources() {
        let no_mangle = text.matches("#[no_mangle]").count();
        let found = exports(&text);
        assert_eq!(
            no_mangle,
            found.len(),
            "{}: #[no_mangle] without extern \"C\" (or the reverse)",
            show(&path)
        );
        for (name, body) in found {
            assert!(
                body.starts_with("ffi_guard!("),
                "{}: `{name}` does not start with ffi_guard!: {body:?}",
                show(&path)
            );
            names.push(name);
        }
    }
    assert!(
        names.len() >= 30,
        "found only {} exports: {names:?}",
        names.len()
    );
    // The header declares exactly the exports. Declarations start in column 0:
    // "tr_status tr_pick(tr_tracker *tracker," or "const char *tr_version(void);"
    // (callback typedefs are types, not exports).
    let header = std::fs::read_to_string(header_path()).unwrap_or_default();
    let mut declared: Vec<String> = header
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()) && l.contains('('))
        .filter(|l| !l.starts_with("typedef"))
        .map(|l| {
            let before_paren = &l[..l.find('(').unwrap()];
            before_paren
                .rsplit([' ', '*'])
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    declared.sort();
    names.sort();
    assert_eq!(
        declared, names,
        "functions declared in the header vs exports in src/"
    );
}

fn show(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}
