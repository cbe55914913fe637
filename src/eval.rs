//! `rehearse eval`: the analyzer's scores on a labelled file, as a table or JSON.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rehearse_core::analyze::Analyzer;
use rehearse_core::eval::{evaluate, parse_examples};

/// Arguments of `rehearse eval`.
#[derive(clap::Args)]
pub struct Args {
    /// A JSON-lines file in the labels.md or the AnnoMI format.
    file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Leave out the worst misses, which quote the replies: for a held-out set that nobody
    /// working on the rules should read.
    #[arg(long)]
    no_misses: bool,
}

/// Files with at least this many examples get a progress bar (on a terminal only).
const PROGRESS_FROM: usize = 500;

/// Runs `rehearse eval`.
pub fn run(analyzer: &Analyzer, args: Args) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let examples = parse_examples(&text).with_context(|| format!("{} is not a labelled file", args.file.display()))?;
    // indicatif draws nothing when stderr is not a terminal, so pipes and CI stay clean.
    let progress =
        if examples.len() >= PROGRESS_FROM { ProgressBar::new(examples.len() as u64) } else { ProgressBar::hidden() };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} replies").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut report = evaluate(analyzer, &examples, || progress.inc(1));
    if args.no_misses {
        report.worst_misses.clear();
    }
    progress.finish_and_clear();
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{report}")?;
    }
    Ok(ExitCode::SUCCESS)
}
