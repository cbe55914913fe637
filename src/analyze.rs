//! `rehearse analyze`: one reply explained for a person, or many as JSON lines for programs.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};
use rehearse_core::analyze::Analyzer;
use serde::Deserialize;

/// Arguments of `rehearse analyze`.
#[derive(clap::Args)]
pub struct Args {
    /// The reply to analyze.
    text: Option<String>,
    /// The partner's line the reply answers.
    #[arg(long, short)]
    context: Option<String>,
    /// Read `{"text", "context"}` objects from stdin, one per line; write one analysis per line.
    #[arg(long, conflicts_with_all = ["text", "context"])]
    jsonl: bool,
}

/// Runs `rehearse analyze`.
pub fn run(analyzer: &Analyzer, args: Args) -> Result<ExitCode> {
    if args.jsonl {
        return analyze_lines(analyzer, io::stdin().lock(), io::stdout().lock());
    }
    let Some(text) = args.text else {
        if io::stdin().is_terminal() {
            rehearse_repl::scratchpad(analyzer)?;
            return Ok(ExitCode::SUCCESS);
        }
        bail!("give a reply to analyze, e.g. rehearse analyze \"That makes sense.\", or use --jsonl");
    };
    let analysis = analyzer.analyze(&text, args.context.as_deref().unwrap_or(""));
    let mut out = io::stdout().lock();
    out.write_all(analysis.explain().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    text: String,
    #[serde(default)]
    context: Option<String>,
}

/// Analyses JSON lines in order. A malformed line gets an error object on its own output line and
/// processing goes on, so output line N always answers input line N.
fn analyze_lines(analyzer: &Analyzer, input: impl BufRead, mut output: impl Write) -> Result<ExitCode> {
    let mut failures = 0;
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        let response = match serde_json::from_str::<Request>(&line) {
            Ok(request) => {
                serde_json::to_string(&analyzer.analyze(&request.text, request.context.as_deref().unwrap_or("")))?
            }
            Err(error) => {
                failures += 1;
                serde_json::json!({"error": {"line": index + 1, "message": error.to_string()}}).to_string()
            }
        };
        writeln!(output, "{response}")?;
    }
    output.flush()?;
    Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_line_gets_one_output_line_even_when_malformed() {
        let input = "{\"text\": \"That makes sense.\", \"context\": \"I'm wiped out.\"}\nnot json\n{\"txt\": 1}\n{\"text\": \"whatever\"}\n";
        let mut output = Vec::new();
        let code = analyze_lines(&Analyzer::builtin(), input.as_bytes(), &mut output).unwrap();
        assert_eq!(code, ExitCode::from(1));
        let lines: Vec<serde_json::Value> =
            String::from_utf8(output).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0]["style"], "active_listening");
        assert_eq!(lines[0]["tags"][0]["tag"], "validation");
        assert_eq!(lines[0]["tags"][0]["evidence"][0]["text"], "That makes sense");
        assert_eq!(lines[1]["error"]["line"], 2);
        assert_eq!(lines[2]["error"]["line"], 3);
        assert_eq!(lines[3]["style"], "defensive");
    }
}
