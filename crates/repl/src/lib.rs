//! The terminal front end of rehearse: play a scenario turn by turn with coaching and commands.
//!
//! Thin over `rehearse-core`: the session, the analysis, the hints and the report all come from
//! the core; this crate reads lines, parses `/commands` and renders. On a terminal it offers line
//! editing, Tab completion of commands and history; from a pipe it reads one reply per line and
//! echoes it, so a piped run prints the same bytes every time.

mod input;
mod paint;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rehearse_core::analyze::{Analyzer, Style};
use rehearse_core::coach;
use rehearse_core::engine::{Next, Reply, Session};
use rehearse_core::report::Report;
use rehearse_core::scenario::{Scenario, load};
use rehearse_core::transcript;

use input::{Input, Line};
use paint::Paint;

/// A scenario's source text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name diagnostics use.
    pub origin: String,
    /// The file it was read from, so `/restart` can read it again; `None` for bundled scenarios.
    pub path: Option<PathBuf>,
    /// The YAML text.
    pub text: String,
}

impl Source {
    /// Reads a scenario file.
    pub fn read(path: &Path) -> Result<Source> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Source { origin: path.display().to_string(), path: Some(path.to_path_buf()), text })
    }

    /// Loads the scenario, or fails with every problem found in it, rendered.
    pub fn checked(&self, analyzer: &Analyzer) -> Result<Arc<Scenario>> {
        self.load(analyzer).map_err(|rendered| anyhow::anyhow!("{} cannot be played:\n{rendered}", self.origin))
    }

    /// Loads the scenario, or renders every problem found in it.
    pub fn load(&self, analyzer: &Analyzer) -> std::result::Result<Arc<Scenario>, String> {
        load(&self.origin, &self.text, analyzer)
            .map(|loaded| Arc::new(loaded.scenario))
            .map_err(|error| error.diagnostics().iter().map(|d| d.render(Some(&self.text))).collect())
    }
}

/// How to play.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The seed for the partner's variants.
    pub seed: u64,
    /// Whether to say after each reply how it landed.
    pub coach: bool,
}

/// The commands, for `/help` and Tab completion.
const COMMANDS: &[&str] = &["/help", "/hint", "/undo", "/restart", "/why", "/transcript", "/report", "/save", "/quit"];

const HELP: &str = "\
Reply with the number of an authored reply, or type your own. Commands:
  /help         this list
  /hint         which principle would help here (without giving the answer away)
  /undo         take back your last reply
  /restart      start again (re-reading the scenario file, so edits show up)
  /why          the full analysis of your last reply
  /transcript   the conversation so far
  /report       the report so far
  /save FILE    save the transcript and report as Markdown
  /quit         show the report and leave (Ctrl-D does the same)
";

/// Plays `source`, or lets the learner pick one of `bundled` first when `source` is `None`.
pub fn run(analyzer: &Analyzer, source: Option<Source>, bundled: Vec<Source>, options: Options) -> Result<()> {
    let mut input = Input::open(COMMANDS);
    let mut out = io::stdout().lock();
    let paint = Paint::detect();
    let source = match source {
        Some(source) => source,
        None => match pick(analyzer, bundled, &mut input, &mut out, paint)? {
            Some(source) => source,
            None => return Ok(()),
        },
    };
    let scenario = source.checked(analyzer)?;
    let mut repl =
        Repl { analyzer, session: Session::start(scenario, options.seed), source, options, paint, reported: false };
    repl.play(&mut input, &mut out)
}

