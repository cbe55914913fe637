//! Embeds the bundled scenarios (`scenarios/*.yaml`) in the binary, so `rehearse play` works from
//! any directory.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it is compiled: cargo may reuse a compiled build script
    // for a checkout elsewhere that shares the target directory, whose scenarios may be gone.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("scenarios");
    println!("cargo::rerun-if-changed={}", dir.display());
    // A binary without its scenarios would build and then find none: better not to build.
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read the bundled scenarios in {}: {error}", dir.display()));
    let mut files: Vec<_> = entries
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("cannot list the bundled scenarios in {}: {error}", dir.display()));
    files.retain(|path| path.extension().is_some_and(|ext| ext == "yaml"));
    files.sort();
    let mut code = String::from(
        "/// The bundled scenarios: (file name, YAML source), sorted by file name.\npub const BUNDLED: &[(&str, &str)] = &[\n",
    );
    for path in files {
        println!("cargo::rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
