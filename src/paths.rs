//! `rehearse paths`: every playthrough of a scenario's authored replies, with its outcome.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use rehearse_core::analyze::Analyzer;
use rehearse_core::scenario::paths::{Limits, playthroughs};

use crate::scenarios::{find, load_source};

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
    let scenario = load_source(&find(&args.scenario)?, analyzer)?;
    let limits = Limits { max_paths: args.max_paths, ..Limits::default() };
    let table = playthroughs(scenario, analyzer, args.seed, limits);
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &table)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<(String, &str, &str)> = table
        .paths
        .iter()
        .map(|path| {
            let choices: Vec<String> = path.choices.iter().map(usize::to_string).collect();
            (choices.join(" "), path.ending.as_deref().unwrap_or("(cut off)"), path.outcome.map_or("-", |o| o.name()))
        })
        .collect();
    let width = rows.iter().map(|row| row.0.len()).chain(["choices".len()]).max().unwrap_or_default();
    let ending_width = rows.iter().map(|row| row.1.len()).chain(["ending".len()]).max().unwrap_or_default();
    writeln!(
        out,
        "{:<width$}  {:<ending_width$}  {:<10} {:>5} {:>6}",
        "choices", "ending", "outcome", "meter", "score"
    )?;
    for ((choices, ending, outcome), path) in rows.iter().zip(&table.paths) {
        writeln!(
            out,
            "{choices:<width$}  {ending:<ending_width$}  {outcome:<10} {:>5} {:>+6}",
            path.final_meter, path.total_score
        )?;
    }
    let more = if table.truncated { " (stopped at --max-paths)" } else { "" };
    writeln!(out, "{} playthrough(s){more}", table.paths.len())?;
    Ok(ExitCode::SUCCESS)
}
