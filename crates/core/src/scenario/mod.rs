//! Scenarios: branching role-plays with a simulated partner, read from YAML and checked like code.
//!
//! [`load`] turns YAML into a [`Scenario`] or a list of located [`crate::diagnostic::Diagnostic`]s;
//! [`paths`] enumerates every playthrough of the authored replies, for authors to review;
//! [`playthrough`] runs a scenario's scripted playthroughs against their expected outcomes.

mod load;
mod model;
pub mod paths;
pub mod playthrough;

pub use load::{END, FORMAT_VERSION, LoadError, Loaded, MAX_SCENARIO_BYTES, content_hash, load};
pub use model::{
    Bounds, Choice, Condition, Difficulty, Effect, Ending, Facts, Node, Outcome, Partner, PartnerPattern, Playthrough,
    Route, Scenario, Target, Value, VarTest, Variant,
};

#[cfg(test)]
mod tests;
