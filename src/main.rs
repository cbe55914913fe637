//! The `rehearse` command: subcommands that pass input to rehearse-core and render what comes out.

mod analyze;
mod eval;
mod lint;
mod paths;
mod play;
mod scenarios;
mod serve;
mod test;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use rehearse_core::analyze::{Analyzer, Rubric};

/// Practise difficult relationship conversations and see how each reply lands.
#[derive(Parser)]
#[command(name = "rehearse", version, about)]
struct Cli {
    /// Score with this rubric file instead of the built-in one.
    #[arg(long, global = true, value_name = "FILE")]
    rubric: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Explain which of the guide's principles a reply uses or breaks.
    Analyze(analyze::Args),
    /// Measure the analyzer against a labelled JSON-lines file.
    Eval(eval::Args),
    /// Play a scenario, reading replies from stdin (a number picks a choice, anything else is typed).
    Play(play::Args),
    /// Check scenario files: every problem at once, with its location.
    Lint(lint::Args),
    /// List every playthrough of a scenario's authored replies, with its ending, meter and score.
    Paths(paths::Args),
    /// Run scenarios' scripted playthroughs and report what differed from what they expect.
    Test(test::Args),
    /// Serve the counselor API (JSON over HTTP) with durable sessions.
    Serve(serve::ServeArgs),
    /// Create, list or revoke counselor tokens.
    Token(serve::TokenArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // A closed pipe (`rehearse ... | head`) is a normal way for output to end.
            if error
                .chain()
                .any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
            {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let analyzer = || load_analyzer(cli.rubric.as_deref());
    match cli.command {
        Command::Analyze(args) => analyze::run(&analyzer()?, args),
        Command::Eval(args) => eval::run(&analyzer()?, args),
        Command::Play(args) => play::run(&analyzer()?, args),
        Command::Lint(args) => lint::run(&analyzer()?, args),
        Command::Paths(args) => paths::run(&analyzer()?, args),
        Command::Test(args) => test::run(&analyzer()?, args),
        Command::Serve(args) => serve::serve(analyzer, args),
        Command::Token(args) => serve::token(args),
    }
}

/// The built-in analyzer, or one with the rubric in `path`.
fn load_analyzer(path: Option<&std::path::Path>) -> Result<Analyzer> {
    let Some(path) = path else { return Ok(Analyzer::builtin()) };
    let yaml = std::fs::read_to_string(path).with_context(|| format!("cannot read rubric {}", path.display()))?;
    let rubric = Rubric::from_yaml(&path.display().to_string(), &yaml).map_err(|error| {
        let rendered: String = error.diagnostics().iter().map(|d| d.render(Some(&yaml))).collect();
        anyhow::anyhow!("the rubric {} cannot be used:\n{rendered}", path.display())
    })?;
    Ok(Analyzer::from_rubric(rubric))
}
