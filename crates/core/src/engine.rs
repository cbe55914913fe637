//! The session engine: a scenario played turn by turn, deterministic in (scenario, seed, replies).
//!
//! A [`Session`] is a value: `start` makes the first turn, `reply` moves it on, `undo` rebuilds it
//! from its log without the last reply. The only randomness (which variant of a partner line is
//! said) comes from a `ChaCha8Rng` seeded by the session's seed, so a [`SessionLog`] replays to
//! the identical transcript on every platform.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::analyze::{Analysis, Analyzer};
use crate::scenario::{Effect, Ending, Facts, Outcome, Scenario, Target, Value};

/// Typed replies longer than this (in characters) are refused.
pub const MAX_REPLY_CHARS: usize = 2_000;

/// A learner's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Reply {
    /// The authored reply with this number, counted from 1 as shown to the learner.
    Choice(usize),
    /// A reply the learner typed.
    Text(String),
}

impl Reply {
    /// Reads a line a learner entered: a number picks that authored reply, anything else is typed.
    pub fn from_input(line: &str) -> Reply {
        let line = line.trim();
        match line.parse::<usize>() {
            Ok(number) => Reply::Choice(number),
            Err(_) => Reply::Text(line.to_owned()),
        }
    }
}

/// A reply the engine cannot take; the session is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The conversation has ended.
    #[error("the conversation has ended")]
    Finished,
    /// The choice number is not offered.
    #[error("there is no choice {chosen}; pick 1 to {offered}")]
    NoSuchChoice {
        /// The number asked for.
        chosen: usize,
        /// How many choices there are.
        offered: usize,
    },
    /// Typing is not allowed at this step.
    #[error("this step takes only the numbered replies")]
    TypingNotAllowed,
    /// The typed reply is empty.
    #[error("the reply is empty")]
    EmptyReply,
    /// The typed reply is too long.
    #[error("the reply has {chars} characters; the limit is {MAX_REPLY_CHARS}")]
    ReplyTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// There is nothing to undo.
    #[error("there is nothing to undo")]
    NothingToUndo,
    /// A log was made on another version of the scenario.
    #[error("the log was made on scenario version {logged}, not {current}")]
    VersionMismatch {
        /// The hash in the log.
        logged: String,
        /// The scenario's hash.
        current: String,
    },
    /// A route led to `end` but no ending's condition held (lint prevents this).
    #[error("no ending applies")]
    NoEnding,
}

/// What the learner sees at a decision point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Turn {
    /// 1 for the first partner line, then one more per reply.
    pub number: usize,
    /// The node's id.
    pub node: String,
    /// What the partner says.
    pub partner_line: String,
    /// The authored replies, numbered from 1 in this order.
    pub choices: Vec<String>,
    /// Whether a typed reply is accepted.
    pub typing_allowed: bool,
    /// The partner's safety meter now (0-100).
    pub meter: i32,
}

/// Where a conversation ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finish {
    /// The ending's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What happened.
    pub summary: String,
    /// What the ending means for the relationship.
    pub outcome: Outcome,
    /// The final meter.
    pub meter: i32,
}

/// What follows a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Next {
    /// The partner's next line.
    Turn(Turn),
    /// The conversation is over.
    Ending(Finish),
}

/// One exchange of the transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exchange {
    /// The turn the reply answered.
    pub turn: Turn,
    /// What the learner said (a choice's text, or the typed reply).
    pub reply: String,
    /// The choice's number, for authored replies.
    pub choice: Option<usize>,
    /// How the reply landed.
    pub analysis: Analysis,
    /// The meter before the reply.
    pub meter_before: i32,
    /// How much the meter moved.
    pub meter_delta: i32,
    /// The meter after the reply.
    pub meter_after: i32,
}

/// The result of a reply: how it landed, and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    /// How the reply landed.
    pub analysis: Analysis,
    /// How much the meter moved.
    pub meter_delta: i32,
    /// What comes next.
    pub next: Next,
}

/// One entry of a session's durable log, as a store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logged {
    /// The learner replied; the analysis it got is kept with it.
    Reply {
        /// What the learner did.
        reply: Reply,
        /// How it was scored at the time.
        analysis: Analysis,
    },
    /// The learner took back their last reply.
    Undo,
}

