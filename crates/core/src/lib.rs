//! rehearse-core holds all of rehearse's logic; the binaries only pass input in and render what comes out.
//!
//! - [`analyze`]: which of the guide's principles a reply uses or breaks, with evidence.
//! - [`eval`]: measuring the analyzer against labelled replies.
//! - [`diagnostic`]: located problems in files people write (rubrics, scenarios).

pub mod analyze;
pub mod diagnostic;
pub mod eval;

pub use analyze::{Analysis, Analyzer, Span, Style, Tag, TagHit};
