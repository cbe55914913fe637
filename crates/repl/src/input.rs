//! Where lines come from: a line editor on a terminal, plain lines from a pipe.

use std::io::{self, BufRead, IsTerminal};
use std::path::PathBuf;

use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Context, Editor, Helper, Highlighter, Hinter, Validator};

/// What reading a line gave.
pub(crate) enum Line {
    /// A line the person entered (without its newline).
    Text(String),
    /// Ctrl-C: the line was cleared.
    Interrupted,
    /// Ctrl-D or the end of the input.
    Eof,
}

/// The input of a session.
pub(crate) enum Input {
    /// A terminal: line editing, completion of commands, history kept between runs.
    Terminal { editor: Box<Editor<CommandCompleter, DefaultHistory>>, history: Option<PathBuf> },
    /// A pipe or a file: one line at a time, nothing echoed by the terminal.
    Piped(io::Lines<io::StdinLock<'static>>),
}

impl Input {
    /// Opens stdin: a line editor when it is a terminal, plain lines otherwise.
    pub fn open(commands: &'static [&'static str]) -> Input {
        if io::stdin().is_terminal()
            && let Ok(mut editor) = Editor::new()
        {
            editor.set_helper(Some(CommandCompleter { commands }));
            let history = history_file();
            if let Some(path) = &history {
                // A missing history file is the normal first run.
                let _ = editor.load_history(path);
            }
            return Input::Terminal { editor: Box::new(editor), history };
        }
        Input::Piped(io::stdin().lock().lines())
    }

    /// Whether the person sees what they type (so it need not be echoed).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Input::Terminal { .. })
    }

    /// Reads one line, showing `prompt` on a terminal.
    pub fn read(&mut self, prompt: &str) -> io::Result<Line> {
        match self {
            Input::Terminal { editor, .. } => match editor.readline(prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    Ok(Line::Text(line))
                }
                Err(ReadlineError::Interrupted) => Ok(Line::Interrupted),
                Err(ReadlineError::Eof) => Ok(Line::Eof),
                Err(ReadlineError::Io(error)) => Err(error),
                Err(other) => Err(io::Error::other(other.to_string())),
            },
            Input::Piped(lines) => match lines.next() {
                Some(line) => line.map(Line::Text),
                None => Ok(Line::Eof),
            },
        }
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        if let Input::Terminal { editor, history: Some(path) } = self {
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            // History is a convenience: failing to save it must not fail the session.
            let _ = editor.save_history(path);
        }
    }
}

/// The history file in the user's data directory (`~/.local/share/rehearse/history` on Linux).
fn history_file() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("rehearse").join("history"))
}

/// Completes `/commands` with Tab.
#[derive(Helper, Highlighter, Hinter, Validator)]
pub(crate) struct CommandCompleter {
    commands: &'static [&'static str],
}

impl Completer for CommandCompleter {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let typed = &line[..pos];
        if !typed.starts_with('/') || typed.contains(' ') {
            return Ok((pos, Vec::new()));
        }
        let matches =
            self.commands.iter().filter(|command| command.starts_with(typed)).map(|c| (*c).to_owned()).collect();
        Ok((0, matches))
    }
}
