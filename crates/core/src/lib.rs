//! rehearse-core holds all of rehearse's logic; the binaries only pass input in and render what comes out.
//!
//! - [`analyze`]: which of the guide's principles a reply uses or breaks, with evidence.
//! - [`scenario`]: branching role-plays read from YAML and checked like code.
//! - [`engine`]: a scenario played turn by turn, deterministic in (scenario, seed, replies).
//! - [`report`]: what a session amounted to, and what to revisit.
//! - [`coach`]: one-line verdicts on replies, and hints.
//! - [`transcript`]: a conversation rendered as plain text.
//! - [`eval`]: measuring the analyzer against labelled replies.
//! - [`diagnostic`]: located problems in files people write (rubrics, scenarios).

pub mod analyze;
pub mod coach;
pub mod diagnostic;
pub mod engine;
pub mod eval;
pub mod report;
pub mod scenario;
pub mod transcript;

pub use analyze::{Analysis, Analyzer, Span, Style, Tag, TagHit};
