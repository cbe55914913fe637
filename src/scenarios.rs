//! Finding scenarios: bundled in the binary by id, or a YAML file on disk.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rehearse_core::analyze::Analyzer;
pub use rehearse_repl::Source;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// Finds `name`: an existing file path, or the id of a bundled scenario (`analyzer` reads the
/// bundled scenarios' ids when no file name matches).
pub fn find(name: &str, analyzer: &Analyzer) -> Result<Source> {
    let path = Path::new(name);
    if path.is_file() {
        return Source::read(path);
    }
    let file = format!("{name}.yaml");
    if let Some((bundled, text)) = BUNDLED.iter().find(|(bundled, _)| *bundled == file || *bundled == name) {
        return Ok(bundled_source(bundled, text));
    }
    // A bundled scenario whose file name differs from its id is found by its id.
    let by_id = bundled_sources().into_iter().find(|source| source.load(analyzer).is_ok_and(|s| s.id == name));
    match by_id {
        Some(source) => Ok(source),
        None => {
            let ids: Vec<&str> = BUNDLED.iter().map(|(file, _)| file.trim_end_matches(".yaml")).collect();
            bail!("no scenario file or bundled scenario named `{name}`; bundled: {}", ids.join(", "))
        }
    }
}

/// The bundled scenarios, in file order.
pub fn bundled_sources() -> Vec<Source> {
    BUNDLED.iter().map(|(file, text)| bundled_source(file, text)).collect()
}

fn bundled_source(file: &str, text: &str) -> Source {
    Source { origin: format!("scenarios/{file}"), path: None, text: text.to_owned() }
}

/// Expands paths for `lint`: directories to the `.yaml` files in them, sorted.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot list {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|ext| ext == "yaml" || ext == "yml"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}
