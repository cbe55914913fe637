//! `rehearse play`: hands the scenario and options to the terminal front end (`rehearse-repl`).

use std::process::ExitCode;

use anyhow::Result;
use rehearse_core::analyze::Analyzer;
use rehearse_repl::Options;

use crate::scenarios::{bundled_sources, find};

/// Arguments of `rehearse play`.
#[derive(clap::Args)]
pub struct Args {
    /// A bundled scenario's id, or a scenario file. Without it, pick from the bundled ones.
    scenario: Option<String>,
    /// The seed for the partner's line variants: the same seed and replies give the same conversation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// After each reply, show only the meter's move, not which principles showed (the report still does).
    #[arg(long)]
    no_coach: bool,
}

/// Runs `rehearse play`.
pub fn run(analyzer: &Analyzer, args: Args) -> Result<ExitCode> {
    let source = args.scenario.as_deref().map(|name| find(name, analyzer)).transpose()?;
    let options = Options { seed: args.seed, coach: !args.no_coach };
    rehearse_repl::run(analyzer, source, bundled_sources(), options)?;
    Ok(ExitCode::SUCCESS)
}
