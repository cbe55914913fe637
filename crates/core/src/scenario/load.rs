//! Reading scenario YAML and checking it like a compiler: every problem at once, each located.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};

use std::sync::Arc;

use super::model::{
    Bounds, Choice, Condition, Difficulty, Effect, Ending, Node, Outcome, Partner, PartnerPattern, Playthrough, Route,
    Scenario, Target, Value, VarTest, Variant,
};
use crate::analyze::{Analyzer, Style, Tag};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity, location as at};
use crate::engine::{Next, Reply, Session};

/// The scenario format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// Scenario files larger than this are refused before parsing.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Nesting deeper than this is refused (scenarios need about six levels).
const MAX_DEPTH: usize = 32;

/// YAML aliases beyond this are refused, so that an alias bomb cannot expand without bound.
const MAX_ALIASES: usize = 256;

/// The target that picks the first ending whose condition holds.
pub const END: &str = "end";

/// A scenario that loaded, with the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The checked scenario.
    pub scenario: Scenario,
    /// Problems that do not stop the scenario from running.
    pub warnings: Vec<Diagnostic>,
}

/// A scenario that cannot be used: its errors, and the warnings found alongside them.
#[derive(Debug, thiserror::Error)]
#[error("the scenario has {count} error(s):\n{0}", count = .0.0.iter().filter(|d| d.severity == Severity::Error).count())]
pub struct LoadError(pub Diagnostics);

