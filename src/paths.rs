//! `rehearse paths`: every playthrough of a scenario's authored replies, with its outcome.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::paths::{Limits, outcome_table};

use crate::scenarios::find;

/// Arguments of `rehearse paths`.
#[derive(clap::Args)]
pub struct Args {
    /// A bundled scenario's id, or a scenario file.
    scenario: String,
    /// The seed for the partner's line variants.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Stop after this many playthroughs.
    #[arg(long, default_value_t = Limits::default().max_paths)]
    max_paths: usize,
    /// Print the table as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `rehearse paths`.
pub fn run(analyzer: &Analyzer, args: Args) -> Result<ExitCode> {
    let scenario = find(&args.scenario, analyzer)?.checked(analyzer)?;
    let limits = Limits { max_paths: args.max_paths, ..Limits::default() };
    let table = outcome_table(scenario, analyzer, args.seed, limits);
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &table)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    write!(out, "{}", table.to_text())?;
    Ok(ExitCode::SUCCESS)
}
