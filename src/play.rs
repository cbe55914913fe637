//! `rehearse play`: a scenario played from replies on stdin, one per line, printing the transcript
//! and the report. The same input always prints the same bytes.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Result, bail};
use rehearse_core::analyze::Analyzer;
use rehearse_core::engine::{Feedback, Next, Reply, Session, Turn};
use rehearse_core::report::Report;
use rehearse_core::scenario::Scenario;

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
    writeln!(out, "== {} ==", scenario.title)?;
    writeln!(out, "With {}. {}", scenario.partner.name, scenario.partner.persona)?;
    if !scenario.content_notes.is_empty() {
        writeln!(out, "Content notes: {}", scenario.content_notes.join(", "))?;
    }
    writeln!(out, "{}\n", scenario.summary)?;
    let partner = scenario.partner.name.clone();
    let mut session = Session::start(Arc::clone(&scenario), seed);
    while let Next::Turn(turn) = session.next() {
        show_turn(&partner, &turn, out)?;
        let Some(line) = lines.next().transpose()? else { break };
        let line = line.trim();
        writeln!(out, "> {line}")?;
        let reply = match line.parse::<usize>() {
            Ok(number) => Reply::Choice(number),
            Err(_) => Reply::Text(line.to_owned()),
        };
        match session.reply(analyzer, reply) {
            Ok(feedback) => {
                show_feedback(&turn, &feedback, session.transcript().last().map(|e| e.reply.as_str()), out)?
            }
            Err(error) => writeln!(out, "  ({error})\n")?,
        }
    }
    match session.next() {
        Next::Ending(ending) => writeln!(out, "*** {} ***\n{}\n", ending.title, ending.summary)?,
        Next::Turn(_) => writeln!(out, "(no more replies)\n")?,
    }
    write!(out, "{}", Report::new(&session, analyzer).to_text())?;
    Ok(())
}

fn show_turn(partner: &str, turn: &Turn, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "Turn {} (meter {})", turn.number, turn.meter)?;
    writeln!(out, "{partner}: \"{}\"", turn.partner_line)?;
    for (index, choice) in turn.choices.iter().enumerate() {
        writeln!(out, "  {}. {choice}", index + 1)?;
    }
    if turn.typing_allowed {
        writeln!(out, "  (or type your own reply)")?;
    }
    Ok(())
}

fn show_feedback(turn: &Turn, feedback: &Feedback, said: Option<&str>, out: &mut impl Write) -> io::Result<()> {
    if let Some(said) = said {
        writeln!(out, "You: \"{said}\"")?;
    }
    for line in &feedback.analysis.feedback {
        writeln!(out, "  - {line}")?;
    }
    let after = turn.meter + feedback.meter_delta;
    writeln!(out, "  Meter: {} -> {after} ({:+})\n", turn.meter, feedback.meter_delta)
}
