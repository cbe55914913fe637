//! The checked, in-memory form of a scenario: what the engine runs.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::analyze::{Analysis, Style, Tag};
use crate::engine::Reply;

/// A branching role-play, loaded and checked. Build one with [`crate::scenario::load`].
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Stable identifier (`late-again`).
    pub id: String,
    /// Human title.
    pub title: String,
    /// One or two sentences on what the conversation is about.
    pub summary: String,
    /// The simulated partner.
    pub partner: Partner,
    /// The principles the scenario lets a learner practise.
    pub principles: Vec<Tag>,
    /// The steps of the guide (1-7) the scenario practises.
    pub guide_steps: Vec<u8>,
    /// The breakdown patterns the partner plays, which the learner meets.
    pub partner_plays: Vec<PartnerPattern>,
    /// How hard the conversation is.
    pub difficulty: Difficulty,
    /// Sensitive topics a learner should know about before starting.
    pub content_notes: Vec<String>,
    /// Where the partner's emotional-safety meter starts (0-100).
    pub meter_start: i32,
    /// Author-declared variables and their starting values.
    pub variables: BTreeMap<String, Value>,
    /// Index into `nodes` of the first node.
    pub start: usize,
    /// The conversation's steps.
    pub nodes: Vec<Node>,
    /// The ways the conversation can end.
    pub endings: Vec<Ending>,
    /// Scripted playthroughs with their expected outcome, run by `rehearse test` and `cargo test`.
    pub playthroughs: Vec<Playthrough>,
    /// SHA-256 of the scenario's source text, in hex: the scenario's version.
    pub content_hash: String,
    /// The YAML source, kept so that a session can be replayed on exactly the version it began on
    /// (shared: every session started on this version holds it).
    #[serde(skip)]
    pub source: Arc<str>,
}

/// The simulated partner.
#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    /// What the partner is called.
    pub name: String,
    /// Who the partner is and how they tend to react, for the learner.
    pub persona: String,
}

/// How hard a scenario is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Difficulty {
    /// A partner who responds well to small steps.
    Gentle,
    /// A partner who needs real listening before softening.
    Moderate,
    /// A partner who is deeply hurt or defended.
    Hard,
}

impl Difficulty {
    /// The difficulty's name as scenarios spell it.
    pub fn name(self) -> &'static str {
        match self {
            Difficulty::Gentle => "gentle",
            Difficulty::Moderate => "moderate",
            Difficulty::Hard => "hard",
        }
    }
}

/// A breakdown pattern the partner plays (the guide's list of what erodes safety).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerPattern {
    /// Excuses and counter-complaints.
    Defensiveness,
    /// Global blame, attacks on character.
    Criticism,
    /// Sarcasm, mockery.
    Contempt,
    /// Shutting the conversation down.
    Stonewalling,
    /// Going distant: short answers, no feelings shared.
    Withdrawal,
}

impl PartnerPattern {
    /// Every pattern, in a stable order.
    pub const ALL: [PartnerPattern; 5] = [
        PartnerPattern::Defensiveness,
        PartnerPattern::Criticism,
        PartnerPattern::Contempt,
        PartnerPattern::Stonewalling,
        PartnerPattern::Withdrawal,
    ];

    /// The analyzer tag that shows the pattern in the partner's lines; withdrawal has none.
    pub fn tag(self) -> Option<Tag> {
        match self {
            PartnerPattern::Defensiveness => Some(Tag::Defensiveness),
            PartnerPattern::Criticism => Some(Tag::Criticism),
            PartnerPattern::Contempt => Some(Tag::Contempt),
            PartnerPattern::Stonewalling => Some(Tag::Stonewalling),
            PartnerPattern::Withdrawal => None,
        }
    }

    /// The pattern's name as scenarios spell it.
    pub fn name(self) -> &'static str {
        match self {
            PartnerPattern::Defensiveness => "defensiveness",
            PartnerPattern::Criticism => "criticism",
            PartnerPattern::Contempt => "contempt",
            PartnerPattern::Stonewalling => "stonewalling",
            PartnerPattern::Withdrawal => "withdrawal",
        }
    }
}

/// A scripted playthrough: replies, a seed, and the outcome the author expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Playthrough {
    /// What the playthrough shows ("owns it and promises").
    pub name: String,
    /// The seed for the partner's variants.
    pub seed: u64,
    /// The replies, in order.
    pub replies: Vec<Reply>,
    /// The ending it must reach (index into `endings`).
    pub ending: usize,
    /// Bounds the final meter must lie within.
    pub meter: Option<Bounds>,
}

/// A variable's value: a flag or a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A flag.
    Bool(bool),
    /// A count.
    Int(i64),
}

/// One step of the conversation: the partner speaks, the learner replies.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// The node's id.
    pub id: String,
    /// What the partner may say here; one is picked each time the node is entered.
    pub partner: Vec<Variant>,
    /// The authored replies the learner can pick.
    pub choices: Vec<Choice>,
    /// Where a typed reply goes: the first route whose condition holds. Empty when typing is not
    /// allowed here; otherwise the last route has no condition.
    pub typed: Vec<Route>,
}