/// Lists the bundled scenarios and reads a pick (a number or an id).
fn pick(
    analyzer: &Analyzer,
    bundled: Vec<Source>,
    input: &mut Input,
    out: &mut impl Write,
    paint: Paint,
) -> Result<Option<Source>> {
    let loaded: Vec<(Source, Arc<Scenario>)> = bundled
        .into_iter()
        .filter_map(|source| source.load(analyzer).ok().map(|scenario| (source, scenario)))
        .collect();
    anyhow::ensure!(!loaded.is_empty(), "no bundled scenario loads; run `rehearse lint` to see why");
    writeln!(out, "{}", paint.bold("Scenarios"))?;
    for (number, (_, scenario)) in loaded.iter().enumerate() {
        let principles: Vec<&str> = scenario.principles.iter().map(|t| t.title()).collect();
        writeln!(out, "  {}. {} [{}] ({})", number + 1, scenario.title, scenario.difficulty.name(), scenario.id)?;
        writeln!(out, "     practises: {}", principles.join(", "))?;
        if !scenario.content_notes.is_empty() {
            writeln!(out, "     content notes: {}", scenario.content_notes.join(", "))?;
        }
    }
    loop {
        writeln!(out, "Pick a scenario by number or id (Ctrl-D to leave):")?;
        out.flush()?;
        let line = match input.read("scenario> ")? {
            Line::Text(line) => line,
            Line::Interrupted => continue,
            Line::Eof => return Ok(None),
        };
        if !input.is_terminal() {
            writeln!(out, "> {line}")?;
        }
        let pick = line.trim();
        let found = match pick.parse::<usize>() {
            Ok(number) => number.checked_sub(1).and_then(|i| loaded.get(i)),
            Err(_) => loaded.iter().find(|(_, s)| s.id == pick),
        };
        match found {
            Some((source, _)) => return Ok(Some(source.clone())),
            None => writeln!(out, "No scenario `{pick}`.")?,
        }
    }
}

/// Analyses replies typed one per line: a scratchpad for trying out wordings.
pub fn scratchpad(analyzer: &Analyzer) -> Result<()> {
    let mut input = Input::open(&["/context", "/quit"]);
    let mut out = io::stdout().lock();
    let mut context = String::new();
    writeln!(out, "Type a reply to see how it lands. /context TEXT sets your partner's line; /quit or Ctrl-D leaves.")?;
    loop {
        let line = match input.read("reply> ")? {
            Line::Text(line) => line,
            Line::Interrupted => continue,
            Line::Eof => return Ok(()),
        };
        let line = line.trim();
        if line == "/quit" {
            return Ok(());
        }
        if let Some(partner) = line.strip_prefix("/context") {
            context = partner.trim().to_owned();
            writeln!(out, "Partner's line: {context:?}")?;
            continue;
        }
        if !line.is_empty() {
            write!(out, "{}", analyzer.analyze(line, &context).explain())?;
        }
    }
}

/// A session being played in the terminal.
struct Repl<'a> {
    analyzer: &'a Analyzer,
    source: Source,
    options: Options,
    session: Session,
    paint: Paint,
    /// Whether the final report has been shown (so Ctrl-D after the ending does not repeat it).
    reported: bool,
}

/// What to do after a command.
enum Flow {
    Continue,
    Quit,
}

