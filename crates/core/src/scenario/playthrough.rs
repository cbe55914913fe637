//! Running a scenario's scripted playthroughs and saying exactly what differed from what the author expected.

use std::sync::Arc;

use serde::Serialize;

use super::{Playthrough, Scenario};
use crate::analyze::Analyzer;
use crate::engine::{Next, Session};

/// One way a playthrough did not go as expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// What was compared ("ending", "meter", "reply 3").
    pub what: String,
    /// What the author expected.
    pub expected: String,
    /// What happened.
    pub actual: String,
}

/// The result of running one playthrough.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The playthrough's name.
    pub name: String,
    /// The session as the playthrough left it (for transcripts).
    pub session: Session,
    /// Everything that differed; empty when the playthrough passed.
    pub mismatches: Vec<Mismatch>,
}

impl Verdict {
    /// Whether everything went as expected.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Plays `playthrough` and compares the ending and the final meter with what it expects. A reply
/// the engine refuses is a mismatch too, and the rest of the replies are still played.
pub fn run(scenario: &Arc<Scenario>, analyzer: &Analyzer, playthrough: &Playthrough) -> Verdict {
    let mut session = Session::start(Arc::clone(scenario), playthrough.seed);
    let mut mismatches = Vec::new();
    for (index, reply) in playthrough.replies.iter().enumerate() {
        if let Err(error) = session.reply(analyzer, reply.clone()) {
            mismatches.push(Mismatch {
                what: format!("reply {}", index + 1),
                expected: "accepted".to_owned(),
                actual: format!("refused: {error}"),
            });
        }
    }
    let expected_ending = &scenario.endings[playthrough.ending].id;
    match session.next() {
        Next::Ending(finish) if &finish.id == expected_ending => {}
        Next::Ending(finish) => mismatches.push(Mismatch {
            what: "ending".to_owned(),
            expected: expected_ending.clone(),
            actual: finish.id,
        }),
        Next::Turn(turn) => mismatches.push(Mismatch {
            what: "ending".to_owned(),
            expected: expected_ending.clone(),
            actual: format!("none yet (the conversation is waiting at node `{}`)", turn.node),
        }),
    }
    if let Some(bounds) = playthrough.meter
        && !bounds.contains(session.meter().into())
    {
        let expected = match (bounds.at_least, bounds.at_most) {
            (Some(low), Some(high)) => format!("between {low} and {high}"),
            (Some(low), None) => format!("at least {low}"),
            (None, Some(high)) => format!("at most {high}"),
            (None, None) => "anything".to_owned(),
        };
        mismatches.push(Mismatch { what: "meter".to_owned(), expected, actual: session.meter().to_string() });
    }
    Verdict { name: playthrough.name.clone(), session, mismatches }
}