/// Everything needed to rebuild a session: scenario version, seed and replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLog {
    /// The scenario's id.
    pub scenario: String,
    /// The scenario's content hash.
    pub scenario_hash: String,
    /// The seed.
    pub seed: u64,
    /// The replies, in order.
    pub replies: Vec<Reply>,
}

/// A conversation in progress (or finished).
#[derive(Debug, Clone)]
pub struct Session {
    scenario: Arc<Scenario>,
    seed: u64,
    dice: Dice,
    meter: i32,
    vars: BTreeMap<String, Value>,
    visits: HashMap<usize, u32>,
    position: Position,
    last_analysis: Option<Analysis>,
    replies: Vec<Reply>,
    transcript: Vec<Exchange>,
}

/// The session's only source of randomness. `ChaCha8Rng` is not `Clone`, so a copy goes through
/// its serialised state, which continues the exact same stream.
#[derive(Debug)]
struct Dice(ChaCha8Rng);

impl Clone for Dice {
    fn clone(&self) -> Self {
        Dice(ChaCha8Rng::deserialize_state(&self.0.serialize_state()))
    }
}

/// Resolves a target; `end` becomes the first ending whose condition holds for `facts`.
fn resolve(scenario: &Scenario, target: Target, facts: &Facts<'_>) -> Result<Destination, EngineError> {
    match target {
        Target::Node(index) => Ok(Destination::Node(index)),
        Target::Ending(index) => Ok(Destination::Ending(index)),
        Target::FirstMatchingEnding => scenario
            .endings
            .iter()
            .position(|ending| ending.when.as_ref().is_none_or(|when| when.holds(facts)))
            .map(Destination::Ending)
            .ok_or(EngineError::NoEnding),
    }
}

/// Applies an effect to a session's variables.
fn apply(vars: &mut BTreeMap<String, Value>, effect: &Effect) {
    match effect {
        Effect::Set(name, value) => {
            vars.insert(name.clone(), *value);
        }
        Effect::Add(name, amount) => {
            if let Some(Value::Int(count)) = vars.get_mut(name) {
                *count = count.saturating_add(*amount);
            }
        }
    }
}

/// A resolved target.
enum Destination {
    Node(usize),
    Ending(usize),
}

#[derive(Debug, Clone)]
enum Position {
    At { node: usize, turn: Turn },
    Ended(Finish),
}

impl Session {
    /// Starts a conversation; the first turn is [`Session::next`].
    pub fn start(scenario: Arc<Scenario>, seed: u64) -> Session {
        let mut session = Session {
            meter: scenario.meter_start,
            vars: scenario.variables.clone(),
            dice: Dice(ChaCha8Rng::seed_from_u64(seed)),
            seed,
            visits: HashMap::new(),
            // Replaced at once by entering the start node below.
            position: Position::Ended(Finish {
                id: String::new(),
                title: String::new(),
                summary: String::new(),
                outcome: Outcome::Stalled,
                meter: 0,
            }),
            last_analysis: None,
            replies: Vec::new(),
            transcript: Vec::new(),
            scenario,
        };
        let start = session.scenario.start;
        session.enter(start);
        session
    }

    /// Rebuilds a session from its log; fails if the log was made on another scenario version or
    /// holds a reply the scenario does not accept.
    pub fn replay(scenario: Arc<Scenario>, analyzer: &Analyzer, log: &SessionLog) -> Result<Session, EngineError> {
        if log.scenario_hash != scenario.content_hash {
            return Err(EngineError::VersionMismatch {
                logged: log.scenario_hash.clone(),
                current: scenario.content_hash.clone(),
            });
        }
        let mut session = Session::start(scenario, log.seed);
        for reply in &log.replies {
            session.reply(analyzer, reply.clone())?;
        }
        Ok(session)
    }

    /// Rebuilds a session from a durable log, with each reply scored as it was when it was made,
    /// so that the conversation comes back exactly as it was played even if the rubric changed
    /// since. Fails if the scenario does not accept one of the replies.
    pub fn restore(scenario: Arc<Scenario>, seed: u64, log: &[Logged]) -> Result<Session, EngineError> {
        // Each undo takes back the reply before it; what stands is replayed once.
        let mut standing = Vec::new();
        for entry in log {
            match entry {
                Logged::Reply { reply, analysis } => standing.push((reply, analysis)),
                Logged::Undo => {
                    standing.pop();
                }
            }
        }
        let mut session = Session::start(scenario, seed);
        for (reply, analysis) in standing {
            session.reply_analyzed(reply.clone(), analysis.clone())?;
        }
        Ok(session)
    }