impl Repl<'_> {
    fn play(&mut self, input: &mut Input, out: &mut impl Write) -> Result<()> {
        write!(out, "{}", transcript::header(self.session.scenario()))?;
        writeln!(out, "{}", self.paint.dim("(type /help for commands)"))?;
        self.show_next(out)?;
        loop {
            out.flush()?;
            let line = match input.read("> ")? {
                Line::Text(line) => line,
                Line::Interrupted => continue,
                Line::Eof => break,
            };
            let line = line.trim().to_owned();
            if !input.is_terminal() {
                writeln!(out, "> {line}")?;
            }
            let flow = match line.strip_prefix('/') {
                Some(command) => self.command(command, out)?,
                None => {
                    self.reply(&line, out)?;
                    Flow::Continue
                }
            };
            if let Flow::Quit = flow {
                break;
            }
        }
        if !self.reported {
            if let Next::Turn(_) = self.session.next() {
                writeln!(out, "(the conversation was left here)\n")?;
            }
            self.report(out)?;
        }
        Ok(())
    }

    /// Shows what comes next: the partner's turn, or the ending and the report.
    fn show_next(&mut self, out: &mut impl Write) -> Result<()> {
        match self.session.next() {
            Next::Turn(turn) => {
                let partner = &self.session.scenario().partner.name;
                let text = transcript::turn(partner, &turn);
                let (heading, rest) = text.split_once('\n').unwrap_or((&text, ""));
                write!(out, "{}\n{rest}", self.paint.dim(heading))?;
            }
            Next::Ending(finish) => {
                write!(out, "{}", self.paint.bold(&transcript::ending(&finish)))?;
                self.report(out)?;
                writeln!(
                    out,
                    "{}",
                    self.paint.dim("(the conversation has ended: /undo, /restart, /save FILE or /quit)")
                )?;
            }
        }
        Ok(())
    }

    fn report(&mut self, out: &mut impl Write) -> Result<()> {
        write!(out, "{}", Report::new(&self.session, self.analyzer).to_text())?;
        self.reported = true;
        Ok(())
    }

    fn reply(&mut self, line: &str, out: &mut impl Write) -> Result<()> {
        if let Err(error) = self.session.reply(self.analyzer, Reply::from_input(line)) {
            writeln!(out, "  ({error})")?;
            return Ok(());
        }
        if let Some(exchange) = self.session.transcript().last() {
            if exchange.choice.is_some() {
                writeln!(out, "You: \"{}\"", exchange.reply)?;
            }
            if self.options.coach {
                let landing = coach::landing(exchange);
                let painted = match exchange.analysis.style {
                    Style::ActiveListening => self.paint.good(&landing),
                    Style::Defensive => self.paint.bad(&landing),
                    Style::Fixing => self.paint.warn(&landing),
                    Style::Neutral => self.paint.dim(&landing),
                };
                writeln!(out, "  {painted}\n")?;
            } else {
                writeln!(
                    out,
                    "  meter {} -> {} ({:+})\n",
                    exchange.meter_before, exchange.meter_after, exchange.meter_delta
                )?;
            }
        }
        self.show_next(out)
    }

    fn command(&mut self, command: &str, out: &mut impl Write) -> Result<Flow> {
        let (name, argument) = command.split_once(' ').map_or((command, ""), |(n, a)| (n, a.trim()));
        match name {
            "help" => write!(out, "{HELP}")?,
            "hint" => match self.session.next() {
                Next::Turn(turn) => {
                    writeln!(out, "Hint: {}", coach::hint(self.session.scenario(), &turn, self.analyzer))?
                }
                Next::Ending(_) => writeln!(out, "The conversation has ended; /undo or /restart to try again.")?,
            },
            "undo" => match self.session.undo(self.analyzer) {
                Ok(()) => {
                    self.reported = false;
                    writeln!(out, "(took back your last reply)\n")?;
                    self.show_next(out)?;
                }
                Err(error) => writeln!(out, "  ({error})")?,
            },
            "restart" => self.restart(out)?,
            "why" => match self.session.transcript().last() {
                Some(exchange) => write!(out, "\"{}\"\n{}", exchange.reply, exchange.analysis.explain())?,
                None => writeln!(out, "There is no reply yet.")?,
            },
            "transcript" => write!(out, "{}", transcript::session(&self.session))?,
            "report" => write!(out, "{}", Report::new(&self.session, self.analyzer).to_text())?,
            "save" if argument.is_empty() => writeln!(out, "Say where: /save FILE")?,
            "save" => {
                let markdown = format!(
                    "{}\n{}",
                    transcript::markdown(&self.session),
                    Report::new(&self.session, self.analyzer).to_markdown()
                );
                match std::fs::write(argument, markdown) {
                    Ok(()) => writeln!(out, "Saved the transcript and report to {argument}.")?,
                    Err(error) => writeln!(out, "Could not save to {argument}: {error}")?,
                }
            }
            "quit" | "exit" => return Ok(Flow::Quit),
            _ => writeln!(out, "Unknown command /{name}; /help lists them.")?,
        }
        Ok(Flow::Continue)
    }

    /// Starts again, re-reading the scenario file so an author sees their edits. A file that no
    /// longer loads is reported, and the current session goes on.
    fn restart(&mut self, out: &mut impl Write) -> Result<()> {
        if let Some(path) = &self.source.path {
            match std::fs::read_to_string(path) {
                Ok(text) => self.source.text = text,
                Err(error) => {
                    writeln!(out, "Could not re-read {}: {error}", path.display())?;
                    return Ok(());
                }
            }
        }
        match self.source.load(self.analyzer) {
            Ok(scenario) => {
                self.session = Session::start(scenario, self.options.seed);
                self.reported = false;
                writeln!(out, "(starting again)\n")?;
                write!(out, "{}", transcript::header(self.session.scenario()))?;
                self.show_next(out)?;
            }
            Err(rendered) => writeln!(
                out,
                "{} has problems; carrying on with the version loaded before.\n{rendered}",
                self.source.origin
            )?,
        }
        Ok(())
    }
}
