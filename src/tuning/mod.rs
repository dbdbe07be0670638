//! Ranking quality: labelled pairs ([`labels`]), metrics ([`metrics`]), evaluation of a
//! scoring config against labels with baselines ([`evaluate`], the names-only one in
//! [`names`]) and the search for better weights ([`search`]).
//!
//! Pure like the matching core: inputs are firms, labels and configs in memory; no HTTP,
//! no storage, no clock. Every random choice takes a seed, so runs repeat exactly.

pub mod evaluate;
pub mod labels;
pub mod metrics;
pub mod names;
pub mod search;

pub use evaluate::{
    evaluate, render_table, EvalOptions, EvaluationReport, Evaluator, SystemReport,
};
pub use labels::{Label, LabelError, LabelSet};
pub use metrics::{Bootstrap, Estimate};
pub use search::{tune, FoldReport, Progress, SearchOptions, TuneReport};
