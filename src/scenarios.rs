//! Finding scenarios: bundled in the binary by id, or a YAML file on disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::{Scenario, load};

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// A scenario's source: where it came from and its text.
pub struct Source {
    /// The name diagnostics use (a path, or `scenarios/<file>` for bundled ones).
    pub origin: String,
    /// The YAML text.
    pub text: String,
}

/// Finds `name`: an existing file path, or the id of a bundled scenario.
pub fn find(name: &str) -> Result<Source> {
    let path = Path::new(name);
    if path.is_file() {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
        return Ok(Source { origin: name.to_owned(), text });
    }
    let file = format!("{name}.yaml");
    match BUNDLED.iter().find(|(bundled, _)| *bundled == file || *bundled == name) {
        Some((bundled, text)) => Ok(Source { origin: format!("scenarios/{bundled}"), text: (*text).to_owned() }),
        None => {
            let ids: Vec<&str> = BUNDLED.iter().map(|(file, _)| file.trim_end_matches(".yaml")).collect();
            bail!("no scenario file or bundled scenario named `{name}`; bundled: {}", ids.join(", "))
        }
    }
}

/// Loads a source, rendering its diagnostics into the error if it has errors.
pub fn load_source(source: &Source, analyzer: &Analyzer) -> Result<Arc<Scenario>> {
    match load(&source.origin, &source.text, analyzer) {
        Ok(loaded) => Ok(Arc::new(loaded.scenario)),
        Err(error) => {
            let rendered: String = error.diagnostics().iter().map(|d| d.render(Some(&source.text))).collect();
            bail!("{} cannot be played:\n{rendered}", source.origin)
        }
    }
}

/// The bundled scenarios, loaded (those that fail to load are skipped; `rehearse lint` shows why).
pub fn bundled(analyzer: &Analyzer) -> Vec<Arc<Scenario>> {
    BUNDLED
        .iter()
        .filter_map(|(file, text)| load(&format!("scenarios/{file}"), text, analyzer).ok())
        .map(|loaded| Arc::new(loaded.scenario))
        .collect()
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
