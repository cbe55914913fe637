//! Plain-text rendering of a conversation: the partner's turns, the replies and how they landed.
//!
//! One rendering serves `rehearse play`, scripted playthroughs and snapshot tests, so what an author
//! reviews in a snapshot is exactly what a learner sees.

use std::fmt::Write as _;

use crate::engine::{Exchange, Finish, Next, Session, Turn};
use crate::scenario::Scenario;

/// The scenario's opening: title, partner, content notes and summary.
pub fn header(scenario: &Scenario) -> String {
    let mut out = format!("== {} ==\nWith {}. {}\n", scenario.title, scenario.partner.name, scenario.partner.persona);
    if !scenario.content_notes.is_empty() {
        let _ = writeln!(out, "Content notes: {}", scenario.content_notes.join(", "));
    }
    let _ = writeln!(out, "{}\n", scenario.summary);
    out
}

/// A partner's turn: the line and the numbered authored replies.
pub fn turn(partner: &str, turn: &Turn) -> String {
    let mut out = format!("Turn {} (meter {})\n{partner}: \"{}\"\n", turn.number, turn.meter, turn.partner_line);
    for (index, choice) in turn.choices.iter().enumerate() {
        let _ = writeln!(out, "  {}. {choice}", index + 1);
    }
    if turn.typing_allowed {
        out.push_str("  (or type your own reply)\n");
    }
    out
}

/// A reply and how it landed: the feedback lines and the meter's move.
pub fn exchange(exchange: &Exchange) -> String {
    let mut out = format!("You: \"{}\"\n", exchange.reply);
    for line in &exchange.analysis.feedback {
        let _ = writeln!(out, "  - {line}");
    }
    let _ =
        writeln!(out, "  Meter: {} -> {} ({:+})\n", exchange.meter_before, exchange.meter_after, exchange.meter_delta);
    out
}

/// The ending's title and summary.
pub fn ending(finish: &Finish) -> String {
    format!("*** {} ***\n{}\n\n", finish.title, finish.summary)
}

/// A whole session: header, every exchange, and the turn it is waiting at or its ending.
pub fn session(session: &Session) -> String {
    let scenario = session.scenario();
    let partner = &scenario.partner.name;
    let mut out = header(scenario);
    for step in session.transcript() {
        out.push_str(&turn(partner, &step.turn));
        out.push_str(&exchange(step));
    }
    match session.next() {
        Next::Turn(waiting) => out.push_str(&turn(partner, &waiting)),
        Next::Ending(finish) => out.push_str(&ending(&finish)),
    }
    out
}

/// A whole session as Markdown: the scenario, then each exchange with how the reply landed.
pub fn markdown(session: &Session) -> String {
    let scenario = session.scenario();
    let partner = &scenario.partner.name;
    let mut out = format!("# {}\n\n*With {}.* {}\n\n", scenario.title, partner, scenario.summary);
    if !scenario.content_notes.is_empty() {
        let _ = writeln!(out, "*Content notes: {}*\n", scenario.content_notes.join(", "));
    }
    for step in session.transcript() {
        let _ = writeln!(out, "**{partner}:** {}\n", step.turn.partner_line);
        let _ = writeln!(out, "**You:** {}\n", step.reply);
        for line in &step.analysis.feedback {
            let _ = writeln!(out, "> {line}");
        }
        let _ = writeln!(out, ">\n> Meter {} → {} ({:+})\n", step.meter_before, step.meter_after, step.meter_delta);
    }
    match session.next() {
        Next::Turn(waiting) => {
            let _ = writeln!(out, "**{partner}:** {}\n\n*(waiting for your reply)*\n", waiting.partner_line);
        }
        Next::Ending(finish) => {
            let _ = writeln!(out, "---\n\n**{}.** {}\n", finish.title, finish.summary);
        }
    }
    out
}