    /// The scenario being played.
    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// What comes next: the current turn, or the ending.
    pub fn next(&self) -> Next {
        match &self.position {
            Position::At { turn, .. } => Next::Turn(turn.clone()),
            Position::Ended(finish) => Next::Ending(finish.clone()),
        }
    }

    /// The number of the turn awaiting a reply, counted from 1: one more than the exchanges so far.
    /// After an ending, the number the next turn would have had (what an undo there names).
    pub fn turn_number(&self) -> usize {
        self.transcript.len() + 1
    }

    /// Whether the conversation has reached an ending.
    pub fn has_ended(&self) -> bool {
        matches!(self.position, Position::Ended(_))
    }

    /// The partner's safety meter now.
    pub fn meter(&self) -> i32 {
        self.meter
    }

    /// How many times the node `id` has been entered so far.
    pub fn visits(&self, id: &str) -> usize {
        self.scenario.node_index(id).and_then(|index| self.visits.get(&index)).map_or(0, |&n| n as usize)
    }

    /// Every exchange so far.
    pub fn transcript(&self) -> &[Exchange] {
        &self.transcript
    }

    /// The log that rebuilds this session.
    pub fn log(&self) -> SessionLog {
        SessionLog {
            scenario: self.scenario.id.clone(),
            scenario_hash: self.scenario.content_hash.clone(),
            seed: self.seed,
            replies: self.replies.clone(),
        }
    }

    /// Takes a reply: analyses it, moves the meter, applies effects and routes to what comes next.
    /// An invalid reply leaves the session as it was.
    pub fn reply(&mut self, analyzer: &Analyzer, reply: Reply) -> Result<Feedback, EngineError> {
        let (said, turn) = self.utterance(&reply)?;
        let analysis = analyzer.analyze(&said, &turn.partner_line);
        self.step(reply, said, turn, analysis)
    }

    /// The engine's step for a reply whose text was already analysed: `analysis` must be the
    /// analysis of what the reply says ([`Session::reply`] computes it). Benchmarks use this to
    /// time the engine alone.
    pub fn reply_analyzed(&mut self, reply: Reply, analysis: Analysis) -> Result<Feedback, EngineError> {
        let (said, turn) = self.utterance(&reply)?;
        self.step(reply, said, turn, analysis)
    }

    /// Takes a reply that [`Session::utterance`] accepted, saying `said` to `turn`.
    fn step(&mut self, reply: Reply, said: String, turn: Turn, analysis: Analysis) -> Result<Feedback, EngineError> {
        let Position::At { node: node_index, .. } = self.position else { return Err(EngineError::Finished) };
        let node = &self.scenario.nodes[node_index];
        let (choice_number, next, effects, fixed_delta) = match &reply {
            Reply::Choice(number) => {
                let choice = &node.choices[number - 1];
                (Some(*number), choice.next, choice.effects.clone(), choice.meter)
            }
            Reply::Text(_) => {
                // Routing sees the new analysis and the meter as this reply leaves it.
                let visits = self.visits.get(&node_index).copied().unwrap_or(0);
                let route = node
                    .typed
                    .iter()
                    .find(|route| {
                        route.when.as_ref().is_none_or(|when| {
                            when.holds(&Facts {
                                meter: self.meter.saturating_add(route.meter.unwrap_or(analysis.score)).clamp(0, 100),
                                visits,
                                vars: &self.vars,
                                last: Some(&analysis),
                            })
                        })
                    })
                    .ok_or(EngineError::NoEnding)?;
                (None, route.next, route.effects.clone(), route.meter)
            }
        };

        // Work out the new state and where it leads before changing anything, so that a reply the
        // engine refuses leaves the session as it was.
        let meter = self.meter.saturating_add(fixed_delta.unwrap_or(analysis.score)).clamp(0, 100);
        let mut vars = self.vars.clone();
        for effect in &effects {
            apply(&mut vars, effect);
        }
        let facts = Facts { meter, visits: 0, vars: &vars, last: Some(&analysis) };
        let destination = resolve(&self.scenario, next, &facts)?;
        let (meter_before, meter_delta) = (self.meter, meter - self.meter);
        self.meter = meter;
        self.vars = vars;
        self.last_analysis = Some(analysis.clone());
        self.replies.push(reply);
        self.transcript.push(Exchange {
            turn,
            reply: said,
            choice: choice_number,
            analysis: analysis.clone(),
            meter_before,
            meter_delta,
            meter_after: self.meter,
        });
        match destination {
            Destination::Node(index) => self.enter(index),
            Destination::Ending(index) => self.finish(index),
        }
        Ok(Feedback { analysis, meter_delta, next: self.next() })
    }

