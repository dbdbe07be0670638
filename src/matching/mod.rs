//! The matching core: which NTB and Jatim firms should meet, and why.
//!
//! Pure and deterministic: no HTTP, no storage, no clock, no global mutable state; the only
//! tables it reads (glossary, IO coefficients, KBLI crosswalk, HS descriptions) are compiled
//! in. Owns text normalisation ([`text`]), IO sector links ([`sector`]), the scoring model
//! ([`score`], parameters in [`config`]), the candidate index ([`index`]) and ranking
//! ([`rank`], through [`Matcher`]). [`synthetic`] generates profiles for benches and tests.

pub mod config;
pub mod fast;
pub mod index;
pub mod rank;
pub mod score;
pub mod sector;
pub mod synthetic;
pub mod text;

pub use config::{HsLevels, ScoringConfig, Weights};
pub use rank::{recall, Direction, Match, MatchQuery, Matcher, MatcherStats, Partner, Scope};
pub use score::{score_profiles, Components, DirectedScore, PairScore};

#[cfg(test)]
mod tests;
