//! `rehearse play`: a scenario played from replies on stdin, one per line, printing the transcript
//! and the report. The same input always prints the same bytes.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Result, bail};
use rehearse_core::analyze::Analyzer;
use rehearse_core::engine::{Next, Reply, Session};
use rehearse_core::report::Report;
use rehearse_core::scenario::Scenario;
use rehearse_core::transcript;

use crate::scenarios::{bundled, find, load_source};

/// Arguments of `rehearse play`.
#[derive(clap::Args)]
pub struct Args {
    /// A bundled scenario's id, or a scenario file. Without it, pick from the bundled ones.
    scenario: Option<String>,
    /// The seed for the partner's line variants: the same seed and replies give the same conversation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// Runs `rehearse play`.
pub fn run(analyzer: &Analyzer, args: Args) -> Result<ExitCode> {
    let stdin = io::stdin();
    let mut lines = stdin.lock().lines();
    let mut out = io::stdout().lock();
    let scenario = match &args.scenario {
        Some(name) => load_source(&find(name)?, analyzer)?,
        None => {
            let Some(scenario) = choose(analyzer, &mut lines, &mut out)? else { return Ok(ExitCode::SUCCESS) };
            scenario
        }
    };
    play(analyzer, scenario, args.seed, &mut lines, &mut out)?;
    Ok(ExitCode::SUCCESS)
}

/// Lists the bundled scenarios and reads the learner's pick (a number or an id).
fn choose(
    analyzer: &Analyzer,
    lines: &mut impl Iterator<Item = io::Result<String>>,
    out: &mut impl Write,
) -> Result<Option<Arc<Scenario>>> {
    let scenarios = bundled(analyzer);
    if scenarios.is_empty() {
        bail!("no bundled scenarios load; run `rehearse lint` to see why");
    }
    writeln!(out, "Scenarios:")?;
    for (number, scenario) in scenarios.iter().enumerate() {
        let principles: Vec<&str> = scenario.principles.iter().map(|t| t.title()).collect();
        writeln!(out, "  {}. {} [{}] ({})", number + 1, scenario.title, scenario.difficulty.name(), scenario.id)?;
        writeln!(out, "     practises: {}", principles.join(", "))?;
        if !scenario.content_notes.is_empty() {
            writeln!(out, "     content notes: {}", scenario.content_notes.join(", "))?;
        }
    }
    loop {
        writeln!(out, "Pick a scenario by number or id:")?;
        let Some(line) = lines.next().transpose()? else { return Ok(None) };
        let pick = line.trim();
        let found = match pick.parse::<usize>() {
            Ok(number) => number.checked_sub(1).and_then(|i| scenarios.get(i)),
            Err(_) => scenarios.iter().find(|s| s.id == pick),
        };
        match found {
            Some(scenario) => return Ok(Some(Arc::clone(scenario))),
            None => writeln!(out, "No scenario `{pick}`.")?,
        }
    }
}

/// Plays one scenario to its ending or to the end of the input, then prints the report.
fn play(
    analyzer: &Analyzer,
    scenario: Arc<Scenario>,
    seed: u64,
    lines: &mut impl Iterator<Item = io::Result<String>>,
    out: &mut impl Write,
) -> Result<()> {
    write!(out, "{}", transcript::header(&scenario))?;
    let partner = scenario.partner.name.clone();
    let mut session = Session::start(scenario, seed);
    while let Next::Turn(turn) = session.next() {
        write!(out, "{}", transcript::turn(&partner, &turn))?;
        let Some(line) = lines.next().transpose()? else { break };
        let line = line.trim();
        writeln!(out, "> {line}")?;
        let reply = match line.parse::<usize>() {
            Ok(number) => Reply::Choice(number),
            Err(_) => Reply::Text(line.to_owned()),
        };
        match session.reply(analyzer, reply) {
            Ok(_) => {
                if let Some(last) = session.transcript().last() {
                    write!(out, "{}", transcript::exchange(last))?;
                }
            }
            Err(error) => writeln!(out, "  ({error})\n")?,
        }
    }
    match session.next() {
        Next::Ending(finish) => write!(out, "{}", transcript::ending(&finish))?,
        Next::Turn(_) => writeln!(out, "(no more replies)\n")?,
    }
    write!(out, "{}", Report::new(&session, analyzer).to_text())?;
    Ok(())
}
