//! `rehearse test`: run scenarios' scripted playthroughs, with a pass/fail summary and what differed.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::{load, playthrough};

use crate::scenarios::{Source, expand_paths};

/// Arguments of `rehearse test`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario files or directories of them.
    #[arg(default_value = "scenarios")]
    paths: Vec<PathBuf>,
}

/// Runs `rehearse test`: exit code 1 when a playthrough fails or a scenario does not load.
pub fn run(analyzer: &Analyzer, args: Args) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    let (mut passed, mut failed) = (0, 0);
    for file in expand_paths(&args.paths)? {
        let Source { origin, text, .. } = Source::read(&file)?;
        let scenario = match load(&origin, &text, analyzer) {
            Ok(loaded) => Arc::new(loaded.scenario),
            Err(error) => {
                writeln!(
                    out,
                    "{origin}\n  FAIL  the scenario does not load ({} problem(s); run `rehearse lint`)",
                    error.diagnostics().len()
                )?;
                failed += 1;
                continue;
            }
        };
        writeln!(out, "{origin}")?;
        for script in &scenario.playthroughs {
            let verdict = playthrough::run(&scenario, analyzer, script);
            if verdict.passed() {
                passed += 1;
                writeln!(out, "  ok    {} (meter {})", verdict.name, verdict.session.meter())?;
                continue;
            }
            failed += 1;
            writeln!(out, "  FAIL  {}", verdict.name)?;
            for mismatch in &verdict.mismatches {
                writeln!(
                    out,
                    "        {}:\n          - expected: {}\n          + actual:   {}",
                    mismatch.what, mismatch.expected, mismatch.actual
                )?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
