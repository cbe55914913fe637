//! Coaching: a one-line verdict on a reply, and a hint that names a principle without giving the answer away.

use std::fmt::Write as _;

use crate::analyze::{Analysis, Analyzer, Style};
use crate::engine::{Exchange, Turn};
use crate::scenario::Scenario;

/// How a reply landed, in one line: a verdict, each principle with the learner's own words as
/// evidence, and the meter's move. For example:
/// `Landed well: Validation "that makes sense" | meter 40 -> 42 (+2)`.
pub fn landing(exchange: &Exchange) -> String {
    let analysis = &exchange.analysis;
    let verdict = match analysis.style {
        Style::ActiveListening => "Landed well",
        Style::Fixing => "Jumped to fixing",
        Style::Defensive => "Hurt",
        Style::Neutral => "Neutral",
    };
    let mut line = verdict.to_owned();
    if analysis.tags.is_empty() {
        line.push_str(": no principle showed clearly");
    }
    for (index, hit) in analysis.tags.iter().enumerate() {
        let separator = if index == 0 { ": " } else { "; " };
        let quotes: Vec<String> = hit.evidence.iter().map(|span| format!("\"{}\"", span.text)).collect();
        let _ = write!(line, "{separator}{} {}", hit.tag.title(), quotes.join(" "));
    }
    let _ = write!(line, " | meter {} -> {} ({:+})", exchange.meter_before, exchange.meter_after, exchange.meter_delta);
    line
}

/// A hint for the current turn: the principle the best authored reply here uses, explained, without
/// quoting any reply. When the step has no authored replies, the scenario's own principles.
pub fn hint(scenario: &Scenario, turn: &Turn, analyzer: &Analyzer) -> String {
    let node = scenario.node_index(&turn.node).map(|index| &scenario.nodes[index]);
    let best: Option<Analysis> = node
        .into_iter()
        .flat_map(|node| &node.choices)
        .map(|choice| analyzer.analyze(&choice.say, &turn.partner_line))
        .max_by_key(|analysis| analysis.score);
    let principle = best
        .as_ref()
        .and_then(|analysis| analysis.tags.iter().map(|hit| hit.tag).find(|tag| !tag.is_breakdown()))
        .or_else(|| scenario.principles.iter().copied().find(|tag| !tag.is_breakdown()));
    match principle {
        Some(tag) => {
            format!("Think about {}: a reply that {}", tag.title().to_lowercase(), analyzer.rubric().explain(tag))
        }
        None => "Think about what your partner is feeling before what you want to say.".to_owned(),
    }
}
