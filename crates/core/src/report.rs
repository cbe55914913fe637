//! The end-of-session report: the ending, the meter over the turns, the principles used and broken,
//! and the moments to revisit with a better reply.

use std::fmt::Write as _;

use serde::Serialize;

use crate::analyze::{Analyzer, Tag};
use crate::engine::{Finish, Next, Session};

/// How many moments a report suggests revisiting.
const MOMENTS: usize = 3;

/// A session's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The scenario's id.
    pub scenario: String,
    /// The scenario's title.
    pub title: String,
    /// The ending reached, if the conversation is over.
    pub ending: Option<Finish>,
    /// The meter at the start and after each reply.
    pub meter: Vec<i32>,
    /// How often each principle was used or broken, in the order of labels.md.
    pub tally: Vec<TagCount>,
    /// The replies that hurt most, worst first, each with a better reply.
    pub moments: Vec<Moment>,
}

/// How often a principle showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagCount {
    /// The principle.
    pub tag: Tag,
    /// In how many replies.
    pub count: usize,
}

/// A reply worth revisiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moment {
    /// The turn number.
    pub turn: usize,
    /// What the partner said.
    pub partner_line: String,
    /// What the learner said.
    pub reply: String,
    /// Its score.
    pub score: i32,
    /// The breakdown principles it showed.
    pub broke: Vec<Tag>,
    /// A better reply: the best authored reply at that point, or the rubric's tip.
    pub better: String,
    /// Where `better` comes from.
    pub better_from: BetterFrom,
}

impl BetterFrom {
    /// How the suggestion is introduced to the learner.
    pub fn label(self) -> &'static str {
        match self {
            BetterFrom::AuthoredChoice => "a better reply",
            BetterFrom::RubricTip => "try",
        }
    }
}

/// Where a suggested better reply comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BetterFrom {
    /// The best-scoring authored reply at that turn.
    AuthoredChoice,
    /// The rubric's tip for the reply's worst breakdown.
    RubricTip,
}

impl Report {
    /// Builds the report of a session (finished or not).
    pub fn new(session: &Session, analyzer: &Analyzer) -> Report {
        let scenario = session.scenario();
        let transcript = session.transcript();
        let mut meter = vec![scenario.meter_start];
        meter.extend(transcript.iter().map(|exchange| exchange.meter_after));
        let tally = Tag::ALL
            .into_iter()
            .map(|tag| TagCount { tag, count: transcript.iter().filter(|e| e.analysis.has(tag)).count() })
            .filter(|count| count.count > 0)
            .collect();
        let mut hurtful: Vec<_> = transcript.iter().filter(|e| e.analysis.score < 0).collect();
        // Worst first; among equals, the earlier turn.
        hurtful.sort_by_key(|e| (e.analysis.score, e.turn.number));
        let moments = hurtful
            .into_iter()
            .take(MOMENTS)
            .map(|exchange| {
                let broke: Vec<Tag> =
                    exchange.analysis.tags.iter().map(|h| h.tag).filter(|t| t.is_breakdown()).collect();
                let best_choice = exchange
                    .turn
                    .choices
                    .iter()
                    .map(|say| (analyzer.analyze(say, &exchange.turn.partner_line).score, say))
                    .filter(|(score, _)| *score > exchange.analysis.score)
                    .max_by_key(|(score, _)| *score);
                let (better, better_from) = match best_choice {
                    Some((_, say)) => (say.clone(), BetterFrom::AuthoredChoice),
                    None => {
                        let worst = broke.iter().min_by_key(|tag| analyzer.rubric().weight(**tag));
                        let tip = worst.and_then(|tag| analyzer.rubric().tip(*tag)).unwrap_or_default();
                        (tip.to_owned(), BetterFrom::RubricTip)
                    }
                };
                Moment {
                    turn: exchange.turn.number,
                    partner_line: exchange.turn.partner_line.clone(),
                    reply: exchange.reply.clone(),
                    score: exchange.analysis.score,
                    broke,
                    better,
                    better_from,
                }
            })
            .collect();
        let ending = match session.next() {
            Next::Ending(finish) => Some(finish),
            Next::Turn(_) => None,
        };
        Report { scenario: scenario.id.clone(), title: scenario.title.clone(), ending, meter, tally, moments }
    }

    /// The meter over the turns as a sparkline, one block per value from 0 (▁) to 100 (█).
    pub fn sparkline(&self) -> String {
        const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        self.meter.iter().map(|&value| BLOCKS[(value.clamp(0, 100) as usize * BLOCKS.len() / 101).min(7)]).collect()
    }

    /// The report as Markdown, for saving and sharing.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## Report: {}\n\n", self.title);
        match &self.ending {
            Some(ending) => {
                let _ =
                    writeln!(out, "**Ending:** {} ({})\n\n{}\n", ending.title, ending.outcome.name(), ending.summary);
            }
            None => out.push_str("**Ending:** not reached yet\n\n"),
        }
        let meter: Vec<String> = self.meter.iter().map(i32::to_string).collect();
        let _ = writeln!(out, "**Safety meter:** {} `{}`\n", meter.join(" → "), self.sparkline());
        if !self.tally.is_empty() {
            out.push_str("| principle | kind | replies |\n|---|---|---|\n");
            for count in &self.tally {
                let kind = if count.tag.is_breakdown() { "breaks safety" } else { "builds safety" };
                let _ = writeln!(out, "| {} | {kind} | {} |", count.tag.title(), count.count);
            }
            out.push('\n');
        }
        if !self.moments.is_empty() {
            out.push_str("### Moments to revisit\n\n");
            for moment in &self.moments {
                let broke: Vec<&str> = moment.broke.iter().map(|t| t.title()).collect();
                let _ = writeln!(
                    out,
                    "- **Turn {}** ({:+}), when they said \"{}\"",
                    moment.turn, moment.score, moment.partner_line
                );
                let _ = writeln!(out, "  - you said: \"{}\" ({})", moment.reply, broke.join(", "));
                let _ = writeln!(out, "  - {}: {}", moment.better_from.label(), moment.better);
            }
        }
        out
    }

    /// The report as plain text, for terminals and pipes.
    pub fn to_text(&self) -> String {
        let mut out = format!("Report: {}\n", self.title);
        match &self.ending {
            Some(ending) => {
                let _ = writeln!(out, "Ending: {} ({})", ending.title, ending.id);
                let _ = writeln!(out, "  {}", ending.summary);
            }
            None => out.push_str("Ending: not reached yet\n"),
        }
        let meter: Vec<String> = self.meter.iter().map(i32::to_string).collect();
        let _ = writeln!(out, "Safety meter: {}  {}", meter.join(" -> "), self.sparkline());
        if !self.tally.is_empty() {
            out.push_str("Principles:\n");
            for count in &self.tally {
                let sign = if count.tag.is_breakdown() { "-" } else { "+" };
                let _ = writeln!(out, "  {sign} {:<24} x{}", count.tag.title(), count.count);
            }
        }
        if !self.moments.is_empty() {
            out.push_str("Moments to revisit:\n");
            for moment in &self.moments {
                let broke: Vec<&str> = moment.broke.iter().map(|t| t.title()).collect();
                let _ = writeln!(out, "  Turn {} ({:+}): \"{}\"", moment.turn, moment.score, moment.reply);
                let _ = writeln!(out, "    broke: {}", broke.join(", "));
                let _ = writeln!(out, "    {}: {}", moment.better_from.label(), moment.better);
            }
        }
        out
    }
}