    /// Checks a reply against the current turn and returns what it says, with the turn it answers.
    fn utterance(&self, reply: &Reply) -> Result<(String, Turn), EngineError> {
        let Position::At { node, turn } = &self.position else { return Err(EngineError::Finished) };
        let node = &self.scenario.nodes[*node];
        let said = match reply {
            Reply::Choice(number) => number
                .checked_sub(1)
                .and_then(|i| node.choices.get(i))
                .map(|choice| choice.say.clone())
                .ok_or(EngineError::NoSuchChoice { chosen: *number, offered: node.choices.len() })?,
            Reply::Text(text) => {
                if node.typed.is_empty() {
                    return Err(EngineError::TypingNotAllowed);
                }
                let text = text.trim();
                if text.is_empty() {
                    return Err(EngineError::EmptyReply);
                }
                let chars = text.chars().count();
                if chars > MAX_REPLY_CHARS {
                    return Err(EngineError::ReplyTooLong { chars });
                }
                text.to_owned()
            }
        };
        Ok((said, turn.clone()))
    }

    /// Takes back the last reply, by replaying the log without it.
    pub fn undo(&mut self, analyzer: &Analyzer) -> Result<(), EngineError> {
        let mut log = self.log();
        if log.replies.pop().is_none() {
            return Err(EngineError::NothingToUndo);
        }
        *self = Session::replay(Arc::clone(&self.scenario), analyzer, &log)?;
        Ok(())
    }

    fn facts(&self, visits: u32) -> Facts<'_> {
        Facts { meter: self.meter, visits, vars: &self.vars, last: self.last_analysis.as_ref() }
    }

    /// Enters a node: counts the visit and picks what the partner says.
    fn enter(&mut self, index: usize) {
        let visits = {
            let count = self.visits.entry(index).or_insert(0);
            *count += 1;
            *count
        };
        let scenario = Arc::clone(&self.scenario);
        let node = &scenario.nodes[index];
        let facts = self.facts(visits);
        // Variants whose condition holds are more specific than unconditional ones, so they win.
        let conditional: Vec<&str> = node
            .partner
            .iter()
            .filter(|v| v.when.as_ref().is_some_and(|when| when.holds(&facts)))
            .map(|v| v.text.as_str())
            .collect();
        let candidates = if conditional.is_empty() {
            node.partner.iter().filter(|v| v.when.is_none()).map(|v| v.text.as_str()).collect()
        } else {
            conditional
        };
        let line = match candidates.len() {
            0 => node.partner.first().map_or("", |v| v.text.as_str()),
            1 => candidates[0],
            n => {
                // u32 keeps the draw identical on 32- and 64-bit platforms.
                let pick = self.dice.0.random_range(0..u32::try_from(n).unwrap_or(u32::MAX));
                candidates[pick as usize]
            }
        };
        let turn = Turn {
            number: self.turn_number(),
            node: node.id.clone(),
            partner_line: line.to_owned(),
            choices: node.choices.iter().map(|c| c.say.clone()).collect(),
            typing_allowed: !node.typed.is_empty(),
            meter: self.meter,
        };
        self.position = Position::At { node: index, turn };
    }

    fn finish(&mut self, index: usize) {
        let Ending { id, title, summary, outcome, .. } = &self.scenario.endings[index];
        self.position = Position::Ended(Finish {
            id: id.clone(),
            title: title.clone(),
            summary: summary.clone(),
            outcome: *outcome,
            meter: self.meter,
        });
    }
}