impl LoadError {
    /// Every finding, errors and warnings, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.0.0
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    format: Spanned<u32>,
    id: Spanned<String>,
    title: Spanned<String>,
    summary: String,
    partner: PartnerFile,
    #[serde(default)]
    principles: Vec<Spanned<String>>,
    #[serde(default)]
    guide_steps: Option<Spanned<Vec<u8>>>,
    #[serde(default)]
    partner_plays: Option<Spanned<Vec<PartnerPattern>>>,
    difficulty: Difficulty,
    #[serde(default)]
    content_notes: Vec<String>,
    meter: MeterFile,
    #[serde(default)]
    variables: BTreeMap<String, Spanned<ValueFile>>,
    start: Spanned<String>,
    nodes: Spanned<Vec<NodeFile>>,
    endings: Spanned<Vec<EndingFile>>,
    #[serde(default)]
    playthroughs: Vec<PlaythroughFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaythroughFile {
    name: Spanned<String>,
    #[serde(default)]
    seed: u64,
    replies: Spanned<Vec<ReplyFile>>,
    ending: Spanned<String>,
    #[serde(default)]
    meter: Option<Bounds>,
}

/// A scripted reply: a number picks a choice, text is typed.
#[derive(Deserialize)]
#[serde(untagged)]
enum ReplyFile {
    Choice(usize),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnerFile {
    name: String,
    persona: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeterFile {
    start: Spanned<i64>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
enum ValueFile {
    Bool(bool),
    Int(i64),
}

impl From<ValueFile> for Value {
    fn from(value: ValueFile) -> Value {
        match value {
            ValueFile::Bool(b) => Value::Bool(b),
            ValueFile::Int(n) => Value::Int(n),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    id: Spanned<String>,
    partner: Spanned<Vec<Spanned<VariantFile>>>,
    #[serde(default)]
    choices: Vec<ChoiceFile>,
    #[serde(default)]
    typed: Vec<Spanned<RouteFile>>,
}

/// A partner line: a plain string, or `{text, when}`.
struct VariantFile {
    text: String,
    when: Option<ConditionFile>,
}

impl<'de> Deserialize<'de> for VariantFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VariantVisitor;
        impl<'de> Visitor<'de> for VariantVisitor {
            type Value = VariantFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a line of text, or a map with `text` and `when`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<VariantFile, E> {
                Ok(VariantFile { text: text.to_owned(), when: None })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<VariantFile, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Full {
                    text: String,
                    when: Option<ConditionFile>,
                }
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(VariantFile { text: full.text, when: full.when })
            }
        }
        deserializer.deserialize_any(VariantVisitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceFile {
    say: Spanned<String>,
    next: Spanned<String>,
    #[serde(default)]
    expect: Option<Style>,
    #[serde(default)]
    set: Option<Spanned<BTreeMap<String, ValueFile>>>,
    #[serde(default)]
    add: Option<Spanned<BTreeMap<String, i64>>>,
    #[serde(default)]
    meter: Option<i32>,
}

// `set`, `add` and `meter` repeat `ChoiceFile`'s on purpose: serde cannot combine
// `#[serde(flatten)]` with `deny_unknown_fields` (or keep `Spanned` locations through it), and
// unknown keys must stay errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteFile {
    #[serde(default)]
    when: Option<ConditionFile>,
    next: Spanned<String>,
    #[serde(default)]
    set: Option<Spanned<BTreeMap<String, ValueFile>>>,
    #[serde(default)]
    add: Option<Spanned<BTreeMap<String, i64>>>,
    #[serde(default)]
    meter: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndingFile {
    id: Spanned<String>,
    title: String,
    summary: String,
    outcome: Outcome,
    #[serde(default)]
    when: Option<Spanned<ConditionFile>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConditionFile {
    #[serde(default)]
    meter: Option<Bounds>,
    #[serde(default)]
    visits: Option<Bounds>,
    #[serde(default)]
    vars: BTreeMap<String, VarTestFile>,
    #[serde(default)]
    style: OneOrMany<Style>,
    #[serde(default)]
    tags_any: Vec<Tag>,
    #[serde(default)]
    tags_all: Vec<Tag>,
    #[serde(default)]
    tags_none: Vec<Tag>,
    #[serde(default)]
    score: Option<Bounds>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum VarTestFile {
    Is(ValueFile),
    Within(Bounds),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

/// Loads and checks a scenario. `origin` names the file in diagnostics; `analyzer` checks each
/// authored choice's `expect:` (a disagreement is a warning).
pub fn load(origin: &str, source: &str, analyzer: &Analyzer) -> Result<Loaded, LoadError> {
    let fail = |diagnostic: Diagnostic| LoadError(Diagnostics(vec![diagnostic]));
    if source.len() > MAX_SCENARIO_BYTES {
        return Err(fail(
            Diagnostic::error(
                origin,
                (0, 0),
                format!("the file is {} bytes; the limit is {MAX_SCENARIO_BYTES}", source.len()),
            )
            .with_hint("split the conversation into several scenarios"),
        ));
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_aliases: MAX_ALIASES,
        },
    };
    let file: ScenarioFile = serde_saphyr::from_str_with_options(source, options).map_err(|error| {
        let at = error.location().map_or((0, 0), |l| (l.line(), l.column()));
        fail(Diagnostic::error(origin, at, yaml_message(&error.to_string())))
    })?;
    Checker { origin, analyzer, findings: Vec::new() }.check(file, source)
}

/// The first line of a YAML error, without the location the diagnostic already shows.
fn yaml_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.split_once(": ") {
        Some((location, rest)) if location.starts_with("line ") => rest.to_owned(),
        _ => first.to_owned(),
    }
}

/// Names that a target can point at, for "did you mean".
struct Names {
    nodes: HashMap<String, usize>,
    endings: HashMap<String, usize>,
    variables: BTreeMap<String, Value>,
}

struct Checker<'a> {
    origin: &'a str,
    analyzer: &'a Analyzer,
    findings: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, at: (u64, u64), message: impl Into<String>, hint: Option<String>) {
        let mut diagnostic = Diagnostic::error(self.origin, at, message);
        diagnostic.hint = hint;
        self.findings.push(diagnostic);
    }

    fn warning(&mut self, at: (u64, u64), message: impl Into<String>, hint: Option<String>) {
        let mut diagnostic = Diagnostic::error(self.origin, at, message);
        diagnostic.severity = Severity::Warning;
        diagnostic.hint = hint;
        self.findings.push(diagnostic);
    }

    fn check(mut self, file: ScenarioFile, source: &str) -> Result<Loaded, LoadError> {
        if file.format.value != FORMAT_VERSION {
            self.error(
                at(&file.format),
                format!("scenario format {} is not supported", file.format.value),
                Some(format!("this build reads `format: {FORMAT_VERSION}`")),
            );
        }
        let id_ok = !file.id.value.is_empty()
            && file.id.value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            self.error(
                at(&file.id),
                format!("scenario id `{}` is not a lowercase slug", file.id.value),
                Some("use lowercase letters, digits and dashes, e.g. `late-again`".to_owned()),
            );
        }
        if file.title.value.trim().is_empty() {
            self.error(at(&file.title), "the title is empty", None);
        }
        let meter_start = file.meter.start.value;
        if !(0..=100).contains(&meter_start) {
            self.error(
                at(&file.meter.start),
                format!("meter start {meter_start} is out of range"),
                Some("the meter runs from 0 to 100".to_owned()),
            );
        }
        let principles = file
            .principles
            .iter()
            .filter_map(|name| {
                let tag = Tag::from_name(&name.value);
                if tag.is_none() {
                    let hint = did_you_mean(&name.value, Tag::ALL.iter().map(|t| t.name()));
                    self.error(at(name), format!("unknown principle `{}`", name.value), hint);
                }
                tag
            })
            .collect();

        let names = self.names(&file);
        let start = names.nodes.get(&file.start.value).copied();
        if start.is_none() {
            let hint = did_you_mean(&file.start.value, names.nodes.keys().map(String::as_str));
            self.error(at(&file.start), format!("start node `{}` does not exist", file.start.value), hint);
        }
        if file.nodes.value.is_empty() {
            self.error(at(&file.nodes), "the scenario has no nodes", None);
        }
        if file.endings.value.is_empty() {
            self.error(at(&file.endings), "the scenario has no endings", Some("add at least one ending".to_owned()));
        }

        let guide_steps = file.guide_steps.as_ref().map(|steps| steps.value.clone()).unwrap_or_default();
        if let Some(steps) = &file.guide_steps
            && let Some(step) = steps.value.iter().find(|step| !(1..=7).contains(*step))
        {
            self.error(
                at(steps),
                format!("guide step {step} does not exist"),
                Some("the guide has steps 1 to 7".to_owned()),
            );
        }
        let nodes: Vec<Node> = file.nodes.value.iter().map(|node| self.node(node, &names)).collect();
        let endings: Vec<Ending> = file.endings.value.iter().map(|ending| self.ending(ending, &names)).collect();
        let playthroughs: Vec<Playthrough> =
            file.playthroughs.iter().filter_map(|p| self.playthrough(p, &names)).collect();
        self.check_first_matching_ending(&file, &nodes, &endings);
        if let Some(start) = start {
            self.check_graph(&file, &nodes, &endings, start);
        }

        if self.findings.iter().any(|d| d.severity == Severity::Error) {
            self.findings.sort_by_key(|d| (d.line, d.column));
            return Err(LoadError(Diagnostics(self.findings)));
        }
        let scenario = Scenario {
            id: file.id.value.clone(),
            title: file.title.value.clone(),
            summary: file.summary.clone(),
            partner: Partner { name: file.partner.name.clone(), persona: file.partner.persona.clone() },
            principles,
            guide_steps,
            partner_plays: file.partner_plays.as_ref().map(|p| p.value.clone()).unwrap_or_default(),
            difficulty: file.difficulty,
            content_notes: file.content_notes.clone(),
            meter_start: i32::try_from(meter_start).unwrap_or_default(),
            variables: names.variables,
            start: start.unwrap_or_default(),
            nodes,
            endings,
            playthroughs,
            content_hash: content_hash(source),
            source: source.into(),
        };
        self.check_pedagogy(&file, &scenario);
        self.findings.sort_by_key(|d| (d.line, d.column));
        Ok(Loaded { scenario, warnings: self.findings })
    }

    fn playthrough(&mut self, file: &PlaythroughFile, names: &Names) -> Option<Playthrough> {
        if file.replies.value.is_empty() {
            self.error(at(&file.replies), format!("playthrough `{}` has no replies", file.name.value), None);
        }
        let Some(&ending) = names.endings.get(&file.ending.value) else {
            let hint = did_you_mean(&file.ending.value, names.endings.keys().map(String::as_str));
            self.error(
                at(&file.ending),
                format!("playthrough expects ending `{}`, which does not exist", file.ending.value),
                hint,
            );
            return None;
        };
        let replies = file
            .replies
            .value
            .iter()
            .map(|reply| match reply {
                ReplyFile::Choice(number) => Reply::Choice(*number),
                ReplyFile::Text(text) => Reply::Text(text.clone()),
            })
            .collect();
        Some(Playthrough { name: file.name.value.clone(), seed: file.seed, replies, ending, meter: file.meter })
    }

    /// What makes a scenario teach well: every choice says what it means to be and the analyzer
    /// agrees (checked in `choice`); the all-active-listening path repairs and outscores the
    /// all-defensive one; there is a principle to practise and a breakdown to meet; and every ending
    /// is shown by a scripted playthrough with a typed reply.
    fn check_pedagogy(&mut self, file: &ScenarioFile, scenario: &Scenario) {
        for (node_file, node) in file.nodes.value.iter().zip(&scenario.nodes) {
            for (choice_file, choice) in node_file.choices.iter().zip(&node.choices) {
                if choice.expect.is_none() {
                    self.warning(
                        at(&choice_file.say),
                        "this choice has no `expect:`",
                        Some("say which style the reply is meant to have".to_owned()),
                    );
                }
            }
        }
        if !scenario.principles.iter().any(|tag| !tag.is_breakdown()) {
            self.warning(
                at(&file.id),
                "the scenario lists no constructive principle to practise",
                Some("add tags to `principles:`".to_owned()),
            );
        }
        match &file.partner_plays {
            None => self.warning(
                at(&file.id),
                "the scenario declares no breakdown pattern the partner plays",
                Some("add `partner_plays:`".to_owned()),
            ),
            Some(plays) => {
                // Each partner line is analysed once, however many patterns are declared.
                let shown: BTreeSet<Tag> = scenario
                    .nodes
                    .iter()
                    .flat_map(|n| &n.partner)
                    .flat_map(|v| self.analyzer.analyze(&v.text, "").tag_set())
                    .collect();
                let declared: BTreeSet<PartnerPattern> = plays.value.iter().copied().collect();
                for pattern in declared {
                    let Some(tag) = pattern.tag() else { continue };
                    if !shown.contains(&tag) {
                        self.warning(
                            at(plays),
                            format!("the partner is said to play {} but no partner line shows it", pattern.name()),
                            Some(format!("give the partner a line the analyzer reads as {tag}")),
                        );
                    }
                }
            }
        }
        let shared = Arc::new(scenario.clone());
        let active = self.styled_path(&shared, Style::ActiveListening);
        let defensive = self.styled_path(&shared, Style::Defensive);
        match active {
            StyledPath::Ended { outcome, score } => {
                if outcome != Outcome::Repaired {
                    self.warning(
                        at(&file.id),
                        format!("always picking the active-listening reply ends {}, not repaired", outcome.name()),
                        Some(
                            "make listening pay off: raise its meter gains or lower the repaired threshold".to_owned(),
                        ),
                    );
                }
                if let StyledPath::Ended { score: defensive_score, .. } = defensive
                    && defensive_score >= score
                {
                    self.warning(
                        at(&file.id),
                        format!("the all-defensive path scores {defensive_score}, not less than the all-active-listening path ({score})"),
                        None,
                    );
                }
            }
            StyledPath::Stuck(node) => {
                let at = file.nodes.value.get(node).map_or((0, 0), |n| at(&n.id));
                self.warning(at, format!("node `{}` offers no active-listening reply", scenario.nodes[node].id), None);
            }
            StyledPath::Endless => {
                self.warning(at(&file.id), "always picking the active-listening reply never ends", None)
            }
        }
        for (index, ending_file) in file.endings.value.iter().enumerate() {
            let shown = scenario
                .playthroughs
                .iter()
                .any(|p| p.ending == index && p.replies.iter().any(|r| matches!(r, Reply::Text(_))));
            if !shown {
                self.warning(
                    at(&ending_file.id),
                    format!("no playthrough with a typed reply reaches ending `{}`", ending_file.id.value),
                    Some("add one under `playthroughs:`; it is snapshot-tested and run by `rehearse test`".to_owned()),
                );
            }
        }
    }

    /// Plays the scenario picking, at every node, the first choice of `style` (for the defensive
    /// path, falling back to fixing and then to the lowest-scoring choice).
    fn styled_path(&self, scenario: &Arc<Scenario>, style: Style) -> StyledPath {
        let mut session = Session::start(Arc::clone(scenario), 0);
        let mut score = 0;
        for _ in 0..100 {
            let turn = match session.next() {
                Next::Ending(finish) => return StyledPath::Ended { outcome: finish.outcome, score },
                Next::Turn(turn) => turn,
            };
            let Some(node) = scenario.node_index(&turn.node) else { return StyledPath::Endless };
            let choices = &scenario.nodes[node].choices;
            let first = |wanted: Style| choices.iter().position(|c| c.expect == Some(wanted));
            let pick = match style {
                Style::Defensive => first(Style::Defensive).or_else(|| first(Style::Fixing)).or_else(|| {
                    (0..choices.len()).min_by_key(|&i| self.analyzer.analyze(&choices[i].say, &turn.partner_line).score)
                }),
                _ => first(style),
            };
            let Some(pick) = pick else { return StyledPath::Stuck(node) };
            match session.reply(self.analyzer, Reply::Choice(pick + 1)) {
                Ok(feedback) => score += feedback.analysis.score,
                Err(_) => return StyledPath::Stuck(node),
            }
        }
        StyledPath::Endless
    }

    /// Collects node, ending and variable names, reporting duplicates.
    fn names(&mut self, file: &ScenarioFile) -> Names {
        let mut seen: HashMap<&str, (u64, u64)> = HashMap::new();
        let mut names = Names { nodes: HashMap::new(), endings: HashMap::new(), variables: BTreeMap::new() };
        let ids = file
            .nodes
            .value
            .iter()
            .map(|n| (&n.id, true))
            .chain(file.endings.value.iter().map(|e| (&e.id, false)))
            .collect::<Vec<_>>();
        let mut node_index = 0;
        let mut ending_index = 0;
        for (id, is_node) in ids {
            let index = if is_node { &mut node_index } else { &mut ending_index };
            let this = *index;
            *index += 1;
            if id.value.trim().is_empty() {
                self.error(at(id), "empty id", None);
                continue;
            }
            if id.value == END {
                self.error(
                    at(id),
                    "`end` is reserved",
                    Some("`next: end` picks the first ending whose `when` holds".to_owned()),
                );
                continue;
            }
            if let Some(&(line, column)) = seen.get(id.value.as_str()) {
                self.error(
                    at(id),
                    format!("duplicate id `{}`", id.value),
                    Some(format!("first defined at line {line}, column {column}")),
                );
                continue;
            }
            seen.insert(&id.value, at(id));
            if is_node {
                names.nodes.insert(id.value.clone(), this);
            } else {
                names.endings.insert(id.value.clone(), this);
            }
        }
        for (name, value) in &file.variables {
            names.variables.insert(name.clone(), value.value.into());
        }
        names
    }

    fn node(&mut self, node: &NodeFile, names: &Names) -> Node {
        if node.partner.value.is_empty() {
            self.error(
                at(&node.partner),
                format!("node `{}` has no partner line", node.id.value),
                Some("give the partner at least one line".to_owned()),
            );
        }
        let partner = node
            .partner
            .value
            .iter()
            .map(|variant| {
                if variant.value.text.trim().is_empty() {
                    self.error(at(variant), "empty partner line", None);
                }
                let when = variant.value.when.as_ref().map(|c| self.condition(c, at(variant), names));
                Variant { text: variant.value.text.trim().to_owned(), when }
            })
            .collect();
        if node.choices.is_empty() && node.typed.is_empty() {
            self.error(
                at(&node.id),
                format!("node `{}` is a dead end: it has no choices and no typed routes", node.id.value),
                Some("add `choices:` or `typed:`, or point the previous reply at an ending".to_owned()),
            );
        }
        let choices = node.choices.iter().map(|choice| self.choice(choice, names)).collect();
        let mut typed: Vec<Route> = Vec::new();
        let mut default_at: Option<(u64, u64)> = None;
        for route in &node.typed {
            if let Some(earlier) = default_at {
                self.warning(
                    at(route),
                    "this route is never taken: an earlier route has no condition",
                    Some(format!("the route at line {}, column {} takes every reply", earlier.0, earlier.1)),
                );
            }
            let file = &route.value;
            let when = file.when.as_ref().map(|c| self.condition(c, at(route), names));
            if when.is_none() && default_at.is_none() {
                default_at = Some(at(route));
            }
            let effects = self.effects(file.set.as_ref(), file.add.as_ref(), names);
            self.check_delta(file.meter, at(route));
            typed.push(Route { when, next: self.target(&file.next, names), effects, meter: file.meter });
        }
        if let Some(last) = node.typed.last()
            && typed.last().is_some_and(|route| route.when.is_some())
        {
            self.error(
                at(last),
                format!("the typed routes of node `{}` have no default", node.id.value),
                Some("end `typed:` with a route that has no `when`, for replies nothing else matches".to_owned()),
            );
        }
        Node { id: node.id.value.clone(), partner, choices, typed }
    }

    fn choice(&mut self, choice: &ChoiceFile, names: &Names) -> Choice {
        let say = choice.say.value.trim().to_owned();
        if say.is_empty() {
            self.error(at(&choice.say), "empty choice", None);
        }
        if let Some(expected) = choice.expect {
            let analysis = self.analyzer.analyze(&say, "");
            if analysis.style != expected {
                let tags: Vec<&str> = analysis.tags.iter().map(|hit| hit.tag.name()).collect();
                let read = if tags.is_empty() { "no tags".to_owned() } else { tags.join(", ") };
                self.warning(
                    at(&choice.say),
                    format!("`expect: {expected}` but the analyzer reads this reply as {} ({read})", analysis.style),
                    Some("reword the reply, or change `expect:` to what the reply really does".to_owned()),
                );
            }
        }
        self.check_delta(choice.meter, at(&choice.say));
        Choice {
            say,
            next: self.target(&choice.next, names),
            expect: choice.expect,
            effects: self.effects(choice.set.as_ref(), choice.add.as_ref(), names),
            meter: choice.meter,
        }
    }

    /// A fixed meter change moves a 0-100 meter, so it lies within -100..=100.
    fn check_delta(&mut self, delta: Option<i32>, at: (u64, u64)) {
        if let Some(delta) = delta.filter(|delta| !(-100..=100).contains(delta)) {
            self.error(
                at,
                format!("`meter: {delta}` is out of range"),
                Some("a fixed meter change lies within -100..=100".to_owned()),
            );
        }
    }

    fn ending(&mut self, ending: &EndingFile, names: &Names) -> Ending {
        let when = ending.when.as_ref().map(|c| self.condition(&c.value, at(c), names));
        Ending {
            id: ending.id.value.clone(),
            title: ending.title.clone(),
            summary: ending.summary.trim().to_owned(),
            when,
            outcome: ending.outcome,
        }
    }

    fn target(&mut self, next: &Spanned<String>, names: &Names) -> Target {
        let name = next.value.as_str();
        if name == END {
            return Target::FirstMatchingEnding;
        }
        if let Some(&node) = names.nodes.get(name) {
            return Target::Node(node);
        }
        if let Some(&ending) = names.endings.get(name) {
            return Target::Ending(ending);
        }
        let candidates = names.nodes.keys().chain(names.endings.keys()).map(String::as_str).chain([END]);
        let hint = did_you_mean(name, candidates);
        self.error(at(next), format!("`next: {name}` names no node or ending"), hint);
        Target::FirstMatchingEnding
    }

    fn condition(&mut self, file: &ConditionFile, at: (u64, u64), names: &Names) -> Condition {
        if let Some(meter) = file.meter {
            for bound in [meter.at_least, meter.at_most].into_iter().flatten() {
                if !(0..=100).contains(&bound) {
                    self.error(
                        at,
                        format!("meter bound {bound} is out of range"),
                        Some("the meter runs from 0 to 100".to_owned()),
                    );
                }
            }
        }
        for bounds in [file.meter, file.visits, file.score].into_iter().flatten() {
            if let (Some(low), Some(high)) = (bounds.at_least, bounds.at_most)
                && low > high
            {
                self.error(
                    at,
                    format!("`at_least: {low}` is above `at_most: {high}`: the condition can never hold"),
                    None,
                );
            }
        }
        let mut vars = Vec::new();
        for (name, test) in &file.vars {
            let test = match test {
                VarTestFile::Is(value) => VarTest::Is((*value).into()),
                VarTestFile::Within(bounds) => VarTest::Within(*bounds),
            };
            match (names.variables.get(name), &test) {
                (None, _) => {
                    let hint = did_you_mean(name, names.variables.keys().map(String::as_str))
                        .or_else(|| Some("declare it under `variables:`".to_owned()));
                    self.error(at, format!("undefined variable `{name}`"), hint);
                }
                (Some(Value::Bool(_)), VarTest::Is(Value::Int(_)) | VarTest::Within(_)) => {
                    self.error(at, format!("variable `{name}` is a flag; test it with true or false"), None);
                }
                (Some(Value::Int(_)), VarTest::Is(Value::Bool(_))) => {
                    self.error(at, format!("variable `{name}` is a count; test it with a number or bounds"), None);
                }
                _ => {}
            }
            vars.push((name.clone(), test));
        }
        Condition {
            meter: file.meter,
            visits: file.visits,
            vars,
            style: file.style_list(),
            tags_any: file.tags_any.clone(),
            tags_all: file.tags_all.clone(),
            tags_none: file.tags_none.clone(),
            score: file.score,
        }
    }

    fn effects(
        &mut self,
        set: Option<&Spanned<BTreeMap<String, ValueFile>>>,
        add: Option<&Spanned<BTreeMap<String, i64>>>,
        names: &Names,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(set) = set {
            for (name, value) in &set.value {
                let value: Value = (*value).into();
                match names.variables.get(name) {
                    None => self.undefined(name, at(set), names),
                    Some(declared) if std::mem::discriminant(declared) != std::mem::discriminant(&value) => {
                        self.error(
                            at(set),
                            format!("`{name}` is set to a value of another type than it was declared with"),
                            None,
                        );
                    }
                    Some(_) => {}
                }
                effects.push(Effect::Set(name.clone(), value));
            }
        }
        if let Some(add) = add {
            for (name, amount) in &add.value {
                match names.variables.get(name) {
                    None => self.undefined(name, at(add), names),
                    Some(Value::Bool(_)) => {
                        self.error(at(add), format!("`add` needs a count, but `{name}` is a flag"), None)
                    }
                    Some(Value::Int(_)) => {}
                }
                effects.push(Effect::Add(name.clone(), *amount));
            }
        }
        effects
    }

    fn undefined(&mut self, name: &str, at: (u64, u64), names: &Names) {
        let hint = did_you_mean(name, names.variables.keys().map(String::as_str))
            .or_else(|| Some("declare it under `variables:`".to_owned()));
        self.error(at, format!("undefined variable `{name}`"), hint);
    }

    /// `next: end` needs an ending that always applies, or a conversation could have nowhere to go.
    fn check_first_matching_ending(&mut self, file: &ScenarioFile, nodes: &[Node], endings: &[Ending]) {
        let uses_end = nodes.iter().flat_map(targets).any(|t| t == Target::FirstMatchingEnding);
        if uses_end && !endings.is_empty() && endings.iter().all(|e| e.when.is_some()) {
            self.error(
                at(&file.endings),
                "`next: end` is used but every ending has a condition, so none may apply",
                Some("give the last ending no `when`, as the fallback".to_owned()),
            );
        }
    }

    /// Unreachable nodes (warning) and nodes from which no ending can be reached (error).
    fn check_graph(&mut self, file: &ScenarioFile, nodes: &[Node], endings: &[Ending], start: usize) {
        let mut reachable = vec![false; nodes.len()];
        let mut stack = vec![start];
        let mut endings_reached = vec![false; endings.len()];
        while let Some(index) = stack.pop() {
            if std::mem::replace(&mut reachable[index], true) {
                continue;
            }
            for target in targets(&nodes[index]) {
                match target {
                    Target::Node(next) => stack.push(next),
                    Target::Ending(ending) => endings_reached[ending] = true,
                    Target::FirstMatchingEnding => endings_reached.iter_mut().for_each(|r| *r = true),
                }
            }
        }
        // A node can finish if one of its targets is an ending or a node that can finish: walk
        // back from the nodes next to an ending, so that each link is followed once (a sweep over
        // all nodes until nothing changes takes one sweep per node of a long chain).
        let mut leads_here: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        let mut can_finish = vec![false; nodes.len()];
        let mut finishing = Vec::new();
        for (index, node) in nodes.iter().enumerate() {
            for target in targets(node) {
                match target {
                    Target::Node(next) => leads_here[next].push(index),
                    Target::Ending(_) | Target::FirstMatchingEnding => {
                        if !std::mem::replace(&mut can_finish[index], true) {
                            finishing.push(index);
                        }
                    }
                }
            }
        }
        while let Some(index) = finishing.pop() {
            for &previous in &leads_here[index] {
                if !std::mem::replace(&mut can_finish[previous], true) {
                    finishing.push(previous);
                }
            }
        }
        // Naming a cycle costs a search per node; a few named ones are enough for an author.
        let mut cycles_named = 0;
        for (index, node_file) in file.nodes.value.iter().enumerate() {
            let node = &nodes[index];
            if !reachable[index] {
                self.warning(
                    at(&node_file.id),
                    format!("node `{}` is unreachable from the start", node.id),
                    Some("point a choice or a typed route at it, or remove it".to_owned()),
                );
            } else if !can_finish[index] && !is_dead_end(node) {
                let cycle =
                    if cycles_named < 10 { cycle_through(nodes, index).map(|ids| ids.join(" -> ")) } else { None };
                cycles_named += usize::from(cycle.is_some());
                let message = match cycle {
                    Some(cycle) => format!("node `{}` is in a cycle with no way out: {cycle}", node.id),
                    None => format!("node `{}` can never reach an ending", node.id),
                };
                self.error(
                    at(&node_file.id),
                    message,
                    Some("route at least one reply from here towards an ending".to_owned()),
                );
            }
        }
        for (index, ending_file) in file.endings.value.iter().enumerate() {
            if !endings_reached[index] && reachable.iter().any(|&r| r) {
                self.warning(at(&ending_file.id), format!("ending `{}` is never reached", endings[index].id), None);
            }
        }
    }
}

impl ConditionFile {
    fn style_list(&self) -> Vec<Style> {
        match &self.style {
            OneOrMany::One(style) => vec![*style],
            OneOrMany::Many(styles) => styles.clone(),
        }
    }
}

/// A node with no replies at all (reported on its own, as a dead end).
fn is_dead_end(node: &Node) -> bool {
    node.choices.is_empty() && node.typed.is_empty()
}

/// Where always picking one style of reply leads.
enum StyledPath {
    Ended { outcome: Outcome, score: i32 },
    Stuck(usize),
    Endless,
}

/// Every target of a node's choices and typed routes.
fn targets(node: &Node) -> impl Iterator<Item = Target> + '_ {
    node.choices.iter().map(|c| c.next).chain(node.typed.iter().map(|r| r.next))
}

/// A cycle of node ids that starts and ends at `start`, if there is one.
fn cycle_through(nodes: &[Node], start: usize) -> Option<Vec<String>> {
    let mut came_from: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut visited = BTreeSet::from([start]);
    while let Some(index) = queue.pop_front() {
        for target in targets(&nodes[index]) {
            let Target::Node(next) = target else { continue };
            if next == start {
                let mut path = vec![nodes[start].id.clone()];
                let mut at = index;
                let mut back = vec![];
                while at != start {
                    back.push(nodes[at].id.clone());
                    at = came_from[&at];
                }
                path.extend(back.into_iter().rev());
                path.push(nodes[start].id.clone());
                return Some(path);
            }
            if visited.insert(next) {
                came_from.insert(next, index);
                queue.push_back(next);
            }
        }
    }
    None
}

/// "did you mean `x`?" for the closest known name, when one is close enough. Only the first
/// thousand names are compared, so that a huge file cannot make every lookup quadratic.
fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .take(1_000)
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(similarity, _)| *similarity > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}

/// SHA-256 of the source text in hex: a scenario's version, stable across platforms.
pub fn content_hash(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}
