//! Every playthrough of a scenario's authored replies: the outcome table authors review.

use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

use super::{Outcome, Scenario};
use crate::analyze::Analyzer;
use crate::engine::{Next, Reply, Session};

/// How far [`outcome_table`] goes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Stop after this many playthroughs.
    pub max_paths: usize,
    /// Cut a playthrough off after this many replies (it is then listed as unfinished).
    pub max_replies: usize,
    /// Cut a playthrough off when it would enter a node more often than this: going round a
    /// loop again shows the author nothing new.
    pub max_visits: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_paths: 1_000, max_replies: 40, max_visits: 2 }
    }
}

/// One playthrough of authored replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathOutcome {
    /// The choice numbers picked, in order (counted from 1).
    pub choices: Vec<usize>,
    /// The ending reached; `None` when the playthrough was cut off by a limit.
    pub ending: Option<String>,
    /// What that ending means.
    pub outcome: Option<Outcome>,
    /// The meter at the end.
    pub final_meter: i32,
    /// The sum of the replies' scores.
    pub total_score: i32,
}

/// The outcome table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeTable {
    /// The playthroughs, in depth-first order of choice numbers.
    pub paths: Vec<PathOutcome>,
    /// Whether `max_paths` stopped the enumeration early.
    pub truncated: bool,
}

impl OutcomeTable {
    /// The table as aligned plain text, one playthrough per row.
    pub fn to_text(&self) -> String {
        let rows: Vec<(String, &str, &str)> = self
            .paths
            .iter()
            .map(|path| {
                let choices: Vec<String> = path.choices.iter().map(usize::to_string).collect();
                (
                    choices.join(" "),
                    path.ending.as_deref().unwrap_or("(cut off)"),
                    path.outcome.map_or("-", |o| o.name()),
                )
            })
            .collect();
        let width = rows.iter().map(|row| row.0.len()).chain(["choices".len()]).max().unwrap_or_default();
        let ending_width = rows.iter().map(|row| row.1.len()).chain(["ending".len()]).max().unwrap_or_default();
        let mut out = format!(
            "{:<width$}  {:<ending_width$}  {:<10} {:>5} {:>6}\n",
            "choices", "ending", "outcome", "meter", "score"
        );
        for ((choices, ending, outcome), path) in rows.iter().zip(&self.paths) {
            let _ = writeln!(
                out,
                "{choices:<width$}  {ending:<ending_width$}  {outcome:<10} {:>5} {:>+6}",
                path.final_meter, path.total_score
            );
        }
        let more = if self.truncated { " (stopped at the limit)" } else { "" };
        let _ = writeln!(out, "{} playthrough(s){more}", self.paths.len());
        out
    }
}

/// Enumerates every sequence of authored choices from the start, depth first, within `limits`.
pub fn outcome_table(scenario: Arc<Scenario>, analyzer: &Analyzer, seed: u64, limits: Limits) -> OutcomeTable {
    let mut table = OutcomeTable { paths: Vec::new(), truncated: false };
    explore(Session::start(scenario, seed), analyzer, limits, &mut Vec::new(), 0, &mut table);
    table
}

fn explore(
    session: Session,
    analyzer: &Analyzer,
    limits: Limits,
    choices: &mut Vec<usize>,
    total_score: i32,
    table: &mut OutcomeTable,
) {
    if table.paths.len() >= limits.max_paths {
        table.truncated = true;
        return;
    }
    let turn = match session.next() {
        Next::Ending(finish) => {
            table.paths.push(PathOutcome {
                choices: choices.clone(),
                ending: Some(finish.id),
                outcome: Some(finish.outcome),
                final_meter: finish.meter,
                total_score,
            });
            return;
        }
        Next::Turn(turn) => turn,
    };
    // Too long, round a loop once more, or a step that takes only typed replies: cut off here.
    let cut_off = choices.len() >= limits.max_replies
        || session.visits(&turn.node) > limits.max_visits
        || turn.choices.is_empty();
    if cut_off {
        table.paths.push(PathOutcome {
            choices: choices.clone(),
            ending: None,
            outcome: None,
            final_meter: session.meter(),
            total_score,
        });
        return;
    }
    for number in 1..=turn.choices.len() {
        let mut next = session.clone();
        let Ok(feedback) = next.reply(analyzer, Reply::Choice(number)) else { continue };
        choices.push(number);
        explore(next, analyzer, limits, choices, total_score + feedback.analysis.score, table);
        choices.pop();
    }
}