/// One way the partner can say their line.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// The line.
    pub text: String,
    /// When this variant may be said; `None` for always.
    pub when: Option<Condition>,
}

/// An authored reply.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// What the learner says.
    pub say: String,
    /// Where the conversation goes next.
    pub next: Target,
    /// The style the author means this reply to have (checked against the analyzer by lint).
    pub expect: Option<Style>,
    /// Changes to variables.
    pub effects: Vec<Effect>,
    /// A fixed meter change instead of the analyzed score.
    pub meter: Option<i32>,
}

/// Where a typed reply goes, if its condition holds.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    /// The condition; `None` for the default route.
    pub when: Option<Condition>,
    /// Where the conversation goes next.
    pub next: Target,
    /// Changes to variables.
    pub effects: Vec<Effect>,
    /// A fixed meter change instead of the analyzed score.
    pub meter: Option<i32>,
}

/// What follows a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "index")]
pub enum Target {
    /// Another node (index into `nodes`).
    Node(usize),
    /// A given ending (index into `endings`).
    Ending(usize),
    /// The first ending whose condition holds.
    FirstMatchingEnding,
}

/// How the conversation ended.
#[derive(Debug, Clone, Serialize)]
pub struct Ending {
    /// The ending's id (`repaired`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// What happened, for the learner.
    pub summary: String,
    /// When `next: end` picks this ending; `None` for always.
    pub when: Option<Condition>,
    /// What the ending means for the relationship.
    pub outcome: Outcome,
}

/// What an ending means for the relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outcome {
    /// Safety was rebuilt: the partner feels heard.
    Repaired,
    /// Nothing broke further, nothing healed.
    Stalled,
    /// The conversation made things worse.
    Escalated,
}

impl Outcome {
    /// The outcome's name as scenarios spell it.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Repaired => "repaired",
            Outcome::Stalled => "stalled",
            Outcome::Escalated => "escalated",
        }
    }
}

/// A change to a variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Effect {
    /// Set a variable.
    Set(String, Value),
    /// Add to a count.
    Add(String, i64),
}

/// An inclusive range of numbers; either bound may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// The smallest value allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
    /// The largest value allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<i64>,
}

impl Bounds {
    /// Whether `value` lies within the bounds.
    pub fn contains(&self, value: i64) -> bool {
        self.at_least.is_none_or(|low| value >= low) && self.at_most.is_none_or(|high| value <= high)
    }
}

/// What a variable must be for a condition to hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum VarTest {
    /// Equal to this flag or count.
    Is(Value),
    /// A count within these bounds.
    Within(Bounds),
}

/// A condition on the conversation's state and the last reply; every part given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The partner's meter.
    pub meter: Option<Bounds>,
    /// How many times the current node has been entered (including now).
    pub visits: Option<Bounds>,
    /// Variables.
    pub vars: Vec<(String, VarTest)>,
    /// The last reply's style is one of these.
    pub style: Vec<Style>,
    /// The last reply has at least one of these tags.
    pub tags_any: Vec<Tag>,
    /// The last reply has all of these tags.
    pub tags_all: Vec<Tag>,
    /// The last reply has none of these tags.
    pub tags_none: Vec<Tag>,
    /// The last reply's score.
    pub score: Option<Bounds>,
}

/// What a condition is evaluated against.
pub struct Facts<'a> {
    /// The meter now.
    pub meter: i32,
    /// Visits of the current node.
    pub visits: u32,
    /// Variables now.
    pub vars: &'a BTreeMap<String, Value>,
    /// The last reply's analysis, if there was a reply.
    pub last: Option<&'a Analysis>,
}

impl Condition {
    /// Whether the condition holds for `facts`. Conditions on the last reply fail when there was none.
    pub fn holds(&self, facts: &Facts<'_>) -> bool {
        let bounded = |bounds: &Option<Bounds>, value: i64| bounds.as_ref().is_none_or(|b| b.contains(value));
        if !bounded(&self.meter, facts.meter.into()) || !bounded(&self.visits, facts.visits.into()) {
            return false;
        }
        let vars_hold = self.vars.iter().all(|(name, test)| match (test, facts.vars.get(name)) {
            (VarTest::Is(expected), Some(actual)) => expected == actual,
            (VarTest::Within(bounds), Some(Value::Int(actual))) => bounds.contains(*actual),
            _ => false,
        });
        if !vars_hold {
            return false;
        }
        let needs_reply = !self.style.is_empty()
            || !self.tags_any.is_empty()
            || !self.tags_all.is_empty()
            || !self.tags_none.is_empty()
            || self.score.is_some();
        if !needs_reply {
            return true;
        }
        let Some(last) = facts.last else { return false };
        (self.style.is_empty() || self.style.contains(&last.style))
            && (self.tags_any.is_empty() || self.tags_any.iter().any(|&t| last.has(t)))
            && self.tags_all.iter().all(|&t| last.has(t))
            && !self.tags_none.iter().any(|&t| last.has(t))
            && bounded(&self.score, last.score.into())
    }
}

impl Scenario {
    /// The node with `id`, if any.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|node| node.id == id)
    }
}
