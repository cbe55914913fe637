//! `rehearse lint`: check scenario files and print rustc-style diagnostics (or JSON).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use rehearse_core::analyze::Analyzer;
use rehearse_core::diagnostic::{Diagnostic, Severity};
use rehearse_core::scenario::load;

use crate::scenarios::{Source, expand_paths};

/// Arguments of `rehearse lint`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario files or directories of them.
    #[arg(default_value = "scenarios")]
    paths: Vec<PathBuf>,
    /// Print the diagnostics as a JSON array.
    #[arg(long)]
    json: bool,
}

/// Runs `rehearse lint`: exit code 1 when any file has an error, 0 with only warnings.
pub fn run(analyzer: &Analyzer, args: Args) -> Result<ExitCode> {
    let files = expand_paths(&args.paths)?;
    let mut out = io::stdout().lock();
    let mut all: Vec<Diagnostic> = Vec::new();
    for file in &files {
        let Source { origin, text, .. } = Source::read(file)?;
        let diagnostics = match load(&origin, &text, analyzer) {
            Ok(loaded) => loaded.warnings,
            Err(error) => error.diagnostics().to_vec(),
        };
        if !args.json {
            for diagnostic in &diagnostics {
                writeln!(out, "{}", diagnostic.render(Some(&text)))?;
            }
        }
        all.extend(diagnostics);
    }
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &all)?;
        writeln!(out)?;
    } else {
        let warnings = all.len() - errors;
        writeln!(out, "{} file(s) checked: {errors} error(s), {warnings} warning(s)", files.len())?;
    }
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
